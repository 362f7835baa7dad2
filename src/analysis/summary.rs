//! Per-pane summaries (`v`): the credentials per account, the Config rules by account with
//! each account's recorder, and the exposures by resource type. Each row can drill into
//! the pane's list, filtered to what it counts. Computed from the store, no UI types.

use crate::feed::Status;
use crate::model::age::format_age;
use crate::model::{access_analyzer, CredentialRisk, Thresholds};
use crate::store::fields::Field;
use crate::store::related::ExposureMarks;
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// How a cell reads: its colour in the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Muted,
    Good,
    Warn,
    Bad,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

/// What `Enter` on a row opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opens {
    /// The pane's list with this filter.
    Filter(String),
    /// The sources overlay (recorder status lives there).
    Sources,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub opens: Option<Opens>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// What the rows are, for the title: "accounts", "rules", "resource types".
    pub of: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

fn cell(text: impl Into<String>, tone: Tone) -> Cell {
    Cell {
        text: text.into(),
        tone,
    }
}

/// A count that reads `—` when zero and in `tone` otherwise.
fn count(n: usize, tone: Tone) -> Cell {
    if n == 0 {
        cell("—", Tone::Muted)
    } else {
        cell(n.to_string(), tone)
    }
}

/// Quoted so that a name with a dash or space filters as one phrase.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', ""))
}

/// What the findings' summary groups by (`:group`, or `s` on the summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum GroupBy {
    #[default]
    Account,
    Resource,
    Type,
    Product,
    Control,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::Account,
        GroupBy::Resource,
        GroupBy::Type,
        GroupBy::Product,
        GroupBy::Control,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Account => "account",
            GroupBy::Resource => "resource",
            GroupBy::Type => "type",
            GroupBy::Product => "product",
            GroupBy::Control => "control",
        }
    }

    pub fn parse(text: &str) -> Option<GroupBy> {
        let text = text.trim().to_ascii_lowercase();
        let text = match text.as_str() {
            "acct" => "account",
            "res" => "resource",
            other => other,
        };
        GroupBy::ALL.into_iter().find(|g| g.name() == text)
    }

    pub fn next(self) -> GroupBy {
        let i = GroupBy::ALL.iter().position(|g| *g == self).unwrap_or(0);
        GroupBy::ALL[(i + 1) % GroupBy::ALL.len()]
    }

    /// The filter term that keeps one group's findings.
    fn term(self, key: &str) -> String {
        let field = match self {
            GroupBy::Account => "acct",
            GroupBy::Resource => "res",
            GroupBy::Type => "type",
            GroupBy::Product => "product",
            GroupBy::Control => "control",
        };
        format!("{field}:{}", quoted(key))
    }
}

/// The findings on screen (`rows`: table positions, the pane's filter applied) grouped:
/// per group the count by severity and the worst, worst groups first. A group's line
/// opens the list with the pane's filter and the group's term.
pub fn findings(store: &Store, rows: &[u32], by: GroupBy, filter: &str) -> Summary {
    let field = match by {
        GroupBy::Account => Field::Account,
        GroupBy::Product => Field::Product,
        GroupBy::Control => Field::Control,
        GroupBy::Resource => Field::Resource,
        GroupBy::Type => Field::Type,
    };
    // Counted from the table's compact facets: no record is read.
    let counted = store.findings.count_by(rows, field).unwrap_or_default();
    let groups: Vec<(&str, [usize; 5])> = counted.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    let mut list = groups;
    // Worst severity first, then the most findings at it, and so on down.
    list.sort_by(|a, b| {
        let rank = |c: &[usize; 5]| std::cmp::Reverse([c[4], c[3], c[2], c[1], c[0]]);
        rank(&a.1).cmp(&rank(&b.1)).then_with(|| a.0.cmp(b.0))
    });
    let rows = list
        .into_iter()
        .map(|(key, n)| {
            let name = match (by, key) {
                (_, "") => "(none)".to_string(),
                (GroupBy::Account, id) => format!("{} ({id})", store.accounts.name(id)),
                (GroupBy::Resource, id) => crate::model::finding::short_resource_id(id).into(),
                _ => key.to_string(),
            };
            let worst = (0..5).rev().find(|s| n[*s] > 0).unwrap_or(0);
            let worst = crate::model::Severity::ALL_DESC[4 - worst];
            let mut cells = vec![
                cell(name, Tone::Plain),
                cell(n.iter().sum::<usize>().to_string(), Tone::Plain),
            ];
            for (s, tone) in [
                (4, Tone::Bad),
                (3, Tone::Warn),
                (2, Tone::Plain),
                (1, Tone::Muted),
                (0, Tone::Muted),
            ] {
                cells.push(count(n[s], tone));
            }
            cells.push(cell(
                worst.label(),
                if worst >= crate::model::Severity::High {
                    Tone::Bad
                } else {
                    Tone::Plain
                },
            ));
            let opens = (!key.is_empty())
                .then(|| Opens::Filter(format!("{filter} {}", by.term(key)).trim().to_string()));
            Row { cells, opens }
        })
        .collect();
    Summary {
        of: match by {
            GroupBy::Account => "accounts",
            GroupBy::Resource => "resources",
            GroupBy::Type => "types",
            GroupBy::Product => "products",
            GroupBy::Control => "controls",
        },
        columns: [
            match by {
                GroupBy::Account => "Account",
                GroupBy::Resource => "Resource",
                GroupBy::Type => "Type",
                GroupBy::Product => "Product",
                GroupBy::Control => "Control",
            },
            "Findings",
            "Crit",
            "High",
            "Med",
            "Low",
            "Info",
            "Worst",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

#[derive(Default)]
struct AccountCredentials {
    users: usize,
    no_mfa: usize,
    old_keys: usize,
    unused: usize,
    two_keys: usize,
    root: Option<Cell>,
    unused_access: usize,
}

/// One row per watched account (and any account the data names): users, console users
/// without MFA, old active keys, unused keys or passwords, users with two active keys,
/// root, Access Analyzer's unused roles, keys and permissions, and the report's age.
pub fn credentials(store: &Store, limits: Thresholds, now: DateTime<Utc>) -> Summary {
    credentials_of(store, None, limits, now)
}

/// Which table positions a summary counts: those of `rows` (the pane's filtered rows), or
/// all of them.
fn kept(len: usize, rows: Option<&[u32]>) -> Vec<bool> {
    match rows {
        None => vec![true; len],
        Some(rows) => {
            let mut keep = vec![false; len];
            for &r in rows {
                if let Some(k) = keep.get_mut(r as usize) {
                    *k = true;
                }
            }
            keep
        }
    }
}

/// The credentials summary of the rows the pane shows (its filter applies).
pub fn credentials_of(
    store: &Store,
    rows: Option<&[u32]>,
    limits: Thresholds,
    now: DateTime<Utc>,
) -> Summary {
    let keep = kept(store.credentials.len(), rows);
    let mut by: BTreeMap<String, AccountCredentials> = store
        .accounts
        .iter()
        .map(|a| (a.id.clone(), AccountCredentials::default()))
        .collect();
    for (r, _) in store
        .credentials
        .items()
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
    {
        let a = by.entry(r.account_id.clone()).or_default();
        let risks = r.risks(now, limits);
        if r.is_root {
            let keys = r.active_keys().count();
            let used = r
                .access_keys
                .iter()
                .filter_map(|k| k.last_used)
                .chain(r.password_last_used)
                .max();
            let text = format!(
                "{}, {}, {}",
                if r.mfa_active { "MFA" } else { "NO MFA" },
                match keys {
                    0 => "no keys".to_string(),
                    1 => "1 key".to_string(),
                    n => format!("{n} keys"),
                },
                used.map_or_else(
                    || "unused".to_string(),
                    |t| format!("used {}", format_age(t, now))
                )
            );
            let bad = risks.contains(CredentialRisk::ROOT_KEYS)
                || risks.contains(CredentialRisk::ROOT_NO_MFA);
            a.root = Some(cell(text, if bad { Tone::Bad } else { Tone::Good }));
            continue;
        }
        a.users += 1;
        a.no_mfa += usize::from(risks.contains(CredentialRisk::CONSOLE_NO_MFA));
        a.old_keys += r
            .active_keys()
            .filter(|k| {
                k.last_rotated
                    .is_some_and(|t| crate::model::age::days_between(t, now) > limits.age_days)
            })
            .count();
        a.unused += usize::from(
            risks.contains(CredentialRisk::UNUSED_KEY)
                || risks.contains(CredentialRisk::UNUSED_PASSWORD),
        );
        a.two_keys += usize::from(risks.contains(CredentialRisk::TWO_ACTIVE_KEYS));
    }
    for f in store.findings.items() {
        if f.is_open() && access_analyzer::is_unused_finding(f) {
            by.entry(f.account_id.to_string())
                .or_default()
                .unused_access += 1;
        }
    }
    let mut rows: Vec<(usize, Row)> = by
        .into_iter()
        .map(|(id, a)| {
            let report = store.credential_reports.get(&id);
            let risk = a.no_mfa * 100
                + usize::from(a.root.as_ref().is_some_and(|c| c.tone == Tone::Bad)) * 1000
                + a.old_keys
                + a.unused
                + a.two_keys;
            let cells = vec![
                cell(store.accounts.name(&id), Tone::Plain),
                if report.is_none() {
                    cell("—", Tone::Muted)
                } else {
                    cell(a.users.to_string(), Tone::Plain)
                },
                count(a.no_mfa, Tone::Bad),
                count(a.old_keys, Tone::Warn),
                count(a.unused, Tone::Warn),
                count(a.two_keys, Tone::Warn),
                a.root.unwrap_or_else(|| cell("—", Tone::Muted)),
                count(a.unused_access, Tone::Warn),
                match report {
                    None => cell("no report yet", Tone::Muted),
                    Some(at) if now - *at > Duration::hours(24) => {
                        cell(format_age(*at, now), Tone::Warn)
                    }
                    Some(at) => cell(format_age(*at, now), Tone::Muted),
                },
            ];
            (
                risk,
                Row {
                    cells,
                    opens: Some(Opens::Filter(id)),
                },
            )
        })
        .collect();
    // Riskiest first; the sort is stable, so equal accounts stay in id order.
    rows.sort_by_key(|(risk, _)| std::cmp::Reverse(*risk));
    Summary {
        of: "accounts",
        columns: [
            "Account",
            "Users",
            "No MFA",
            "Old keys",
            "Unused",
            "2 keys",
            "Root",
            "Unused access (AA)",
            "Report age",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

/// Rules by accounts: non-compliant resources per rule in each account, the busiest
/// rules and accounts first, and a last row with each account's Config recorder.
pub fn compliance(store: &Store) -> Summary {
    compliance_of(store, None)
}

/// The compliance summary of the rows the pane shows (its filter applies).
pub fn compliance_of(store: &Store, rows: Option<&[u32]>) -> Summary {
    let keep = kept(store.compliance.len(), rows);
    let mut per_rule: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut per_account: BTreeMap<&str, usize> = BTreeMap::new();
    for (c, _) in store
        .compliance
        .items()
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
    {
        if c.compliance_type != "NON_COMPLIANT" {
            continue;
        }
        let account = c.account_id.as_deref().unwrap_or("");
        *per_rule
            .entry(c.rule.as_str())
            .or_default()
            .entry(account)
            .or_default() += 1;
        *per_account.entry(account).or_default() += 1;
    }
    // Recorder per account: how many of its regions report it off or missing, of those polled.
    let mut recorder: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (k, h) in store.sources.iter().filter(|(k, _)| k.service == "config") {
        let off = h.status == Status::NotEnabled
            || h.error.as_deref().is_some_and(|e| e.contains("recorder"));
        let e = recorder
            .entry(k.account_id.as_deref().unwrap_or(""))
            .or_default();
        e.0 += usize::from(off);
        e.1 += 1;
        per_account
            .entry(k.account_id.as_deref().unwrap_or(""))
            .or_default();
    }
    let mut accounts: Vec<(&str, usize)> = per_account.into_iter().collect();
    accounts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut rules: Vec<(&str, usize, &BTreeMap<&str, usize>)> = per_rule
        .iter()
        .map(|(rule, by)| (*rule, by.values().sum(), by))
        .collect();
    rules.sort_by_key(|(_, total, _)| std::cmp::Reverse(*total));

    let mut columns = vec!["Rule".to_string(), "Total".to_string()];
    columns.extend(accounts.iter().map(|(id, _)| {
        if id.is_empty() {
            "(account?)".to_string()
        } else {
            store.accounts.name(id).to_string()
        }
    }));
    let mut rows: Vec<Row> = rules
        .iter()
        .map(|(rule, total, by)| {
            let mut cells = vec![cell(*rule, Tone::Plain), cell(total.to_string(), Tone::Bad)];
            cells.extend(
                accounts
                    .iter()
                    .map(|(id, _)| count(by.get(id).copied().unwrap_or(0), Tone::Warn)),
            );
            Row {
                cells,
                opens: Some(Opens::Filter(quoted(rule))),
            }
        })
        .collect();
    let mut cells = vec![
        cell("recorder", Tone::Muted),
        cell(
            format!(
                "{} off",
                recorder.values().filter(|(off, _)| *off > 0).count()
            ),
            Tone::Muted,
        ),
    ];
    cells.extend(accounts.iter().map(|(id, _)| match recorder.get(id) {
        None => cell("?", Tone::Muted),
        Some((0, _)) => cell("on", Tone::Good),
        Some((off, all)) => cell(format!("off {off}/{all}"), Tone::Bad),
    }));
    rows.push(Row {
        cells,
        opens: (!recorder.is_empty()).then_some(Opens::Sources),
    });
    Summary {
        of: "rules",
        columns,
        rows,
    }
}

#[derive(Default)]
struct TypeExposure {
    resource_type: String,
    total: usize,
    public: usize,
    in_org: usize,
    outside: usize,
    controls: usize,
    marked: usize,
    accounts: BTreeSet<String>,
}

/// One row per resource type: public, cross-account inside and outside the watched
/// accounts, failed Security Hub controls, marked combinations, accounts.
pub fn exposures(store: &Store, marks: &ExposureMarks) -> Summary {
    exposures_of(store, None, marks)
}

/// The public-access summary of the rows the pane shows (its filter applies).
pub fn exposures_of(store: &Store, rows: Option<&[u32]>, marks: &ExposureMarks) -> Summary {
    let keep = kept(store.exposures.len(), rows);
    let mut by: BTreeMap<String, TypeExposure> = BTreeMap::new();
    for (row, e) in store.exposures.items().iter().enumerate() {
        if !keep[row] {
            continue;
        }
        let t = by.entry(e.short_type()).or_default();
        t.resource_type = e.resource_type.clone();
        t.total += 1;
        t.accounts.insert(e.account_id.clone());
        if e.is_control() {
            t.controls += 1;
            t.public += usize::from(e.is_public);
        } else if e.is_public {
            t.public += 1;
        } else if e
            .external_account
            .as_deref()
            .is_some_and(|a| store.accounts.get(a).is_some())
        {
            t.in_org += 1;
        } else {
            t.outside += 1;
        }
        t.marked += usize::from(marks.score(row as u32) > 0);
    }
    let mut types: Vec<(String, TypeExposure)> = by.into_iter().collect();
    types.sort_by_key(|(_, t)| std::cmp::Reverse((t.marked, t.public, t.total)));
    Summary {
        of: "resource types",
        columns: [
            "Type",
            "Total",
            "Public",
            "In org",
            "Outside org",
            "SH controls",
            "Marked",
            "Accounts",
        ]
        .map(String::from)
        .to_vec(),
        rows: types
            .into_iter()
            .map(|(name, t)| Row {
                cells: vec![
                    cell(name, Tone::Plain),
                    cell(t.total.to_string(), Tone::Plain),
                    count(t.public, Tone::Bad),
                    count(t.in_org, Tone::Plain),
                    count(t.outside, Tone::Warn),
                    count(t.controls, Tone::Warn),
                    count(t.marked, Tone::Bad),
                    cell(t.accounts.len().to_string(), Tone::Muted),
                ],
                opens: Some(Opens::Filter(t.resource_type.to_ascii_lowercase())),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
