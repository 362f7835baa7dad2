//! The network as the AWS CLI sees it. A custom CA bundle (`AWS_CA_BUNDLE`): against a
//! local HTTPS endpoint (127.0.0.1, `support/tls_endpoint.py`) whose certificate no system
//! store trusts, an export reaches it with the bundle and fails by name without it; a
//! bundle that holds no certificate is refused at start, naming the file. A proxy
//! (`HTTP_PROXY`, `support/http_proxy.py` on 127.0.0.1): every request goes through it.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_rampart");

struct Endpoint {
    child: Child,
    url: String,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(args: &[&str], dir: &Path) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(status.success(), "openssl {args:?}");
}

/// A private CA (`ca.pem`, the bundle), a server certificate for 127.0.0.1 signed by it,
/// and the endpoint serving with that certificate.
fn start(dir: &Path) -> Endpoint {
    let ca = [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    ];
    openssl(
        &[
            &ca[..],
            &[
                "-subj",
                "/CN=rampart test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
        ]
        .concat(),
        dir,
    );
    openssl(
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "leaf.csr",
        ],
        dir,
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "cert.pem",
        ],
        dir,
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/tls_endpoint.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(dir.join("cert.pem"))
        .arg(dir.join("key.pem"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = format!("https://127.0.0.1:{}", line.trim());
    Endpoint { child, url }
}

fn export(home: &Path, url: &str, bundle: Option<&Path>) -> (Option<i32>, String, String) {
    export_with(
        home,
        url,
        bundle.map(|b| ("AWS_CA_BUNDLE", b.display().to_string())),
    )
}

fn export_with(
    home: &Path,
    url: &str,
    extra: Option<(&str, String)>,
) -> (Option<i32>, String, String) {
    let config = home.join("rampart.toml");
    std::fs::write(
        &config,
        "[access_analyzer]\nenabled = false\n[aws_config]\nenabled = false\n[cloudtrail]\nenabled = false\n",
    )
    .unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["export", "--region", "us-east-1"]);
    // An empty URL: the endpoint comes from the environment, if at all.
    if !url.is_empty() {
        cmd.args(["--endpoint-url", url]);
    }
    cmd.arg("--config")
        .arg(&config)
        .env_clear()
        .envs(support::isolated_env(home))
        .env("AWS_ACCESS_KEY_ID", "AKIATLSTESTTLSTEST00")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "testtesttesttesttesttesttesttesttesttest",
        );
    if let Some((k, v)) = extra {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_custom_ca_bundle_is_trusted_and_without_it_the_endpoint_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = start(dir.path());
    let ca = dir.path().join("ca.pem");

    let (_, stdout, stderr) = export(dir.path(), &endpoint.url, Some(&ca));
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let titles: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["reached through a custom CA"], "{stderr}");
    let hub = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "securityhub")
        .unwrap();
    assert_eq!(hub["status"], "ok", "{hub}");

    let (code, _, stderr) = export(dir.path(), &endpoint.url, None);
    assert_eq!(code, Some(2), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("sts"))
        .unwrap_or_else(|| panic!("the identity check fails by name: {stderr}"));
    assert!(
        line.to_lowercase().contains("certificate") || line.contains("UnknownIssuer"),
        "{line}"
    );
}

#[test]
fn a_bundle_without_certificates_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("corp-ca.pem");
    std::fs::write(&bundle, "this is not a certificate\n").unwrap();
    let (code, stdout, stderr) = export(dir.path(), "https://127.0.0.1:9", Some(&bundle));
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(
        stderr.trim(),
        format!(
            "rampart: AWS_CA_BUNDLE {}: expected PEM certificates (-----BEGIN CERTIFICATE-----), found none",
            bundle.display()
        )
    );
}

#[test]
fn requests_go_through_the_proxy_the_environment_names() {
    let dir = tempfile::tempdir().unwrap();
    let hub = support::fake_hub::FakeHub::start(
        support::fake_hub::findings(150, "111111111111"),
        support::fake_hub::Behaviour::default(),
    );
    let log = dir.path().join("proxy.log");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/http_proxy.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let proxy = Endpoint {
        child,
        url: format!("http://127.0.0.1:{}", line.trim()),
    };
    let (code, stdout, stderr) = export_with(
        dir.path(),
        &hub.url,
        Some(("HTTP_PROXY", proxy.url.clone())),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 150);
    let relayed = std::fs::read_to_string(&log).unwrap_or_default();
    let to_hub = relayed
        .lines()
        .filter(|l| *l == format!("POST {}/findings", hub.url))
        .count();
    assert_eq!(to_hub, 2, "both pages through the proxy: {relayed}");
    assert_eq!(
        hub.stats.served.load(std::sync::atomic::Ordering::SeqCst),
        2
    );
}

#[test]
fn the_endpoint_can_come_from_aws_endpoint_url() {
    let dir = tempfile::tempdir().unwrap();
    let hub = support::fake_hub::FakeHub::start(
        support::fake_hub::findings(3, "111111111111"),
        support::fake_hub::Behaviour::default(),
    );
    let (code, stdout, stderr) =
        export_with(dir.path(), "", Some(("AWS_ENDPOINT_URL", hub.url.clone())));
    assert_eq!(code, Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 3);
}

/// Credentials are never logged, printed or written: an export and a live console run with
/// keys and a session token in the environment, trace logging on, and one service denied
/// (so errors are logged); then every file under the home directory, and every byte
/// printed, is searched for them.
#[test]
fn credentials_reach_no_file_and_no_output() {
    const SECRET: &str = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY42";
    const TOKEN: &str = "FwoGZXIvYXdzSESSIONTOKENrampartTest0123456789";
    const KEY_ID: &str = "AKIASECRETTESTKEY042";
    let dir = tempfile::tempdir().unwrap();
    let hub = support::fake_hub::FakeHub::with_services(
        support::fake_hub::findings(20, "111111111111"),
        support::fake_hub::Services::default(),
        support::fake_hub::Behaviour {
            // Denied on every service API (STS still answers): errors get logged.
            deny_key: Some(KEY_ID.into()),
            ..support::fake_hub::Behaviour::default()
        },
    );
    let config = dir.path().join("rampart.toml");
    std::fs::write(&config, "regions = [\"us-east-1\"]\n").unwrap();
    let creds = [
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
        // Everything the SDK and rampart can say.
        ("RAMPART_LOG", "trace"),
    ];
    let out = Command::new(BIN)
        .args([
            "export",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &hub.url,
        ])
        .arg("--config")
        .arg(&config)
        .env_clear()
        .envs(support::isolated_env(dir.path()))
        .envs(creds)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "denied sources fail the export");
    let mut printed = out.stdout;
    printed.extend_from_slice(&out.stderr);

    let mut run = support::PtyRun::start_with_env(
        &[
            "--region",
            "us-east-1",
            "--endpoint-url",
            &hub.url,
            "--config",
            config.to_str().unwrap(),
        ],
        dir.path(),
        (120, 30),
        &creds,
    );
    run.wait_for_screen("security pillar");
    run.send("i");
    run.wait_for_screen("access denied");
    run.send("q");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
    printed.extend_from_slice(run.screen().as_bytes());

    let mut files = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("rampart.log"))
            && names.iter().any(|n| n.ends_with("store.json")),
        "the log and the cache were written: {names:?}"
    );
    for secret in [SECRET, TOKEN, KEY_ID] {
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let leaks: Vec<String> = text
                .lines()
                .filter(|l| l.contains(secret))
                .map(|l| l.replace(secret, "<CREDENTIAL>"))
                .take(2)
                .collect();
            assert!(
                leaks.is_empty(),
                "{} holds a credential: {leaks:?}",
                f.display()
            );
        }
        assert!(
            !String::from_utf8_lossy(&printed).contains(secret),
            "printed a credential"
        );
    }
}
