//! Hand-made records for the unit tests of what is computed from the store (posture
//! indicators, pane summaries).

use crate::feed::{SourceHealth, SourceKey, Status};
use crate::model::Finding;
use crate::model::{asff, AccessKey, CredentialRecord, Exposure, Thresholds};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

pub fn limits() -> Thresholds {
    Thresholds {
        age_days: 90,
        unused_days: 90,
    }
}

pub fn finding(
    id: &str,
    sev: &str,
    title: &str,
    product: &str,
    control: Option<&str>,
    status: &str,
) -> crate::model::Finding {
    let mut v = json!({
        "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "ProductName": product, "AwsAccountId": "111111111111", "Region": "us-east-1",
        "UpdatedAt": "2026-11-21T00:00:00Z", "Severity": {"Label": sev}, "Title": title,
        "Workflow": {"Status": status}
    });
    if let Some(c) = control {
        v["Compliance"] = json!({"Status": "FAILED", "SecurityControlId": c});
    }
    asff::parse_value(&v).unwrap()
}

pub fn user(
    name: &str,
    root: bool,
    mfa: bool,
    password: bool,
    key_rotated_days_ago: Option<i64>,
) -> CredentialRecord {
    CredentialRecord {
        account_id: "111111111111".into(),
        user: name.into(),
        arn: format!("arn:aws:iam::111111111111:user/{name}"),
        is_root: root,
        user_creation_time: Some(now() - chrono::Duration::days(400)),
        password_enabled: Some(password),
        password_last_used: Some(now() - chrono::Duration::days(1)),
        password_last_changed: None,
        mfa_active: mfa,
        access_keys: key_rotated_days_ago
            .map(|d| {
                vec![access_key(
                    1,
                    true,
                    Some(now() - chrono::Duration::days(d)),
                    Some(now() - chrono::Duration::days(1)),
                )]
            })
            .unwrap_or_default(),
    }
}

/// An access key in `slot`, with no record of the service or region it was last used in.
pub fn access_key(
    slot: u8,
    active: bool,
    last_rotated: Option<DateTime<Utc>>,
    last_used: Option<DateTime<Utc>>,
) -> AccessKey {
    AccessKey {
        slot,
        active,
        last_rotated,
        last_used,
        last_used_service: None,
        last_used_region: None,
    }
}

pub fn exposure(id: &str, public: bool, other: Option<&str>) -> Exposure {
    Exposure {
        id: id.into(),
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        resource_type: "AWS::S3::Bucket".into(),
        resource: format!("arn:aws:s3:::{id}"),
        principal: "*".into(),
        is_public: public,
        external_account: other.map(str::to_string),
        actions: vec![],
        conditions: vec![],
        status: "ACTIVE".into(),
        source: "access-analyzer".into(),
        updated_at: now(),
    }
}

pub fn health(status: Status, note: Option<&str>) -> SourceHealth {
    SourceHealth {
        status,
        last_success: (status == Status::Ok).then(now),
        error: note.map(str::to_string),
        records: 1,
        next_poll: None,
    }
}

pub fn key(service: &str, account: &str, region: &str) -> SourceKey {
    SourceKey {
        service: service.into(),
        account_id: Some(account.into()),
        region: Some(region.into()),
        file: None,
    }
}

/// A Config evaluation of an S3 bucket in 111111111111 us-east-1.
pub fn evaluation(rule: &str, resource: &str, result: &str) -> crate::model::ComplianceResult {
    crate::model::ComplianceResult {
        account_id: Some("111111111111".into()),
        region: Some("us-east-1".into()),
        rule: rule.into(),
        compliance_type: result.into(),
        resource_type: "AWS::S3::Bucket".into(),
        resource_id: resource.into(),
        annotation: None,
        recorded_at: None,
    }
}

/// Types a `:` command and runs it, as the keys would.
pub fn command(app: &mut crate::app::App, line: &str) {
    use crate::app::Action;
    app.update(Action::CommandStart);
    for c in line.chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::FilterAccept);
}

pub fn bucket_finding() -> Finding {
    let mut f = finding("f1", "HIGH", "Public bucket", "S3", None, "NEW");
    f.resources = vec![crate::model::Resource {
        kind: "AwsS3Bucket".into(),
        id: "arn:aws:s3:::payroll-exports".into(),
        region: None,
        partition: None,
        tags: Default::default(),
    }]
    .into();
    f.first_observed_at = Some(now() - Duration::minutes(30));
    f.last_observed_at = Some(now() - Duration::minutes(10));
    f
}

/// A CloudTrail event with this id, minutes before [`now`], and these detections.
pub fn event(id: &str, minutes_ago: i64, detections: &[&str]) -> crate::model::TrailEvent {
    let at = now() - Duration::minutes(minutes_ago);
    let v = json!({
        "eventID": id, "eventTime": crate::model::clock::format_rfc3339(at),
        "eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
        "awsRegion": "us-east-1", "recipientAccountId": "111111111111",
        "userIdentity": {"type": "IAMUser", "userName": "alice"},
    });
    let mut e = crate::model::cloudtrail::parse_bytes(v.to_string().as_bytes()).unwrap();
    e.detections = detections.iter().map(|d| (*d).into()).collect();
    e
}

/// The posture indicators of `store` at [`now`] with [`limits`].
pub fn indicators_now(
    store: &crate::store::Store,
    bars: &crate::analysis::posture::Bars,
) -> Vec<crate::analysis::posture::Indicator> {
    let keys = crate::store::sort::CredentialKeys::of(None, store, now(), limits());
    crate::analysis::posture::indicators(store, &keys, bars)
}
