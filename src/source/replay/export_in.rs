//! Reading rampart's own export (schema version 1) back: findings and events from their
//! raw records through the same parsers as live data, the other datasets from their fields.

use super::formats::{Batch, EvidenceError};
use crate::model::asff::parse_time;
use crate::model::{AccessKey, ComplianceResult, CredentialRecord, Exposure};
use serde_json::Value;

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn strings(v: &Value, k: &str) -> Vec<String> {
    crate::model::asff::string_array(v.get(k))
}

/// The parts of an export that are read after the whole document: they need its
/// `generated_at`, which may come after them (an export written with sorted keys).
#[derive(Default)]
pub struct Rest {
    pub schema_version: Option<Value>,
    pub generated_at: Option<Value>,
    pub credentials: Vec<Value>,
    pub exposures: Vec<Value>,
    pub compliance: Vec<Value>,
    pub standing: Vec<Value>,
    pub wa_answers: Vec<Value>,
    pub handoff: Option<Value>,
}

/// Reads an export already parsed into a tree.
pub fn read(doc: &Value) -> Result<Batch, EvidenceError> {
    let list = |k: &str| {
        doc.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut b = Batch::default();
    for (i, f) in list("findings").iter().enumerate() {
        let region = f.get("region").and_then(Value::as_str);
        b.add_finding_in(i, f.get("raw").unwrap_or(&Value::Null), region);
    }
    for (i, e) in list("events").iter().enumerate() {
        b.add_trail_record(i, e.get("raw").unwrap_or(&Value::Null));
    }
    let rest = Rest {
        schema_version: doc.get("schema_version").cloned(),
        generated_at: doc.get("generated_at").cloned(),
        credentials: list("credentials"),
        exposures: list("exposures"),
        compliance: list("compliance"),
        standing: list("standing_access"),
        wa_answers: list("wa_answers"),
        handoff: doc.get(crate::model::handoff::MEMBER).cloned(),
    };
    finish(b, rest)
}

/// Checks the version and adds the datasets read from their fields (findings and events
/// are already in `b`, from their raw records through the same parsers as live data).
pub fn finish(mut b: Batch, rest: Rest) -> Result<Batch, EvidenceError> {
    if rest.schema_version.as_ref().and_then(Value::as_u64) != Some(1) {
        return Err(EvidenceError::Json {
            line: 1,
            column: 1,
            message: "`schema_version`: expected 1, the only version this rampart reads".into(),
        });
    }
    let generated_at = rest.generated_at.as_ref().and_then(parse_time);
    b.report_generated_at = generated_at;
    for c in &rest.credentials {
        b.credentials.push(credential(c));
    }
    for e in &rest.exposures {
        b.exposures.push(exposure(e, generated_at));
    }
    for c in &rest.compliance {
        b.compliance.push(ComplianceResult {
            account_id: s(c, "account_id"),
            region: s(c, "region"),
            rule: s(c, "rule").unwrap_or_default(),
            compliance_type: s(c, "compliance_type").unwrap_or_default(),
            resource_type: s(c, "resource_type").unwrap_or_default(),
            resource_id: s(c, "resource_id").unwrap_or_default(),
            annotation: s(c, "annotation"),
            recorded_at: None,
        });
    }
    for (i, v) in rest.standing.into_iter().enumerate() {
        match serde_json::from_value(v) {
            Ok(r) => b.standing.push(r),
            Err(e) => b.reject("standing_access record", i, e),
        }
    }
    for (i, v) in rest.wa_answers.into_iter().enumerate() {
        match serde_json::from_value::<crate::model::WaAnswer>(v) {
            Ok(a) => b.wa_answers.push(a),
            Err(e) => b.reject("wa_answers record", i, e),
        }
    }
    match rest
        .handoff
        .as_ref()
        .map(crate::model::handoff::from_member)
    {
        Some(Ok(h)) => b.handoff = Some(Box::new(h)),
        // The data still loads; the report says why the view could not be restored.
        Some(Err(e)) => b.rejected.push(e),
        None => {}
    }
    Ok(b)
}

fn credential(c: &Value) -> CredentialRecord {
    let time = |k: &str| c.get(k).and_then(parse_time);
    let keys = c
        .get("access_keys")
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .map(|k| AccessKey {
                    slot: k.get("slot").and_then(Value::as_u64).unwrap_or(1) as u8,
                    active: k.get("active").and_then(Value::as_bool).unwrap_or(false),
                    last_rotated: k.get("last_rotated").and_then(parse_time),
                    last_used: k.get("last_used").and_then(parse_time),
                    last_used_service: s(k, "last_used_service"),
                    last_used_region: s(k, "last_used_region"),
                })
                .collect()
        })
        .unwrap_or_default();
    CredentialRecord {
        account_id: s(c, "account_id").unwrap_or_default(),
        user: s(c, "user").unwrap_or_default(),
        arn: s(c, "arn").unwrap_or_default(),
        is_root: c.get("is_root").and_then(Value::as_bool).unwrap_or(false),
        user_creation_time: None,
        password_enabled: c.get("password_enabled").and_then(Value::as_bool),
        password_last_used: time("password_last_used"),
        password_last_changed: time("password_last_changed"),
        mfa_active: c
            .get("mfa_active")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        access_keys: keys,
    }
}

fn exposure(e: &Value, at: Option<chrono::DateTime<chrono::Utc>>) -> Exposure {
    Exposure {
        id: s(e, "id").unwrap_or_default(),
        account_id: s(e, "account_id").unwrap_or_default(),
        region: s(e, "region").unwrap_or_default(),
        resource_type: s(e, "resource_type").unwrap_or_default(),
        resource: s(e, "resource").unwrap_or_default(),
        principal: s(e, "principal").unwrap_or_default(),
        is_public: e.get("is_public").and_then(Value::as_bool).unwrap_or(false),
        external_account: s(e, "external_account"),
        actions: strings(e, "actions"),
        conditions: strings(e, "conditions"),
        status: s(e, "status").unwrap_or_default(),
        source: s(e, "source").unwrap_or_default(),
        updated_at: at.unwrap_or_default(),
    }
}
