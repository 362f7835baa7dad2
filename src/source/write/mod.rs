//! The write path: triage (BatchUpdateFindings) and drill imports (BatchImportFindings),
//! in batches of 100, only when the operator allowed writes and never in an account kept
//! read-only, every call in the audit log.
//!
//! A source supplies its client as a [`FindingsWriter`], so the same path runs against
//! AWS, the simulated organization and the tests' mocked clients. Each batch is written to
//! the audit log before it is sent (a write that cannot be recorded is not sent) and again
//! with its result.
//!
//! May import: `util`, `model`, `feed`.

use crate::model::triage::{
    Change, DrillFinding, Outcome, Target, TriageError, TriageRequest, WritePolicy, BATCH,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

/// The audit log's file name in the state directory.
pub const AUDIT_FILE: &str = "audit.jsonl";

/// The simulated organization's audit log: its writes never mix with real ones.
pub const DEMO_AUDIT_FILE: &str = "audit-demo.jsonl";

/// Where a batch goes: the account and region whose Security Hub takes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub account_id: String,
    pub region: String,
}

/// A finding Security Hub did not change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprocessed {
    pub id: String,
    pub product_arn: String,
    pub code: String,
    pub message: String,
}

/// One BatchUpdateFindings answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchResult {
    /// (id, product ARN) of the findings changed.
    pub processed: Vec<(String, String)>,
    pub unprocessed: Vec<Unprocessed>,
}

impl BatchResult {
    /// The answer for `batch` with the findings `refused` picks unprocessed, all with the
    /// same error code and message.
    pub fn split(
        batch: &[Target],
        refused: impl Fn(&Target) -> bool,
        code: &str,
        message: &str,
    ) -> BatchResult {
        let (bad, good): (Vec<&Target>, Vec<&Target>) = batch.iter().partition(|t| refused(t));
        BatchResult {
            processed: good
                .iter()
                .map(|t| (t.id.clone(), t.product_arn.clone()))
                .collect(),
            unprocessed: bad
                .iter()
                .map(|t| Unprocessed {
                    id: t.id.clone(),
                    product_arn: t.product_arn.clone(),
                    code: code.to_string(),
                    message: message.to_string(),
                })
                .collect(),
        }
    }
}

/// A client that can change findings: Security Hub, the simulated one, or a test's mock.
pub trait FindingsWriter: Sync {
    /// Which Security Hub takes this finding's batch (an aggregator takes them all).
    fn route(&self, target: &Target) -> Route;
    /// The identity the batch is sent as, for the audit log.
    fn caller(&self, route: &Route) -> String;
    /// The audit log's file name in the state directory.
    fn audit_file(&self) -> &'static str {
        AUDIT_FILE
    }
    /// One BatchImportFindings call with one drill finding: `Ok(None)` imported,
    /// `Ok(Some(why))` refused by Security Hub, `Err` the call failed.
    fn import<'a>(
        &'a self,
        _route: &'a Route,
        _finding: &'a DrillFinding,
    ) -> impl Future<Output = Result<Option<String>, String>> + Send + 'a {
        std::future::ready(Err("this source cannot import findings".to_string()))
    }
    /// One call with at most [`BATCH`] findings. An error means none of them changed.
    fn update<'a>(
        &'a self,
        route: &'a Route,
        batch: &'a [Target],
        change: &'a Change,
        updated_by: &'a str,
    ) -> impl Future<Output = Result<BatchResult, String>> + Send + 'a;
}

/// Sends `request` through `writer`: refused targets never reach it, the rest go in
/// batches of [`BATCH`] per route, each recorded in the audit log before and after.
pub async fn perform<W: FindingsWriter>(
    writer: &W,
    request: &TriageRequest,
    policy: &WritePolicy,
    now: impl Fn() -> DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome {
        request: request.id,
        ..Outcome::default()
    };
    let mut routes: BTreeMap<Route, Vec<Target>> = BTreeMap::new();
    for t in &request.targets {
        match policy.refuses(t) {
            Some(why) => out.results.push((t.key_hash(), Err(why))),
            None => routes.entry(writer.route(t)).or_default().push(t.clone()),
        }
    }
    let audit = policy.audit_path(writer.audit_file());
    for (route, targets) in routes {
        let caller = writer.caller(&route);
        for (n, batch) in targets.chunks(BATCH).enumerate() {
            let entry = AuditEntry {
                time: now(),
                caller: &caller,
                request: request.id,
                batch: n,
                route: &route,
                change: &request.change,
                findings: batch,
            };
            if let Err(why) = audit
                .as_deref()
                .ok_or(TriageError::NoAuditLog.to_string())
                .and_then(|p| entry.append(p, None))
            {
                out.results.extend(
                    batch
                        .iter()
                        .map(|t| (t.key_hash(), Err(format!("not sent: {why}")))),
                );
                continue;
            }
            out.calls += 1;
            let result = writer
                .update(&route, batch, &request.change, &request.updated_by)
                .await;
            let entry = AuditEntry {
                time: now(),
                ..entry
            };
            if let Some(p) = audit.as_deref() {
                if let Err(e) = entry.append(p, Some(&result)) {
                    // Sent already: the request line is there; say the result went missing.
                    tracing::error!(error = %e, "audit result not written");
                }
            }
            out.results.extend(results_of(batch, result));
        }
    }
    out
}

/// Imports a drill finding: refused like a triage (writes off, read-only account), recorded
/// in the audit log before and after the call. The outcome has the one finding's result.
pub async fn perform_import<W: FindingsWriter>(
    writer: &W,
    f: &DrillFinding,
    policy: &WritePolicy,
    now: impl Fn() -> DateTime<Utc>,
) -> Outcome {
    let hash = crate::model::key::key_hash(&crate::model::Finding::key_of(&f.id, &f.product_arn()));
    let mut out = Outcome {
        request: f.request,
        ..Outcome::default()
    };
    if let Some(why) = policy.refuses(&f.target) {
        out.results.push((hash, Err(why)));
        return out;
    }
    let route = Route {
        account_id: f.target.account_id.clone(),
        region: f.target.region.clone(),
    };
    let caller = writer.caller(&route);
    let line = |phase: &str, result: Option<serde_json::Value>| {
        let mut v = serde_json::json!({
            "time": now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "phase": phase,
            "caller": caller,
            "action": "securityhub:BatchImportFindings",
            "request": f.request,
            "account": route.account_id,
            "region": route.region,
            "drill": f.drill,
            "findings": [{"id": f.id, "product_arn": f.product_arn(), "title": f.title}],
        });
        if let Some(r) = result {
            v["result"] = r;
        }
        v
    };
    let Some(path) = policy.audit_path(writer.audit_file()) else {
        out.results
            .push((hash, Err(format!("not sent: {}", TriageError::NoAuditLog))));
        return out;
    };
    if let Err(e) = append_line(&path, &line("request", None)) {
        out.results.push((hash, Err(format!("not sent: {e}"))));
        return out;
    }
    out.calls = 1;
    let result = writer.import(&route, f).await;
    let recorded = match &result {
        Ok(None) => serde_json::json!({"imported": 1}),
        Ok(Some(why)) => serde_json::json!({"imported": 0, "error": why}),
        Err(e) => serde_json::json!({"error": e}),
    };
    if let Err(e) = append_line(&path, &line("result", Some(recorded))) {
        tracing::error!(error = %e, "audit result not written");
    }
    out.results.push((
        hash,
        match result {
            Ok(None) => Ok(()),
            Ok(Some(why)) | Err(why) => Err(why),
        },
    ));
    out
}

/// Appends one JSON line to the audit log (0600, its directory 0700), synced before the
/// call it records is sent. One write call per line: lines from two consoles never
/// interleave mid-line, and a line torn by a kill does not swallow the next.
fn append_line(path: &Path, v: &serde_json::Value) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        crate::util::files::ensure_private_dir(dir)
            .map(|_| ())
            .map_err(|e| format!("audit log directory {}: {e}", dir.display()))?;
    }
    crate::util::files::append_line(path, v.to_string().as_bytes())
        .map_err(|e| format!("audit log {}: {e}", path.display()))
}

/// Each target's result from one batch's answer.
fn results_of(
    batch: &[Target],
    result: Result<BatchResult, String>,
) -> Vec<(u64, Result<(), String>)> {
    match result {
        Err(e) => batch
            .iter()
            .map(|t| (t.key_hash(), Err(e.clone())))
            .collect(),
        Ok(r) => batch
            .iter()
            .map(|t| {
                let why = r
                    .unprocessed
                    .iter()
                    .find(|u| u.id == t.id && u.product_arn == t.product_arn);
                let processed = r
                    .processed
                    .iter()
                    .any(|(id, p)| *id == t.id && *p == t.product_arn);
                let result = match why {
                    Some(u) => Err(format!("{}: {}", u.code, u.message)),
                    None if processed => Ok(()),
                    None => Err("not in Security Hub's answer".into()),
                };
                (t.key_hash(), result)
            })
            .collect(),
    }
}

/// One line of the audit log.
#[derive(Clone, Copy)]
struct AuditEntry<'a> {
    time: DateTime<Utc>,
    caller: &'a str,
    request: u64,
    batch: usize,
    route: &'a Route,
    change: &'a Change,
    findings: &'a [Target],
}

impl AuditEntry<'_> {
    fn append(
        &self,
        path: &Path,
        result: Option<&Result<BatchResult, String>>,
    ) -> Result<(), String> {
        let mut line = serde_json::json!({
            "time": self.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "phase": if result.is_some() { "result" } else { "request" },
            "caller": self.caller,
            "action": "securityhub:BatchUpdateFindings",
            "request": self.request,
            "batch": self.batch,
            "account": self.route.account_id,
            "region": self.route.region,
            "workflow_status": self.change.status.map(|s| s.label()),
            "note": self.change.note,
            "findings": self.findings.iter().map(|t| serde_json::json!({
                "id": t.id, "product_arn": t.product_arn, "account": t.account_id,
            })).collect::<Vec<_>>(),
        });
        match result {
            Some(Ok(r)) => {
                line["result"] = serde_json::json!({
                    "processed": r.processed.len(),
                    "unprocessed": r.unprocessed.iter().map(|u| serde_json::json!({
                        "id": u.id, "product_arn": u.product_arn,
                        "error_code": u.code, "error_message": u.message,
                    })).collect::<Vec<_>>(),
                });
            }
            Some(Err(e)) => line["error"] = serde_json::json!(e),
            None => {}
        }
        append_line(path, &line)
    }
}

#[cfg(test)]
mod tests;
