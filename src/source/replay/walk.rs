//! Which files a replay reads: paths walked recursively in name order; CloudTrail digest
//! files skipped. Symbolic links are followed once each (a loop is named, not walked
//! forever) and only regular files are read: a FIFO or a device would block a worker.

use super::FileReport;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Every file under `paths`, directories walked recursively in name order.
pub fn files(paths: &[PathBuf]) -> Vec<Result<PathBuf, FileReport>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        walk(p, &mut seen, &mut out);
    }
    out
}

/// A file's identity: its device and inode, so a directory reached twice (a link back to
/// an ancestor, two links to one place) is walked once.
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        (0, 0)
    }
}

fn skipped(path: &Path, why: String) -> FileReport {
    FileReport {
        path: path.display().to_string(),
        format: None,
        records: 0,
        error: Some(why),
    }
}

fn walk(path: &Path, seen: &mut HashSet<(u64, u64)>, out: &mut Vec<Result<PathBuf, FileReport>>) {
    // What the path is, following a link: the link itself tells only that it is one.
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::metadata(path),
        other => other,
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => return out.push(Err(skipped(path, format!("cannot read: {e}")))),
    };
    if meta.is_dir() {
        if !seen.insert(identity(&meta)) {
            return out.push(Err(skipped(
                path,
                "skipped: a directory already walked (a symbolic link loop or a second link)"
                    .into(),
            )));
        }
        match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut children: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                for c in children {
                    walk(&c, seen, out);
                }
            }
            Err(e) => out.push(Err(skipped(path, format!("cannot read: {e}")))),
        }
    } else if meta.is_file() {
        if seen.insert(identity(&meta)) || cfg!(not(unix)) {
            out.push(Ok(path.to_path_buf()));
        }
    } else {
        out.push(Err(skipped(
            path,
            "skipped: not a regular file (a FIFO, socket or device is never read)".into(),
        )));
    }
}

/// The CloudTrail digest files that sit beside the logs: not evidence of activity.
pub(super) fn is_digest(path: &Path) -> bool {
    path.to_string_lossy().contains("CloudTrail-Digest")
}
