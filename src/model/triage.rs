//! Triage as values: what to change ([`Change`]) on which findings ([`Target`]), the
//! request the console sends ([`TriageRequest`]), the policy that says where writes are
//! allowed ([`WritePolicy`]), and what became of it ([`Outcome`]). Sending them is the
//! sources' write path.

use crate::model::{Finding, WorkflowStatus};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Security Hub's longest note.
pub const NOTE_MAX: usize = 512;
/// BatchUpdateFindings' most findings per call.
pub const BATCH: usize = 100;

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
            id: f.id.to_string(),
            product_arn: f.product_arn.to_string(),
            account_id: f.account_id.to_string(),
            account_name: account_name.to_string(),
            region: f.region.to_string(),
        }
    }

    /// The store key's hash of the finding.
    pub fn key_hash(&self) -> u64 {
        crate::model::key::key_hash(&crate::model::Finding::key_of(&self.id, &self.product_arn))
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
    /// Whether a pattern of `read_only` names the account, by id or by name. Names are
    /// matched without regard to letter case (`prod-*` protects `Prod-Payments`), and a
    /// pattern's surrounding spaces never make it protect nothing.
    pub fn is_read_only(&self, account_id: &str, account_name: &str) -> bool {
        self.read_only
            .iter()
            .any(|p| Self::names(p, account_id, account_name))
    }

    fn names(pattern: &str, account_id: &str, account_name: &str) -> bool {
        use crate::util::glob::glob_ci;
        let p = pattern.trim();
        glob_ci(p, account_id) || (!account_name.is_empty() && glob_ci(p, account_name))
    }

    /// The known accounts (id, name) kept read-only, and the patterns that match none of
    /// them, for the operator to check at start and in the sources view.
    pub fn read_only_accounts<'a>(
        &'a self,
        accounts: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) -> (Vec<&'a str>, Vec<&'a str>) {
        let mut protected: Vec<&str> = accounts
            .clone()
            .filter(|(id, name)| self.is_read_only(id, name))
            .map(|(id, name)| if name.is_empty() { id } else { name })
            .collect();
        protected.sort_unstable();
        let unmatched = self
            .read_only
            .iter()
            .filter(|p| !accounts.clone().any(|(id, name)| Self::names(p, id, name)))
            .map(String::as_str)
            .collect();
        (protected, unmatched)
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
