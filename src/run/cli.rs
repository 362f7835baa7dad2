//! The command line, as `../shared/design.md` section 6 fixes it: `rampart [OPTIONS]`
//! opens the console, `rampart export [OPTIONS]` writes the store and exits; the options
//! work with both.

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "rampart",
    version,
    about = "A terminal console for the security posture of an AWS organization",
    long_about = "A terminal console for the security posture of an AWS organization.\n\n\
        Start with the simulated organization: `rampart --demo`.",
    after_help = "Keys in the console: press ? for the full list."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the store as JSON or CSV and exit.
    Export(ExportArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Write to FILE (created 0600) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, Args, Clone, Default)]
pub struct Options {
    /// Use the embedded simulated organization (no AWS account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Seed of the simulated organization [default: 42, or [demo] seed in the config].
    #[arg(long, value_name = "N", global = true)]
    pub seed: Option<u64>,
    /// Number of simulated findings; users, exposures and events scale in proportion
    /// [default: 3000].
    #[arg(long, value_name = "N", global = true, value_parser = clap::value_parser!(u64).range(1..=5_000_000))]
    pub demo_scale: Option<u64>,
    /// Fix the clock's start (RFC 3339): demo timestamps are relative to it.
    #[arg(long, value_name = "RFC3339", global = true, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Read evidence files or directories instead of AWS (repeatable).
    #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append, global = true)]
    pub replay: Vec<PathBuf>,
    /// Config file [default: $RAMPART_CONFIG, then the platform config directory].
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// AWS profile for a quick one-account look.
    #[arg(long, value_name = "NAME", global = true)]
    pub profile: Option<String>,
    /// AWS region for a quick one-account look.
    #[arg(long, value_name = "R", global = true)]
    pub region: Option<String>,
    /// Send every AWS client to this endpoint (a local emulator).
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint_url: Option<String>,
    /// Allow an http:// endpoint on another host: signed requests then cross the network
    /// in clear text.
    #[arg(long, global = true)]
    pub insecure_endpoint: bool,
    /// Colour theme: dark, light, high-contrast, ansi16, monochrome, or a user theme.
    #[arg(long, value_name = "NAME", global = true)]
    pub theme: Option<String>,
    /// Allow triage writes to AWS (read-only otherwise).
    #[arg(long, global = true)]
    pub allow_writes: bool,
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    crate::model::clock::parse_rfc3339(s).ok_or_else(|| {
        format!("expected an RFC 3339 timestamp such as 2026-11-22T12:00:00Z, found `{s}`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn options_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "rampart",
            "export",
            "--demo",
            "--seed",
            "7",
            "--format",
            "csv",
            "--now",
            "2026-11-22T12:00:00Z",
        ])
        .unwrap();
        assert!(cli.options.demo);
        assert_eq!(cli.options.seed, Some(7));
        assert!(matches!(
            cli.command,
            Some(Command::Export(ExportArgs {
                format: ExportFormat::Csv,
                ..
            }))
        ));
        assert_eq!(
            cli.options.now.unwrap().to_rfc3339(),
            "2026-11-22T12:00:00+00:00"
        );
    }

    #[test]
    fn replay_takes_several_paths_and_repeats() {
        let cli = Cli::try_parse_from(["rampart", "--replay", "a", "b", "--replay", "c"]).unwrap();
        assert_eq!(cli.options.replay.len(), 3);
    }

    #[test]
    fn bad_now_names_the_expected_format() {
        let err = Cli::try_parse_from(["rampart", "--now", "yesterday"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("RFC 3339"), "{err}");
    }
}
