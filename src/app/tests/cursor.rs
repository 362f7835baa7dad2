//! Issue 21 item 6: the cursor stays where the user put it. At the top of a list, new
//! arrivals do not push the selection down; a sort change keeps the selected record in
//! view (on the same screen line); `Space` marks and ticks in place.

use super::*;
use crate::feed::Update;
use crate::model::asff;
use chrono::TimeZone;
use serde_json::json;

fn finding(i: usize, day: u32, label: &str) -> crate::model::Finding {
    asff::parse_value(&json!({
        "Id": format!("f-{i:03}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111",
        "UpdatedAt": format!("2026-11-{day:02}T00:00:00Z"),
        "Severity": {"Label": label},
        "Title": format!("port probe {i:03}"),
    }))
    .unwrap()
}

fn app_with(n: usize) -> App {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut app = App::new(Clock::Fixed(now), Settings::default(), Theme::default());
    let findings = (0..n)
        .map(|i| finding(i, 1 + (i % 20) as u32, ["LOW", "MEDIUM", "HIGH"][i % 3]))
        .collect();
    app.apply(Update::Findings(findings));
    app.update(Action::Resize(80, 24));
    app.refresh_view();
    app
}

fn selected_id(app: &App) -> String {
    let row = app.view(Pane::Findings).selected_row().unwrap();
    app.store.findings.get(row).unwrap().id.to_string()
}

#[test]
fn item6_at_the_top_new_arrivals_do_not_push_the_selection_down() {
    let mut app = app_with(50);
    assert_eq!(app.view(Pane::Findings).selected, 0);
    // A new critical sorts first: the cursor stays on the first line, on the newcomer.
    app.apply(Update::Findings(vec![finding(900, 21, "CRITICAL")]));
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).selected, 0);
    assert_eq!(app.view(Pane::Findings).offset, 0);
    assert_eq!(selected_id(&app), "f-900");

    // Away from the top, the cursor follows its record as arrivals push it down.
    app.update(Action::Down);
    app.update(Action::Down);
    let held = selected_id(&app);
    app.apply(Update::Findings(vec![finding(901, 21, "CRITICAL")]));
    app.refresh_view();
    assert_eq!(selected_id(&app), held);
    assert_eq!(app.view(Pane::Findings).selected, 3);
}

#[test]
fn item6_at_the_top_a_removal_keeps_the_top() {
    let mut app = app_with(20);
    let first = selected_id(&app);
    let second = {
        let row = app.view(Pane::Findings).rows[1];
        app.store.findings.get(row).unwrap().id.to_string()
    };
    let gone = app
        .store
        .findings
        .items()
        .iter()
        .find(|f| *f.id == first)
        .map(crate::store::row_hash)
        .unwrap();
    app.apply(Update::Gone(crate::feed::Gone::Findings(vec![gone])));
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).selected, 0);
    assert_eq!(selected_id(&app), second);
}

#[test]
fn item6_a_sort_change_keeps_the_selected_record_on_its_screen_line() {
    let mut app = app_with(200);
    for _ in 0..8 {
        app.update(Action::Down);
    }
    app.refresh_view();
    let held = selected_id(&app);
    let page = crate::ui::layout::table_rows((80, 24), false);
    for _ in 0..Pane::Findings.sort_names().len() {
        let line = app.view(Pane::Findings).selected - app.view(Pane::Findings).offset;
        app.update(Action::SortNext);
        app.refresh_view();
        let v = app.view(Pane::Findings);
        assert_eq!(selected_id(&app), held, "the record stays selected");
        assert!(
            v.selected >= v.offset && v.selected < v.offset + page,
            "in view"
        );
        if v.selected >= line && v.selected + (page - line) <= v.rows.len() {
            assert_eq!(v.selected - v.offset, line, "on the same screen line");
        }
        app.update(Action::SortReverse);
        app.refresh_view();
        assert_eq!(selected_id(&app), held);
        let v = app.view(Pane::Findings);
        assert!(v.selected >= v.offset && v.selected < v.offset + page);
    }
}

#[test]
fn item6_space_marks_in_place() {
    let mut app = app_with(10);
    app.update(Action::Down);
    let before = app.view(Pane::Findings).selected;
    app.update(Action::Mark);
    assert_eq!(app.view(Pane::Findings).selected, before, "no move");
    assert_eq!(app.panes.marked.len(), 1);
    app.update(Action::Mark);
    assert_eq!(app.view(Pane::Findings).selected, before);
    assert!(
        app.panes.marked.is_empty(),
        "space again unmarks the same row"
    );
}

#[test]
fn item6_space_ticks_a_checklist_step_in_place() {
    let mut app = app_with(3);
    crate::test_support::command(&mut app, "drill start root-account-use tabletop");
    assert!(
        app.drills.running.is_some(),
        "{:?}",
        app.flash.as_ref().map(|f| &f.text)
    );
    app.update(Action::Down);
    app.update(Action::Mark);
    assert_eq!(app.drills.cursor, 1, "no move");
    let d = app.drills.running.as_ref().unwrap();
    assert!(d.steps[1].done.is_some());
    app.update(Action::Mark);
    assert_eq!(app.drills.cursor, 1);
    assert!(app.drills.running.as_ref().unwrap().steps[1].done.is_none());
}
