//! Free-text filtering and the sorted, filtered view of a table that a pane shows.
//!
//! A [`View`] keeps the table's rows in sort order and, separately, the subset that
//! passes the filter. A keystroke in the filter only re-filters the already sorted order;
//! a sort change or new data re-sorts. Both leave the selection on the same row.

use super::fields::Field;
use super::table::{Keyed, Table};
use super::Accounts;
use chrono::{DateTime, Utc};
use memchr::memmem::Finder;
use std::cmp::Ordering;

mod pred;
use pred::{error, field_list, operator, predicate, read_value, unknown_field};
pub use pred::{Cmp, Pred};

/// A parse error in a filter, with the byte offset where it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {}", .position + 1)]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

#[derive(Debug, Clone)]
enum Term {
    Text(bool, Box<Finder<'static>>),
    Field(bool, Field, Pred),
}

/// A filter: free words (every one must appear anywhere in the row; `!word` or `-word`
/// must not; `"two words"` is one), and fields (`sev>=high`, `acct:prod-payments`,
/// `age<2d`, `!status:resolved`), all of which must hold.
#[derive(Debug, Clone, Default)]
pub struct TextQuery {
    terms: Vec<Term>,
}

impl TextQuery {
    /// Free words only (no field names are recognised).
    pub fn parse(input: &str) -> Result<TextQuery, QueryError> {
        TextQuery::parse_for(input, &[])
    }

    /// A filter for a pane whose records have these fields.
    pub fn parse_for(input: &str, fields: &[Field]) -> Result<TextQuery, QueryError> {
        let mut terms = Vec::new();
        let mut at = 0;
        while at < input.len() {
            let c = input[at..].chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                at += c.len_utf8();
                continue;
            }
            let start = at;
            let negated = c == '!' || c == '-';
            if negated {
                at += 1;
            }
            // A field: letters, then an operator.
            let name_len = input[at..]
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .count();
            let op_here = operator(&input[at + name_len..]);
            let field_here = (name_len > 0)
                .then(|| Field::parse(&input[at..at + name_len]))
                .flatten();
            if name_len > 0 && field_here.is_none() && op_here.is_some() {
                // `stauts:new` is a typo of a field, not a word that matches nothing.
                if let Some(e) = unknown_field(&input[at..at + name_len], fields, start) {
                    return Err(e);
                }
            }
            let named = field_here.zip(op_here);
            if let Some((field, (cmp, op_len))) = named {
                let name = &input[at..at + name_len];
                let op = &input[at + name_len..at + name_len + op_len];
                at += name_len + op_len;
                let (value, next) = read_value(input, at)?;
                if value.is_empty() {
                    return Err(error(start, format!("expected a value after `{name}{op}`")));
                }
                if !fields.contains(&field) {
                    return Err(error(
                        start,
                        format!("`{name}` is not a field here: {}", field_list(fields)),
                    ));
                }
                let pred = predicate(field, name, op, cmp, &value, start)?;
                terms.push(Term::Field(negated, field, pred));
                at = next;
                continue;
            }
            let (term, next) = read_value(input, at)?;
            at = next;
            if term.is_empty() {
                if negated {
                    return Err(error(start, "expected a term after the negation"));
                }
                continue;
            }
            // Control characters never occur in the prepared text (and the row terminator
            // must never be searched for).
            let lower: String = term
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            if lower.is_empty() {
                continue;
            }
            terms.push(Term::Text(
                negated,
                Box::new(Finder::new(lower.as_bytes()).into_owned()),
            ));
        }
        Ok(TextQuery { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Each free-text term, lowercase, with whether it is negated.
    pub fn terms(&self) -> impl Iterator<Item = (bool, &Finder<'static>)> {
        self.terms.iter().filter_map(|t| match t {
            Term::Text(n, f) => Some((*n, &**f)),
            Term::Field(..) => None,
        })
    }

    /// Each field term, with whether it is negated.
    pub fn field_terms(&self) -> impl Iterator<Item = (bool, Field, &Pred)> {
        self.terms.iter().filter_map(|t| match t {
            Term::Field(n, f, p) => Some((*n, *f, p)),
            Term::Text(..) => None,
        })
    }

    /// Whether a term names a flag the pane works out (`risk:`, `mark:`).
    pub fn has_derived(&self) -> bool {
        self.field_terms().any(|(_, f, _)| f.is_derived())
    }

    /// Applies the flag terms to `keep`, a row at a time, with the pane's flags; without
    /// flags no row has any.
    pub fn filter_derived(&self, keep: &mut [bool], flags: Option<&Flags<'_>>) {
        let terms: Vec<(bool, &Pred)> = self
            .field_terms()
            .filter(|(_, f, _)| f.is_derived())
            .map(|(n, _, p)| (n, p))
            .collect();
        if terms.is_empty() {
            return;
        }
        for (row, k) in keep.iter_mut().enumerate().filter(|(_, k)| **k) {
            let have = flags.map(|f| (f.of)(row as u32)).unwrap_or_default();
            let value = super::fields::Value::Texts(have);
            *k = terms
                .iter()
                .all(|(negated, p)| p.test(&value, DateTime::<Utc>::MIN_UTC) != *negated);
        }
    }

    /// Whether the result changes as time passes (`age<2d`).
    pub fn depends_on_time(&self) -> bool {
        self.field_terms()
            .any(|(_, _, p)| matches!(p, Pred::Age(..)))
    }

    /// `haystack` must already be lowercase (the store prepares it so). Free words only.
    pub fn matches(&self, haystack: &str) -> bool {
        let h = haystack.as_bytes();
        self.terms()
            .all(|(negated, f)| f.find(h).is_some() != negated)
    }
}

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
    query: TextQuery,
    /// The last filter committed (Enter, a saved view, the overview's evidence), and its
    /// text: what the table shows while the typed text has an error.
    committed: (String, TextQuery),
    pub filter_error: Option<QueryError>,
    /// A filter under the typed one that the pane applies by itself (the findings pane's
    /// open findings), with its text: shown in the title, toggled with a key.
    scope: Option<(String, TextQuery)>,
    pub sort_column: usize,
    pub reversed: bool,
    sorted: Vec<u32>,
    /// Positions in the table, in display order, after filtering.
    pub rows: Vec<u32>,
    pub selected: usize,
    /// First row on screen; the renderer keeps the selection visible.
    pub offset: usize,
    sorted_for: Option<(u64, usize, bool)>,
    /// The table's moves count when `sorted` was built: positions still mean its rows.
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

    /// The table position under the cursor.
    pub fn selected_row(&self) -> Option<u32> {
        self.rows.get(self.selected).copied()
    }

    pub fn total_sorted(&self) -> usize {
        self.sorted.len()
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
        self.refresh_flagged(table, compare, accounts, now, None);
    }

    /// [`View::refresh`] for a pane whose rows carry flags worked out from more than the
    /// record (`risk:`, `mark:`): `flags` gives a row's flags, and its key changes when
    /// they may have (a store generation).
    pub fn refresh_flagged<T: Keyed>(
        &mut self,
        table: &Table<T>,
        compare: &dyn Fn(u32, u32) -> Ordering,
        accounts: &Accounts,
        now: DateTime<Utc>,
        flags: Option<Flags<'_>>,
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
            Some((revision, ..)) if same_order && revision != table.revision() => {
                table.written_since(revision)
            }
            _ => None,
        };
        if let Some(written) = catch_up {
            self.merge_written(written, table.len(), compare);
            self.sorted_for = Some(sort_key);
            changed = true;
        }
        if self.sorted_for != Some(sort_key) || self.sorted.len() != table.len() {
            self.sorted.clear();
            self.sorted.extend(0..table.len() as u32);
            if self.reversed {
                self.sorted.sort_by(|a, b| compare(*b, *a));
            } else {
                self.sorted.sort_by(|a, b| compare(*a, *b));
            }
            self.sorted_for = Some(sort_key);
            self.sorted_moves = table.moves();
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
            if queries.is_empty() {
                self.kept.clear();
            } else {
                // Only the rows written since, when the same filters saw the rest; flags
                // worked out from other tables move without a write, so those go whole.
                let written = match self.filtered_for {
                    Some((generation, revision, at))
                        if !derived
                            && (generation, at) == (self.filter_generation, minute)
                            && self.kept.len() <= table.len()
                            && self.sorted_moves == table.moves() =>
                    {
                        table.written_since(revision)
                    }
                    _ => None,
                };
                match written {
                    Some(rows) => {
                        self.kept.resize(table.len(), false);
                        let mut hits = vec![true; rows.len()];
                        for q in &queries {
                            let hit = table.matches_rows(q, &rows, accounts, now);
                            for (h, one) in hits.iter_mut().zip(hit) {
                                *h &= one;
                            }
                        }
                        for (&row, hit) in rows.iter().zip(hits) {
                            self.kept[row as usize] = hit;
                        }
                    }
                    None => {
                        let mut keep = vec![true; table.len()];
                        for q in &queries {
                            let hit = table.matching(q, accounts, now);
                            for (k, h) in keep.iter_mut().zip(hit) {
                                *k &= h;
                            }
                            q.filter_derived(&mut keep, flags.as_ref());
                        }
                        self.kept = keep;
                    }
                }
            }
            self.rows.clear();
            if self.kept.is_empty() {
                self.rows.extend_from_slice(&self.sorted);
            } else {
                let kept = &self.kept;
                self.rows
                    .extend(self.sorted.iter().copied().filter(|&i| kept[i as usize]));
            }
            self.filtered_for = Some(filter_key);
            changed = true;
        }
        if changed && at_top && !asked {
            self.selected = 0;
            self.offset = 0;
        } else if changed {
            self.selected = keep
                .and_then(|k| self.rows.iter().position(|&r| r == k))
                .unwrap_or(self.selected)
                .min(self.rows.len().saturating_sub(1));
            if asked {
                self.offset = self.selected.saturating_sub(line);
            }
        }
    }

    /// Puts the rows written since the last sort in their places: out of the order,
    /// sorted among themselves, each one's place found by binary search, and the rows
    /// between two places moved as one block. Comparisons cost `written x log(rows)`, not
    /// one per row held: at a million findings, a full merge compared a million records
    /// (58 ms) for a poll of 500.
    fn merge_written(
        &mut self,
        mut written: Vec<u32>,
        len: usize,
        compare: &dyn Fn(u32, u32) -> Ordering,
    ) {
        written.sort_unstable();
        written.dedup();
        let mut moved = vec![false; len];
        for &row in &written {
            if let Some(m) = moved.get_mut(row as usize) {
                *m = true;
            }
        }
        self.sorted
            .retain(|&row| !moved.get(row as usize).copied().unwrap_or(true));
        let reversed = self.reversed;
        let order = |a: u32, b: u32| {
            if reversed {
                compare(b, a)
            } else {
                compare(a, b)
            }
        };
        written.sort_by(|a, b| order(*a, *b));
        // After the rows that sort equal, as a merge from the end would put them.
        let places: Vec<usize> = written
            .iter()
            .map(|&w| {
                self.sorted
                    .partition_point(|&r| order(r, w) != Ordering::Greater)
            })
            .collect();
        let mut end = self.sorted.len();
        self.sorted.resize(end + written.len(), 0);
        for (j, (&row, &at)) in written.iter().zip(&places).enumerate().rev() {
            // The held rows from `at` on have the written rows 0..=j before them.
            self.sorted.copy_within(at..end, at + j + 1);
            self.sorted[at + j] = row;
            end = at;
        }
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

#[cfg(test)]
mod tests;
