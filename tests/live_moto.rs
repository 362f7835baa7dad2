//! Live AWS against `moto_server` on 127.0.0.1 (`.ci/run` installs `moto[server]`): three
//! accounts reached by AssumeRole from one profile, more than 100 findings each so paging
//! runs, credential reports with users and keys, an incremental poll that sees only what is
//! new, and an account whose poll fails while the others load. Nothing leaves loopback: every client, STS included, is sent to
//! the emulator, the metadata service is off, and HOME and the AWS files are temporary.

mod support;

use rampart::source::aws::session::{AccountAccess, SessionOptions};
use rampart::source::aws::{pace::Pacer, HubPoller, PollSettings};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{isolated_env, BIN};

const ACCOUNTS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];

/// A moto server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server is not installed: pip install 'moto[server]' (.ci/run does)");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto_server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    fn seed(&self, first: usize, count: usize, updated_at: &str, accounts: &[&str]) {
        let (first, count) = (first.to_string(), count.to_string());
        self.python(
            "seed_securityhub.py",
            &[&first, &count, updated_at],
            accounts,
        );
    }

    fn seed_users(&self, users: usize, accounts: &[&str]) {
        self.python("seed_iam.py", &[&users.to_string()], accounts);
    }

    fn python(&self, script: &str, args: &[&str], accounts: &[&str]) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/support")
            .join(script);
        let out = Command::new("python3")
            .arg(script)
            .arg(&self.url)
            .args(args)
            .args(accounts)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary home with a base profile holding static test keys, and a config with the
/// three accounts reached by assuming a role from it.
fn home_with_config(extra_account: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        "[profile base]\nregion = us-east-1\naws_access_key_id = AKIATESTTESTTESTTEST\naws_secret_access_key = testtesttesttesttesttesttesttesttesttest\n",
    )
    .unwrap();
    // moto has no Access Analyzer and no LookupEvents: those are proved against the
    // project's own endpoint (tests/live_services.rs).
    let mut cfg = String::from(
        "regions = [\"us-east-1\"]\n[access_analyzer]\nenabled = false\n[cloudtrail]\nenabled = false\n",
    );
    for (i, a) in ACCOUNTS.iter().chain(extra_account.iter()).enumerate() {
        cfg.push_str(&format!(
            "[[accounts]]\nid = \"{a}\"\nname = \"acct-{i}\"\nenvironment = \"prod\"\nprofile = \"base\"\nrole_arn = \"arn:aws:iam::{a}:role/audit\"\n"
        ));
    }
    let path = home.path().join("rampart.toml");
    std::fs::write(&path, cfg).unwrap();
    (home, path)
}

fn export(home: &Path, config: &Path, url: &str) -> (Option<i32>, serde_json::Value, String) {
    let out = Command::new(BIN)
        .args(["export", "--config"])
        .arg(config)
        .args(["--endpoint-url", url])
        .env_clear()
        .envs(isolated_env(home))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("export is not JSON ({e}); stderr: {stderr}"));
    (out.status.code(), doc, stderr)
}

#[test]
fn export_reaches_three_accounts_by_assume_role_and_pages_through_their_findings() {
    let moto = Moto::start();
    moto.seed(0, 120, "2026-11-21T00:00:00Z", &ACCOUNTS);
    moto.seed_users(5, &ACCOUNTS[..1]);
    let (home, config) = home_with_config(None);
    let (code, doc, stderr) = export(home.path(), &config, &moto.url);
    assert_eq!(code, Some(0), "{stderr}");
    let findings = doc["findings"].as_array().unwrap();
    for a in ACCOUNTS {
        let n = findings.iter().filter(|f| f["account_id"] == a).count();
        assert_eq!(n, 120, "account {a}: 120 findings over two pages");
    }
    // The raw record is the response's own JSON: fields the SDK does not model survive.
    assert_eq!(findings[0]["raw"]["GeneratorId"], "rampart-test");
    let sources = doc["sources"].as_array().unwrap();
    let hub: Vec<_> = sources
        .iter()
        .filter(|s| s["source"] == "securityhub")
        .collect();
    assert_eq!(hub.len(), 3);
    assert!(hub
        .iter()
        .all(|s| s["status"] == "ok" && s["records"] == 120));
    // The credential report of each account, parsed by the replay parser.
    let iam: Vec<_> = sources.iter().filter(|s| s["source"] == "iam").collect();
    assert_eq!(iam.len(), 3);
    assert!(iam.iter().all(|s| s["status"] == "ok"), "{iam:?}");
    let users: Vec<_> = doc["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["account_id"] == ACCOUNTS[0])
        .collect();
    assert_eq!(users.len(), 5, "{users:?}");
    assert!(users
        .iter()
        .all(|u| u["access_keys"].as_array().unwrap().len() == 1));
    let with_password = users
        .iter()
        .filter(|u| u["password_enabled"] == true)
        .count();
    assert_eq!(with_password, 3);
}

#[test]
fn an_account_that_fails_is_named_and_the_others_still_export() {
    let moto = Moto::start();
    moto.seed(0, 10, "2026-11-21T00:00:00Z", &ACCOUNTS);
    // A fourth account whose profile is not in the AWS config: its credentials fail.
    let (home, config) = home_with_config(None);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[[accounts]]\nid = \"444444444444\"\nprofile = \"missing\"\n");
    std::fs::write(&config, text).unwrap();
    let (code, doc, stderr) = export(home.path(), &config, &moto.url);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 30, "{stderr}");
    assert_eq!(code, Some(2), "written, with a failed source: {stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("444444444444"))
        .unwrap_or_else(|| panic!("the failed account is named: {stderr}"));
    assert!(line.contains("missing"), "{line}");
    let failed: Vec<_> = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["account_id"], "444444444444");
}

#[tokio::test]
async fn an_incremental_poll_sees_only_the_new_findings() {
    support::isolate_aws_env();
    let moto = Moto::start();
    let account = ACCOUNTS[0];
    moto.seed(0, 150, "2026-11-21T00:00:00Z", &[account]);
    let access = AccountAccess {
        account_id: Some(account.into()),
        name: "one".into(),
        environment: "prod".into(),
        profile: None,
        role_arn: Some(format!("arn:aws:iam::{account}:role/audit")),
        external_id: Some("rampart-test".into()),
        session_name: None,
        regions: vec!["us-east-1".into()],
    };
    let session = SessionOptions {
        endpoint_url: Some(moto.url.clone()),
        ca_bundle: None,
        credentials: Some(support::test_keys("AKIATESTTESTTESTTEST")),
        http_client: None,
    };
    let sdk = rampart::source::aws::session::sdk_config(&access, "us-east-1", &session).await;
    let poller = HubPoller::new(
        account.into(),
        "us-east-1".into(),
        None,
        aws_sdk_securityhub::Client::new(&sdk),
        Pacer::new(4),
        PollSettings::default(),
    );
    let full = poller.sync(None).await.unwrap();
    assert_eq!((full.findings.len(), full.pages), (150, 2));
    let newest = full.findings.iter().map(|f| f.updated_at).max().unwrap();

    moto.seed(150, 7, "2026-11-22T09:30:00Z", &[account]);
    let incremental = poller
        .sync(Some(newest + chrono::Duration::seconds(1)))
        .await
        .unwrap();
    let mut ids: Vec<String> = incremental
        .findings
        .iter()
        .map(|f| f.id.to_string())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        (150..157).map(|i| format!("f-{i}")).collect::<Vec<_>>()
    );
}

#[test]
fn the_console_shows_live_findings_and_their_sources() {
    let moto = Moto::start();
    moto.seed(0, 5, "2026-11-21T00:00:00Z", &ACCOUNTS);
    let (home, config) = home_with_config(None);
    let mut run = support::PtyRun::start(
        &[
            "--config",
            config.to_str().unwrap(),
            "--endpoint-url",
            &moto.url,
        ],
        home.path(),
        (120, 30),
    );
    run.wait_for_screen("live");
    // Security Hub, Config and the credential report of each of the three accounts.
    run.wait_for_screen("9 sources ok");
    // From the overview (where the console opens) to the findings.
    run.send("1");
    run.wait_for_screen("finding 4 in 333333333333");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
}

#[test]
fn a_restart_shows_the_cached_store_at_once_even_with_aws_unreachable() {
    let (home, config) = home_with_config(None);
    {
        let moto = Moto::start();
        moto.seed(0, 5, "2026-11-21T00:00:00Z", &ACCOUNTS);
        let args = [
            "--config",
            config.to_str().unwrap(),
            "--endpoint-url",
            &moto.url,
        ];
        let mut run = support::PtyRun::start(&args, home.path(), (120, 30));
        run.wait_for_screen("9 sources ok");
        run.send("q");
        assert_eq!(run.wait_exit(), 0);
    }
    let cache = home.path().join(".cache/rampart/store.json");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The emulator is gone: nothing answers on this port any more.
    let dead = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--endpoint-url",
        &dead,
    ];
    let mut run = support::PtyRun::start(&args, home.path(), (120, 30));
    run.wait_for_screen("security pillar");
    run.send("1");
    run.wait_for_screen("finding 4 in 333333333333");
    run.send("i");
    run.wait_for_screen("the last session's data");
    run.send("q");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
}
