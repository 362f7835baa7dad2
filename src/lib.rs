//! rampart: a terminal console for the security posture of an AWS organization.
//!
//! Module map (data flows one way, top to bottom):
//! - [`source`]: tokio tasks that produce typed [`source::Update`]s: the simulated
//!   organization ([`source::demo`]), later live AWS and replay.
//! - [`model`]: plain domain types and the wire-format parsers every source shares.
//! - [`store`]: the in-memory store the UI loop owns, and the queries over it.
//! - [`app`]: the event loop: updates, keys and timers in; actions; redraw when dirty.
//! - [`ui`]: ratatui rendering of borrowed state; themes; the sanitizer for external text.
//! - [`drill`]: detections over CloudTrail activity (runbooks and game days come later).
//! - [`notes`] (the operator's notes) and [`handoff`] (snapshots another responder replays).
//! - [`cli`], [`config`], [`tui`] (terminal guard), [`logging`]: the edges.

pub mod allocator;
pub mod app;
pub mod cache;
pub mod cli;
pub mod config;
pub mod drill;
pub mod export;
pub mod fixture;
pub mod handoff;
pub mod logging;
pub mod model;
pub mod notes;
pub mod posture;
pub mod run;
pub mod runbook;
pub mod source;
pub mod statefile;
pub mod store;
pub mod summary;
pub mod timeline;
pub mod triage;
pub mod tui;
pub mod ui;
pub mod watermarks;

#[cfg(test)]
mod test_support;
