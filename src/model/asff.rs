//! The AWS Security Finding Format (ASFF) parser.
//!
//! One parser for every path that brings findings in (demo, live GetFindings bodies,
//! replayed exports), so that what a responder sees does not depend on where it came from.
//! It is tolerant where AWS is inconsistent (labels or only numbers for severity, product
//! names in `ProductFields` or at the top level, epoch or RFC 3339 timestamps) and strict
//! only about the fields that identify a finding.

use super::finding::{Finding, RecordState, Resource, WorkflowStatus};
use super::{intern, RawRecord, Severity};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AsffError {
    #[error("expected a JSON object for an ASFF finding, found {0}")]
    NotAnObject(&'static str),
    #[error("field `{0}` is missing or not a string")]
    MissingField(&'static str),
    #[error("field `{field}`: expected {expected}")]
    BadField {
        field: &'static str,
        expected: &'static str,
    },
    #[error("invalid JSON: {0}")]
    Json(String),
}

/// Parses one ASFF finding from its JSON bytes, keeping the bytes as the raw record.
pub fn parse_bytes(bytes: &[u8]) -> Result<Finding, AsffError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| AsffError::Json(e.to_string()))?;
    parse_value_with_raw(&value, RawRecord::from_bytes(bytes))
}

/// Parses one ASFF finding from a JSON value; the value is kept as the raw record.
pub fn parse_value(value: &Value) -> Result<Finding, AsffError> {
    parse_value_with_raw(value, RawRecord::from_value(value))
}

fn parse_value_with_raw(v: &Value, raw: RawRecord) -> Result<Finding, AsffError> {
    if !v.is_object() {
        return Err(AsffError::NotAnObject(json_kind(v)));
    }
    let id = req_str(v, "Id")?;
    let product_arn = req_str(v, "ProductArn")?;
    let account_id = req_str(v, "AwsAccountId")?;
    let product_fields = v.get("ProductFields");
    let pf = |k: &str| {
        product_fields
            .and_then(|p| p.get(k))
            .and_then(Value::as_str)
    };

    let region = opt_str(v, "Region")
        .or_else(|| arn_region(&product_arn))
        .unwrap_or_default();
    let product = opt_str(v, "ProductName")
        .or_else(|| pf("aws/securityhub/ProductName").map(str::to_string))
        .unwrap_or_else(|| product_from_arn(&product_arn));

    let updated_at = time_field(v, "UpdatedAt")?
        .or(time_field(v, "LastObservedAt")?)
        .or(time_field(v, "CreatedAt")?)
        .ok_or(AsffError::MissingField("UpdatedAt"))?;

    let workflow_status = v
        .pointer("/Workflow/Status")
        .or_else(|| v.get("WorkflowState"))
        .and_then(Value::as_str)
        .and_then(WorkflowStatus::parse)
        .unwrap_or(WorkflowStatus::New);
    let record_state = match v.get("RecordState").and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("ARCHIVED") => RecordState::Archived,
        _ => RecordState::Active,
    };
    let compliance = v.get("Compliance");
    let control_id = compliance
        .and_then(|c| c.get("SecurityControlId"))
        .and_then(Value::as_str)
        .or_else(|| pf("ControlId"))
        .or_else(|| pf("RuleId"))
        .map(intern);

    Ok(Finding {
        id: id.into(),
        product_arn: intern(&product_arn),
        product: intern(&product),
        generator_id: intern(&opt_str(v, "GeneratorId").unwrap_or_default()),
        account_id: intern(&account_id),
        region: intern(&region),
        severity: severity(v.get("Severity"))?,
        title: intern(&opt_str(v, "Title").unwrap_or_default()),
        description: intern(&opt_str(v, "Description").unwrap_or_default()),
        types: string_array(v.get("Types"))
            .iter()
            .map(|t| intern(t))
            .collect(),
        resources: resources(v.get("Resources")).into(),
        workflow_status,
        record_state,
        compliance_status: compliance
            .and_then(|c| c.get("Status"))
            .and_then(Value::as_str)
            .map(intern),
        control_id,
        remediation_text: v
            .pointer("/Remediation/Recommendation/Text")
            .and_then(Value::as_str)
            .map(intern),
        remediation_url: v
            .pointer("/Remediation/Recommendation/Url")
            .and_then(Value::as_str)
            .map(intern),
        first_observed_at: time_field(v, "FirstObservedAt")?,
        last_observed_at: time_field(v, "LastObservedAt")?,
        created_at: time_field(v, "CreatedAt")?,
        updated_at,
        raw,
    })
}

/// Label first; then `Normalized`; then the product's own scale (`Product`), read as
/// GuardDuty's 1-10 when the product is GuardDuty, else as 0-100.
fn severity(s: Option<&Value>) -> Result<Severity, AsffError> {
    let Some(s) = s else {
        return Ok(Severity::Informational);
    };
    if let Some(label) = s.get("Label").and_then(Value::as_str) {
        return Severity::from_label(label).ok_or(AsffError::BadField {
            field: "Severity.Label",
            expected: "one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL",
        });
    }
    if let Some(n) = s.get("Normalized").and_then(number) {
        return Ok(Severity::from_normalized(n));
    }
    if let Some(n) = s.get("Product").and_then(number) {
        return Ok(if n <= 10.0 {
            Severity::from_guardduty(n)
        } else {
            Severity::from_normalized(n)
        });
    }
    if let Some(label) = s.get("Original").and_then(Value::as_str) {
        if let Some(sev) = Severity::from_label(label) {
            return Ok(sev);
        }
    }
    Ok(Severity::Informational)
}

fn resources(v: Option<&Value>) -> Vec<Resource> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|r| Resource {
            kind: opt_str(r, "Type").unwrap_or_default().into(),
            id: intern(&opt_str(r, "Id").unwrap_or_default()),
            region: opt_str(r, "Region").map(Into::into),
            partition: opt_str(r, "Partition").map(Into::into),
            tags: r
                .get("Tags")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.into(), v.as_str().unwrap_or_default().into()))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// `arn:aws:securityhub:us-east-1::product/aws/guardduty` -> `GuardDuty`.
pub fn product_from_arn(product_arn: &str) -> String {
    let tail = product_arn.rsplit('/').next().unwrap_or(product_arn);
    match tail {
        "guardduty" => "GuardDuty",
        "inspector" => "Inspector",
        "macie" => "Macie",
        "securityhub" => "Security Hub",
        "config" => "Config",
        "access-analyzer" => "IAM Access Analyzer",
        "firewall-manager" => "Firewall Manager",
        "health" => "Health",
        "ssm-patch-manager" => "Systems Manager Patch Manager",
        other => return other.to_string(),
    }
    .to_string()
}

fn arn_region(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

fn req_str(v: &Value, field: &'static str) -> Result<String, AsffError> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or(AsffError::MissingField(field))
}

fn opt_str(v: &Value, field: &str) -> Option<String> {
    v.get(field).and_then(Value::as_str).map(str::to_string)
}

/// The strings of a JSON array (other items skipped); nothing when it is not an array.
pub fn string_array(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn time_field(v: &Value, field: &'static str) -> Result<Option<DateTime<Utc>>, AsffError> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(t) => parse_time(t).map(Some).ok_or(AsffError::BadField {
            field,
            expected: "an RFC 3339 timestamp or epoch seconds",
        }),
    }
}

/// RFC 3339 strings, epoch seconds as numbers (some AWS CLI outputs use floats), or the
/// `{"__class__": "datetime", "year": ...}` objects of botocore recordings (placebo).
pub fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Object(m) if m.get("__class__").and_then(Value::as_str) == Some("datetime") => {
            let part = |k: &str| m.get(k).and_then(Value::as_u64).map(|n| n as u32);
            let date = chrono::NaiveDate::from_ymd_opt(
                part("year")? as i32,
                part("month")?,
                part("day")?,
            )?;
            let t = date.and_hms_micro_opt(
                part("hour").unwrap_or(0),
                part("minute").unwrap_or(0),
                part("second").unwrap_or(0),
                part("microsecond").unwrap_or(0),
            )?;
            Some(Utc.from_utc_datetime(&t))
        }
        Value::String(s) => super::clock::parse_rfc3339(s),
        Value::Number(n) => {
            let secs = n.as_f64()?;
            let whole = secs.trunc() as i64;
            let nanos = ((secs - secs.trunc()) * 1e9).round() as u32;
            Utc.timestamp_opt(whole, nanos.min(999_999_999)).single()
        }
        _ => None,
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({
            "SchemaVersion": "2018-10-08",
            "Id": "f-1",
            "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/guardduty",
            "AwsAccountId": "111111111111",
            "UpdatedAt": "2026-11-20T10:00:00.123Z",
            "Severity": {"Label": "HIGH", "Normalized": 70},
            "Title": "Unusual API call",
            "Types": ["TTPs/Discovery"],
            "Resources": [{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:eu-west-1:111111111111:instance/i-1", "Tags": {"env": "prod"}}],
            "Workflow": {"Status": "NOTIFIED"},
            "RecordState": "ACTIVE",
            "Compliance": {"Status": "FAILED", "SecurityControlId": "EC2.19"}
        })
    }

    #[test]
    fn parses_the_fields_the_console_shows() {
        let f = parse_value(&minimal()).unwrap();
        assert_eq!(&*f.product, "GuardDuty");
        assert_eq!(&*f.region, "eu-west-1");
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.workflow_status, WorkflowStatus::Notified);
        assert_eq!(f.control_id.as_deref(), Some("EC2.19"));
        assert_eq!(f.primary_resource(), "i-1");
        assert_eq!(
            f.resources[0].tags.as_slice(),
            [("env".into(), "prod".into())]
        );
        assert_eq!(f.raw.to_value(), minimal());
    }

    #[test]
    fn severity_without_label_uses_normalized_then_product() {
        let mut v = minimal();
        v["Severity"] = json!({"Normalized": 95});
        assert_eq!(parse_value(&v).unwrap().severity, Severity::Critical);
        v["Severity"] = json!({"Product": 5.0});
        assert_eq!(parse_value(&v).unwrap().severity, Severity::Medium);
    }

    #[test]
    fn missing_identity_is_an_error_naming_the_field() {
        let mut v = minimal();
        v.as_object_mut().unwrap().remove("ProductArn");
        assert_eq!(parse_value(&v), Err(AsffError::MissingField("ProductArn")));
        assert_eq!(
            parse_value(&json!([1])).unwrap_err().to_string(),
            "expected a JSON object for an ASFF finding, found an array"
        );
    }

    #[test]
    fn bad_label_is_reported() {
        let mut v = minimal();
        v["Severity"] = json!({"Label": "SEVERE"});
        assert!(parse_value(&v)
            .unwrap_err()
            .to_string()
            .contains("Severity.Label"));
    }

    #[test]
    fn epoch_float_timestamps() {
        let t = parse_time(&json!(1_700_000_000.5)).unwrap();
        assert_eq!(t.timestamp(), 1_700_000_000);
        assert_eq!(t.timestamp_subsec_millis(), 500);
    }
}
