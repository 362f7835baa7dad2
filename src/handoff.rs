//! Hand-off snapshots: one file with the whole store (the export format, so `--replay`
//! and `rampart export --replay` read it like any export), plus a `handoff` member with
//! what the operator was looking at (pane, filters, sorts, selected rows, an open detail)
//! and their notes. Another responder opens it with `rampart --replay FILE`, on another
//! machine, and sees what the first one saw.

use crate::notes::Note;
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The top-level member of an export document that makes it a snapshot.
pub const MEMBER: &str = "handoff";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    #[serde(with = "crate::notes::rfc3339")]
    pub written_at: DateTime<Utc>,
    /// The operator's login name, so the reader knows whom to ask.
    pub written_by: String,
    /// What the console was showing: `demo`, `replay` or `live`.
    pub source: String,
    pub view: ViewState,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewState {
    /// The pane on screen: `findings`, `credentials`, `exposures` or `events`.
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

/// `<dir>/snapshots/rampart-snapshot-20261123T054000Z.json`.
pub fn default_path(state_dir: &Path, now: DateTime<Utc>) -> PathBuf {
    state_dir.join("snapshots").join(format!(
        "rampart-snapshot-{}.json",
        now.format("%Y%m%dT%H%M%SZ")
    ))
}

/// Writes the snapshot (0600, atomically; a missing directory is created 0700). Returns
/// the bytes written.
pub fn write(
    path: &Path,
    store: &Store,
    handoff: &Handoff,
    now: DateTime<Utc>,
) -> std::io::Result<usize> {
    let member = serde_json::to_value(handoff).map_err(std::io::Error::other)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::notes::create_private_dir(dir)?;
    }
    let mut written = 0;
    crate::export::write_private_atomic_with(path, |w| {
        let mut counted = Counted { inner: w, bytes: 0 };
        crate::export::json::write_document(store, now, &[(MEMBER, member)], &mut counted)?;
        written = counted.bytes;
        Ok(())
    })?;
    Ok(written)
}

struct Counted<'a> {
    inner: &'a mut dyn std::io::Write,
    bytes: usize,
}

impl std::io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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
    use crate::fixture::fixed_now;
    use crate::source::demo::{self, DemoOptions};

    pub fn sample() -> Handoff {
        let mut panes = BTreeMap::new();
        panes.insert(
            "findings".to_string(),
            PaneState {
                filter: "guardduty".into(),
                sort: "updated".into(),
                reversed: true,
                selected: Some("id\u{1f}arn".into()),
            },
        );
        Handoff {
            written_at: fixed_now(),
            written_by: "alice".into(),
            source: "demo".into(),
            view: ViewState {
                pane: "findings".into(),
                panes,
                detail: Some(DetailState {
                    pane: "findings".into(),
                    key: "id\u{1f}arn".into(),
                    scroll: 3,
                }),
            },
            notes: vec![Note {
                pane: "findings".into(),
                key: "id\u{1f}arn".into(),
                text: "called the account owner".into(),
                author: "alice".into(),
                at: fixed_now(),
            }],
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_snapshot_is_the_export_plus_the_handoff() {
        use std::os::unix::fs::PermissionsExt;
        let now = fixed_now();
        let mut store = Store::new();
        for u in demo::initial_updates(demo::generate(&DemoOptions::new(7, Some(300), now)), now) {
            store.apply(u);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = default_path(&dir.path().join("state"), now);
        let written = write(&path, &store, &sample(), now).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), written);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(read(&doc), Some(Ok(sample())));
        doc.as_object_mut().unwrap().remove(MEMBER);
        assert_eq!(
            doc,
            crate::export::json::document(&store, now),
            "streamed record by record, the same document as an export"
        );
    }

    #[test]
    fn a_bad_handoff_names_the_field() {
        let doc = serde_json::json!({"handoff": {"written_at": "yesterday"}});
        let e = read(&doc).unwrap().unwrap_err();
        assert!(e.starts_with("`handoff`:"), "{e}");
        assert!(e.contains("RFC 3339"), "{e}");
        assert_eq!(read(&serde_json::json!({"findings": []})), None);
    }
}
