//! Sort orders for each dataset, as comparators over table positions.
//!
//! Each column sorts in its natural direction (worst severity, newest time and oldest risk
//! first; names A-Z) and breaks ties by the pane's default order, so rows never jump
//! around between refreshes.

use super::Store;
use crate::model::age::days_between;
use crate::model::{ComplianceResult, CredentialRecord, Exposure, Finding, Thresholds, TrailEvent};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

pub mod lead;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingSort {
    Severity,
    Title,
    Account,
    Region,
    Product,
    Resource,
    Status,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSort {
    Risk,
    Account,
    User,
    PasswordUsed,
    Mfa,
    KeyAge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplianceSort {
    Rule,
    Resource,
    Type,
    Account,
    Region,
    Recorded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposureSort {
    /// Most marks first (a public bucket with sensitive data, a role trusted from outside).
    Marked,
    Resource,
    Type,
    Account,
    Region,
    Grantee,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSort {
    Time,
    Event,
    User,
    Account,
    Region,
    SourceIp,
    Detections,
}

/// The default order's rank, where ranks tell two rows apart (they agree with the default
/// order then): the rows themselves are read only on a tie.
fn ranked(ranks: &[u64]) -> impl Fn(u32, u32) -> Ordering + '_ {
    move |a, b| match (ranks.get(a as usize), ranks.get(b as usize)) {
        (Some(x), Some(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Newest critical first.
fn finding_default(a: &Finding, b: &Finding) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| b.updated_at.cmp(&a.updated_at))
        .then_with(|| a.id.cmp(&b.id))
}

pub fn findings<'a>(store: &'a Store, col: FindingSort) -> impl Fn(u32, u32) -> Ordering + 'a {
    let items = store.findings.items();
    let by_rank = ranked(store.findings.ranks());
    let names = &store.accounts;
    move |ra, rb| {
        let (a, b) = (&items[ra as usize], &items[rb as usize]);
        let primary = match col {
            // The rank decides, below: the records are read only on a tie.
            FindingSort::Severity => Ordering::Equal,
            FindingSort::Title => a.title.cmp(&b.title),
            FindingSort::Account => names.name(&a.account_id).cmp(names.name(&b.account_id)),
            FindingSort::Region => a.region.cmp(&b.region),
            FindingSort::Product => a.product.cmp(&b.product),
            FindingSort::Resource => a.primary_resource().cmp(b.primary_resource()),
            FindingSort::Status => a.workflow_status.cmp(&b.workflow_status),
            FindingSort::Updated => b.updated_at.cmp(&a.updated_at),
        };
        primary
            .then_with(|| by_rank(ra, rb))
            .then_with(|| finding_default(a, b))
    }
}

/// What credential keys were worked out at: the table's revision and moves, the minute and
/// the limits.
pub type CredentialStamp = (u64, u64, i64, Thresholds);

/// Per credential row, what the pane's order, flags and count read: worked out once per
/// change of the reports, the minute or the limits, not on each comparison (a sort of
/// 70,000 rows worked out their risks and key ages 2.4 million times: 180 ms).
#[derive(Debug, Default, Clone)]
pub struct CredentialKeys {
    /// What the rows were worked out at.
    at: Option<CredentialStamp>,
    pub rows: Vec<CredentialKey>,
}

/// One credential row's risks and ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialKey {
    pub risks: crate::model::CredentialRisk,
    /// How long its riskiest thing has been true, in days (`None`: nothing at risk).
    pub oldest_risk: Option<i64>,
    /// The age of its oldest active key, in days.
    pub key_days: Option<i64>,
    /// Its active keys, and how many of them are older than the age limit.
    pub active_keys: u8,
    pub old_keys: u8,
    /// When (Unix seconds) the first of its dates turns a day older: until then the rest
    /// reads the same.
    until: i64,
}

impl CredentialKey {
    fn of(c: &CredentialRecord, now: DateTime<Utc>, limits: Thresholds) -> CredentialKey {
        let risks = c.risks(now, limits);
        let old =
            |t: &Option<DateTime<Utc>>| t.is_some_and(|t| days_between(t, now) > limits.age_days);
        let count = |n: usize| n.min(u8::MAX as usize) as u8;
        // Every age is whole days since one of these: each turns at its own time of day.
        let dates = [
            c.user_creation_time,
            c.password_last_used,
            c.password_last_changed,
        ];
        let keys = c
            .access_keys
            .iter()
            .flat_map(|k| [k.last_rotated, k.last_used]);
        // A date at the end of what a time can hold (a hostile report) never turns.
        let next_day = |t: DateTime<Utc>| {
            t.checked_add_signed(chrono::Duration::days(days_between(t, now) + 1))
                .map_or(i64::MAX, |t| t.timestamp())
        };
        CredentialKey {
            risks,
            oldest_risk: c.oldest_risk_days_given(risks, now),
            key_days: c.oldest_active_key_days(now),
            active_keys: count(c.active_keys().count()),
            old_keys: count(c.active_keys().filter(|k| old(&k.last_rotated)).count()),
            until: dates
                .into_iter()
                .chain(keys)
                .flatten()
                .map(next_day)
                .min()
                .unwrap_or(i64::MAX),
        }
    }
}

impl CredentialKeys {
    /// The keys for the store's credentials now, from `before` when nothing they read
    /// changed; else, with the same limits and no earlier minute, `before` caught up: the
    /// rows that left dropped, and only the rows written since and those one of whose
    /// dates turned a day older worked out again (each minute at a million findings,
    /// 70,000 rows: 10 ms, now a pass over their turning times; a report of 140 rows,
    /// those 140).
    pub fn of(
        before: Option<CredentialKeys>,
        store: &Store,
        now: DateTime<Utc>,
        limits: Thresholds,
    ) -> CredentialKeys {
        let at = Self::stamp_of(store, now, limits);
        match before {
            Some(keys) if keys.at == Some(at) => keys,
            Some(keys) => keys
                .caught_up(store, now, limits, at)
                .unwrap_or_else(|| Self::afresh(store, now, limits, at)),
            None => Self::afresh(store, now, limits, at),
        }
    }

    fn afresh(
        store: &Store,
        now: DateTime<Utc>,
        limits: Thresholds,
        at: CredentialStamp,
    ) -> CredentialKeys {
        let items = store.credentials.items();
        CredentialKeys {
            at: Some(at),
            rows: items
                .iter()
                .map(|c| CredentialKey::of(c, now, limits))
                .collect(),
        }
    }

    /// `None` when the table cannot say what changed since (its logs no longer reach
    /// back), the limits changed, or the clock went back.
    fn caught_up(
        mut self,
        store: &Store,
        now: DateTime<Utc>,
        limits: Thresholds,
        at: CredentialStamp,
    ) -> Option<CredentialKeys> {
        let (revision, moves, minute, was_limits) = self.at?;
        if was_limits != limits || minute > at.2 {
            return None;
        }
        let table = &store.credentials;
        let redo = table.rows_to_redo(revision, moves, self.rows.len(), |removal| {
            removal.compact(&mut self.rows)
        })?;
        let (items, held) = (table.items(), self.rows.len());
        let key = |row: usize| CredentialKey::of(&items[row], now, limits);
        // The rows added since come first, from the end of those held.
        for row in redo.into_iter().map(|r| r as usize) {
            match self.rows.get_mut(row) {
                Some(k) => *k = key(row),
                None => self.rows.push(key(row)),
            }
        }
        let secs = now.timestamp();
        for (row, k) in self.rows[..held].iter_mut().enumerate() {
            if k.until <= secs {
                *k = key(row);
            }
        }
        self.at = Some(at);
        Some(self)
    }

    /// Whether these are the keys of the store's credentials now.
    pub fn is_current(&self, store: &Store, now: DateTime<Utc>, limits: Thresholds) -> bool {
        self.at == Some(Self::stamp_of(store, now, limits))
    }

    fn stamp_of(store: &Store, now: DateTime<Utc>, limits: Thresholds) -> CredentialStamp {
        let table = &store.credentials;
        (
            table.revision(),
            table.moves(),
            now.timestamp().div_euclid(60),
            limits,
        )
    }

    /// What the rows were worked out at: equal stamps, equal rows.
    pub fn stamp(&self) -> Option<CredentialStamp> {
        self.at
    }

    fn get(&self, row: u32) -> Option<&CredentialKey> {
        self.rows.get(row as usize)
    }
}

/// Oldest risk first; rows without risk last, oldest key first among them.
fn credential_default(
    keys: (Option<&CredentialKey>, Option<&CredentialKey>),
    a: &CredentialRecord,
    b: &CredentialRecord,
) -> Ordering {
    let (ka, kb) = keys;
    // `Some` sorts after `None`, so compare b to a to put risky rows first.
    kb.map(|k| k.oldest_risk)
        .cmp(&ka.map(|k| k.oldest_risk))
        .then_with(|| kb.map(|k| k.key_days).cmp(&ka.map(|k| k.key_days)))
        .then_with(|| a.account_id.cmp(&b.account_id))
        .then_with(|| a.user.cmp(&b.user))
}

pub fn credentials<'a>(
    store: &'a Store,
    col: CredentialSort,
    keys: &'a CredentialKeys,
) -> impl Fn(u32, u32) -> Ordering + 'a {
    let items = store.credentials.items();
    let names = &store.accounts;
    move |ia, ib| {
        let (a, b) = (&items[ia as usize], &items[ib as usize]);
        let (ka, kb) = (keys.get(ia), keys.get(ib));
        let primary = match col {
            CredentialSort::Risk => Ordering::Equal,
            CredentialSort::Account => names.name(&a.account_id).cmp(names.name(&b.account_id)),
            CredentialSort::User => a.user.cmp(&b.user),
            // Longest unused first: `None` (never) before the oldest date.
            CredentialSort::PasswordUsed => a.password_last_used.cmp(&b.password_last_used),
            CredentialSort::Mfa => a.mfa_active.cmp(&b.mfa_active),
            CredentialSort::KeyAge => kb.map(|k| k.key_days).cmp(&ka.map(|k| k.key_days)),
        };
        primary.then_with(|| credential_default((ka, kb), a, b))
    }
}

/// Public before cross-account, newest first.
fn exposure_default(a: &Exposure, b: &Exposure) -> Ordering {
    b.is_public
        .cmp(&a.is_public)
        .then_with(|| b.updated_at.cmp(&a.updated_at))
        .then_with(|| a.id.cmp(&b.id))
}

pub fn exposures<'a>(
    store: &'a Store,
    col: ExposureSort,
    marks: &'a super::related::ExposureMarks,
) -> impl Fn(u32, u32) -> Ordering + 'a {
    let items = store.exposures.items();
    let names = &store.accounts;
    move |ia, ib| {
        let (a, b) = (&items[ia as usize], &items[ib as usize]);
        let primary = match col {
            ExposureSort::Marked => marks.score(ib).cmp(&marks.score(ia)),
            ExposureSort::Resource => a.resource.cmp(&b.resource),
            ExposureSort::Type => a.resource_type.cmp(&b.resource_type),
            ExposureSort::Account => names.name(&a.account_id).cmp(names.name(&b.account_id)),
            ExposureSort::Region => a.region.cmp(&b.region),
            ExposureSort::Grantee => Ordering::Equal,
            ExposureSort::Updated => b.updated_at.cmp(&a.updated_at),
        };
        primary.then_with(|| exposure_default(a, b))
    }
}

/// By rule, then account, region and resource.
fn compliance_default(a: &ComplianceResult, b: &ComplianceResult) -> Ordering {
    a.rule
        .cmp(&b.rule)
        .then_with(|| a.account_id.cmp(&b.account_id))
        .then_with(|| a.region.cmp(&b.region))
        .then_with(|| a.resource_id.cmp(&b.resource_id))
}

pub fn compliance<'a>(store: &'a Store, col: ComplianceSort) -> impl Fn(u32, u32) -> Ordering + 'a {
    let items = store.compliance.items();
    let names = &store.accounts;
    move |a, b| {
        let (a, b) = (&items[a as usize], &items[b as usize]);
        let account = |c: &'a ComplianceResult| names.name(c.account_id.as_deref().unwrap_or(""));
        let primary = match col {
            ComplianceSort::Rule => Ordering::Equal,
            ComplianceSort::Resource => a.resource_id.cmp(&b.resource_id),
            ComplianceSort::Type => a.resource_type.cmp(&b.resource_type),
            ComplianceSort::Account => account(a).cmp(account(b)),
            ComplianceSort::Region => a.region.cmp(&b.region),
            ComplianceSort::Recorded => b.recorded_at.cmp(&a.recorded_at),
        };
        primary.then_with(|| compliance_default(a, b))
    }
}

/// Newest first.
fn event_default(a: &TrailEvent, b: &TrailEvent) -> Ordering {
    b.event_time
        .cmp(&a.event_time)
        .then_with(|| a.event_id.cmp(&b.event_id))
}

pub fn events<'a>(store: &'a Store, col: EventSort) -> impl Fn(u32, u32) -> Ordering + 'a {
    let items = store.events.items();
    let by_rank = ranked(store.events.ranks());
    let names = &store.accounts;
    move |ra, rb| {
        let (a, b) = (&items[ra as usize], &items[rb as usize]);
        let primary = match col {
            EventSort::Time => Ordering::Equal,
            EventSort::Event => a.event_name.cmp(&b.event_name),
            EventSort::User => a.username.cmp(&b.username),
            EventSort::Account => names.name(&a.account_id).cmp(names.name(&b.account_id)),
            EventSort::Region => a.region.cmp(&b.region),
            EventSort::SourceIp => a.source_ip.cmp(&b.source_ip),
            // Events with detections first.
            EventSort::Detections => b.detections.len().cmp(&a.detections.len()),
        };
        primary
            .then_with(|| by_rank(ra, rb))
            .then_with(|| event_default(a, b))
    }
}
