//! The security posture at a glance, question by question of the AWS Well-Architected
//! security pillar (SEC1..SEC11, from `data/wa-security-pillar.toml`): indicators computed
//! from the store, each with the best practices it speaks to and the evidence one key away
//! (a pane and a filter); per question, what rampart cannot see and the team's own
//! Well-Architected Tool answer, flagged where it disagrees with the evidence; an
//! accounts-by-regions grid of open findings; and the trend of open findings since the
//! console started.
//!
//! Everything here is computed from `&Store`: no I/O, no ratatui, so each indicator is
//! tested on hand-made stores.

use crate::feed::Status;
use crate::model::{CredentialRisk, Severity};
use crate::store::sort::CredentialKeys;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

mod controls;
mod grid;
mod indicators;
mod memo;
pub mod pillar;
mod questions;

pub use controls::{runbook_coverage, standing_admins};
pub use grid::{grid, Cell, Grid, Trend};
pub use indicators::{indicators, indicators_with, last_drill};
pub use memo::Memo;
pub use questions::{questions, QuestionView, WaView};

/// How an indicator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Good,
    Warn,
    Bad,
    /// No data yet to judge by.
    Unknown,
}

/// Where the evidence is: a pane (by its id, as in notes and snapshots, or `sources` for
/// the Sources view), the filter to show it with, and the sort (one of the pane's sort
/// names) that puts it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub pane: &'static str,
    pub filter: String,
    pub sort: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// The pillar question it belongs to: 1 for SEC1 .. 11 for SEC11.
    pub question: u8,
    /// The best practices it speaks to (`SEC02-BP01`), as in the pillar file.
    pub practices: &'static [&'static str],
    pub label: &'static str,
    pub value: String,
    pub level: Level,
    pub evidence: Option<Evidence>,
}

/// When a counted indicator reads "look" and "act": at or above `look` it is a warning, at
/// or above `act` it is bad; 0 turns that level off. Written `[look, act]` in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "BarSpec")]
pub struct Bar {
    pub look: u64,
    pub act: u64,
}

/// Whatever the file holds, so that the error can say what a bar looks like.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum BarSpec {
    Pair(Vec<u64>),
    Other(serde::de::IgnoredAny),
}

impl TryFrom<BarSpec> for Bar {
    type Error = String;

    fn try_from(spec: BarSpec) -> Result<Bar, String> {
        match spec {
            BarSpec::Pair(v) if v.len() == 2 => Ok(Bar {
                look: v[0],
                act: v[1],
            }),
            _ => Err("expected [look, act], two whole numbers such as [1, 25]".into()),
        }
    }
}

impl Bar {
    /// Any at all is bad.
    const ANY_IS_BAD: Bar = Bar { look: 1, act: 1 };
    /// Any at all is worth a look; never bad by count alone.
    const ANY_IS_A_LOOK: Bar = Bar { look: 1, act: 0 };

    pub fn level(self, n: usize) -> Level {
        let n = n as u64;
        if self.act > 0 && n >= self.act {
            Level::Bad
        } else if self.look > 0 && n >= self.look {
            Level::Warn
        } else {
            Level::Good
        }
    }
}

/// The overview's bars, indicator by indicator (`[overview]` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bars {
    pub sources_failing: Bar,
    pub config_noncompliant: Bar,
    pub console_users_without_mfa: Bar,
    /// A share: percent of active keys older than the age limit.
    pub old_keys_percent: Bar,
    pub unused_credentials: Bar,
    pub unused_access: Bar,
    pub services_off: Bar,
    pub detections: Bar,
    pub open_network: Bar,
    pub public_resources: Bar,
    pub outside_access: Bar,
    /// Resources failing encryption-at-rest controls (the key predates the split from
    /// in transit, and stays so that configs keep working).
    pub encryption_findings: Bar,
    pub critical_findings: Bar,
    pub vulnerabilities: Bar,
    pub users_with_keys: Bar,
    pub standing_admins: Bar,
    pub inspector_off: Bar,
    pub unmanaged_instances: Bar,
    pub macie_off: Bar,
    pub sensitive_data: Bar,
    pub in_transit: Bar,
    pub unscanned_code: Bar,
}

impl Default for Bars {
    fn default() -> Bars {
        Bars {
            sources_failing: Bar::ANY_IS_BAD,
            config_noncompliant: Bar::ANY_IS_A_LOOK,
            console_users_without_mfa: Bar::ANY_IS_BAD,
            // A few old keys are a chore; a quarter of them is a practice to fix.
            old_keys_percent: Bar { look: 1, act: 25 },
            unused_credentials: Bar::ANY_IS_A_LOOK,
            unused_access: Bar::ANY_IS_A_LOOK,
            services_off: Bar::ANY_IS_BAD,
            detections: Bar::ANY_IS_BAD,
            open_network: Bar::ANY_IS_BAD,
            public_resources: Bar::ANY_IS_BAD,
            outside_access: Bar::ANY_IS_A_LOOK,
            encryption_findings: Bar::ANY_IS_A_LOOK,
            critical_findings: Bar::ANY_IS_BAD,
            vulnerabilities: Bar::ANY_IS_BAD,
            users_with_keys: Bar::ANY_IS_A_LOOK,
            // Standing administrators are the thing just-in-time access removes: a few
            // break-glass ones are a look, a crowd is a practice to fix.
            standing_admins: Bar { look: 1, act: 10 },
            inspector_off: Bar::ANY_IS_BAD,
            unmanaged_instances: Bar::ANY_IS_A_LOOK,
            macie_off: Bar::ANY_IS_A_LOOK,
            sensitive_data: Bar::ANY_IS_A_LOOK,
            in_transit: Bar::ANY_IS_A_LOOK,
            unscanned_code: Bar::ANY_IS_A_LOOK,
        }
    }
}

impl Bars {
    /// Every bar with its config key, for validation.
    pub fn named(&self) -> [(&'static str, Bar); 22] {
        [
            ("sources_failing", self.sources_failing),
            ("config_noncompliant", self.config_noncompliant),
            ("console_users_without_mfa", self.console_users_without_mfa),
            ("old_keys_percent", self.old_keys_percent),
            ("unused_credentials", self.unused_credentials),
            ("unused_access", self.unused_access),
            ("services_off", self.services_off),
            ("detections", self.detections),
            ("open_network", self.open_network),
            ("public_resources", self.public_resources),
            ("outside_access", self.outside_access),
            ("encryption_findings", self.encryption_findings),
            ("critical_findings", self.critical_findings),
            ("vulnerabilities", self.vulnerabilities),
            ("users_with_keys", self.users_with_keys),
            ("standing_admins", self.standing_admins),
            ("inspector_off", self.inspector_off),
            ("unmanaged_instances", self.unmanaged_instances),
            ("macie_off", self.macie_off),
            ("sensitive_data", self.sensitive_data),
            ("in_transit", self.in_transit),
            ("unscanned_code", self.unscanned_code),
        ]
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod question_tests;
