//! Rows leaving a table: the rows after a removed one move up, and the table remembers
//! which positions left, so that a view renumbers the rows it holds instead of sorting a
//! million again, the facets and the log of writes are renumbered in place, and no search
//! text or key is worked out again.

use super::{Keyed, Table};
use crate::model::key::key_hash as hash_key;
use crate::store::Accounts;

/// How many removals a table remembers for views that have not looked since: a view
/// further behind sorts afresh.
const REMEMBERED: usize = 8;

/// The positions one removal took out, ascending, and the table's `moves` after it.
#[derive(Debug, Clone, Default)]
pub(in crate::store) struct Removal {
    pub(in crate::store) moves: u64,
    pub(in crate::store) removed: Vec<u32>,
}

impl Removal {
    /// Moves a held position to where its row is after the removal; `false` when the row
    /// left (for `retain`).
    pub(in crate::store) fn follow(&self, row: &mut u32) -> bool {
        match self.renumber(*row) {
            Some(new) => {
                *row = new;
                true
            }
            None => false,
        }
    }

    /// Where the row at `old` is after the removal, or `None` when it left.
    fn renumber(&self, old: u32) -> Option<u32> {
        let before = self.removed.partition_point(|&r| r < old);
        match self.removed.get(before) {
            Some(&r) if r == old => None,
            _ => Some(old - before as u32),
        }
    }

    /// Drops the removed positions from a list indexed by position.
    pub(in crate::store) fn compact<V>(&self, list: &mut Vec<V>) {
        let mut i = 0u32;
        let mut gone = self.removed.iter().peekable();
        list.retain(|_| {
            let leaves = gone.peek() == Some(&&i);
            if leaves {
                gone.next();
            }
            i += 1;
            !leaves
        });
    }
}

impl<T: Keyed> Table<T> {
    /// The removals since a view saw `moves`, oldest first, when every move since was one
    /// this table remembers; `None` asks for a full pass.
    pub(in crate::store) fn removals_since(&self, moves: u64) -> Option<Vec<&Removal>> {
        if moves > self.moves {
            return None;
        }
        let list: Vec<&Removal> = self.removals.iter().filter(|r| r.moves > moves).collect();
        (list.len() as u64 == self.moves - moves).then_some(list)
    }

    /// Catches up lists kept beside the table, an entry per row, worked out at `revision`
    /// and `moves` and `held` entries long: each removal since goes to `compact` (which
    /// drops the entries of the rows that left), and the rows whose entries are to be
    /// worked out again come back: those added since, from the lists' end up, then those
    /// written since among the rest (positions as they are now). `None` when the logs no
    /// longer reach back or the lists hold more rows than the table: they are worked out
    /// afresh then.
    pub(in crate::store) fn rows_to_redo(
        &self,
        revision: u64,
        moves: u64,
        mut held: usize,
        mut compact: impl FnMut(&Removal),
    ) -> Option<Vec<u32>> {
        let (removals, written) = (self.removals_since(moves)?, self.written_since(revision)?);
        for removal in removals {
            held -= removal.removed.partition_point(|&r| (r as usize) < held);
            compact(removal);
        }
        let (held, len) = (held as u32, self.items.len() as u32);
        if held > len {
            return None;
        }
        let old = written.into_iter().filter(|&row| row < held);
        Some((held..len).chain(old).collect())
    }

    /// Removes the rows matching `remove` and adds `rows` (a credential report replaces
    /// the account's previous one).
    pub fn replace_where(
        &mut self,
        remove: impl Fn(&T) -> bool,
        rows: Vec<T>,
        accounts: &Accounts,
    ) {
        self.remove_where(remove);
        self.upsert_newer(rows, accounts, |_, _| true);
    }

    /// Removes the rows matching `remove`; returns whether any was there.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&T) -> bool) -> bool {
        let doomed: Vec<u32> = (0..self.items.len() as u32)
            .filter(|&i| remove(&self.items[i as usize]))
            .collect();
        self.remove_rows(doomed)
    }

    /// Removes the rows whose keys have these hashes ([`key_hash`]), telling `on_remove`
    /// of each first. Returns whether any was there. Rows after a removed one move up:
    /// views see a new revision.
    ///
    /// [`key_hash`]: crate::model::key::key_hash
    pub fn remove_keys(&mut self, hashes: &[u64], mut on_remove: impl FnMut(&T)) -> bool {
        let wanted: std::collections::HashSet<u64> = hashes.iter().copied().collect();
        let mut doomed: Vec<u32> = hashes
            .iter()
            .filter_map(|h| self.index.get(h).copied())
            .collect();
        // A key whose hash collided is indexed by the whole key.
        doomed.extend(
            self.collided
                .iter()
                .filter(|(k, _)| wanted.contains(&hash_key(k)))
                .map(|(_, row)| *row),
        );
        doomed.sort_unstable();
        doomed.dedup();
        for &i in &doomed {
            on_remove(&self.items[i as usize]);
        }
        self.remove_rows(doomed)
    }

    /// Takes the rows at these positions (ascending) out; the others move up, keeping
    /// their keys, texts and facets.
    fn remove_rows(&mut self, doomed: Vec<u32>) -> bool {
        if doomed.is_empty() {
            return false;
        }
        let removal = Removal {
            moves: self.moves + 1,
            removed: doomed,
        };
        self.facets_through(&removal);
        removal.compact(&mut self.items);
        removal.compact(&mut self.ranks);
        self.index.retain(|_, row| removal.follow(row));
        self.collided.retain(|_, row| removal.follow(row));
        self.search.remove(&removal);
        self.written.retain_mut(|(_, row, _)| removal.follow(row));
        self.moves = removal.moves;
        if self.removals.len() == REMEMBERED {
            self.removals.pop_front();
        }
        self.removals.push_back(removal);
        self.revision += 1;
        true
    }

    /// The facets follow the removal: the rows written since they were built are brought
    /// up to date while they are still where the touched positions say, then the removed
    /// rows are taken out.
    fn facets_through(&mut self, removal: &Removal) {
        let cache = self.facets.get_mut().unwrap_or_else(|e| e.into_inner());
        let touched = std::mem::take(&mut cache.touched);
        let overflow = std::mem::take(&mut cache.overflow);
        match cache.built.as_mut() {
            Some(f) if f.moves == self.moves && !overflow => {
                let f = std::sync::Arc::make_mut(f);
                f.update(&self.items, &touched, self.revision);
                removal.compact(&mut f.rows);
                f.moves = removal.moves;
            }
            _ => cache.built = None,
        }
    }
}
