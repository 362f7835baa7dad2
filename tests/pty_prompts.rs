//! Issue 21 in the real binary, keys through a pseudo-terminal: a typo in the filter is
//! named with the nearest field and refused by Enter, the line edits like a shell, and
//! the history comes back in the next session from a private file.

mod support;

use support::PtyRun;

const NOW: &str = "2026-11-22T12:00:00Z";

#[test]
fn issue21_item4_and_item5_filter_typos_shell_keys_and_history_across_sessions() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 30));
    run.wait_for_screen("demo ok");
    run.send("2");
    run.wait_for_screen("MFA");
    // A typo of a field: named, the rows untouched, Enter refused.
    run.send("/rsik:no-mfa");
    run.wait_for_screen("did you mean `risk`?");
    run.send("\r");
    run.wait_for_screen("not applied");
    // Ctrl-A, then Delete three times and `ris` in their place: the line is fixed at its start.
    run.send("\u{1}");
    run.wait_for_screen("/▏rsik");
    run.send("\u{1b}[3~\u{1b}[3~\u{1b}[3~ris");
    run.wait_for_screen("/ris▏k:no-mfa  40 of");
    run.send("\r");
    run.wait_for_screen("40 of");
    // Ctrl-W removes the word before the cursor, Ctrl-U the rest; Esc restores.
    run.send("/ user:x");
    run.send("\u{17}");
    run.wait_for_screen("/risk:no-mfa ▏");
    run.send("\u{15}");
    run.send("\u{1b}");
    run.wait_for_screen("/risk:no-mfa");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);

    let file = home.path().join(".local/state/rampart/history");
    let text = std::fs::read_to_string(&file).expect("history written");
    assert!(text.contains("/\trisk:no-mfa"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "history is private");

    // The next session: Up in an empty filter brings the last one back.
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 30));
    run.wait_for_screen("demo ok");
    run.send("2");
    run.wait_for_screen("MFA");
    run.send("/");
    run.send("\u{1b}[A");
    run.wait_for_screen("/risk:no-mfa▏");
    run.send("\r");
    run.wait_for_screen("40 of");
    // `:theme ` and Tab: the choices in the prompt line.
    run.send(":theme \t");
    run.wait_for_screen("dark");
    run.send("\u{1b}");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
}
