//! Which findings name each resource, kept up as findings are written and removed, so that
//! a finding's detail lists the others on its resources without a pass over a million
//! findings (40 ms at 1M; a look-up here is a few microseconds plus the findings listed).
//! The store keeps a second index of the same kind for the exposures (one resource each),
//! which every detail also lists (a pass over 21,333 of them was 1 ms of each opening).
//!
//! Findings are held by their key hash, not their row: removals renumber rows, key hashes
//! stay. Resources are held by a 64-bit hash of their id, not a copy of it. Two keys or two
//! ids sharing a 64-bit hash would confuse the index (the table resolves its own key
//! collisions, this index does not); the detail checks that each finding and grant it
//! lists names the resource, and counts the rest as the index holds them: at 64 bits such
//! a pair is not expected among millions.

use super::facets::FastHasher;
use crate::model::key::key_hash;
use crate::model::Finding;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

/// The hashes are hashes already: mixing them again costs time and buys nothing.
type Fast = BuildHasherDefault<FastHasher>;

/// The findings on one resource: most resources have one, some (an account's CIS
/// controls) a hundred thousand, where a list would be searched on every write.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holders {
    One(u64),
    // Boxed: an entry is 16 bytes instead of 40, and most resources have one holder.
    #[allow(clippy::box_collection)]
    Many(Box<HashSet<u64, Fast>>),
}

impl Holders {
    fn len(&self) -> usize {
        match self {
            Holders::One(_) => 1,
            Holders::Many(set) => set.len(),
        }
    }

    fn contains(&self, key: u64) -> bool {
        match self {
            Holders::One(k) => *k == key,
            Holders::Many(set) => set.contains(&key),
        }
    }

    fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        let (one, many) = match self {
            Holders::One(k) => (Some(*k), None),
            Holders::Many(set) => (None, Some(set.iter().copied())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

/// Resource id hash -> the key hashes of the findings naming that resource.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ResourceIndex {
    by_resource: HashMap<u64, Holders, Fast>,
}

/// The distinct, non-empty resource ids of a finding, hashed.
pub(super) fn resource_hashes(f: &Finding) -> Vec<u64> {
    let mut ids: Vec<u64> = f
        .resources
        .iter()
        .filter(|r| !r.id.is_empty())
        .map(|r| key_hash(&r.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl ResourceIndex {
    /// A finding written, with its key hash: `old` is the version it replaced, if any.
    pub(super) fn write(&mut self, key: u64, old: Option<&Finding>, new: &Finding) {
        let same = |old: &Finding| {
            old.resources.len() == new.resources.len()
                && old
                    .resources
                    .iter()
                    .zip(&new.resources)
                    .all(|(a, b)| a.id == b.id)
        };
        if old.is_some_and(same) {
            return;
        }
        let after = resource_hashes(new);
        let before = old.map(resource_hashes).unwrap_or_default();
        if before == after {
            return;
        }
        for r in before.iter().filter(|r| !after.contains(r)) {
            self.drop_holder(*r, key);
        }
        for r in after.iter().filter(|r| !before.contains(r)) {
            self.add_holder(*r, key);
        }
    }

    /// A finding removed from the store.
    pub(super) fn remove(&mut self, key: u64, f: &Finding) {
        for r in resource_hashes(f) {
            self.drop_holder(r, key);
        }
    }

    /// The key hashes of the findings that name any of the resources with these ids,
    /// each once. The largest set of holders is read first and as it is; a finding in a
    /// later set is left out when an earlier set holds it (a look-up in each earlier
    /// set), so an account's hundred thousand findings are not collected to be deduplicated.
    pub fn holders(&self, resource_ids: &[&str]) -> impl Iterator<Item = u64> + '_ {
        let mut resources: Vec<u64> = resource_ids.iter().map(|id| key_hash(id)).collect();
        resources.sort_unstable();
        resources.dedup();
        let mut sets: Vec<&Holders> = resources
            .iter()
            .filter_map(|r| self.by_resource.get(r))
            .collect();
        sets.sort_by_key(|h| std::cmp::Reverse(h.len()));
        (0..sets.len()).flat_map(move |k| {
            let earlier = sets[..k].to_vec();
            sets[k]
                .iter()
                .filter(move |key| !earlier.iter().any(|h| h.contains(*key)))
        })
    }

    /// How many distinct resources are named.
    pub fn len(&self) -> usize {
        self.by_resource.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_resource.is_empty()
    }

    /// A record (an exposure, by its key hash) naming one resource written: `old` is the
    /// resource id of the version it replaced, if any.
    pub(super) fn write_one(&mut self, key: u64, old: Option<&str>, new: &str) {
        if old == Some(new) {
            return;
        }
        if let Some(old) = old {
            self.drop_holder(key_hash(old), key);
        }
        self.add_holder(key_hash(new), key);
    }

    /// A record naming one resource removed.
    pub(super) fn remove_one(&mut self, key: u64, resource_id: &str) {
        self.drop_holder(key_hash(resource_id), key);
    }

    fn add_holder(&mut self, resource: u64, key: u64) {
        let Some(h) = self.by_resource.get_mut(&resource) else {
            self.by_resource.insert(resource, Holders::One(key));
            return;
        };
        match h {
            Holders::One(k) if *k == key => {}
            Holders::One(k) => {
                let mut set = HashSet::with_capacity_and_hasher(2, Fast::default());
                set.insert(*k);
                set.insert(key);
                *h = Holders::Many(Box::new(set));
            }
            Holders::Many(set) => {
                set.insert(key);
            }
        }
    }

    fn drop_holder(&mut self, resource: u64, key: u64) {
        let Some(h) = self.by_resource.get_mut(&resource) else {
            return;
        };
        match h {
            Holders::One(k) if *k == key => {
                self.by_resource.remove(&resource);
            }
            Holders::One(_) => {}
            Holders::Many(set) => {
                set.remove(&key);
                // Back to one holder: the set's table is freed, not kept half-empty; a set
                // that held a hundred thousand and now holds a few gives the room back.
                if set.len() == 1 {
                    if let Some(&last) = set.iter().next() {
                        *h = Holders::One(last);
                    }
                } else if set.len() < set.capacity() / 4 {
                    set.shrink_to_fit();
                }
            }
        }
    }
}

/// The exposures' index from scratch, likewise.
#[cfg(test)]
pub(super) fn exposure_index_of(exposures: &[crate::model::Exposure]) -> ResourceIndex {
    let mut index = ResourceIndex::default();
    for e in exposures {
        index.write_one(super::table::row_hash(e), None, &e.resource);
    }
    index
}

/// The index from scratch: what the kept-up-to-date one must equal.
#[cfg(test)]
pub(super) fn index_of(findings: &[Finding]) -> ResourceIndex {
    let mut index = ResourceIndex::default();
    for f in findings {
        index.write(super::table::row_hash(f), None, f);
    }
    index
}
