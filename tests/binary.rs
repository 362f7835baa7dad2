//! The real binary, driven in a pseudo-terminal: start, keys, quit, terminal restored;
//! and the no-configuration path, which must explain and exit 2 without a network.

mod support;

use support::{isolated_env, left_alternate_screen, PtyRun, BIN};

const NOW: &str = "2026-11-22T12:00:00Z";

#[test]
fn demo_session_switches_panes_filters_opens_a_detail_and_quits() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (100, 30));
    run.wait_for_screen("demo ok");
    // Each pane's own column header shows that the pane, not just the tab bar, switched.
    for (key, header) in [
        ("2", "MFA"),
        ("3", "Access"),
        ("4", "Detections"),
        ("1", "Title"),
    ] {
        run.send(key);
        run.wait_for_screen(header);
    }
    run.send("/guardduty");
    run.wait_for_screen("of 3,000 rows");
    run.send("\r");
    run.send("\r");
    run.wait_for_screen("Product ARN");
    // The raw record sits below the fields; page down until it shows.
    let mut pages = 0;
    while !run.shows_within("Raw record", std::time::Duration::from_millis(500)) {
        pages += 1;
        assert!(
            pages < 10,
            "no raw record after {pages} pages:\n{}",
            run.screen()
        );
        run.send("\u{1b}[6~");
    }
    run.send("\u{1b}");
    run.send("q");
    let code = run.wait_exit();
    assert_eq!(code, 0, "exit status");
    assert!(left_alternate_screen(&run.output()), "terminal restored");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in [libc::SIGTERM, libc::SIGHUP] {
        let home = tempfile::tempdir().unwrap();
        let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (80, 24));
        run.wait_for("demo ok", 0);
        let pid = run.child.process_id().expect("pid") as i32;
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
        let code = run.wait_exit();
        assert_eq!(code, 128 + sig as u32, "exit status after signal {sig}");
        assert!(
            left_alternate_screen(&run.output()),
            "terminal restored after signal {sig}"
        );
    }
}

#[test]
fn a_panic_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start_with_env(
        &["--demo", "--now", NOW],
        home.path(),
        (80, 24),
        &[("RAMPART_TEST_PANIC_ON_KEY", "1")],
    );
    run.wait_for("demo ok", 0);
    run.send("j");
    let code = run.wait_exit();
    assert_eq!(code, 101, "a panic exits with Rust's panic status");
    assert!(
        left_alternate_screen(&run.output()),
        "terminal restored after a panic"
    );
    assert!(
        run.text().contains("RAMPART_TEST_PANIC_ON_KEY is set"),
        "the panic message is visible after restore"
    );
}

#[test]
fn resizing_to_80x24_redraws_without_crashing() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (250, 70));
    run.wait_for_screen("demo ok");
    run.resize(80, 24);
    run.send("2");
    // A key in the same instant as a resize must not be lost.
    run.wait_for_screen("MFA");
    // The status line moved to the new last row: the frame was laid out for 80x24.
    let screen = run.screen();
    let rows: Vec<&str> = screen.lines().collect();
    assert_eq!(rows.len(), 24, "screen:\n{screen}");
    assert!(rows[23].contains("demo ok"), "last row:\n{screen}");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
}

#[test]
fn no_config_and_no_credentials_explains_and_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .env_clear()
        .envs(isolated_env(home.path()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rampart --demo"), "{err}");
    assert!(err.contains("[[accounts]]"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn a_broken_config_file_is_named_with_line_and_column() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("bad.toml");
    std::fs::write(&cfg, "[display]\nthme = \"dark\"\n").unwrap();
    let out = std::process::Command::new(BIN)
        .args(["--demo", "--config"])
        .arg(&cfg)
        .env_clear()
        .envs(isolated_env(home.path()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:2:"), "{err}");
    assert!(err.contains("theme"), "suggests the nearest key: {err}");
}

#[test]
fn an_unknown_theme_lists_the_available_ones() {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["--demo", "--theme", "neon"])
        .env_clear()
        .envs(isolated_env(home.path()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("monochrome"), "{err}");
}

#[test]
fn export_of_the_demo_is_deterministic_private_and_follows_the_contract() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let path = home.path().join(name);
        let out = std::process::Command::new(BIN)
            .args([
                "export",
                "--demo",
                "--seed",
                "7",
                "--demo-scale",
                "500",
                "--now",
                NOW,
                "--output",
            ])
            .arg(&path)
            .env_clear()
            .envs(isolated_env(home.path()))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::read(&path).unwrap()
    };
    let (a, b) = (run("a.json"), run("b.json"));
    assert_eq!(a, b, "same seed and --now give the same export");
    let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["generated_at"], "2026-11-22T12:00:00Z");
    assert_eq!(doc["findings"].as_array().unwrap().len(), 500);
    for key in [
        "credentials",
        "exposures",
        "compliance",
        "events",
        "sources",
    ] {
        assert!(doc[key].is_array(), "{key}");
    }
    let f = &doc["findings"][0];
    for key in [
        "id",
        "product_arn",
        "severity",
        "workflow_status",
        "updated_at",
        "raw",
    ] {
        assert!(!f[key].is_null(), "findings[0].{key}");
    }
    assert_eq!(doc["sources"][0]["status"], "ok");

    let csv = std::process::Command::new(BIN)
        .args([
            "export",
            "--demo",
            "--demo-scale",
            "50",
            "--now",
            NOW,
            "--format",
            "csv",
        ])
        .env_clear()
        .envs(isolated_env(home.path()))
        .output()
        .unwrap();
    assert_eq!(csv.status.code(), Some(0));
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.starts_with("id,product_arn,product,account_id"));
    assert_eq!(text.lines().count(), 51);
}
