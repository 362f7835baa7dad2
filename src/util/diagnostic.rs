//! Problems at a place in a file (`FILE:LINE:COL: message`), and the TOML machinery that
//! turns a parse error into words: the section and key it is about, and what was expected.

use crate::util::suggest::suggest;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A problem at a place in a file, shown as `FILE:LINE:COL: message` (or `FILE: message`
/// when the place is unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line and column (columns count characters, not bytes).
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Diagnostic {
    /// A diagnostic at byte `offset` of `text` (unknown position when `None`).
    pub fn at(file: &Path, text: &str, offset: Option<usize>, message: String) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            position: offset.map(|o| line_column(text, o)),
            message,
        }
    }
}

/// One step of a path into a TOML document: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// `accounts[1].id`: the way users write paths in messages.
pub fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => push_index(&mut out, *i),
        }
    }
    out
}

fn push_index(out: &mut String, index: usize) {
    out.push('[');
    out.push_str(&index.to_string());
    out.push(']');
}

/// 1-based line and character column of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Rewrites a `toml` error as a diagnostic that names the key it is about and, for an
/// unknown key, suggests the nearest valid one.
pub fn diagnose(text: &str, file: &Path, err: &toml::de::Error) -> Diagnostic {
    let offset = err.span().map(|s| s.start);
    let message = match DeTable::parse(text) {
        // A syntax error: toml's own words are the best we have.
        Err(_) => syntax_message(text, err),
        Ok(doc) => {
            let path = offset
                .and_then(|o| path_at(doc.get_ref(), o))
                .unwrap_or_default();
            explain(err.message(), &path)
        }
    };
    Diagnostic::at(file, text, offset, message)
}

/// toml's own words, naming the key when it only says `duplicate key`.
fn syntax_message(text: &str, err: &toml::de::Error) -> String {
    let message = one_line(err.message());
    let key = err.span().and_then(|s| text.get(s)).map(str::trim);
    match key {
        Some(key) if message == "duplicate key" && !key.is_empty() => {
            format!("duplicate key `{key}`")
        }
        _ => message,
    }
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// An owned path segment, as found by walking a parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OwnedSeg {
    Key(String),
    Index(usize),
}

/// The path of the deepest key or value whose span contains `offset`.
fn path_at(table: &DeTable, offset: usize) -> Option<Vec<OwnedSeg>> {
    for (key, value) in table {
        let here = OwnedSeg::Key(key.get_ref().to_string());
        if let Some(mut rest) = path_in_value(value.get_ref(), offset) {
            rest.insert(0, here);
            return Some(rest);
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(vec![here]);
        }
    }
    None
}

fn path_in_value(value: &DeValue, offset: usize) -> Option<Vec<OwnedSeg>> {
    match value {
        DeValue::Table(t) => path_at(t, offset),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let inner = path_in_value(item.get_ref(), offset);
            if inner.is_none() && !item.span().contains(&offset) {
                return None;
            }
            let mut path = inner.unwrap_or_default();
            path.insert(0, OwnedSeg::Index(i));
            Some(path)
        }),
        _ => None,
    }
}

/// The span of the value at `path` (for locating validation errors).
pub fn span_of(text: &str, path: &[Seg]) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut table = Some(doc.get_ref());
    let mut array: Option<&[Spanned<DeValue>]> = None;
    for seg in path {
        let value = match seg {
            Seg::Key(k) => table?.get(*k)?,
            Seg::Index(i) => array?.get(*i)?,
        };
        span = Some(value.span());
        table = value.get_ref().as_table();
        array = value.get_ref().as_array().map(|a| &a[..]);
    }
    span
}

/// Section description for messages: `[display]`, `[[accounts]]`, or the top level.
fn section_name(path: &[OwnedSeg]) -> String {
    if path.is_empty() {
        return "the top level".into();
    }
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            OwnedSeg::Key(k) => Some(k.as_str()),
            OwnedSeg::Index(_) => None,
        })
        .collect();
    if matches!(path.last(), Some(OwnedSeg::Index(_))) {
        format!("[[{}]]", keys.join("."))
    } else {
        format!("[{}]", keys.join("."))
    }
}

/// The key as users see it: its name, plus the index when inside an array.
fn key_name(path: &[OwnedSeg]) -> Option<String> {
    let start = path.iter().rposition(|s| matches!(s, OwnedSeg::Key(_)))?;
    let mut out = String::new();
    for seg in &path[start..] {
        match seg {
            OwnedSeg::Key(k) => out.push_str(k),
            OwnedSeg::Index(i) => push_index(&mut out, *i),
        }
    }
    Some(out)
}

/// Rephrases serde's messages (`unknown field`, `invalid type`, ...) in the file's terms.
fn explain(message: &str, path: &[OwnedSeg]) -> String {
    let message = one_line(message);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, valid) = split_unknown(rest);
        let section = section_name(path.get(..path.len().saturating_sub(1)).unwrap_or(&[]));
        return format!(
            "unknown key `{name}` in {section}; {}",
            suggest(&name, &valid)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (_, valid) = split_unknown(rest);
        let choices: Vec<String> = valid.iter().map(|v| format!("\"{v}\"")).collect();
        return for_key(path, &format!("expected {}", or_list(&choices)));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing key {} in {}", rest.trim(), section_name(path));
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                return for_key(
                    path,
                    &format!("expected {}, found {found}", plain_type(expected)),
                );
            }
        }
    }
    for_key(path, &message)
}

fn for_key(path: &[OwnedSeg], detail: &str) -> String {
    match key_name(path) {
        Some(key) => format!("invalid value for `{key}`: {detail}"),
        None => detail.to_string(),
    }
}

/// Serde's Rust type names in words a config file's reader knows.
fn plain_type(expected: &str) -> String {
    let words = match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number",
        "i8" | "i16" | "i32" | "i64" | "isize" => "an integer",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" => "a quoted string",
        "a sequence" => "an array",
        "a map" => "a table",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    words.to_string()
}

/// Splits "`thme`, expected one of `a`, `b`" into the name and the valid names.
fn split_unknown(rest: &str) -> (String, Vec<String>) {
    let (head, tail) = rest.split_once(", expected").unwrap_or((rest, ""));
    let name = head.trim().trim_matches('`').to_string();
    (name, backticked(tail))
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
