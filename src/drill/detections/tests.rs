use super::*;
use crate::model::cloudtrail::{self, parse_record};
use crate::model::CompactString;
use chrono::TimeZone;
use serde_json::json;
use serde_json::Value;

pub(super) fn detect_all(events: &mut [TrailEvent]) {
    Detector::default().run(events)
}

pub(super) fn event(name: &str, identity: Value, extra: Value) -> TrailEvent {
    let mut v = json!({
        "eventID": format!("{name}-{}", extra.to_string().len()), "eventTime": "2026-11-22T10:00:00Z",
        "eventSource": "iam.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
        "recipientAccountId": "111111111111", "sourceIPAddress": "203.0.113.9", "userIdentity": identity,
    });
    if let Value::Object(more) = extra {
        v.as_object_mut().unwrap().extend(more);
    }
    parse_record(&v).unwrap()
}

pub(super) fn user(name: &str) -> Value {
    json!({"type": "IAMUser", "userName": name, "arn": format!("arn:aws:iam::111111111111:user/{name}"), "accessKeyId": "AKIAEXAMPLE"})
}

pub(super) fn detect_one(e: TrailEvent) -> Vec<CompactString> {
    let mut v = vec![e];
    detect_all(&mut v);
    v.remove(0).detections
}

#[test]
fn per_event_rules_fire_on_successes() {
    let cases = [
        (
            event("StopLogging", user("a"), from("cloudtrail", json!({}))),
            "cloudtrail-stopped",
        ),
        (
            event("DeleteTrail", user("a"), from("cloudtrail", json!({}))),
            "cloudtrail-stopped",
        ),
        (
            event(
                "PutEventSelectors",
                user("a"),
                from(
                    "cloudtrail",
                    json!({"requestParameters": {"eventSelectors": [{"includeManagementEvents": false}]}}),
                ),
            ),
            "cloudtrail-stopped",
        ),
        (
            event(
                "DescribeInstances",
                json!({"type": "Root", "arn": "arn:aws:iam::1:root"}),
                json!({}),
            ),
            "root-activity",
        ),
        (
            event(
                "ConsoleLogin",
                user("a"),
                from(
                    "signin",
                    json!({"additionalEventData": {"MFAUsed": "No"}, "responseElements": {"ConsoleLogin": "Success"}}),
                ),
            ),
            "console-login-without-mfa",
        ),
        (
            event(
                "CreateAccessKey",
                user("a"),
                json!({"requestParameters": {"userName": "b"}}),
            ),
            "access-key-created-for-other-user",
        ),
        (
            event(
                "AttachUserPolicy",
                user("a"),
                json!({"requestParameters": {"userName": "a", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}}),
            ),
            "admin-policy-attached",
        ),
        (
            event(
                "PutRolePolicy",
                user("a"),
                json!({"requestParameters": {"policyDocument": "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}}),
            ),
            "admin-policy-attached",
        ),
        (
            event(
                "ModifySnapshotAttribute",
                user("a"),
                from(
                    "ec2",
                    json!({"requestParameters": {"createVolumePermission": {"add": {"items": [{"group": "all"}]}}}}),
                ),
            ),
            "snapshot-shared-publicly",
        ),
        (
            event(
                "ModifyDBSnapshotAttribute",
                user("a"),
                from(
                    "rds",
                    json!({"requestParameters": {"attributeName": "restore", "valuesToAdd": ["222222222222"]}}),
                ),
            ),
            "snapshot-shared-with-account",
        ),
        (
            event(
                "PutBucketPolicy",
                user("a"),
                from(
                    "s3",
                    json!({"requestParameters": {"bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}}}),
                ),
            ),
            "bucket-made-public",
        ),
        (
            event("UpdateAssumeRolePolicy", user("a"), json!({})),
            "role-trust-modified",
        ),
    ];
    for (e, rule) in cases {
        let name = e.event_name.clone();
        assert!(
            detect_one(e).iter().any(|d| d == rule),
            "{name} should fire {rule}"
        );
    }
}

#[test]
fn quiet_on_benign_variants() {
    assert!(
        detect_one(event(
            "CreateAccessKey",
            user("a"),
            json!({"requestParameters": {"userName": "a"}})
        ))
        .is_empty(),
        "own key"
    );
    assert!(
        detect_one(event("CreateAccessKey", user("a"), json!({}))).is_empty(),
        "own key, no userName"
    );
    assert!(detect_one(event(
        "AttachRolePolicy",
        user("a"),
        json!({"requestParameters": {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}})
    ))
    .is_empty());
    assert!(detect_one(event("PutBucketPolicy", user("a"), json!({"requestParameters": {"bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}]}}}))).is_empty());
    assert!(detect_one(event(
        "ConsoleLogin",
        user("a"),
        json!({"additionalEventData": {"MFAUsed": "Yes"}})
    ))
    .is_empty());
    assert!(detect_one(event(
        "DescribeInstances",
        json!({"type": "Root", "invokedBy": "config.amazonaws.com"}),
        json!({})
    ))
    .is_empty());
}

#[test]
fn a_failed_call_fires_only_failure_rules() {
    let failed = event(
        "StopLogging",
        user("mallory"),
        json!({"errorCode": "AccessDenied"}),
    );
    assert!(
        detect_one(failed).is_empty(),
        "a failed StopLogging did not stop logging"
    );
    let failed_root = event(
        "DeleteTrail",
        json!({"type": "Root"}),
        json!({"errorCode": "TrailNotFoundException"}),
    );
    assert!(detect_one(failed_root).is_empty());
}

pub(super) fn from(source: &str, mut extra: Value) -> Value {
    extra["eventSource"] = json!(format!("{source}.amazonaws.com"));
    extra
}

pub(super) fn rule(id: &str) -> Option<Rule> {
    RuleSet::builtin().get(id).cloned()
}

pub(super) fn failed_login(i: i64, ip: &str) -> TrailEvent {
    let mut e = event(
        "ConsoleLogin",
        user(&format!("u{i}")),
        json!({"errorCode": "Failed authentication", "sourceIPAddress": ip}),
    );
    e.event_id = format!("login-{ip}-{i}");
    e.event_time += Duration::seconds(i * 60);
    e
}

#[test]
fn failed_login_burst_within_ten_minutes() {
    let mut burst_events: Vec<TrailEvent> =
        (0..5).map(|i| failed_login(i, "198.51.100.77")).collect();
    detect_all(&mut burst_events);
    assert!(burst_events
        .iter()
        .all(|e| e.detections == ["console-login-failures"]));

    let mut four: Vec<TrailEvent> = (0..4).map(|i| failed_login(i, "198.51.100.78")).collect();
    detect_all(&mut four);
    assert!(four.iter().all(|e| e.detections.is_empty()));

    // Five failures spread over 40 minutes are not a burst.
    let mut spread: Vec<TrailEvent> = (0..5)
        .map(|i| failed_login(i * 10, "198.51.100.79"))
        .collect();
    detect_all(&mut spread);
    assert!(spread.iter().all(|e| e.detections.is_empty()));
}

#[test]
fn access_denied_spree() {
    let mut events: Vec<TrailEvent> = (0..10)
        .map(|i| {
            let mut e = event(
                "ListSecrets",
                user("recon"),
                json!({"errorCode": "AccessDenied"}),
            );
            e.event_id = format!("d{i}");
            e.event_time += Duration::seconds(i * 30);
            e
        })
        .collect();
    detect_all(&mut events);
    assert!(events
        .iter()
        .all(|e| e.detections == ["access-denied-spree"]));
    events.truncate(9);
    detect_all(&mut events);
    assert!(events.iter().all(|e| e.detections.is_empty()));
}

#[test]
fn the_real_attack_dataset_is_detected() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real/cloudtrail/invictus-aws_dataset"
    ));
    if !dir.exists() {
        eprintln!("skipped: {} is not present", dir.display());
        return;
    }
    let mut events = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let v: Value =
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        events.extend(
            v["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| parse_record(r).unwrap()),
        );
    }
    detect_all(&mut events);
    let fired = |name: &str, rule: &str| {
        events
            .iter()
            .filter(|e| &*e.event_name == name && e.detections.iter().any(|d| d == rule))
            .count()
    };
    assert_eq!(
        fired("DeleteTrail", "cloudtrail-stopped"),
        2,
        "the two successful DeleteTrail calls"
    );
    assert_eq!(
        fired("StopLogging", "cloudtrail-stopped"),
        0,
        "every StopLogging there failed"
    );
    assert_eq!(
        fired("CreateAccessKey", "access-key-created-for-other-user"),
        2
    );
    assert_eq!(fired("AttachUserPolicy", "admin-policy-attached"), 1);
    assert_eq!(fired("AttachRolePolicy", "admin-policy-attached"), 1);
    assert_eq!(fired("UpdateAssumeRolePolicy", "role-trust-modified"), 2);
    assert!(fired("ModifySnapshotAttribute", "snapshot-shared-with-account") >= 1);
    assert!(fired("ModifyDBSnapshotAttribute", "snapshot-shared-with-account") >= 1);
    assert!(fired("ConsoleLogin", "console-login-without-mfa") >= 1);
    let failed_flagged = events
        .iter()
        .filter(|e| e.failed())
        .flat_map(|e| &e.detections)
        .filter(|d| rule(d).unwrap().fires_on == FiresOn::Success)
        .count();
    assert_eq!(failed_flagged, 0, "no failed call fires a success rule");
}

#[test]
fn an_account_counts_as_inside_when_configured_or_seen_as_a_recipient() {
    let outsider =
        json!({"type": "AWSAccount", "principalId": "AIDAX:x", "accountId": "999988887777"});
    let assume = || {
        event(
            "AssumeRole",
            outsider.clone(),
            from(
                "sts",
                json!({"requestParameters": {"roleArn": "arn:aws:iam::111111111111:role/vendor"}}),
            ),
        )
    };
    let configured = Detector {
        inside: ["999988887777".to_string()].into(),
        ..Detector::default()
    };
    let mut v = vec![assume()];
    configured.run(&mut v);
    assert!(v[0].detections.is_empty(), "a configured account is inside");
    // The same account seen as the recipient of other evidence is inside too.
    let mut seen = event("ListUsers", user("a"), json!({}));
    seen.account_id = "999988887777".into();
    let mut v = vec![assume(), seen];
    Detector::default().run(&mut v);
    assert!(v[0].detections.is_empty());
}

#[test]
fn burst_thresholds_come_from_the_detector() {
    let failed = |i: i64| {
        let mut e = event(
            "ConsoleLogin",
            user("a"),
            from(
                "signin",
                json!({"errorMessage": "Failed authentication", "responseElements": {"ConsoleLogin": "Failure"}}),
            ),
        );
        e.event_id = format!("f{i}");
        e.error_code = Some("Failed authentication".into());
        e.event_time += Duration::minutes(i * 4);
        e
    };
    // Three failures 4 minutes apart: 8 minutes in all.
    let mut v: Vec<TrailEvent> = (0..3).map(failed).collect();
    Detector::default().run(&mut v);
    assert!(
        v.iter().all(|e| e.detections.is_empty()),
        "under the default 5"
    );
    let strict = Detector {
        failed_logins: 3,
        failed_login_window: Duration::minutes(10),
        ..Detector::default()
    };
    strict.run(&mut v);
    assert!(v
        .iter()
        .all(|e| e.detections.iter().any(|d| d == "console-login-failures")));
    let short_window = Detector {
        failed_logins: 3,
        failed_login_window: Duration::minutes(5),
        ..Detector::default()
    };
    short_window.run(&mut v);
    assert!(
        v.iter().all(|e| e.detections.is_empty()),
        "not 3 within 5 minutes"
    );
}

#[test]
fn every_rule_has_a_severity_and_an_attack_technique() {
    let set = RuleSet::builtin();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    for r in set.rules() {
        assert!(r.attack.starts_with('T'), "{}: {}", r.id, r.attack);
        assert!(r.attack.split(' ').next().unwrap()[1..]
            .chars()
            .next()
            .unwrap()
            .is_ascii_digit());
        assert!(!r.title.is_empty() && !r.description.is_empty(), "{}", r.id);
    }
    assert!(set.rules().count() >= 50);
}

/// Hardening 11: a brute-force file (every failure in one window) costs one mark per
/// event, not one per event per window.
#[test]
fn hardening_11_a_burst_marks_each_event_once() {
    let start = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .unwrap();
    let n = 20_000;
    let mut events: Vec<TrailEvent> = (0..n)
        .map(|i| {
            let mut e = cloudtrail::parse_record(&serde_json::json!({
                "eventID": format!("e{i}"), "eventTime": "2026-11-22T10:00:00Z",
                "eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
                "awsRegion": "us-east-1", "recipientAccountId": "111111111111",
                "sourceIPAddress": "203.0.113.9",
                "userIdentity": {"type": "IAMUser", "userName": "alice"},
                "errorMessage": "Failed authentication",
                "responseElements": {"ConsoleLogin": "Failure"}
            }))
            .unwrap();
            e.event_time = start + chrono::Duration::milliseconds(i as i64);
            e
        })
        .collect();
    let feed = events
        .iter()
        .enumerate()
        .map(|(i, e)| window::Feed {
            event: i,
            time: e.event_time,
            slot: 0,
            group: e.source_ip.as_deref().unwrap_or("").to_string(),
            value: None,
        })
        .collect();
    let marks = window::mark(
        &window::Kind::Events,
        chrono::Duration::minutes(10),
        &[(ConditionOperator::Gte, 5)],
        feed,
    );
    assert_eq!(marks.len(), n, "each event marked once");
    Detector::default().run(&mut events);
    assert!(events
        .iter()
        .all(|e| e.detections == ["console-login-failures"]));
}

/// An EC2 instance profile's session, read by byte searches, as it was read by splitting
/// the ARN into its fields.
#[test]
fn an_instance_session_is_an_assumed_role_named_by_an_instance_id() {
    fn by_fields(arn: &str) -> bool {
        let Some(resource) = arn.splitn(6, ':').nth(5) else {
            return false;
        };
        let mut parts = resource.split('/');
        let (Some("assumed-role"), Some(_), Some(session), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        session
            .strip_prefix("i-")
            .is_some_and(|h| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    }
    let cases = [
        (
            "arn:aws:sts::111122223333:assumed-role/app/i-0abc12345",
            true,
        ),
        (
            "arn:aws:sts::111122223333:assumed-role//i-0abc1234def",
            true,
        ),
        ("arn:aws:sts::111122223333:assumed-role/app/i-0abc", false),
        (
            "arn:aws:sts::111122223333:assumed-role/app/i-0abc12345/x",
            false,
        ),
        ("arn:aws:sts::111122223333:assumed-role/app/alice", false),
        ("arn:aws:sts::111122223333:assumed-role/i-0abc12345", false),
        ("arn:aws:iam::111122223333:user/i-0abc12345", false),
        ("arn:aws:sts::111122223333", false),
        ("arn:aws:sts::1:2:assumed-role/app/i-0abc12345", false),
        (
            "arn:aws-cn:sts::111122223333:assumed-role/a:b/i-0abc12345",
            true,
        ),
        ("", false),
    ];
    for (arn, want) in cases {
        assert_eq!(derived::instance_session(arn), want, "{arn}");
        assert_eq!(by_fields(arn), want, "{arn}");
    }
}
