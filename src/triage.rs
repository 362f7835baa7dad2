//! Triage writes: set the workflow status and the Security Hub note of findings with
//! BatchUpdateFindings, in batches of 100, only when the operator allowed writes and never
//! in an account kept read-only.
//!
//! The policy, the batching and the audit log live here; a source supplies the client as a
//! [`FindingsWriter`], so the same path runs against AWS, the simulated organization and the
//! tests' mocked clients. Each batch is written to the audit log before it is sent (a write
//! that cannot be recorded is not sent) and again with its result.

use crate::model::{Finding, WorkflowStatus};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};

/// Security Hub's longest note.
pub const NOTE_MAX: usize = 512;
/// BatchUpdateFindings' most findings per call.
pub const BATCH: usize = 100;
/// The audit log's file name in the state directory.
pub const AUDIT_FILE: &str = "audit.jsonl";
/// The simulated organization's audit log: its writes never mix with real ones.
pub const DEMO_AUDIT_FILE: &str = "audit-demo.jsonl";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    #[error("the note is {0} characters; Security Hub keeps at most {NOTE_MAX}")]
    NoteTooLong(usize),
    #[error("nothing to change: name a status (resolve, suppress, notify, reopen) or a note")]
    Nothing,
    #[error("writes are off: start with --allow-writes or set allowed = true in [writes]")]
    WritesOff,
    #[error("no state directory for the audit log, so nothing is sent")]
    NoAuditLog,
}

/// What to change on each finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub status: Option<WorkflowStatus>,
    /// Replaces the finding's note (Security Hub keeps one).
    pub note: Option<String>,
}

impl Change {
    /// A change with a status, a note (trimmed; empty means none), or both.
    pub fn new(status: Option<WorkflowStatus>, note: &str) -> Result<Change, TriageError> {
        let note = note.trim();
        let chars = note.chars().count();
        if chars > NOTE_MAX {
            return Err(TriageError::NoteTooLong(chars));
        }
        let note = (!note.is_empty()).then(|| note.to_string());
        if status.is_none() && note.is_none() {
            return Err(TriageError::Nothing);
        }
        Ok(Change { status, note })
    }

    /// In words, for the confirmation and the status line.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.status {
            parts.push(format!("workflow status {s}"));
        }
        if let Some(n) = &self.note {
            let short: String = n.chars().take(40).collect();
            let more = if short.len() < n.len() { "…" } else { "" };
            parts.push(format!("note \"{short}{more}\""));
        }
        parts.join(" and ")
    }
}

/// One finding as BatchUpdateFindings names it, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub product_arn: String,
    pub account_id: String,
    pub account_name: String,
    pub region: String,
}

impl Target {
    pub fn of(f: &Finding, account_name: &str) -> Target {
        Target {
            id: f.id.clone(),
            product_arn: f.product_arn.to_string(),
            account_id: f.account_id.to_string(),
            account_name: account_name.to_string(),
            region: f.region.to_string(),
        }
    }

    /// The store key's hash of the finding.
    pub fn key_hash(&self) -> u64 {
        crate::store::key_hash(&format!("{}\u{1f}{}", self.id, self.product_arn))
    }
}

/// A triage the operator confirmed.
#[derive(Debug, Clone)]
pub struct TriageRequest {
    pub id: u64,
    pub targets: Vec<Target>,
    pub change: Change,
    /// Who the note is from (Security Hub's `UpdatedBy`).
    pub updated_by: String,
    /// The records as the console holds them. The simulated organization applies the
    /// change to them, as Security Hub would; live AWS does not need them.
    pub records: Vec<Finding>,
}

/// Whether writes are allowed at all, and the accounts kept read-only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritePolicy {
    pub allowed: bool,
    /// Account ids or names, `*` globs (`prod-*`).
    pub read_only: Vec<String>,
    /// Where the audit log is appended; no directory means nothing is sent.
    pub state_dir: Option<PathBuf>,
}

impl WritePolicy {
    pub fn is_read_only(&self, account_id: &str, account_name: &str) -> bool {
        use crate::source::aws::discover::glob;
        self.read_only
            .iter()
            .any(|p| glob(p, account_id) || glob(p, account_name))
    }

    /// Why this target may not be changed, or `None` when it may.
    pub fn refuses(&self, t: &Target) -> Option<String> {
        if !self.allowed {
            return Some(TriageError::WritesOff.to_string());
        }
        // An account whose name is not known cannot be checked against name patterns:
        // read-only must never be bypassed by a missing name.
        let unnamed = t.account_name.is_empty() || t.account_name == t.account_id;
        let by_name = self
            .read_only
            .iter()
            .any(|p| !p.chars().all(|c| c.is_ascii_digit() || c == '*'));
        if unnamed && by_name && !self.is_read_only(&t.account_id, "") {
            return Some(format!(
                "account {} has no known name to check against [writes] read_only",
                t.account_id
            ));
        }
        self.is_read_only(&t.account_id, &t.account_name).then(|| {
            format!(
                "{} is read-only ([writes] read_only)",
                if t.account_name.is_empty() {
                    &t.account_id
                } else {
                    &t.account_name
                }
            )
        })
    }

    pub fn audit_path(&self, file: &str) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|d| d.join(file))
    }
}

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

/// A tabletop drill's finding to import into Security Hub (BatchImportFindings), in the
/// account's own default product, labelled as a drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillFinding {
    pub request: u64,
    pub drill: String,
    pub id: String,
    pub target: Target,
    pub title: String,
    pub description: String,
    /// Severity label: CRITICAL, HIGH, MEDIUM, LOW.
    pub severity: String,
    pub types: Vec<String>,
    pub at: DateTime<Utc>,
}

impl DrillFinding {
    /// The account's own product, the only one a caller may import into.
    pub fn product_arn(&self) -> String {
        let partition = crate::model::console::partition_of_region(&self.target.region);
        format!(
            "arn:{partition}:securityhub:{}:{}:product/{}/default",
            self.target.region, self.target.account_id, self.target.account_id
        )
    }
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

/// What became of each finding of a request, by store key hash: `Ok` sent and accepted
/// (the next reconcile confirms it), `Err` why it did not change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub request: u64,
    pub results: Vec<(u64, Result<(), String>)>,
    /// BatchUpdateFindings calls made.
    pub calls: usize,
}

impl Outcome {
    pub fn accepted(&self) -> usize {
        self.results.iter().filter(|(_, r)| r.is_ok()).count()
    }
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
    let hash = crate::store::key_hash(&format!("{}\u{1f}{}", f.id, f.product_arn()));
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
        crate::notes::create_private_dir(dir)
            .map_err(|e| format!("audit log directory {}: {e}", dir.display()))?;
    }
    crate::statefile::append_line(path, v.to_string().as_bytes())
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
