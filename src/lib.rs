//! rampart: a terminal console for the security posture of an AWS organization.
//!
//! The crate is built in layers; each imports only the layers listed before it, and
//! `tests/layering.rs` fails on an import that runs the other way.
//!
//! 1. [`util`]: private files, text helpers (sanitize, glob, suggestions), diagnostics.
//! 2. [`model`]: domain types and the wire-format parsers; the values that cross layers.
//! 3. [`feed`]: the protocol between sources and the UI loop (`Update`, `Command`, health).
//! 4. [`store`]: the in-memory store the UI loop owns, its tables, queries and sorts.
//! 5. [`drill`]: detections over CloudTrail, runbooks, drills and their reports.
//! 6. [`analysis`]: the posture indicators, pane summaries, timeline rows.
//! 7. [`source`]: the simulated organization, replay, live AWS, and the write path.
//! 8. [`export`]: the store as documents (the export contract, snapshots, the cache).
//! 9. [`theme`]: colours by meaning, built-in and from files.
//! 10. [`config`]: the configuration file: schema, loading, validation.
//! 11. [`app`]: the console as a state machine: actions in, state out; no drawing, no I/O.
//! 12. [`ui`]: ratatui rendering of `&App`.
//! 13. [`run`]: the composition root: command line, terminal, event loop, effects, the
//!     export command, logging.

pub mod util;

pub mod model;

pub mod feed;

pub mod store;

pub mod drill;

pub mod analysis;

pub mod source;

pub mod export;

pub mod theme;

pub mod config;

pub mod app;

pub mod ui;

pub mod run;

#[cfg(test)]
mod test_support;
