//! Incident response practice: detections over CloudTrail activity ([`detections`]), the
//! runbook library ([`runbook`]), drill scenarios ([`scenario`]), a drill itself with its
//! journal ([`exercise`], [`journal`]), and the after-action reports and history
//! ([`report`]).
//!
//! May import: `util`, `model`, `feed`, `store`.

pub mod detections;
pub mod exercise;
pub mod fill;
pub mod journal;
pub mod report;
pub mod runbook;
pub mod scenario;
pub use detections as detect;
