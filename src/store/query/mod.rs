//! Free-text filtering and the sorted, filtered view of a table that a pane shows.
//!
//! A [`View`] keeps the table's rows in sort order and, separately, the subset that
//! passes the filter. A keystroke in the filter only re-filters the already sorted order;
//! a sort change or new data re-sorts. Both leave the selection on the same row.

use super::fields::Field;
use chrono::{DateTime, Utc};
use memchr::memmem::Finder;

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

    /// The terms of every one of `queries`: a row passes it when it passes all of them.
    pub fn all_of(queries: &[&TextQuery]) -> TextQuery {
        TextQuery {
            terms: queries
                .iter()
                .flat_map(|q| q.terms.iter().cloned())
                .collect(),
        }
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

mod view;
pub use view::{Flags, LeadKey, SortSpec, View};

#[cfg(test)]
mod tests;
