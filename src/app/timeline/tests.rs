//! The timeline in the app: `t` asks the sources, the answer fills it from the store,
//! Enter expands an event, Esc goes back.

use super::super::*;
use crate::feed::Command;
use crate::feed::Update;
use crate::model::lookup::Looked;
use chrono::TimeZone;
use serde_json::json;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap()
}

fn app(resources: serde_json::Value) -> App {
    let mut app = App::new(Clock::Fixed(now()), Settings::default(), Theme::default());
    let f = crate::model::asff::parse_value(&json!({
        "Id": "f-1",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111",
        "Region": "eu-west-1",
        "UpdatedAt": "2026-11-22T11:00:00Z",
        "FirstObservedAt": "2026-11-22T10:00:00Z",
        "LastObservedAt": "2026-11-22T11:00:00Z",
        "Severity": {"Label": "HIGH"},
        "Title": "Bucket made public",
        "Resources": resources,
    }))
    .unwrap();
    app.apply(Update::Findings(vec![f]));
    app.update(Action::Resize(120, 30));
    app.refresh_view();
    app
}

fn event(id: &str, at: &str, bucket: &str) -> crate::model::TrailEvent {
    let v = json!({
        "eventID": id, "eventTime": at, "eventName": "PutBucketPolicy",
        "eventSource": "s3.amazonaws.com", "awsRegion": "eu-west-1",
        "recipientAccountId": "111111111111", "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "IAMUser", "userName": "mallory"},
        "requestParameters": {"bucketName": bucket},
    });
    crate::model::cloudtrail::parse_bytes(v.to_string().as_bytes()).unwrap()
}

#[test]
fn t_asks_the_sources_and_the_answer_fills_the_timeline() {
    let mut app = app(json!([{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::payroll"}]));
    app.update(Action::Open);
    app.update(Action::Timeline);
    let [Command::Lookup(lookup)] = app.outbox.commands.as_slice() else {
        panic!("one lookup");
    };
    let lookup = (**lookup).clone();
    assert_eq!(lookup.account_id, "111111111111");
    assert_eq!(lookup.region, "eu-west-1");
    assert_eq!(lookup.start, now() - chrono::Duration::hours(4));
    assert_eq!(lookup.end, now());
    let tl = app.overlays.timeline.as_ref().unwrap();
    assert_eq!(tl.state, timeline::Asking::Waiting);
    assert!(tl.rows.is_empty());
    app.apply(Update::Events(vec![
        event("e2", "2026-11-22T10:30:00Z", "payroll"),
        event("e1", "2026-11-22T09:15:00Z", "payroll"),
        event("other", "2026-11-22T10:40:00Z", "logs"),
    ]));
    app.apply(Update::Looked(Looked {
        id: lookup.id,
        event_ids: vec!["e1".into(), "e2".into()],
        error: None,
        offline: None,
    }));
    app.refresh_view();
    let tl = app.overlays.timeline.as_ref().unwrap();
    assert_eq!(tl.state, timeline::Asking::Done);
    let ids: Vec<&str> = tl
        .rows
        .iter()
        .map(|&r| app.store.events.get(r).unwrap().event_id.as_str())
        .collect();
    assert_eq!(ids, ["e1", "e2"], "oldest first, the other bucket left out");
    app.update(Action::Down);
    app.update(Action::Open);
    let tl = app.overlays.timeline.as_ref().unwrap();
    let json = tl.expanded_here().expect("expanded");
    assert!(json.iter().any(|l| l.contains("\"eventID\": \"e2\"")));
    app.update(Action::Open);
    assert!(app
        .overlays
        .timeline
        .as_ref()
        .unwrap()
        .expanded_here()
        .is_none());
    app.update(Action::Back);
    assert!(app.overlays.timeline.is_none());
    assert!(app.overlays.detail.is_some(), "back to the finding");
}

#[test]
fn a_failed_or_offline_lookup_says_so() {
    let mut app = app(json!([{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::payroll"}]));
    app.update(Action::Timeline);
    let id = app.overlays.timeline.as_ref().unwrap().lookup.id;
    app.apply(Update::Looked(Looked {
        id,
        event_ids: Vec::new(),
        error: None,
        offline: Some("replay: the events of the evidence files only".into()),
    }));
    assert!(matches!(
        app.overlays.timeline.as_ref().unwrap().state,
        timeline::Asking::Offline(_)
    ));
    app.apply(Update::Looked(Looked {
        id: id + 100,
        event_ids: Vec::new(),
        error: Some("throttled".into()),
        offline: None,
    }));
    assert!(
        matches!(
            app.overlays.timeline.as_ref().unwrap().state,
            timeline::Asking::Offline(_)
        ),
        "another lookup's answer is not this one's"
    );
    app.update(Action::Refresh);
    assert_eq!(
        app.overlays.timeline.as_ref().unwrap().state,
        timeline::Asking::Waiting
    );
    assert_eq!(app.outbox.commands.len(), 2, "r asks again");
}

#[test]
fn a_finding_with_nothing_to_look_up_asks_nothing() {
    let mut app = app(json!([{"Type": "AwsAccount", "Id": "AWS::::Account:111111111111"}]));
    app.update(Action::Timeline);
    assert!(app.outbox.commands.is_empty());
    assert!(matches!(
        app.overlays.timeline.as_ref().unwrap().state,
        timeline::Asking::Failed(_)
    ));
}

/// Events older than `events_keep` leave the store after updates, at most every five
/// minutes; an open timeline keeps the events of its window; without a limit (replay)
/// everything stays.
#[test]
fn old_events_are_retired_but_not_those_of_an_open_timeline() {
    let events = || {
        vec![
            event("recent", "2026-11-22T11:30:00Z", "payroll"),
            event("in-window", "2026-11-22T08:30:00Z", "payroll"),
            event("old", "2026-11-21T12:00:00Z", "payroll"),
        ]
    };
    let ids = |app: &App| -> Vec<String> {
        let mut ids: Vec<String> = app
            .store
            .events
            .items()
            .iter()
            .map(|e| e.event_id.to_string())
            .collect();
        ids.sort();
        ids
    };
    let mut app = app(json!([{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::payroll"}]));
    app.apply(Update::Events(events()));
    app.after_updates();
    assert_eq!(ids(&app).len(), 3, "no limit: everything stays");

    app.settings.events_keep = Some(chrono::Duration::hours(2));
    app.events_retired = None;
    app.update(Action::Open);
    app.update(Action::Timeline);
    app.after_updates();
    assert_eq!(
        ids(&app),
        ["in-window", "recent"],
        "the open timeline reaches back to 08:00"
    );
    app.update(Action::Back);
    app.overlays.timeline = None;
    app.after_updates();
    assert_eq!(ids(&app).len(), 2, "not again within five minutes");
    app.events_retired = Some(now() - chrono::Duration::minutes(5));
    app.after_updates();
    assert_eq!(ids(&app), ["recent"]);
}
