//! A keyed, append-mostly table with a prepared search text per row.
//!
//! The search texts are kept as each row's distinct values, once each (see `search`), so
//! that a filter word is one `memmem` scan over a few megabytes rather than a million small
//! searches scattered over the heap; rows are found by a 64-bit hash of their key, so the
//! table does not keep a second copy of every key.

use super::facets::{facet_test, Column, FacetCache, FacetTest, Facets, NONE};
use super::fields::{Field, Value};
use super::query::{Pred, TextQuery};
use super::Accounts;
use crate::model::key::key_hash as hash_key;
use memchr::memmem::Finder;
use std::collections::HashMap;

/// A row type the store can index: a unique key and the text a free-text filter searches.
/// `Sync`: a filter over a large table tests its rows on several threads.
pub trait Keyed: Sync {
    /// The row's key: borrowed when the record holds it whole (an event's id), so that a
    /// write costs no copy of it.
    fn key(&self) -> std::borrow::Cow<'_, str>;
    /// The values a `/` filter word is looked for in (any case: the table lowers them).
    /// A word matches inside one value, never across two.
    fn search_parts<'a>(&'a self, accounts: &'a Accounts, parts: &mut Vec<&'a str>);

    /// The fields a filter may name for this kind of record.
    fn fields() -> &'static [Field]
    where
        Self: Sized,
    {
        &[]
    }

    /// This record's value for a field (one of [`Keyed::fields`]).
    fn value(&self, _field: Field) -> Value<'_> {
        Value::Missing
    }

    /// Whether the table keeps [`Keyed::rank`] per row (8 bytes a row).
    const RANKED: bool = false;

    /// The pane's default order (a view's column 0) as one number, smallest first: rows
    /// whose ranks differ sort as the ranks do, rows with equal ranks are told apart by
    /// the full comparison.
    /// Read from one array instead of two records scattered over the heap, it is what a
    /// sort of a million rows and a poll's binary searches compare first in the default
    /// order, and what breaks a column's ties before the records are read.
    fn rank(&self) -> u64 {
        0
    }

    /// The field's (first) text, for the facets; records with lists override it so that
    /// building the facets allocates nothing per row.
    fn first_text(&self, field: Field) -> Option<&str> {
        match self.value(field) {
            Value::Text(t) | Value::Account(t) | Value::Status(t, _) => Some(t),
            Value::Texts(list) => list.first().copied(),
            _ => None,
        }
    }
}

/// Tables with more rows than this test a filter's field terms on several threads (one
/// per core, at most four): a five-term filter over a million findings took 30 ms on one.
const SPLIT_ROWS: usize = 200_000;

/// A field term ready to test: negated, what the facets answer (or `None`: read the
/// record), the field and its predicate.
type Compiled<'q> = (bool, Option<FacetTest>, Field, &'q Pred);

/// How many threads a large filter uses: the cores (asked once: the answer reads cgroup
/// files), at most four.
fn filter_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
}

/// Every field term on each row still kept, the rows cut into `threads` runs tested side
/// by side (the answer is the same for any number of runs).
fn field_pass<T: Keyed>(
    keep: &mut [bool],
    items: &[T],
    rows: &[super::facets::RowFacets],
    compiled: &[Compiled<'_>],
    now: chrono::DateTime<chrono::Utc>,
    threads: usize,
) {
    let now_ms = now.timestamp_millis();
    let run = |keep: &mut [bool], items: &[T], rows: &[super::facets::RowFacets]| {
        for ((k, item), row) in keep.iter_mut().zip(items).zip(rows) {
            if !*k {
                continue;
            }
            *k = compiled.iter().all(|(negated, test, field, pred)| {
                let hit = match test {
                    Some(t) => t.holds(row, now_ms),
                    None => pred.test(&item.value(*field), now),
                };
                hit != *negated
            });
        }
    };
    let n = keep.len().min(items.len()).min(rows.len());
    if threads <= 1 || n == 0 {
        run(keep, items, rows);
        return;
    }
    let size = n.div_ceil(threads);
    std::thread::scope(|scope| {
        let mut rest = (&mut keep[..n], &items[..n], &rows[..n]);
        let mut handles = Vec::new();
        while !rest.0.is_empty() {
            let at = size.min(rest.0.len());
            let (k, k_rest) = std::mem::take(&mut rest.0).split_at_mut(at);
            let (i, i_rest) = rest.1.split_at(at);
            let (r, r_rest) = rest.2.split_at(at);
            rest = (k_rest, i_rest, r_rest);
            if rest.0.is_empty() {
                // The last run on this thread.
                run(k, i, r);
            } else {
                handles.push(scope.spawn(move || run(k, i, r)));
            }
        }
        for h in handles {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// Rows keep their position once inserted (upserts replace in place), so indices held by
/// views stay valid until the next revision; a removal moves the rows after it up, and
/// says which positions left (see `removal`).
#[derive(Debug)]
pub struct Table<T> {
    items: Vec<T>,
    /// Every row's search text, as the numbers of its distinct values.
    search: search::SearchText,
    /// Every row's [`Keyed::rank`], when `T::RANKED` (else empty).
    ranks: Vec<u64>,
    /// Key hash -> row. The keys are hashes already: a seeded fast hasher mixes them
    /// (SipHash did, 34% of listing an account's ten thousand findings by their keys),
    /// and the seed keeps crafted ids from piling into one bucket.
    index: HashMap<u64, u32, foldhash::fast::RandomState>,
    /// Keys whose hash collided with another key's: found by the full key.
    collided: HashMap<String, u32>,
    revision: u64,
    /// Bumped when rows move to other positions (a removal or a replacement compacts):
    /// a frozen view's positions mean other records after it.
    moves: u64,
    /// (revision, row, the row's rank before the write) for each row written since
    /// `logged_from`, oldest first: a view catches up on these rows alone instead of
    /// sorting and filtering everything again, and finds where it held them by the rank.
    written: Vec<(u64, u32, u64)>,
    /// The revision after which `written` lists every write.
    logged_from: u64,
    /// The compact values field filters read, for the revision they were built at.
    facets: std::sync::Mutex<FacetCache>,
    /// The last few removals, for views that renumber their rows instead of sorting.
    removals: std::collections::VecDeque<removal::Removal>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            search: Default::default(),
            ranks: Vec::new(),
            index: HashMap::default(),
            collided: HashMap::new(),
            revision: 0,
            moves: 0,
            written: Vec::new(),
            logged_from: 0,
            facets: Default::default(),
            removals: Default::default(),
        }
    }
}

/// Grows by an eighth rather than doubling: at 100k rows, doubling leaves tens of
/// megabytes of capacity that is never used.
pub(super) fn reserve_modestly<T>(v: &mut Vec<T>, additional: usize) {
    if v.capacity() - v.len() < additional {
        v.reserve_exact(additional.max(v.len() / 8));
    }
}

/// Whether row `i` is shown (`kept`, all when empty) and its time is after `after_ms`.
fn flag_after(facets: &Facets, kept: &[bool], i: usize, after_ms: i64) -> bool {
    let shown = kept.get(i).copied().unwrap_or(kept.is_empty());
    shown && facets.rows.get(i).is_some_and(|r| r.time > after_ms)
}

/// The hash of a row's key.
pub fn row_hash<T: Keyed>(row: &T) -> u64 {
    hash_key(&row.key())
}

impl<T: Keyed> Table<T> {
    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize)
    }

    /// Every row's [`Keyed::rank`] by position (empty unless `T::RANKED`).
    pub fn ranks(&self) -> &[u64] {
        &self.ranks
    }

    /// Keeps no search text for this table: for a store that is written out and never
    /// searched (an export). A free-text word then matches no row.
    pub(in crate::store) fn keep_no_search_text(&mut self) {
        self.search.turn_off();
    }

    /// Row `i`'s search values, lowercase, joined by `\x1f`.
    pub fn search_text(&self, i: u32) -> String {
        self.search.row_text(i)
    }

    pub fn position(&self, key: &str) -> Option<u32> {
        if let Some(&i) = self.collided.get(key) {
            return Some(i);
        }
        let i = *self.index.get(&hash_key(key))?;
        (self.items[i as usize].key() == key).then_some(i)
    }

    /// The row of the key with this hash ([`key_hash`]).
    pub fn position_of_hash(&self, hash: u64) -> Option<u32> {
        self.index.get(&hash).copied()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many times rows moved to other positions.
    pub fn moves(&self) -> u64 {
        self.moves
    }

    /// Bumped on every change; views compare it to know when to re-sort.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The rows written after `revision` (positions as they are now, possibly repeated:
    /// the log is renumbered through each removal, and rows written and then removed
    /// leave it), when the log still reaches back that far; `None` asks for a full pass.
    pub fn written_since(&self, revision: u64) -> Option<Vec<u32>> {
        self.written_log_since(revision)
            .map(|log| log.iter().map(|&(_, row, _)| row).collect())
    }

    /// [`Table::written_since`], each row with the [`Keyed::rank`] it had before that
    /// write (0 for a new row, or when `T::RANKED` is false): the first of a row's
    /// entries has its rank at `revision`.
    pub fn written_since_ranked(&self, revision: u64) -> Option<Vec<(u32, u64)>> {
        self.written_log_since(revision)
            .map(|log| log.iter().map(|&(_, row, rank)| (row, rank)).collect())
    }

    fn written_log_since(&self, revision: u64) -> Option<&[(u64, u32, u64)]> {
        if revision < self.logged_from || revision > self.revision {
            return None;
        }
        let from = self.written.partition_point(|&(r, ..)| r <= revision);
        Some(&self.written[from..])
    }

    /// Every row is to be looked at again (rows moved, or every text was rewritten).
    fn forget_writes(&mut self) {
        self.written.clear();
        self.logged_from = self.revision;
    }

    fn log_write(&mut self, row: u32, old_rank: u64) {
        // Bounded: past an eighth of the table a full pass is as cheap as catching up.
        let cap = (self.items.len() / 8).max(4096);
        if self.written.len() >= cap {
            let half = self.written.len() / 2;
            self.logged_from = self.written[half - 1].0;
            self.written.drain(..half);
        }
        self.written.push((self.revision + 1, row, old_rank));
    }

    /// Whether the query matches each of `rows`: the same answer as [`Table::matching`]
    /// for those positions, looking at those rows only.
    pub fn matches_rows(
        &self,
        query: &TextQuery,
        rows: &[u32],
        accounts: &Accounts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<bool> {
        let texts: Vec<(bool, &Finder<'_>)> = query.terms().collect();
        // Derived fields are the view's to test, as in `matching`.
        let terms: Vec<(bool, Field, &Pred)> = query
            .field_terms()
            .filter(|(_, f, _)| !f.is_derived())
            .collect();
        let facets = (!terms.is_empty()).then(|| self.facets());
        let now_ms = now.timestamp_millis();
        let compiled: Vec<(bool, Option<FacetTest>, Field, &Pred)> = match &facets {
            Some(f) => terms
                .iter()
                .map(|&(negated, field, pred)| {
                    (negated, facet_test(f, field, pred, accounts), field, pred)
                })
                .collect(),
            None => Vec::new(),
        };
        rows.iter()
            .map(|&i| {
                if !texts
                    .iter()
                    .all(|(negated, word)| self.search.row_contains(i, word) != *negated)
                {
                    return false;
                }
                let (Some(item), Some(f)) = (self.items.get(i as usize), &facets) else {
                    return compiled.is_empty();
                };
                let Some(row) = f.rows.get(i as usize) else {
                    return false;
                };
                compiled.iter().all(|(negated, test, field, pred)| {
                    let hit = match test {
                        Some(t) => t.holds(row, now_ms),
                        None => pred.test(&item.value(*field), now),
                    };
                    hit != *negated
                })
            })
            .collect()
    }

    /// Which rows the query matches, by position: one pass over the distinct values per
    /// word, then one look at the named value of each row still in, per field term.
    pub fn matching(
        &self,
        query: &TextQuery,
        accounts: &Accounts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<bool> {
        let threads = if self.items.len() >= SPLIT_ROWS {
            filter_threads()
        } else {
            1
        };
        self.matching_on(query, accounts, now, threads)
    }

    /// [`Table::matching`] with the field terms tested on `threads` threads.
    fn matching_on(
        &self,
        query: &TextQuery,
        accounts: &Accounts,
        now: chrono::DateTime<chrono::Utc>,
        threads: usize,
    ) -> Vec<bool> {
        let mut keep = vec![true; self.items.len()];
        for (negated, word) in query.terms() {
            self.search.narrow(word, negated, &mut keep);
        }
        // One pass over the rows, every field term on each row still in. The common fields
        // read the compact facets; the others (titles, types, resources) the record.
        // Derived fields (`risk:`, `mark:`) are the view's to test, with the pane's flags.
        let terms: Vec<(bool, Field, &Pred)> = query
            .field_terms()
            .filter(|(_, f, _)| !f.is_derived())
            .collect();
        if terms.is_empty() {
            return keep;
        }
        let facets = self.facets();
        let compiled: Vec<Compiled<'_>> = terms
            .iter()
            .map(|&(negated, field, pred)| {
                (
                    negated,
                    facet_test(&facets, field, pred, accounts),
                    field,
                    pred,
                )
            })
            .collect();
        field_pass(
            &mut keep,
            &self.items,
            &facets.rows,
            &compiled,
            now,
            threads,
        );
        keep
    }

    /// For `rows`, how many records hold each value of `field` (account, region, status,
    /// product, control, or the first resource or type), by severity: read from the facets, no record touched. `None`
    /// for other fields. A record without the field counts under "".
    pub fn count_by(&self, rows: &[u32], field: Field) -> Option<Vec<(String, [usize; 5])>> {
        let column = Column::of(field)?;
        let facets = self.facets();
        let texts = facets.texts(column);
        let mut counts = vec![[0usize; 5]; texts.len() + 1];
        for &i in rows {
            let r = facets.rows.get(i as usize)?;
            let n = column.read(r);
            let slot = if n == NONE { texts.len() } else { n as usize };
            // A record without a severity counts as informational.
            let severity = if r.severity > 4 {
                0
            } else {
                r.severity as usize
            };
            counts[slot][severity] += 1;
        }
        Some(
            counts
                .into_iter()
                .enumerate()
                .filter(|(_, c)| c.iter().any(|n| *n > 0))
                .map(|(i, c)| (texts.get(i).map(|t| t.to_string()).unwrap_or_default(), c))
                .collect(),
        )
    }

    /// Which of the rows `kept` names (all when empty) have a time (a finding's update)
    /// after `after_ms`, one flag per row: read from the facets in table order, not from a
    /// million records in the view's order. To the millisecond, as the facets keep time
    /// (AWS writes milliseconds at most).
    pub fn flags_after(&self, kept: &[bool], after_ms: i64) -> Vec<bool> {
        let facets = self.facets();
        (0..facets.rows.len())
            .map(|i| flag_after(&facets, kept, i, after_ms))
            .collect()
    }

    /// [`Table::flags_after`] for these rows alone.
    pub fn flags_after_of(&self, rows: &[u32], kept: &[bool], after_ms: i64) -> Vec<bool> {
        let facets = self.facets();
        rows.iter()
            .map(|&i| flag_after(&facets, kept, i as usize, after_ms))
            .collect()
    }

    /// The facets of the current revision: built on first use, then kept up to date row by
    /// row (only the rows written since), rebuilt when rows moved or most changed.
    fn facets(&self) -> std::sync::Arc<Facets> {
        let mut cache = self.facets.lock().unwrap_or_else(|e| e.into_inner());
        let cache = &mut *cache;
        let touched = std::mem::take(&mut cache.touched);
        let overflow = std::mem::take(&mut cache.overflow);
        match &mut cache.built {
            Some(f) if f.moves == self.moves && !overflow => {
                if f.revision != self.revision || f.rows.len() != self.items.len() {
                    std::sync::Arc::make_mut(f).update(&self.items, &touched, self.revision);
                }
                f.clone()
            }
            _ => {
                let built =
                    std::sync::Arc::new(Facets::build(&self.items, self.revision, self.moves));
                cache.built = Some(built.clone());
                built
            }
        }
    }

    /// Notes a written row for the facets (called with the table borrowed mutably).
    fn touch(&mut self, row: u32) {
        let n = self.items.len();
        let cache = self.facets.get_mut().unwrap_or_else(|e| e.into_inner());
        if cache.built.is_none() || cache.overflow {
            return;
        }
        if cache.touched.len() > n / 4 {
            cache.overflow = true;
            cache.touched.clear();
        } else {
            cache.touched.push(row);
        }
    }

    /// Sets row `row`'s search values from the record.
    fn write_search(search: &mut search::SearchText, row: u32, record: &T, accounts: &Accounts) {
        if search.is_off() {
            return;
        }
        let mut parts = Vec::with_capacity(12);
        record.search_parts(accounts, &mut parts);
        search.write(row, &parts);
    }

    /// Row `row`'s search values, from `old`'s to `new`'s: see [`search::SearchText::rewrite`].
    fn rewrite_search(
        search: &mut search::SearchText,
        row: u32,
        old: &T,
        new: &T,
        accounts: &Accounts,
    ) {
        if search.is_off() {
            return;
        }
        let mut before = Vec::with_capacity(12);
        old.search_parts(accounts, &mut before);
        let mut parts = Vec::with_capacity(12);
        new.search_parts(accounts, &mut parts);
        search.rewrite(row, &before, &parts);
    }

    fn rebuild_search(&mut self, accounts: &Accounts) {
        if self.search.is_off() {
            return;
        }
        self.search = Default::default();
        for (i, row) in self.items.iter().enumerate() {
            Self::write_search(&mut self.search, i as u32, row, accounts);
        }
    }

    fn find_row(&self, key: &str, hash: u64) -> Option<u32> {
        if let Some(&i) = self.collided.get(key) {
            return Some(i);
        }
        let i = *self.index.get(&hash)?;
        (self.items[i as usize].key() == key).then_some(i)
    }

    fn insert_key(&mut self, key: &str, hash: u64, row: u32) {
        match self.index.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(key.to_string(), row);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(row);
            }
        }
    }

    /// Inserts new rows and replaces existing ones when `replace(old, new)` says so.
    /// Returns whether anything changed.
    pub fn upsert_newer(
        &mut self,
        rows: Vec<T>,
        accounts: &Accounts,
        replace: impl Fn(&T, &T) -> bool,
    ) -> bool {
        self.upsert_newer_with(rows, accounts, replace, |_, _, _| {})
    }

    /// [`Table::upsert_newer`], telling `on_write` of each row written, the row it
    /// replaced, if any, and its key hash (worked out here already).
    pub fn upsert_newer_with(
        &mut self,
        rows: Vec<T>,
        accounts: &Accounts,
        replace: impl Fn(&T, &T) -> bool,
        mut on_write: impl FnMut(Option<&T>, &T, u64),
    ) -> bool {
        let mut changed = false;
        reserve_modestly(&mut self.items, rows.len());
        for row in rows {
            let key = row.key();
            let hash = hash_key(&key);
            match self.find_row(&key, hash) {
                Some(i) => {
                    if replace(&self.items[i as usize], &row) {
                        on_write(Some(&self.items[i as usize]), &row, hash);
                        let old = &self.items[i as usize];
                        Self::rewrite_search(&mut self.search, i, old, &row, accounts);
                        let mut old_rank = 0;
                        if T::RANKED {
                            old_rank = std::mem::replace(&mut self.ranks[i as usize], row.rank());
                        }
                        self.items[i as usize] = row;
                        self.touch(i);
                        self.log_write(i, old_rank);
                        changed = true;
                    }
                }
                None => {
                    let i = self.items.len() as u32;
                    on_write(None, &row, hash);
                    self.insert_key(&key, hash, i);
                    Self::write_search(&mut self.search, i, &row, accounts);
                    if T::RANKED {
                        reserve_modestly(&mut self.ranks, 1);
                        self.ranks.push(row.rank());
                    }
                    self.items.push(row);
                    self.touch(i);
                    self.log_write(i, 0);
                    changed = true;
                }
            }
        }
        if changed {
            self.search.pack_if_wasteful();
            self.revision += 1;
        }
        changed
    }

    pub fn reindex(&mut self, accounts: &Accounts) {
        self.rebuild_search(accounts);
        self.revision += 1;
        self.forget_writes();
    }
}

mod removal;
mod search;

#[cfg(test)]
mod tests;
