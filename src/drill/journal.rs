//! Drill journals: one JSON-lines file per drill in `<state>/drills/`, 0600, each entry
//! appended in one write and flushed to disk before the screen shows it. A process killed
//! mid-write leaves at most a torn last line, which reading skips (and says so), and the
//! next entry starts on a line of its own; every other entry is intact, so a drill
//! interrupted by a crash or a dropped SSH session resumes where it was.

use super::exercise::{Drill, Entry};
use std::path::{Path, PathBuf};

pub fn dir_in(state_dir: &Path) -> PathBuf {
    state_dir.join("drills")
}

fn file(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.jsonl"))
}

/// Appends one entry and syncs it. A drill id is made by rampart (`drill-` and a time), so
/// it is a safe file name.
pub fn append(dir: &Path, id: &str, entry: &Entry) -> std::io::Result<()> {
    crate::util::files::ensure_private_dir(dir)?;
    let line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    crate::util::files::append_line(&file(dir, id), &line)
}

/// The entries of a journal; a line that does not parse (a torn write) is skipped and
/// reported with its line number, and every other entry is kept.
pub fn read(path: &Path) -> std::io::Result<(Vec<Entry>, Option<String>)> {
    let text = String::from_utf8_lossy(&std::fs::read(path)?).into_owned();
    let mut entries = Vec::new();
    let mut problem = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(e) => entries.push(e),
            Err(e) => {
                problem.get_or_insert(format!(
                    "{}:{}: {e} (skipped; the other entries are kept)",
                    path.display(),
                    i + 1
                ));
            }
        }
    }
    Ok((entries, problem))
}

/// Every drill the journals hold, oldest first, and what could not be read.
pub fn load_all(dir: &Path) -> (Vec<Drill>, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    paths.sort();
    let mut drills = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match read(&p) {
            Ok((entries, problem)) => {
                problems.extend(problem);
                match Drill::replay(&entries) {
                    Some(d) => drills.push(d),
                    None => problems.push(format!("{}: no start entry", p.display())),
                }
            }
            Err(e) => problems.push(format!("{}: {e}", p.display())),
        }
    }
    drills.sort_by_key(|d| d.started());
    (drills, problems)
}
