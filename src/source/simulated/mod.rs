//! The simulated organization behind `rampart --demo`: a source like any other.
//!
//! It builds real wire formats (ASFF findings, credential-report CSV, CloudTrail records)
//! and feeds them through the same parsers as live AWS and replay, then sends the same
//! typed updates. Everything is a pure function of (seed, scale, now): the same seed and
//! `--now` give the same organization. Then it lives: every tick new findings arrive and
//! some are resolved, archived or change severity, and new CloudTrail events come in.

pub mod activity;
pub mod credentials;
pub mod exposures;
pub mod findings;
pub mod guardduty;
pub mod hub;
pub mod org;
pub mod pillar;
pub mod rng;
mod source;

pub use source::DemoSource;
pub mod unused;

use crate::feed::{Command, SourceHealth, SourceKey, Status, Update};
use crate::model::{Account, Clock, CredentialRecord, Exposure, Finding, TrailEvent};
use crate::source::{Source, SourceContext, SourceFuture};
use chrono::{DateTime, Duration, Utc};
use rng::Rng;
use serde_json::{json, Value};

pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_FINDINGS: usize = 3_000;
/// At the default scale: IAM users besides the roots, exposures, routine events.
const BASE_USERS: usize = 210;
const BASE_EXPOSURES: usize = 64;
const BASE_EVENTS: usize = 2_000;
/// Findings per `Update::Findings`, so the console draws while a big demo loads.
const BATCH: usize = 2_000;
/// The first batch is small so that findings are on screen within milliseconds.
const FIRST_BATCH: usize = 300;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// `--demo-scale N`: the number of findings; users, exposures and events follow.
    pub findings: usize,
    /// Timestamps are relative to this instant.
    pub now: DateTime<Utc>,
    /// Interval of the live updates.
    pub tick: std::time::Duration,
    /// Judges the simulated CloudTrail records, as a live source's would be.
    pub detector: std::sync::Arc<crate::drill::detect::Detector>,
}

impl DemoOptions {
    pub fn new(seed: u64, findings: Option<usize>, now: DateTime<Utc>) -> DemoOptions {
        DemoOptions {
            seed,
            findings: findings.unwrap_or(DEFAULT_FINDINGS).max(1),
            now,
            tick: std::time::Duration::from_secs(4),
            detector: Default::default(),
        }
    }

    fn scaled(&self, base: usize) -> usize {
        ((base as f64) * self.findings as f64 / DEFAULT_FINDINGS as f64).round() as usize
    }

    pub fn users(&self) -> usize {
        self.scaled(BASE_USERS).max(org::ACCOUNTS.len())
    }

    pub fn exposures(&self) -> usize {
        self.scaled(BASE_EXPOSURES).max(1)
    }

    pub fn events(&self) -> usize {
        self.scaled(BASE_EVENTS).max(1)
    }

    /// How many records the organization holds (findings, unused access, exposures,
    /// events, credential-report rows), as the sources view counts them; equal to
    /// [`DemoOrg::records`] of what [`generate`] builds.
    pub fn records(&self) -> usize {
        self.findings
            + unused::findings(self.seed, self.now).len()
            + self.exposures()
            + self.events()
            + activity::suspicious(self.seed, self.now).len()
            + self.users()
            + org::ACCOUNTS.len()
    }
}

impl DemoOrg {
    /// Every record it holds, credential-report rows included.
    pub fn records(&self) -> usize {
        self.findings.len()
            + self.unused_access.len()
            + self.exposures.len()
            + self.events.len()
            + self
                .credentials
                .iter()
                .map(|b| b.records.len())
                .sum::<usize>()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CredentialBatch {
    pub account_id: String,
    pub generated_at: DateTime<Utc>,
    pub records: Vec<CredentialRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoOrg {
    pub accounts: Vec<Account>,
    pub regions: Vec<String>,
    pub findings: Vec<Finding>,
    pub credentials: Vec<CredentialBatch>,
    pub exposures: Vec<Exposure>,
    pub events: Vec<TrailEvent>,
    /// Access Analyzer's unused roles and permissions (findings, sent after the rest).
    pub unused_access: Vec<Finding>,
}

/// Maps `0..n` through `f` on every core; the result is in index order whatever the
/// number of threads, so output does not depend on the machine. It is built a piece at a
/// time into one list: gathering each thread's whole share first held the 666k CloudTrail
/// events of a million-finding demo (200 MB) twice over.
fn par_map<T: Send>(n: usize, f: impl Fn(u64) -> Option<T> + Sync) -> Vec<T> {
    const PIECE: usize = 65_536;
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(8);
    if n < 2_000 || threads == 1 {
        return (0..n as u64).filter_map(f).collect();
    }
    let mut out = Vec::with_capacity(n);
    let f = &f;
    for start in (0..n).step_by(PIECE) {
        let piece = start..n.min(start + PIECE);
        let chunk = piece.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let lo = (piece.start + t * chunk).min(piece.end);
                    let hi = (lo + chunk).min(piece.end);
                    s.spawn(move || (lo as u64..hi as u64).filter_map(f).collect::<Vec<T>>())
                })
                .collect();
            for h in handles {
                out.extend(h.join().unwrap_or_default());
            }
        });
    }
    out
}

/// Builds the whole organization. Pure: same options, same organization.
pub fn generate(opts: &DemoOptions) -> DemoOrg {
    let findings = findings_in(opts, 0..opts.findings);
    let rest = generate_rest(opts);
    DemoOrg {
        accounts: org::accounts(),
        regions: org::REGIONS.iter().map(|r| r.to_string()).collect(),
        findings,
        credentials: rest.credentials,
        exposures: rest.exposures,
        events: rest.events,
        unused_access: rest.unused_access,
    }
}

/// The findings with indices in `range`: each depends only on the seed, its index and
/// the time, so building them in pieces gives the same organization.
fn findings_in(opts: &DemoOptions, range: std::ops::Range<usize>) -> Vec<Finding> {
    let (seed, now, start) = (opts.seed, opts.now, range.start as u64);
    par_map(range.len(), |i| findings::finding(seed, start + i, now))
}

/// Everything but the findings.
struct Rest {
    credentials: Vec<CredentialBatch>,
    unused_access: Vec<Finding>,
    exposures: Vec<Exposure>,
    events: Vec<TrailEvent>,
}

fn generate_rest(opts: &DemoOptions) -> Rest {
    let (seed, now) = (opts.seed, opts.now);
    let users = opts.users();
    let n_accounts = org::ACCOUNTS.len();
    let credentials = (0..n_accounts)
        .map(|a| {
            let per = users / n_accounts + usize::from(a < users % n_accounts);
            let mut r = Rng::for_item(seed, 0xC3, a as u64);
            CredentialBatch {
                account_id: org::ACCOUNTS[a].0.to_string(),
                generated_at: now - Duration::minutes(r.range(5, 240)),
                records: credentials::records(&credentials::report_csv(seed, a, per, now)),
            }
        })
        .collect();
    let exposures = (0..opts.exposures() as u64)
        .map(|i| exposures::exposure(seed, i, now))
        .collect();
    let mut events: Vec<TrailEvent> = par_map(opts.events(), |i| {
        activity::parse(&activity::routine(seed, i, now))
    });
    let suspicious = activity::suspicious(seed, now);
    // Exactly: growing would double a 200 MB list's capacity for a few dozen events.
    events.reserve_exact(suspicious.len());
    events.extend(suspicious.iter().filter_map(activity::parse));
    opts.detector.run(&mut events);
    // The generators' scratch memory (JSON trees) goes back to the system, so the store
    // that follows does not stack on top of it.
    crate::util::allocator::release_freed_memory();
    Rest {
        credentials,
        unused_access: unused::findings(seed, now),
        exposures,
        events,
    }
}

/// Sends the organization while it is being built: the first findings reach the screen
/// before the rest exists. The store ends up exactly as with [`initial_updates`] of
/// [`generate`]. Stops early when `send` returns false.
pub fn stream(opts: &DemoOptions, at: DateTime<Utc>, mut send: impl FnMut(Update) -> bool) {
    if !send(Update::Accounts(org::accounts())) {
        return;
    }
    let (mut start, mut size) = (0, FIRST_BATCH);
    while start < opts.findings {
        let end = opts.findings.min(start + size);
        let batch = findings_in(opts, start..end);
        let compliance = compliance_of(&batch);
        if !send(Update::Findings(batch)) {
            return;
        }
        if !compliance.is_empty() && !send(Update::Compliance(compliance)) {
            return;
        }
        (start, size) = (end, BATCH);
    }
    let rest = generate_rest(opts);
    let records = opts.records();
    for update in rest.into_updates(records, at) {
        if !send(update) {
            return;
        }
    }
}

fn key() -> SourceKey {
    SourceKey::service("demo")
}

fn health(status: Status, at: Option<DateTime<Utc>>, records: usize) -> Update {
    Update::Health(
        key(),
        SourceHealth {
            status,
            last_success: at,
            error: None,
            records,
            next_poll: None,
        },
    )
}

/// The updates that deliver an organization, in the order the source sends them.
pub fn initial_updates(org: DemoOrg, at: DateTime<Utc>) -> Vec<Update> {
    let records = org.records();
    let mut updates = vec![Update::Accounts(org.accounts)];
    // Exactly sized batches: `split_off` would leave each batch holding the capacity of
    // everything after it, a quadratic peak at 100k findings.
    for batch in batches(org.findings) {
        let compliance = compliance_of(&batch);
        updates.push(Update::Findings(batch));
        if !compliance.is_empty() {
            updates.push(Update::Compliance(compliance));
        }
    }
    let rest = Rest {
        credentials: org.credentials,
        unused_access: org.unused_access,
        exposures: org.exposures,
        events: org.events,
    };
    updates.extend(rest.into_updates(records, at));
    updates
}

impl Rest {
    /// Credentials, exposures, events, then the health that says everything is in; made
    /// as they are taken, so the events are never held both whole and in batches.
    fn into_updates(self, records: usize, at: DateTime<Utc>) -> impl Iterator<Item = Update> {
        let credentials = self
            .credentials
            .into_iter()
            .map(|batch| Update::Credentials {
                account_id: batch.account_id,
                generated_at: batch.generated_at,
                records: batch.records,
            });
        credentials
            .chain([
                Update::Findings(self.unused_access),
                Update::Exposures(self.exposures),
            ])
            .chain(batches(self.events).map(Update::Events))
            .chain(std::iter::once_with(move || pillar::updates(at)).flatten())
            .chain(std::iter::once_with(move || {
                health(Status::Ok, Some(at), records)
            }))
    }
}

/// The Config evaluations behind the demo's Config findings (as AWS Config reports them
/// for the compliance pane): the rule is the finding's title.
fn compliance_of(findings: &[Finding]) -> Vec<crate::model::ComplianceResult> {
    findings
        .iter()
        .filter(|f| &*f.product == "Config")
        .filter_map(|f| {
            let resource = f.resources.first()?;
            Some(crate::model::ComplianceResult {
                account_id: Some(f.account_id.to_string()),
                region: Some(f.region.to_string()),
                rule: f.title.to_string(),
                compliance_type: "NON_COMPLIANT".into(),
                resource_type: resource.kind.to_string(),
                resource_id: resource.id.to_string(),
                annotation: findings::CONFIG_RULES
                    .iter()
                    .find(|(rule, ..)| *rule == &*f.title)
                    .map(|(.., annotation)| annotation.to_string()),
                recorded_at: Some(f.updated_at),
            })
        })
        .collect()
}

/// `rows` in order, in batches of [`BATCH`].
fn batches<T>(mut rows: Vec<T>) -> impl Iterator<Item = Vec<T>> {
    // Taken from the end of the reversed list, each batch's memory is given back as it
    // leaves (shrinking a large block remaps it in place), so the list and its batches
    // together never hold much more than the list did.
    rows.reverse();
    std::iter::from_fn(move || {
        if rows.is_empty() {
            return None;
        }
        let mut batch = rows.split_off(rows.len().saturating_sub(BATCH));
        batch.reverse();
        if rows.capacity() - rows.len() >= 16 * BATCH {
            rows.shrink_to_fit();
        }
        Some(batch)
    })
}

/// Whether the product that wrote a finding changes its severity over time.
fn rerates(v: &Value) -> bool {
    let arn = v["ProductArn"].as_str().unwrap_or_default();
    arn.ends_with("/guardduty") || arn.ends_with("/inspector")
}

fn set_times(v: &mut Value, first: DateTime<Utc>, updated: DateTime<Utc>) {
    v["FirstObservedAt"] = json!(findings::time(first));
    v["CreatedAt"] = json!(findings::time(first));
    v["LastObservedAt"] = json!(findings::time(updated));
    v["UpdatedAt"] = json!(findings::time(updated));
}

/// How many finding numbers the demo's new findings cycle through: four a tick for 900
/// ticks (an hour at the default 4-second tick).
const RECURRING: u64 = 4 * 900;

/// One step of the living organization: pure, so tests can check it. `opts.now` is when
/// the organization was built; `now` is the time of this step.
pub fn live_step(opts: &DemoOptions, tick: u64, now: DateTime<Utc>) -> Vec<Update> {
    let mut r = Rng::for_item(opts.seed, 0x11FE, tick);
    let mut changed = Vec::new();
    // New findings come back after 900 ticks, the same ones at the same tick of the cycle:
    // an organization in a steady state, whose store does not grow however long the demo
    // runs.
    let slot = tick % (RECURRING / 4);
    for j in 0..Rng::for_item(opts.seed, 0x11FF, slot).range(1, 4) as u64 {
        let n = opts.findings as u64 + slot * 4 + j;
        let mut v = findings::asff_value(opts.seed, n, now);
        set_times(&mut v, now - Duration::seconds(r.range(5, 120)), now);
        v["Workflow"] = json!({"Status": "NEW"});
        changed.extend(findings::parse(&v));
    }
    for _ in 0..r.range(1, 3) {
        let i = r.below(opts.findings as u64);
        let mut v = findings::asff_value(opts.seed, i, opts.now);
        match r.below(10) {
            0..=4 => v["Workflow"] = json!({"Status": "RESOLVED"}),
            5..=6 => v["RecordState"] = json!("ARCHIVED"),
            // Only the products that re-score re-rate: GuardDuty and Inspector. A Config
            // rule or a control has one severity; such a finding is resolved instead.
            _ if !rerates(&v) => v["Workflow"] = json!({"Status": "RESOLVED"}),
            _ => {
                let (label, product) = *r.pick(&[
                    ("CRITICAL", 9.0),
                    ("HIGH", 8.0),
                    ("MEDIUM", 5.0),
                    ("LOW", 2.0),
                ]);
                v["Severity"]["Label"] = json!(label);
                v["Severity"]["Original"] = json!(label);
                if v["Severity"].get("Product").is_some() {
                    v["Severity"]["Product"] = json!(product);
                }
            }
        }
        v["UpdatedAt"] = json!(findings::time(now));
        v["LastObservedAt"] = json!(findings::time(now));
        changed.extend(findings::parse(&v));
    }
    let mut events: Vec<TrailEvent> = (0..r.range(0, 4) as u64)
        .filter_map(|j| {
            let mut v = activity::routine(opts.seed, (opts.events() as u64) + tick * 4 + j, now);
            v["eventTime"] = json!((now - Duration::seconds(r.range(1, 60)))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            activity::parse(&v)
        })
        .collect();
    opts.detector.run(&mut events);
    let mut updates = vec![Update::Findings(changed)];
    if !events.is_empty() {
        updates.push(Update::Events(events));
    }
    // The sources view counts what the organization holds, tick after tick.
    updates.push(health(Status::Ok, Some(now), opts.records()));
    updates
}

#[cfg(test)]
mod consistency_tests;
#[cfg(test)]
mod tests;
