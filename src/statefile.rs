//! State files two consoles of one user may both write (notes, watermarks): each save
//! takes an exclusive lock beside the file, reads what is there now, merges its own changes
//! into it, and replaces the file atomically (0600), so neither console loses the other's
//! writes. Append-only files (the audit log, drill journals) need no lock: each line is one
//! `O_APPEND` write.

use std::path::{Path, PathBuf};

/// An exclusive `flock` on `<path>.lock`, released when dropped.
pub struct Lock {
    _file: std::fs::File,
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

impl Lock {
    pub fn take(path: &Path) -> std::io::Result<Lock> {
        let file = crate::logging::open_private(&lock_path(path))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // Blocks while the other console writes: a save takes milliseconds.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(Lock { _file: file })
    }
}

/// Under the lock: the file's current bytes (`None` when it does not exist) go to `merge`,
/// whose result replaces the file.
pub fn merge_and_replace(
    path: &Path,
    merge: impl FnOnce(Option<&[u8]>) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::notes::create_private_dir(dir)?;
    }
    let _lock = Lock::take(path)?;
    let current = match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let bytes = merge(current.as_deref())?;
    crate::export::write_private_atomic(path, &bytes)
}
