//! OCSF findings, as the newer Security Hub's GetFindingsV2 returns them (the Detection and
//! Compliance Finding classes), mapped into the same [`Finding`] as ASFF so that every pane,
//! filter and export reads them alike. The record as sent is kept as the raw record.

use super::asff::{json_kind, parse_time, string_array, AsffError};
use super::{intern, Finding, RawRecord, RecordState, Resource, Severity, Tags, WorkflowStatus};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// True for an OCSF finding: a class and its finding information.
pub fn looks_like(v: &Value) -> bool {
    v.get("class_uid").is_some() && v.get("finding_info").is_some()
}

/// Parses one OCSF finding from its JSON bytes, keeping the bytes as the raw record.
pub fn parse_bytes(bytes: &[u8]) -> Result<Finding, AsffError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| AsffError::Json(e.to_string()))?;
    parse_value_with_raw(&value, RawRecord::from_bytes(bytes))
}

pub fn parse_value(value: &Value) -> Result<Finding, AsffError> {
    parse_value_with_raw(value, RawRecord::from_value(value))
}

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// `*_time_dt` (RFC 3339) when present, else `*_time` (epoch milliseconds, OCSF's unit).
fn time(v: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    if let Some(t) = v.pointer(&format!("{pointer}_dt")).and_then(parse_time) {
        return Some(t);
    }
    let ms = v.pointer(pointer)?.as_f64()?;
    DateTime::from_timestamp_millis(ms as i64)
}

/// `severity` by name (`Fatal` is the top of OCSF's scale), else `severity_id` 1-6.
fn severity(v: &Value) -> Severity {
    let by_name = v.get("severity").and_then(Value::as_str).and_then(|s| {
        if s.eq_ignore_ascii_case("fatal") {
            Some(Severity::Critical)
        } else {
            Severity::from_label(s)
        }
    });
    by_name.unwrap_or_else(|| match v.get("severity_id").and_then(Value::as_u64) {
        Some(2) => Severity::Low,
        Some(3) => Severity::Medium,
        Some(4) => Severity::High,
        Some(5 | 6) => Severity::Critical,
        _ => Severity::Informational,
    })
}

/// OCSF's finding status: New, In Progress, Suppressed, Resolved, Archived (by name or
/// `status_id` 1-5). In Progress is someone's to handle, as NOTIFIED is in ASFF.
fn status(v: &Value) -> (WorkflowStatus, RecordState) {
    let name = v
        .get("status")
        .and_then(Value::as_str)
        .map(|s| s.to_ascii_lowercase());
    let id = v.get("status_id").and_then(Value::as_u64);
    match (name.as_deref(), id) {
        (Some("in progress"), _) | (None, Some(2)) => {
            (WorkflowStatus::Notified, RecordState::Active)
        }
        (Some("suppressed"), _) | (None, Some(3)) => {
            (WorkflowStatus::Suppressed, RecordState::Active)
        }
        (Some("resolved"), _) | (None, Some(4)) => (WorkflowStatus::Resolved, RecordState::Active),
        (Some("archived"), _) | (None, Some(5)) => {
            (WorkflowStatus::Resolved, RecordState::Archived)
        }
        _ => (WorkflowStatus::New, RecordState::Active),
    }
}

fn resources(v: &Value) -> Vec<Resource> {
    let Some(list) = v.get("resources").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|r| {
            let s = |k: &str| r.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
            // Tags are `[{"name", "value"}]` in OCSF 1.1 and later, a map before.
            let tags: Tags = match r.get("tags").or(r.get("labels")) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|t| {
                        let name = t.get("name")?.as_str()?;
                        let value = t.get("value").and_then(Value::as_str).unwrap_or_default();
                        Some((name.into(), value.into()))
                    })
                    .collect(),
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.into(), v.as_str().unwrap_or_default().into()))
                    .collect(),
                _ => Tags::default(),
            };
            Resource {
                kind: s("type").unwrap_or_default().into(),
                id: intern(s("uid").or(s("name")).unwrap_or_default()),
                region: s("region").map(Into::into),
                partition: s("cloud_partition").map(Into::into),
                tags,
            }
        })
        .collect()
}

fn parse_value_with_raw(v: &Value, raw: RawRecord) -> Result<Finding, AsffError> {
    if !v.is_object() {
        return Err(AsffError::NotAnObject(json_kind(v)));
    }
    let id = text(v, "/finding_info/uid")
        .or(text(v, "/metadata/uid"))
        .ok_or(AsffError::MissingField("finding_info.uid"))?;
    let account_id =
        text(v, "/cloud/account/uid").ok_or(AsffError::MissingField("cloud.account.uid"))?;
    let product = text(v, "/metadata/product/name").unwrap_or("unknown");
    let product_arn = text(v, "/metadata/product/uid")
        .map(str::to_string)
        .unwrap_or_else(|| {
            let vendor = text(v, "/metadata/product/vendor_name").unwrap_or("unknown");
            format!("ocsf/{vendor}/{product}")
        });
    let updated_at = time(v, "/finding_info/modified_time")
        .or_else(|| time(v, "/time"))
        .or_else(|| time(v, "/finding_info/created_time"))
        .ok_or(AsffError::MissingField("finding_info.modified_time"))?;
    let (workflow_status, record_state) = status(v);
    Ok(Finding {
        id: id.into(),
        product_arn: intern(&product_arn),
        product: intern(product),
        generator_id: intern(
            text(v, "/finding_info/analytic/uid")
                .or(text(v, "/finding_info/analytic/name"))
                .unwrap_or_default(),
        ),
        account_id: intern(account_id),
        region: intern(text(v, "/cloud/region").unwrap_or_default()),
        severity: severity(v),
        title: intern(text(v, "/finding_info/title").unwrap_or_default()),
        description: intern(text(v, "/finding_info/desc").unwrap_or_default()),
        types: string_array(v.pointer("/finding_info/types"))
            .iter()
            .map(|t| intern(t))
            .collect(),
        resources: resources(v).into(),
        workflow_status,
        record_state,
        compliance_status: text(v, "/compliance/status").map(intern),
        control_id: text(v, "/compliance/control").map(intern),
        remediation_text: text(v, "/remediation/desc").map(intern),
        remediation_url: v
            .pointer("/remediation/references/0")
            .and_then(Value::as_str)
            .map(intern),
        first_observed_at: time(v, "/finding_info/first_seen_time"),
        last_observed_at: time(v, "/finding_info/last_seen_time"),
        created_at: time(v, "/finding_info/created_time"),
        updated_at,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A Compliance Finding as GetFindingsV2 returns one (OCSF 1.1, trimmed).
    pub fn sample() -> Value {
        json!({
            "activity_id": 1, "activity_name": "Create", "category_uid": 2,
            "class_name": "Compliance Finding", "class_uid": 2003, "type_uid": 200301,
            "cloud": {"account": {"type": "AWS Account", "uid": "111122223333"},
                "provider": "AWS", "region": "eu-west-1"},
            "compliance": {"control": "S3.8", "status": "Fail", "status_id": 3,
                "standards": ["standards/aws-foundational-security-best-practices/v/1.0.0"]},
            "finding_info": {"uid": "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/1f1e",
                "title": "S3 general purpose buckets should block public access",
                "desc": "This control checks whether an S3 bucket has bucket-level Block Public Access settings.",
                "types": ["Posture Management"],
                "created_time": 1763600000000i64, "created_time_dt": "2025-11-20T00:53:20.000Z",
                "first_seen_time_dt": "2025-11-20T00:53:20.000Z",
                "modified_time": 1763686400000i64,
                "analytic": {"uid": "S3.8", "type": "Rule", "type_id": 1}},
            "metadata": {"product": {"name": "Security Hub", "vendor_name": "AWS",
                "uid": "arn:aws:securityhub:eu-west-1::productv2/aws/securityhub"},
                "uid": "1f1e", "version": "1.1.0"},
            "remediation": {"desc": "Turn on Block Public Access.",
                "references": ["https://docs.aws.amazon.com/console/securityhub/S3.8/remediation"]},
            "resources": [{"type": "AWS::S3::Bucket", "uid": "arn:aws:s3:::site-assets",
                "region": "eu-west-1", "cloud_partition": "aws",
                "tags": [{"name": "env", "value": "prod"}]}],
            "severity": "High", "severity_id": 4, "status": "In Progress", "status_id": 2,
            "time": 1763686400000i64
        })
    }

    #[test]
    fn maps_a_compliance_finding() {
        let v = sample();
        assert!(looks_like(&v));
        let f = parse_value(&v).unwrap();
        assert_eq!(&*f.account_id, "111122223333");
        assert_eq!(&*f.region, "eu-west-1");
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.workflow_status, WorkflowStatus::Notified);
        assert!(f.is_open());
        assert_eq!(f.control_id.as_deref(), Some("S3.8"));
        assert_eq!(f.compliance_status.as_deref(), Some("Fail"));
        assert_eq!(&*f.product, "Security Hub");
        assert_eq!(
            &*f.product_arn,
            "arn:aws:securityhub:eu-west-1::productv2/aws/securityhub"
        );
        assert_eq!(f.resources[0].short_id(), "site-assets");
        assert_eq!(
            f.resources[0].tags.as_slice(),
            [("env".into(), "prod".into())]
        );
        assert_eq!(f.updated_at.timestamp(), 1763686400);
        assert_eq!(f.created_at.unwrap().timestamp(), 1763600000);
        assert_eq!(
            f.remediation_url
                .as_deref()
                .map(|u| u.ends_with("S3.8/remediation")),
            Some(true)
        );
        assert_eq!(f.raw.to_value(), v);
    }

    #[test]
    fn severity_and_status_by_id_and_what_is_missing_is_named() {
        let mut v = sample();
        let o = v.as_object_mut().unwrap();
        o.remove("severity");
        o.insert("severity_id".into(), json!(6));
        o.remove("status");
        o.insert("status_id".into(), json!(5));
        let f = parse_value(&v).unwrap();
        assert_eq!(f.severity, Severity::Critical, "Fatal is the top");
        assert_eq!(f.record_state, RecordState::Archived);
        assert!(!f.is_open());
        v["cloud"]["account"].as_object_mut().unwrap().remove("uid");
        assert_eq!(
            parse_value(&v).unwrap_err().to_string(),
            "field `cloud.account.uid` is missing or not a string"
        );
        assert!(matches!(
            parse_bytes(b"[]"),
            Err(AsffError::NotAnObject("an array"))
        ));
    }
}
