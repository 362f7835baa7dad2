//! Hand-off snapshots on disk: the export document with a `handoff` member holding what
//! the operator was looking at and their notes ([`crate::model::handoff`]).
//!
//! May import: `util`, `model`, `feed`, `store`.

use crate::model::handoff::{Handoff, MEMBER};
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

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
        crate::util::files::create_private_dir(dir)?;
    }
    let mut written = 0;
    crate::util::files::write_private_atomic_with(path, |w| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::fixed_now;
    use crate::model::handoff::{read, DetailState, PaneState, ViewState};
    use crate::model::notes::Note;
    use crate::source::demo::{self, DemoOptions};
    use serde_json::Value;
    use std::collections::BTreeMap;

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
                imported_from: None,
            }],
            file: None,
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
}
