//! Free-text filtering and the sorted, filtered view of a table that a pane shows.
//!
//! A [`View`] keeps the table's rows in sort order and, separately, the subset that
//! passes the filter. A keystroke in the filter only re-filters the already sorted order;
//! a sort change or new data re-sorts. Both leave the selection on the same row.

use super::table::{Keyed, Table};
use memchr::memmem::Finder;
use std::cmp::Ordering;

/// A parse error in a filter, with the byte offset where it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {}", .position + 1)]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

/// Free text: every term must appear (case-insensitive); `!term` or `-term` must not;
/// `"two words"` is one term.
#[derive(Debug, Clone, Default)]
pub struct TextQuery {
    terms: Vec<(bool, Finder<'static>)>,
}

impl TextQuery {
    pub fn parse(input: &str) -> Result<TextQuery, QueryError> {
        let mut terms = Vec::new();
        let mut chars = input.char_indices().peekable();
        while let Some(&(start, c)) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let mut negated = false;
            if c == '!' || c == '-' {
                negated = true;
                chars.next();
            }
            let mut term = String::new();
            if let Some(&(qpos, '"')) = chars.peek() {
                chars.next();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    term.push(c);
                }
                if !closed {
                    return Err(QueryError {
                        position: qpos,
                        message: "unclosed quote".into(),
                    });
                }
            } else {
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    term.push(c);
                    chars.next();
                }
            }
            if term.is_empty() {
                if negated {
                    return Err(QueryError {
                        position: start,
                        message: "expected a term after the negation".into(),
                    });
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
            terms.push((negated, Finder::new(lower.as_bytes()).into_owned()));
        }
        Ok(TextQuery { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Each term, lowercase, with whether it is negated.
    pub fn terms(&self) -> impl Iterator<Item = (bool, &Finder<'static>)> {
        self.terms.iter().map(|(n, f)| (*n, f))
    }

    /// `haystack` must already be lowercase (the store prepares it so).
    pub fn matches(&self, haystack: &str) -> bool {
        let h = haystack.as_bytes();
        self.terms
            .iter()
            .all(|(negated, f)| f.find(h).is_some() != *negated)
    }
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
    /// The last filter that parsed; the table keeps it while the text has an error.
    query: TextQuery,
    pub filter_error: Option<QueryError>,
    pub sort_column: usize,
    pub reversed: bool,
    sorted: Vec<u32>,
    /// Positions in the table, in display order, after filtering.
    pub rows: Vec<u32>,
    pub selected: usize,
    /// First row on screen; the renderer keeps the selection visible.
    pub offset: usize,
    sorted_for: Option<(u64, usize, bool)>,
    filtered_for: Option<u64>,
    filter_generation: u64,
}

impl View {
    pub fn new(sort_column: usize) -> View {
        View {
            sort_column,
            ..View::default()
        }
    }

    /// The table position under the cursor.
    pub fn selected_row(&self) -> Option<u32> {
        self.rows.get(self.selected).copied()
    }

    pub fn total_sorted(&self) -> usize {
        self.sorted.len()
    }

    /// Sets the filter text; on a parse error keeps the last good filter.
    pub fn set_filter(&mut self, text: &str) {
        self.filter_text = text.to_string();
        match TextQuery::parse(text) {
            Ok(q) => {
                self.query = q;
                self.filter_error = None;
                self.filter_generation += 1;
            }
            Err(e) => self.filter_error = Some(e),
        }
    }

    /// Sorts again at the next refresh: the order depends on more than this table.
    pub fn invalidate_sort(&mut self) {
        self.sorted_for = None;
    }

    /// Brings the view up to date with the table; cheap when nothing changed.
    pub fn refresh<T: Keyed>(&mut self, table: &Table<T>, compare: &dyn Fn(u32, u32) -> Ordering) {
        let keep = self.selected_row();
        let sort_key = (table.revision(), self.sort_column, self.reversed);
        let mut changed = false;
        if self.sorted_for != Some(sort_key) || self.sorted.len() != table.len() {
            self.sorted.clear();
            self.sorted.extend(0..table.len() as u32);
            if self.reversed {
                self.sorted.sort_by(|a, b| compare(*b, *a));
            } else {
                self.sorted.sort_by(|a, b| compare(*a, *b));
            }
            self.sorted_for = Some(sort_key);
            changed = true;
        }
        let filter_key = self.filter_generation ^ (table.revision() << 32);
        if changed || self.filtered_for != Some(filter_key) {
            self.rows.clear();
            if self.query.is_empty() {
                self.rows.extend_from_slice(&self.sorted);
            } else {
                let keep = table.matching(&self.query);
                self.rows
                    .extend(self.sorted.iter().copied().filter(|&i| keep[i as usize]));
            }
            self.filtered_for = Some(filter_key);
            changed = true;
        }
        if changed {
            self.selected = keep
                .and_then(|k| self.rows.iter().position(|&r| r == k))
                .unwrap_or(self.selected)
                .min(self.rows.len().saturating_sub(1));
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
mod tests {
    use super::*;

    #[test]
    fn terms_quotes_and_negation() {
        let q = TextQuery::parse(r#"prod "root login" !dev"#).unwrap();
        assert!(q.matches("prod-payments root login us-east-1"));
        assert!(!q.matches("prod-payments root-login"));
        assert!(!q.matches("prod root login dev"));
        let q = TextQuery::parse("-guardduty").unwrap();
        assert!(q.matches("inspector"));
        assert!(!q.matches("guardduty"));
        assert!(TextQuery::parse("   ").unwrap().is_empty());
    }

    #[test]
    fn filter_is_case_insensitive_on_prepared_text() {
        let q = TextQuery::parse("CRITICAL").unwrap();
        assert!(q.matches("critical\u{1f}title"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = TextQuery::parse(r#"prod "unclosed"#).unwrap_err();
        assert_eq!(e.position, 5);
        assert_eq!(e.to_string(), "unclosed quote at column 6");
        assert!(TextQuery::parse("a !").is_err());
    }

    #[test]
    fn view_keeps_last_good_filter_on_error() {
        let mut v = View::new(0);
        v.set_filter("prod");
        v.set_filter("prod \"x");
        assert!(v.filter_error.is_some());
        assert!(v.query.matches("prod"));
        assert!(!v.query.matches("dev"));
    }

    #[test]
    fn scroll_keeps_selection_visible() {
        let mut v = View::new(0);
        v.rows = (0..100).collect();
        v.selected = 50;
        v.scroll_into_view(10);
        assert_eq!(v.offset, 41);
        v.selected = 3;
        v.scroll_into_view(10);
        assert_eq!(v.offset, 3);
        v.move_by(-10);
        assert_eq!(v.selected, 0);
        v.last();
        assert_eq!(v.selected, 99);
    }
}
