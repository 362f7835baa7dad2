//! Issue 21 items 8 and 10 in the app, on the demo: `q` backs out before it quits, `t` on
//! a user or an event opens that principal's CloudTrail, `r` fills a runbook's commands
//! with the finding's own values.

use super::*;
use crate::feed::Command;

fn demo() -> App {
    crate::run::fixture::demo_app(42, None, Theme::default(), (120, 40))
}

#[test]
fn item10_q_in_a_detail_goes_back_and_quits_only_from_the_top() {
    let mut app = demo();
    app.update(Action::Open);
    assert!(app.overlays.detail.is_some());
    app.update(Action::Leave);
    assert!(app.overlays.detail.is_none(), "q closed the detail");
    assert!(!app.should_quit);
    app.update(Action::ToggleHelp);
    app.update(Action::Leave);
    assert!(!app.overlays.help && !app.should_quit);
    app.update(Action::Runbook);
    assert!(app.overlays.runbook.is_some());
    app.update(Action::Leave);
    assert!(app.overlays.runbook.is_none() && !app.should_quit);
    app.update(Action::Leave);
    assert!(app.should_quit, "q at the top level quits");

    // Ctrl-C (Quit) and `:q` quit from inside a view.
    let mut app = demo();
    app.update(Action::Open);
    app.update(Action::Quit);
    assert!(app.should_quit);
    let mut app = demo();
    app.update(Action::Open);
    crate::test_support::command(&mut app, "q");
    assert!(app.should_quit);
}

#[test]
fn item10_t_on_a_user_opens_their_cloudtrail() {
    let mut app = demo();
    app.update(Action::ShowTab(Pane::Credentials));
    app.refresh_view();
    let row = app.view(Pane::Credentials).selected_row().unwrap();
    let user = app.store.credentials.get(row).unwrap().clone();
    app.outbox.commands.clear();
    app.update(Action::Timeline);
    let tl = app.overlays.timeline.as_ref().expect("a timeline");
    let expect = if user.is_root {
        "root"
    } else {
        user.user.as_str()
    };
    assert_eq!(
        tl.lookup.names,
        vec![(
            crate::model::lookup::Attribute::Username,
            expect.to_string()
        )]
    );
    assert_eq!(tl.lookup.account_id, user.account_id);
    assert_eq!(tl.anchor, "last used");
    assert!(matches!(
        app.outbox.commands.last(),
        Some(Command::Lookup(_))
    ));
}

#[test]
fn item10_t_on_an_event_opens_its_callers_cloudtrail_with_the_key() {
    let mut app = demo();
    app.update(Action::ShowTab(Pane::Drills));
    app.refresh_view();
    // The first event made with an access key.
    let rows = app.view(Pane::Drills).rows.clone();
    let at = rows
        .iter()
        .position(|&r| app.store.events.get(r).unwrap().access_key_id.is_some())
        .unwrap();
    for _ in 0..at {
        app.update(Action::Down);
    }
    let e = app.store.events.get(rows[at]).unwrap().clone();
    app.update(Action::Timeline);
    let tl = app.overlays.timeline.as_ref().expect("a timeline");
    let key = e.access_key_id.clone().unwrap().to_string();
    assert!(tl
        .lookup
        .names
        .contains(&(crate::model::lookup::Attribute::AccessKeyId, key)));
    assert_eq!(tl.lookup.region, &*e.region);
    assert!(tl.title.starts_with(e.username.as_str()), "{}", tl.title);
}

#[test]
fn item8_r_fills_the_commands_with_the_findings_own_values() {
    let mut app = demo();
    app.view_mut(Pane::Findings)
        .set_filter("InstanceCredentialExfiltration");
    app.refresh_view();
    let row = app
        .view(Pane::Findings)
        .selected_row()
        .expect("a demo exfiltration finding");
    let f = app.store.findings.get(row).unwrap().clone();
    let key = f.resources[0].id.to_string();
    assert!(key.starts_with("ASIA"));
    app.update(Action::Runbook);
    let view = app.overlays.runbook.as_ref().expect("a runbook");
    assert_eq!(view.id, "instance-credentials-exfiltrated");
    let book = app.book(&view.id).unwrap().into_owned();
    let filled: Vec<String> = book
        .commands()
        .iter()
        .map(|c| crate::drill::fill::fill(c, &view.values))
        .collect();
    let detector = f.id.split('/').nth(1).unwrap();
    assert_eq!(
        filled[0],
        format!(
            "aws guardduty get-findings --detector-id {detector} --finding-ids {}",
            f.id.rsplit('/').next().unwrap()
        )
    );
    assert!(
        filled[1].ends_with(&format!("AttributeValue={key}")),
        "{}",
        filled[1]
    );
    assert!(
        filled[5].contains("--role-name ") && !filled[5].contains("ROLE"),
        "{}",
        filled[5]
    );
    // No instance in the finding: that placeholder stays for the responder to fill.
    assert!(filled[2].contains("INSTANCE_ID"));
    // What `y` copies is the filled command.
    app.update(Action::Down);
    app.update(Action::Copy { link: false });
    let Some(Request::Copy(copied)) = app.outbox.requests.last().cloned() else {
        panic!("a copy");
    };
    assert_eq!(copied, filled[0]);
}
