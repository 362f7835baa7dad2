//! Which files a replay reads: paths walked recursively in name order; CloudTrail digest
//! files skipped.

use super::FileReport;
use std::path::{Path, PathBuf};

/// Every file under `paths`, directories walked recursively in name order.
pub fn files(paths: &[PathBuf]) -> Vec<Result<PathBuf, FileReport>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out);
    }
    out
}

fn walk(path: &Path, out: &mut Vec<Result<PathBuf, FileReport>>) {
    let unreadable = |e: std::io::Error| FileReport {
        path: path.display().to_string(),
        format: None,
        records: 0,
        error: Some(format!("cannot read: {e}")),
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut children: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                for c in children {
                    walk(&c, out);
                }
            }
            Err(e) => out.push(Err(unreadable(e))),
        },
        Ok(_) => out.push(Ok(path.to_path_buf())),
        Err(e) => out.push(Err(unreadable(e))),
    }
}

/// The CloudTrail digest files that sit beside the logs: not evidence of activity.
pub(super) fn is_digest(path: &Path) -> bool {
    path.to_string_lossy().contains("CloudTrail-Digest")
}
