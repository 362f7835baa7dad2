//! `rampart export`: writes the store and exits (see `../shared/design.md` section 6).

use crate::cli::ExportArgs;
use crate::model::Clock;
use crate::source::demo::DemoOptions;
use std::process::ExitCode;

/// Export of the simulated organization.
pub fn run_demo(_args: &ExportArgs, _demo: &DemoOptions, _clock: &Clock) -> ExitCode {
    eprintln!("rampart: export is not available in this version yet; it arrives with the live AWS sources");
    ExitCode::from(1)
}
