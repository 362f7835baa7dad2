//! Faults of the endpoint, against the live Security Hub poller on the project's local
//! endpoint (127.0.0.1): server errors, unavailability, malformed and cut responses, and a
//! slow answer. In each the poll ends (retries are bounded), the error is said in words,
//! and the next poll after the fault clears gets everything. A hang, and faults that change
//! over time, are in `live_scenarios.rs`, on tokio's paused clock.

mod support;

use rampart::source::aws::pace::Pacer;
use rampart::source::aws::{HubPoller, PollSettings};
use support::fake_hub::{findings, Behaviour, FakeHub, Fault};

const KEY: &str = "AKIAFAKEHUBTESTKEY00";

async fn poller(url: &str) -> HubPoller {
    support::isolate_aws_env();
    let (access, session) = (support::local_account(), support::local_session(url, KEY));
    let sdk = rampart::source::aws::session::sdk_config(&access, "us-east-1", &session).await;
    HubPoller::new(
        "111111111111".into(),
        "us-east-1".into(),
        None,
        aws_sdk_securityhub::Client::new(&sdk),
        Pacer::new(4),
        PollSettings::default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_ends_the_poll_in_words_and_the_next_poll_recovers() {
    let hub = FakeHub::start(findings(250, "111111111111"), Behaviour::default());
    let p = poller(&hub.url).await;
    let mut observed = Vec::new();
    for fault in [
        Fault::ServerError,
        Fault::Unavailable,
        Fault::Malformed,
        Fault::Cut,
    ] {
        hub.services.lock().unwrap().fault = Some(fault);
        let before = hub.stats.count("GetFindings");
        let e = p
            .sync(None)
            .await
            .expect_err("a faulty endpoint fails the poll");
        let calls = hub.stats.count("GetFindings") - before;
        let words = e.to_string();
        assert!(!words.is_empty());
        assert!(
            (1..=3).contains(&calls),
            "{fault:?}: {calls} attempts (retries are bounded)"
        );
        observed.push(format!("{fault:?}: {words} ({calls} attempts)"));
        hub.services.lock().unwrap().fault = None;
        let ok = p
            .sync(None)
            .await
            .expect("recovered once the fault cleared");
        assert_eq!(ok.findings.len(), 250);
    }
    eprintln!("{}", observed.join("\n"));
    assert!(
        observed[0].starts_with("ServerError: AWS answered HTTP 500, a server error: InternalException: Internal service error ("),
        "{}",
        observed[0]
    );
    assert!(
        observed[1].starts_with("Unavailable: AWS answered HTTP 503, unavailable ("),
        "{}",
        observed[1]
    );
    assert!(
        observed[2].contains("unexpected response: GetFindings response: EOF"),
        "{}",
        observed[2]
    );
    assert!(
        observed[3].starts_with("Cut: network: the response was cut off before its end ("),
        "{}",
        observed[3]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_endpoint_is_waited_for() {
    let hub = FakeHub::start(findings(120, "111111111111"), Behaviour::default());
    hub.services.lock().unwrap().fault = Some(Fault::Slow(1500));
    let p = poller(&hub.url).await;
    let got = p.sync(None).await.expect("slow but within the timeouts");
    assert_eq!(got.findings.len(), 120);
}
