//! Triage in the app: marks, the policy checks before anything is sent, the confirmation,
//! the pending state and what a reconcile or an unprocessed finding does to it.

use super::super::*;
use crate::feed::Command;
use crate::feed::Update;
use crate::model::asff;
use crate::model::triage::{Outcome, WritePolicy};
use crate::model::WorkflowStatus;
use crate::test_support::command;
use chrono::TimeZone;
use serde_json::json;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap()
}

fn record(i: usize, account: &str, status: &str, note: Option<&str>) -> serde_json::Value {
    let mut v = json!({
        "Id": format!("f-{i}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": account,
        "Region": "us-east-1",
        "UpdatedAt": "2026-11-21T00:00:00Z",
        "Severity": {"Label": "HIGH"},
        "Title": format!("finding {i}"),
        "Workflow": {"Status": status},
    });
    if let Some(n) = note {
        v["Note"] = json!({"Text": n, "UpdatedBy": "alice", "UpdatedAt": "2026-11-20T00:00:00Z"});
    }
    v
}

fn app(writes: bool, read_only: &[&str]) -> App {
    let settings = Settings {
        writes: WritePolicy {
            allowed: writes,
            read_only: read_only.iter().map(|s| s.to_string()).collect(),
            state_dir: None,
        },
        user: "bob".into(),
        ..Settings::default()
    };
    let mut app = App::new(Clock::Fixed(now()), settings, Theme::default());
    app.apply(Update::Accounts(vec![
        crate::model::Account::new("111111111111", "dev", "dev"),
        crate::model::Account::new("222222222222", "prod-payments", "prod"),
    ]));
    let findings = (0..5)
        .map(|i| {
            let account = if i < 3 {
                "111111111111"
            } else {
                "222222222222"
            };
            let note = (i == 1).then_some("under investigation");
            asff::parse_value(&record(i, account, "NEW", note)).unwrap()
        })
        .collect();
    app.apply(Update::Findings(findings));
    app.update(Action::Resize(100, 30));
    app.refresh_view();
    app
}

fn flash(app: &App) -> String {
    app.flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

fn status_of(app: &App, id: &str) -> WorkflowStatus {
    let f = app
        .store
        .findings
        .items()
        .iter()
        .find(|f| *f.id == *id)
        .unwrap();
    f.workflow_status
}

fn hash_of(id: &str) -> u64 {
    crate::model::key::key_hash(&format!(
        "{id}\u{1f}arn:aws:securityhub:us-east-1::product/aws/guardduty"
    ))
}

#[test]
fn with_writes_off_nothing_is_asked_or_sent() {
    let mut app = app(false, &[]);
    command(&mut app, "resolve");
    assert!(app.overlays.confirm.is_none());
    assert!(app.outbox.commands.is_empty());
    assert!(flash(&app).contains("--allow-writes"), "{}", flash(&app));
    assert!(app.store.pending_count() == 0);
}

#[test]
fn marked_findings_are_confirmed_then_sent_and_shown_pending() {
    let mut app = app(true, &[]);
    // Sorted newest critical first: all alike here, so by their order in the table.
    for _ in 0..3 {
        // Space marks in place (issue 21 item 6): the cursor is moved by hand.
        app.update(Action::Mark);
        app.update(Action::Down);
    }
    assert_eq!(app.panes.marked.len(), 3);
    command(&mut app, "resolve false positive, scanner");
    let confirm = app.overlays.confirm.as_ref().expect("a confirmation");
    assert_eq!(confirm.triage().unwrap().targets.len(), 3);
    assert_eq!(
        confirm.triage().unwrap().change.status,
        Some(WorkflowStatus::Resolved)
    );
    assert_eq!(
        confirm.triage().unwrap().change.note.as_deref(),
        Some("false positive, scanner")
    );
    assert_eq!(confirm.triage().unwrap().updated_by, "bob");
    let text = confirm.lines.join("\n");
    assert!(text.contains("workflow status RESOLVED"), "{text}");
    assert!(text.contains("on 3 findings in"), "{text}");
    assert!(app.outbox.commands.is_empty(), "nothing before y");
    app.update(Action::Copy { link: false });
    assert!(app.overlays.confirm.is_none());
    let [Command::Triage(req)] = app.outbox.commands.as_slice() else {
        panic!("one triage command, got {:?}", app.outbox.commands.len());
    };
    let ids: Vec<String> = req.targets.iter().map(|t| t.id.clone()).collect();
    for id in &ids {
        assert_eq!(
            status_of(&app, id),
            WorkflowStatus::Resolved,
            "shown at once"
        );
        assert!(app.store.pending(hash_of(id)).is_some());
    }
    assert!(app.panes.marked.is_empty());
}

#[test]
fn any_other_key_cancels_the_confirmation() {
    let mut app = app(true, &[]);
    command(&mut app, "suppress");
    assert!(app.overlays.confirm.is_some());
    app.update(Action::Open);
    assert!(app.overlays.confirm.is_none());
    assert!(app.outbox.commands.is_empty());
    assert!(flash(&app).contains("nothing sent"));
    assert_eq!(app.store.pending_count(), 0);
}

#[test]
fn read_only_accounts_are_left_out_and_named() {
    let mut app = app(true, &["prod-*"]);
    // Mark every finding: three in dev, two in prod-payments.
    for _ in 0..5 {
        // Space marks in place (issue 21 item 6): the cursor is moved by hand.
        app.update(Action::Mark);
        app.update(Action::Down);
    }
    command(&mut app, "notify");
    let confirm = app.overlays.confirm.as_ref().unwrap();
    assert_eq!(confirm.triage().unwrap().targets.len(), 3);
    assert!(confirm
        .triage()
        .unwrap()
        .targets
        .iter()
        .all(|t| t.account_id == "111111111111"));
    let text = confirm.lines.join("\n");
    assert!(
        text.contains("Skipped, read-only: prod-payments (2)"),
        "{text}"
    );
    assert!(text.contains("in 1 account: dev (3)"), "{text}");
    // Only prod marked: nothing to send, and why.
    app.overlays.confirm = None;
    app.panes.marked.clear();
    for f in app.store.findings.items() {
        if &*f.account_id == "222222222222" {
            app.panes.marked.insert(crate::store::row_hash(f));
        }
    }
    command(&mut app, "notify");
    assert!(app.overlays.confirm.is_none());
    assert!(flash(&app).contains("read-only"), "{}", flash(&app));
}

#[test]
fn the_note_it_replaces_is_named_and_long_notes_are_refused() {
    let mut app = app(true, &[]);
    let too_long = "x".repeat(513);
    command(&mut app, &format!("comment {too_long}"));
    assert!(app.overlays.confirm.is_none());
    assert!(flash(&app).contains("513 characters"), "{}", flash(&app));
    for f in app.store.findings.items() {
        app.panes.marked.insert(crate::store::row_hash(f));
    }
    command(&mut app, "comment paged the payments on-call");
    let text = app.overlays.confirm.as_ref().unwrap().lines.join("\n");
    assert!(
        text.contains(
            "Replaces the Security Hub note on 1 finding (\"under investigation\" by alice)"
        ),
        "{text}"
    );
}

#[test]
fn unprocessed_findings_go_back_and_a_poll_confirms_the_rest() {
    let mut app = app(true, &[]);
    for f in app.store.findings.items() {
        if &*f.account_id == "111111111111" {
            app.panes.marked.insert(crate::store::row_hash(f));
        }
    }
    command(&mut app, "resolve");
    app.update(Action::Copy { link: false });
    let Some(Command::Triage(req)) = app.outbox.commands.pop() else {
        panic!("a triage command");
    };
    assert_eq!(req.targets.len(), 3);
    let outcome = Outcome {
        request: req.id,
        results: vec![
            (hash_of("f-0"), Ok(())),
            (hash_of("f-1"), Ok(())),
            (
                hash_of("f-2"),
                Err("FindingNotFound: The finding was not found".into()),
            ),
        ],
        calls: 1,
    };
    app.apply(Update::Triaged(outcome));
    assert!(
        flash(&app).contains("took 2, not 1: FindingNotFound"),
        "{}",
        flash(&app)
    );
    assert_eq!(
        status_of(&app, "f-2"),
        WorkflowStatus::New,
        "back to its state"
    );
    assert_eq!(
        app.store.refused(hash_of("f-2")),
        Some("FindingNotFound: The finding was not found")
    );
    assert!(app.store.pending(hash_of("f-0")).unwrap().accepted);
    // An incremental poll that still has the old state does not undo the change...
    let stale = asff::parse_value(&record(0, "111111111111", "NEW", None)).unwrap();
    app.apply(Update::Findings(vec![stale]));
    assert_eq!(status_of(&app, "f-0"), WorkflowStatus::Resolved);
    assert!(app.store.pending(hash_of("f-0")).is_some());
    // ...and the reconcile that shows it confirms it.
    let shown = asff::parse_value(&record(0, "111111111111", "RESOLVED", None)).unwrap();
    app.apply(Update::Findings(vec![shown]));
    assert_eq!(status_of(&app, "f-0"), WorkflowStatus::Resolved);
    assert!(app.store.pending(hash_of("f-0")).is_none());
    assert!(app.store.pending(hash_of("f-1")).is_some());
}

#[test]
fn a_change_no_poll_shows_within_the_hold_is_given_up() {
    let mut app = app(true, &[]);
    command(&mut app, "resolve");
    app.update(Action::Copy { link: false });
    let id = {
        let Some(Command::Triage(req)) = app.outbox.commands.pop() else {
            panic!("a triage command");
        };
        req.targets[0].id.clone()
    };
    app.clock = Clock::Fixed(now() + chrono::Duration::minutes(61));
    let i: usize = id.trim_start_matches("f-").parse().unwrap();
    let account = if i < 3 {
        "111111111111"
    } else {
        "222222222222"
    };
    let note = (i == 1).then_some("under investigation");
    let polled = asff::parse_value(&record(i, account, "NEW", note)).unwrap();
    app.apply(Update::Findings(vec![polled]));
    assert_eq!(status_of(&app, &id), WorkflowStatus::New);
    assert!(app.store.pending(hash_of(&id)).is_none());
    assert!(app
        .store
        .refused(hash_of(&id))
        .unwrap()
        .contains("still shows NEW"));
}

#[test]
fn replay_is_read_only() {
    let mut app = app(true, &[]);
    app.settings.mode_label = "replay".into();
    command(&mut app, "resolve");
    assert!(app.overlays.confirm.is_none());
    assert!(flash(&app).contains("replay is read-only"));
}

#[test]
fn a_triage_no_source_could_take_goes_back() {
    let mut app = app(true, &[]);
    command(&mut app, "resolve");
    app.update(Action::Copy { link: false });
    let Some(cmd) = app.outbox.commands.pop() else {
        panic!("a command");
    };
    let Command::Triage(req) = &cmd else {
        panic!("a triage");
    };
    let id = req.targets[0].id.clone();
    assert_eq!(status_of(&app, &id), WorkflowStatus::Resolved);
    app.undeliverable(cmd);
    assert_eq!(status_of(&app, &id), WorkflowStatus::New);
    assert!(app.store.pending(hash_of(&id)).is_none());
    assert!(app.store.refused(hash_of(&id)).unwrap().contains("busy"));
    assert!(
        app.store.history(hash_of(&id)).is_empty(),
        "the console's own display is not history"
    );
}

#[test]
fn a_second_change_while_pending_keeps_the_first_status_to_go_back_to() {
    let mut app = app(true, &[]);
    app.update(Action::Top);
    command(&mut app, "notify");
    app.update(Action::Copy { link: false });
    command(&mut app, "resolve");
    app.update(Action::Copy { link: false });
    let Some(Command::Triage(second)) = app.outbox.commands.pop() else {
        panic!("a triage");
    };
    let id = second.targets[0].id.clone();
    let outcome = Outcome {
        request: second.id,
        results: vec![(hash_of(&id), Err("ConcurrentUpdateError: busy".into()))],
        calls: 1,
    };
    app.apply(Update::Triaged(outcome));
    assert_eq!(
        status_of(&app, &id),
        WorkflowStatus::New,
        "not NOTIFIED, never confirmed"
    );
}

/// Hardening 2: with writes allowed, the console says which known accounts are read-only
/// (whatever their letter case) and which patterns match no account, when accounts arrive.
#[test]
fn hardening_02_the_console_says_which_accounts_are_read_only() {
    let mut app = App::new(
        Clock::Fixed(crate::test_support::now()),
        Settings {
            writes: crate::model::triage::WritePolicy {
                allowed: true,
                read_only: vec!["prod-*".into(), "staging-*".into()],
                state_dir: None,
            },
            ..Settings::default()
        },
        Theme::default(),
    );
    app.apply(Update::Accounts(vec![
        crate::model::Account::new("111111111111", "Prod-Payments", "prod"),
        crate::model::Account::new("222222222222", "dev", "dev"),
    ]));
    let said = app.flash.as_ref().unwrap().text.clone();
    assert_eq!(
        said,
        "writes allowed; read-only: Prod-Payments (1 account); [writes] read_only `staging-*` matches no known account"
    );
    assert_eq!(app.writes_summary().as_deref(), Some(said.as_str()));
}
