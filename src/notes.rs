//! The operator's own notes on rows (a finding, an event, a user, an exposure): kept in
//! `notes.json` in the state directory, written (0600, atomically) after every change so a
//! dropped SSH session loses nothing, and carried inside hand-off snapshots.
//!
//! These are local notes, not Security Hub's `Note` field: they need no write permission
//! and stay on the operator's machine unless they hand off a snapshot.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Longest note kept, in characters: enough for a paragraph, short enough for one screen.
pub const MAX_CHARS: usize = 2000;
const FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Which table the row is in: `findings`, `credentials`, `exposures` or `events`.
    pub pane: String,
    /// The row's key in that table (a finding's id and product ARN, an event id, ...).
    pub key: String,
    pub text: String,
    pub author: String,
    #[serde(with = "rfc3339")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Notes {
    by_row: BTreeMap<(String, String), Note>,
}

#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line} column {column}: {message}; expected {{\"version\": 1, \"notes\": [{{\"pane\", \"key\", \"text\", \"author\", \"at\"}}]}}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    notes: Vec<Note>,
}

impl Notes {
    pub fn get(&self, pane: &str, key: &str) -> Option<&Note> {
        self.by_row.get(&(pane.to_string(), key.to_string()))
    }

    /// Sets a row's note; empty text removes it. Text is cut at [`MAX_CHARS`].
    pub fn set(&mut self, pane: &str, key: &str, text: &str, author: &str, at: DateTime<Utc>) {
        let row = (pane.to_string(), key.to_string());
        let text = text.trim();
        if text.is_empty() {
            self.by_row.remove(&row);
            return;
        }
        let note = Note {
            pane: pane.to_string(),
            key: key.to_string(),
            text: text.chars().take(MAX_CHARS).collect(),
            author: author.to_string(),
            at,
        };
        self.by_row.insert(row, note);
    }

    /// Adds notes from elsewhere (a snapshot); a note already here for the same row and
    /// newer than the incoming one stays.
    pub fn merge(&mut self, notes: impl IntoIterator<Item = Note>) -> usize {
        let mut taken = 0;
        for n in notes {
            let row = (n.pane.clone(), n.key.clone());
            if self.by_row.get(&row).is_some_and(|mine| mine.at > n.at) {
                continue;
            }
            self.by_row.insert(row, n);
            taken += 1;
        }
        taken
    }

    pub fn len(&self) -> usize {
        self.by_row.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_row.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Note> {
        self.by_row.values()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let file = File {
            version: FILE_VERSION,
            notes: self.by_row.values().cloned().collect(),
        };
        let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
        out.push(b'\n');
        out
    }

    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<Notes, NotesError> {
        let file: File = serde_json::from_slice(bytes).map_err(|e| NotesError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if file.version != FILE_VERSION {
            return Err(NotesError::Parse {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!(
                    "`version` is {}, this rampart reads {FILE_VERSION}",
                    file.version
                ),
            });
        }
        let mut notes = Notes::default();
        notes.merge(file.notes);
        Ok(notes)
    }

    /// Reads the notes file; a missing file is no notes.
    pub fn load(path: &Path) -> Result<Notes, NotesError> {
        match std::fs::read(path) {
            Ok(bytes) => Notes::from_slice(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Notes::default()),
            Err(source) => Err(NotesError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes the notes file (0600, replaced atomically; the directory is created 0700).
    pub fn save(&self, path: &Path) -> Result<(), NotesError> {
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                create_private_dir(dir)?;
            }
            crate::export::write_private_atomic(path, &self.to_bytes())
        };
        write().map_err(|source| NotesError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Creates a directory (and its parents) readable by the owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Where the notes file lives: `notes.json` in the state directory.
pub fn path_in(state_dir: &Path) -> PathBuf {
    state_dir.join("notes.json")
}

/// Keeps an unreadable notes file beside the new one instead of overwriting it, so a
/// hand-edited file with a typo is never lost; returns where it went.
pub fn set_aside(path: &Path, now: DateTime<Utc>) -> std::io::Result<PathBuf> {
    let aside = path.with_extension(format!("unreadable-{}.json", now.format("%Y%m%dT%H%M%SZ")));
    std::fs::rename(path, &aside)?;
    Ok(aside)
}

pub(crate) mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::export::json::time(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        crate::model::clock::parse_rfc3339(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`at`: expected an RFC 3339 time, found {text:?}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::fixed_now;

    #[test]
    fn set_replace_and_clear() {
        let mut n = Notes::default();
        n.set("findings", "f1", "  looked at it  ", "alice", fixed_now());
        assert_eq!(n.get("findings", "f1").unwrap().text, "looked at it");
        n.set("findings", "f1", "escalated", "bob", fixed_now());
        assert_eq!(n.len(), 1);
        assert_eq!(n.get("findings", "f1").unwrap().author, "bob");
        assert!(n.get("events", "f1").is_none(), "panes keep their own keys");
        n.set("findings", "f1", "   ", "bob", fixed_now());
        assert!(n.is_empty());
        n.set(
            "events",
            "e",
            &"x".repeat(MAX_CHARS + 10),
            "bob",
            fixed_now(),
        );
        assert_eq!(n.get("events", "e").unwrap().text.len(), MAX_CHARS);
    }

    #[test]
    fn merge_keeps_the_newer_note() {
        let t = fixed_now();
        let mut mine = Notes::default();
        mine.set("findings", "a", "mine, newer", "me", t);
        mine.set(
            "findings",
            "b",
            "mine, older",
            "me",
            t - chrono::Duration::hours(1),
        );
        let mut theirs = Notes::default();
        theirs.set(
            "findings",
            "a",
            "theirs, older",
            "them",
            t - chrono::Duration::hours(2),
        );
        theirs.set("findings", "b", "theirs, newer", "them", t);
        theirs.set("events", "c", "new row", "them", t);
        assert_eq!(mine.merge(theirs.iter().cloned()), 2);
        assert_eq!(mine.get("findings", "a").unwrap().text, "mine, newer");
        assert_eq!(mine.get("findings", "b").unwrap().text, "theirs, newer");
        assert_eq!(mine.len(), 3);
    }

    #[test]
    #[cfg(unix)]
    fn saved_0600_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir.path().join("state"));
        assert!(Notes::load(&path).unwrap().is_empty(), "no file, no notes");
        let mut n = Notes::default();
        n.set(
            "findings",
            "id\u{1f}arn",
            "line one \"quoted\"",
            "alice",
            fixed_now(),
        );
        n.save(&path).unwrap();
        assert_eq!(Notes::load(&path).unwrap(), n);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn a_broken_file_names_where_and_what_was_expected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.json");
        std::fs::write(&path, "{\"version\": 1,\n \"notes\": [{\"pane\": 3}]}").unwrap();
        let e = Notes::load(&path).unwrap_err().to_string();
        assert!(e.contains("notes.json line 2 column"), "{e}");
        assert!(e.contains("expected {\"version\": 1"), "{e}");
        std::fs::write(&path, r#"{"version": 9, "notes": []}"#).unwrap();
        let e = Notes::load(&path).unwrap_err().to_string();
        assert!(e.contains("`version` is 9"), "{e}");
        let aside = set_aside(&path, fixed_now()).unwrap();
        assert!(!path.exists() && aside.exists());
        assert!(
            aside.to_string_lossy().contains("notes.unreadable-"),
            "{aside:?}"
        );
    }
}
