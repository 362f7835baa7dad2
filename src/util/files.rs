//! Private files: everything rampart writes that holds findings, notes or state is
//! created 0600 (directories 0700), replaced atomically, or appended one line at a time.
//!
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
    let mut f = open_private(path)?;
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

/// How long a save waits for another console's: a save takes milliseconds, so a lock held
/// this long is a stuck process, and the save says so instead of freezing the console.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl Lock {
    pub fn take(path: &Path) -> std::io::Result<Lock> {
        Lock::take_within(path, LOCK_WAIT)
    }

    /// Takes the lock, waiting at most `wait` for another holder to let it go.
    pub fn take_within(path: &Path, wait: std::time::Duration) -> std::io::Result<Lock> {
        let lock = lock_path(path);
        let file = open_private(&lock)?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            let started = std::time::Instant::now();
            loop {
                // SAFETY: flock on a descriptor this function owns.
                if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                    break;
                }
                let e = std::io::Error::last_os_error();
                if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
                    return Err(e);
                }
                if started.elapsed() >= wait {
                    return Err(std::io::Error::other(format!(
                        "{} is held by another rampart for more than {} s; nothing was written",
                        lock.display(),
                        wait.as_secs_f32()
                    )));
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
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
        ensure_private_dir(dir)?;
    }
    let _lock = Lock::take(path)?;
    let current = match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let bytes = merge(current.as_deref())?;
    write_private_atomic(path, &bytes)
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

/// Writes `bytes` to `path` through a temporary file in the same directory (0600, fsync,
/// rename), so a reader sees the old file or the new one, never half of one.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_private_atomic`] with the content written by `fill` through a buffer.
pub fn write_private_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    sweep_stale_temporaries(dir, &name);
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = match opts.open(&tmp) {
            // Left by a killed process that had this process's id.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&tmp)?;
                opts.open(&tmp)?
            }
            other => other?,
        };
        let mut out =
            std::io::BufWriter::with_capacity(1 << 16, super::writeback::Writeback::new(file));
        fill(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?.into_inner();
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Removes the temporary files of `name` that a process killed mid-write left behind
/// (`.NAME.PID.N.tmp` whose process is gone, untouched for ten minutes: a directory shared
/// with another machine has writers this one cannot see), so kills do not pile them up.
fn sweep_stale_temporaries(dir: &Path, name: &str) {
    const UNTOUCHED: std::time::Duration = std::time::Duration::from_secs(10 * 60);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((pid, n)) = rest.split_once('.') else {
            continue;
        };
        let (Ok(pid), Ok(_)) = (pid.parse::<u32>(), n.parse::<u64>()) else {
            continue;
        };
        let untouched = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= UNTOUCHED);
        if untouched && pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
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

/// Opens a file for appending, created with mode 0600. A symbolic link in its place is
/// refused (`O_NOFOLLOW`: a link planted in the state directory cannot redirect the log or
/// the audit trail), and a file of ours left with a looser mode is made 0600.
pub fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    let file = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = file.metadata()?;
        if meta.mode() & 0o077 != 0 && meta.uid() == current_uid() {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

#[cfg(unix)]
fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// One of rampart's own directories (state, data, cache and what is under them): created
/// 0700 when missing, tightened to 0700 when it exists looser. Returns a warning, in words,
/// when the directory belongs to someone else: another user can then read or replace what
/// rampart keeps there, and rampart does not change a directory it does not own.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<Option<String>> {
    create_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.uid() != current_uid() {
            return Ok(Some(format!(
                "{} belongs to user {}, not to you: others may read or change what rampart keeps there",
                dir.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(None)
}

#[cfg(test)]
mod atomic_tests {
    use super::*;

    #[test]
    fn temporaries_of_killed_writers_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.json");
        // A process that no longer exists, this process, and another file's.
        let dead = dir.path().join(".notes.json.999999999.0.tmp");
        let own = dir.path().join(format!(
            ".notes.json.{}.{}.tmp",
            std::process::id(),
            u64::MAX
        ));
        let other = dir.path().join(".other.json.999999999.0.tmp");
        let recent = dir.path().join(".notes.json.999999998.0.tmp");
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for f in [&dead, &own, &other, &recent] {
            std::fs::write(f, "half").unwrap();
            if f != &recent {
                let file = std::fs::File::options().write(true).open(f).unwrap();
                file.set_modified(hour_ago).unwrap();
            }
        }
        write_private_atomic(&p, b"new").unwrap();
        write_private_atomic(&p, b"newer").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "newer");
        assert!(!dead.exists(), "a dead writer's temporary is swept");
        assert!(own.exists(), "this process's own may be a write in flight");
        assert!(other.exists(), "another file's is left alone");
        assert!(
            recent.exists(),
            "a recent one may be another machine's write"
        );
    }

    #[test]
    #[cfg(unix)]
    fn output_is_0600_and_replaces_the_old_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, "old").unwrap();
        write_private_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}

#[cfg(test)]
mod private_tests {
    #[test]
    #[cfg(unix)]
    fn private_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.log");
        super::open_private(&p).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[cfg(test)]
#[cfg(unix)]
mod hardening {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// Hardening 9: rampart's directories are 0700 (an existing looser one tightened), a
    /// file opened for appending never follows a link and ends up 0600, and a directory
    /// owned by someone else is named.
    #[test]
    fn hardening_09_private_directories_and_files_without_links() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        std::fs::create_dir(&state).unwrap();
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(ensure_private_dir(&state).unwrap(), None);
        assert_eq!(mode(&state), 0o700, "tightened");
        let fresh = dir.path().join("a/b");
        ensure_private_dir(&fresh).unwrap();
        assert_eq!((mode(&fresh), mode(&dir.path().join("a"))), (0o700, 0o700));

        let log = state.join("rampart.log");
        std::fs::write(&log, "old\n").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_private(&log).unwrap();
        assert_eq!(mode(&log), 0o600, "a loose mode is fixed");

        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "").unwrap();
        let link = state.join("audit.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = open_private(&link).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ELOOP), "{e}");
        assert!(append_line(&link, b"{}").is_err());
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"",
            "nothing written through the link"
        );

        // A directory owned by another user is named, not changed (needs root to set up).
        if unsafe { libc::geteuid() } == 0 {
            let theirs = dir.path().join("theirs");
            std::fs::create_dir(&theirs).unwrap();
            std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o777)).unwrap();
            std::os::unix::fs::chown(&theirs, Some(4242), Some(4242)).unwrap();
            let warning = ensure_private_dir(&theirs).unwrap().unwrap();
            assert!(warning.contains("belongs to user 4242"), "{warning}");
            assert_eq!(mode(&theirs), 0o777);
            assert_eq!(std::fs::metadata(&theirs).unwrap().uid(), 4242);
        }
    }

    /// Hardening 11: a lock another process never lets go of is a message, not a freeze.
    #[test]
    fn hardening_11_a_held_lock_times_out_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.json");
        let held = Lock::take(&path).unwrap();
        let started = std::time::Instant::now();
        let e = match Lock::take_within(&path, std::time::Duration::from_millis(200)) {
            Err(e) => e,
            Ok(_) => panic!("a second lock while the first is held"),
        };
        assert!(started.elapsed() >= std::time::Duration::from_millis(200));
        assert!(e.to_string().contains("held by another rampart"), "{e}");
        drop(held);
        assert!(Lock::take_within(&path, std::time::Duration::from_millis(200)).is_ok());
    }
}
