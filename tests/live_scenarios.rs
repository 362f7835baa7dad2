//! Faults that change over time, on tokio's paused clock: the live source, with the real
//! pollers and the SDK's own retries and timeouts, against an endpoint inside the test
//! process whose faults follow a script of time. The console (the same `App` the event
//! loop runs) takes every update and draws a frame at each checkpoint. Scenarios: a region
//! throttled for ten minutes, an SSO session that expires mid-session, the network gone
//! for ten minutes, one account of fifty denied, and an endpoint that hangs. In each the
//! console keeps drawing, says each source's state in words, keeps the last good data
//! marked stale, recovers by itself and asks at a bounded pace.

mod support;

use rampart::app::{App, Settings};
use rampart::feed::{SourceHealth, SourceKey, Status, Update};
use rampart::model::Clock;
use rampart::source::aws::session::{AccountAccess, SessionOptions};
use rampart::source::aws::{AwsSource, PollSettings};
use rampart::theme::Theme;
use rampart::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::Duration;
use support::fake_hub::{findings, Behaviour, Call, InProcess, Services, Trouble, IN_PROCESS_URL};

const MIN: Duration = Duration::from_secs(60);
const KEY: &str = "AKIASCENARIOTESTKEY0";

fn minutes(m: u64) -> Duration {
    MIN * m as u32
}

/// The console with the live source running: what it shows, and every health each
/// source reported with when (since the start, on tokio's clock).
struct Console {
    app: App,
    updates: tokio::sync::mpsc::Receiver<Update>,
    /// Held: the source stops when the console's command channel closes.
    _commands: tokio::sync::mpsc::Sender<rampart::feed::Command>,
    cancel: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<()>,
    started: tokio::time::Instant,
    healths: Vec<(Duration, SourceKey, SourceHealth)>,
    frames: usize,
}

impl Console {
    fn start(accounts: Vec<AccountAccess>, hub: &InProcess) -> Console {
        support::isolate_aws_env();
        let clock = Clock::starting_at(
            rampart::model::clock::parse_rfc3339("2026-11-23T12:00:00Z").unwrap(),
        );
        let settings = PollSettings {
            analyzer_every: None,
            config_every: None,
            cloudtrail_every: None,
            ..PollSettings::default()
        };
        let session = SessionOptions {
            endpoint_url: Some(IN_PROCESS_URL.into()),
            ca_bundle: None,
            credentials: Some(support::test_keys(KEY)),
            http_client: Some(hub.client.clone()),
        };
        let source = Box::new(AwsSource {
            accounts,
            session,
            settings,
            clock: clock.clone(),
            cache: None,
            writes: Default::default(),
        });
        let (updates, commands_tx, cancel, task) = support::spawn_source(source, 256);
        Console {
            app: App::new(clock, Settings::default(), Theme::default()),
            updates,
            _commands: commands_tx,
            cancel,
            task,
            started: tokio::time::Instant::now(),
            healths: Vec::new(),
            frames: 0,
        }
    }

    /// Takes updates as the event loop does until `at` after the start, drawing a frame
    /// after each batch.
    async fn run_until(&mut self, at: Duration) {
        let deadline = self.started + at;
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        loop {
            tokio::select! {
                u = self.updates.recv() => {
                    let Some(u) = u else { panic!("the source stopped") };
                    self.take(u);
                    while let Ok(u) = self.updates.try_recv() {
                        self.take(u);
                    }
                    self.app.after_updates();
                    self.app.refresh_view();
                    terminal.draw(|f| ui::render(f, &self.app)).unwrap();
                    self.frames += 1;
                }
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    }

    fn take(&mut self, u: Update) {
        if let Update::Health(k, h) = &u {
            self.healths
                .push((self.started.elapsed(), k.clone(), h.clone()));
        }
        self.app.apply(u);
    }

    /// The screen at 160x40, one line per row.
    fn screen(&mut self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(160, 40)).unwrap();
        self.app.refresh_view();
        terminal.draw(|f| ui::render(f, &self.app)).unwrap();
        let buf = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    /// The status line (the screen's last row).
    fn status_line(&mut self) -> String {
        self.screen()
            .lines()
            .last()
            .unwrap_or_default()
            .trim_end()
            .to_string()
    }

    fn health(&self, service: &str, account: &str, region: Option<&str>) -> SourceHealth {
        let key = SourceKey {
            service: service.into(),
            account_id: Some(account.into()),
            region: region.map(str::to_string),
            file: None,
        };
        self.app
            .store
            .sources
            .get(&key)
            .cloned()
            .unwrap_or_else(|| panic!("no source {key}"))
    }

    fn findings_in(&self, account: &str, region: &str) -> usize {
        self.app
            .store
            .findings
            .items()
            .iter()
            .filter(|f| &*f.account_id == account && &*f.region == region)
            .count()
    }

    async fn stop(self) {
        self.cancel.cancel();
        self.task.await.unwrap();
    }
}

fn account(id: &str, regions: &[&str]) -> AccountAccess {
    AccountAccess {
        account_id: Some(id.into()),
        name: format!("acct-{}", &id[8..]),
        environment: "prod".into(),
        profile: None,
        role_arn: None,
        external_id: None,
        session_name: None,
        regions: regions.iter().map(|r| r.to_string()).collect(),
    }
}

/// Reached by assuming its `audit` role (the endpoint's findings then carry its id).
fn by_role(access: AccountAccess) -> AccountAccess {
    let id = access.account_id.clone().unwrap();
    AccountAccess {
        role_arn: Some(format!("arn:aws:iam::{id}:role/audit")),
        ..access
    }
}

fn endpoint(script: impl Fn(&Call) -> Option<Trouble> + Send + Sync + 'static) -> InProcess {
    InProcess::start(
        findings(40, "111111111111"),
        Services::default(),
        Behaviour {
            per_caller: true,
            ..Behaviour::default()
        },
        Arc::new(script),
    )
}

fn within(at: Duration, from: u64, to: u64) -> bool {
    at >= minutes(from) && at < minutes(to)
}

/// us-west-2 answers GetFindings with 429 from minute 2 to minute 12. us-east-1 goes on;
/// us-west-2's 40 findings stay on screen, marked stale since its last good poll with
/// the reason; failed polls come less and less often (60, 120, 240 s, then every 5 min);
/// it is back by itself within one backoff of the end.
#[tokio::test(start_paused = true)]
async fn a_region_throttled_for_ten_minutes() {
    let hub = endpoint(|c| {
        (c.api == "GetFindings" && c.region == "us-west-2" && within(c.at, 2, 12))
            .then_some(Trouble::Throttle)
    });
    let mut console = Console::start(
        vec![account("111111111111", &["us-east-1", "us-west-2"])],
        &hub,
    );
    console.run_until(minutes(1)).await;
    assert_eq!(console.findings_in("111111111111", "us-west-2"), 40);
    let line = console.status_line();
    assert!(!line.contains('✖') && !line.contains('▲'), "{line}");

    console.run_until(minutes(11)).await;
    let west = console.health("securityhub", "111111111111", Some("us-west-2"));
    let east = console.health("securityhub", "111111111111", Some("us-east-1"));
    assert_eq!(west.status, Status::Stale);
    assert_eq!(west.error.as_deref(), Some("throttled"));
    assert_eq!(east.status, Status::Ok, "the other region goes on");
    assert_eq!(
        console.findings_in("111111111111", "us-west-2"),
        40,
        "the last good data stays"
    );
    let line = console.status_line();
    assert!(
        line.contains("▲ securityhub 111111111111 us-west-2 stale since 12:0")
            && line.contains("(throttled)"),
        "{line}"
    );
    let asked = hub.calls("GetFindings", minutes(2), minutes(12));
    let west_asked = asked
        .iter()
        .filter(|(c, _)| c.region == "us-west-2")
        .count();
    let throttled = asked.iter().filter(|(_, t)| t.is_some()).count();
    // Polls at about 2, 3, 5 and 9 minutes, three attempts each at most.
    assert!(
        (4..=12).contains(&west_asked) && throttled == west_asked,
        "{west_asked} requests to the throttled region in ten minutes"
    );

    console.run_until(minutes(18)).await;
    let west = console.health("securityhub", "111111111111", Some("us-west-2"));
    assert_eq!((west.status, west.error.as_deref()), (Status::Ok, None));
    let back = console
        .healths
        .iter()
        .find(|(at, k, h)| {
            *at >= minutes(12) && k.region.as_deref() == Some("us-west-2") && h.status == Status::Ok
        })
        .map(|(at, _, _)| *at)
        .expect("recovered");
    assert!(back <= minutes(12) + rampart::source::aws::poller::MAX_BACKOFF);
    assert!(
        console.status_line().contains("● 3 sources ok"),
        "{}",
        console.status_line()
    );
    eprintln!(
        "throttled 10 min: {west_asked} requests to us-west-2 while throttled, back at {:.1} min, {} frames",
        back.as_secs_f64() / 60.0,
        console.frames
    );
    console.stop().await;
}

/// Every request answers ExpiredTokenException from minute 20 (the SSO session ran out)
/// until minute 45 (`aws sso login`). Each source says so with the command that fixes it,
/// keeps its data, asks once per backoff (an expired token is not retried), and is back
/// by itself after the login.
#[tokio::test(start_paused = true)]
async fn an_sso_session_that_expires_mid_session() {
    let hub = endpoint(|c| within(c.at, 20, 45).then_some(Trouble::Expired));
    let mut access = account("111111111111", &["us-east-1"]);
    access.profile = Some("dev-sso".into());
    let mut console = Console::start(vec![access], &hub);
    console.run_until(minutes(19)).await;
    assert_eq!(console.findings_in("111111111111", "us-east-1"), 40);

    console.run_until(minutes(44)).await;
    let hub_health = console.health("securityhub", "111111111111", Some("us-east-1"));
    assert_eq!(hub_health.status, Status::Stale);
    let why = hub_health.error.clone().unwrap_or_default();
    assert_eq!(
        why,
        "credentials: profile dev-sso: ExpiredTokenException: The security token included in \
         the request is expired; run `aws sso login --profile dev-sso`"
    );
    assert_eq!(console.findings_in("111111111111", "us-east-1"), 40);
    let line = console.status_line();
    assert!(
        line.contains("stale since 12:19Z") || line.contains("stale since 12:2"),
        "{line}"
    );
    assert!(
        line.contains("(credentials: profile dev-sso: ExpiredTokenException"),
        "{line}"
    );
    // The whole reason, with the command that fixes it, in the sources view.
    console.app.update(rampart::app::Action::ToggleSources);
    let sources = console.screen();
    console.app.update(rampart::app::Action::ToggleSources);
    assert!(
        sources.contains("aws sso login --profile dev-sso"),
        "{sources}"
    );
    let asked = hub.calls("GetFindings", minutes(20), minutes(45)).len();
    assert!(
        (4..=10).contains(&asked),
        "{asked} GetFindings while the session was expired"
    );

    console.run_until(minutes(51)).await;
    let hub_health = console.health("securityhub", "111111111111", Some("us-east-1"));
    assert_eq!(
        (hub_health.status, hub_health.error.as_deref()),
        (Status::Ok, None)
    );
    eprintln!("SSO expired 25 min: {asked} GetFindings meanwhile; said: {why}");
    console.stop().await;
}

/// Every connection is refused from minute 5 to minute 15. Every source says "network"
/// and keeps its data; retries are bounded (three attempts a poll, polls backing off);
/// all are back by themselves.
#[tokio::test(start_paused = true)]
async fn the_network_gone_for_ten_minutes_and_back() {
    let hub = endpoint(|c| within(c.at, 5, 15).then_some(Trouble::Offline));
    let mut console = Console::start(
        vec![
            by_role(account("111111111111", &["us-east-1", "eu-west-1"])),
            by_role(account("222222222222", &["us-east-1"])),
        ],
        &hub,
    );
    console.run_until(minutes(4)).await;
    assert_eq!(console.app.store.findings.len(), 120);

    console.run_until(minutes(14)).await;
    for (acct, region) in [
        ("111111111111", "us-east-1"),
        ("111111111111", "eu-west-1"),
        ("222222222222", "us-east-1"),
    ] {
        let h = console.health("securityhub", acct, Some(region));
        assert_eq!(h.status, Status::Stale, "{acct} {region}");
        assert_eq!(
            h.error.as_deref(),
            Some("network: io error: Connection refused (os error 111)"),
            "{acct} {region}"
        );
    }
    assert_eq!(console.app.store.findings.len(), 120, "nothing lost");
    let line = console.status_line();
    assert!(
        line.contains("stale since 12:0") && line.contains("(network: "),
        "{line}"
    );
    let offline = hub.calls("GetFindings", minutes(5), minutes(15)).len();
    // Three pollers, polls at about 5, 6, 8 and 12 minutes, three attempts each at most.
    assert!(
        (3 * 3..=3 * 5 * 3).contains(&offline),
        "{offline} connection attempts in ten minutes offline"
    );

    console.run_until(minutes(21)).await;
    assert!(
        console
            .app
            .store
            .sources
            .iter()
            .all(|(_, h)| h.status == Status::Ok),
        "{:?}",
        console.app.store.sources
    );
    eprintln!("network gone 10 min: {offline} GetFindings attempts meanwhile; said: {line}");
    console.stop().await;
}

/// Fifty accounts reached by assuming a role; one account's role refuses. The other 49
/// load; the refused one says why in words, its pollers do not start, and its identity
/// check is asked again every five minutes, not in a loop.
#[tokio::test(start_paused = true)]
async fn one_account_of_fifty_denied() {
    const DENIED: &str = "100000000037";
    let hub = endpoint(|c| (c.api == "AssumeRole" && c.account == DENIED).then_some(Trouble::Deny));
    let accounts: Vec<AccountAccess> = (0..50)
        .map(|i| by_role(account(&format!("1000000000{i:02}"), &["us-east-1"])))
        .collect();
    let mut console = Console::start(accounts, &hub);
    console.run_until(minutes(3)).await;
    assert_eq!(console.app.store.findings.len(), 49 * 40);
    assert_eq!(console.findings_in(DENIED, "us-east-1"), 0);
    let denied = console.health("sts", DENIED, Some("us-east-1"));
    assert_eq!(denied.status, Status::Failed);
    let why = denied.error.clone().unwrap_or_default();
    assert!(
        why.starts_with(&format!(
            "credentials: assuming arn:aws:iam::{DENIED}:role/audit: AccessDenied: "
        )) && why.ends_with("is not authorized to perform: AssumeRole"),
        "{why}"
    );
    let line = console.status_line();
    assert!(
        line.contains(&format!(
            "✖ sts {DENIED} us-east-1 failed (credentials: assuming"
        )),
        "{line}"
    );
    for i in [0, 36, 38, 49] {
        let id = format!("1000000000{i:02}");
        assert_eq!(
            console.health("securityhub", &id, Some("us-east-1")).status,
            Status::Ok
        );
    }

    console.run_until(minutes(31)).await;
    let tries = hub
        .calls("AssumeRole", Duration::ZERO, minutes(31))
        .iter()
        .filter(|(c, _)| c.account == DENIED)
        .count();
    // At start, then every 5 minutes; the SDK does not retry a refusal.
    assert!(
        (6..=8).contains(&tries),
        "{tries} AssumeRole calls for the refused account"
    );
    assert_eq!(console.app.store.findings.len(), 49 * 40);
    eprintln!("one of fifty denied: {tries} AssumeRole tries in 31 min; said: {why}");
    console.stop().await;
}

/// GetFindings never answers from minute 2 to minute 6. The SDK's attempt timeout (30 s)
/// and operation timeout (90 s) end each poll; the source says it timed out, keeps its
/// data, and is back by itself when the endpoint answers again.
#[tokio::test(start_paused = true)]
async fn an_endpoint_that_hangs() {
    let hub = endpoint(|c| (c.api == "GetFindings" && within(c.at, 2, 6)).then_some(Trouble::Hang));
    let mut console = Console::start(vec![account("111111111111", &["us-east-1"])], &hub);
    console.run_until(minutes(5)).await;
    let h = console.health("securityhub", "111111111111", Some("us-east-1"));
    assert_eq!(h.status, Status::Stale);
    let why = h.error.clone().unwrap_or_default();
    assert_eq!(
        why,
        "network: request has timed out: operation timeout (all attempts including retries) \
         occurred after 90s"
    );
    assert_eq!(console.findings_in("111111111111", "us-east-1"), 40);
    // Each hanging poll ended within the operation timeout of its first request.
    let hung: Vec<Duration> = hub
        .calls("GetFindings", minutes(2), minutes(6))
        .iter()
        .map(|(c, _)| c.at)
        .collect();
    let ended: Vec<Duration> = console
        .healths
        .iter()
        .filter(|(at, k, h)| *at >= minutes(2) && k.service == "securityhub" && h.error.is_some())
        .map(|(at, _, _)| *at)
        .collect();
    assert!(!ended.is_empty());
    assert!(
        ended[0] - hung[0] <= Duration::from_secs(91),
        "the first hanging poll ended {:?} after it began",
        ended[0] - hung[0]
    );
    console.run_until(minutes(12)).await;
    let h = console.health("securityhub", "111111111111", Some("us-east-1"));
    assert_eq!((h.status, h.error.as_deref()), (Status::Ok, None));
    eprintln!(
        "hang 4 min: {} requests, first poll ended after {:?}; said: {why}",
        hung.len(),
        ended[0] - hung[0]
    );
    console.stop().await;
}
