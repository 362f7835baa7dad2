//! The JSON export, schema version 1.

use super::SCHEMA_VERSION;
use crate::model::{ComplianceResult, CredentialRecord, Exposure, Finding, TrailEvent};
use crate::store::Store;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

/// RFC 3339 in UTC with a `Z`, keeping sub-second digits only when there are any.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn opt_time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(time(t))).unwrap_or(Value::Null)
}

pub fn finding(f: &Finding) -> Value {
    let resources: Vec<Value> = f
        .resources
        .iter()
        .map(|r| {
            let tags: Map<String, Value> = r.tags.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect();
            json!({"type": r.kind, "id": r.id, "region": r.region, "partition": r.partition, "tags": tags})
        })
        .collect();
    json!({
        "id": f.id,
        "product_arn": f.product_arn,
        "product": f.product,
        "account_id": f.account_id,
        "region": f.region,
        "severity": f.severity.label(),
        "title": f.title,
        "types": f.types,
        "resources": resources,
        "workflow_status": f.workflow_status.label(),
        "record_state": f.record_state.label(),
        "compliance_status": f.compliance_status,
        "control_id": f.control_id,
        "first_observed_at": opt_time(f.first_observed_at),
        "updated_at": time(f.updated_at),
        "raw": f.raw.to_value(),
    })
}

pub fn credential(r: &CredentialRecord) -> Value {
    let keys: Vec<Value> = r
        .access_keys
        .iter()
        .map(|k| {
            json!({
                "slot": k.slot,
                "active": k.active,
                "last_rotated": opt_time(k.last_rotated),
                "last_used": opt_time(k.last_used),
                "last_used_service": k.last_used_service,
                "last_used_region": k.last_used_region,
            })
        })
        .collect();
    json!({
        "account_id": r.account_id,
        "user": r.user,
        "is_root": r.is_root,
        "arn": r.arn,
        "password_enabled": r.password_enabled,
        "password_last_used": opt_time(r.password_last_used),
        "password_last_changed": opt_time(r.password_last_changed),
        "mfa_active": r.mfa_active,
        "access_keys": keys,
    })
}

pub fn exposure(e: &Exposure) -> Value {
    json!({
        "id": e.id,
        "account_id": e.account_id,
        "region": e.region,
        "resource_type": e.resource_type,
        "resource": e.resource,
        "principal": e.principal,
        "is_public": e.is_public,
        "external_account": e.external_account,
        "actions": e.actions,
        "conditions": e.conditions,
        "status": e.status,
        "source": e.source,
    })
}

pub fn compliance(c: &ComplianceResult) -> Value {
    json!({
        "account_id": c.account_id,
        "region": c.region,
        "rule": c.rule,
        "compliance_type": c.compliance_type,
        "resource_type": c.resource_type,
        "resource_id": c.resource_id,
        "annotation": c.annotation,
    })
}

pub fn event(e: &TrailEvent) -> Value {
    json!({
        "event_id": e.event_id,
        "event_time": time(e.event_time),
        "event_name": e.event_name,
        "event_source": e.event_source,
        "account_id": e.account_id,
        "region": e.region,
        "username": e.username,
        "source_ip": e.source_ip,
        "error_code": e.error_code,
        "detections": e.detections,
        "raw": e.raw.to_value(),
    })
}

/// The whole store as the export document. Arrays are sorted by their keys so that two
/// exports of the same data are byte-identical apart from `generated_at` and `sources`.
pub fn document(store: &Store, generated_at: DateTime<Utc>) -> Value {
    let mut findings: Vec<&Finding> = store.findings.items().iter().collect();
    findings.sort_by(|a, b| (&a.id, &a.product_arn).cmp(&(&b.id, &b.product_arn)));
    let mut creds: Vec<&CredentialRecord> = store.credentials.items().iter().collect();
    creds.sort_by(|a, b| (&a.account_id, &a.user).cmp(&(&b.account_id, &b.user)));
    let mut exposures: Vec<&Exposure> = store.exposures.items().iter().collect();
    exposures.sort_by(|a, b| a.id.cmp(&b.id));
    let mut compliance: Vec<&ComplianceResult> = store.compliance.items().iter().collect();
    compliance.sort_by_key(|c| c.key());
    let mut events: Vec<&TrailEvent> = store.events.items().iter().collect();
    events.sort_by(|a, b| (a.event_time, &a.event_id).cmp(&(b.event_time, &b.event_id)));
    let sources: Vec<Value> = store
        .sources
        .iter()
        .map(|(k, h)| {
            json!({
                "source": k.service,
                "account_id": k.account_id,
                "region": k.region,
                "file": k.file,
                "status": h.status.label(),
                "last_success": opt_time(h.last_success),
                "error": h.error,
                "records": h.records,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "generated_at": time(generated_at),
        "findings": findings.into_iter().map(finding).collect::<Vec<_>>(),
        "credentials": creds.into_iter().map(credential).collect::<Vec<_>>(),
        "exposures": exposures.into_iter().map(exposure).collect::<Vec<_>>(),
        "compliance": compliance.into_iter().map(self::compliance).collect::<Vec<_>>(),
        "events": events.into_iter().map(event).collect::<Vec<_>>(),
        "sources": sources,
    })
}

pub fn to_bytes(store: &Store, generated_at: DateTime<Utc>) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(store, generated_at)).unwrap_or_default();
    out.push(b'\n');
    out
}
