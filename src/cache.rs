//! The warm-start cache of the live console: the store written on exit (the export format,
//! 0600, in the platform cache directory) and shown at once on the next start, marked with
//! its age, while the pollers sync. `[cache] enabled = false` turns it off.

use crate::source::replay::{self, formats::Format};
use crate::source::{SourceHealth, SourceKey, Status, Update};
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// The key under which the status line shows that cached data is on screen.
pub const SOURCE: &str = "cache";

/// `~/.cache/rampart/store.json` on Linux.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rampart").map(|d| d.cache_dir().join("store.json"))
}

/// Writes the store (0600, atomically; the directory 0700).
pub fn write(path: &Path, store: &Store, now: DateTime<Utc>) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::notes::create_private_dir(dir)?;
    }
    crate::export::write_private_atomic_with(path, |w| {
        crate::export::json::write_document(store, now, &[], w)
    })
}

/// Reads a cache into updates, ending with the `cache` source marked stale since it was
/// written. `None` when there is no cache; an error names the file and what is wrong.
pub fn read(path: &Path) -> Option<Result<Vec<Update>, String>> {
    if !path.exists() {
        return None;
    }
    let loaded = match replay::read_file(path) {
        Ok((Format::RampartExport, batch)) => batch,
        Ok((other, _)) => {
            return Some(Err(format!(
                "{}: expected a rampart export, found {}",
                path.display(),
                other.label()
            )))
        }
        Err(e) => return Some(Err(format!("{}: {e}", path.display()))),
    };
    let written = loaded.report_generated_at;
    let mut updates = Vec::new();
    let records = loaded.records();
    replay::send_batch(loaded, written.unwrap_or_default(), &mut |u| {
        updates.push(u);
        true
    });
    updates.push(Update::Health(
        SourceKey::service(SOURCE),
        SourceHealth {
            status: Status::Stale,
            last_success: written,
            error: Some("the last session's data, until the first sync".into()),
            records,
            next_poll: None,
        },
    ));
    Some(Ok(updates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::fixed_now;
    use crate::source::demo::{self, DemoOptions};

    #[test]
    #[cfg(unix)]
    fn written_0600_and_read_back_marked_stale() {
        use std::os::unix::fs::PermissionsExt;
        let now = fixed_now();
        let mut store = Store::new();
        for u in demo::initial_updates(demo::generate(&DemoOptions::new(5, Some(200), now)), now) {
            store.apply(u);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/store.json");
        assert!(read(&path).is_none(), "no cache yet");
        write(&path, &store, now).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let mut again = Store::new();
        for u in read(&path).unwrap().unwrap() {
            again.apply(u);
        }
        assert_eq!(again.findings.len(), store.findings.len());
        assert_eq!(again.credentials.len(), store.credentials.len());
        let h = &again.sources[&SourceKey::service(SOURCE)];
        assert_eq!((h.status, h.last_success), (Status::Stale, Some(now)));
        std::fs::write(&path, "{\"Records\": []}").unwrap();
        let e = read(&path).unwrap().unwrap_err();
        assert!(e.contains("expected a rampart export"), "{e}");
    }
}
