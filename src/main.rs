//! The `rampart` binary: parses the command line and hands over to [`rampart::run`].

use clap::Parser;

rampart::shipped_allocator!();

fn main() -> std::process::ExitCode {
    rampart::run::main(rampart::run::cli::Cli::parse())
}
