//! Open findings tallied by what the overview asks about (account and region, control,
//! Inspector severity, Macie's sensitive data, unused access, the kinds a runbook covers),
//! kept up row by row as findings are written and removed. The overview used to count
//! them with three passes over every finding on each change: 200 ms at a million, a
//! frozen screen once per poll while the overview was shown.

use crate::model::{CompactString, Finding, Severity};
use std::collections::{BTreeMap, HashMap};

/// One account-region's open findings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PlaceTally {
    /// Indexed by `Severity as usize`.
    pub by_severity: [usize; 5],
    /// Security Hub control id -> open findings failing it here.
    pub controls: BTreeMap<CompactString, usize>,
}

impl PlaceTally {
    pub fn open(&self) -> usize {
        self.by_severity.iter().sum()
    }

    /// Whether any open finding here fails one of `controls`.
    pub fn fails_any<S: AsRef<str>>(&self, controls: &[S]) -> bool {
        controls
            .iter()
            .any(|c| self.controls.get(c.as_ref()).is_some_and(|n| *n > 0))
    }
}

/// What a runbook is matched by: a finding's control, else its first type, else its
/// generator (one finding of each kind is asked: a glob per finding is too dear).
pub fn runbook_kind(f: &Finding) -> &str {
    f.control_id
        .as_deref()
        .or_else(|| f.types.first().map(|t| &**t))
        .unwrap_or(&f.generator_id)
}

/// The open findings, tallied.
#[derive(Debug, Default, Clone)]
pub struct OpenTally {
    /// Account id -> region -> tally.
    pub places: BTreeMap<CompactString, BTreeMap<CompactString, PlaceTally>>,
    /// Access Analyzer's unused-access findings.
    pub unused_access: usize,
    /// Inspector's findings of high severity or worse.
    pub inspector_high: usize,
    /// Account id -> Macie's sensitive-data findings there.
    pub sensitive: BTreeMap<CompactString, usize>,
    /// Resource id hash -> open Macie findings about that resource (sensitive data found
    /// in it: an exposure of it matters more).
    macie_resources: BTreeMap<u64, usize>,
    /// Bumped when a resource enters or leaves `macie_resources`: the public-access marks
    /// are worked out again only then, not on every poll.
    macie_version: u64,
    /// Runbook kind -> open findings of high severity or worse of that kind.
    pub high_kinds: BTreeMap<String, usize>,
    /// A finding of each kind in `high_kinds`, for the runbook library to match: the
    /// first one written while the kind was open (a copy per write cost a poll 2 ms).
    /// The library also reads a finding's other types and its generator, so two findings
    /// of one kind could in principle be matched differently; findings of one kind share
    /// those in practice, and one example per kind is what coverage always asked.
    examples: HashMap<String, Finding>,
}

/// Equal when the counts are: the examples and the version depend on the order findings
/// were written in.
impl PartialEq for OpenTally {
    fn eq(&self, o: &OpenTally) -> bool {
        self.places == o.places
            && self.unused_access == o.unused_access
            && self.inspector_high == o.inspector_high
            && self.sensitive == o.sensitive
            && self.high_kinds == o.high_kinds
            && self.macie_resources == o.macie_resources
    }
}

fn is_sensitive(f: &Finding) -> bool {
    &*f.product == "Macie" && f.types.iter().any(|t| t.contains("Sensitive Data"))
}

/// Adds `by` (1 or -1) to a count, dropping the entry at zero so that a tally kept up for
/// weeks is the size of what is open, and equal to one counted afresh. Returns whether
/// the key came or went.
fn bump<K, Q>(map: &mut BTreeMap<K, usize>, key: &Q, by: isize) -> bool
where
    K: Ord + std::borrow::Borrow<Q> + From<Q::Owned>,
    Q: Ord + ToOwned + ?Sized,
{
    match map.get_mut(key) {
        Some(n) => {
            *n = n.saturating_add_signed(by);
            if *n == 0 {
                map.remove(key);
                return true;
            }
            false
        }
        None if by > 0 => {
            map.insert(K::from(key.to_owned()), by as usize);
            true
        }
        None => false,
    }
}

impl OpenTally {
    /// A finding entered the store, or its new version replaced one.
    pub(super) fn add(&mut self, f: &Finding) {
        if f.is_open() {
            self.count(f, 1);
            let kind = runbook_kind(f);
            if f.severity >= Severity::High && !self.examples.contains_key(kind) {
                self.examples.insert(kind.to_string(), f.clone());
            }
        }
    }

    /// A finding left the store, or a new version is about to replace it.
    pub(super) fn remove(&mut self, f: &Finding) {
        if f.is_open() {
            self.count(f, -1);
        }
    }

    fn count(&mut self, f: &Finding, by: isize) {
        let regions = match self.places.get_mut(&*f.account_id) {
            Some(r) => r,
            None => self
                .places
                .entry(CompactString::from(&*f.account_id))
                .or_default(),
        };
        let place = match regions.get_mut(&*f.region) {
            Some(p) => p,
            None => regions.entry(CompactString::from(&*f.region)).or_default(),
        };
        let s = f.severity as usize;
        place.by_severity[s] = place.by_severity[s].saturating_add_signed(by);
        if let Some(control) = f.control_id.as_deref() {
            bump(&mut place.controls, control, by);
        }
        if place.open() == 0 {
            regions.remove(&*f.region);
            if regions.is_empty() {
                self.places.remove(&*f.account_id);
            }
        }
        if crate::model::access_analyzer::is_unused_finding(f) {
            self.unused_access = self.unused_access.saturating_add_signed(by);
        }
        if &*f.product == "Inspector" && f.severity >= Severity::High {
            self.inspector_high = self.inspector_high.saturating_add_signed(by);
        }
        if is_sensitive(f) {
            bump(&mut self.sensitive, &*f.account_id, by);
        }
        if &*f.product == "Macie" {
            for r in super::resources::resource_hashes(f) {
                if bump(&mut self.macie_resources, &r, by) {
                    self.macie_version += 1;
                }
            }
        }
        if f.severity >= Severity::High {
            let kind = runbook_kind(f);
            bump(&mut self.high_kinds, kind, by);
            if !self.high_kinds.contains_key(kind) {
                self.examples.remove(kind);
            }
        }
    }

    /// The open findings failing any of `controls`, across places (a finding has one
    /// control: a control named twice counts once).
    pub fn controls_total<S: AsRef<str>>(&self, controls: &[S]) -> usize {
        let mut list: Vec<&str> = controls.iter().map(AsRef::as_ref).collect();
        list.sort_unstable();
        list.dedup();
        self.places
            .values()
            .flat_map(|r| r.values())
            .flat_map(|p| list.iter().filter_map(|c| p.controls.get(*c)))
            .sum()
    }

    /// The account-regions where an open finding fails one of `controls`.
    pub fn places_failing<S: AsRef<str>>(&self, controls: &[S]) -> usize {
        self.places
            .values()
            .flat_map(|r| r.values())
            .filter(|p| p.fails_any(controls))
            .count()
    }

    /// Whether an open Macie finding names the resource with this id hash.
    pub fn macie_found_in(&self, resource_hash: u64) -> bool {
        self.macie_resources.contains_key(&resource_hash)
    }

    /// Changes when the set of resources with an open Macie finding does.
    pub fn macie_version(&self) -> u64 {
        self.macie_version
    }

    /// Each high kind with a finding of that kind.
    pub fn high_kinds(&self) -> impl Iterator<Item = (&str, Option<&Finding>)> {
        self.high_kinds
            .keys()
            .map(|k| (k.as_str(), self.examples.get(k)))
    }
}

/// The tally from scratch: what the kept-up-to-date one must equal.
#[cfg(test)]
pub(super) fn tally_of(findings: &[Finding]) -> OpenTally {
    let mut t = OpenTally::default();
    for f in findings {
        t.add(f);
    }
    t
}
