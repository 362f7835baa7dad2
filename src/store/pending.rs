//! Triage the console sent and Security Hub has not shown back yet.
//!
//! The screen shows a triaged finding's new status at once, marked pending; the next poll
//! that returns the finding in that state confirms it (BatchUpdateFindings does not move
//! `UpdatedAt`, so that is usually the periodic reconcile). Until then a poll that still
//! shows the old state does not undo what the operator did, for at most [`HOLD`]; a
//! finding Security Hub refused goes back to its old state with the reason beside it.

use super::{row_hash, Store};
use crate::feed::Update;
use crate::model::triage::{Change, Outcome};
use crate::model::{Finding, WorkflowStatus};
use chrono::{DateTime, Duration, Utc};

/// How long a sent change outweighs polls that do not show it yet (two default reconciles).
pub const HOLD: Duration = Duration::minutes(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub request: u64,
    pub change: Change,
    /// The status before, restored if Security Hub refuses.
    pub before: WorkflowStatus,
    pub since: DateTime<Utc>,
    /// Security Hub accepted it; waiting for a poll to show it.
    pub accepted: bool,
}

impl Pending {
    /// Whether a polled record shows this change.
    fn shown_by(&self, f: &Finding) -> bool {
        self.change.status.is_none_or(|s| s == f.workflow_status)
            && self
                .change
                .note
                .as_deref()
                .is_none_or(|n| hub_note(f).is_some_and(|(text, _)| text == n))
    }
}

/// The finding's Security Hub note (`Note.Text`, `Note.UpdatedBy`), read from its raw record.
pub fn hub_note(f: &Finding) -> Option<(String, String)> {
    let raw: serde_json::Value = serde_json::from_slice(&f.raw.bytes()).ok()?;
    let note = raw.get("Note")?;
    let text = note.get("Text")?.as_str()?.to_string();
    let by = note
        .get("UpdatedBy")
        .and_then(|b| b.as_str())
        .unwrap_or("")
        .to_string();
    Some((text, by))
}

impl Store {
    /// Shows `change` on the finding at once, pending until a poll confirms it.
    pub fn begin_triage(&mut self, hash: u64, request: u64, change: &Change, now: DateTime<Utc>) {
        let Some(f) = self
            .findings
            .position_of_hash(hash)
            .and_then(|i| self.findings.get(i))
        else {
            return;
        };
        // A second change while the first is pending keeps the status Security Hub had.
        let before = self
            .pending
            .get(&hash)
            .map_or(f.workflow_status, |p| p.before);
        self.refused.remove(&hash);
        // Shown first, pending after: the record shown is not a poll's confirmation.
        if let Some(status) = change.status {
            let mut f = f.clone();
            f.workflow_status = status;
            self.apply_shown(f);
        }
        self.pending.insert(
            hash,
            Pending {
                request,
                change: change.clone(),
                before,
                since: now,
                accepted: false,
            },
        );
    }

    /// A record changed by the console itself (shown pending, or put back): not a change
    /// Security Hub reported, so not in the finding's history.
    fn apply_shown(&mut self, f: Finding) {
        self.quiet_history = true;
        self.apply(Update::Findings(vec![f]));
        self.quiet_history = false;
    }

    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    pub fn refused_count(&self) -> usize {
        self.refused.len()
    }

    pub fn pending(&self, hash: u64) -> Option<&Pending> {
        self.pending.get(&hash)
    }

    /// Why Security Hub did not take the last change of this finding.
    pub fn refused(&self, hash: u64) -> Option<&str> {
        self.refused.get(&hash).map(String::as_str)
    }

    /// Polled records against what is pending: a record that shows the change confirms it;
    /// one that does not yet is shown with the change while [`HOLD`] lasts.
    pub(super) fn reconcile_pending(&mut self, list: &mut [Finding], now: DateTime<Utc>) {
        if self.pending.is_empty() {
            return;
        }
        for f in list {
            let hash = row_hash(f);
            let Some(p) = self.pending.get(&hash) else {
                continue;
            };
            if p.shown_by(f) {
                self.pending.remove(&hash);
            } else if now - p.since < HOLD {
                if let Some(s) = p.change.status {
                    f.workflow_status = s;
                }
            } else {
                self.refused.insert(
                    hash,
                    format!(
                        "Security Hub still shows {} {} minutes after the change was sent",
                        f.workflow_status,
                        HOLD.num_minutes()
                    ),
                );
                self.pending.remove(&hash);
            }
        }
    }

    /// A triage's outcome: accepted findings wait for a poll, refused ones go back.
    pub(super) fn take_outcome(&mut self, outcome: Outcome) -> bool {
        let mut back = Vec::new();
        for (hash, result) in outcome.results {
            let Some(p) = self.pending.get_mut(&hash) else {
                continue;
            };
            if p.request != outcome.request {
                continue;
            }
            match result {
                Ok(()) => p.accepted = true,
                Err(why) => {
                    let before = p.before;
                    self.pending.remove(&hash);
                    self.refused.insert(hash, why);
                    if let Some(f) = self
                        .findings
                        .position_of_hash(hash)
                        .and_then(|i| self.findings.get(i))
                    {
                        let mut f = f.clone();
                        f.workflow_status = before;
                        back.push(f);
                    }
                }
            }
        }
        for f in back {
            self.apply_shown(f);
        }
        true
    }
}
