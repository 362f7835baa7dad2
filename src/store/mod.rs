//! The in-memory store that the UI loop owns.
//!
//! Sources never touch it: the loop applies their [`Update`]s one by one. Each dataset is
//! a [`Table`] that upserts by key and keeps a lowercase search text per row, so that a
//! keystroke filter over 100k findings is a scan of prepared strings, not a re-format.
//! A failed poll never removes data: health is tracked beside the data, per source.
//!
//! Findings change only through [`Store::apply`]: its write and removal hooks keep the
//! counts, the overview's tally (`tally`) and the resource index (`resources`) equal to
//! what a pass over every finding would find, so that none of them costs a pass; events
//! likewise keep the count of those a detection fired on (`flagged`), and exposures those
//! open to the public or outside the watched accounts (`exposed`).
//!
//! May import: `util`, `model`, `feed`.

pub mod exposed;
mod facets;
pub mod fields;
pub mod flagged;
mod keyed;
pub mod pending;
pub mod query;
pub mod related;
pub mod resources;
pub mod sort;
pub mod table;
pub mod tally;

use crate::feed::{Gone, SourceHealth, SourceKey, Status, Update};
use crate::model::exposure;
use crate::model::{
    Account, ComplianceResult, CredentialRecord, Exposure, Finding, Severity, TrailEvent,
};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
pub use table::{row_hash, Keyed, Table};

/// Which datasets an update touched, so the loop re-sorts only what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changed {
    pub accounts: bool,
    pub findings: bool,
    pub credentials: bool,
    pub exposures: bool,
    pub compliance: bool,
    pub events: bool,
    pub sources: bool,
}

impl Changed {
    pub fn any(self) -> bool {
        self.accounts
            || self.findings
            || self.credentials
            || self.exposures
            || self.compliance
            || self.events
            || self.sources
    }

    pub fn merge(&mut self, o: Changed) {
        self.accounts |= o.accounts;
        self.findings |= o.findings;
        self.credentials |= o.credentials;
        self.exposures |= o.exposures;
        self.compliance |= o.compliance;
        self.events |= o.events;
        self.sources |= o.sources;
    }
}

/// Account id -> display name and environment.
#[derive(Debug, Default, Clone)]
pub struct Accounts(HashMap<String, Account>);

impl Accounts {
    /// The display name, or the id itself when the account is unknown.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.0.get(id).map(|a| a.name.as_str()).unwrap_or(id)
    }

    pub fn get(&self, id: &str) -> Option<&Account> {
        self.0.get(id)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Account> {
        self.0.values()
    }
}

/// Open findings per severity, and per account the counts by severity.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Indexed by `Severity as usize` (informational = 0 .. critical = 4).
    pub by_severity: [usize; 5],
    /// Account id -> counts by severity, open findings only.
    pub by_account: BTreeMap<String, [usize; 5]>,
    pub open: usize,
}

impl Counts {
    pub fn severity(&self, s: Severity) -> usize {
        self.by_severity[s as usize]
    }

    fn add(&mut self, f: &Finding) {
        if !f.is_open() {
            return;
        }
        let s = f.severity as usize;
        self.by_severity[s] += 1;
        match self.by_account.get_mut(&*f.account_id) {
            Some(n) => n[s] += 1,
            None => {
                let mut n = [0; 5];
                n[s] = 1;
                self.by_account.insert(f.account_id.to_string(), n);
            }
        }
        self.open += 1;
    }

    fn remove(&mut self, f: &Finding) {
        if !f.is_open() {
            return;
        }
        let s = f.severity as usize;
        self.by_severity[s] = self.by_severity[s].saturating_sub(1);
        if let Some(n) = self.by_account.get_mut(&*f.account_id) {
            n[s] = n[s].saturating_sub(1);
            if n.iter().all(|c| *c == 0) {
                self.by_account.remove(&*f.account_id);
            }
        }
        self.open = self.open.saturating_sub(1);
    }
}

#[derive(Debug, Default)]
pub struct Store {
    pub accounts: Accounts,
    pub findings: Table<Finding>,
    pub credentials: Table<CredentialRecord>,
    /// When each account's credential report was generated.
    pub credential_reports: BTreeMap<String, DateTime<Utc>>,
    pub exposures: Table<Exposure>,
    /// AWS Config evaluations (shown by a later pane; exported and replayed now).
    pub compliance: Table<ComplianceResult>,
    pub events: Table<TrailEvent>,
    /// Standing administrator access, in key order (a few hundred rows at most: no table).
    pub standing: Vec<crate::model::StandingAccess>,
    /// The team's Well-Architected Tool answers, by (workload, question).
    pub wa_answers: Vec<crate::model::WaAnswer>,
    pub sources: BTreeMap<SourceKey, SourceHealth>,
    /// Kept up to date row by row as findings change: recounting 100,000 findings cost
    /// a frame 5 ms after every update, and a replay's thousand batches went quadratic.
    counts: Counts,
    /// The open findings by what the overview asks about, kept up likewise.
    tally: tally::OpenTally,
    /// Which findings name each resource, for a finding's detail.
    resources: resources::ResourceIndex,
    /// Which exposures are of each resource, likewise.
    exposure_resources: resources::ResourceIndex,
    /// The events detections fired on, kept up likewise.
    flagged: flagged::Flagged,
    /// The exposures open to the public or outside the watched accounts, likewise.
    exposed: exposed::Exposed,
    /// The latest `UpdatedAt` of any finding, kept up as findings are written; `None`
    /// (not known) once the finding holding it left, until it is next asked for.
    newest_update: Option<Option<DateTime<Utc>>>,
    applied: u64,
    /// Per finding (by key hash), the changes of severity and status this store has seen,
    /// oldest first, at most [`HISTORY_PER_FINDING`].
    history: HashMap<u64, Vec<HistoryEntry>>,
    /// Triage sent and not yet shown back by a poll, by finding key hash.
    pending: HashMap<u64, pending::Pending>,
    /// Why Security Hub did not take a finding's last triage.
    refused: HashMap<u64, String>,
    /// The console's clock at the update being applied (the system clock when unset).
    pub now: Option<DateTime<Utc>>,
    /// Set while the console applies its own pending display: no history entry.
    quiet_history: bool,
    /// Only written out ([`Store::for_export`]): no search text, no resource index, no
    /// exposure rows derived from controls (the export leaves those out).
    written_only: bool,
}

/// How many changes a finding's history keeps.
pub const HISTORY_PER_FINDING: usize = 20;

/// One change of a finding as the console saw it, at the finding's own `UpdatedAt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// `severity MEDIUM -> HIGH`, `status NEW -> RESOLVED`.
    pub what: String,
}

/// What changed between two versions of a finding that a responder cares about.
fn changes(old: &Finding, new: &Finding) -> Vec<HistoryEntry> {
    let mut out = Vec::new();
    let mut note = |what: &str, a: &str, b: &str| {
        if a != b {
            out.push(HistoryEntry {
                at: new.updated_at,
                what: format!("{what} {a} -> {b}"),
            });
        }
    };
    note("severity", old.severity.label(), new.severity.label());
    note(
        "status",
        old.workflow_status.label(),
        new.workflow_status.label(),
    );
    note("record", old.record_state.label(), new.record_state.label());
    note(
        "compliance",
        old.compliance_status.as_deref().unwrap_or("-"),
        new.compliance_status.as_deref().unwrap_or("-"),
    );
    out
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// A store that is written out and never searched (`rampart export` of the demo or
    /// live AWS; a replay's export builds the console's store): its tables keep
    /// no search text, the largest part of applying a sync of findings to a table, and
    /// what only the console's panes read is not kept: which findings name each resource,
    /// and the exposure rows derived from failed controls (a finding each already).
    pub fn for_export() -> Store {
        let mut store = Store {
            written_only: true,
            ..Store::default()
        };
        store.findings.keep_no_search_text();
        store.credentials.keep_no_search_text();
        store.exposures.keep_no_search_text();
        store.compliance.keep_no_search_text();
        store.events.keep_no_search_text();
        store
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// The open findings tallied for the overview.
    pub fn open_tally(&self) -> &tally::OpenTally {
        &self.tally
    }

    /// The exposures open to the public or outside the watched accounts, counted.
    pub fn exposed(&self) -> &exposed::Exposed {
        &self.exposed
    }

    /// The events detections fired on, counted.
    pub fn flagged_events(&self) -> &flagged::Flagged {
        &self.flagged
    }

    /// The rows of the findings that name any of the resources with these ids, each once.
    pub fn findings_on(&self, resource_ids: &[&str]) -> impl Iterator<Item = u32> + '_ {
        self.resources
            .holders(resource_ids)
            .filter_map(|k| self.findings.position_of_hash(k))
    }

    /// The latest `UpdatedAt` of any finding: what "seen up to" means for the watermarks.
    /// A pass over the findings only after the newest one left (leaving the findings
    /// pane asked on every switch: 20 ms at a million).
    pub fn newest_finding_update(&mut self) -> Option<DateTime<Utc>> {
        let findings = &self.findings;
        *self
            .newest_update
            .get_or_insert_with(|| findings.items().iter().map(|f| f.updated_at).max())
    }

    /// The changes seen of the finding with this key hash, oldest first.
    pub fn history(&self, key_hash: u64) -> &[HistoryEntry] {
        self.history.get(&key_hash).map_or(&[], Vec::as_slice)
    }

    /// How many updates the store has taken: whatever is computed from it is current
    /// while this has not moved.
    pub fn generation(&self) -> u64 {
        self.applied
    }

    /// Applies one update and says what changed.
    pub fn apply(&mut self, update: Update) -> Changed {
        self.applied += 1;
        // Shared text of replaced records lingers in the pool; sweep it now and then.
        if self.applied.is_multiple_of(1024) {
            crate::model::intern::purge_unused();
        }
        let mut changed = Changed::default();
        match update {
            Update::Accounts(list) => {
                for a in list {
                    self.accounts.0.insert(a.id.clone(), a);
                }
                // Search text includes account names: rebuild it everywhere.
                self.findings.reindex(&self.accounts);
                self.credentials.reindex(&self.accounts);
                self.exposures.reindex(&self.accounts);
                self.compliance.reindex(&self.accounts);
                self.events.reindex(&self.accounts);
                // Whether a grant goes outside depends on the accounts watched.
                self.exposed = exposed::Exposed::of(self.exposures.items(), &self.accounts);
                changed = Changed {
                    accounts: true,
                    findings: true,
                    credentials: true,
                    exposures: true,
                    compliance: true,
                    events: true,
                    sources: false,
                };
            }
            Update::Findings(mut list) => {
                let now = self.now.unwrap_or_else(Utc::now);
                self.reconcile_pending(&mut list, now);
                let counts = &mut self.counts;
                let tally = &mut self.tally;
                let resources = &mut self.resources;
                let history = &mut self.history;
                let quiet = self.quiet_history;
                let written_only = self.written_only;
                let newest = &mut self.newest_update;
                let mut exposed = Vec::new();
                let mut closed = Vec::new();
                changed.findings = self.findings.upsert_newer_with(
                    list,
                    &self.accounts,
                    |old, new| new.updated_at >= old.updated_at,
                    |old, new, hash| {
                        if !written_only {
                            resources.write(hash, old, new);
                        }
                        if let Some(old) = old {
                            counts.remove(old);
                            tally.remove(old);
                            let seen = if quiet { Vec::new() } else { changes(old, new) };
                            if !seen.is_empty() {
                                let h = history.entry(hash).or_default();
                                h.extend(seen);
                                let over = h.len().saturating_sub(HISTORY_PER_FINDING);
                                h.drain(..over);
                            }
                        }
                        counts.add(new);
                        tally.add(new);
                        // A rewrite is never older (`replace` above): the newest only grows.
                        if let Some(n) = newest {
                            *n = (*n).max(Some(new.updated_at));
                        }
                        if !written_only && exposure::is_exposure_control(new) {
                            let key = Keyed::key(new).into_owned();
                            match exposure::from_control_finding(new, key) {
                                Some(e) => exposed.push(e),
                                None => closed.push(hash),
                            }
                        }
                    },
                );
                changed.exposures = self.derive_exposures(exposed, &closed);
            }
            Update::Credentials {
                account_id,
                generated_at,
                records,
            } => {
                self.credentials.replace_where(
                    |r| r.account_id == account_id,
                    records,
                    &self.accounts,
                );
                self.credential_reports.insert(account_id, generated_at);
                changed.credentials = true;
            }
            // A poll brings every exposure and evaluation again: only those that differ
            // are written, so an unchanged poll moves no view and no mark.
            Update::Exposures(list) => {
                changed.exposures = self.write_exposures(list);
            }
            Update::Compliance(list) => {
                changed.compliance =
                    self.compliance
                        .upsert_newer(list, &self.accounts, |old, new| old != new);
            }
            Update::Events(list) => {
                changed.events = self.write_events(list);
            }
            Update::Standing { scope, records } => {
                let before = self.standing.len();
                self.standing.retain(|r| r.scope != scope);
                changed.sources = before != self.standing.len() || !records.is_empty();
                self.standing.extend(records);
                self.standing.sort_by(|a, b| a.key().cmp(&b.key()));
                self.standing.dedup_by(|a, b| a.key() == b.key());
            }
            Update::WaAnswers {
                workload_id,
                answers,
            } => {
                self.wa_answers.retain(|a| a.workload_id != workload_id);
                self.wa_answers.extend(answers);
                self.wa_answers.sort_by(|a, b| a.key().cmp(&b.key()));
                self.wa_answers.dedup_by(|a, b| a.key() == b.key());
                changed.sources = true;
            }
            Update::Marked(marks) => {
                let mut updated: std::collections::HashMap<String, TrailEvent> =
                    std::collections::HashMap::new();
                for (key, detection) in marks {
                    let e = match updated.entry(key) {
                        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            let Some(e) = self
                                .events
                                .position(v.key())
                                .and_then(|i| self.events.get(i))
                            else {
                                continue;
                            };
                            v.insert(e.clone())
                        }
                    };
                    if !e.detections.iter().any(|d| *d == detection) {
                        e.detections.push(detection.into());
                    }
                }
                changed.events = self.write_events(updated.into_values().collect());
            }
            Update::Health(key, health) => {
                let merged = merge_health(self.sources.get(&key), health);
                changed.sources = self.sources.get(&key) != Some(&merged);
                self.sources.insert(key, merged);
            }
            Update::Gone(gone) => match gone {
                Gone::Findings(keys) => {
                    let (counts, tally) = (&mut self.counts, &mut self.tally);
                    let resources = &mut self.resources;
                    let newest = &mut self.newest_update;
                    changed.findings = self.findings.remove_keys(&keys, |f| {
                        counts.remove(f);
                        tally.remove(f);
                        resources.remove(row_hash(f), f);
                        if *newest == Some(Some(f.updated_at)) {
                            *newest = None;
                        }
                    });
                    for k in &keys {
                        self.history.remove(k);
                        self.pending.remove(k);
                        self.refused.remove(k);
                    }
                    changed.exposures = self.remove_exposures(&keys);
                }
                Gone::Exposures(keys) => {
                    changed.exposures = self.remove_exposures(&keys);
                }
                Gone::Compliance(keys) => {
                    changed.compliance = self.compliance.remove_keys(&keys, |_| {});
                }
            },
            // The view and notes of a snapshot are the UI's, not data: the app takes them.
            Update::Handoff(_) => {}
            // A drill finding's import is told in the status line; the store has it already.
            Update::Imported(_) => {}
            Update::Triaged(outcome) => {
                changed.findings = self.take_outcome(outcome);
            }
            // Its events came as events; the timeline is the app's.
            Update::Looked(_) => {
                changed.events = true;
            }
        }
        changed
    }

    /// Writes events (a newer copy replaces the one held), keeping the flagged count.
    fn write_events(&mut self, list: Vec<TrailEvent>) -> bool {
        let flagged = &mut self.flagged;
        self.events.upsert_newer_with(
            list,
            &self.accounts,
            |_, _| true,
            |old, new, _| {
                if let Some(old) = old {
                    flagged.remove(old);
                }
                flagged.add(new);
            },
        )
    }

    /// Security Hub's exposure controls beside Access Analyzer's findings: failed ones in,
    /// passed or closed ones out (their rows share the finding's key).
    fn derive_exposures(&mut self, exposed: Vec<Exposure>, closed: &[u64]) -> bool {
        let mut changed = false;
        if !closed.is_empty() {
            changed |= self.remove_exposures(closed);
        }
        if !exposed.is_empty() {
            changed |= self.write_exposures(exposed);
        }
        changed
    }

    /// Writes the exposures that differ from the ones held, keeping the counts.
    fn write_exposures(&mut self, list: Vec<Exposure>) -> bool {
        let (counts, accounts) = (&mut self.exposed, &self.accounts);
        let index = &mut self.exposure_resources;
        self.exposures.upsert_newer_with(
            list,
            accounts,
            |old, new| old != new,
            |old, new, hash| {
                if let Some(old) = old {
                    counts.remove(old, accounts);
                }
                counts.add(new, accounts);
                index.write_one(hash, old.map(|o| o.resource.as_str()), &new.resource);
            },
        )
    }

    /// Removes the exposures with these key hashes, keeping the counts.
    fn remove_exposures(&mut self, keys: &[u64]) -> bool {
        let (counts, accounts) = (&mut self.exposed, &self.accounts);
        let index = &mut self.exposure_resources;
        self.exposures.remove_keys(keys, |e| {
            counts.remove(e, accounts);
            index.remove_one(row_hash(e), &e.resource);
        })
    }

    /// The rows of the exposures of any of the resources with these ids, each once.
    pub fn exposures_on(&self, resource_ids: &[&str]) -> impl Iterator<Item = u32> + '_ {
        self.exposure_resources
            .holders(resource_ids)
            .filter_map(|k| self.exposures.position_of_hash(k))
    }

    /// Removes the CloudTrail events from before `cutoff`: a console that runs for weeks
    /// keeps a window of activity, not all of it.
    pub fn retire_events(&mut self, cutoff: DateTime<Utc>) -> bool {
        let flagged = &mut self.flagged;
        let gone = self.events.remove_where(|e| {
            let old = e.event_time < cutoff;
            if old {
                flagged.remove(e);
            }
            old
        });
        if gone {
            self.applied += 1;
        }
        gone
    }

    /// The oldest `last_success` among sources that are not OK, for "stale since".
    pub fn worst_source(&self) -> Option<(&SourceKey, &SourceHealth)> {
        self.sources
            .iter()
            .filter(|(_, h)| h.status != Status::Ok && h.status != Status::NotEnabled)
            .max_by_key(|(_, h)| h.status)
    }
}

/// The counts from scratch: what the kept-up-to-date counts must equal.
#[cfg(test)]
fn count(findings: &[Finding]) -> Counts {
    let mut c = Counts::default();
    for f in findings {
        c.add(f);
    }
    c
}

/// A failure keeps the last success time, so the screen can say "stale since 12:03".
fn merge_health(prev: Option<&SourceHealth>, mut next: SourceHealth) -> SourceHealth {
    if next.last_success.is_none() {
        next.last_success = prev.and_then(|p| p.last_success);
    }
    if matches!(next.status, Status::Failed) && next.last_success.is_some() {
        next.status = Status::Stale;
    }
    next
}

#[cfg(test)]
mod tests;
