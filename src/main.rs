//! The `rampart` binary: parses the command line and hands over to [`rampart::run`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    rampart::util::allocator::tune();
    rampart::run::main(rampart::run::cli::Cli::parse())
}
