//! CloudTrail record parsing: one record as delivered to S3 or as the JSON string inside a
//! LookupEvents result.

use super::asff::parse_time;
use super::{intern, RawRecord, TrailEvent};
use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrailError {
    #[error("expected a JSON object for a CloudTrail record")]
    NotAnObject,
    #[error("field `{0}` is missing or malformed")]
    MissingField(&'static str),
    #[error("invalid JSON: {0}")]
    Json(String),
}

pub fn parse_bytes(bytes: &[u8]) -> Result<TrailEvent, TrailError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| TrailError::Json(e.to_string()))?;
    parse_record_with_raw(&v, RawRecord::from_bytes(bytes))
}

pub fn parse_record(v: &Value) -> Result<TrailEvent, TrailError> {
    parse_record_with_raw(v, RawRecord::from_value(v))
}

fn parse_record_with_raw(v: &Value, raw: RawRecord) -> Result<TrailEvent, TrailError> {
    if !v.is_object() {
        return Err(TrailError::NotAnObject);
    }
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let event_time = v
        .get("eventTime")
        .and_then(parse_time)
        .ok_or(TrailError::MissingField("eventTime"))?;
    let identity = v.get("userIdentity").unwrap_or(&Value::Null);
    let account_id = s("recipientAccountId")
        .or_else(|| {
            identity
                .get("accountId")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default();
    Ok(TrailEvent {
        event_id: s("eventID").ok_or(TrailError::MissingField("eventID"))?,
        event_time,
        event_name: s("eventName")
            .ok_or(TrailError::MissingField("eventName"))?
            .into(),
        event_source: s("eventSource").unwrap_or_default().into(),
        account_id: account_id.into(),
        region: s("awsRegion").unwrap_or_default().into(),
        username: username(identity).into(),
        principal_arn: identity.get("arn").and_then(Value::as_str).map(intern),
        access_key_id: identity
            .get("accessKeyId")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .map(Into::into),
        source_ip: s("sourceIPAddress").map(Into::into),
        user_agent: s("userAgent").as_deref().map(intern),
        error_code: s("errorCode").map(Into::into),
        read_only: v.get("readOnly").and_then(|r| {
            r.as_bool()
                .or_else(|| r.as_str().map(|s| s.eq_ignore_ascii_case("true")))
        }),
        detections: Vec::new(),
        raw,
    })
}

/// The caller in a form people recognise: IAM user name; `role/session` for an assumed
/// role; `root`; the invoking service for AWS services.
pub fn username(identity: &Value) -> String {
    let s = |k: &str| identity.get(k).and_then(Value::as_str);
    let arn_tail = || s("arn").and_then(|a| a.rsplit_once(':')).map(|(_, t)| t);
    match s("type").unwrap_or_default() {
        "Root" => "root".to_string(),
        "IAMUser" => s("userName")
            .or_else(|| arn_tail().and_then(|t| t.rsplit('/').next()))
            .unwrap_or("unknown")
            .to_string(),
        "AssumedRole" => {
            // arn:aws:sts::123:assumed-role/RoleName/session
            if let Some(tail) = arn_tail().and_then(|t| t.strip_prefix("assumed-role/")) {
                return tail.to_string();
            }
            let role = identity
                .pointer("/sessionContext/sessionIssuer/userName")
                .and_then(Value::as_str)
                .unwrap_or("unknown-role");
            format!(
                "{role}/{}",
                s("principalId")
                    .and_then(|p| p.split(':').nth(1))
                    .unwrap_or("?")
            )
        }
        "AWSService" => s("invokedBy").unwrap_or("aws-service").to_string(),
        "AWSAccount" => s("accountId")
            .map(|a| format!("account/{a}"))
            .unwrap_or_default(),
        _ => s("userName")
            .or_else(arn_tail)
            .or_else(|| s("principalId"))
            .or_else(|| s("invokedBy"))
            .unwrap_or("unknown")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usernames() {
        assert_eq!(
            username(&json!({"type":"Root","arn":"arn:aws:iam::1:root"})),
            "root"
        );
        assert_eq!(username(&json!({"type":"IAMUser","userName":"bob"})), "bob");
        assert_eq!(
            username(
                &json!({"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/alice"})
            ),
            "Admin/alice"
        );
        assert_eq!(
            username(&json!({"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"})),
            "cloudtrail.amazonaws.com"
        );
    }

    #[test]
    fn parses_a_failed_call() {
        let e = parse_record(&json!({
            "eventVersion":"1.08","eventID":"e1","eventTime":"2023-07-10T11:42:36Z",
            "eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging",
            "awsRegion":"us-east-1","recipientAccountId":"123",
            "userIdentity":{"type":"IAMUser","userName":"mallory","accessKeyId":"AKIA1"},
            "errorCode":"AccessDenied","sourceIPAddress":"203.0.113.9"
        }))
        .unwrap();
        assert!(e.failed());
        assert_eq!(e.service(), "cloudtrail");
        assert_eq!(e.username, "mallory");
        assert_eq!(e.access_key_id.as_deref(), Some("AKIA1"));
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            parse_record(&json!({"eventID":"x"})).unwrap_err(),
            TrailError::MissingField("eventTime")
        );
    }
}
