//! Incident drills: detections over CloudTrail activity, drill scenarios, the drill itself
//! with its journal, and the after-action reports and history.

pub mod detections;
pub mod exercise;
pub mod journal;
pub mod report;
pub mod scenario;
pub use detections as detect;
