//! The `rampart` binary: parses the command line and hands over to [`rampart::run`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    rampart::run::main(rampart::cli::Cli::parse())
}
