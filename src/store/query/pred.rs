//! What a field term asks of a value (`sev>=high`, `status:new,notified`, `risk:old-key`,
//! `age<2d`, `det:*`), how its text is read and the errors that name what would be valid.

use super::QueryError;
use crate::model::Severity;
use crate::store::fields::{Field, Value};
use chrono::{DateTime, Duration, Utc};
use std::cmp::Ordering;

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
    /// `acct:prod`, `status:new,notified`: the value contains any of the texts (lowercase);
    /// with `=` (`control=ec2.2`) and for flags (`risk:old-key`) it equals one of them.
    /// `open` among a status's values also matches any open record (`status:open`).
    Text { any: Vec<String>, exact: bool },
    /// `sev>=high`.
    Severity(Cmp, Severity),
    /// `age<2d`: how long ago the record was last updated.
    Age(Cmp, Duration),
    /// `det:*`: the record has a value for the field.
    Present,
}

/// `open` in a status term: workflow NEW or NOTIFIED on an active record.
pub const OPEN: &str = "open";

impl Pred {
    /// A single contained text (`acct:prod`), the commonest term.
    pub fn contains(text: &str) -> Pred {
        Pred::Text {
            any: vec![text.to_lowercase()],
            exact: false,
        }
    }

    /// Whether `hay` is matched by one of the texts.
    pub fn text_holds(&self, hay: &str) -> bool {
        match self {
            Pred::Text { any, exact: false } => {
                any.iter().any(|n| crate::store::fields::contains(hay, n))
            }
            Pred::Text { any, exact: true } => any.iter().any(|n| hay.eq_ignore_ascii_case(n)),
            Pred::Present => !hay.is_empty(),
            _ => false,
        }
    }

    pub fn test(&self, value: &Value<'_>, now: DateTime<Utc>) -> bool {
        let one = |t: &str| self.text_holds(t);
        match (self, value) {
            (Pred::Present, Value::Severity(_) | Value::Time(_)) => true,
            (Pred::Text { any, .. }, Value::Status(_, true)) if any.iter().any(|v| v == OPEN) => {
                true
            }
            (
                Pred::Text { .. } | Pred::Present,
                Value::Text(t) | Value::Account(t) | Value::Status(t, _),
            ) => one(t),
            (Pred::Text { .. } | Pred::Present, Value::Texts(list)) => list.iter().any(|t| one(t)),
            (Pred::Text { .. }, Value::Severity(s)) => one(s.label()),
            (Pred::Severity(cmp, want), Value::Severity(s)) => cmp.holds(s.cmp(want)),
            (Pred::Age(cmp, want), Value::Time(t)) => cmp.holds((now - *t).cmp(want)),
            _ => false,
        }
    }

    /// Whether the term asks for open records (`status:open`), which the record decides.
    pub fn asks_open(&self) -> bool {
        matches!(self, Pred::Text { any, .. } if any.iter().any(|v| v == OPEN))
    }
}

pub(super) fn error(position: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        position,
        message: message.into(),
    }
}

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
pub(super) fn operator(rest: &str) -> Option<(Cmp, usize)> {
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

pub(super) fn field_list(fields: &[Field]) -> String {
    if fields.is_empty() {
        return "this pane has no fields, only words".into();
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    format!("this pane has {}", names.join(", "))
}

/// Words before a colon that are not meant as fields: `arn:aws:...`, `https://...`.
const NOT_FIELDS: [&str; 3] = ["arn", "http", "https"];

/// The error for `name:` when `name` is no field at all: the nearest field of the pane,
/// and how to search for the text instead. `None` for the words that carry colons in
/// the data (`arn:aws:...`), which stay words.
pub(super) fn unknown_field(name: &str, fields: &[Field], at: usize) -> Option<QueryError> {
    if NOT_FIELDS.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    let valid: Vec<String> = fields
        .iter()
        .flat_map(|f| f.names().iter().map(|n| n.to_string()))
        .collect();
    let hint = match crate::util::suggest::nearest(name, &valid) {
        Some(best) => format!("did you mean `{best}`? "),
        None => String::new(),
    };
    Some(error(
        at,
        format!(
            "`{name}` is not a field: {hint}{}; quote text with a colon to search for it",
            field_list(fields)
        ),
    ))
}

/// A quoted or bare value starting at `at`, and where the input goes on after it.
pub(super) fn read_value(input: &str, at: usize) -> Result<(String, usize), QueryError> {
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

pub(super) fn predicate(
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
        _ if value == "*" => Ok(Pred::Present),
        _ => {
            let any: Vec<String> = value
                .split(',')
                .filter(|v| !v.is_empty())
                .map(str::to_lowercase)
                .collect();
            if any.is_empty() {
                return Err(error(at, format!("expected a value after `{name}{op}`")));
            }
            if let Some(valid) = field.flag_names() {
                if let Some(bad) = any.iter().find(|v| !valid.contains(&v.as_str())) {
                    let names: Vec<String> = valid.iter().map(|v| v.to_string()).collect();
                    let hint = match crate::util::suggest::nearest(bad, &names) {
                        Some(best) => format!("did you mean `{best}`? "),
                        None => String::new(),
                    };
                    return Err(error(
                        at,
                        format!("`{bad}` is not a {name}: {hint}{name} is one of {}", valid.join(", ")),
                    ));
                }
            }
            let exact = op == "=" || field.flag_names().is_some();
            Ok(Pred::Text { any, exact })
        }
    }
}
