//! Live Security Hub against the project's own local endpoint (`support::fake_hub`,
//! 127.0.0.1): what moto cannot do. Pacing keeps under an endpoint that enforces 3
//! requests/s (it never throttles us, and nothing is shown as an error); a denied account
//! names the missing action; a throttled endpoint reads as "throttled", not as a crash.

mod support;

use rampart::model::Clock;
use rampart::source::aws::pace::Pacer;
use rampart::source::aws::session::{AccountAccess, SessionOptions};
use rampart::source::aws::{HubPoller, PollSettings, Resume};
use std::sync::atomic::Ordering;
use support::fake_hub::{findings, Behaviour, FakeHub};

const KEY: &str = "AKIAFAKEHUBTESTKEY00";

fn access() -> AccountAccess {
    support::local_account()
}

fn session(url: &str) -> SessionOptions {
    support::local_session(url, KEY)
}

async fn poller(url: &str, settings: PollSettings) -> HubPoller {
    support::isolate_aws_env();
    let (access, session) = (access(), session(url));
    let sdk = rampart::source::aws::session::sdk_config(&access, "us-east-1", &session).await;
    HubPoller::new(
        "111111111111".into(),
        "us-east-1".into(),
        Some("audit".into()),
        aws_sdk_securityhub::Client::new(&sdk),
        Pacer::new(4),
        settings,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_stays_under_an_endpoint_that_enforces_three_requests_a_second() {
    let hub = FakeHub::start(findings(1500, "111111111111"), Behaviour::limited(3.0, 6.0));
    let p = poller(&hub.url, PollSettings::default()).await;
    let fetched = p.sync(None).await.expect("no error reaches the operator");
    assert_eq!((fetched.findings.len(), fetched.pages), (1500, 15));
    assert!(fetched.rejected.is_empty(), "{:?}", fetched.rejected);
    assert_eq!(
        hub.stats.throttled.load(Ordering::SeqCst),
        0,
        "paced under the limit: the endpoint never had to throttle"
    );
    // The raw record is the endpoint's JSON: details the SDK would drop are kept.
    let raw = fetched.findings[0].raw.to_value();
    assert_eq!(
        raw["Resources"][0]["Details"]["AwsEc2SecurityGroup"]["VpcId"],
        "vpc-0123456789abcdef0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaced_sync_keeps_the_endpoint_order_across_pages_parsed_side_by_side() {
    let hub = FakeHub::start(findings(2050, "111111111111"), Behaviour::default());
    let unpaced = PollSettings {
        get_findings_rate: rampart::source::aws::pace::Rate {
            per_second: 0.0,
            burst: 6.0,
        },
        ..PollSettings::default()
    };
    let p = poller(&hub.url, unpaced).await;
    let fetched = p.sync(None).await.expect("a sync of 21 pages");
    assert_eq!((fetched.findings.len(), fetched.pages), (2050, 21));
    for (i, f) in fetched.findings.iter().enumerate() {
        let suffix = format!("/finding/{i:08x}-0000-4000-8000-000000000000");
        assert!(f.id.ends_with(&suffix), "finding {i} is {}", f.id);
    }
}

#[tokio::test]
async fn a_denied_account_names_the_missing_action() {
    let hub = FakeHub::start(
        findings(10, "111111111111"),
        Behaviour {
            deny_key: Some(KEY.into()),
            ..Behaviour::default()
        },
    );
    let p = poller(&hub.url, PollSettings::default()).await;
    let e = p.sync(None).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "access denied: the credentials lack securityhub:GetFindings"
    );
    assert_eq!(hub.stats.served.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_endpoint_that_keeps_throttling_reads_as_throttled() {
    // One request allowed, then a token every 100 s: the SDK's retries run out.
    let hub = FakeHub::start(findings(300, "111111111111"), Behaviour::limited(0.01, 1.0));
    let p = poller(&hub.url, PollSettings::default()).await;
    let e = p.sync(None).await.unwrap_err();
    assert_eq!(e.to_string(), "throttled");
    assert_eq!(hub.stats.served.load(Ordering::SeqCst), 1);
    assert!(
        hub.stats.throttled.load(Ordering::SeqCst) >= 2,
        "retried before giving up"
    );
}

/// The live source against the local endpoint, running: its updates, a command sender, the
/// token that stops it and its task.
fn run_source(
    url: &str,
    settings: PollSettings,
    writes: rampart::model::triage::WritePolicy,
) -> support::Running {
    let source = Box::new(rampart::source::aws::AwsSource {
        accounts: vec![access()],
        session: session(url),
        settings,
        clock: Clock::System,
        cache: None,
        writes,
    });
    support::spawn_source(source, 64)
}

/// After a restart with a warm cache, the first poll asks only for what changed since the
/// newest cached update (minus the skew margin), not for everything again.
#[tokio::test]
async fn a_poller_resumed_from_the_cache_starts_incrementally() {
    use rampart::feed::Update;
    support::isolate_aws_env();
    let hub = FakeHub::start(findings(120, "111111111111"), Behaviour::default());
    let newest = chrono::DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut settings = PollSettings::default();
    // Two cached findings that the endpoint no longer has.
    let cached: Vec<u64> = ["gone-1", "gone-2"]
        .iter()
        .map(|id| {
            rampart::model::key::key_hash(&format!(
                "{id}\u{1f}arn:aws:securityhub:us-east-1::product/aws/securityhub"
            ))
        })
        .collect();
    settings.resume.insert(
        ("111111111111".into(), "us-east-1".into()),
        Resume {
            newest,
            keys: cached,
        },
    );
    let (mut rx, _commands, cancel, task) = run_source(&hub.url, settings, Default::default());
    // Wait for the Security Hub poller's first result.
    let health = loop {
        match rx.recv().await.expect("the source runs") {
            Update::Health(k, h) if k.service == "securityhub" && h.last_success.is_some() => {
                break h
            }
            _ => {}
        }
    };
    cancel.cancel();
    task.await.unwrap();
    let first = hub.stats.requests.lock().unwrap()[0].clone();
    assert_eq!(
        first["Filters"]["UpdatedAt"][0]["Start"], "2026-11-21T09:55:00Z",
        "from the cached newest minus the 5-minute skew: {first}"
    );
    // The fake endpoint ignores filters; the client-side check keeps only the newer ones
    // (its findings are updated 00:00 to 01:59 on 2026-11-21: none is newer).
    assert_eq!(health.records, 2, "the cached findings still count");
}

/// The live source answers the console's commands: a triage goes out through the account's
/// session (once its identity check succeeded) with the caller ARN in the audit log, and a
/// timeline lookup comes back; with writes off the same triage sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_source_sends_a_confirmed_triage_and_answers_a_lookup() {
    use rampart::feed::{Command, Update};
    support::isolate_aws_env();
    let hub = FakeHub::start(findings(3, "111111111111"), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    for allowed in [true, false] {
        let settings = PollSettings {
            analyzer_every: None,
            config_every: None,
            ..PollSettings::default()
        };
        let writes = rampart::model::triage::WritePolicy {
            allowed,
            read_only: Vec::new(),
            state_dir: Some(dir.path().to_path_buf()),
        };
        let (mut rx, commands_tx, cancel, task) = run_source(&hub.url, settings, writes);
        let found = loop {
            match rx.recv().await.expect("the source runs") {
                Update::Findings(list) if !list.is_empty() => break list,
                _ => {}
            }
        };
        let req = rampart::model::triage::TriageRequest {
            id: 4,
            targets: found
                .iter()
                .map(|f| rampart::model::triage::Target::of(f, "one"))
                .collect(),
            change: rampart::model::triage::Change::new(
                Some(rampart::model::WorkflowStatus::Notified),
                "",
            )
            .unwrap(),
            updated_by: "alice".into(),
            records: Vec::new(),
        };
        commands_tx
            .send(Command::Triage(Box::new(req)))
            .await
            .unwrap();
        let lookup = rampart::model::lookup::Lookup::around(
            5,
            &found[0],
            Default::default(),
            chrono::Utc::now(),
        );
        commands_tx
            .send(Command::Lookup(Box::new(lookup)))
            .await
            .unwrap();
        let (mut outcome, mut looked) = (None, None);
        while outcome.is_none() || looked.is_none() {
            match rx.recv().await.expect("the source answers") {
                Update::Triaged(o) => outcome = Some(o),
                Update::Looked(l) => looked = Some(l),
                _ => {}
            }
        }
        cancel.cancel();
        task.await.unwrap();
        let (outcome, looked) = (outcome.unwrap(), looked.unwrap());
        assert_eq!(outcome.request, 4);
        assert_eq!(looked.id, 5);
        assert_eq!(looked.error, None, "the lookup went out and came back");
        if allowed {
            assert_eq!(outcome.calls, 1);
            assert_eq!(outcome.accepted(), found.len());
        } else {
            assert_eq!(outcome.calls, 0);
            assert_eq!(outcome.accepted(), 0);
        }
    }
    assert_eq!(
        hub.stats.count("BatchUpdateFindings"),
        1,
        "only with writes allowed"
    );
    let audit =
        std::fs::read_to_string(dir.path().join(rampart::source::write::AUDIT_FILE)).unwrap();
    assert_eq!(audit.lines().count(), 2);
    assert!(
        audit.contains("\"caller\":\"arn:aws:iam::111111111111:user/bench\""),
        "{audit}"
    );
}
