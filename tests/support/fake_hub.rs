//! A local AWS endpoint for tests and benchmarks (127.0.0.1 only), for what moto lacks: it
//! serves Security Hub GetFindings pages of the findings it was given, and (from
//! [`Services`], which a test may change between polls) Access Analyzer ListAnalyzers,
//! ListFindingsV2 and GetFindingV2, Config recorder status and compliance, and CloudTrail
//! LookupEvents, DescribeTrails and GetTrailStatus, each in the service's own JSON. It can
//! enforce a request rate on one API (answering 429/400 throttling beyond it), deny one
//! access key, or treat one as expired. Blocking threads, one per connection: enough for a
//! client on loopback.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the endpoint does besides answering.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Requests per second and burst; beyond them, 429.
    pub rate: Option<(f64, f64)>,
    /// Requests signed with this access key id get 403 AccessDeniedException.
    pub deny_key: Option<String>,
    /// Requests signed with this access key id get 400 ExpiredTokenException.
    pub expired_key: Option<String>,
    /// The API the rate applies to (default GetFindings).
    pub rate_api: Option<&'static str>,
    /// Findings served to a role session (`ASIA` + account keys) carry that account's id
    /// in place of 111111111111, and every finding the region the request was signed for
    /// in place of us-east-1: one list serves fifty accounts and every region.
    pub per_caller: bool,
}

impl Behaviour {
    /// An endpoint that allows `per_second` requests with bursts of `burst`.
    pub fn limited(per_second: f64, burst: f64) -> Behaviour {
        Behaviour {
            rate: Some((per_second, burst)),
            ..Behaviour::default()
        }
    }
}

#[derive(Debug, Default)]
pub struct Stats {
    pub served: AtomicUsize,
    pub throttled: AtomicUsize,
    pub denied: AtomicUsize,
    /// When each page was served, for rate measurements.
    pub times: Mutex<Vec<Instant>>,
    /// The GetFindings request bodies, in order.
    pub requests: Mutex<Vec<serde_json::Value>>,
    /// Every API called, in order.
    pub calls: Mutex<Vec<String>>,
    /// The analyzer of each ListFindingsV2 call.
    pub analyzers_asked: Mutex<Vec<String>>,
    /// The BatchUpdateFindings and LookupEvents request bodies, in order.
    pub writes: Mutex<Vec<serde_json::Value>>,
    pub lookups: Mutex<Vec<serde_json::Value>>,
}

impl Stats {
    /// How many times `api` was called.
    pub fn count(&self, api: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| *c == api)
            .count()
    }
}

/// What the endpoint knows besides Security Hub findings.
#[derive(Debug, Clone, Default)]
pub struct Services {
    /// Access Analyzer: (ARN, type) of each active analyzer.
    pub analyzers: Vec<(String, String)>,
    /// GetFindingV2 answers; ListFindingsV2 summarises those with status ACTIVE.
    pub analyzer_findings: Vec<serde_json::Value>,
    /// Config: None without a recorder, else whether it records.
    pub recorder: Option<bool>,
    /// (rule, EvaluationResult JSON) of non-compliant resources.
    pub evaluations: Vec<(String, serde_json::Value)>,
    /// CloudTrail records, any order (served newest first).
    pub events: Vec<serde_json::Value>,
    /// (trail name, logging).
    pub trails: Vec<(String, bool)>,
    /// Organizations: (id, name, state) of each account.
    pub org_accounts: Vec<(String, String, String)>,
    /// account:ListRegions: the enabled regions.
    pub regions: Vec<String>,
    /// Security Hub BatchUpdateFindings: finding ids it reports as unprocessed.
    pub unprocessed: Vec<String>,
    /// A fault on GetFindings, which a test may set and clear between polls.
    pub fault: Option<Fault>,
}

/// What a faulty endpoint does instead of answering GetFindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 with an AWS error body.
    ServerError,
    /// 503 without a body.
    Unavailable,
    /// 200 with JSON cut off inside a record (a correct Content-Length).
    Malformed,
    /// The headers promise the whole body; half of it comes, then the connection closes.
    Cut,
    /// Never answers (until the client gives up).
    Hang,
    /// Answers after this many milliseconds.
    Slow(u64),
}

pub struct FakeHub {
    pub url: String,
    pub stats: Arc<Stats>,
    pub services: Arc<Mutex<Services>>,
    stop: Arc<AtomicBool>,
}

impl Drop for FakeHub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl FakeHub {
    /// Serves `findings` (ASFF JSON objects, already serialized one per element).
    pub fn start(findings: Vec<String>, behaviour: Behaviour) -> FakeHub {
        FakeHub::with_services(findings, Services::default(), behaviour)
    }

    /// Serves `findings` and the other services' data.
    pub fn with_services(
        findings: Vec<String>,
        services: Services,
        behaviour: Behaviour,
    ) -> FakeHub {
        let shared = Shared::new(findings, services, behaviour);
        let (services, stats) = (shared.services.clone(), shared.stats.clone());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || serve(conn, &shared));
            }
        });
        FakeHub {
            url,
            stats,
            services,
            stop,
        }
    }
}

struct Shared {
    findings: Vec<String>,
    services: Arc<Mutex<Services>>,
    behaviour: Behaviour,
    stats: Arc<Stats>,
    bucket: Mutex<Bucket>,
}

impl Shared {
    fn new(findings: Vec<String>, services: Services, behaviour: Behaviour) -> Arc<Shared> {
        Arc::new(Shared {
            findings,
            services: Arc::new(Mutex::new(services)),
            stats: Arc::new(Stats::default()),
            bucket: Mutex::new(Bucket {
                tokens: behaviour.rate.map_or(0.0, |(_, burst)| burst),
                at: Instant::now(),
            }),
            behaviour,
        })
    }

    fn allowed(&self) -> bool {
        let Some((rate, burst)) = self.behaviour.rate else {
            return true;
        };
        let mut b = self.bucket.lock().unwrap();
        let now = Instant::now();
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn serve(conn: TcpStream, shared: &Shared) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    // A response is written as its head, then its body. With Nagle's algorithm a small
    // body waited for the client's delayed acknowledgement of the head: 40 ms added to
    // every short answer (the credential report's), which no AWS endpoint adds.
    let _ = conn.set_nodelay(true);
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut auth = String::new();
        let mut target = String::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (name, value) = h.split_once(':').unwrap_or((h, ""));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => auth = value.trim().to_string(),
                "x-amz-target" => target = value.trim().to_string(),
                _ => {}
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let fault = shared.services.lock().unwrap().fault;
        let faulty = fault.is_some() && api_of(&line, &target, &body) == "GetFindings";
        // A fault that does not answer at all still counts as a call (`answer` counts its own).
        if faulty && !matches!(fault, Some(Fault::Slow(_) | Fault::Cut)) {
            shared
                .stats
                .calls
                .lock()
                .unwrap()
                .push("GetFindings".into());
        }
        let (status, kind, payload) = match fault.filter(|_| faulty) {
            Some(Fault::ServerError) => (
                "500 Internal Server Error",
                Some("InternalException"),
                br#"{"message":"Internal service error"}"#.to_vec(),
            ),
            Some(Fault::Unavailable) => ("503 Service Unavailable", None, Vec::new()),
            Some(Fault::Malformed) => (
                "200 OK",
                None,
                br#"{"Findings": [{"SchemaVersion": "2018-10-08", "Id": "x"#.to_vec(),
            ),
            Some(Fault::Hang) => {
                std::thread::sleep(Duration::from_secs(120));
                return;
            }
            Some(Fault::Slow(ms)) => {
                std::thread::sleep(Duration::from_millis(ms));
                answer(&line, &auth, &target, &body, shared)
            }
            _ => answer(&line, &auth, &target, &body, shared),
        };
        if fault == Some(Fault::Cut) && faulty {
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                payload.len()
            );
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(&payload[..payload.len() / 2]);
            return;
        }
        let mut response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            payload.len()
        );
        if let Some(kind) = kind {
            response.push_str(&format!("x-amzn-errortype: {kind}\r\n"));
        }
        response.push_str("\r\n");
        if out.write_all(response.as_bytes()).is_err() || out.write_all(&payload).is_err() {
            return;
        }
    }
}

/// IAM and STS speak the query protocol: their errors are XML.
fn query_protocol(api: &str) -> bool {
    matches!(
        api,
        "GenerateCredentialReport" | "GetCredentialReport" | "GetCallerIdentity" | "AssumeRole"
    )
}

/// An AWS error answer, in the query protocol's XML or as JSON.
fn error_answer<S>(
    query: bool,
    status: S,
    kind: &'static str,
    message: &str,
) -> (S, Option<&'static str>, Vec<u8>) {
    let body = if query {
        let code = kind.trim_end_matches("Exception");
        format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fake-hub</RequestId></ErrorResponse>")
    } else {
        serde_json::json!({"message": message, "Message": message}).to_string()
    };
    (status, Some(kind), body.into_bytes())
}

/// The access key id a request was signed with.
fn key_of(auth: &str) -> Option<&str> {
    auth.split("Credential=").nth(1)?.split('/').next()
}

/// The region a request was signed for.
fn region_of(auth: &str) -> Option<&str> {
    auth.split("Credential=").nth(1)?.split('/').nth(2)
}

/// The account of a role session's keys (`ASIA` + account + `TEST`, from AssumeRole here).
fn role_account(auth: &str) -> Option<&str> {
    key_of(auth)
        .filter(|k| k.starts_with("ASIA") && k.len() == 20)
        .map(|k| &k[4..16])
}

/// The API a request calls, from its target header (JSON 1.1 services), path (REST) or
/// form body (STS).
fn api_of(request_line: &str, target: &str, body: &[u8]) -> String {
    if let Some((_, op)) = target.rsplit_once('.') {
        return op.to_string();
    }
    let mut words = request_line.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    match (method, path) {
        ("POST", "/") => {
            let form = String::from_utf8_lossy(body);
            form.split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or("POST /")
                .to_string()
        }
        ("POST", "/findings") => "GetFindings".into(),
        ("PATCH", "/findings/batchupdate") => "BatchUpdateFindings".into(),
        ("POST", "/findings/import") => "BatchImportFindings".into(),
        ("POST", "/findingsv2") => "GetFindingsV2".into(),
        ("GET", "/analyzer") => "ListAnalyzers".into(),
        ("POST", "/findingv2") => "ListFindingsV2".into(),
        ("POST", "/listRegions") => "ListRegions".into(),
        ("GET", p) if p.starts_with("/findingv2/") => "GetFindingV2".into(),
        _ => format!("{method} {path}"),
    }
}

fn answer(
    request_line: &str,
    auth: &str,
    target: &str,
    body: &[u8],
    shared: &Shared,
) -> (&'static str, Option<&'static str>, Vec<u8>) {
    let api = api_of(request_line, target, body);
    let query = query_protocol(&api);
    let error = |status, kind, message: &str| error_answer(query, status, kind, message);
    shared.stats.calls.lock().unwrap().push(api.clone());
    // STS GetCallerIdentity (the query protocol), so a quick look without a configured
    // account id finds whose findings these are.
    if api == "GetCallerIdentity" {
        // Keys from AssumeRole below carry their account; any other key is 111111111111's.
        let account = role_account(auth).unwrap_or("111111111111");
        let xml = format!("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/bench</Arn><UserId>AIDAFAKEHUB</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake-hub</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
        return ("200 OK", None, xml.into_bytes());
    }
    if api == "AssumeRole" {
        // Session keys that name the role's account: `ASIA` + account + `TEST`.
        let form = String::from_utf8_lossy(body)
            .replace("%3A", ":")
            .replace("%2F", "/");
        let account = form
            .split('&')
            .find_map(|kv| kv.strip_prefix("RoleArn="))
            .and_then(|arn| arn.split(':').nth(4))
            .unwrap_or("111111111111")
            .to_string();
        let xml = format!("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIA{account}TEST</AccessKeyId><SecretAccessKey>testtesttesttesttesttesttesttesttesttest</SecretAccessKey><SessionToken>fake-session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/audit/rampart</Arn><AssumedRoleId>AROAFAKE:rampart</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>fake-hub</RequestId></ResponseMetadata></AssumeRoleResponse>");
        return ("200 OK", None, xml.into_bytes());
    }
    if let Some(key) = &shared.behaviour.deny_key {
        if auth.contains(&format!("Credential={key}/")) {
            shared.stats.denied.fetch_add(1, Ordering::SeqCst);
            return error(
                "403 Forbidden",
                "AccessDeniedException",
                &format!("not authorized to perform: {api}"),
            );
        }
    }
    if let Some(key) = &shared.behaviour.expired_key {
        if auth.contains(&format!("Credential={key}/")) {
            return error(
                "400 Bad Request",
                "ExpiredTokenException",
                "The security token included in the request is expired",
            );
        }
    }
    let api = if api == "GetFindingsV2" {
        // The same findings, paged the same way: tests give OCSF ones for V2.
        "GetFindings".to_string()
    } else {
        api
    };
    if api == shared.behaviour.rate_api.unwrap_or("GetFindings") && !shared.allowed() {
        shared.stats.throttled.fetch_add(1, Ordering::SeqCst);
        return if api == "GetFindings" {
            error(
                "429 Too Many Requests",
                "TooManyRequestsException",
                "Rate exceeded",
            )
        } else {
            error("400 Bad Request", "ThrottlingException", "Rate exceeded")
        };
    }
    let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let services = shared.services.lock().unwrap().clone();
    let ok = |v: serde_json::Value| ("200 OK", None, v.to_string().into_bytes());
    let page_of = |items: Vec<serde_json::Value>, size: usize, token: Option<&str>| {
        let from: usize = token.and_then(|t| t.parse().ok()).unwrap_or(0);
        let to = (from + size.max(1)).min(items.len());
        let next = (to < items.len()).then(|| to.to_string());
        (items[from.min(to)..to].to_vec(), next)
    };
    let query_value = |name: &str| {
        let query = request_line.split_whitespace().nth(1)?.split_once('?')?.1;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .map(|v| v.replace("%3A", ":").replace("%2F", "/"))
    };
    match api.as_str() {
        "GetFindings" => {}
        "ListAnalyzers" => {
            let list: Vec<_> = services
                .analyzers
                .iter()
                .map(|(arn, kind)| {
                    serde_json::json!({"arn": arn, "name": arn.rsplit('/').next(),
                        "type": kind, "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"})
                })
                .collect();
            return ok(serde_json::json!({ "analyzers": list }));
        }
        "ListFindingsV2" => {
            let arn = request["analyzerArn"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            shared.stats.analyzers_asked.lock().unwrap().push(arn);
            let active: Vec<_> = services
                .analyzer_findings
                .iter()
                .filter(|f| f["status"] == "ACTIVE")
                .map(|f| {
                    let mut summary = f.clone();
                    summary.as_object_mut().unwrap().remove("findingDetails");
                    summary
                })
                .collect();
            let size = request["maxResults"].as_u64().unwrap_or(100) as usize;
            let (page, next) = page_of(active, size, request["nextToken"].as_str());
            return ok(serde_json::json!({ "findings": page, "nextToken": next }));
        }
        "GetFindingV2" => {
            let id = request_line
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.split('?').next())
                .and_then(|p| p.strip_prefix("/findingv2/"))
                .unwrap_or_default();
            if query_value("analyzerArn").is_none() {
                return error("400 Bad Request", "ValidationException", "analyzerArn");
            }
            return match services.analyzer_findings.iter().find(|f| f["id"] == id) {
                Some(f) => ok(f.clone()),
                None => error(
                    "404 Not Found",
                    "ResourceNotFoundException",
                    "no such finding",
                ),
            };
        }
        "GenerateCredentialReport" => {
            let xml = "<GenerateCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult><ResponseMetadata><RequestId>fake-hub</RequestId></ResponseMetadata></GenerateCredentialReportResponse>";
            return ("200 OK", None, xml.as_bytes().to_vec());
        }
        "GetCredentialReport" => {
            use base64::Engine as _;
            let account = role_account(auth).unwrap_or("111111111111");
            let csv = format!("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n<root_account>,arn:aws:iam::{account}:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\nci-deploy,arn:aws:iam::{account}:user/ci-deploy,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-01-01T00:00:00+00:00,2026-11-20T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");
            let content = base64::engine::general_purpose::STANDARD.encode(csv);
            let xml = format!("<GetCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetCredentialReportResult><Content>{content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-22T06:00:00Z</GeneratedTime></GetCredentialReportResult><ResponseMetadata><RequestId>fake-hub</RequestId></ResponseMetadata></GetCredentialReportResponse>");
            return ("200 OK", None, xml.into_bytes());
        }
        "ListAccounts" => {
            let list: Vec<_> = services
                .org_accounts
                .iter()
                .map(|(id, name, state)| {
                    serde_json::json!({"Id": id, "Name": name, "State": state,
                        "Arn": format!("arn:aws:organizations::111111111111:account/o-fake/{id}"),
                        "Email": format!("{name}@example.com")})
                })
                .collect();
            let (page, next) = page_of(list, 2, request["NextToken"].as_str());
            return ok(serde_json::json!({ "Accounts": page, "NextToken": next }));
        }
        "ListRegions" => {
            let list: Vec<_> = services
                .regions
                .iter()
                .map(|r| serde_json::json!({"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"}))
                .collect();
            return ok(serde_json::json!({ "Regions": list }));
        }
        "DescribeConfigurationRecorderStatus" => {
            let list: Vec<_> = services
                .recorder
                .iter()
                .map(|on| serde_json::json!({"name": "default", "recording": on, "lastStatus": "SUCCESS"}))
                .collect();
            return ok(serde_json::json!({ "ConfigurationRecordersStatus": list }));
        }
        "DescribeComplianceByConfigRule" => {
            let mut rules: Vec<&String> = services.evaluations.iter().map(|(r, _)| r).collect();
            rules.dedup();
            let list: Vec<_> = rules
                .iter()
                .map(|r| serde_json::json!({"ConfigRuleName": r, "Compliance": {"ComplianceType": "NON_COMPLIANT"}}))
                .collect();
            return ok(serde_json::json!({ "ComplianceByConfigRules": list }));
        }
        "GetComplianceDetailsByConfigRule" => {
            let rule = request["ConfigRuleName"].as_str().unwrap_or_default();
            let results: Vec<_> = services
                .evaluations
                .iter()
                .filter(|(r, _)| r == rule)
                .map(|(_, v)| v.clone())
                .collect();
            let size = request["Limit"].as_u64().unwrap_or(100) as usize;
            let (page, next) = page_of(results, size, request["NextToken"].as_str());
            return ok(serde_json::json!({ "EvaluationResults": page, "NextToken": next }));
        }
        "BatchImportFindings" => {
            shared.stats.writes.lock().unwrap().push(request.clone());
            let n = request["Findings"].as_array().map_or(0, Vec::len);
            return ok(
                serde_json::json!({"FailedCount": 0, "SuccessCount": n, "FailedFindings": []}),
            );
        }
        "BatchUpdateFindings" => {
            shared.stats.writes.lock().unwrap().push(request.clone());
            let ids = request["FindingIdentifiers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let (bad, good): (Vec<_>, Vec<_>) = ids.into_iter().partition(|i| {
                services
                    .unprocessed
                    .iter()
                    .any(|u| Some(u.as_str()) == i["Id"].as_str())
            });
            let bad: Vec<_> = bad
                .into_iter()
                .map(|i| serde_json::json!({"FindingIdentifier": i, "ErrorCode": "FindingNotFound", "ErrorMessage": "The finding was not found"}))
                .collect();
            return ok(serde_json::json!({"ProcessedFindings": good, "UnprocessedFindings": bad}));
        }
        "LookupEvents" => {
            shared.stats.lookups.lock().unwrap().push(request.clone());
            let start = request["StartTime"].as_f64().unwrap_or(0.0);
            let end = request["EndTime"].as_f64().unwrap_or(f64::MAX);
            // One attribute, as CloudTrail takes: the event must carry it.
            let wanted = request["LookupAttributes"][0].clone();
            let about = |e: &serde_json::Value| {
                let value = wanted["AttributeValue"].as_str().unwrap_or_default();
                match wanted["AttributeKey"].as_str() {
                    None => true,
                    Some("AccessKeyId") => e["userIdentity"]["accessKeyId"] == value,
                    Some("Username") => e["userIdentity"]["userName"] == value,
                    Some(_) => e["resources"]
                        .as_array()
                        .is_some_and(|r| r.iter().any(|r| r["ARN"] == value)),
                }
            };
            let time = |e: &serde_json::Value| {
                chrono::DateTime::parse_from_rfc3339(e["eventTime"].as_str().unwrap_or(""))
                    .map(|t| t.timestamp() as f64)
                    .unwrap_or(0.0)
            };
            let mut events: Vec<_> = services
                .events
                .iter()
                .filter(|e| time(e) >= start && time(e) <= end && about(e))
                .cloned()
                .collect();
            events.sort_by(|a, b| time(b).total_cmp(&time(a)));
            let events = events
                .into_iter()
                .map(|e| {
                    serde_json::json!({"EventId": e["eventID"], "EventName": e["eventName"],
                        "EventTime": time(&e), "CloudTrailEvent": e.to_string()})
                })
                .collect();
            let size = request["MaxResults"].as_u64().unwrap_or(50) as usize;
            let (page, next) = page_of(events, size, request["NextToken"].as_str());
            return ok(serde_json::json!({ "Events": page, "NextToken": next }));
        }
        "DescribeTrails" => {
            let list: Vec<_> = services
                .trails
                .iter()
                .map(|(name, _)| serde_json::json!({"Name": name, "TrailARN": format!("arn:aws:cloudtrail:us-east-1:111111111111:trail/{name}"), "HomeRegion": "us-east-1", "IsMultiRegionTrail": true}))
                .collect();
            return ok(serde_json::json!({ "trailList": list }));
        }
        "GetTrailStatus" => {
            let name = request["Name"].as_str().unwrap_or_default();
            let logging = services
                .trails
                .iter()
                .any(|(n, on)| *on && name.ends_with(&format!("/{n}")));
            return ok(serde_json::json!({ "IsLogging": logging }));
        }
        _ => {
            return error(
                "404 Not Found",
                "UnknownOperationException",
                &format!("{api} is not served here"),
            )
        }
    }
    shared.stats.requests.lock().unwrap().push(request.clone());
    let size = request["MaxResults"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let from: usize = request["NextToken"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let to = (from + size).min(shared.findings.len());
    let per_caller = shared.behaviour.per_caller;
    let caller = role_account(auth).filter(|_| per_caller);
    let region = region_of(auth).filter(|_| per_caller);
    let mut payload = b"{\"Findings\":[".to_vec();
    for (i, f) in shared.findings[from.min(to)..to].iter().enumerate() {
        if i > 0 {
            payload.push(b',');
        }
        if per_caller {
            let f = f.replace("111111111111", caller.unwrap_or("111111111111"));
            let f = f.replace("us-east-1", region.unwrap_or("us-east-1"));
            payload.extend_from_slice(f.as_bytes());
        } else {
            payload.extend_from_slice(f.as_bytes());
        }
    }
    payload.extend_from_slice(b"]");
    if to < shared.findings.len() {
        payload.extend_from_slice(format!(",\"NextToken\":\"{to}\"").as_bytes());
    }
    payload.push(b'}');
    shared.stats.served.fetch_add(1, Ordering::SeqCst);
    shared.stats.times.lock().unwrap().push(Instant::now());
    ("200 OK", None, payload)
}

/// `n` ASFF findings in `account`, shaped like the real ones (resources, types, remediation).
pub fn findings(n: usize, account: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            let label = ["LOW", "MEDIUM", "HIGH", "CRITICAL"][i % 4];
            serde_json::json!({
                "SchemaVersion": "2018-10-08",
                "Id": format!("arn:aws:securityhub:us-east-1:{account}:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.19/finding/{i:08x}-0000-4000-8000-000000000000"),
                "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
                "ProductName": "Security Hub",
                "CompanyName": "AWS",
                "GeneratorId": "aws-foundational-security-best-practices/v/1.0.0/EC2.19",
                "AwsAccountId": account,
                "Region": "us-east-1",
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"],
                "FirstObservedAt": "2026-11-01T00:00:00.000Z",
                "CreatedAt": "2026-11-01T00:00:00.000Z",
                "UpdatedAt": format!("2026-11-21T{:02}:{:02}:00.000Z", (i / 60) % 24, i % 60),
                "Severity": {"Label": label, "Original": label},
                "Title": "EC2.19 Security groups should not allow unrestricted access to ports with high risk",
                "Description": "This control checks whether unrestricted incoming traffic for the security groups is accessible to the specified ports that have the highest risk.",
                "Remediation": {"Recommendation": {"Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.", "Url": "https://docs.aws.amazon.com/console/securityhub/EC2.19/remediation"}},
                "ProductFields": {"StandardsArn": "arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0", "ControlId": "EC2.19", "aws/securityhub/ProductName": "Security Hub"},
                "Resources": [{"Type": "AwsEc2SecurityGroup", "Id": format!("arn:aws:ec2:us-east-1:{account}:security-group/sg-{i:017x}"), "Partition": "aws", "Region": "us-east-1", "Details": {"AwsEc2SecurityGroup": {"GroupName": format!("web-{i}"), "GroupId": format!("sg-{i:017x}"), "VpcId": "vpc-0123456789abcdef0"}}}],
                "Compliance": {"Status": "FAILED", "SecurityControlId": "EC2.19"},
                "WorkflowState": "NEW",
                "Workflow": {"Status": "NEW"},
                "RecordState": "ACTIVE"
            })
            .to_string()
        })
        .collect()
}

/// `n` OCSF findings in `account`, as the newer Security Hub's GetFindingsV2 returns them.
pub fn ocsf_findings(n: usize, account: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "class_uid": 2003, "class_name": "Compliance Finding", "activity_id": 1,
                "cloud": {"account": {"uid": account}, "region": "us-east-1", "provider": "AWS"},
                "compliance": {"control": "EC2.19", "status": "Fail"},
                "finding_info": {
                    "uid": format!("arn:aws:securityhub:us-east-1:{account}:security-control/EC2.19/finding/{i:08x}"),
                    "title": "Security groups should not allow unrestricted access to ports with high risk",
                    "types": ["Posture Management"],
                    "created_time_dt": "2026-11-01T00:00:00.000Z",
                    "modified_time_dt": format!("2026-11-21T{:02}:{:02}:00.000Z", (i / 60) % 24, i % 60)
                },
                "metadata": {"product": {"name": "Security Hub", "vendor_name": "AWS",
                    "uid": "arn:aws:securityhub:us-east-1::productv2/aws/securityhub"}, "version": "1.1.0"},
                "resources": [{"type": "AWS::EC2::SecurityGroup", "uid": format!("arn:aws:ec2:us-east-1:{account}:security-group/sg-{i:017x}"), "region": "us-east-1"}],
                "severity": (["Low", "Medium", "High", "Critical"][i % 4]),
                "status": "New"
            })
            .to_string()
        })
        .collect()
}

/// What the in-process endpoint does to a request instead of answering it, as a test's
/// script decides when the request arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// 429 TooManyRequestsException (GetFindings) or 400 ThrottlingException.
    Throttle,
    /// 400 ExpiredTokenException: what AWS answers once a session's credentials expire
    /// (an SSO session that ran out, until `aws sso login`).
    Expired,
    /// 403 AccessDenied.
    Deny,
    /// The connection is refused: the network is gone.
    Offline,
    /// Never answers; only the SDK's timeouts end the request.
    Hang,
}

/// One request as a script sees it.
#[derive(Debug, Clone)]
pub struct Call {
    /// Since the endpoint started, on tokio's clock.
    pub at: Duration,
    pub api: String,
    /// The account it is for: the role's for AssumeRole, the session's for role keys,
    /// 111111111111 otherwise.
    pub account: String,
    /// From the signature's scope.
    pub region: String,
}

pub type Script = Arc<dyn Fn(&Call) -> Option<Trouble> + Send + Sync>;

/// Every request with what the script did to it.
pub type Log = Arc<Mutex<Vec<(Call, Option<Trouble>)>>>;

/// The endpoint as an HTTP client inside the test process: the same answers as
/// [`FakeHub`], no socket, and every wait on tokio's clock, so a test on a paused clock
/// plays an hour of faults (and the SDK's timeouts and backoff) in moments.
pub struct InProcess {
    pub client: aws_sdk_securityhub::config::SharedHttpClient,
    pub stats: Arc<Stats>,
    pub services: Arc<Mutex<Services>>,
    /// Every request with what the script did to it.
    pub log: Log,
}

/// The endpoint URL in-process clients are given (never connected to).
pub const IN_PROCESS_URL: &str = "http://in-process.invalid";

impl InProcess {
    pub fn start(
        findings: Vec<String>,
        services: Services,
        behaviour: Behaviour,
        script: Script,
    ) -> InProcess {
        use aws_smithy_runtime_api::client::http::{http_client_fn, SharedHttpConnector};
        let shared = Shared::new(findings, services, behaviour);
        let log = Arc::new(Mutex::new(Vec::new()));
        let connector = SharedHttpConnector::new(Connector {
            shared: shared.clone(),
            script,
            log: log.clone(),
            started: tokio::time::Instant::now(),
        });
        InProcess {
            client: http_client_fn(move |_, _| connector.clone()),
            stats: shared.stats.clone(),
            services: shared.services.clone(),
            log,
        }
    }

    /// The requests for `api` whose time is in `from..to`, as (what happened, count).
    pub fn calls(&self, api: &str, from: Duration, to: Duration) -> Vec<(Call, Option<Trouble>)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(c, _)| c.api == api && c.at >= from && c.at < to)
            .cloned()
            .collect()
    }
}

struct Connector {
    shared: Arc<Shared>,
    script: Script,
    log: Log,
    started: tokio::time::Instant,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("in-process endpoint")
    }
}

impl aws_smithy_runtime_api::client::http::HttpConnector for Connector {
    fn call(
        &self,
        request: aws_smithy_runtime_api::client::orchestrator::HttpRequest,
    ) -> aws_smithy_runtime_api::client::http::HttpConnectorFuture {
        use aws_smithy_runtime_api::client::http::HttpConnectorFuture;
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let header = |name: &str| request.headers().get(name).unwrap_or_default().to_string();
        let (auth, target) = (header("authorization"), header("x-amz-target"));
        let uri = request.uri();
        let path = uri
            .strip_prefix(IN_PROCESS_URL)
            .filter(|p| !p.is_empty())
            .unwrap_or("/");
        let line = format!("{} {path} HTTP/1.1", request.method());
        let body = request.body().bytes().unwrap_or_default().to_vec();
        let api = api_of(&line, &target, &body);
        let region = region_of(&auth).unwrap_or_default().to_string();
        let assumed = (api == "AssumeRole").then(|| {
            String::from_utf8_lossy(&body)
                .replace("%3A", ":")
                .split('&')
                .find_map(|kv| kv.strip_prefix("RoleArn="))
                .and_then(|arn| arn.split(':').nth(4))
                .map(str::to_string)
        });
        let account = assumed
            .flatten()
            .or_else(|| role_account(&auth).map(str::to_string))
            .unwrap_or_else(|| "111111111111".into());
        let call = Call {
            at: self.started.elapsed(),
            api: api.clone(),
            account,
            region,
        };
        let trouble = (self.script)(&call);
        self.log.lock().unwrap().push((call, trouble));
        let query = query_protocol(&api);
        let error = |status: u16, kind, message: &str| error_answer(query, status, kind, message);
        let (status, kind, payload) = match trouble {
            Some(Trouble::Offline) => {
                self.shared.stats.calls.lock().unwrap().push(api);
                let refused = std::io::Error::new(
                    std::io::ErrorKind::ConnectionRefused,
                    "Connection refused (os error 111)",
                );
                return HttpConnectorFuture::ready(Err(ConnectorError::io(refused.into())));
            }
            Some(Trouble::Hang) => {
                self.shared.stats.calls.lock().unwrap().push(api);
                return HttpConnectorFuture::new(std::future::pending());
            }
            Some(Trouble::Throttle) if api == "GetFindings" => {
                error(429, "TooManyRequestsException", "Rate exceeded")
            }
            Some(Trouble::Throttle) => error(400, "ThrottlingException", "Rate exceeded"),
            Some(Trouble::Expired) => error(
                400,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
            Some(Trouble::Deny) => error(
                403,
                "AccessDeniedException",
                &format!("User: arn:aws:iam::111111111111:user/bench is not authorized to perform: {api}"),
            ),
            None => {
                let (status, kind, payload) = answer(&line, &auth, &target, &body, &self.shared);
                (status[..3].parse().unwrap_or(500), kind, payload)
            }
        };
        if trouble.is_some() {
            self.shared.stats.calls.lock().unwrap().push(api);
        }
        let mut response = HttpResponse::new(
            status.try_into().expect("an HTTP status"),
            aws_smithy_types::body::SdkBody::from(payload),
        );
        let content_type = if query {
            "text/xml"
        } else {
            "application/json"
        };
        response.headers_mut().insert("content-type", content_type);
        if let Some(kind) = kind {
            response.headers_mut().insert("x-amzn-errortype", kind);
        }
        HttpConnectorFuture::ready(Ok(response))
    }
}
