//! The text a free-text filter searches, each distinct value kept once.
//!
//! A row's search text is a handful of values (title, account and its name, region,
//! product, status, resource, ...), and across a large table most of them repeat: at a
//! million findings the rows' texts back to back took 248 MB, their distinct values 4 MB.
//! So each distinct value is kept once, lowercase, in one buffer that a filter word scans
//! with `memmem`, and each row keeps the numbers of its values. A word matches a row when
//! it lies inside one of the row's values, never across two, as it did when each row's
//! values were joined with a separator no word contains.

use super::removal::Removal;
use super::reserve_modestly;
use memchr::memmem::Finder;
use std::hash::BuildHasher;

/// Ends each value in the buffer. Filter words never contain it, so a match never spans
/// two values; a value that holds it has it replaced by a space.
pub(in crate::store) const VALUE_END: char = '\u{1e}';

/// Separates a row's values in [`SearchText::row_text`].
const JOIN: char = '\u{1f}';

/// Dead values are dropped once they hold more than this many bytes and half the buffer:
/// below it, renumbering every row would cost more than the bytes it frees.
const REBUILD_BYTES: usize = 64 * 1024;

#[derive(Default)]
pub(in crate::store) struct SearchText {
    /// Every distinct value, lowercase, each followed by [`VALUE_END`].
    text: String,
    /// Value number -> where it starts in `text` (ascending).
    starts: Vec<u32>,
    /// How many row entries name each value; a value no row names is dead until the
    /// values are rebuilt.
    refs: Vec<u32>,
    /// Bytes of `text` held by dead values.
    dead: usize,
    /// Every value's number, found by the value's hash and compared in `text`.
    index: hashbrown::HashTable<u32>,
    /// Every row's value numbers, back to back.
    ids: Vec<u32>,
    /// Per row: where its numbers start in `ids`, and how many there are.
    spans: Vec<(u32, u32)>,
    /// Entries of `ids` that belong to replaced texts.
    garbage: usize,
    /// No text is kept: the table is never searched (a store built for an export).
    off: bool,
    /// A value being lowered, kept from row to row (a string per row grew a few times).
    scratch: String,
}

impl std::fmt::Debug for SearchText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchText")
            .field("values", &self.starts.len())
            .field("rows", &self.spans.len())
            .finish_non_exhaustive()
    }
}

/// A fast hash, seeded once per process: values come from records others can shape (a
/// user agent, a tag), so colliding values cannot be worked out in advance.
fn hash(value: &str) -> u64 {
    static SEED: std::sync::OnceLock<foldhash::fast::RandomState> = std::sync::OnceLock::new();
    SEED.get_or_init(Default::default).hash_one(value)
}

/// `part` lowercase, without the value terminator: borrowed when it already is.
fn lowered<'a>(part: &'a str, scratch: &'a mut String) -> &'a str {
    let plain = part
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != VALUE_END as u8);
    if plain {
        return part;
    }
    scratch.clear();
    let end = |c: char| if c == VALUE_END { ' ' } else { c };
    if part.is_ascii() {
        // Most values (a title, an ARN): copied and lowered in place, a byte at a time
        // (char by char into the string was a seventh of a replay's store writes).
        scratch.push_str(part);
        scratch.make_ascii_lowercase();
        if scratch.contains(VALUE_END) {
            *scratch = scratch.replace(VALUE_END, " ");
        }
    } else {
        scratch.extend(part.to_lowercase().chars().map(end));
    }
    scratch
}

impl SearchText {
    /// Keeps no text from now on, and drops what was kept.
    pub(in crate::store) fn turn_off(&mut self) {
        *self = SearchText {
            off: true,
            ..Default::default()
        };
    }

    /// Whether no text is kept (see [`SearchText::turn_off`]).
    pub(in crate::store) fn is_off(&self) -> bool {
        self.off
    }

    /// Sets row `row`'s values (a row past the last is appended). Empty values are left
    /// out: no word matches them.
    pub(in crate::store) fn write(&mut self, row: u32, parts: &[&str]) {
        let start = self.ids.len() as u32;
        reserve_modestly(&mut self.ids, parts.len());
        let mut scratch = std::mem::take(&mut self.scratch);
        for part in parts.iter().filter(|p| !p.is_empty()) {
            let id = self.intern(lowered(part, &mut scratch));
            self.hold(id);
            self.ids.push(id);
        }
        self.scratch = scratch;
        let len = self.ids.len() as u32 - start;
        match self.spans.get(row as usize).copied() {
            Some(old) => {
                // The old numbers lose their holders only now, so a value the row still
                // names never counts as dead in between.
                self.release(old);
                if len <= old.1 {
                    // A row written again with no more values than before: they go where
                    // the old ones were, and the numbers do not grow by a row per write
                    // until the next pack.
                    self.ids.copy_within(start as usize.., old.0 as usize);
                    self.ids.truncate(start as usize);
                    self.garbage -= len as usize;
                    self.spans[row as usize] = (old.0, len);
                } else {
                    self.spans[row as usize] = (start, len);
                }
            }
            None => {
                debug_assert_eq!(row as usize, self.spans.len(), "rows are appended in order");
                reserve_modestly(&mut self.spans, 1);
                self.spans.push((start, len));
            }
        }
    }

    /// Sets row `row`'s values to `parts` when it held `before` (its record's values
    /// when it was written): a value that did not change keeps its number without being
    /// looked up (a poll re-dates a finding and its texts stay; shared text compares by
    /// pointer). A row with another count of values is written afresh. `before` must be
    /// the values as they were worked out for the last write: the store rebuilds every
    /// row's values when account names change, so the names read now are those.
    pub(in crate::store) fn rewrite(&mut self, row: u32, before: &[&str], parts: &[&str]) {
        let present = |p: &&&str| !p.is_empty();
        let count = parts.iter().filter(present).count();
        let Some(&(start, len)) = self.spans.get(row as usize) else {
            return self.write(row, parts);
        };
        if before.iter().filter(present).count() != count || len as usize != count {
            return self.write(row, parts);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let pairs = before
            .iter()
            .filter(present)
            .zip(parts.iter().filter(present));
        for (k, (old, new)) in pairs.enumerate() {
            if (old.as_ptr() == new.as_ptr() && old.len() == new.len()) || old == new {
                continue;
            }
            let id = self.intern(lowered(new, &mut scratch));
            let slot = start as usize + k;
            let was = std::mem::replace(&mut self.ids[slot], id);
            if was == id {
                continue;
            }
            self.hold(id);
            self.unhold(was);
        }
        self.scratch = scratch;
    }

    /// One more row entry names value `id` (a dead value comes alive).
    fn hold(&mut self, id: u32) {
        let refs = &mut self.refs[id as usize];
        if *refs == 0 {
            self.dead -= value_len(&self.starts, self.text.len(), id) + 1;
        }
        *refs += 1;
    }

    /// One row entry fewer names value `id` (at none it is dead).
    fn unhold(&mut self, id: u32) {
        let refs = &mut self.refs[id as usize];
        *refs -= 1;
        if *refs == 0 {
            self.dead += value_len(&self.starts, self.text.len(), id) + 1;
        }
    }

    /// Row `row`'s values joined by `\x1f`, as the table's search text used to read.
    pub(in crate::store) fn row_text(&self, row: u32) -> String {
        let mut out = String::new();
        for &id in self.row_ids(row) {
            if !out.is_empty() {
                out.push(JOIN);
            }
            out.push_str(self.value(id));
        }
        out
    }

    /// Whether the (lowercase) word lies inside one of row `row`'s values.
    pub(in crate::store) fn row_contains(&self, row: u32, word: &Finder<'_>) -> bool {
        self.row_ids(row)
            .iter()
            .any(|&id| word.find(self.value(id).as_bytes()).is_some())
    }

    /// Narrows `keep` by one word: a row stays when it contains the word (or, `negated`,
    /// when it does not). The word is looked for once in the distinct values; each row
    /// still kept then only reads which of its values held it.
    pub(in crate::store) fn narrow(&self, word: &Finder<'_>, negated: bool, keep: &mut [bool]) {
        let (held, any) = self.values_containing(word);
        if !any {
            if !negated {
                keep.iter_mut().for_each(|k| *k = false);
            }
            return;
        }
        for (k, &(start, len)) in keep.iter_mut().zip(&self.spans) {
            if *k {
                let ids = &self.ids[start as usize..(start + len) as usize];
                *k = ids.iter().any(|&id| held[id as usize]) != negated;
            }
        }
    }

    /// Takes the removed rows out (their values lose a holder) and packs what is left.
    pub(in crate::store) fn remove(&mut self, removal: &Removal) {
        for &row in &removal.removed {
            if let Some(&span) = self.spans.get(row as usize) {
                self.release(span);
            }
        }
        removal.compact(&mut self.spans);
        self.pack();
    }

    /// Packs when replaced texts outweigh live ones, or dead values live ones.
    pub(in crate::store) fn pack_if_wasteful(&mut self) {
        if self.garbage > self.ids.len() / 2 || self.dead_outweighs_live() {
            self.pack();
        }
    }

    fn dead_outweighs_live(&self) -> bool {
        self.dead > REBUILD_BYTES && self.dead > self.text.len() / 2
    }

    /// Bytes held: the distinct values and every row's numbers.
    #[cfg(test)]
    pub(in crate::store) fn held_bytes(&self) -> usize {
        self.text.len()
            + 4 * (self.starts.len() + self.refs.len() + self.ids.len())
            + 8 * self.spans.len()
    }

    fn row_ids(&self, row: u32) -> &[u32] {
        match self.spans.get(row as usize) {
            Some(&(start, len)) => &self.ids[start as usize..(start + len) as usize],
            None => &[],
        }
    }

    fn value(&self, id: u32) -> &str {
        let start = self.starts[id as usize] as usize;
        &self.text[start..start + value_len(&self.starts, self.text.len(), id)]
    }

    /// The value's number, adding it when new.
    fn intern(&mut self, value: &str) -> u32 {
        let h = hash(value);
        let (text, starts) = (&self.text, &self.starts);
        let found = self.index.find(h, |&id| {
            let start = starts[id as usize] as usize;
            text.as_bytes()[start..].starts_with(value.as_bytes())
                && value_len(starts, text.len(), id) == value.len()
        });
        if let Some(&id) = found {
            return id;
        }
        let id = self.push_value(value);
        let (text, starts) = (&self.text, &self.starts);
        self.index.insert_unique(h, id, |&id| {
            let start = starts[id as usize] as usize;
            hash(&text[start..start + value_len(starts, text.len(), id)])
        });
        id
    }

    /// A new value, dead until a row names it.
    fn push_value(&mut self, value: &str) -> u32 {
        let id = self.starts.len() as u32;
        if self.text.capacity() - self.text.len() < value.len() + 1 {
            self.text
                .reserve_exact((value.len() + 1).max(self.text.len() / 8));
        }
        reserve_modestly(&mut self.starts, 1);
        reserve_modestly(&mut self.refs, 1);
        self.starts.push(self.text.len() as u32);
        self.text.push_str(value);
        self.text.push(VALUE_END);
        self.refs.push(0);
        self.dead += value.len() + 1;
        id
    }

    /// A replaced or removed row's numbers: garbage in `ids`, one holder fewer per value.
    fn release(&mut self, (start, len): (u32, u32)) {
        self.garbage += len as usize;
        for i in start as usize..(start + len) as usize {
            self.unhold(self.ids[i]);
        }
    }

    /// Which values hold the word, and whether any does.
    fn values_containing(&self, word: &Finder<'_>) -> (Vec<bool>, bool) {
        let mut held = vec![false; self.starts.len()];
        let mut any = false;
        let hay = self.text.as_bytes();
        let mut pos = 0;
        while let Some(found) = word.find(&hay[pos..]) {
            let at = pos + found;
            let id = self.starts.partition_point(|&s| s as usize <= at) - 1;
            held[id] = true;
            any = true;
            // One match per value is enough: go on from the next value.
            pos = match self.starts.get(id + 1) {
                Some(&next) => next as usize,
                None => break,
            };
        }
        (held, any)
    }

    /// The row numbers again in row order without the garbage, and the values again
    /// without the dead ones once those are most of the buffer.
    fn pack(&mut self) {
        let live: usize = self.spans.iter().map(|&(_, len)| len as usize).sum();
        let mut ids = Vec::with_capacity(live);
        for span in &mut self.spans {
            let (start, len) = *span;
            *span = (ids.len() as u32, len);
            ids.extend_from_slice(&self.ids[start as usize..(start + len) as usize]);
        }
        self.ids = ids;
        self.garbage = 0;
        if self.dead_outweighs_live() {
            self.drop_dead_values();
        }
    }

    /// Keeps only the values some row names, renumbered in buffer order.
    fn drop_dead_values(&mut self) {
        let old = std::mem::take(self);
        let mut renumber = vec![u32::MAX; old.starts.len()];
        self.text = String::with_capacity(old.text.len() - old.dead);
        for (id, &refs) in old.refs.iter().enumerate() {
            if refs > 0 {
                let new = self.intern(old.value(id as u32));
                self.refs[new as usize] = refs;
                renumber[id] = new;
            }
        }
        self.dead = 0;
        self.ids = old.ids.iter().map(|&id| renumber[id as usize]).collect();
        self.spans = old.spans;
    }
}

/// The length of value `id`, from where it and the next start.
fn value_len(starts: &[u32], text_len: usize, id: u32) -> usize {
    let start = starts[id as usize] as usize;
    let end = starts
        .get(id as usize + 1)
        .map_or(text_len, |&next| next as usize);
    end - start - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finder(word: &str) -> Finder<'static> {
        Finder::new(word.as_bytes()).into_owned()
    }

    fn matching(s: &SearchText, word: &str, negated: bool) -> Vec<u32> {
        let mut keep = vec![true; s.spans.len()];
        s.narrow(&finder(word), negated, &mut keep);
        (0..keep.len() as u32)
            .filter(|&i| keep[i as usize])
            .collect()
    }

    #[test]
    fn repeated_values_are_kept_once() {
        let mut s = SearchText::default();
        for row in 0..1000 {
            s.write(
                row,
                &[
                    "GuardDuty",
                    "us-east-1",
                    if row % 2 == 0 { "High" } else { "Low" },
                ],
            );
        }
        assert_eq!(s.starts.len(), 4);
        assert_eq!(s.text, "guardduty\u{1e}us-east-1\u{1e}high\u{1e}low\u{1e}");
        assert_eq!(s.row_text(1), "guardduty\u{1f}us-east-1\u{1f}low");
        assert_eq!(matching(&s, "hig", false).len(), 500);
        assert_eq!(matching(&s, "duty", false).len(), 1000);
        assert_eq!(matching(&s, "duty", true).len(), 0);
        assert_eq!(matching(&s, "nothing", true).len(), 1000);
        // Across two values: never.
        assert!(matching(&s, "1high", false).is_empty());
    }

    #[test]
    fn a_value_holding_the_terminator_cannot_end_early() {
        let mut s = SearchText::default();
        s.write(0, &["a\u{1e}b"]);
        assert_eq!(s.row_text(0), "a b");
        assert_eq!(matching(&s, "a b", false), vec![0]);
        assert!(s.row_contains(0, &finder("a b")));
    }

    #[test]
    fn replaced_and_removed_rows_free_their_values() {
        let mut s = SearchText::default();
        let unique: Vec<String> = (0..20_000).map(|i| format!("resource-{i:08}")).collect();
        for (row, u) in unique.iter().enumerate() {
            s.write(row as u32, &[u, "shared"]);
        }
        let full = s.held_bytes();
        // Every row rewritten with other unique values: the old ones die and go.
        let other: Vec<String> = (0..20_000).map(|i| format!("other-{i:08}")).collect();
        for (row, u) in other.iter().enumerate() {
            s.write(row as u32, &[u, "shared"]);
            s.pack_if_wasteful();
        }
        assert!(
            s.held_bytes() < full * 3 / 2,
            "{} vs {full}",
            s.held_bytes()
        );
        assert_eq!(s.dead, s.text.len() - live_bytes(&s));
        assert_eq!(matching(&s, "resource-", false), Vec::<u32>::new());
        assert_eq!(matching(&s, "other-00000007", false), vec![7]);
        // Half the rows leave.
        let removal = Removal {
            moves: 1,
            removed: (0..20_000).step_by(2).collect(),
        };
        s.remove(&removal);
        assert_eq!(s.spans.len(), 10_000);
        assert_eq!(matching(&s, "other-00000007", false), vec![3]);
        assert_eq!(matching(&s, "other-00000008", false), Vec::<u32>::new());
        assert_eq!(matching(&s, "shared", false).len(), 10_000);
        assert_eq!(s.dead, s.text.len() - live_bytes(&s));
        for row in 0..10_000u32 {
            assert_eq!(
                s.row_text(row),
                format!("other-{:08}\u{1f}shared", 2 * row + 1)
            );
        }
    }

    #[test]
    fn a_value_that_begins_another_is_its_own_value() {
        let mut s = SearchText::default();
        s.write(0, &["prod", "production"]);
        s.write(1, &["production"]);
        s.write(2, &["prod"]);
        assert_eq!(s.starts.len(), 2);
        assert_eq!(s.row_text(2), "prod");
        assert_eq!(matching(&s, "prod", false), vec![0, 1, 2]);
        assert_eq!(matching(&s, "produc", false), vec![0, 1]);
    }

    #[test]
    fn a_row_rewritten_with_no_more_values_takes_its_old_place() {
        let mut s = SearchText::default();
        for row in 0..100 {
            s.write(row, &["GuardDuty", "HIGH", &format!("r-{row}")]);
        }
        let held = s.ids.len();
        // Re-rated a thousand times over: as many values, then fewer.
        for round in 0..1000u32 {
            let row = round % 100;
            let rating = if round % 2 == 0 { "Low" } else { "Medium" };
            s.write(row, &["GuardDuty", rating, &format!("r-{row}")]);
        }
        assert_eq!(
            s.ids.len(),
            held,
            "no numbers appended for same-size rewrites"
        );
        assert_eq!(s.garbage, 0);
        s.write(7, &["GuardDuty"]);
        assert_eq!((s.ids.len(), s.garbage), (held, 2));
        // More values than before: appended, the old place is garbage.
        s.write(8, &["GuardDuty", "Low", "r-8", "extra"]);
        assert_eq!((s.ids.len(), s.garbage), (held + 4, 5));
        assert_eq!(s.row_text(7), "guardduty");
        assert_eq!(s.row_text(8), "guardduty\u{1f}low\u{1f}r-8\u{1f}extra");
        assert_eq!(s.row_text(9), "guardduty\u{1f}medium\u{1f}r-9");
        assert_eq!(matching(&s, "high", false), Vec::<u32>::new());
        assert_eq!(matching(&s, "r-7", false), (70..80).collect::<Vec<u32>>());
        assert_eq!(matching(&s, "extra", false), vec![8]);
        assert_eq!(s.dead, s.text.len() - live_bytes(&s));
        s.pack();
        assert_eq!((s.ids.len(), s.garbage), (299, 0));
        assert_eq!(s.row_text(8), "guardduty\u{1f}low\u{1f}r-8\u{1f}extra");
    }

    #[test]
    fn values_are_lowered_whatever_their_script() {
        let mut s = SearchText::default();
        s.write(0, &["ÉQUIPE Paris", "Straße", "ARN:AWS:S3:::Bucket\u{1e}X"]);
        assert_eq!(
            s.row_text(0),
            "équipe paris\u{1f}straße\u{1f}arn:aws:s3:::bucket x"
        );
        assert_eq!(matching(&s, "équipe", false), vec![0]);
    }

    #[test]
    fn a_rewrite_looks_up_only_the_values_that_changed() {
        let mut s = SearchText::default();
        let title = String::from("S3 bucket is public");
        s.write(0, &["HIGH", &title, "", "r-0"]);
        s.write(1, &["LOW", &title, "", "r-1"]);
        let (text, ids) = (s.text.clone(), s.ids.clone());
        // The same values (one of them the very same text): nothing moves.
        s.rewrite(
            0,
            &["HIGH", &title, "", "r-0"],
            &["HIGH", &title, "", "r-0"],
        );
        assert_eq!((&s.text, &s.ids), (&text, &ids));
        // Re-rated, and a value changed only in case: one new value, one number swapped.
        s.rewrite(0, &["HIGH", &title, "", "r-0"], &["Low", &title, "", "R-0"]);
        assert_eq!(s.ids.len(), ids.len());
        assert_eq!(s.garbage, 0);
        assert_eq!(s.row_text(0), "low\u{1f}s3 bucket is public\u{1f}r-0");
        assert_eq!(matching(&s, "high", false), Vec::<u32>::new());
        assert_eq!(matching(&s, "low", false), vec![0, 1]);
        assert_eq!(s.dead, s.text.len() - live_bytes(&s));
        // Another count of values: written afresh.
        s.rewrite(1, &["LOW", &title, "", "r-1"], &["LOW", &title, "x", "r-1"]);
        assert_eq!(
            s.row_text(1),
            "low\u{1f}s3 bucket is public\u{1f}x\u{1f}r-1"
        );
        assert_eq!(s.dead, s.text.len() - live_bytes(&s));
        // A row not written yet is written.
        s.rewrite(2, &[], &["new"]);
        assert_eq!(matching(&s, "new", false), vec![2]);
    }

    /// Bytes of the values some row names, counted afresh.
    fn live_bytes(s: &SearchText) -> usize {
        (0..s.starts.len() as u32)
            .filter(|&id| s.refs[id as usize] > 0)
            .map(|id| s.value(id).len() + 1)
            .sum()
    }
}
