//! "New since I last looked": per pane (or saved view), the newest update the operator has
//! seen. Kept in the state directory (`watermarks.json`, 0600, replaced atomically) so that
//! it survives a restart: the next session marks what changed while nobody watched.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WatermarkError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: expected {{\"pane or view\": \"RFC 3339 time\", ...}}: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watermarks(BTreeMap<String, DateTime<Utc>>);

/// `watermarks.json` in the state directory.
pub fn path_in(state_dir: &Path) -> PathBuf {
    state_dir.join("watermarks.json")
}

impl Watermarks {
    pub fn get(&self, key: &str) -> Option<DateTime<Utc>> {
        self.0.get(key).copied()
    }

    /// Moves the mark forward (never back: an older update arriving late stays seen).
    pub fn advance(&mut self, key: &str, to: DateTime<Utc>) -> bool {
        match self.0.get(key) {
            Some(at) if *at >= to => false,
            _ => {
                self.0.insert(key.to_string(), to);
                true
            }
        }
    }

    /// A missing file is no marks yet.
    pub fn load(path: &Path) -> Result<Watermarks, WatermarkError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Watermarks::default()),
            Err(source) => {
                return Err(WatermarkError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        serde_json::from_slice(&bytes)
            .map(Watermarks)
            .map_err(|source| WatermarkError::Parse {
                path: path.to_path_buf(),
                source,
            })
    }

    /// Writes the marks (0600, atomically), merged under a lock with what another console
    /// wrote since: each mark is the later of the two, here as on disk.
    pub fn save(&mut self, path: &Path) -> Result<(), WatermarkError> {
        crate::util::files::merge_and_replace(path, |current| {
            // An unreadable file is replaced: marks are a convenience, not evidence.
            if let Some(theirs) = current
                .and_then(|b| serde_json::from_slice::<BTreeMap<String, DateTime<Utc>>>(b).ok())
            {
                for (k, at) in theirs {
                    self.advance(&k, at);
                }
            }
            serde_json::to_vec_pretty(&self.0).map_err(std::io::Error::other)
        })
        .map_err(|source| WatermarkError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn marks_only_move_forward_and_survive_a_restart() {
        let d = tempfile::tempdir().unwrap();
        let path = path_in(&d.path().join("state"));
        assert_eq!(Watermarks::load(&path).unwrap(), Watermarks::default());
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap();
        let mut w = Watermarks::default();
        assert!(w.advance("findings", t(10)));
        assert!(!w.advance("findings", t(9)), "never back");
        assert!(w.advance("view:prod", t(11)));
        w.save(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(Watermarks::load(&path).unwrap(), w);
        std::fs::write(&path, "{\"findings\": 3}").unwrap();
        let e = Watermarks::load(&path).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains("expected {\"pane or view\""), "{e}");
    }
}

#[cfg(test)]
mod two_consoles {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn each_mark_is_the_later_of_both_consoles() {
        let d = tempfile::tempdir().unwrap();
        let path = path_in(d.path());
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap();
        let (mut a, mut b) = (Watermarks::default(), Watermarks::default());
        a.advance("findings", t(10));
        a.save(&path).unwrap();
        b.advance("findings", t(9));
        b.advance("credentials", t(8));
        b.save(&path).unwrap();
        let on_disk = Watermarks::load(&path).unwrap();
        assert_eq!(
            on_disk.get("findings"),
            Some(t(10)),
            "not moved back by the other"
        );
        assert_eq!(on_disk.get("credentials"), Some(t(8)));
        assert_eq!(b.get("findings"), Some(t(10)));
    }
}
