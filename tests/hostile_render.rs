//! External text is hostile: a store full of escape sequences, controls and bidi
//! overrides must reach the terminal only as visible, inert characters.

use rampart::app::{Action, App, Pane, Settings};
use rampart::feed::Update;
use rampart::model::{asff, Clock};
use rampart::theme::Theme;
use rampart::ui;
use rampart::util::sanitize::is_unsafe;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

const NASTY: &str =
    "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}P+q\u{1b}\\\u{9b}1m\u{202e}evil\u{200b}\r\n\ttab\u{7f}";

#[test]
fn no_raw_control_character_reaches_the_backend() {
    let now = rampart::run::fixture::fixed_now();
    let mut app = App::new(Clock::Fixed(now), Settings::default(), Theme::default());
    app.apply(Update::Accounts(vec![rampart::model::Account::new(
        "111111111111",
        NASTY,
        NASTY,
    )]));
    let finding = asff::parse_value(&json!({
        "Id": NASTY, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111", "UpdatedAt": "2026-11-20T00:00:00Z",
        "Severity": {"Label": "CRITICAL"}, "Title": NASTY, "Description": NASTY,
        "Types": [NASTY], "Region": NASTY,
        "Resources": [{"Type": NASTY, "Id": NASTY, "Tags": {NASTY: NASTY}}],
        "Remediation": {"Recommendation": {"Text": NASTY, "Url": NASTY}}
    }))
    .unwrap();
    app.apply(Update::Findings(vec![finding]));
    app.update(Action::Resize(120, 40));

    let mut screens = Vec::new();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for step in [None, Some(Action::Open), Some(Action::Bottom)] {
        if let Some(a) = step {
            app.update(a);
        }
        app.refresh_view();
        terminal.draw(|f| ui::render(f, &app)).unwrap();
        screens.push(terminal.backend().buffer().clone());
    }
    app.update(Action::Back);
    app.update(Action::ShowTab(Pane::Findings));
    for buf in &screens {
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(is_unsafe),
                "unsafe character reached the backend: {:?}",
                cell.symbol()
            );
        }
    }
    let text: String = screens[0].content().iter().map(|c| c.symbol()).collect();
    assert!(
        text.contains("^[]0;owned^G"),
        "escapes are shown, not hidden"
    );
}
