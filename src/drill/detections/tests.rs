use super::*;
use crate::model::cloudtrail::{self, parse_record};
use crate::model::CompactString;
use chrono::TimeZone;
use serde_json::json;
use serde_json::Value;

fn detect_all(events: &mut [TrailEvent]) {
    Detector::default().run(events)
}

fn event(name: &str, identity: Value, extra: Value) -> TrailEvent {
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

fn user(name: &str) -> Value {
    json!({"type": "IAMUser", "userName": name, "arn": format!("arn:aws:iam::111111111111:user/{name}"), "accessKeyId": "AKIAEXAMPLE"})
}

fn detect_one(e: TrailEvent) -> Vec<CompactString> {
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

fn rule(id: &str) -> Option<Rule> {
    RuleSet::builtin().get(id).cloned()
}

fn failed_login(i: i64, ip: &str) -> TrailEvent {
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
            .filter(|e| e.event_name == name && e.detections.iter().any(|d| d == rule))
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

fn from(source: &str, mut extra: Value) -> Value {
    extra["eventSource"] = json!(format!("{source}.amazonaws.com"));
    extra
}

/// The rules of the incident-drills issue, each with a record that fires it and one
/// (as close as possible) that must not.
#[test]
fn the_newer_rules_fire_on_what_they_describe_and_not_on_near_misses() {
    let role = json!({"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/ops/alice",
        "accountId": "111111111111", "sessionContext": {"sessionIssuer": {"userName": "ops"}}});
    let cases: Vec<(&str, TrailEvent, TrailEvent)> = vec![
        (
            "login-profile-created-for-other-user",
            event(
                "CreateLoginProfile",
                user("mallory"),
                json!({"requestParameters": {"userName": "bob", "passwordResetRequired": false}}),
            ),
            event(
                "CreateLoginProfile",
                user("bob"),
                json!({"requestParameters": {"userName": "bob"}}),
            ),
        ),
        (
            "security-service-disabled",
            event(
                "DeleteDetector",
                role.clone(),
                from(
                    "guardduty",
                    json!({"requestParameters": {"detectorId": "12abc"}}),
                ),
            ),
            event(
                "GetDetector",
                role.clone(),
                from(
                    "guardduty",
                    json!({"requestParameters": {"detectorId": "12abc"}}),
                ),
            ),
        ),
        (
            "security-service-disabled",
            event(
                "UpdateDetector",
                role.clone(),
                from(
                    "guardduty",
                    json!({"requestParameters": {"detectorId": "12abc", "enable": false}}),
                ),
            ),
            event(
                "UpdateDetector",
                role.clone(),
                from(
                    "guardduty",
                    json!({"requestParameters": {"detectorId": "12abc", "enable": true}}),
                ),
            ),
        ),
        (
            "security-service-disabled",
            event(
                "DisableSecurityHub",
                role.clone(),
                from("securityhub", json!({})),
            ),
            event(
                "EnableSecurityHub",
                role.clone(),
                from("securityhub", json!({})),
            ),
        ),
        (
            "flow-logs-deleted",
            event(
                "DeleteFlowLogs",
                role.clone(),
                from(
                    "ec2",
                    json!({"requestParameters": {"DeleteFlowLogsRequest": {"FlowLogId": {"content": "fl-1", "tag": 1}}}}),
                ),
            ),
            event("CreateFlowLogs", role.clone(), from("ec2", json!({}))),
        ),
        (
            "kms-key-disabled",
            event(
                "ScheduleKeyDeletion",
                role.clone(),
                from(
                    "kms",
                    json!({"requestParameters": {"keyId": "arn:aws:kms:us-east-1:111111111111:key/1", "pendingWindowInDays": 7}}),
                ),
            ),
            event(
                "CancelKeyDeletion",
                role.clone(),
                from(
                    "kms",
                    json!({"requestParameters": {"keyId": "arn:aws:kms:us-east-1:111111111111:key/1"}}),
                ),
            ),
        ),
        (
            "kms-key-disabled",
            event(
                "DisableKey",
                role.clone(),
                from("kms", json!({"requestParameters": {"keyId": "1"}})),
            ),
            event(
                "EnableKey",
                role.clone(),
                from("kms", json!({"requestParameters": {"keyId": "1"}})),
            ),
        ),
        (
            "public-access-block-removed",
            event(
                "DeleteBucketPublicAccessBlock",
                role.clone(),
                from(
                    "s3",
                    json!({"requestParameters": {"bucketName": "payroll", "publicAccessBlock": ""}}),
                ),
            ),
            event(
                "GetBucketPublicAccessBlock",
                role.clone(),
                from(
                    "s3",
                    json!({"requestParameters": {"bucketName": "payroll"}}),
                ),
            ),
        ),
        (
            "public-access-block-removed",
            event(
                "PutBucketPublicAccessBlock",
                role.clone(),
                from(
                    "s3",
                    json!({"requestParameters": {"bucketName": "payroll",
                "PublicAccessBlockConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "RestrictPublicBuckets": false,
                "BlockPublicPolicy": true, "BlockPublicAcls": true, "IgnorePublicAcls": true}}}),
                ),
            ),
            event(
                "PutBucketPublicAccessBlock",
                role.clone(),
                from(
                    "s3",
                    json!({"requestParameters": {"bucketName": "payroll",
                "PublicAccessBlockConfiguration": {"RestrictPublicBuckets": true, "BlockPublicPolicy": true,
                "BlockPublicAcls": true, "IgnorePublicAcls": true}}}),
                ),
            ),
        ),
        (
            "security-group-open-to-world",
            event(
                "AuthorizeSecurityGroupIngress",
                role.clone(),
                from(
                    "ec2",
                    json!({"requestParameters": {"groupId": "sg-1",
                "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}}),
                ),
            ),
            event(
                "AuthorizeSecurityGroupIngress",
                role.clone(),
                from(
                    "ec2",
                    json!({"requestParameters": {"groupId": "sg-1",
                "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}}),
                ),
            ),
        ),
        (
            "security-group-open-to-world",
            event(
                "AuthorizeSecurityGroupIngress",
                role.clone(),
                from(
                    "ec2",
                    json!({"requestParameters": {"groupId": "sg-1",
                "ipPermissions": {"items": [{"ipProtocol": "-1",
                "ipv6Ranges": {"items": [{"cidrIpv6": "::/0"}]}}]}}}),
                ),
            ),
            event(
                "AuthorizeSecurityGroupIngress",
                role.clone(),
                from(
                    "ec2",
                    json!({"requestParameters": {"groupId": "sg-1",
                "ipPermissions": {"items": [{"ipProtocol": "-1", "ipv6Ranges": {"items": [{"cidrIpv6": "2001:db8::/32"}]}}]}}}),
                ),
            ),
        ),
        (
            "assume-role-from-outside",
            event(
                "AssumeRole",
                json!({"type": "AWSAccount", "principalId": "AIDAX:x", "accountId": "999988887777"}),
                from(
                    "sts",
                    json!({"requestParameters": {"roleArn": "arn:aws:iam::111111111111:role/vendor", "roleSessionName": "x"}}),
                ),
            ),
            event(
                "AssumeRole",
                role.clone(),
                from(
                    "sts",
                    json!({"requestParameters": {"roleArn": "arn:aws:iam::111111111111:role/vendor", "roleSessionName": "x"}}),
                ),
            ),
        ),
    ];
    for (id, fires, near_miss) in cases {
        assert!(
            detect_one(fires.clone()).iter().any(|d| d == id),
            "{id} should fire on {}",
            fires.event_name
        );
        assert!(
            !detect_one(near_miss.clone()).iter().any(|d| d == id),
            "{id} should not fire on {}",
            near_miss.event_name
        );
        // A failed call fires no rule about successes.
        let mut failed = fires;
        failed.error_code = Some("AccessDenied".into());
        assert!(detect_one(failed).is_empty(), "{id} on a failed call");
    }
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

fn sigmahq_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sigma/aws_cloudtrail")
}

/// SigmaHQ's 57 AWS CloudTrail rules load from a directory beside the built-in ones; the
/// ones that need a field of the raw record get it.
#[test]
fn the_sigmahq_cloudtrail_rules_load_and_fire() {
    let dir = sigmahq_dir();
    if !dir.exists() {
        eprintln!("skipped: {} is not present", dir.display());
        return;
    }
    let set = RuleSet::load(&[dir], &[]);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.rules().filter(|r| !r.builtin).count(), 57);
    assert_eq!(set.other_logsource, 0);
    let r = set.get("aws_cloudtrail_disable_logging").unwrap();
    assert_eq!(
        (r.level.as_str(), r.severity),
        ("medium", crate::model::Severity::Medium)
    );
    assert!(r.author.contains("vitaliy0x1"), "{}", r.author);
    assert!(!r.references.is_empty() && r.file.ends_with("aws_cloudtrail_disable_logging.yml"));
    let detector = Detector {
        rules: Arc::new(set),
        ..Detector::default()
    };
    let run = |e: TrailEvent| {
        let mut v = vec![e];
        detector.run(&mut v);
        v.remove(0).detections
    };
    let stop = event("StopLogging", user("a"), from("cloudtrail", json!({})));
    let fired = run(stop);
    assert!(fired.iter().any(|d| d == "cloudtrail-stopped"), "{fired:?}");
    assert!(
        fired.iter().any(|d| d == "aws_cloudtrail_disable_logging"),
        "{fired:?}"
    );
    // `requestParameters|contains: 'Suspended'` is written for a flattened record: the
    // object reads as its JSON text.
    let versioning = event(
        "PutBucketVersioning",
        user("a"),
        from(
            "s3",
            json!({"requestParameters": {"bucketName": "b", "VersioningConfiguration": {"Status": "Suspended"}}}),
        ),
    );
    assert!(run(versioning)
        .iter()
        .any(|d| d == "aws_disable_bucket_versioning"));
}

/// A team's rule directory: what does not load is named with its file and reason, the rest
/// run; a rule for another log source is counted; a team rule replaces a built-in one of
/// its id.
#[test]
fn a_rule_directory_names_what_does_not_load() {
    let dir = std::env::temp_dir().join(format!("rampart-rules-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let head = "logsource: {product: aws, service: cloudtrail}\n";
    let files = [
        ("good.yml", format!("title: Good\n{head}detection:\n  s: {{eventName: CreateUser}}\n  condition: s\nlevel: low\n")),
        ("nested/also.yaml", format!("title: Also\n{head}detection:\n  s: {{eventName: DeleteUser}}\n  condition: s\n")),
        ("bad_modifier.yml", format!("title: Bad\n{head}detection:\n  s: {{eventName|nosuch: X}}\n  condition: s\n")),
        ("bad_condition.yml", format!("title: Worse\n{head}detection:\n  s: {{eventName: X}}\n  condition: s and missing\n")),
        ("not_yaml.yml", "title: [unclosed\n".to_string()),
        ("windows.yml", "title: Win\nlogsource: {product: windows, service: security}\ndetection:\n  s: {EventID: 4625}\n  condition: s\n".to_string()),
        ("orphan.yml", "title: Orphan\ncorrelation:\n  type: event_count\n  rules: [nowhere]\n  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 3}\n".to_string()),
        ("unknown_field.yml", format!("title: Unknown\n{head}detection:\n  s: {{rampart.nosuch: true}}\n  condition: s\n")),
        ("bad_block.yml", format!("title: Block\n{head}detection:\n  s: {{eventName: X}}\n  condition: s\nrampart: {{fires_on: sometimes}}\n")),
        ("replace.yml", format!("title: Our own\n{head}detection:\n  s: {{eventName: StopLogging}}\n  condition: s\nlevel: low\nrampart: {{id: cloudtrail-stopped}}\n")),
        ("notes.txt", "not a rule".to_string()),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let set = RuleSet::load(std::slice::from_ref(&dir), &[]);
    let named: Vec<String> = set
        .problems
        .iter()
        .map(|p| {
            let file = std::path::Path::new(&p.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{file}: {}", p.reason)
        })
        .collect();
    let has = |file: &str, words: &str| {
        named
            .iter()
            .any(|n| n.starts_with(file) && n.contains(words))
    };
    assert!(has("bad_modifier.yml", "nosuch"), "{named:#?}");
    assert!(has("bad_condition.yml", "missing"), "{named:#?}");
    assert!(has("not_yaml.yml", ""), "{named:#?}");
    assert!(has("orphan.yml", "refers to rule `nowhere`"), "{named:#?}");
    assert!(has("unknown_field.yml", "rampart.nosuch"), "{named:#?}");
    assert!(
        has("bad_block.yml", "expected success, failure or any"),
        "{named:#?}"
    );
    assert_eq!(named.len(), 6, "{named:#?}");
    assert_eq!(set.other_logsource, 1);
    assert!(set.get("good").is_some() && set.get("also").is_some());
    let replaced = set.get("cloudtrail-stopped").unwrap();
    assert_eq!(
        (replaced.title.as_str(), replaced.builtin),
        ("Our own", false)
    );
    assert!(set.summary().contains("6 not loaded"), "{}", set.summary());
    let disabled = RuleSet::load(std::slice::from_ref(&dir), &["good".to_string()]);
    assert!(disabled.get("good").is_none() && disabled.disabled == 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The three semantics real data defeated (issue 16), each in the request shapes AWS
/// writes: a CIDR is open to the world by its prefix, in the legacy top-level form and
/// the current `ipPermissions` (IPv4 and IPv6) and the newer ModifySecurityGroupRules.
#[test]
fn open_to_the_world_is_judged_by_the_prefix_in_every_request_shape() {
    let sg = |name: &str, req: Value| {
        let mut e = event(
            name,
            user("a"),
            from("ec2", json!({ "requestParameters": req })),
        );
        e.event_id = format!("{name}-{}", req.to_string().len());
        detect_one(e)
            .iter()
            .any(|d| d == "security-group-open-to-world")
    };
    let legacy = |cidr: &str| json!({"groupId": "sg-0a1b2c3d", "ipPermissions": {}, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIp": cidr});
    let current = |key: &str, list: &str, cidr: &str| {
        json!({"groupId": "sg-0a1b2c3d", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
            "groups": {}, list: {"items": [{key: cidr}]}, "prefixListIds": {}}]}})
    };
    // Stratus' anonymised detonation turned 0.0.0.0/0 into 208.236.235.254/0.
    for cidr in [
        "0.0.0.0/0",
        "208.236.235.254/0",
        "035.249.253.232/0",
        "128.0.0.0/1",
    ] {
        assert!(
            sg("AuthorizeSecurityGroupIngress", legacy(cidr)),
            "legacy {cidr}"
        );
        assert!(
            sg(
                "AuthorizeSecurityGroupIngress",
                current("cidrIp", "ipRanges", cidr)
            ),
            "current {cidr}"
        );
    }
    for cidr in ["::/0", "2001:db8::/0"] {
        assert!(
            sg(
                "AuthorizeSecurityGroupIngress",
                current("cidrIpv6", "ipv6Ranges", cidr)
            ),
            "{cidr}"
        );
    }
    let rules = json!({"groupId": "sg-0a1b2c3d", "ModifySecurityGroupRulesRequest": {"SecurityGroupRule": {
        "SecurityGroupRuleId": "sgr-0123", "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv4": "0.0.0.0/0"}}}});
    assert!(sg("ModifySecurityGroupRules", rules));
    for near in [
        "10.0.0.0/8",
        "203.0.113.5/32",
        "0.0.0.0/8",
        "::/8",
        "0.0.0.0",
    ] {
        assert!(!sg("AuthorizeSecurityGroupIngress", legacy(near)), "{near}");
        assert!(
            !sg(
                "AuthorizeSecurityGroupIngress",
                current("cidrIp", "ipRanges", near)
            ),
            "{near}"
        );
    }
}

/// Root signing in to the console is recorded with `invokedBy: signin.amazonaws.com`: that
/// is the root user, not a service acting for it.
#[test]
fn root_through_the_console_is_root_activity_but_a_service_for_root_is_not() {
    let root = |invoked_by: Option<&str>| {
        let mut identity = json!({"type": "Root", "principalId": "111111111111",
            "arn": "arn:aws:iam::111111111111:root", "accountId": "111111111111"});
        if let Some(s) = invoked_by {
            identity["invokedBy"] = json!(s);
        }
        identity
    };
    let fires = |identity: Value, name: &str, source: &str, extra: Value| {
        let mut extra = extra;
        extra["eventSource"] = json!(source);
        detect_one(event(name, identity, extra))
            .iter()
            .any(|d| d == "root-activity")
    };
    let console_ok = json!({"responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/console/home"}});
    assert!(fires(
        root(Some("signin.amazonaws.com")),
        "ConsoleLogin",
        "signin.amazonaws.com",
        console_ok.clone()
    ));
    assert!(fires(
        root(None),
        "ConsoleLogin",
        "signin.amazonaws.com",
        console_ok
    ));
    assert!(fires(
        root(None),
        "CreateAccessKey",
        "iam.amazonaws.com",
        json!({})
    ));
    assert!(!fires(
        root(Some("config.amazonaws.com")),
        "DescribeInstances",
        "ec2.amazonaws.com",
        json!({})
    ));
    assert!(!fires(
        root(Some("support.amazonaws.com")),
        "DescribeTrustedAdvisorChecks",
        "support.amazonaws.com",
        json!({})
    ));
    let failed = json!({"errorMessage": "Failed authentication", "responseElements": {"ConsoleLogin": "Failure"}});
    assert!(!fires(
        root(Some("signin.amazonaws.com")),
        "ConsoleLogin",
        "signin.amazonaws.com",
        failed
    ));
}

/// "Made public" is every resource policy that allows `*` without a condition, not only
/// S3's, in each service's own request shape (policy documents as JSON text).
#[test]
fn made_public_covers_every_resource_policy_service() {
    let open = r#"{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
    let open_aws = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"*"}]}"#;
    let narrowed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#;
    let named = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"*","Resource":"*"}]}"#;
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, &str, Box<dyn Fn(&str) -> Value>, &str)> = vec![
        (
            "ecr",
            "SetRepositoryPolicy",
            Box::new(|p| json!({"repositoryName": "app", "policyText": p})),
            "resource-made-public",
        ),
        (
            "sns",
            "SetTopicAttributes",
            Box::new(
                |p| json!({"topicArn": "arn:aws:sns:us-east-1:111111111111:t", "attributeName": "Policy", "attributeValue": p}),
            ),
            "resource-made-public",
        ),
        (
            "sqs",
            "SetQueueAttributes",
            Box::new(
                |p| json!({"queueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/q", "attributes": {"Policy": p}}),
            ),
            "resource-made-public",
        ),
        (
            "kms",
            "PutKeyPolicy",
            Box::new(|p| json!({"keyId": "k", "policyName": "default", "policy": p})),
            "resource-made-public",
        ),
        (
            "secretsmanager",
            "PutResourcePolicy",
            Box::new(|p| json!({"secretId": "s", "resourcePolicy": p})),
            "resource-made-public",
        ),
        (
            "glacier",
            "SetVaultAccessPolicy",
            Box::new(|p| json!({"vaultName": "v", "accountId": "-", "policy": {"policy": p}})),
            "resource-made-public",
        ),
        (
            "elasticfilesystem",
            "PutFileSystemPolicy",
            Box::new(|p| json!({"fileSystemId": "fs-1", "policy": p})),
            "resource-made-public",
        ),
        (
            "es",
            "UpdateDomainConfig",
            Box::new(|p| json!({"domainName": "d", "accessPolicies": p})),
            "resource-made-public",
        ),
        (
            "iam",
            "UpdateAssumeRolePolicy",
            Box::new(|p| json!({"roleName": "r", "policyDocument": p})),
            "resource-made-public",
        ),
        (
            "s3",
            "PutBucketPolicy",
            Box::new(
                |p| json!({"bucketName": "b", "bucketPolicy": serde_json::from_str::<Value>(p).unwrap()}),
            ),
            "bucket-made-public",
        ),
    ];
    for (service, name, request, rule) in &cases {
        let fires = |policy: &str| {
            let mut e = event(
                name,
                user("a"),
                from(service, json!({"requestParameters": request(policy)})),
            );
            e.event_id = format!("{name}-{}", policy.len());
            detect_one(e).iter().any(|d| d == rule)
        };
        assert!(fires(open), "{name} with Principal *");
        assert!(fires(open_aws), "{name} with Principal AWS *");
        assert!(!fires(narrowed), "{name} narrowed by a condition");
        assert!(!fires(named), "{name} for a named account");
    }
    let lambda = |req: Value| {
        let e = event(
            "AddPermission20150331v2",
            user("a"),
            from("lambda", json!({"requestParameters": req})),
        );
        detect_one(e).iter().any(|d| d == "lambda-made-public")
    };
    assert!(lambda(
        json!({"functionName": "f", "statementId": "backdoor", "action": "lambda:InvokeFunction", "principal": "*"})
    ));
    assert!(!lambda(
        json!({"functionName": "f", "statementId": "s3", "action": "lambda:InvokeFunction", "principal": "s3.amazonaws.com", "sourceArn": "arn:aws:s3:::b"})
    ));
    assert!(!lambda(
        json!({"functionName": "f", "statementId": "x", "action": "lambda:InvokeFunction", "principal": "*", "sourceAccount": "111111111111"})
    ));
    let ami = |items: Value| {
        let e = event(
            "ModifyImageAttribute",
            user("a"),
            from(
                "ec2",
                json!({"requestParameters": {
            "imageId": "ami-0a1b2c3d", "attributeType": "launchPermission", "launchPermission": {"add": {"items": items}}}}),
            ),
        );
        detect_one(e)
    };
    assert!(ami(json!([{"group": "all"}]))
        .iter()
        .any(|d| d == "ami-made-public"));
    assert!(ami(json!([{"userId": "999988887777"}]))
        .iter()
        .any(|d| d == "ami-shared-with-account"));
    assert!(ami(json!([])).is_empty());
}

/// The caller codes kept beside the columns are a shortcut, never a different answer:
/// every record of every built-in rule's cases and of the real attack dataset, judged by
/// the built-in and SigmaHQ rules, fires the same with the codes as with every question
/// sent to the record; and routine events are judged without decoding a record.
#[test]
fn caller_codes_answer_as_the_record_would_and_spare_the_decoding() {
    let mut dirs = Vec::new();
    if sigmahq_dir().exists() {
        dirs.push(sigmahq_dir());
    }
    let detector = Detector {
        rules: Arc::new(RuleSet::load(&dirs, &[])),
        ..Detector::default()
    };
    let mut records: Vec<Value> = Vec::new();
    for rule in RuleSet::builtin().rules() {
        let Some(text) = rules::cases(&rule.id) else {
            continue;
        };
        let v: Value = serde_json::from_str(text).unwrap();
        for key in ["fires", "quiet"] {
            for r in v[key].as_array().into_iter().flatten() {
                match r {
                    Value::Array(batch) => records.extend(batch.iter().cloned()),
                    one => records.push(one.clone()),
                }
            }
        }
    }
    let real = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real/cloudtrail/invictus-aws_dataset"
    ));
    for entry in std::fs::read_dir(real).into_iter().flatten() {
        let v: Value =
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        records.extend(v["Records"].as_array().into_iter().flatten().cloned());
    }
    // Shapes the codes must not misread: a flattened identity, odd types, a new word.
    records.push(
        json!({"eventName": "ListBuckets", "eventTime": "2026-11-22T10:00:00Z",
        "userIdentity.type": "Root", "eventType": "AwsApiCall"}),
    );
    records.push(
        json!({"eventName": "ListBuckets", "eventTime": "2026-11-22T10:00:00Z",
        "userIdentity": {"type": 7}, "eventType": null}),
    );
    records.push(json!({"eventName": "ListBuckets", "eventTime": "2026-11-22T10:00:00Z",
        "userIdentity": {"type": "AssumedRole", "sessionContext": {"sessionIssuer": {"type": "Role"}}},
        "eventType": "AwsSomethingNew"}));
    assert!(records.len() > 500, "{} records", records.len());
    let mut coded: Vec<TrailEvent> = records
        .iter()
        .filter_map(|r| parse_record(r).ok())
        .collect();
    let mut asked = coded.clone();
    for e in &mut asked {
        e.kind = Default::default();
    }
    detector.run(&mut coded);
    let cost = detector.run_counted(&mut asked);
    let fired: usize = coded.iter().map(|e| e.detections.len()).sum();
    assert!(fired > 100, "{fired} detections");
    for (a, b) in coded.iter().zip(&asked) {
        assert_eq!(a.detections, b.detections, "{}", a.event_id);
    }
    assert!(cost.decoded > 0);

    // Routine calls of people, roles and services, as the demo and most trails hold.
    let names = [
        "DescribeInstances",
        "GetObject",
        "ListBuckets",
        "Decrypt",
        "PutMetricData",
    ];
    let identities = [
        user("alice"),
        json!({"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/app/i-0abc",
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "app"}}}),
        json!({"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}),
    ];
    let mut routine: Vec<TrailEvent> = (0..2_000)
        .map(|i| {
            let mut e = event(
                names[i % names.len()],
                identities[i % identities.len()].clone(),
                json!({"eventType": "AwsApiCall", "eventSource": "ec2.amazonaws.com",
                    "sourceIPAddress": "10.0.0.5"}),
            );
            e.event_id = format!("routine-{i}");
            e
        })
        .collect();
    let cost = detector.run_counted(&mut routine);
    assert!(
        cost.decoded * 20 < routine.len() as u64,
        "{} of {} routine records decoded",
        cost.decoded,
        routine.len()
    );
}
