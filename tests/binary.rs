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
    // 3,000 demo findings and Access Analyzer's unused roles and permissions.
    run.wait_for_screen(" of 3,0");
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
    let findings = doc["findings"].as_array().unwrap();
    let unused = findings
        .iter()
        .filter(|f| f["raw"]["findingType"].is_string())
        .count();
    assert!(unused > 0, "the demo has unused roles and permissions");
    // And the failed controls behind the pillar's questions (Macie, Inspector, SSM, ...).
    let pillar = findings
        .iter()
        .filter(|f| {
            f["id"]
                .as_str()
                .is_some_and(|id| id.contains("/demo-pillar-"))
        })
        .count();
    assert_eq!(pillar, 12);
    assert_eq!(findings.len(), 500 + unused + pillar);
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
    // Every cell quoted: a separator inside one never starts another (OWASP).
    assert!(text.starts_with("\"id\",\"product_arn\",\"product\",\"account_id\""));
    // 50 demo findings and the organization's unused roles and permissions.
    let unused = text
        .lines()
        .filter(|l| l.contains(",\"IAM Access Analyzer\",") && l.contains(":finding/"))
        .count();
    assert!(unused > 0);
    let pillar = text.lines().filter(|l| l.contains("/demo-pillar-")).count();
    assert_eq!(
        pillar, 12,
        "the failed controls behind the pillar's questions"
    );
    assert_eq!(text.lines().count(), 1 + 50 + unused + pillar);
}

/// An export keeps raw records in the spill file of the cache directory, as the console
/// does; when none can be made there, it says so and exports the same document from memory.
#[test]
fn an_export_spills_raw_records_and_without_a_cache_directory_says_so() {
    let home = tempfile::tempdir().unwrap();
    let export = |cache: &std::path::Path| {
        let out = std::process::Command::new(BIN)
            .args(["export", "--demo", "--seed", "7", "--demo-scale", "300"])
            .args(["--now", NOW])
            .env_clear()
            .envs(isolated_env(home.path()))
            .env("XDG_CACHE_HOME", cache)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        (
            out.stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let cache = home.path().join("cache");
    let (spilled, quiet) = export(&cache);
    assert_eq!(quiet, "", "nothing to say");
    assert!(
        cache.join("rampart/spill").is_dir(),
        "the spill file's home"
    );
    assert_eq!(
        std::fs::read_dir(cache.join("rampart/spill"))
            .unwrap()
            .count(),
        0,
        "the spill file is unlinked"
    );

    // A cache directory that is a file: no spill file can be made.
    let blocked = home.path().join("not-a-directory");
    std::fs::write(&blocked, "").unwrap();
    let (in_memory, said) = export(&blocked);
    assert!(
        said.contains("rampart: raw records kept in memory: no spill file in")
            && said.contains("not-a-directory"),
        "{said}"
    );
    assert!(spilled == in_memory, "the same document either way");
    let doc: serde_json::Value = serde_json::from_slice(&spilled).unwrap();
    assert!(doc["findings"][0]["raw"].is_object());
}

/// Writes a small evidence folder: a CloudTrail log with a StopLogging, and a broken file.
fn evidence(dir: &std::path::Path) {
    let record = |id: &str, name: &str| {
        serde_json::json!({
            "eventVersion": "1.08", "eventTime": "2026-11-22T11:00:00Z",
            "eventSource": "cloudtrail.amazonaws.com", "eventName": name,
            "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.9",
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory",
                             "accountId": "111122223333", "userName": "mallory"},
            "eventID": id, "recipientAccountId": "111122223333", "eventType": "AwsApiCall"
        })
    };
    let logs = dir.join("logs/111122223333");
    std::fs::create_dir_all(&logs).unwrap();
    let log =
        serde_json::json!({"Records": [record("e1", "StopLogging"), record("e2", "ListBuckets")]});
    std::fs::write(logs.join("trail.json"), log.to_string()).unwrap();
}

#[test]
fn replay_opens_evidence_in_the_console_and_names_a_broken_file() {
    let home = tempfile::tempdir().unwrap();
    evidence(home.path());
    std::fs::write(
        home.path().join("logs/broken.json"),
        "{\"Records\": [\n  {\"eventID\": }",
    )
    .unwrap();
    let dir = home.path().join("logs");
    let mut run = PtyRun::start(
        &["--replay", dir.to_str().unwrap(), "--now", NOW],
        home.path(),
        (120, 30),
    );
    run.send("4");
    run.wait_for_screen("StopLogging");
    run.wait_for_screen("cloudtrail-stopped");
    // The broken file is the worst source, so the status line names it and its position.
    run.wait_for_screen("broken.json failed");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
}

#[test]
fn export_of_a_replay_reports_each_file_and_exits_2_for_a_bad_one() {
    let home = tempfile::tempdir().unwrap();
    evidence(home.path());
    let export = |extra: Option<&str>| {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(["export", "--now", NOW, "--replay"])
            .arg(home.path().join("logs"));
        if let Some(p) = extra {
            cmd.args(["--replay", p]);
        }
        cmd.env_clear()
            .envs(isolated_env(home.path()))
            .output()
            .unwrap()
    };
    let ok = export(None);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(doc["events"].as_array().unwrap().len(), 2);
    let stop = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event_name"] == "StopLogging")
        .unwrap();
    assert_eq!(
        stop["detections"],
        serde_json::json!(["cloudtrail-stopped"])
    );
    assert!(doc["sources"].as_array().unwrap().iter().any(|s| s["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("trail.json"))));
    let err = String::from_utf8_lossy(&ok.stderr);
    assert!(
        err.contains("trail.json: 2 records (CloudTrail log file)"),
        "{err}"
    );

    let notes = home.path().join("notes.txt");
    std::fs::write(&notes, "not evidence").unwrap();
    let partial = export(Some(notes.to_str().unwrap()));
    assert_eq!(
        partial.status.code(),
        Some(2),
        "a file that is not recognised exits 2"
    );
    let err = String::from_utf8_lossy(&partial.stderr);
    assert!(
        err.contains("notes.txt: not a recognised evidence format"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&partial.stdout).unwrap();
    assert_eq!(
        doc["events"].as_array().unwrap().len(),
        2,
        "the good files are still exported"
    );
}

#[test]
fn a_note_and_a_snapshot_written_in_the_demo_reopen_elsewhere_with_replay() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 30));
    run.wait_for_screen("demo ok");
    // The console opens on the overview; the findings are one key away.
    run.wait_for_screen("security pillar");
    run.send("1");
    run.send("/xz-utils\r");
    run.send("n");
    run.send("isolated the host at 12:05");
    run.send("\r");
    run.wait_for_screen("note saved");
    run.send("w");
    run.wait_for_screen("snapshot written");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);

    let state = home.path().join(".local/state/rampart");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let notes = std::fs::read_to_string(state.join("notes.json")).unwrap();
    assert!(notes.contains("isolated the host at 12:05"), "{notes}");
    assert_eq!(mode(&state.join("notes.json")), 0o600);
    let snapshots: Vec<_> = std::fs::read_dir(state.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    assert_eq!(mode(&snapshots[0]), 0o600);

    // Another responder's machine: a fresh home, the snapshot file, --replay.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut again = PtyRun::start(
        &["--replay", snapshots[0].to_str().unwrap(), "--now", NOW],
        elsewhere.path(),
        (120, 30),
    );
    again.wait_for_screen("snapshot by operator");
    again.wait_for_screen("/xz-utils");
    again.send("\r");
    again.wait_for_screen("isolated the host at 12:05");
    // `q` leaves the detail first, then quits (issue 21 item 10).
    again.send("q");
    again.send("q");
    assert_eq!(again.wait_exit(), 0);
}

/// Triage in the demo with writes allowed: a finding marked, `:resolve` with a note, the
/// confirmation, `y`, the simulated Security Hub's answer, and the audit log (0600) on disk.
/// Then the CloudTrail timeline of a finding. Without `--allow-writes` nothing is asked.
#[test]
fn demo_triage_with_writes_allowed_and_the_timeline() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(
        &["--demo", "--now", NOW, "--allow-writes"],
        home.path(),
        (120, 30),
    );
    run.wait_for_screen("demo ok");
    run.send("1");
    run.send("/xz-utils acct:dev\r");
    run.send(" ");
    run.wait_for_screen("1 marked");
    run.send(":resolve patched in the 12:00 window\r");
    run.wait_for_screen("Write to Security Hub?");
    run.wait_for_screen("on 1 finding in 1 account");
    run.send("y");
    run.wait_for_screen("Security Hub took");
    // Resolved, it has left the open findings the pane shows by default: `o` shows all.
    run.send("o");
    run.wait_for_screen("all statuses");
    run.send("t");
    run.wait_for_screen("CloudTrail around");
    run.wait_for_screen("from CloudTrail");
    run.send("\u{1b}");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
    // The simulated Security Hub's writes have their own log, apart from real ones.
    assert!(!home
        .path()
        .join(".local/state/rampart/audit.jsonl")
        .exists());
    let audit = home.path().join(".local/state/rampart/audit-demo.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(text.contains("patched in the 12:00 window"), "{text}");
    assert!(text.contains("\"phase\":\"result\""), "{text}");
    let mode = std::fs::metadata(&audit).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 30));
    run.wait_for_screen("demo ok");
    run.send("1");
    run.send(":resolve\r");
    run.wait_for_screen("writes are off");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
    assert!(!home
        .path()
        .join(".local/state/rampart/audit.jsonl")
        .exists());
}

/// A detection drill in the demo: the simulated attack arrives and is seen; then the
/// process is killed (-9) mid-drill, and the next start resumes it from its journal with
/// the ticked step and the note.
#[test]
fn a_drill_in_the_demo_sees_the_attack_and_resumes_after_kill_9() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 40));
    run.wait_for_screen("demo ok");
    run.send(":drill start cloudtrail-logging-stopped\r");
    run.wait_for_screen("Drill: ");
    run.wait_for_screen("run Stratus Red Team");
    // The demo plays the attack a few seconds in.
    run.wait_for_screen("detection cloudtrail-stopped  arrived");
    run.send(" ");
    run.send("n");
    run.send("trail owner paged");
    run.send("\r");
    run.wait_for_screen("drill note journalled");
    let pid = run.child.process_id().expect("pid") as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    run.wait_exit();

    let mut again = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 40));
    again.wait_for_screen("demo ok");
    again.send("4");
    again.send("d");
    again.wait_for_screen("Drill: ");
    again.wait_for_screen("trail owner paged");
    again.wait_for_screen("[x]");
    again.wait_for_screen("✓ first log");
    again.send("q");
    assert_eq!(again.wait_exit(), 0);
}

/// Hardening 1: a bracketed paste hiding `⏎:suppress⏎y` marks, commands and confirms
/// nothing. It is literal text in a prompt, ignored elsewhere, and never answers the
/// confirmation; no write is sent and no audit line written.
#[test]
fn hardening_01_a_pasted_text_never_presses_keys_or_confirms_a_write() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(
        &["--demo", "--now", NOW, "--allow-writes"],
        home.path(),
        (120, 30),
    );
    run.wait_for_screen("demo ok");
    run.send("1");
    let hostile = "arn:aws:x\r \r:suppress evil\ry\r";
    // Outside a prompt: nothing happens but a word on the status line.
    run.send(&format!("\u{1b}[200~{hostile}\u{1b}[201~"));
    run.wait_for_screen("a paste goes into a prompt");
    // In the filter: literal text on one line, not Enter, space or `:`.
    run.send("/");
    run.send(&format!("\u{1b}[200~{hostile}\u{1b}[201~"));
    run.wait_for_screen("/arn:aws:x   :suppress evil y");
    run.send("\u{1b}");
    // A real confirmation is answered only by a typed key, never by a paste of `y`.
    run.send(" ");
    run.wait_for_screen("1 marked");
    run.send(":suppress typed\r");
    run.wait_for_screen("Write to Security Hub?");
    run.send("\u{1b}[200~y\u{1b}[201~");
    run.wait_for_screen("a paste does not answer");
    run.send("n");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
    let audit = home.path().join(".local/state/rampart/audit-demo.jsonl");
    assert!(!audit.exists(), "nothing was sent");
}

/// Hardening 4: file names, CSV cells and error text from the evidence go through the
/// sanitizer on stdout and stderr: a file named with an OSC 52 sequence, or a finding
/// title carrying one, never sets the clipboard of the terminal running the export.
#[test]
fn hardening_04_export_prints_nothing_raw_from_the_evidence() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("evidence");
    std::fs::create_dir(&dir).unwrap();
    let osc52 = "\u{1b}]52;c;cHduZWQ=\u{7}";
    std::fs::write(dir.join(format!("broken{osc52}.json")), "{ not json").unwrap();
    let finding = serde_json::json!([{
        "SchemaVersion": "2018-10-08", "Id": format!("id{osc52}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": "g", "AwsAccountId": "111122223333", "Types": ["t"],
        "CreatedAt": "2026-11-01T00:00:00Z", "UpdatedAt": "2026-11-20T00:00:00Z",
        "Severity": {"Label": "HIGH"}, "Title": format!("=cmd|' /C calc'!A0 {osc52}\u{9b}31m"),
        "Region": "us-east-1", "Resources": [{"Type": "Other", "Id": "r"}],
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE"
    }]);
    std::fs::write(dir.join("finding.json"), finding.to_string()).unwrap();
    for format in ["csv", "json"] {
        let out = std::process::Command::new(BIN)
            .args(["export", "--now", NOW, "--format", format, "--replay"])
            .arg(&dir)
            .env_clear()
            .envs(isolated_env(home.path()))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "a broken file exits 2");
        for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            // Line ends are the only control characters printed.
            let raw: Vec<char> = text
                .chars()
                .filter(|&c| c != '\n' && rampart::util::sanitize::is_unsafe(c))
                .collect();
            assert!(raw.is_empty(), "{format} {name} carries {raw:?}: {text:?}");
        }
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("broken^[]52;c;cHduZWQ=^G.json"), "{err}");
        if format == "csv" {
            let csv = String::from_utf8_lossy(&out.stdout);
            assert!(
                csv.contains("\"'=cmd|' /C calc'!A0 ^[]52;c;cHduZWQ=^G<U+009B>31m\""),
                "{csv}"
            );
        }
    }
}
