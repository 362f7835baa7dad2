//! What else the store knows about one record, for its detail view: an IAM user's
//! unused-access findings, Config results and recent CloudTrail activity; and the
//! combinations that make an exposure matter more.

use super::{Accounts, Store};
use crate::model::{ComplianceResult, Exposure, Finding, TrailEvent};
use std::collections::HashSet;

/// What the public-access pane marks, computed once per store change from the exposures
/// and the store's tally of open Macie findings (no pass over the findings).
#[derive(Debug, Default, Clone)]
pub struct ExposureMarks {
    /// The hashes of the exposed resources with an open Macie finding (sensitive data
    /// found in them).
    sensitive: HashSet<u64, foldhash::fast::RandomState>,
    /// How many marks each exposure row has, by table position, for the "marked" sort.
    scores: Vec<u8>,
    /// Per row, its marks that do not come from Macie, and for a public row the hash of
    /// its resource: a Macie change marks every public row again from these, without
    /// reading a row (86,231 exposures at a million findings: 7 ms read, 1 ms not).
    fixed: Vec<u8>,
    public_hashes: Vec<Option<u64>>,
}

/// What the marks are worked out from: the exposures and the resources with an open Macie
/// finding. A poll that changes neither leaves the marks as they are. The accounts (which
/// decide `outside-trust`) are covered too: a change of accounts re-indexes the exposures,
/// which moves their revision and makes the pane's view sort afresh.
pub type MarksInputs = (u64, u64, u64);

impl ExposureMarks {
    pub fn inputs(store: &Store) -> MarksInputs {
        (
            store.exposures.revision(),
            store.exposures.moves(),
            store.open_tally().macie_version(),
        )
    }

    /// One pass over the exposures, hashing each public one's resource once (the hash
    /// is SipHash: at 21,333 exposures, hashing each up to four times and a list per
    /// row were 8 ms of every poll the pane was shown).
    pub fn of(store: &Store) -> ExposureMarks {
        let mut marks = ExposureMarks::default();
        let rows = 0..store.exposures.len() as u32;
        marks.mark_rows(store, rows);
        marks
    }

    /// The marks now, from `before` (the marks at those inputs): rows removed since leave
    /// the lists, rows written or added since are marked again and the rest kept (a poll
    /// rewrites a few hundred of them); when Macie findings came or went, every public
    /// row's Macie mark is looked up again from its kept hash.
    pub fn caught_up(before: Option<(MarksInputs, ExposureMarks)>, store: &Store) -> ExposureMarks {
        let macie = store.open_tally().macie_version();
        let Some(((was, was_moves, was_macie), marks)) = before else {
            return Self::of(store);
        };
        let Some(mut marks) = marks.rows_caught_up(store, was, was_moves) else {
            return Self::of(store);
        };
        if was_macie != macie {
            let tally = store.open_tally();
            marks.sensitive.clear();
            let each = marks.fixed.iter().zip(&marks.public_hashes);
            for (score, (&fixed, hash)) in marks.scores.iter_mut().zip(each) {
                let found = hash.is_some_and(|h| tally.macie_found_in(h));
                if found {
                    marks.sensitive.extend(*hash);
                }
                *score = fixed + u8::from(found);
            }
        }
        marks
    }

    /// The rows' marks caught up from the table's revision `was` and moves count
    /// `was_moves`; `None` when the table no longer remembers what changed since.
    fn rows_caught_up(mut self, store: &Store, was: u64, was_moves: u64) -> Option<Self> {
        let held = self.scores.len();
        let redo = store
            .exposures
            .rows_to_redo(was, was_moves, held, |removal| {
                removal.compact(&mut self.scores);
                removal.compact(&mut self.fixed);
                removal.compact(&mut self.public_hashes);
            })?;
        // A removed row's hash may stay in `sensitive`: it still names a resource with an
        // open Macie finding, which is all `marks` asks of it.
        self.mark_rows(store, redo);
        Some(self)
    }

    /// Works out the score of each of `rows` (table positions), growing the list to the
    /// table's length.
    fn mark_rows(&mut self, store: &Store, rows: impl IntoIterator<Item = u32>) {
        let (tally, items) = (store.open_tally(), store.exposures.items());
        self.scores.resize(items.len(), 0);
        self.fixed.resize(items.len(), 0);
        self.public_hashes.resize(items.len(), None);
        for row in rows {
            let (e, row) = (&items[row as usize], row as usize);
            let hash = e
                .is_public
                .then(|| crate::model::key::key_hash(&e.resource));
            let macie = hash.is_some_and(|h| tally.macie_found_in(h));
            if macie {
                self.sensitive.extend(hash);
            }
            self.public_hashes[row] = hash;
            self.fixed[row] =
                u8::from(public_write(e)) + u8::from(outside_trust(e, &store.accounts));
            self.scores[row] = self.fixed[row] + u8::from(macie);
        }
    }

    pub fn same_scores(&self, other: &ExposureMarks) -> bool {
        self.scores == other.scores
    }

    /// How many marks each row has, by table position.
    pub fn scores(&self) -> &[u8] {
        &self.scores
    }

    /// The number of marks of the exposure at this table position.
    pub fn score(&self, row: u32) -> u8 {
        self.scores.get(row as usize).copied().unwrap_or(0)
    }

    /// What `mark:` filters by: the marks, then `public` and `outside` (the overview's
    /// "open to the public" and "access outside the watched accounts").
    pub fn flags(&self, e: &Exposure, accounts: &Accounts) -> Vec<&'static str> {
        let mut out = self.marks(e, accounts);
        if e.is_public {
            out.push("public");
        }
        if is_outside(e, accounts) {
            out.push("outside");
        }
        out
    }

    /// Why this exposure matters more than its neighbours, most urgent first.
    pub fn marks(&self, e: &Exposure, accounts: &Accounts) -> Vec<&'static str> {
        let mut out = Vec::new();
        if e.is_public
            && self
                .sensitive
                .contains(&crate::model::key::key_hash(&e.resource))
        {
            out.push("public+macie");
        }
        if public_write(e) {
            out.push("public-write");
        }
        if outside_trust(e, accounts) {
            out.push("outside-trust");
        }
        out
    }
}

/// Anyone may write to it.
fn public_write(e: &Exposure) -> bool {
    e.is_public && e.actions.iter().any(|a| is_write(a))
}

/// A role that an account the console does not watch may assume.
fn outside_trust(e: &Exposure, accounts: &Accounts) -> bool {
    e.resource_type == "AWS::IAM::Role"
        && e.external_account
            .as_deref()
            .is_some_and(|a| accounts.get(a).is_none())
}

/// Access granted to an account the console does not watch (or to no account named),
/// neither public nor a Security Hub control: what the overview counts as outside.
pub fn is_outside(e: &Exposure, accounts: &Accounts) -> bool {
    !e.is_public
        && !e.is_control()
        && e.external_account
            .as_deref()
            .is_none_or(|a| accounts.get(a).is_none())
}

/// `s3:PutObject`, `sqs:*`, `*`, `kms:Decrypt` is not.
fn is_write(action: &str) -> bool {
    let verb = action.rsplit(':').next().unwrap_or(action);
    verb == "*"
        || ["Put", "Write", "Delete", "Update", "Send", "Publish"]
            .iter()
            .any(|w| verb.starts_with(w))
}

/// What else the store knows about a finding's resources, worked out once when its detail
/// opens (a scan of every finding is too much for each frame).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingContext {
    /// Other findings on the same resources, worst and newest first: (severity, title,
    /// product, status).
    pub same_resource: Vec<(crate::model::Severity, String, String, String)>,
    /// How many there are in all (the list is cut at ten).
    pub same_resource_total: usize,
    /// The public-access pane's rows for these resources: (who gets access, actions), the
    /// first ten in table order.
    pub exposures: Vec<(String, String)>,
    /// How many there are in all (an account resource can have thousands).
    pub exposures_total: usize,
    /// The credential report's rows for these principals: (user, its risk flags).
    pub credentials: Vec<(String, String)>,
}

/// The context of the finding at table position `row`.
pub fn finding_context(
    store: &Store,
    row: u32,
    now: chrono::DateTime<chrono::Utc>,
    limits: crate::model::Thresholds,
) -> FindingContext {
    let Some(f) = store.findings.get(row) else {
        return FindingContext::default();
    };
    let shared: Vec<&crate::model::Shared> = f
        .resources
        .iter()
        .map(|r| &r.id)
        .filter(|id| !id.is_empty())
        .collect();
    let ids: Vec<&str> = shared.iter().map(|id| id.as_str()).collect();
    // From the store's resource index: a look-up per resource, not a pass over every
    // finding. The rows shown are checked to name the resource (the index holds 64-bit
    // hashes; the count trusts them: see `store::resources`); ids are interned, and a
    // shared text compares its pointer first.
    let names = |o: &Finding| o.resources.iter().any(|r| shared.contains(&&r.id));
    let items = store.findings.items();
    // Worst and newest first, ties in table order, as a stable sort of every finding gave
    // them: the default order's rank (one dense array) first, the records on a tie.
    let ranks = store.findings.ranks();
    let rank = |i: u32| ranks.get(i as usize).copied().unwrap_or(0);
    let order = |i: u32, j: u32| {
        let (a, b) = (&items[i as usize], &items[j as usize]);
        rank(i).cmp(&rank(j)).then_with(|| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| b.updated_at.cmp(&a.updated_at))
                .then_with(|| i.cmp(&j))
        })
    };
    // Ten are shown, the worst kept as they stream past: an account's hundred thousand
    // CIS findings are counted by their ranks, not read, collected and sorted (8.9 ms
    // of opening such a detail at a million findings).
    const SHOWN: usize = 10;
    let mut same: Vec<u32> = Vec::with_capacity(SHOWN + 1);
    let mut total = 0;
    let candidates = store.findings_on(&ids);
    for i in candidates.filter(|&i| i != row && (i as usize) < items.len()) {
        total += 1;
        if same.len() == SHOWN && same.last().is_some_and(|&last| order(i, last).is_ge()) {
            continue;
        }
        if !names(&items[i as usize]) {
            total -= 1;
            continue;
        }
        let at = same.partition_point(|&x| order(x, i).is_lt());
        same.insert(at, i);
        same.truncate(SHOWN);
    }
    // In table order, as a pass over them listed them; ten written out.
    let mut rows: Vec<u32> = store.exposures_on(&ids).collect();
    rows.sort_unstable();
    let on_these: Vec<&crate::model::Exposure> = rows
        .into_iter()
        .filter_map(|i| store.exposures.get(i))
        .filter(|e| ids.contains(&e.resource.as_str()))
        .collect();
    let exposures_total = on_these.len();
    let exposures = on_these
        .into_iter()
        .take(SHOWN)
        .map(|e| (e.grantee(), e.actions.join(" ")))
        .collect();
    // A user's ARN, or an access key's owner named in the resource (`.../user/NAME`):
    // looked up by the report row's key (account and user name: a user ARN ends with the
    // name, the root's is `:root`), not found by a pass over every report row (70,000 at a
    // million findings: most of opening a detail).
    let mut candidates: Vec<u32> = ids
        .iter()
        .filter_map(|id| {
            let user = if id.ends_with(":root") {
                crate::model::credential_report::ROOT_USER
            } else if id.contains(":user/") {
                id.rsplit('/').next()?
            } else {
                return None;
            };
            let key = crate::model::CredentialRecord::key_of(&f.account_id, user);
            store.credentials.position(&key)
        })
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let credentials = candidates
        .into_iter()
        .filter_map(|i| store.credentials.get(i))
        .filter(|c| {
            c.account_id == *f.account_id
                && ids.iter().any(|id| {
                    // The owner's ARN without a path: of this account, not a namesake's
                    // in the account the ARN names.
                    *id == c.arn
                        || id
                            .strip_suffix(c.user.as_str())
                            .and_then(|head| head.strip_suffix(":user/"))
                            .is_some_and(|head| head.ends_with(&format!(":{}", c.account_id)))
                })
        })
        .map(|c| {
            let flags: Vec<&str> = c.risks(now, limits).labels().collect();
            (
                c.user.clone(),
                if flags.is_empty() {
                    "no risk flags".into()
                } else {
                    flags.join(" ")
                },
            )
        })
        .collect();
    FindingContext {
        same_resource_total: total,
        exposures_total,
        same_resource: same
            .into_iter()
            .map(|i| {
                let o = &items[i as usize];
                (
                    o.severity,
                    o.title.to_string(),
                    o.product.to_string(),
                    o.workflow_status.label().to_string(),
                )
            })
            .collect(),
        exposures,
        credentials,
    }
}

/// AWS Config's results about an IAM user (`access-keys-rotated` and the like): Config
/// names a user by ARN, by name, or by its unique id, which the report does not carry.
pub fn user_compliance<'a>(
    store: &'a Store,
    account: &str,
    user: &str,
    arn: &str,
) -> Vec<&'a ComplianceResult> {
    store
        .compliance
        .items()
        .iter()
        .filter(|c| c.account_id.as_deref().is_none_or(|a| a == account))
        .filter(|c| {
            c.resource_id == arn
                || (c.resource_id == user && {
                    let kind = c.resource_type.to_ascii_lowercase();
                    kind.contains("iam") && kind.contains("user")
                })
        })
        .collect()
}

/// Access Analyzer's unused-access findings about the principal with this ARN.
pub fn unused_access<'a>(store: &'a Store, arn: &str) -> Vec<&'a Finding> {
    store
        .findings
        .items()
        .iter()
        .filter(|f| crate::model::access_analyzer::is_unused_finding(f))
        .filter(|f| f.resources.iter().any(|r| &*r.id == arn))
        .collect()
}

/// The user's most recent CloudTrail events in their account, newest first.
pub fn activity<'a>(
    store: &'a Store,
    account: &str,
    user: &str,
    limit: usize,
) -> Vec<&'a TrailEvent> {
    let mut events: Vec<&TrailEvent> = store
        .events
        .items()
        .iter()
        .filter(|e| &*e.account_id == account && e.username == user)
        .collect();
    events.sort_by_key(|e| std::cmp::Reverse(e.event_time));
    events.truncate(limit);
    events
}

#[cfg(test)]
mod tests;
