//! A keyed, append-mostly table with a prepared search text per row.
//!
//! The search texts live back to back in one buffer, so that a filter is a few linear
//! `memmem` scans over contiguous memory rather than 100k small searches scattered over the
//! heap; rows are found by a 64-bit hash of their key, so the table does not keep a second
//! copy of every key.

use super::fields::{self, Field, Value};
use super::query::{Pred, TextQuery};
use super::Accounts;
use crate::model::key::key_hash as hash_key;
use crate::model::{
    CompactString, ComplianceResult, CredentialRecord, Exposure, Finding, TrailEvent,
};
use memchr::memmem::Finder;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// A row type the store can index: a unique key and the text a free-text filter searches.
pub trait Keyed {
    fn key(&self) -> String;
    /// Lowercase text that a `/` filter matches against. Never contains `\x1e`.
    fn search_text(&self, accounts: &Accounts) -> String;

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

    /// The field's (first) text, for the facets; records with lists override it so that
    /// building the facets allocates nothing per row.
    fn first_text(&self, field: Field) -> Option<&str> {
        match self.value(field) {
            Value::Text(t) | Value::Account(t) => Some(t),
            Value::Texts(list) => list.first().copied(),
            _ => None,
        }
    }
}

/// Ends each row's text in the buffer; filter terms never contain it, so a match never
/// spans two rows.
const ROW_END: char = '\u{1e}';

/// Rows keep their position once inserted (upserts replace in place), so indices held by
/// views stay valid until the next revision; only `replace_where` compacts.
#[derive(Debug)]
pub struct Table<T> {
    items: Vec<T>,
    /// Every row's search text followed by [`ROW_END`], in the order they were written.
    text: String,
    /// Per row: where its current text starts in `text` and its length.
    spans: Vec<(u32, u32)>,
    /// (start, row) for every text in `text`, in buffer order. Entries of replaced texts
    /// stay until compaction and are recognised because the row's span moved on.
    order: Vec<(u32, u32)>,
    /// Bytes of `text` that belong to replaced texts.
    garbage: usize,
    /// Key hash -> row.
    index: HashMap<u64, u32>,
    /// Keys whose hash collided with another key's: found by the full key.
    collided: HashMap<String, u32>,
    revision: u64,
    /// Bumped when rows move to other positions (a removal or a replacement compacts):
    /// a frozen view's positions mean other records after it.
    moves: u64,
    /// The compact values field filters read, for the revision they were built at.
    facets: std::sync::Mutex<FacetCache>,
}

/// No text value (the record has no such field).
const NONE: u32 = u32::MAX;

/// Per row, what the common field terms (`sev`, `acct`, `region`, `status`, `age`) and
/// grouping look at, 40 bytes a row, with the texts numbered in a dictionary: a five-term query over
/// 100,000 findings reads 4 MB instead of every record.
#[derive(Debug, Default, Clone)]
pub struct Facets {
    revision: u64,
    /// The table's `moves` when built: positions are only valid while it holds.
    moves: u64,
    rows: Vec<RowFacets>,
    /// The distinct account ids, regions, statuses, products, controls, resources, types.
    dictionary: Vec<String>,
    numbers: HashMap<String, u32, BuildHasherDefault<FastHasher>>,
}

#[derive(Debug, Clone, Copy)]
struct RowFacets {
    /// `Severity as u8`, or 255 for none.
    severity: u8,
    account: u32,
    region: u32,
    status: u32,
    product: u32,
    control: u32,
    /// The first resource and the first type (of a finding): what grouping looks at.
    resource: u32,
    kind: u32,
    /// Milliseconds since the epoch, or `i64::MIN` for none.
    time: i64,
}

impl Facets {
    fn build<T: Keyed>(items: &[T], revision: u64, moves: u64) -> Facets {
        let mut f = Facets {
            revision,
            moves,
            ..Facets::default()
        };
        f.rows = items.iter().map(|item| f.row_of(item)).collect();
        f
    }

    /// Brings rows written since the build up to date (in place, or appended).
    fn update<T: Keyed>(&mut self, items: &[T], touched: &[u32], revision: u64) {
        for &i in touched {
            let Some(item) = items.get(i as usize) else {
                continue;
            };
            let row = self.row_of(item);
            match self.rows.get_mut(i as usize) {
                Some(r) => *r = row,
                None => self.rows.push(row),
            }
        }
        self.revision = revision;
    }

    fn number(&mut self, text: Option<&str>) -> u32 {
        let Some(text) = text else { return NONE };
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = self.dictionary.len() as u32;
        self.dictionary.push(text.to_string());
        self.numbers.insert(text.to_string(), n);
        n
    }

    fn row_of<T: Keyed>(&mut self, item: &T) -> RowFacets {
        let fields = T::fields();
        let text = |f: Field| {
            if fields.contains(&f) {
                item.first_text(f)
            } else {
                None
            }
        };
        RowFacets {
            severity: match item.value(Field::Severity) {
                Value::Severity(s) => s as u8,
                _ => u8::MAX,
            },
            account: self.number(text(Field::Account)),
            region: self.number(text(Field::Region)),
            status: self.number(text(Field::Status)),
            product: self.number(text(Field::Product)),
            control: self.number(text(Field::Control)),
            resource: self.number(text(Field::Resource)),
            kind: self.number(text(Field::Type)),
            time: match item.value(Field::Age) {
                Value::Time(t) => t.timestamp_millis(),
                _ => i64::MIN,
            },
        }
    }
}

/// The facets as last built, and the rows written since.
#[derive(Debug, Default)]
struct FacetCache {
    built: Option<std::sync::Arc<Facets>>,
    /// Rows upserted since the build; past a quarter of the table a rebuild is cheaper.
    touched: Vec<u32>,
    overflow: bool,
}

/// A word-at-a-time hash (as rustc's FxHash) for short internal keys: ids, names, ARNs.
/// Nothing here is chosen by an attacker in a way that could flood one bucket usefully:
/// the worst case is a slower grouping, not a failure.
#[derive(Clone, Copy, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ rest.len() as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A field term worked out against the facets: which dictionary entries it accepts.
enum FacetTest {
    Severity(super::query::Cmp, u8),
    Age(super::query::Cmp, i64),
    Account(Vec<bool>),
    Region(Vec<bool>),
    Status(Vec<bool>),
}

impl FacetTest {
    fn holds(&self, r: &RowFacets, now_ms: i64) -> bool {
        let pick = |accepted: &[bool], n: u32| n != NONE && accepted[n as usize];
        match self {
            FacetTest::Severity(cmp, want) => {
                r.severity != u8::MAX && cmp.holds(r.severity.cmp(want))
            }
            FacetTest::Age(cmp, want_ms) => {
                r.time != i64::MIN && cmp.holds((now_ms - r.time).cmp(want_ms))
            }
            FacetTest::Account(a) => pick(a, r.account),
            FacetTest::Region(a) => pick(a, r.region),
            FacetTest::Status(a) => pick(a, r.status),
        }
    }
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            text: String::new(),
            spans: Vec::new(),
            order: Vec::new(),
            garbage: 0,
            index: HashMap::new(),
            collided: HashMap::new(),
            revision: 0,
            moves: 0,
            facets: Default::default(),
        }
    }
}

/// Grows by an eighth rather than doubling: at 100k rows, doubling leaves tens of
/// megabytes of capacity that is never used.
fn reserve_modestly<T>(v: &mut Vec<T>, additional: usize) {
    if v.capacity() - v.len() < additional {
        v.reserve_exact(additional.max(v.len() / 8));
    }
}

/// The hash of a row's key.
pub fn row_hash<T: Keyed>(row: &T) -> u64 {
    hash_key(&row.key())
}

/// A term the facets answer, or `None` for one that must read the record.
fn facet_test(
    facets: &Facets,
    field: Field,
    pred: &Pred,
    accounts: &Accounts,
) -> Option<FacetTest> {
    let accept = |test: &dyn Fn(&str) -> bool| facets.dictionary.iter().map(|t| test(t)).collect();
    match (field, pred) {
        (Field::Severity, Pred::Severity(cmp, s)) => Some(FacetTest::Severity(*cmp, *s as u8)),
        (Field::Age, Pred::Age(cmp, d)) => Some(FacetTest::Age(*cmp, d.num_milliseconds())),
        (Field::Account, Pred::Contains(n)) => {
            let named = fields::accounts_named(accounts, n);
            Some(FacetTest::Account(accept(&|id| {
                fields::contains(id, n) || named.contains(&id)
            })))
        }
        (Field::Region, Pred::Contains(n)) => {
            Some(FacetTest::Region(accept(&|t| fields::contains(t, n))))
        }
        (Field::Status, Pred::Contains(n)) => {
            Some(FacetTest::Status(accept(&|t| fields::contains(t, n))))
        }
        _ => None,
    }
}

impl<T: Keyed> Table<T> {
    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize)
    }

    pub fn search_text(&self, i: u32) -> &str {
        match self.spans.get(i as usize) {
            Some(&(start, len)) => &self.text[start as usize..(start + len) as usize],
            None => "",
        }
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

    /// Which rows the query matches, by position: one pass over the text buffer per word,
    /// then one look at the named value of each row still in, per field term.
    pub fn matching(
        &self,
        query: &TextQuery,
        accounts: &Accounts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<bool> {
        let mut keep = vec![true; self.items.len()];
        let mut hit = vec![false; self.items.len()];
        for (negated, finder) in query.terms() {
            hit.iter_mut().for_each(|h| *h = false);
            self.mark_containing(finder, &mut hit);
            for (k, h) in keep.iter_mut().zip(&hit) {
                *k &= *h != negated;
            }
        }
        // One pass over the rows, every field term on each row still in. The common fields
        // read the compact facets; the others (titles, types, resources) the record.
        let terms: Vec<(bool, Field, &Pred)> = query.field_terms().collect();
        if terms.is_empty() {
            return keep;
        }
        let facets = self.facets();
        let now_ms = now.timestamp_millis();
        let compiled: Vec<(bool, Option<FacetTest>, Field, &Pred)> = terms
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
        for ((k, item), row) in keep.iter_mut().zip(&self.items).zip(&facets.rows) {
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
        keep
    }

    /// For `rows`, how many records hold each value of `field` (account, region, status,
    /// product, control, or the first resource or type), by severity: read from the facets, no record touched. `None`
    /// for other fields. A record without the field counts under "".
    pub fn count_by(&self, rows: &[u32], field: Field) -> Option<Vec<(String, [usize; 5])>> {
        let facets = self.facets();
        let column = |r: &RowFacets| match field {
            Field::Account => Some(r.account),
            Field::Region => Some(r.region),
            Field::Status => Some(r.status),
            Field::Product => Some(r.product),
            Field::Control => Some(r.control),
            Field::Resource => Some(r.resource),
            Field::Type => Some(r.kind),
            _ => None,
        };
        let mut counts = vec![[0usize; 5]; facets.dictionary.len() + 1];
        for &i in rows {
            let r = facets.rows.get(i as usize)?;
            let n = column(r)?;
            let slot = if n == NONE {
                facets.dictionary.len()
            } else {
                n as usize
            };
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
                .map(|(i, c)| (facets.dictionary.get(i).cloned().unwrap_or_default(), c))
                .collect(),
        )
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

    fn mark_containing(&self, finder: &Finder<'_>, hit: &mut [bool]) {
        let hay = self.text.as_bytes();
        let (mut pos, mut cursor) = (0usize, 0usize);
        while let Some(found) = finder.find(&hay[pos..]) {
            let at = pos + found;
            while cursor + 1 < self.order.len() && self.order[cursor + 1].0 as usize <= at {
                cursor += 1;
            }
            let (start, row) = self.order[cursor];
            if self.spans[row as usize].0 == start {
                hit[row as usize] = true;
            }
            // One match per row is enough: go on from the next row's text.
            pos = match self.order.get(cursor + 1) {
                Some(&(next, _)) => next as usize,
                None => break,
            };
        }
    }

    fn write_text(&mut self, row: u32, text: &str) {
        let start = self.text.len() as u32;
        if self.text.capacity() - self.text.len() < text.len() + 1 {
            self.text
                .reserve_exact((text.len() + 1).max(self.text.len() / 8));
        }
        self.text.push_str(text);
        self.text.push(ROW_END);
        reserve_modestly(&mut self.order, 1);
        self.order.push((start, row));
        let span = (start, text.len() as u32);
        match self.spans.get_mut(row as usize) {
            Some(old) => {
                self.garbage += old.1 as usize + 1;
                *old = span;
            }
            None => {
                reserve_modestly(&mut self.spans, 1);
                self.spans.push(span)
            }
        }
    }

    /// Rewrites the text buffer in row order once replaced texts outweigh live ones.
    fn compact_if_wasteful(&mut self) {
        if self.garbage > self.text.len() / 2 {
            self.rebuild_text(|t, i| t.search_text(i).to_string());
        }
    }

    fn rebuild_text(&mut self, text_of: impl Fn(&Self, u32) -> String) {
        let texts: Vec<String> = (0..self.items.len() as u32)
            .map(|i| text_of(self, i))
            .collect();
        self.text = String::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
        self.spans.clear();
        self.order.clear();
        self.garbage = 0;
        for (i, t) in texts.iter().enumerate() {
            self.write_text(i as u32, t);
        }
    }

    fn find_row(&self, key: &str, hash: u64) -> Option<u32> {
        if let Some(&i) = self.collided.get(key) {
            return Some(i);
        }
        let i = *self.index.get(&hash)?;
        (self.items[i as usize].key() == key).then_some(i)
    }

    fn insert_key(&mut self, key: String, hash: u64, row: u32) {
        match self.index.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(key, row);
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
        self.upsert_newer_with(rows, accounts, replace, |_, _| {})
    }

    /// [`Table::upsert_newer`], telling `on_write` of each row written and the row it
    /// replaced, if any.
    pub fn upsert_newer_with(
        &mut self,
        rows: Vec<T>,
        accounts: &Accounts,
        replace: impl Fn(&T, &T) -> bool,
        mut on_write: impl FnMut(Option<&T>, &T),
    ) -> bool {
        let mut changed = false;
        reserve_modestly(&mut self.items, rows.len());
        for row in rows {
            let key = row.key();
            let hash = hash_key(&key);
            match self.find_row(&key, hash) {
                Some(i) => {
                    if replace(&self.items[i as usize], &row) {
                        on_write(Some(&self.items[i as usize]), &row);
                        self.write_text(i, &row.search_text(accounts));
                        self.items[i as usize] = row;
                        self.touch(i);
                        changed = true;
                    }
                }
                None => {
                    let i = self.items.len() as u32;
                    on_write(None, &row);
                    self.insert_key(key, hash, i);
                    self.write_text(i, &row.search_text(accounts));
                    self.items.push(row);
                    self.touch(i);
                    changed = true;
                }
            }
        }
        if changed {
            self.compact_if_wasteful();
            self.revision += 1;
        }
        changed
    }

    /// Removes the rows matching `remove` and adds `rows` (a credential report replaces
    /// the account's previous one).
    pub fn replace_where(
        &mut self,
        remove: impl Fn(&T) -> bool,
        rows: Vec<T>,
        accounts: &Accounts,
    ) {
        self.remove_where(remove, accounts);
        self.moves += 1;
        self.upsert_newer(rows, accounts, |_, _| true);
        self.revision += 1;
    }

    /// Removes the rows matching `remove`; returns whether any was there.
    pub fn remove_where(&mut self, remove: impl Fn(&T) -> bool, accounts: &Accounts) -> bool {
        if !self.items.iter().any(&remove) {
            return false;
        }
        self.moves += 1;
        let items = std::mem::take(&mut self.items);
        self.items = items.into_iter().filter(|r| !remove(r)).collect();
        self.rebuild(accounts);
        self.revision += 1;
        true
    }

    /// Removes the rows whose keys have these hashes ([`key_hash`]), telling `on_remove`
    /// of each first. Returns whether any was there. Rows after a removed one move up:
    /// views see a new revision.
    pub fn remove_keys(
        &mut self,
        hashes: &[u64],
        accounts: &Accounts,
        mut on_remove: impl FnMut(&T),
    ) -> bool {
        let wanted: std::collections::HashSet<u64> = hashes.iter().copied().collect();
        let mut doomed: std::collections::HashSet<u32> = hashes
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
        if doomed.is_empty() {
            return false;
        }
        for &i in &doomed {
            on_remove(&self.items[i as usize]);
        }
        self.moves += 1;
        let items = std::mem::take(&mut self.items);
        self.items = items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !doomed.contains(&(*i as u32)))
            .map(|(_, r)| r)
            .collect();
        self.rebuild(accounts);
        self.revision += 1;
        true
    }

    /// The index and search text from the rows, after rows were removed.
    fn rebuild(&mut self, accounts: &Accounts) {
        self.index.clear();
        self.collided.clear();
        for i in 0..self.items.len() {
            let key = self.items[i].key();
            self.insert_key(key.clone(), hash_key(&key), i as u32);
        }
        self.rebuild_text(|t, i| t.items[i as usize].search_text(accounts));
    }

    pub fn reindex(&mut self, accounts: &Accounts) {
        self.rebuild_text(|t, i| t.items[i as usize].search_text(accounts));
        self.revision += 1;
    }
}

/// Joins parts with a separator that no filter term contains, so terms cannot match across
/// field boundaries.
fn join_lower(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        if !s.is_empty() {
            s.push('\u{1f}');
        }
        s.push_str(p);
    }
    let s = s.to_lowercase();
    // Data could carry the row terminator; it must not end a row early.
    if s.contains(ROW_END) {
        s.replace(ROW_END, " ")
    } else {
        s
    }
}

impl Keyed for Finding {
    fn key(&self) -> String {
        Finding::key(self)
    }

    fn fields() -> &'static [Field] {
        fields::FINDING_FIELDS
    }

    fn first_text(&self, field: Field) -> Option<&str> {
        match field {
            Field::Type => self.types.first().map(|t| &**t),
            Field::Resource => self.resources.first().map(|r| &*r.id),
            _ => match self.value(field) {
                Value::Text(t) | Value::Account(t) => Some(t),
                _ => None,
            },
        }
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Severity => Value::Severity(self.severity),
            Field::Account => Value::Account(&self.account_id),
            Field::Region => Value::Text(&self.region),
            Field::Product => Value::Text(&self.product),
            Field::Type => Value::Texts(self.types.iter().map(|t| &**t).collect()),
            Field::Status => Value::Text(self.workflow_status.label()),
            Field::Resource => Value::Texts(self.resources.iter().map(|r| &*r.id).collect()),
            Field::Control => self
                .control_id
                .as_deref()
                .map_or(Value::Missing, Value::Text),
            Field::Title => Value::Text(&self.title),
            Field::Age => Value::Time(self.updated_at),
            _ => Value::Missing,
        }
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let mut parts: Vec<&str> = vec![
            self.severity.label(),
            &self.title,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            &self.product,
            self.workflow_status.label(),
            self.control_id.as_deref().unwrap_or(""),
        ];
        parts.extend(self.types.iter().map(|t| &**t));
        parts.extend(self.resources.iter().map(|r| &*r.id));
        join_lower(&parts)
    }
}

impl Keyed for CredentialRecord {
    fn key(&self) -> String {
        CredentialRecord::key(self)
    }

    fn fields() -> &'static [Field] {
        fields::CREDENTIAL_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Account => Value::Account(&self.account_id),
            Field::User => Value::Text(&self.user),
            _ => Value::Missing,
        }
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        join_lower(&[
            &self.user,
            &self.arn,
            &self.account_id,
            accounts.name(&self.account_id),
            if self.mfa_active { "mfa" } else { "no-mfa" },
        ])
    }
}

impl Keyed for Exposure {
    fn key(&self) -> String {
        Exposure::key(self)
    }

    fn fields() -> &'static [Field] {
        fields::EXPOSURE_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Account => Value::Account(&self.account_id),
            Field::Region => Value::Text(&self.region),
            Field::Type => Value::Text(&self.resource_type),
            Field::Resource => Value::Text(&self.resource),
            Field::Access => Value::Texts(vec![
                if self.is_public {
                    "public"
                } else {
                    "cross-account"
                },
                &self.principal,
                self.external_account.as_deref().unwrap_or(""),
            ]),
            Field::Source => Value::Text(&self.source),
            Field::Age => Value::Time(self.updated_at),
            _ => Value::Missing,
        }
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let mut parts: Vec<&str> = vec![
            &self.resource,
            &self.resource_type,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            &self.principal,
            if self.is_public {
                "public"
            } else {
                "cross-account"
            },
        ];
        parts.extend(self.actions.iter().map(String::as_str));
        join_lower(&parts)
    }
}

impl Keyed for ComplianceResult {
    fn key(&self) -> String {
        ComplianceResult::key(self)
    }

    fn fields() -> &'static [Field] {
        fields::COMPLIANCE_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Rule => Value::Text(&self.rule),
            Field::Account => self
                .account_id
                .as_deref()
                .map_or(Value::Missing, Value::Account),
            Field::Region => self.region.as_deref().map_or(Value::Missing, Value::Text),
            Field::Type => Value::Text(&self.resource_type),
            Field::Resource => Value::Text(&self.resource_id),
            Field::Age => self.recorded_at.map_or(Value::Missing, Value::Time),
            _ => Value::Missing,
        }
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let account = self.account_id.as_deref().unwrap_or("");
        join_lower(&[
            &self.rule,
            &self.compliance_type,
            &self.resource_type,
            &self.resource_id,
            account,
            accounts.name(account),
            self.region.as_deref().unwrap_or(""),
            self.annotation.as_deref().unwrap_or(""),
        ])
    }
}

impl Keyed for TrailEvent {
    fn key(&self) -> String {
        TrailEvent::key(self)
    }

    fn fields() -> &'static [Field] {
        fields::EVENT_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Account => Value::Account(&self.account_id),
            Field::Region => Value::Text(&self.region),
            Field::User => Value::Text(&self.username),
            Field::Event => Value::Text(&self.event_name),
            Field::Source => Value::Text(&self.event_source),
            Field::Detection => Value::Texts(self.detections.iter().map(|d| d.as_str()).collect()),
            // A failed call's error code; "ok" for a call that succeeded.
            Field::Status => Value::Text(self.error_code.as_deref().unwrap_or("ok")),
            Field::Age => Value::Time(self.event_time),
            _ => Value::Missing,
        }
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let mut parts: Vec<&str> = vec![
            &self.event_name,
            &self.event_source,
            &self.username,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            self.source_ip.as_deref().unwrap_or(""),
            self.error_code.as_deref().unwrap_or(""),
        ];
        parts.extend(self.detections.iter().map(CompactString::as_str));
        join_lower(&parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone)]
    struct Row(&'static str, &'static str);

    impl Keyed for Row {
        fn key(&self) -> String {
            self.0.to_string()
        }
        fn search_text(&self, _: &Accounts) -> String {
            join_lower(&[self.0, self.1])
        }
    }

    fn rows_matching(t: &Table<Row>, q: &str) -> Vec<u32> {
        let keep = t.matching(
            &TextQuery::parse(q).unwrap(),
            &Accounts::default(),
            chrono::DateTime::UNIX_EPOCH,
        );
        (0..t.len() as u32).filter(|&i| keep[i as usize]).collect()
    }

    #[test]
    fn replaced_text_no_longer_matches_and_compaction_keeps_answers() {
        let acc = Accounts::default();
        let mut t = Table::default();
        t.upsert_newer(vec![Row("a", "alpha"), Row("b", "beta")], &acc, |_, _| true);
        t.upsert_newer(vec![Row("a", "gamma")], &acc, |_, _| true);
        assert_eq!(rows_matching(&t, "alpha"), Vec::<u32>::new());
        assert_eq!(rows_matching(&t, "gamma"), vec![0]);
        assert_eq!(rows_matching(&t, "a"), vec![0, 1]);
        assert_eq!(rows_matching(&t, "-gamma"), vec![1]);
        // Many replacements force compaction; answers stay the same.
        for _ in 0..50 {
            t.upsert_newer(vec![Row("b", "delta"), Row("a", "gamma")], &acc, |_, _| {
                true
            });
        }
        assert!(t.text.len() < 64, "compacted: {} bytes", t.text.len());
        assert_eq!(rows_matching(&t, "delta"), vec![1]);
        assert_eq!(rows_matching(&t, "beta"), Vec::<u32>::new());
        assert_eq!(t.search_text(1), "b\u{1f}delta");
    }

    #[test]
    fn a_match_never_spans_two_rows() {
        let acc = Accounts::default();
        let mut t = Table::default();
        t.upsert_newer(vec![Row("x", "ab"), Row("y", "cd")], &acc, |_, _| true);
        assert_eq!(rows_matching(&t, "bc"), Vec::<u32>::new());
        assert_eq!(rows_matching(&t, "\"ab\u{1e}y\""), Vec::<u32>::new());
    }

    #[test]
    fn colliding_key_hashes_still_find_both_rows() {
        let acc = Accounts::default();
        let mut t = Table::default();
        t.upsert_newer(vec![Row("first", "one")], &acc, |_, _| true);
        // Pretend "second" hashed like "first".
        t.insert_key("second".into(), hash_key("first"), 1);
        t.write_text(1, "second\u{1f}two");
        t.items.push(Row("second", "two"));
        assert_eq!(t.position("first"), Some(0));
        assert_eq!(t.position("second"), Some(1));
        t.upsert_newer(vec![Row("second", "three")], &acc, |_, _| true);
        assert_eq!(
            t.len(),
            2,
            "an upsert of the collided key replaced in place"
        );
        assert_eq!(rows_matching(&t, "three"), vec![1]);
    }

    #[test]
    fn replace_where_rebuilds_keys_and_text() {
        let acc = Accounts::default();
        let mut t = Table::default();
        t.upsert_newer(
            vec![Row("a", "x"), Row("b", "y"), Row("c", "x")],
            &acc,
            |_, _| true,
        );
        t.replace_where(|r| r.1 == "x", vec![Row("d", "z")], &acc);
        assert_eq!(t.len(), 2);
        assert_eq!(t.position("b"), Some(0));
        assert_eq!(t.position("d"), Some(1));
        assert_eq!(t.position("a"), None);
        assert_eq!(rows_matching(&t, "z"), vec![1]);
    }
}
