//! Writing the warm-start cache of the live console: the store written on exit (the export
//! format, 0600, in the platform cache directory), read back at the next start by
//! [`crate::source::cache`]. `[cache] enabled = false` turns it off.
//!
//! May import: `util`, `model`, `feed`, `store`, `source` (its tests read the cache back).

use crate::store::Store;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// `~/.cache/rampart/store.json` on Linux.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rampart").map(|d| d.cache_dir().join("store.json"))
}

/// Writes the store (0600, atomically; the directory 0700).
pub fn write(path: &Path, store: &Store, now: DateTime<Utc>) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::util::files::ensure_private_dir(dir)?;
    }
    crate::util::files::write_private_atomic_with(path, |w| {
        super::json::write_document(store, now, &[], w)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::{SourceKey, Status, CACHE};
    use crate::model::clock::fixed_now;
    use crate::source::cache::read;
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
        let h = &again.sources[&SourceKey::service(CACHE)];
        assert_eq!((h.status, h.last_success), (Status::Stale, Some(now)));
        std::fs::write(&path, "{\"Records\": []}").unwrap();
        let e = read(&path).unwrap().unwrap_err();
        assert!(e.contains("expected a rampart export"), "{e}");
    }
}
