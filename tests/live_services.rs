//! Live Access Analyzer, Config, CloudTrail and credential reports against the project's
//! own local endpoint (`support::fake_hub`, 127.0.0.1), which speaks their JSON where moto
//! does not: details read once and archived findings removed, the recorder and trails
//! reported, incremental event lookups paced under an endpoint that enforces LookupEvents'
//! 2 requests/s, one account denied while the others load, and expired credentials naming
//! the command that fixes them.

mod support;

use rampart::feed::{Gone, Status, Update};
use rampart::model::key::key_hash;
use rampart::model::Clock;
use rampart::source::aws::accessanalyzer::AnalyzerPoller;
use rampart::source::aws::cloudtrail::TrailPoller;
use rampart::source::aws::config_rules::{ConfigPoller, Scope};
use rampart::source::aws::pace::Pacer;
use rampart::source::aws::poller::Poller;
use rampart::source::aws::session::{AccountAccess, SessionOptions};
use rampart::source::aws::{poll_once, PollSettings};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::fake_hub::{Behaviour, FakeHub, Services};

const KEY: &str = "AKIAFAKEHUBTESTKEY00";
const ACCOUNT: &str = "111111111111";

fn access(id: &str, role: bool) -> AccountAccess {
    AccountAccess {
        account_id: Some(id.into()),
        name: format!("acct-{}", &id[..3]),
        environment: "prod".into(),
        profile: Some("audit".into()),
        role_arn: role.then(|| format!("arn:aws:iam::{id}:role/audit")),
        external_id: None,
        session_name: None,
        regions: vec!["us-east-1".into()],
    }
}

fn session(url: &str) -> SessionOptions {
    SessionOptions {
        endpoint_url: Some(url.into()),
        ca_bundle: None,
        credentials: Some(support::test_keys(KEY)),
        http_client: None,
    }
}

async fn sdk(url: &str) -> aws_config::SdkConfig {
    support::isolate_aws_env();
    rampart::source::aws::session::sdk_config(&access(ACCOUNT, false), "us-east-1", &session(url))
        .await
}

fn exposure(id: &str, public: bool, updated: &str) -> serde_json::Value {
    let (resource, kind, principal) = if public {
        (
            "arn:aws:s3:::public-site",
            "AWS::S3::Bucket",
            json!({"AWS": "*"}),
        )
    } else {
        (
            "arn:aws:iam::111111111111:role/vendor",
            "AWS::IAM::Role",
            json!({"AWS": "arn:aws:iam::999988887777:root"}),
        )
    };
    json!({"id": id, "resource": resource, "resourceType": kind,
        "resourceOwnerAccount": ACCOUNT, "status": "ACTIVE", "findingType": "ExternalAccess",
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": updated,
        "analyzedAt": "2026-11-20T00:00:00Z",
        "findingDetails": [{"externalAccessDetails": {"action": ["s3:GetObject", "sts:AssumeRole"],
            "isPublic": public, "principal": principal}}]})
}

fn analyzer_services() -> Services {
    let unused = json!({"id": "unused-1", "resource": "arn:aws:iam::111111111111:role/old",
        "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": ACCOUNT, "status": "ACTIVE",
        "findingType": "UnusedIAMRole", "createdAt": "2026-11-01T00:00:00Z",
        "updatedAt": "2026-11-01T00:00:00Z", "analyzedAt": "2026-11-20T00:00:00Z",
        "findingDetails": [{"unusedIamRoleDetails": {"lastAccessed": "2026-01-01T00:00:00Z"}}]});
    Services {
        analyzers: vec![
            (
                "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/account".into(),
                "ACCOUNT".into(),
            ),
            (
                "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org".into(),
                "ORGANIZATION".into(),
            ),
            (
                "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/unused".into(),
                "ACCOUNT_UNUSED_ACCESS".into(),
            ),
        ],
        analyzer_findings: vec![
            exposure("public-1", true, "2026-11-01T00:00:00Z"),
            exposure("cross-1", false, "2026-11-01T00:00:00Z"),
            unused,
        ],
        ..Services::default()
    }
}

fn exposures(updates: &[Update]) -> Vec<rampart::model::Exposure> {
    updates
        .iter()
        .flat_map(|u| match u {
            Update::Exposures(list) => list.clone(),
            _ => Vec::new(),
        })
        .collect()
}

fn gone(updates: &[Update]) -> Vec<Gone> {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::Gone(g) => Some(g.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn access_analyzer_reads_each_finding_once_and_removes_archived_ones() {
    let hub = FakeHub::with_services(Vec::new(), analyzer_services(), Behaviour::default());
    let sdk = sdk(&hub.url).await;
    let mut p = AnalyzerPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        Some("audit".into()),
        aws_sdk_accessanalyzer::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(600),
    );
    let first = p.poll().await.expect("the first poll works").updates;
    let mut found = exposures(&first);
    found.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(found.len(), 2, "external access only: {found:?}");
    let (cross, public) = (&found[0], &found[1]);
    assert!(public.is_public && public.grantee() == "public");
    assert_eq!(cross.grantee(), "account 999988887777");
    assert_eq!(
        (cross.region.as_str(), cross.account_id.as_str()),
        ("us-east-1", ACCOUNT)
    );
    assert_eq!(
        hub.stats.count("GetFindingV2"),
        3,
        "each finding read in full once: the unused role for its last use"
    );
    // The unused role is an identity finding, as Access Analyzer sends it to Security Hub.
    let unused: Vec<_> = first
        .iter()
        .flat_map(|u| match u {
            Update::Findings(list) => list.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(unused.len(), 1);
    assert_eq!(
        &*unused[0].title,
        "Unused IAM role: old (last used 2026-01-01)"
    );
    assert_eq!(&*unused[0].product, "IAM Access Analyzer");
    assert_eq!(p.records(), 3);
    // Of the two external-access analyzers, the organization's was asked.
    let asked = hub.stats.analyzers_asked.lock().unwrap().clone();
    assert!(asked.iter().all(|a| !a.ends_with("/account")), "{asked:?}");
    assert!(
        asked.iter().any(|a| a.ends_with("/org")) && asked.iter().any(|a| a.ends_with("/unused"))
    );

    {
        let mut s = hub.services.lock().unwrap();
        s.analyzer_findings[1]["status"] = json!("ARCHIVED");
        s.analyzer_findings[0]["updatedAt"] = json!("2026-11-22T08:00:00Z");
        s.analyzer_findings[2]["status"] = json!("ARCHIVED");
    }
    let second = p.poll().await.unwrap().updates;
    assert_eq!(
        hub.stats.count("GetFindingV2"),
        4,
        "only the changed finding is read again"
    );
    assert_eq!(exposures(&second).len(), 1);
    assert_eq!(
        gone(&second),
        [
            Gone::Exposures(vec![key_hash("cross-1")]),
            Gone::Findings(vec![key_hash(
                "arn:aws:access-analyzer:us-east-1:111111111111:finding/unused-1\u{1f}arn:aws:securityhub:us-east-1::product/aws/access-analyzer"
            )])
        ]
    );
    assert_eq!(p.records(), 1);
}

#[tokio::test]
async fn a_region_without_an_analyzer_or_recorder_says_so_and_is_not_an_error() {
    let hub = FakeHub::with_services(Vec::new(), Services::default(), Behaviour::default());
    let sdk = sdk(&hub.url).await;
    let mut analyzer = AnalyzerPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        None,
        aws_sdk_accessanalyzer::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(600),
    );
    let e = analyzer.poll().await.unwrap_err();
    assert_eq!(e.status(), Status::NotEnabled);
    assert_eq!(
        e.to_string(),
        "not enabled: no active external access analyzer in this region"
    );
    let mut config = ConfigPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        None,
        aws_sdk_config::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(900),
        Scope::Account,
    );
    let e = config.poll().await.unwrap_err();
    assert_eq!(e.status(), Status::NotEnabled);
    assert!(e.to_string().contains("no configuration recorder"), "{e}");
}

fn evaluation(rule: &str, resource: &str) -> serde_json::Value {
    json!({"EvaluationResultIdentifier": {"OrderingTimestamp": 1.7636e9,
        "EvaluationResultQualifier": {"ConfigRuleName": rule, "ResourceType": "AWS::S3::Bucket",
        "ResourceId": resource}}, "ComplianceType": "NON_COMPLIANT",
        "ResultRecordedTime": 1763600000.5, "ConfigRuleInvokedTime": 1763600000.1})
}

#[tokio::test]
async fn config_pages_the_non_compliant_resources_and_reports_the_recorder() {
    let mut evaluations: Vec<_> = (0..120)
        .map(|i| {
            (
                "s3-bucket-public-read-prohibited".to_string(),
                evaluation("s3-bucket-public-read-prohibited", &format!("bucket-{i}")),
            )
        })
        .collect();
    evaluations.push((
        "access-keys-rotated".into(),
        evaluation("access-keys-rotated", "AIDAEXAMPLE"),
    ));
    let services = Services {
        recorder: Some(false),
        evaluations,
        ..Services::default()
    };
    let hub = FakeHub::with_services(Vec::new(), services, Behaviour::default());
    let sdk = sdk(&hub.url).await;
    let mut p = ConfigPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        None,
        aws_sdk_config::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(900),
        Scope::Account,
    );
    let first = p.poll().await.unwrap();
    let results: Vec<_> = first
        .updates
        .iter()
        .flat_map(|u| match u {
            Update::Compliance(list) => list.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(results.len(), 121);
    assert_eq!(
        hub.stats.count("GetComplianceDetailsByConfigRule"),
        3,
        "2 pages + 1"
    );
    assert!(results
        .iter()
        .all(|c| c.account_id.as_deref() == Some(ACCOUNT)
            && c.region.as_deref() == Some("us-east-1")));
    assert_eq!(
        first.note.as_deref(),
        Some("configuration recorder default is off: evaluations are not being updated")
    );
    let keys_rule = key_hash(
        &results
            .iter()
            .find(|c| c.rule == "access-keys-rotated")
            .unwrap()
            .key(),
    );

    hub.services.lock().unwrap().evaluations.pop();
    hub.services.lock().unwrap().recorder = Some(true);
    let second = p.poll().await.unwrap();
    assert_eq!(second.note, None);
    assert_eq!(gone(&second.updates), [Gone::Compliance(vec![keys_rule])]);
    assert_eq!(p.records(), 120);
}

fn event(
    id: usize,
    name: &str,
    source: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> serde_json::Value {
    json!({"eventVersion": "1.08", "eventID": format!("00000000-0000-4000-8000-{id:012}"),
        "eventTime": at.format("%Y-%m-%dT%H:%M:%SZ").to_string(), "eventName": name,
        "eventSource": source, "awsRegion": "us-east-1", "recipientAccountId": ACCOUNT,
        "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2",
        "userIdentity": {"type": "IAMUser", "userName": "mallory",
            "arn": "arn:aws:iam::111111111111:user/mallory", "accountId": ACCOUNT},
        "requestParameters": {"name": "org-trail"}, "readOnly": false})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_polls_incrementally_under_lookup_events_rate_and_reports_trails() {
    let now = chrono::Utc::now();
    let mut events: Vec<_> = (0..150)
        .map(|i| {
            let at = now - chrono::Duration::seconds(60 + 20 * i as i64);
            event(i, "GetObject", "s3.amazonaws.com", at)
        })
        .collect();
    events.push(event(
        999,
        "StopLogging",
        "cloudtrail.amazonaws.com",
        now - chrono::Duration::minutes(30),
    ));
    let services = Services {
        events,
        trails: vec![("org-trail".into(), true), ("old-trail".into(), false)],
        ..Services::default()
    };
    let behaviour = Behaviour {
        rate: Some((2.0, 2.0)),
        rate_api: Some("LookupEvents"),
        ..Behaviour::default()
    };
    let hub = FakeHub::with_services(Vec::new(), services, behaviour);
    let sdk = sdk(&hub.url).await;
    let mut p = TrailPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        None,
        aws_sdk_cloudtrail::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(60),
        Clock::System,
    );
    let first = p
        .poll()
        .await
        .expect("paced: never throttled into a failure");
    let events: Vec<_> = first
        .updates
        .iter()
        .flat_map(|u| match u {
            Update::Events(list) => list.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(events.len(), 151);
    assert_eq!(hub.stats.count("LookupEvents"), 4, "50 a page");
    assert_eq!(hub.stats.throttled.load(Ordering::SeqCst), 0);
    assert_eq!(first.note.as_deref(), Some("trail not logging: old-trail"));
    let stop = events
        .iter()
        .find(|e| &*e.event_name == "StopLogging")
        .unwrap();
    assert!(
        stop.detections.iter().any(|d| d == "cloudtrail-stopped"),
        "{:?}",
        stop.detections
    );
    assert_eq!(p.records(), 151);

    hub.services.lock().unwrap().events.push(event(
        1000,
        "PutBucketPolicy",
        "s3.amazonaws.com",
        now,
    ));
    let second = p.poll().await.unwrap();
    let again: Vec<String> = second
        .updates
        .iter()
        .flat_map(|u| match u {
            Update::Events(list) => list.iter().map(|e| e.event_name.to_string()).collect(),
            _ => Vec::new(),
        })
        .collect();
    // From the newest event seen minus the 5-minute skew: the new event and the overlap.
    assert!(again.contains(&"PutBucketPolicy".to_string()));
    assert!(again.len() < 20, "not the whole day again: {}", again.len());
    assert_eq!(p.records(), 152, "the overlap is not counted twice");
    assert_eq!(
        hub.stats.count("DescribeTrails"),
        1,
        "trails are checked every 15 minutes"
    );
}

fn all_services() -> Services {
    Services {
        recorder: Some(true),
        evaluations: vec![(
            "s3-bucket-public-read-prohibited".into(),
            evaluation("s3-bucket-public-read-prohibited", "b"),
        )],
        events: vec![event(
            1,
            "ConsoleLogin",
            "signin.amazonaws.com",
            chrono::Utc::now(),
        )],
        trails: vec![("org-trail".into(), true)],
        ..analyzer_services()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_denied_while_the_others_load() {
    support::isolate_aws_env();
    let denied = "ASIA333333333333TEST";
    let hub = FakeHub::with_services(
        support::fake_hub::findings(120, ACCOUNT),
        all_services(),
        Behaviour {
            deny_key: Some(denied.into()),
            ..Behaviour::default()
        },
    );
    let accounts = [
        access(ACCOUNT, false),
        access("222222222222", true),
        access("333333333333", true),
    ];
    let updates = poll_once(
        &accounts,
        &session(&hub.url),
        &PollSettings::default(),
        &Clock::System,
    )
    .await;
    let mut store = rampart::store::Store::new();
    for u in updates {
        store.apply(u);
    }
    let health = |service: &str, account: &str| {
        store
            .sources
            .iter()
            .find(|(k, _)| k.service == service && k.account_id.as_deref() == Some(account))
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| panic!("no {service} health for {account}"))
    };
    for account in [ACCOUNT, "222222222222"] {
        for service in [
            "securityhub",
            "accessanalyzer",
            "config",
            "cloudtrail",
            "iam",
        ] {
            let h = health(service, account);
            assert_eq!(h.status, Status::Ok, "{service} {account}: {h:?}");
        }
    }
    let actions = [
        ("securityhub", "securityhub:GetFindings"),
        ("accessanalyzer", "access-analyzer:ListAnalyzers"),
        ("config", "config:DescribeConfigurationRecorderStatus"),
        ("cloudtrail", "cloudtrail:LookupEvents"),
        ("iam", "iam:GenerateCredentialReport"),
    ];
    for (service, action) in actions {
        let h = health(service, "333333333333");
        assert_eq!(h.status, Status::Failed);
        assert_eq!(
            h.error.as_deref(),
            Some(format!("access denied: the credentials lack {action}").as_str())
        );
    }
    assert_eq!(store.accounts.len(), 3);
    // Read-only: every call of a full poll of every service reads (GenerateCredentialReport
    // asks IAM to prepare the report it then reads; AssumeRole makes a session).
    let calls = hub.stats.calls.lock().unwrap().clone();
    let reads = [
        "Get",
        "List",
        "Describe",
        "Lookup",
        "GenerateCredentialReport",
        "AssumeRole",
    ];
    let writes: Vec<&String> = calls
        .iter()
        .filter(|c| !reads.iter().any(|r| c.starts_with(r)))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert!(calls.len() > 20, "{calls:?}");
    assert_eq!(
        store.findings.len(),
        121,
        "120 from Security Hub, 1 unused role"
    );
    let analyzer = store.exposures.items().iter().filter(|e| !e.is_control());
    assert_eq!(analyzer.count(), 2);
    assert_eq!(store.compliance.len(), 2, "one per answering account");
    assert_eq!(
        store.credentials.len(),
        4,
        "root and a user in each answering account"
    );
}

#[tokio::test]
async fn expired_credentials_name_the_profile_and_the_fix() {
    support::isolate_aws_env();
    // An SSO session that has run out fails in the credentials provider, before any request.
    let sso = aws_credential_types::provider::SharedCredentialsProvider::new(
        aws_credential_types::credential_fn::provide_credentials_fn(|| async {
            Err(
                aws_credential_types::provider::error::CredentialsError::provider_error(
                    "the SSO session for profile prod-sso has expired",
                ),
            )
        }),
    );
    let hub = FakeHub::with_services(Vec::new(), Services::default(), Behaviour::default());
    let mut account = access(ACCOUNT, false);
    account.profile = Some("prod-sso".into());
    let opts = SessionOptions {
        endpoint_url: Some(hub.url.clone()),
        ca_bundle: None,
        credentials: Some(sso),
        http_client: None,
    };
    let updates = poll_once(&[account], &opts, &PollSettings::default(), &Clock::System).await;
    let errors: Vec<String> = updates
        .iter()
        .filter_map(|u| match u {
            Update::Health(_, h) => h.error.clone(),
            _ => None,
        })
        .collect();
    assert!(!errors.is_empty());
    for e in &errors {
        assert!(
            e.starts_with("credentials: profile prod-sso: ")
                && e.ends_with("run `aws sso login --profile prod-sso`"),
            "{e}"
        );
    }
    assert_eq!(hub.stats.calls.lock().unwrap().len(), 0, "nothing was sent");

    // A session token the service says has expired reads the same way.
    let hub = FakeHub::with_services(
        Vec::new(),
        analyzer_services(),
        Behaviour {
            expired_key: Some(KEY.into()),
            ..Behaviour::default()
        },
    );
    let sdk = sdk(&hub.url).await;
    let mut p = AnalyzerPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        Some("prod-sso".into()),
        aws_sdk_accessanalyzer::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(600),
    );
    let e = p.poll().await.unwrap_err().to_string();
    assert!(e.starts_with("credentials: profile prod-sso: "), "{e}");
    assert!(e.ends_with("run `aws sso login --profile prod-sso`"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_accounts_and_all_enabled_regions_are_polled() {
    support::isolate_aws_env();
    let services = Services {
        org_accounts: vec![
            (ACCOUNT.into(), "management".into(), "ACTIVE".into()),
            ("222222222222".into(), "payments".into(), "ACTIVE".into()),
            ("333333333333".into(), "dev-sandbox".into(), "ACTIVE".into()),
            ("444444444444".into(), "old".into(), "SUSPENDED".into()),
        ],
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        ..all_services()
    };
    let hub = FakeHub::with_services(findings_of(30), services, Behaviour::default());
    let mut management = access(ACCOUNT, false);
    management.regions = vec!["all".into()];
    let settings = PollSettings {
        discovery: Some(rampart::source::aws::discover::Discovery {
            from: management.name.clone(),
            role_name: "audit".into(),
            external_id: None,
            include: vec![],
            exclude: vec!["*-sandbox".into()],
            environment: "discovered".into(),
            regions: vec!["all".into()],
        }),
        ..PollSettings::default()
    };
    let updates = poll_once(&[management], &session(&hub.url), &settings, &Clock::System).await;
    let mut store = rampart::store::Store::new();
    for u in updates {
        store.apply(u);
    }
    let mut ids: Vec<&str> = store.accounts.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [ACCOUNT, "222222222222"],
        "the sandbox excluded, the suspended one skipped"
    );
    assert_eq!(store.accounts.get("222222222222").unwrap().name, "payments");
    assert_eq!(
        hub.stats.count("AssumeRole"),
        1,
        "only the discovered account assumes the role"
    );
    let hubs: Vec<String> = store
        .sources
        .keys()
        .filter(|k| k.service == "securityhub")
        .map(|k| {
            format!(
                "{} {}",
                k.account_id.as_deref().unwrap(),
                k.region.as_deref().unwrap()
            )
        })
        .collect();
    assert_eq!(
        hubs,
        [
            "111111111111 eu-west-1",
            "111111111111 us-east-1",
            "222222222222 eu-west-1",
            "222222222222 us-east-1"
        ]
    );
    let org = store
        .sources
        .iter()
        .find(|(k, _)| k.service == "organizations")
        .unwrap()
        .1;
    assert_eq!((org.status, org.records), (Status::Ok, 1));
    assert!(store
        .sources
        .iter()
        .filter(|(k, _)| k.service == "account")
        .all(|(_, h)| h.status == Status::Ok && h.records == 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_aggregator_mode_only_the_administrator_home_region_is_asked() {
    support::isolate_aws_env();
    let hub = FakeHub::with_services(findings_of(150), all_services(), Behaviour::default());
    let mut admin = access(ACCOUNT, false);
    admin.regions = vec!["us-east-1".into(), "eu-west-1".into()];
    let mut member = access("222222222222", true);
    member.regions = admin.regions.clone();
    let settings = PollSettings {
        hub_aggregator: Some(rampart::source::aws::HubAggregator {
            account: admin.name.clone(),
            region: "us-east-1".into(),
        }),
        ..PollSettings::default()
    };
    let updates = poll_once(
        &[admin, member],
        &session(&hub.url),
        &settings,
        &Clock::System,
    )
    .await;
    let hubs: Vec<_> = updates
        .iter()
        .filter_map(|u| match u {
            Update::Health(k, h) if k.service == "securityhub" => Some((k.clone(), h.records)),
            _ => None,
        })
        .collect();
    assert_eq!(hubs.len(), 1, "{hubs:?}");
    assert_eq!(hubs[0].0.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(hubs[0].0.region.as_deref(), Some("us-east-1"));
    assert_eq!(hubs[0].1, 150);
    assert_eq!(hub.stats.count("GetFindings"), 2);
    // The other services are still asked everywhere.
    let trails = updates
        .iter()
        .filter(|u| matches!(u, Update::Health(k, _) if k.service == "cloudtrail"))
        .count();
    assert_eq!(trails, 4);
}

fn findings_of(n: usize) -> Vec<String> {
    support::fake_hub::findings(n, ACCOUNT)
}

#[tokio::test]
async fn the_newer_security_hub_is_read_as_ocsf_with_the_same_filters() {
    let hub = FakeHub::start(
        support::fake_hub::ocsf_findings(130, ACCOUNT),
        Behaviour::default(),
    );
    let sdk = sdk(&hub.url).await;
    let settings = PollSettings {
        hub_api: rampart::source::aws::securityhub::Api::Ocsf,
        ..PollSettings::default()
    };
    let p = rampart::source::aws::HubPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        None,
        aws_sdk_securityhub::Client::new(&sdk),
        Pacer::new(4),
        settings,
    );
    let since = chrono::DateTime::parse_from_rfc3339("2026-11-21T01:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let fetched = p.sync(Some(since)).await.unwrap();
    assert_eq!(fetched.pages, 2);
    assert!(fetched.rejected.is_empty(), "{:?}", fetched.rejected);
    // Modified 01:00 to 02:09 on 2026-11-21: the client-side check keeps those the
    // endpoint (which ignores filters) should not have sent.
    assert_eq!(fetched.findings.len(), 70);
    assert!(fetched
        .findings
        .iter()
        .all(|f| f.control_id.as_deref() == Some("EC2.19")));
    assert_eq!(hub.stats.count("GetFindingsV2"), 2);
    let request = hub.stats.requests.lock().unwrap()[0].clone();
    let composite = &request["Filters"]["CompositeFilters"];
    assert_eq!(request["Filters"]["CompositeOperator"], "AND", "{request}");
    assert_eq!(composite[0]["Operator"], "OR");
    assert_eq!(composite[0]["StringFilters"][0]["FieldName"], "status");
    assert_eq!(composite[0]["StringFilters"][0]["Filter"]["Value"], "New");
    assert_eq!(
        composite[0]["StringFilters"][1]["Filter"]["Value"],
        "In Progress"
    );
    assert_eq!(
        composite[1]["DateFilters"][0]["FieldName"],
        "finding_info.modified_time_dt"
    );
    assert_eq!(
        composite[1]["DateFilters"][0]["Filter"]["Start"],
        "2026-11-21T01:00:00Z"
    );
}

#[tokio::test]
async fn the_first_poll_after_a_restart_retires_cached_records_that_left() {
    let hub = FakeHub::with_services(Vec::new(), analyzer_services(), Behaviour::default());
    let sdk = sdk(&hub.url).await;
    let mut p = AnalyzerPoller::new(
        ACCOUNT.into(),
        "us-east-1".into(),
        None,
        aws_sdk_accessanalyzer::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(600),
    )
    .resuming(
        vec![key_hash("public-1"), key_hash("archived-while-off")],
        vec![key_hash("unused-gone\u{1f}x")],
    );
    let updates = p.poll().await.unwrap().updates;
    assert_eq!(
        gone(&updates),
        [
            Gone::Exposures(vec![key_hash("archived-while-off")]),
            Gone::Findings(vec![key_hash("unused-gone\u{1f}x")])
        ]
    );
}

/// The desk of the one account the endpoint answers for, as the live source opens it
/// once the identity check succeeds.
async fn desks(url: &str) -> rampart::source::aws::desk::Desks {
    let desk = rampart::source::aws::desk::Desk {
        sdk: sdk(url).await,
        caller: "arn:aws:sts::111111111111:assumed-role/responder/rampart".into(),
        name: "acct-111".into(),
    };
    let desks = rampart::source::aws::desk::Desks::default();
    desks.lock().unwrap().insert(ACCOUNT.into(), desk);
    desks
}

fn targets(n: usize, account: &str) -> Vec<rampart::model::triage::Target> {
    (0..n)
        .map(|i| rampart::model::triage::Target {
            id: format!("finding-{i}"),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
            account_id: account.into(),
            account_name: format!("acct-{}", &account[..3]),
            region: "us-east-1".into(),
        })
        .collect()
}

fn triage_request(
    targets: Vec<rampart::model::triage::Target>,
) -> rampart::model::triage::TriageRequest {
    rampart::model::triage::TriageRequest {
        id: 1,
        targets,
        change: rampart::model::triage::Change::new(
            Some(rampart::model::WorkflowStatus::Resolved),
            "false positive: the pen test",
        )
        .unwrap(),
        updated_by: "alice".into(),
        records: Vec::new(),
    }
}

/// Writes allowed, audited in `dir`.
fn writes_allowed(dir: &std::path::Path) -> rampart::model::triage::WritePolicy {
    rampart::model::triage::WritePolicy {
        allowed: true,
        read_only: Vec::new(),
        state_dir: Some(dir.to_path_buf()),
    }
}

/// BatchUpdateFindings through the SDK: batches of 100, the status and the signed note in
/// each request, unprocessed findings with their reason, each call in the audit log.
#[tokio::test]
async fn triage_writes_in_batches_of_100_and_reports_unprocessed_findings() {
    let services = Services {
        unprocessed: vec!["finding-7".into(), "finding-150".into()],
        ..Services::default()
    };
    let hub = FakeHub::with_services(Vec::new(), services, Behaviour::default());
    let desks = desks(&hub.url).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = writes_allowed(dir.path());
    let req = triage_request(targets(230, ACCOUNT));
    let outcome = rampart::source::aws::desk::triage(
        &req,
        &desks,
        &Pacer::new(4),
        None,
        &policy,
        &Clock::System,
    )
    .await;
    let writes = hub.stats.writes.lock().unwrap().clone();
    let sizes: Vec<usize> = writes
        .iter()
        .map(|w| w["FindingIdentifiers"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [100, 100, 30]);
    assert_eq!(writes[0]["Workflow"]["Status"], "RESOLVED");
    assert_eq!(writes[0]["Note"]["Text"], "false positive: the pen test");
    assert_eq!(writes[0]["Note"]["UpdatedBy"], "alice");
    assert_eq!(outcome.calls, 3);
    assert_eq!(outcome.accepted(), 228);
    let refused: Vec<&String> = outcome
        .results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    assert_eq!(refused.len(), 2);
    assert!(refused[0].starts_with("FindingNotFound"), "{}", refused[0]);
    let audit =
        std::fs::read_to_string(dir.path().join(rampart::source::write::AUDIT_FILE)).unwrap();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "a request and a result line per call");
    assert!(lines
        .iter()
        .all(|l| l["caller"] == "arn:aws:sts::111111111111:assumed-role/responder/rampart"));
    assert_eq!(lines[1]["result"]["unprocessed"][0]["id"], "finding-7");
}

/// Read-only accounts and writes left off never reach the endpoint.
#[tokio::test]
async fn read_only_accounts_and_writes_off_send_nothing() {
    let hub = FakeHub::with_services(Vec::new(), Services::default(), Behaviour::default());
    let desks = desks(&hub.url).await;
    let dir = tempfile::tempdir().unwrap();
    for (allowed, read_only) in [(true, vec!["acct-1*".to_string()]), (false, Vec::new())] {
        let policy = rampart::model::triage::WritePolicy {
            allowed,
            read_only,
            state_dir: Some(dir.path().to_path_buf()),
        };
        let req = triage_request(targets(5, ACCOUNT));
        let outcome = rampart::source::aws::desk::triage(
            &req,
            &desks,
            &Pacer::new(4),
            None,
            &policy,
            &Clock::System,
        )
        .await;
        assert_eq!(outcome.calls, 0);
        assert_eq!(outcome.accepted(), 0);
    }
    assert_eq!(hub.stats.count("BatchUpdateFindings"), 0);
    assert!(!dir.path().join(rampart::source::write::AUDIT_FILE).exists());
}

/// The timeline's lookup: one LookupEvents series per name, in the window, paced; only the
/// events about the resource come back.
#[tokio::test]
async fn a_timeline_lookup_asks_by_resource_name_in_the_window() {
    let now = chrono::Utc::now();
    let about = |mut e: serde_json::Value, arn: &str| {
        e["resources"] = json!([{"ARN": arn, "type": "AWS::S3::Bucket"}]);
        e
    };
    let services = Services {
        events: vec![
            about(
                event(
                    1,
                    "PutBucketPolicy",
                    "s3.amazonaws.com",
                    now - chrono::Duration::minutes(50),
                ),
                "arn:aws:s3:::payroll",
            ),
            about(
                event(
                    2,
                    "GetBucketAcl",
                    "s3.amazonaws.com",
                    now - chrono::Duration::minutes(20),
                ),
                "arn:aws:s3:::payroll",
            ),
            about(
                event(
                    3,
                    "PutBucketPolicy",
                    "s3.amazonaws.com",
                    now - chrono::Duration::minutes(20),
                ),
                "arn:aws:s3:::logs",
            ),
            about(
                event(
                    4,
                    "DeleteBucket",
                    "s3.amazonaws.com",
                    now - chrono::Duration::days(2),
                ),
                "arn:aws:s3:::payroll",
            ),
        ],
        ..Services::default()
    };
    let hub = FakeHub::with_services(Vec::new(), services, Behaviour::default());
    let desks = desks(&hub.url).await;
    let lookup = rampart::model::lookup::Lookup {
        id: 5,
        account_id: ACCOUNT.into(),
        region: "us-east-1".into(),
        names: vec![(
            rampart::model::lookup::Attribute::ResourceName,
            "arn:aws:s3:::payroll".into(),
        )],
        start: now - chrono::Duration::hours(3),
        end: now,
    };
    let (events, looked) = rampart::source::aws::desk::lookup(
        &lookup,
        &desks,
        &Pacer::new(4),
        rampart::source::aws::pace::LOOKUP_EVENTS,
        &rampart::source::aws::cloudtrail::Window {
            max_pages: 10,
            ..Default::default()
        },
    )
    .await;
    let names: Vec<&str> = events.iter().map(|e| &*e.event_name).collect();
    assert_eq!(names, ["GetBucketAcl", "PutBucketPolicy"], "newest first");
    assert_eq!(looked.id, 5);
    assert_eq!(looked.event_ids.len(), 2);
    assert_eq!(looked.error, None);
    let asked = hub.stats.lookups.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0]["LookupAttributes"][0]["AttributeKey"],
        "ResourceName"
    );
    assert!(asked[0]["EndTime"].as_f64().is_some());
    // An account the console has not reached says so, and asks nothing.
    let other = rampart::model::lookup::Lookup {
        account_id: "999999999999".into(),
        ..lookup
    };
    let (none, looked) = rampart::source::aws::desk::lookup(
        &other,
        &desks,
        &Pacer::new(4),
        rampart::source::aws::pace::LOOKUP_EVENTS,
        &rampart::source::aws::cloudtrail::Window {
            max_pages: 10,
            ..Default::default()
        },
    )
    .await;
    assert!(none.is_empty());
    assert!(looked.error.unwrap().contains("not reached"));
    assert_eq!(hub.stats.lookups.lock().unwrap().len(), 1);
}

/// A tabletop drill's finding imported through the SDK: the account's own default product,
/// labelled as a drill, and the call in the audit log.
#[tokio::test]
async fn a_drill_finding_is_imported_with_batch_import_findings() {
    let hub = FakeHub::with_services(Vec::new(), Services::default(), Behaviour::default());
    let desks = desks(&hub.url).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = writes_allowed(dir.path());
    let f = rampart::model::triage::DrillFinding {
        request: 2,
        drill: "drill-20261122T120000Z".into(),
        id: "rampart-drill/drill-20261122T120000Z".into(),
        target: targets(1, ACCOUNT).remove(0),
        title: "[DRILL] Crypto-mining instance".into(),
        description: "A tabletop drill, not a real finding.".into(),
        severity: "HIGH".into(),
        types: vec!["TTPs/Drill/CryptoCurrency:EC2".into()],
        at: chrono::Utc::now(),
    };
    let outcome =
        rampart::source::aws::desk::import(&f, &desks, &Pacer::new(4), &policy, &Clock::System)
            .await;
    assert_eq!(outcome.accepted(), 1, "{:?}", outcome.results);
    let sent = hub.stats.writes.lock().unwrap()[0]["Findings"][0].clone();
    assert_eq!(
        sent["ProductArn"],
        "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"
    );
    assert_eq!(sent["Title"], "[DRILL] Crypto-mining instance");
    assert_eq!(
        sent["ProductFields"]["rampart/drill"],
        "drill-20261122T120000Z"
    );
    assert_eq!(sent["Severity"]["Label"], "HIGH");
    let audit =
        std::fs::read_to_string(dir.path().join(rampart::source::write::AUDIT_FILE)).unwrap();
    assert_eq!(audit.lines().count(), 2);
}
