//! The store as documents: the export contract of `../shared/design.md` section 6 (schema
//! version 1), hand-off snapshots, and the warm-start cache.
//!
//! JSON holds every dataset in a stable order with RFC 3339 UTC timestamps, `null` for
//! absent values and each record's raw JSON; CSV writes the findings table with formula
//! injection neutralised. Files are created 0600 and replaced atomically. The `rampart
//! export` command that drives this is `crate::run::export`.
//!
//! May import: `util`, `model`, `feed`, `store`, `drill`, `analysis`, `source`.

pub mod cache;
pub mod csv_out;
pub mod json;
mod rows;
pub mod snapshot;

use crate::store::Store;
use std::path::Path;

/// What a document is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The contract's JSON document: every dataset.
    Json,
    /// The findings table as CSV.
    Csv,
}

pub const SCHEMA_VERSION: u32 = 1;

/// Exit statuses of the contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_NOTHING: u8 = 1;
pub const EXIT_PARTIAL: u8 = 2;

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
) -> std::io::Result<Format> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::util::files::create_private_dir(dir)?;
    }
    crate::util::files::write_private_atomic_with(path, |w| {
        if csv {
            w.write_all(&csv_out::findings(store))
        } else {
            json::write_document(store, now, &[], w)
        }
    })?;
    Ok(if csv { Format::Csv } else { Format::Json })
}
