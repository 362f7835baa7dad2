//! Which findings name each resource, kept up as findings are written and removed, so that
//! a finding's detail lists the others on its resources without a pass over a million
//! findings (40 ms at 1M; a look-up here is a few microseconds plus the findings listed).
//!
//! Findings are held by their key hash, not their row: removals renumber rows, key hashes
//! stay. Resources are held by a 64-bit hash of their id, not a copy of it. Two keys or two
//! ids sharing a 64-bit hash would confuse the index (the table resolves its own key
//! collisions, this index does not); the detail checks each finding found names the
//! resource, and at 64 bits such a pair is not expected among millions.

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

    /// The key hashes of the findings that name the resource with this id.
    pub fn holders(&self, resource_id: &str) -> Vec<u64> {
        match self.by_resource.get(&key_hash(resource_id)) {
            None => Vec::new(),
            Some(Holders::One(k)) => vec![*k],
            Some(Holders::Many(set)) => set.iter().copied().collect(),
        }
    }

    /// How many distinct resources are named.
    pub fn len(&self) -> usize {
        self.by_resource.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_resource.is_empty()
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

/// The index from scratch: what the kept-up-to-date one must equal.
#[cfg(test)]
pub(super) fn index_of(findings: &[Finding]) -> ResourceIndex {
    let mut index = ResourceIndex::default();
    for f in findings {
        index.write(super::table::row_hash(f), None, f);
    }
    index
}
