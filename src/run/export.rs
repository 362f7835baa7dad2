//! `rampart export`: build the store from the demo, the evidence files or one poll of live
//! AWS, write it where the arguments say, and return the contract's exit status (0 every
//! source ok, 2 written but some source failed, 1 nothing written).

use super::cli::{ExportArgs, ExportFormat};
use crate::export::{csv_out, json, EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL};
use crate::feed::Status;
use crate::model::Clock;
use crate::source::demo::{self, DemoOptions};
use crate::store::Store;
use std::io::Write;
use std::process::ExitCode;

/// Builds the demo organization at the clock's time and exports it.
pub fn run_demo(args: &ExportArgs, opts: &DemoOptions, clock: &Clock) -> ExitCode {
    let now = clock.now();
    let org = demo::generate(opts);
    let mut store = Store::for_export();
    for update in demo::initial_updates(org, now) {
        store.apply(update);
    }
    write_and_end(store, args, clock)
}

/// Loads the evidence files and exports them; says on stderr what each file gave.
pub fn run_replay(
    args: &ExportArgs,
    paths: &[std::path::PathBuf],
    options: &crate::source::replay::ReplayOptions,
    clock: &Clock,
) -> ExitCode {
    let (store, reports) = crate::source::replay::load_store(paths, clock.now(), options);
    eprint!(
        "{}",
        crate::util::sanitize::clean_multiline(&crate::source::replay::summary(&reports))
    );
    write_and_end(store, args, clock)
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
            super::say(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(EXIT_NOTHING);
        }
    };
    let updates = runtime.block_on(crate::source::aws::poll_once(
        accounts, session, settings, clock,
    ));
    // The pollers are done; their idle threads need not be waited for.
    runtime.shutdown_background();
    let mut store = Store::for_export();
    for u in updates {
        store.apply(u);
    }
    write_and_end(store, args, clock)
}

/// Writes the store and gives up its memory without freeing it row by row: the process
/// ends next, and the kernel takes it back at once.
fn write_and_end(store: Store, args: &ExportArgs, clock: &Clock) -> ExitCode {
    let code = write_store(&store, args, clock);
    std::mem::forget(store);
    code
}

/// Writes the store where `args` says and returns the contract's exit status.
fn write_store(store: &Store, args: &ExportArgs, clock: &Clock) -> ExitCode {
    // Record by record: the document of 100,000 findings never exists whole in memory.
    let write = |w: &mut dyn Write| match args.format {
        ExportFormat::Json => json::write_document(store, clock.now(), &[], w),
        ExportFormat::Csv => w.write_all(&csv_out::findings(store)),
    };
    let written = match &args.output {
        Some(path) => crate::util::files::write_private_atomic_with(path, write)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to standard output: {e}"))
        }
    };
    if let Err(e) = written {
        super::say(&e);
        return ExitCode::from(EXIT_NOTHING);
    }
    let mut failed = false;
    for (key, health) in &store.sources {
        if matches!(health.status, Status::Failed | Status::Stale) {
            failed = true;
            let why = health.error.as_deref().unwrap_or("no detail");
            super::say(&format!("source {key} {}: {why}", health.status.label()));
        }
    }
    ExitCode::from(if failed { EXIT_PARTIAL } else { EXIT_OK })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lean_store_exports_the_same_document() {
        let now = crate::model::clock::fixed_now();
        let opts = DemoOptions::new(7, Some(2_000), now);
        let exported = |mut store: Store| {
            for update in demo::initial_updates(demo::generate(&opts), now) {
                store.apply(update);
            }
            let mut out = Vec::new();
            json::write_document(&store, now, &[], &mut out).unwrap();
            (out, store)
        };
        let (searched, full) = exported(Store::new());
        let (written, lean) = exported(Store::for_export());
        assert!(full.findings.len() >= 2_000 && !full.events.is_empty());
        assert!(searched == written, "the same document from either store");
        assert!(!full.findings.search_text(0).is_empty());
        assert_eq!(lean.findings.search_text(0), "", "no text kept");
        let derived = |s: &Store| {
            s.exposures
                .items()
                .iter()
                .filter(|e| e.is_control())
                .count()
        };
        assert!(
            derived(&full) > 0,
            "the demo's failed controls give exposure rows"
        );
        assert_eq!(derived(&lean), 0, "not derived for an export");
        assert_eq!(
            full.exposures.len() - derived(&full),
            lean.exposures.len(),
            "the others kept"
        );
    }
}
