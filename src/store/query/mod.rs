//! Free-text filtering and the sorted, filtered view of a table that a pane shows.
//!
//! A [`View`] keeps the table's rows in sort order and, separately, the subset that
//! passes the filter. A keystroke in the filter only re-filters the already sorted order;
//! a sort change or new data re-sorts. Both leave the selection on the same row.

use super::fields::{Field, Value};
use super::table::{Keyed, Table};
use super::Accounts;
use crate::model::Severity;
use chrono::{DateTime, Duration, Utc};
use memchr::memmem::Finder;
use std::cmp::Ordering;

/// A parse error in a filter, with the byte offset where it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {}", .position + 1)]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

/// How an ordered field compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds(self, o: Ordering) -> bool {
        match self {
            Cmp::Eq => o == Ordering::Equal,
            Cmp::Lt => o == Ordering::Less,
            Cmp::Le => o != Ordering::Greater,
            Cmp::Gt => o == Ordering::Greater,
            Cmp::Ge => o != Ordering::Less,
        }
    }
}

/// What a field term asks of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    /// `acct:prod`: the value contains the text (lowercase).
    Contains(String),
    /// `sev>=high`.
    Severity(Cmp, Severity),
    /// `age<2d`: how long ago the record was last updated.
    Age(Cmp, Duration),
}

impl Pred {
    pub fn test(&self, value: &Value<'_>, now: DateTime<Utc>) -> bool {
        match (self, value) {
            (Pred::Contains(text), v) => v.contains(text),
            (Pred::Severity(cmp, want), Value::Severity(s)) => cmp.holds(s.cmp(want)),
            (Pred::Age(cmp, want), Value::Time(t)) => cmp.holds((now - *t).cmp(want)),
            _ => false,
        }
    }
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

fn error(position: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        position,
        message: message.into(),
    }
}

/// `30m`, `12h`, `2d`, `3w`, `6mo`, `1y`.
/// `30m`, `12h`, `2d`, `3w`, `6mo`, `1y`. `Err(true)` for a number too large to be a
/// duration (a typo of zeros), `Err(false)` for anything else that is not one.
fn duration(text: &str) -> Result<Duration, bool> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let n: i64 = match text[..digits].parse() {
        Ok(n) => n,
        Err(e) if digits > 0 && matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            return Err(true)
        }
        Err(_) => return Err(false),
    };
    let days = |per: i64| n.checked_mul(per).and_then(Duration::try_days);
    let d = match &text[digits..] {
        "m" | "min" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => days(1),
        "w" => days(7),
        "mo" => days(30),
        "y" => days(365),
        _ => return Err(false),
    };
    // Beyond a thousand years no record is that old: a typo, said as one.
    d.filter(|d| *d <= Duration::days(365_000)).ok_or(true)
}

/// `>=` and friends at the start of `rest`, with their length.
fn operator(rest: &str) -> Option<(Cmp, usize)> {
    [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        (":", Cmp::Eq),
        ("=", Cmp::Eq),
    ]
    .iter()
    .find(|(op, _)| rest.starts_with(op))
    .map(|(op, cmp)| (*cmp, op.len()))
}

fn field_list(fields: &[Field]) -> String {
    if fields.is_empty() {
        return "this pane has no fields, only words".into();
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    format!("this pane has {}", names.join(", "))
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
            let named = (name_len > 0)
                .then(|| Field::parse(&input[at..at + name_len]))
                .flatten()
                .zip(operator(&input[at + name_len..]));
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

/// A quoted or bare value starting at `at`, and where the input goes on after it.
fn read_value(input: &str, at: usize) -> Result<(String, usize), QueryError> {
    let rest = &input[at..];
    if let Some(quoted) = rest.strip_prefix('"') {
        return match quoted.find('"') {
            Some(end) => Ok((quoted[..end].to_string(), at + 1 + end + 1)),
            None => Err(error(at, "unclosed quote")),
        };
    }
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(rest.len(), |(i, _)| i);
    Ok((rest[..len].to_string(), at + len))
}

fn predicate(
    field: Field,
    name: &str,
    op: &str,
    cmp: Cmp,
    value: &str,
    at: usize,
) -> Result<Pred, QueryError> {
    match field {
        Field::Severity => Severity::from_label(&value.to_ascii_uppercase())
            .map(|s| Pred::Severity(cmp, s))
            .ok_or_else(|| {
                error(
                    at,
                    format!(
                        "expected critical, high, medium, low or informational after `{name}{op}`, found `{value}`"
                    ),
                )
            }),
        Field::Age => {
            if cmp == Cmp::Eq {
                return Err(error(
                    at,
                    format!("`{name}` compares with < or >, e.g. {name}<2d"),
                ));
            }
            duration(value).map(|d| Pred::Age(cmp, d)).map_err(|too_long| {
                let what = if too_long {
                    "a duration of at most 1000y"
                } else {
                    "a duration such as 30m, 12h, 2d, 3w, 6mo or 1y"
                };
                error(at, format!("expected {what} after `{name}{op}`, found `{value}`"))
            })
        }
        _ if cmp != Cmp::Eq => Err(error(
            at,
            format!("`{name}` matches with `:`, e.g. {name}:{value}"),
        )),
        _ => Ok(Pred::Contains(value.to_lowercase())),
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
    filtered_for: Option<(u64, u64, i64)>,
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

    /// Sets the filter text; on a parse error keeps the last good filter.
    pub fn set_filter(&mut self, text: &str) {
        self.filter_text = text.to_string();
        match TextQuery::parse_for(text, self.fields) {
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
    /// `now` is for `age<…` terms, which are evaluated again each minute.
    pub fn refresh<T: Keyed>(
        &mut self,
        table: &Table<T>,
        compare: &dyn Fn(u32, u32) -> Ordering,
        accounts: &Accounts,
        now: DateTime<Utc>,
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
        let minute = if self.query.depends_on_time() {
            now.timestamp().div_euclid(60)
        } else {
            0
        };
        let filter_key = (self.filter_generation, table.revision(), minute);
        if changed || self.filtered_for != Some(filter_key) {
            self.rows.clear();
            if self.query.is_empty() {
                self.rows.extend_from_slice(&self.sorted);
            } else {
                let keep = table.matching(&self.query, accounts, now);
                self.rows
                    .extend(self.sorted.iter().copied().filter(|&i| keep[i as usize]));
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
