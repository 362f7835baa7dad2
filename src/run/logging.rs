//! Logging with `tracing` to a file in the platform state directory, never to the screen
//! (the screen belongs to the console). The file is created 0600.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `~/.local/state/rampart` on Linux (the data directory where there is no state dir).
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "rampart")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// Where rampart keeps what it produces for people to keep (after-action reports).
pub fn data_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "rampart")?;
    Some(dirs.data_dir().to_path_buf())
}

/// The crates whose debug and trace output can carry credentials' identifiers (a target
/// directive matches by prefix: `aws_sdk` is every service client).
const SDK_TARGETS: [&str; 8] = [
    "aws_smithy",
    "aws_sdk",
    "aws_config",
    "aws_credential_types",
    "aws_runtime",
    "aws_sigv4",
    "hyper",
    "rustls",
];

/// Starts logging to `<dir>/rampart.log`; returns the file, or `None` when it cannot be
/// opened (the console then runs without a log rather than failing). Level from
/// `RAMPART_LOG` (default `info`).
pub fn init(dir: Option<&Path>) -> Option<PathBuf> {
    let dir = dir.map(Path::to_path_buf).or_else(state_dir)?;
    crate::util::files::ensure_private_dir(&dir).ok()?;
    let path = dir.join("rampart.log");
    let file = crate::util::files::open_private(&path).ok()?;
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The AWS SDK's own debug lines print the resolved identity (the access key id; the
    // secret is redacted): its crates stay at info, whatever RAMPART_LOG asks.
    for target in SDK_TARGETS {
        if let Ok(directive) = format!("{target}=info").parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
