//! A local Security Hub endpoint for tests and benchmarks (127.0.0.1 only): it serves
//! GetFindings pages of the findings it was given, in the service's own JSON, and can
//! enforce a request rate (answering 429 TooManyRequestsException beyond it) or deny one
//! access key. Blocking threads, one per connection: enough for a client on loopback.

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
}

pub struct FakeHub {
    pub url: String,
    pub stats: Arc<Stats>,
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
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stats = Arc::new(Stats::default());
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            findings,
            behaviour: behaviour.clone(),
            stats: stats.clone(),
            bucket: Mutex::new(Bucket {
                tokens: behaviour.rate.map_or(0.0, |(_, burst)| burst),
                at: Instant::now(),
            }),
        });
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
        FakeHub { url, stats, stop }
    }
}

struct Shared {
    findings: Vec<String>,
    behaviour: Behaviour,
    stats: Arc<Stats>,
    bucket: Mutex<Bucket>,
}

impl Shared {
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
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut auth = String::new();
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
                _ => {}
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, kind, payload) = answer(&line, &auth, &body, shared);
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

fn answer(
    request_line: &str,
    auth: &str,
    body: &[u8],
    shared: &Shared,
) -> (&'static str, Option<&'static str>, Vec<u8>) {
    let error = |status, kind, message: &str| {
        (
            status,
            Some(kind),
            format!("{{\"message\":\"{message}\"}}").into_bytes(),
        )
    };
    // STS GetCallerIdentity (the query protocol), so a quick look without a configured
    // account id finds whose findings these are.
    if request_line.starts_with("POST / ")
        && String::from_utf8_lossy(body).contains("Action=GetCallerIdentity")
    {
        let xml = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/bench</Arn><UserId>AIDAFAKEHUB</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake-hub</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
        return ("200 OK", None, xml.as_bytes().to_vec());
    }
    if !request_line.starts_with("POST /findings ") {
        return error(
            "404 Not Found",
            "ResourceNotFoundException",
            "only GetFindings here",
        );
    }
    if let Some(key) = &shared.behaviour.deny_key {
        if auth.contains(&format!("Credential={key}/")) {
            shared.stats.denied.fetch_add(1, Ordering::SeqCst);
            return error(
                "403 Forbidden",
                "AccessDeniedException",
                "not authorized to perform: securityhub:GetFindings",
            );
        }
    }
    if !shared.allowed() {
        shared.stats.throttled.fetch_add(1, Ordering::SeqCst);
        return error(
            "429 Too Many Requests",
            "TooManyRequestsException",
            "Rate exceeded",
        );
    }
    let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    shared.stats.requests.lock().unwrap().push(request.clone());
    let size = request["MaxResults"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let from: usize = request["NextToken"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let to = (from + size).min(shared.findings.len());
    let mut payload = b"{\"Findings\":[".to_vec();
    for (i, f) in shared.findings[from.min(to)..to].iter().enumerate() {
        if i > 0 {
            payload.push(b',');
        }
        payload.extend_from_slice(f.as_bytes());
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
