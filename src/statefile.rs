//! State files two consoles of one user may both write (notes, watermarks): each save
//! takes an exclusive lock beside the file, reads what is there now, merges its own changes
//! into it, and replaces the file atomically (0600), so neither console loses the other's
//! writes. Append-only files (the audit log, drill journals) need no lock: each line is one
//! `O_APPEND` write ([`append_line`]).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Appends one line (given without its newline) in one `O_APPEND` write (0600) and syncs
/// it. A process killed mid-write leaves at most a torn last line; the next line then
/// starts on a line of its own, so only the torn one is lost.
pub fn append_line(path: &Path, line: &[u8]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 2);
    if ends_torn(path)? {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(line);
    bytes.push(b'\n');
    let mut f = crate::logging::open_private(path)?;
    f.write_all(&bytes)?;
    f.sync_data()
}

fn ends_torn(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

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

#[cfg(test)]
mod append_tests {
    #[test]
    fn a_torn_last_line_does_not_swallow_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        super::append_line(&p, b"{\"a\":1}").unwrap();
        // A kill mid-write.
        let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        std::io::Write::write_all(&mut f, b"{\"b\":").unwrap();
        super::append_line(&p, b"{\"c\":3}").unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "{\"a\":1}\n{\"b\":\n{\"c\":3}\n");
    }
}
