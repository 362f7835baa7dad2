//! `r` opens the runbook of what is selected; `j`/`k` pick a command, `y` copies it.

use super::super::*;
use crate::feed::Update;
use crate::model::asff;
use chrono::TimeZone;
use serde_json::json;

fn app() -> App {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut app = App::new(Clock::Fixed(now), Settings::default(), Theme::default());
    let f = asff::parse_value(&json!({
        "Id": "f-1", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "GeneratorId": "arn:aws:guardduty:us-east-1:111111111111:detector/x",
        "AwsAccountId": "111111111111", "UpdatedAt": "2026-11-22T11:00:00Z",
        "Severity": {"Label": "HIGH"}, "Title": "EC2 instance is querying a Bitcoin domain",
        "Types": ["TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS"],
    }))
    .unwrap();
    app.apply(Update::Findings(vec![f]));
    let stop = crate::model::cloudtrail::parse_record(&json!({
        "eventID": "e1", "eventTime": "2026-11-22T10:00:00Z", "eventSource": "cloudtrail.amazonaws.com",
        "eventName": "StopLogging", "awsRegion": "us-east-1", "recipientAccountId": "111111111111",
        "userIdentity": {"type": "IAMUser", "userName": "mallory"},
    }))
    .unwrap();
    let quiet = crate::model::cloudtrail::parse_record(&json!({
        "eventID": "e2", "eventTime": "2026-11-22T09:00:00Z", "eventSource": "ec2.amazonaws.com",
        "eventName": "DescribeInstances", "awsRegion": "us-east-1", "recipientAccountId": "111111111111",
        "userIdentity": {"type": "IAMUser", "userName": "alice"},
    }))
    .unwrap();
    let mut events = vec![stop, quiet];
    crate::drill::detect::Detector::default().run(&mut events);
    app.apply(Update::Events(events));
    app.update(Action::Resize(100, 30));
    app.refresh_view();
    app
}

#[test]
fn r_on_a_finding_opens_its_runbook_and_y_copies_the_selected_command() {
    let mut app = app();
    app.update(Action::Runbook);
    let view = app.overlays.runbook.as_ref().expect("a runbook");
    assert_eq!(view.id, "crypto-mining-instance");
    assert!(view.opened_for.contains("Bitcoin"));
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Copy { link: false });
    let rb = app.runbooks.get("crypto-mining-instance").unwrap();
    assert_eq!(
        app.outbox.requests,
        [Request::Copy(rb.commands()[1].to_string())],
        "the second command, as written"
    );
    app.update(Action::Back);
    assert!(app.overlays.runbook.is_none());
}

#[test]
fn r_on_an_event_opens_the_runbook_of_its_detection() {
    let mut app = app();
    app.update(Action::ShowTab(Pane::Drills));
    app.refresh_view();
    // Newest first: StopLogging at 10:00, then DescribeInstances.
    app.update(Action::Runbook);
    assert_eq!(
        app.overlays.runbook.as_ref().map(|v| v.id.as_str()),
        Some("cloudtrail-logging-stopped")
    );
    app.update(Action::Back);
    app.update(Action::Down);
    app.update(Action::Runbook);
    assert!(app.overlays.runbook.is_none());
    assert!(app
        .flash
        .as_ref()
        .unwrap()
        .text
        .contains("no detection fired"));
}

#[test]
fn r_on_a_credential_row_follows_its_risk_flags() {
    let mut app = app();
    let mut u = crate::test_support::user("bob", false, false, true, None);
    u.account_id = "111111111111".into();
    app.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: crate::test_support::now(),
        records: vec![u],
    });
    app.update(Action::ShowTab(Pane::Credentials));
    app.refresh_view();
    app.update(Action::Runbook);
    assert_eq!(
        app.overlays.runbook.as_ref().map(|v| v.id.as_str()),
        Some("console-login-without-mfa")
    );
}
