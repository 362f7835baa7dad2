//! The JSON export, schema version 1.

use super::SCHEMA_VERSION;
use crate::model::{ComplianceResult, CredentialRecord, Exposure, Finding, RawRecord, TrailEvent};
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

/// RFC 3339 in UTC with a `Z`, keeping sub-second digits only when there are any.
pub fn time(t: DateTime<Utc>) -> String {
    crate::model::clock::format_rfc3339(t)
}

fn opt_time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(time(t))).unwrap_or(Value::Null)
}

pub fn finding(f: &Finding) -> Value {
    with_raw_value(finding_fields(f), &f.raw)
}

fn with_raw_value(mut fields: Map<String, Value>, raw: &RawRecord) -> Value {
    fields.insert("raw".into(), raw.to_value());
    Value::Object(fields)
}

fn finding_fields(f: &Finding) -> Map<String, Value> {
    let resources: Vec<Value> = f
        .resources
        .iter()
        .map(|r| {
            let tags: Map<String, Value> = r.tags.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect();
            json!({"type": r.kind, "id": r.id, "region": r.region, "partition": r.partition, "tags": tags})
        })
        .collect();
    let Value::Object(fields) = json!({
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
    }) else {
        unreachable!("json! of an object literal is an object")
    };
    fields
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
    with_raw_value(event_fields(e), &e.raw)
}

fn event_fields(e: &TrailEvent) -> Map<String, Value> {
    let Value::Object(fields) = json!({
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
    }) else {
        unreachable!("json! of an object literal is an object")
    };
    fields
}

/// Writes `fields` plus `"raw"`, the record's own bytes copied as they are kept: no tree
/// is built for the largest part of each row.
fn write_with_raw(
    w: &mut (impl std::io::Write + ?Sized),
    fields: Map<String, Value>,
    raw: &RawRecord,
) -> std::io::Result<()> {
    let mut head = serde_json::to_vec(&Value::Object(fields))?;
    head.pop(); // the closing brace
    w.write_all(&head)?;
    w.write_all(b",\"raw\":")?;
    let bytes = raw.bytes();
    w.write_all(if bytes.is_empty() { b"null" } else { &bytes })?;
    w.write_all(b"}")
}

/// The whole store as the export document. Arrays are sorted by their keys so that two
/// exports of the same data are byte-identical apart from `generated_at` and `sources`.
/// Every dataset's records in the contract's stable order.
struct Ordered<'a> {
    findings: Vec<&'a Finding>,
    credentials: Vec<&'a CredentialRecord>,
    exposures: Vec<&'a Exposure>,
    compliance: Vec<&'a ComplianceResult>,
    events: Vec<&'a TrailEvent>,
}

fn ordered(store: &Store) -> Ordered<'_> {
    let mut findings: Vec<&Finding> = store.findings.items().iter().collect();
    findings.sort_by(|a, b| (&a.id, &a.product_arn).cmp(&(&b.id, &b.product_arn)));
    let mut credentials: Vec<&CredentialRecord> = store.credentials.items().iter().collect();
    credentials.sort_by(|a, b| (&a.account_id, &a.user).cmp(&(&b.account_id, &b.user)));
    // Rows derived from Security Hub controls are in `findings` already.
    let mut exposures: Vec<&Exposure> = store
        .exposures
        .items()
        .iter()
        .filter(|e| !e.is_control())
        .collect();
    exposures.sort_by(|a, b| a.id.cmp(&b.id));
    let mut compliance: Vec<&ComplianceResult> = store.compliance.items().iter().collect();
    compliance.sort_by_key(|c| c.key());
    let mut events: Vec<&TrailEvent> = store.events.items().iter().collect();
    events.sort_by(|a, b| (a.event_time, &a.event_id).cmp(&(b.event_time, &b.event_id)));
    Ordered {
        findings,
        credentials,
        exposures,
        compliance,
        events,
    }
}

fn sources(store: &Store) -> Vec<Value> {
    store
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
        .collect()
}

/// Standing administrator access as the sources read it (in key order already); the
/// roles trusted from outside are derived from `exposures` and not repeated.
fn standing_access(store: &Store) -> Vec<Value> {
    store
        .standing
        .iter()
        .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
        .collect()
}

/// The team's Well-Architected Tool answers, by workload and question.
fn wa_answers(store: &Store) -> Vec<Value> {
    store
        .wa_answers
        .iter()
        .map(|a| {
            json!({
                "workload_id": a.workload_id,
                "workload_name": a.workload_name,
                "question_id": a.question_id,
                "selected": a.selected,
                "risk": a.risk,
                "applicable": a.applicable,
                "read_at": opt_time(a.read_at),
            })
        })
        .collect()
}

pub fn document(store: &Store, generated_at: DateTime<Utc>) -> Value {
    let o = ordered(store);
    json!({
        "schema_version": SCHEMA_VERSION,
        "generated_at": time(generated_at),
        "findings": o.findings.into_iter().map(finding).collect::<Vec<_>>(),
        "credentials": o.credentials.into_iter().map(credential).collect::<Vec<_>>(),
        "exposures": o.exposures.into_iter().map(exposure).collect::<Vec<_>>(),
        "compliance": o.compliance.into_iter().map(self::compliance).collect::<Vec<_>>(),
        "events": o.events.into_iter().map(event).collect::<Vec<_>>(),
        "standing_access": standing_access(store),
        "wa_answers": wa_answers(store),
        "sources": sources(store),
    })
}

/// The same document written record by record, one record per line, with `extra`
/// top-level members after the datasets: the whole tree of 100,000 findings with their
/// raw records never exists at once (a hand-off snapshot from a running console).
pub fn write_document(
    store: &Store,
    generated_at: DateTime<Utc>,
    extra: &[(&str, Value)],
    w: &mut (impl std::io::Write + ?Sized),
) -> std::io::Result<()> {
    let mut safe = TerminalSafe::new(w);
    write_document_raw(store, generated_at, extra, &mut safe)?;
    safe.finish()
}

/// Writes the document through to `w`, escaping every character the terminal sanitizer
/// calls unsafe (a C1 control, a bidi override, a tag character) as `\uXXXX`: the same
/// JSON, but one that cannot act on a terminal it is printed to. Outside strings valid JSON
/// has only ASCII, so only characters inside strings are ever escaped.
pub struct TerminalSafe<'a, W: std::io::Write + ?Sized> {
    inner: &'a mut W,
    /// The start of a UTF-8 character cut by the end of a write.
    pending: Vec<u8>,
}

impl<'a, W: std::io::Write + ?Sized> TerminalSafe<'a, W> {
    pub fn new(inner: &'a mut W) -> Self {
        TerminalSafe {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes bytes another `TerminalSafe` escaped: whole rows, so no character is cut
    /// between them and what this one was given before.
    pub(super) fn write_escaped(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.write_all(bytes)
    }

    /// Writes what is left (a cut character is written as it came).
    pub fn finish(mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }

    fn escape(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // Fast path: ASCII other than DEL passes (controls are already escaped).
            if b < 0x7f {
                i += 1;
                continue;
            }
            let len = match b {
                0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            if i + len > bytes.len() {
                self.inner.write_all(&bytes[start..i])?;
                self.pending.extend_from_slice(&bytes[i..]);
                return Ok(());
            }
            let c = std::str::from_utf8(&bytes[i..i + len])
                .ok()
                .and_then(|s| s.chars().next());
            if let Some(c) = c.filter(|c| crate::util::sanitize::is_unsafe(*c)) {
                self.inner.write_all(&bytes[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(self.inner, "\\u{:04x}", u)?;
                }
                start = i + len;
            }
            i += len;
        }
        self.inner.write_all(&bytes[start..])
    }
}

impl<W: std::io::Write + ?Sized> std::io::Write for TerminalSafe<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.escape(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.escape(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn write_document_raw<W: std::io::Write + ?Sized>(
    store: &Store,
    generated_at: DateTime<Utc>,
    extra: &[(&str, Value)],
    w: &mut TerminalSafe<'_, W>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    fn list<W: std::io::Write + ?Sized, T: Sync>(
        w: &mut TerminalSafe<'_, W>,
        name: &str,
        rows: &[T],
        write_row: impl Fn(&mut TerminalSafe<'_, Vec<u8>>, &T) -> std::io::Result<()> + Sync,
    ) -> std::io::Result<()> {
        write!(w, ",\n\"{name}\": [")?;
        super::rows::write_rows(w, rows, write_row)?;
        w.write_all(b"\n]")
    }
    fn value(w: &mut impl std::io::Write, v: &Value) -> std::io::Result<()> {
        Ok(serde_json::to_writer(w, v)?)
    }
    let o = ordered(store);
    write!(
        w,
        "{{\"schema_version\": {SCHEMA_VERSION},\n\"generated_at\": \"{}\"",
        time(generated_at)
    )?;
    list(w, "findings", &o.findings, |w, f| {
        write_with_raw(w, finding_fields(f), &f.raw)
    })?;
    list(w, "credentials", &o.credentials, |w, c| {
        value(w, &credential(c))
    })?;
    list(w, "exposures", &o.exposures, |w, e| value(w, &exposure(e)))?;
    list(w, "compliance", &o.compliance, |w, c| {
        value(w, &compliance(c))
    })?;
    list(w, "events", &o.events, |w, e| {
        write_with_raw(w, event_fields(e), &e.raw)
    })?;
    list(w, "standing_access", &standing_access(store), |w, v| {
        value(w, v)
    })?;
    list(w, "wa_answers", &wa_answers(store), |w, v| value(w, v))?;
    list(w, "sources", &sources(store), |w, v| value(w, v))?;
    for (name, value) in extra {
        write!(w, ",\n{}: ", Value::from(*name))?;
        serde_json::to_writer_pretty(&mut *w, value)?;
    }
    w.write_all(b"\n}\n")
}

/// The document pretty-printed with sorted keys, as exports were once written: the tests
/// keep reading that shape.
#[cfg(test)]
pub fn to_bytes(store: &Store, generated_at: DateTime<Utc>) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(store, generated_at)).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod terminal_safe {
    use super::*;
    use std::io::Write;

    /// Hardening 4: a document printed to a terminal carries no raw C1 control, bidi
    /// override or tag character, and parses to the same JSON.
    #[test]
    fn hardening_04_json_output_escapes_what_a_terminal_would_act_on() {
        let v = serde_json::json!({"title": "x\u{9b}31m \u{202E}evil \u{E0041} é 日本 \u{7f}"});
        let plain = serde_json::to_vec(&v).unwrap();
        let mut out = Vec::new();
        let mut safe = TerminalSafe::new(&mut out);
        // Written a byte at a time: characters cut between writes still come out whole.
        for b in &plain {
            safe.write_all(std::slice::from_ref(b)).unwrap();
        }
        safe.finish().unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            !text.chars().any(crate::util::sanitize::is_unsafe),
            "{text}"
        );
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\udb40\\udc41"),
            "{text}"
        );
        assert!(text.contains("é 日本"), "{text}");
        let back: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, v, "the same JSON");
    }
}
