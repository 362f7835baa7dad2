//! The leaf layer: helpers that know nothing of rampart's domain and import nothing of it.
//!
//! - [`files`]: private files (0600, directories 0700), atomic replacement, locked merges,
//!   one-line appends.
//! - [`sanitize`]: external text made safe for the terminal, stderr and the clipboard.
//! - [`glob`], [`suggest`]: name matching and "did you mean".
//! - [`diagnostic`]: `FILE:LINE:COL: message`, and TOML errors in words.
//! - [`spill`]: byte blocks kept in an unlinked 0600 file instead of the heap.
//! - [`writeback`]: a large file's bytes handed to the disk as it grows.
//! - [`lz4_dict`]: LZ4 blocks compressed against a dictionary hashed once.
//! - [`lossy_json`]: JSON whose only faults are its characters, made readable.
//! - [`allocator`]: the allocator's tuning and the counting allocator benchmarks use.
//!
//! May import: nothing of the crate.

pub mod allocator;
pub mod diagnostic;
pub mod digits;
pub mod files;
pub mod glob;
pub mod lossy_json;
pub mod lz4_dict;
pub mod sanitize;
pub mod spill;
pub mod suggest;
pub mod writeback;
