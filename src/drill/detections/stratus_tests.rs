//! The rules added for Stratus Red Team's techniques: each fires on the record its
//! detonation writes and stays quiet on the near miss.

use super::tests::*;
use super::*;
use serde_json::json;

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
