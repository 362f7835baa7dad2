//! The feed protocol between sources and the UI loop: what a source tells the store
//! ([`Update`]), what the console asks of sources ([`Command`]), and each feed's health
//! ([`SourceKey`], [`SourceHealth`]). Sources talk to the loop only through these.
//!
//! May import: `util`, `model`.

use crate::model::drill::Entry;
use crate::model::handoff::Handoff;
use crate::model::lookup::{Looked, Lookup};
use crate::model::triage::{DrillFinding, Outcome, TriageRequest};
use crate::model::{Account, ComplianceResult, CredentialRecord, Exposure, Finding, TrailEvent};
use chrono::{DateTime, Utc};
use std::fmt;

/// The service name of the warm-start cache's feed: data from the last session, shown
/// until every live source has synced once.
pub const CACHE: &str = "cache";

/// Which feed a piece of data came from: a service (or demo/replay) in one account and
/// region. The status line and export report health per key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceKey {
    /// `securityhub`, `accessanalyzer`, `config`, `cloudtrail`, `iam`, `demo`, `replay`.
    pub service: String,
    pub account_id: Option<String>,
    pub region: Option<String>,
    /// The file, for replay.
    pub file: Option<String>,
}

impl SourceKey {
    /// A service polled in one account and region.
    pub fn at(service: &str, account_id: &str, region: &str) -> SourceKey {
        SourceKey {
            service: service.into(),
            account_id: Some(account_id.to_string()),
            region: Some(region.to_string()),
            file: None,
        }
    }

    pub fn service(service: impl Into<String>) -> SourceKey {
        SourceKey {
            service: service.into(),
            account_id: None,
            region: None,
            file: None,
        }
    }
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.service)?;
        if let Some(a) = &self.account_id {
            write!(f, " {a}")?;
        }
        if let Some(r) = &self.region {
            write!(f, " {r}")?;
        }
        if let Some(file) = &self.file {
            write!(f, " {file}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Working on the first result.
    Loading,
    Ok,
    /// The last poll failed; the data shown is the last good data.
    Stale,
    /// Never succeeded.
    Failed,
    /// The service is not enabled in that account and region.
    NotEnabled,
}

impl Status {
    /// The words the export contract uses.
    pub fn label(self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Ok => "ok",
            Status::Stale => "stale",
            Status::Failed => "failed",
            Status::NotEnabled => "not_enabled",
        }
    }
}

/// The health of one source, as the status line and export show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHealth {
    pub status: Status,
    pub last_success: Option<DateTime<Utc>>,
    /// Why it is stale or failed, in words ("throttled", "access denied").
    pub error: Option<String>,
    pub records: usize,
    /// When a live poller will next ask (not part of the export).
    pub next_poll: Option<DateTime<Utc>>,
}

impl SourceHealth {
    /// Working on the first result: nothing yet, no error.
    pub fn loading() -> SourceHealth {
        SourceHealth {
            status: Status::Loading,
            last_success: None,
            error: None,
            records: 0,
            next_poll: None,
        }
    }
}

/// What a source tells the store. Findings, exposures and events are upserts by key;
/// credential rows replace the account's previous report.
#[derive(Debug, Clone)]
pub enum Update {
    Accounts(Vec<Account>),
    Findings(Vec<Finding>),
    Credentials {
        account_id: String,
        generated_at: DateTime<Utc>,
        records: Vec<CredentialRecord>,
    },
    Exposures(Vec<Exposure>),
    Compliance(Vec<ComplianceResult>),
    Events(Vec<TrailEvent>),
    /// Standing administrator access as one source read it: replaces every record of the
    /// same scope (a source that finds none sends an empty list).
    Standing {
        scope: String,
        records: Vec<crate::model::StandingAccess>,
    },
    /// One workload's Well-Architected Tool answers for the security pillar: replaces
    /// that workload's previous answers.
    WaAnswers {
        workload_id: String,
        answers: Vec<crate::model::WaAnswer>,
    },
    /// Detections found after their events were sent, as (event id, rule id): a
    /// correlation whose window spans two evidence files or two polls.
    Marked(Vec<(String, String)>),
    Health(SourceKey, SourceHealth),
    /// Records a live source no longer sees: resolved or suppressed elsewhere, archived,
    /// made compliant. The store removes them.
    Gone(Gone),
    /// A replayed hand-off snapshot: what its author was looking at, and their notes.
    Handoff(Box<Handoff>),
    /// What became of a triage request ([`Command::Triage`]).
    Triaged(Outcome),
    /// What became of a drill finding's import ([`Command::Import`]).
    Imported(Outcome),
    /// An on-demand CloudTrail lookup ([`Command::Lookup`]) ended; its events came before
    /// it as [`Update::Events`].
    Looked(Looked),
}

/// Records that left a source's set, by the hash of their store key
/// ([`crate::model::key::key_hash`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gone {
    Findings(Vec<u64>),
    Exposures(Vec<u64>),
    Compliance(Vec<u64>),
}

/// What the UI asks of sources. Every source gets every command; a source answers the
/// ones about its own data (a triage or a lookup names its accounts).
#[derive(Debug, Clone)]
pub enum Command {
    /// Poll now instead of waiting for the next interval.
    Refresh,
    /// Change findings the operator confirmed (the source checks the policy again).
    Triage(Box<TriageRequest>),
    /// Read CloudTrail around a finding.
    Lookup(Box<Lookup>),
    /// A detection drill started (its journal's first entry): the simulated organization
    /// plays the attack; live AWS waits for the team's own simulation.
    Drill(Box<Entry>),
    /// Import a tabletop drill's finding into Security Hub (confirmed, writes allowed).
    Import(Box<DrillFinding>),
}
