//! Hand-off snapshots: one file with the whole store (the export format, so `--replay`
//! and `rampart export --replay` read it like any export), plus a `handoff` member with
//! what the operator was looking at (pane, filters, sorts, selected rows, an open detail)
//! and their notes. Another responder opens it with `rampart --replay FILE`, on another
//! machine, and sees what the first one saw.

use crate::model::notes::Note;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The top-level member of an export document that makes it a snapshot.
pub const MEMBER: &str = "handoff";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    #[serde(with = "crate::model::notes::rfc3339")]
    pub written_at: DateTime<Utc>,
    /// The operator's login name, so the reader knows whom to ask.
    pub written_by: String,
    /// What the console was showing: `demo`, `replay` or `live`.
    pub source: String,
    pub view: ViewState,
    pub notes: Vec<Note>,
    /// The file it was read from (not part of the document: the reader sets it).
    #[serde(skip)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewState {
    /// The pane on screen, by the dataset it shows: `findings`, `credentials`,
    /// `exposures`, `events` or `compliance` (names that do not change with the panes').
    pub pane: String,
    /// Per pane, by the same names.
    pub panes: BTreeMap<String, PaneState>,
    /// The detail view, when one was open.
    pub detail: Option<DetailState>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaneState {
    pub filter: String,
    /// The sort column by its name in the pane title (`severity`, `key age`, ...).
    pub sort: String,
    pub reversed: bool,
    /// The selected row's key.
    pub selected: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailState {
    pub pane: String,
    pub key: String,
    pub scroll: usize,
}

/// The hand-off part of an export document, when it has one; an error names the field.
pub fn read(doc: &Value) -> Option<Result<Handoff, String>> {
    Some(from_member(doc.get(MEMBER)?))
}

/// The `handoff` member itself; an error names it.
pub fn from_member(member: &Value) -> Result<Handoff, String> {
    Handoff::deserialize(member).map_err(|e| format!("`{MEMBER}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_handoff_names_the_field() {
        let doc = serde_json::json!({"handoff": {"written_at": "yesterday"}});
        let e = read(&doc).unwrap().unwrap_err();
        assert!(e.starts_with("`handoff`:"), "{e}");
        assert!(e.contains("RFC 3339"), "{e}");
        assert_eq!(read(&serde_json::json!({"findings": []})), None);
    }
}
