//! `rampart export`: the store as JSON or CSV, the contract of `../shared/design.md`
//! section 6 (schema version 1).
//!
//! JSON holds every dataset in a stable order with RFC 3339 UTC timestamps, `null` for
//! absent values and each record's raw JSON; CSV writes the findings table with formula
//! injection neutralised. The output file is created 0600 and replaced atomically.

pub mod csv_out;
pub mod json;

use crate::cli::{ExportArgs, ExportFormat};
use crate::model::Clock;
use crate::source::demo::{self, DemoOptions};
use crate::source::Status;
use crate::store::Store;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub const SCHEMA_VERSION: u32 = 1;

/// Exit statuses of the contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_NOTHING: u8 = 1;
pub const EXIT_PARTIAL: u8 = 2;

/// Builds the demo organization at the clock's time and exports it.
pub fn run_demo(args: &ExportArgs, opts: &DemoOptions, clock: &Clock) -> ExitCode {
    let now = clock.now();
    let org = demo::generate(opts);
    let mut store = Store::new();
    for update in demo::initial_updates(org, now) {
        store.apply(update);
    }
    write_store(&store, args, clock)
}

/// Loads the evidence files and exports them; says on stderr what each file gave.
pub fn run_replay(args: &ExportArgs, paths: &[std::path::PathBuf], clock: &Clock) -> ExitCode {
    let (store, reports) = crate::source::replay::load_store(paths, clock.now());
    eprint!("{}", crate::source::replay::summary(&reports));
    write_store(&store, args, clock)
}

/// Runs one complete poll of every configured account and region, then exports it; each
/// failed source is named on stderr.
pub fn run_live(
    args: &ExportArgs,
    accounts: &[crate::source::aws::session::AccountAccess],
    session: &crate::source::aws::session::SessionOptions,
    settings: &crate::source::aws::PollSettings,
    clock: &Clock,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rampart: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_NOTHING);
        }
    };
    let updates = runtime.block_on(crate::source::aws::poll_once(
        accounts, session, settings, clock,
    ));
    let mut store = Store::new();
    for u in updates {
        store.apply(u);
    }
    write_store(&store, args, clock)
}

/// Writes the store where `args` says and returns the contract's exit status.
pub fn write_store(store: &Store, args: &ExportArgs, clock: &Clock) -> ExitCode {
    // Record by record: the document of 100,000 findings never exists whole in memory.
    let write = |w: &mut dyn Write| match args.format {
        ExportFormat::Json => json::write_document(store, clock.now(), &[], w),
        ExportFormat::Csv => w.write_all(&csv_out::findings(store)),
    };
    let written = match &args.output {
        Some(path) => write_private_atomic_with(path, write)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to standard output: {e}"))
        }
    };
    if let Err(e) = written {
        eprintln!("rampart: {e}");
        return ExitCode::from(EXIT_NOTHING);
    }
    let mut failed = false;
    for (key, health) in &store.sources {
        if matches!(health.status, Status::Failed | Status::Stale) {
            failed = true;
            let why = health.error.as_deref().unwrap_or("no detail");
            eprintln!("rampart: source {key} {}: {why}", health.status.label());
        }
    }
    ExitCode::from(if failed { EXIT_PARTIAL } else { EXIT_OK })
}

/// Where the console's `:export` writes without a path: the state directory's `exports/`.
pub fn default_path(state_dir: &Path, now: chrono::DateTime<chrono::Utc>) -> std::path::PathBuf {
    state_dir.join("exports").join(format!(
        "rampart-export-{}.json",
        now.format("%Y%m%dT%H%M%SZ")
    ))
}

/// The console's `:export [PATH]`: the contract's JSON, or the findings table as CSV when
/// the path ends in `.csv`; 0600, atomically, a missing directory made 0700.
pub fn write_file(
    store: &Store,
    path: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> std::io::Result<ExportFormat> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::notes::create_private_dir(dir)?;
    }
    write_private_atomic_with(path, |w| {
        if csv {
            w.write_all(&csv_out::findings(store))
        } else {
            json::write_document(store, now, &[], w)
        }
    })?;
    Ok(if csv {
        ExportFormat::Csv
    } else {
        ExportFormat::Json
    })
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
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
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

#[cfg(test)]
mod tests {
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
