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
    /// For a note taken from a hand-off snapshot: the snapshot's file, so the operator
    /// knows whose words these are and where they came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
}

/// The longest author name kept from a snapshot.
const MAX_AUTHOR: usize = 64;
/// The longest row key or pane name kept from a snapshot (a finding's id and ARN fit).
const MAX_KEY: usize = 2048;

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[derive(Debug, Default, Clone)]
pub struct Notes {
    by_row: BTreeMap<(String, String), Note>,
    /// Notes removed in this session, and when: another console's older copy of one must
    /// not bring it back when the file is merged.
    removed: BTreeMap<(String, String), DateTime<Utc>>,
    /// Rows written in this session (typed or taken from a snapshot): a row that is not one
    /// of these and is gone from the file was removed by another console.
    touched: std::collections::BTreeSet<(String, String)>,
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

/// Two sets of notes are equal when they hold the same notes (what this session did to
/// them is bookkeeping for the merge).
impl PartialEq for Notes {
    fn eq(&self, other: &Notes) -> bool {
        self.by_row == other.by_row
    }
}

impl Eq for Notes {}

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
            self.touched.remove(&row);
            self.removed.insert(row, at);
            return;
        }
        self.removed.remove(&row);
        self.touched.insert(row.clone());
        let note = Note {
            pane: pane.to_string(),
            key: key.to_string(),
            text: text.chars().take(MAX_CHARS).collect(),
            author: author.to_string(),
            at,
            imported_from: None,
        };
        self.by_row.insert(row, note);
    }

    /// Takes a snapshot's notes, as evidence from someone else, not as the operator's own:
    /// each is dated no later than `not_after` (when the snapshot was written, and never
    /// in the future), its text and author are cut to size, it is marked as imported from
    /// `file`, and a note written here since stays. Returns how many were taken.
    pub fn import(
        &mut self,
        notes: impl IntoIterator<Item = Note>,
        file: &str,
        not_after: DateTime<Utc>,
    ) -> usize {
        let notes = notes
            .into_iter()
            .filter(|n| !n.text.trim().is_empty())
            .map(|n| Note {
                pane: cut(&n.pane, MAX_KEY),
                key: cut(&n.key, MAX_KEY),
                text: cut(&n.text, MAX_CHARS),
                author: cut(&n.author, MAX_AUTHOR),
                at: n.at.min(not_after),
                imported_from: Some(cut(file, MAX_KEY)),
            });
        self.merge(notes)
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
            self.touched.insert(row.clone());
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
        // Read, not written here.
        notes.touched.clear();
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

    /// Writes the notes file (0600, replaced atomically; the directory is created 0700),
    /// merged under a lock with what another console wrote since (the newer note of a row
    /// wins; a note removed here stays removed); the merged notes are kept here too.
    pub fn save(&mut self, path: &Path) -> Result<(), NotesError> {
        let mut parse_error = None;
        let result = crate::util::files::merge_and_replace(path, |current| {
            if let Some(bytes) = current {
                let theirs = match Notes::from_slice(path, bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        // Never overwrite notes that could not be read.
                        parse_error = Some(e);
                        return Err(std::io::Error::other("unreadable"));
                    }
                };
                let mut merged: BTreeMap<(String, String), Note> = theirs
                    .by_row
                    .into_iter()
                    .filter(|(row, n)| self.removed.get(row).is_none_or(|at| *at < n.at))
                    .collect();
                for (row, mine) in std::mem::take(&mut self.by_row) {
                    match merged.get(&row) {
                        Some(theirs) if theirs.at >= mine.at => {}
                        // Ours is newer, or written here and not yet in the file.
                        Some(_) => {
                            merged.insert(row, mine);
                        }
                        None if self.touched.contains(&row) => {
                            merged.insert(row, mine);
                        }
                        // Read from the file earlier, gone from it now: removed elsewhere.
                        None => {}
                    }
                }
                self.by_row = merged;
            }
            Ok(self.to_bytes())
        });
        if let Some(e) = parse_error {
            return Err(e);
        }
        result.map_err(|source| NotesError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
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
        s.serialize_str(&crate::model::clock::format_rfc3339(*t))
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
    use crate::model::clock::fixed_now;

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

#[cfg(test)]
mod two_consoles {
    //! Two consoles of one user share the state directory: neither loses the other's notes,
    //! and a note removed in one is not brought back by the other.
    use super::*;
    use chrono::TimeZone;

    fn t(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, m, 0).unwrap()
    }

    #[test]
    fn saves_merge_and_removals_stay_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        let mut a = Notes::load(&path).unwrap();
        let mut b = Notes::load(&path).unwrap();
        a.set("findings", "f1", "isolated the host", "alice", t(1));
        a.save(&path).unwrap();
        b.set("findings", "f2", "paged payments", "bob", t(2));
        b.save(&path).unwrap();
        let on_disk = Notes::load(&path).unwrap();
        assert_eq!(on_disk.len(), 2, "both consoles' notes");
        assert_eq!(b.len(), 2, "the saving console sees the other's note too");
        a.set("findings", "f1", "", "alice", t(3));
        a.save(&path).unwrap();
        b.set("findings", "f3", "rotated the key", "bob", t(4));
        b.save(&path).unwrap();
        let on_disk = Notes::load(&path).unwrap();
        let rows: Vec<&str> = on_disk.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(rows, ["f2", "f3"], "f1 stays removed");
        // The same row written in both: the newer wins.
        a.set("findings", "f2", "older edit", "alice", t(5));
        b.set("findings", "f2", "newer edit", "bob", t(6));
        b.save(&path).unwrap();
        a.save(&path).unwrap();
        let on_disk = Notes::load(&path).unwrap();
        assert_eq!(on_disk.get("findings", "f2").unwrap().text, "newer edit");
    }

    #[test]
    fn concurrent_saves_from_two_threads_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        let handles: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|who| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut mine = Notes::default();
                    for i in 0..40 {
                        mine.set("findings", &format!("{who}-{i}"), "x", who, t(i % 60));
                        mine.save(&path).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(Notes::load(&path).unwrap().len(), 80);
    }
}

#[cfg(test)]
mod hardening {
    use super::*;
    use crate::model::clock::fixed_now;

    /// Hardening 6: a snapshot's notes are not trusted like the operator's own.
    #[test]
    fn hardening_06_imported_notes_are_dated_capped_marked_and_never_over_a_newer_edit() {
        let now = fixed_now();
        let written = now - chrono::Duration::minutes(10);
        let mut mine = Notes::default();
        mine.set(
            "findings",
            "mine-newer",
            "my own words",
            "me",
            now - chrono::Duration::minutes(5),
        );
        mine.set(
            "findings",
            "mine-older",
            "old words",
            "me",
            now - chrono::Duration::hours(3),
        );
        let forged = |key: &str| Note {
            pane: "findings".into(),
            key: key.into(),
            text: "x".repeat(100_000),
            author: "root@".repeat(100),
            at: DateTime::<Utc>::MAX_UTC,
            imported_from: None,
        };
        let taken = mine.import(
            [forged("mine-newer"), forged("mine-older"), forged("fresh")],
            "incident.json",
            written.min(now),
        );
        assert_eq!(taken, 2, "the newer local edit stays");
        assert_eq!(
            mine.get("findings", "mine-newer").unwrap().text,
            "my own words"
        );
        for key in ["mine-older", "fresh"] {
            let n = mine.get("findings", key).unwrap();
            assert_eq!(n.at, written, "dated no later than the snapshot");
            assert_eq!(n.text.chars().count(), MAX_CHARS);
            assert_eq!(n.author.chars().count(), 64);
            assert_eq!(n.imported_from.as_deref(), Some("incident.json"));
        }
        // The operator's next edit wins over the import, and is their own again.
        mine.set("findings", "fresh", "checked: benign", "me", now);
        let n = mine.get("findings", "fresh").unwrap();
        assert_eq!(
            (n.text.as_str(), n.imported_from.as_deref()),
            ("checked: benign", None)
        );
    }
}
