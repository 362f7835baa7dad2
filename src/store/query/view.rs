//! The sorted, filtered rows of a table that a pane shows, and its cursor.
//!
//! The rows are kept in sort order, and while a filter is on, separately the subset that
//! passes it (with no filter the shown rows are the order itself). New data is merged in:
//! the rows written since the last look are taken out and put back at their places by
//! binary search, in the sorted order and in the filtered rows alike, so a poll of 500
//! findings costs the UI thread comparisons for those 500, not for a million. In a ranked
//! table's default order (column 0) the written rows are found where they were by the rank
//! they had before the write, which the table logs; in another order, by a pass over the
//! rows.

use super::super::fields::Field;
use super::super::table::{Keyed, Table};
use super::super::Accounts;
use super::{QueryError, TextQuery};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

mod merge;
use merge::{splice, ByRank, Written};

/// Every position in `order`, for column 0 of a ranked table or a column with a lead key:
/// (key, position) pairs sorted side by side, the rows compared only where keys tie, and
/// ties kept in position order as a stable sort keeps them. Sorting positions whose ranks
/// sit elsewhere read the rank array at random: at a million findings 400 ms.
fn sort_by_key<K: Ord + Copy>(
    sorted: &mut Vec<u32>,
    keys: &[K],
    descending: bool,
    order: &dyn Fn(u32, u32) -> Ordering,
) {
    let mut pairs: Vec<(K, u32)> = keys.iter().copied().zip(0..).collect();
    pairs.sort_unstable_by(|x, y| {
        let keys = if descending {
            y.0.cmp(&x.0)
        } else {
            x.0.cmp(&y.0)
        };
        keys.then_with(|| order(x.1, y.1)).then(x.1.cmp(&y.1))
    });
    sorted.extend(pairs.iter().map(|p| p.1));
}

/// A sort's leading key by table position, for a pane whose comparator reads more than
/// the row (a credential's risk, an exposure's marks): a row with a smaller key comes
/// first in the column's natural order, and rows with equal keys are left to the
/// comparator. A sort from scratch then sorts (key, position) pairs side by side: at a
/// million findings the 70,000 credential rows' first sort by comparator took 40 ms.
pub type LeadKey<'a> = &'a dyn Fn(u32) -> crate::store::sort::lead::Lead;

/// The flags of a pane's rows (`risk:old-key`, `mark:public`), by table position, and a
/// key that changes when they may have.
pub struct Flags<'a> {
    pub key: u64,
    pub of: &'a dyn Fn(u32) -> Vec<&'static str>,
}

/// A sortable column: a comparator over table positions, with its natural direction.
pub struct SortSpec<'a> {
    pub compare: &'a dyn Fn(u32, u32) -> Ordering,
    /// Reverse of the natural order (`S`).
    pub reversed: bool,
}

/// The rows a pane shows and where the cursor is.
#[derive(Debug, Default, Clone)]
pub struct View {
    /// The filter as typed.
    pub filter_text: String,
    /// The filter the rows are filtered by: what is typed while it parses, else the last
    /// committed filter (never a half-typed prefix of the new one).
    pub(super) query: TextQuery,
    /// The last filter committed (Enter, a saved view, the overview's evidence), and its
    /// text: what the table shows while the typed text has an error.
    committed: (String, TextQuery),
    pub filter_error: Option<QueryError>,
    /// A filter under the typed one that the pane applies by itself (the findings pane's
    /// open findings), with its text: shown in the title, toggled with a key.
    scope: Option<(String, TextQuery)>,
    pub sort_column: usize,
    pub reversed: bool,
    /// Every position in sort order, while a filter is on (see `unfiltered`).
    sorted: Vec<u32>,
    /// Positions in the table, in display order, after filtering.
    pub rows: Vec<u32>,
    /// No filter is on (nor a pane's own scope): `rows` is the sort order itself and
    /// `sorted` stays empty (at a million findings, a second copy was 4 MB and a copy on
    /// every poll).
    unfiltered: bool,
    pub selected: usize,
    /// First row on screen; the renderer keeps the selection visible.
    pub offset: usize,
    sorted_for: Option<(u64, usize, bool)>,
    /// The table's moves count when the order was built: positions still mean its rows.
    sorted_moves: u64,
    filtered_for: Option<(u64, u64, i64)>,
    /// For each table position at `filtered_for`, whether the filter keeps it (empty for
    /// no filter).
    kept: Vec<bool>,
    filter_generation: u64,
    /// The fields the filter may name (the pane's kind of record).
    fields: &'static [Field],
    /// `f`: held still since this table revision and moves count; `Some(None)` asks for a
    /// freeze at the next refresh.
    frozen: Option<Option<(u64, u64)>>,
    /// Table changes since the freeze, for the title.
    pub waiting: u64,
    /// The freeze ended by itself (rows moved underneath); the app says so once.
    pub thawed: bool,
    /// How many times every row was sorted or filtered again (not caught up), which a
    /// test of the catching up counts.
    full_passes: u64,
    /// How many times written rows were found in a list by their former rank rather than
    /// by a pass over it, which a test of the catching up counts too.
    found_by_rank: u64,
}

impl View {
    pub fn new(sort_column: usize) -> View {
        View {
            sort_column,
            ..View::default()
        }
    }

    /// A view of a table of `T`: its filter knows `T`'s fields.
    pub fn of<T: Keyed>(sort_column: usize) -> View {
        View {
            sort_column,
            fields: T::fields(),
            ..View::default()
        }
    }

    pub fn fields(&self) -> &'static [Field] {
        self.fields
    }

    /// A new filter or sort since the rows were last worked out: the user wants new rows,
    /// frozen or not.
    fn asked_for_other_rows(&self) -> bool {
        let sorted_as = self.sorted_for.map(|(_, c, r)| (c, r));
        sorted_as != Some((self.sort_column, self.reversed))
            || self.filtered_for.map(|f| f.0) != Some(self.filter_generation)
    }

    /// `f`: hold the rows still while updates arrive, or let them move again.
    pub fn toggle_freeze(&mut self) {
        self.frozen = match self.frozen {
            None => Some(None),
            Some(_) => None,
        };
        self.waiting = 0;
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen.is_some()
    }

    /// Which table positions the filter keeps (empty: all of them), as of the last
    /// refresh; what a count over the shown rows reads in table order.
    pub fn kept(&self) -> &[bool] {
        &self.kept
    }

    /// Changes whenever the rows kept may have: the filter, the table's revision, the
    /// minute a time-bound filter was worked out at.
    pub fn filter_stamp(&self) -> Option<(u64, u64, i64)> {
        self.filtered_for
    }

    /// Whether the rows are every row of the table, in order: no filter, no scope, not
    /// held still by a freeze.
    pub fn shows_every_row(&self) -> bool {
        self.unfiltered && !self.is_frozen()
    }

    /// The table position under the cursor.
    pub fn selected_row(&self) -> Option<u32> {
        self.rows.get(self.selected).copied()
    }

    /// How many times the rows were sorted or filtered from scratch.
    pub fn full_passes(&self) -> u64 {
        self.full_passes
    }

    /// How many times written rows were found by their former rank.
    pub fn found_by_rank(&self) -> u64 {
        self.found_by_rank
    }

    pub fn total_sorted(&self) -> usize {
        self.order().len()
    }

    /// Every position in sort order.
    fn order(&self) -> &Vec<u32> {
        if self.unfiltered {
            &self.rows
        } else {
            &self.sorted
        }
    }

    fn order_mut(&mut self) -> &mut Vec<u32> {
        if self.unfiltered {
            &mut self.rows
        } else {
            &mut self.sorted
        }
    }

    /// Sets and commits the filter (a saved view, the overview's evidence, a restore);
    /// on a parse error the rows keep the last committed filter.
    pub fn set_filter(&mut self, text: &str) {
        self.edit_filter(text);
        let _ = self.commit_filter();
    }

    /// The text as typed so far: the rows follow it while it parses; while it does not,
    /// they show the last committed filter, and the error says so.
    pub fn edit_filter(&mut self, text: &str) {
        self.filter_text = text.to_string();
        match TextQuery::parse_for(text, self.fields) {
            Ok(q) => {
                self.query = q;
                self.filter_error = None;
            }
            Err(e) => {
                self.query = self.committed.1.clone();
                self.filter_error = Some(e);
            }
        }
        self.filter_generation += 1;
    }

    /// Enter: the typed filter becomes the committed one; an invalid one is refused.
    pub fn commit_filter(&mut self) -> Result<(), QueryError> {
        if let Some(e) = &self.filter_error {
            return Err(e.clone());
        }
        self.committed = (self.filter_text.clone(), self.query.clone());
        Ok(())
    }

    /// The committed filter's text (what the rows show while the typed text is invalid).
    pub fn committed_filter(&self) -> &str {
        &self.committed.0
    }

    /// Sets (or with `None` removes) the pane's own filter under the typed one.
    pub fn set_scope(&mut self, scope: Option<&str>) {
        self.scope = scope.map(|text| {
            let q = TextQuery::parse_for(text, self.fields).unwrap_or_default();
            (text.to_string(), q)
        });
        self.filter_generation += 1;
    }

    /// The pane's own filter's text, if it has one.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_ref().map(|(t, _)| t.as_str())
    }

    /// Whether rows left its table (which has seen `moves` removals) since the view last
    /// caught up: its positions are then old ones, renumbered at its next refresh.
    pub fn behind(&self, moves: u64) -> bool {
        self.sorted_moves != moves
    }

    /// Sorts again at the next refresh: the order depends on more than this table.
    pub fn invalidate_sort(&mut self) {
        self.sorted_for = None;
    }

    /// Brings the view up to date with the table; cheap when nothing changed.
    /// `now` is for `age<…` terms, which are evaluated again each minute.
    pub fn refresh<T: Keyed>(
        &mut self,
        table: &Table<T>,
        compare: &dyn Fn(u32, u32) -> Ordering,
        accounts: &Accounts,
        now: DateTime<Utc>,
    ) {
        self.refresh_flagged(table, compare, accounts, now, None, None);
    }

    /// [`View::refresh`] for a pane whose rows carry flags worked out from more than the
    /// record (`risk:`, `mark:`): `flags` gives a row's flags, and its key changes when
    /// they may have (a store generation). `lead` is the sort's [`LeadKey`], if the
    /// column has one: a sort from scratch then sorts (key, position) pairs.
    pub fn refresh_flagged<T: Keyed>(
        &mut self,
        table: &Table<T>,
        compare: &dyn Fn(u32, u32) -> Ordering,
        accounts: &Accounts,
        now: DateTime<Utc>,
        flags: Option<Flags<'_>>,
        lead: Option<LeadKey<'_>>,
    ) {
        match self.frozen {
            Some(Some((_, moves))) if moves != table.moves() => {
                // Rows moved to other positions: what is held would show other records.
                self.frozen = None;
                self.thawed = true;
            }
            Some(Some((revision, _))) if !self.asked_for_other_rows() => {
                // Rows are replaced in place or appended: the positions held still mean the
                // same records (shown as they are now); new rows wait.
                self.waiting = table.revision() - revision;
                return;
            }
            // A new filter or sort is asked for: it applies, and the view stays frozen
            // from there.
            Some(Some(_)) => self.frozen = Some(None),
            Some(None) | None => {}
        }
        if self.frozen == Some(None) {
            self.frozen = Some(Some((table.revision(), table.moves())));
            self.waiting = 0;
        }
        if self.sorted_moves != table.moves() {
            self.renumber(table);
        }
        let keep = self.selected_row();
        // The cursor stays where the user put it: at the top of the list, arrivals do not
        // push it down (the top stays the top); after a new sort or filter it follows its
        // record, kept on the same screen line when it can be.
        let at_top = self.selected == 0;
        let asked = self.asked_for_other_rows();
        let line = self.selected.saturating_sub(self.offset);
        let sort_key = (table.revision(), self.sort_column, self.reversed);
        let mut changed = false;
        let same_order = self.sorted_for.map(|(_, c, r)| (c, r))
            == Some((self.sort_column, self.reversed))
            && self.sorted_moves == table.moves();
        let catch_up = match self.sorted_for {
            Some((revision, ..)) if same_order && revision != table.revision() => table
                .written_since_ranked(revision)
                .map(|rows| (revision, rows)),
            _ => None,
        };
        // Column 0 of a ranked table is its rank's order (see `Keyed::rank`).
        let by_rank = (T::RANKED && self.sort_column == 0 && table.ranks().len() == table.len())
            .then(|| ByRank {
                ranks: table.ranks(),
                descending: self.reversed,
            });
        let reversed = self.reversed;
        let order = |a: u32, b: u32| {
            if reversed {
                compare(b, a)
            } else {
                compare(a, b)
            }
        };
        // The rows merged into the order just now, and the revision they were written
        // after: the filtered rows can take the same rows in the same way.
        let mut merged: Option<(u64, Written)> = None;
        if let Some((from, rows)) = catch_up {
            let written = Written::new(rows, table.len(), &order);
            let list = self.order_mut();
            // The order holds every row there was at its revision.
            let len = list.len();
            let held: Vec<bool> = written
                .old
                .iter()
                .map(|&(r, _)| (r as usize) < len)
                .collect();
            let put = written.rows.iter().copied();
            if splice(list, &written, &held, by_rank, put, &order) {
                self.found_by_rank += 1;
            }
            merged = Some((from, written));
            self.sorted_for = Some(sort_key);
            changed = true;
        }
        if self.sorted_for != Some(sort_key) || self.order().len() != table.len() {
            let sorted = self.order_mut();
            sorted.clear();
            match (by_rank, lead) {
                (Some(by), _) => sort_by_key(sorted, by.ranks, by.descending, &order),
                (None, Some(lead)) => {
                    let keys: Vec<_> = (0..table.len() as u32).map(lead).collect();
                    sort_by_key(sorted, &keys, reversed, &order);
                }
                (None, None) => {
                    sorted.extend(0..table.len() as u32);
                    sorted.sort_by(|a, b| order(*a, *b));
                }
            }
            self.full_passes += 1;
            self.sorted_for = Some(sort_key);
            self.sorted_moves = table.moves();
            merged = None;
            changed = true;
        }
        let scope = self.scope.as_ref().map(|(_, q)| q);
        let queries: Vec<&TextQuery> = std::iter::once(&self.query)
            .chain(scope)
            .filter(|q| !q.is_empty())
            .collect();
        let derived = queries.iter().any(|q| q.has_derived());
        // Flags move with time (a key's age) and with other tables (Macie findings).
        let minute = if derived || queries.iter().any(|q| q.depends_on_time()) {
            now.timestamp().div_euclid(60)
        } else {
            0
        };
        let flags_key = if derived {
            flags.as_ref().map_or(0, |f| f.key)
        } else {
            0
        };
        let filter_key = (
            self.filter_generation,
            table.revision() ^ flags_key.rotate_left(32),
            minute,
        );
        if changed || self.filtered_for != Some(filter_key) {
            let mut rows_merged = false;
            if queries.is_empty() {
                self.kept.clear();
            } else {
                // The filter and the pane's scope must both hold: one query with the terms
                // of both, so that a new filter passes over a million rows once, not twice.
                let all = TextQuery::all_of(&queries);
                // Only the rows written since, when the same filters saw the rest; flags
                // worked out from other tables move without a write, so those go whole.
                let since = match self.filtered_for {
                    Some((generation, revision, at))
                        if !derived
                            && (generation, at) == (self.filter_generation, minute)
                            && self.kept.len() <= table.len()
                            && self.sorted_moves == table.moves() =>
                    {
                        Some(revision)
                    }
                    _ => None,
                };
                // The filtered rows were worked out at the revision the order was merged
                // from: they take the merged rows alike.
                let same = merged
                    .as_ref()
                    .filter(|(from, _)| Some(*from) == since && !self.unfiltered);
                let written = match (same, since) {
                    (Some((_, w)), _) => Some(std::borrow::Cow::Borrowed(&w.rows[..])),
                    (None, Some(revision)) => {
                        table.written_since(revision).map(std::borrow::Cow::Owned)
                    }
                    (None, None) => None,
                };
                match written {
                    Some(rows) => {
                        // The filtered rows hold the written rows the filter kept before.
                        let held: Option<Vec<bool>> = same.map(|(_, w)| {
                            let kept = &self.kept;
                            let was = |r: u32| kept.get(r as usize).copied().unwrap_or(false);
                            w.old.iter().map(|&(r, _)| was(r)).collect()
                        });
                        self.kept.resize(table.len(), false);
                        let hits = table.matches_rows(&all, &rows, accounts, now);
                        for (&row, hit) in rows.iter().zip(hits) {
                            self.kept[row as usize] = hit;
                        }
                        if let (Some((_, w)), Some(held)) = (same, held) {
                            let kept = &self.kept;
                            let stay = w.rows.iter().copied().filter(|&r| kept[r as usize]);
                            if splice(&mut self.rows, w, &held, by_rank, stay, &order) {
                                self.found_by_rank += 1;
                            }
                            rows_merged = true;
                        }
                    }
                    None => {
                        self.full_passes += 1;
                        let mut keep = table.matching(&all, accounts, now);
                        all.filter_derived(&mut keep, flags.as_ref());
                        self.kept = keep;
                    }
                }
            }
            if !rows_merged {
                if self.kept.is_empty() {
                    if !self.unfiltered {
                        self.rows = std::mem::take(&mut self.sorted);
                        self.unfiltered = true;
                    }
                } else {
                    if self.unfiltered {
                        self.sorted = std::mem::take(&mut self.rows);
                        self.unfiltered = false;
                    }
                    self.rows.clear();
                    let kept = &self.kept;
                    self.rows
                        .extend(self.sorted.iter().copied().filter(|&i| kept[i as usize]));
                }
            }
            self.filtered_for = Some(filter_key);
            changed = true;
        }
        if changed && at_top && !asked {
            self.selected = 0;
            self.offset = 0;
        } else if changed {
            self.selected = keep
                .and_then(|k| self.place_of(k, &order))
                .unwrap_or(self.selected)
                .min(self.rows.len().saturating_sub(1));
            if asked {
                self.offset = self.selected.saturating_sub(line);
            }
        }
    }

    /// Rows left the table since the last look: the rows held are renumbered (the order of
    /// those that stay does not change), or sorted afresh when the table no longer
    /// remembers every removal since.
    fn renumber<T: Keyed>(&mut self, table: &Table<T>) {
        let Some(removals) = table.removals_since(self.sorted_moves) else {
            // What the filter kept is by the old positions: it is worked out again too.
            self.filtered_for = None;
            return;
        };
        for removal in removals {
            if !self.unfiltered {
                self.sorted.retain_mut(|row| removal.follow(row));
            }
            // The cursor stays on its record, or on the line it was on when that record
            // left: only the rows above it that left move it up.
            let (mut index, mut above) = (0, 0);
            let selected = self.selected;
            self.rows.retain_mut(|row| {
                let stays = removal.follow(row);
                if !stays && index < selected {
                    above += 1;
                }
                index += 1;
                stays
            });
            self.selected = self.selected.saturating_sub(above);
            self.offset = self.offset.saturating_sub(above);
            removal.compact(&mut self.kept);
            self.sorted_moves = removal.moves;
        }
    }

    /// Where a table position is among the rows: found by binary search among the rows
    /// that sort equal to it, so following the cursor costs no pass over a million rows.
    fn place_of(&self, row: u32, order: &dyn Fn(u32, u32) -> Ordering) -> Option<usize> {
        if self.kept.get(row as usize) == Some(&false) {
            return None;
        }
        let at = self
            .rows
            .partition_point(|&r| order(r, row) == Ordering::Less);
        self.rows[at..]
            .iter()
            .take_while(|&&r| order(r, row) == Ordering::Equal)
            .position(|&r| r == row)
            .map(|p| at + p)
            // A comparator that is not a total order still finds its row.
            .or_else(|| self.rows.iter().position(|&r| r == row))
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            self.selected = 0;
            return;
        }
        let max = self.rows.len() - 1;
        self.selected = (self.selected as isize + delta).clamp(0, max as isize) as usize;
    }

    pub fn first(&mut self) {
        self.selected = 0;
    }

    pub fn last(&mut self) {
        self.selected = self.rows.len().saturating_sub(1);
    }

    /// Adjusts `offset` so the selection is on a screen of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}
