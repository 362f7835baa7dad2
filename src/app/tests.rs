use super::*;
use crate::model::asff;
use chrono::TimeZone;
use serde_json::json;

fn app_with(n: usize) -> App {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut app = App::new(Clock::Fixed(now), Settings::default(), Theme::default());
    let findings = (0..n)
        .map(|i| {
            let label = ["LOW", "MEDIUM", "HIGH", "CRITICAL"][i % 4];
            asff::parse_value(&json!({
                "Id": format!("f-{i:03}"),
                "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
                "AwsAccountId": "111111111111",
                "UpdatedAt": format!("2026-11-{:02}T00:00:00Z", 1 + i % 20),
                "Severity": {"Label": label},
                "Title": if i % 10 == 0 { format!("root login {i}") } else { format!("port probe {i}") },
            }))
            .unwrap()
        })
        .collect();
    app.apply(Update::Findings(findings));
    app.update(Action::Resize(80, 24));
    app.refresh_view();
    app
}

#[test]
fn tabs_by_number_and_cycle() {
    let mut app = app_with(10);
    app.update(Action::ShowTab(Tab::Exposures));
    assert_eq!(app.tab, Tab::Exposures);
    app.update(Action::NextTab);
    assert_eq!(app.tab, Tab::Activity);
    app.update(Action::NextTab);
    assert_eq!(app.tab, Tab::Findings);
    app.update(Action::PrevTab);
    assert_eq!(app.tab, Tab::Activity);
    app.update(Action::Overview);
    assert_eq!(app.tab, Tab::Activity, "0 is reserved and says so");
    assert!(app.flash.as_ref().unwrap().text.contains("overview"));
}

#[test]
fn filter_as_you_type_and_escape_restores() {
    let mut app = app_with(100);
    assert_eq!(app.findings.rows.len(), 100);
    app.update(Action::FilterStart);
    for c in "root".chars() {
        app.update(Action::FilterChar(c));
    }
    app.refresh_view();
    assert_eq!(app.findings.rows.len(), 10);
    app.update(Action::FilterAccept);
    assert!(!app.editing_filter);
    assert_eq!(app.findings.filter_text, "root");

    // Editing again and cancelling restores "root".
    app.update(Action::FilterStart);
    app.update(Action::FilterChar('x'));
    app.update(Action::FilterCancel);
    app.refresh_view();
    assert_eq!(app.findings.filter_text, "root");
    assert_eq!(app.findings.rows.len(), 10);

    // Esc outside the filter clears it.
    app.update(Action::Back);
    app.refresh_view();
    assert_eq!(app.findings.rows.len(), 100);
}

#[test]
fn paging_moves_one_screen_and_stays_in_bounds() {
    let mut app = app_with(100);
    let page = crate::ui::layout::table_rows((80, 24), false);
    app.update(Action::PageDown);
    assert_eq!(app.findings.selected, page);
    app.update(Action::Bottom);
    assert_eq!(app.findings.selected, 99);
    app.update(Action::Down);
    assert_eq!(app.findings.selected, 99);
    app.refresh_view();
    assert_eq!(app.findings.offset, 100 - page);
    app.update(Action::Top);
    app.update(Action::PageUp);
    assert_eq!(app.findings.selected, 0);
}

#[test]
fn sort_cycles_and_reverses() {
    let mut app = app_with(8);
    app.update(Action::SortNext);
    assert_eq!(app.findings.sort_column, 1);
    assert!(app.flash.as_ref().unwrap().text.contains("title"));
    app.update(Action::SortReverse);
    assert!(app.findings.reversed);
    for _ in 0..7 {
        app.update(Action::SortNext);
    }
    assert_eq!(app.findings.sort_column, 0, "cycles back to severity");
    assert!(!app.findings.reversed);
}

#[test]
fn detail_opens_on_the_selected_row_and_scrolls() {
    let mut app = app_with(4);
    app.update(Action::Down);
    let row = app.findings.selected_row().unwrap();
    app.update(Action::Open);
    let d = app.detail.as_ref().unwrap();
    assert_eq!(d.target, DetailTarget::Finding(row));
    assert!(d.raw_lines.iter().any(|l| l.contains("\"Id\"")));
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.detail.as_ref().unwrap().scroll, 2);
    app.update(Action::Bottom);
    app.refresh_view();
    let end = app.detail.as_ref().unwrap().scroll;
    assert!(end > 2 && end < 1000, "clamped to the content: {end}");
    app.update(Action::Up);
    assert_eq!(app.detail.as_ref().unwrap().scroll, end - 1);
    app.update(Action::Back);
    assert!(app.detail.is_none());
    assert_eq!(app.findings.selected_row(), Some(row));
}

#[test]
fn help_closes_on_any_key_without_acting() {
    let mut app = app_with(4);
    app.update(Action::ToggleHelp);
    assert!(app.help);
    app.update(Action::Back);
    assert!(!app.help);
    app.update(Action::ToggleHelp);
    app.update(Action::ToggleHelp);
    assert!(!app.help);
    app.update(Action::Quit);
    assert!(app.should_quit);
}

#[test]
fn clicking_a_tab_label_opens_it() {
    let mut app = app_with(1);
    let (start, _, tab) = crate::ui::layout::tab_ranges()[1];
    app.update(Action::ClickTabBar(start + 1));
    assert_eq!(app.tab, tab);
}
