//! Incident drills. This version: detections over CloudTrail activity, shown in the
//! Drills pane; runbooks and game days come with their own issue.

pub mod detections;
pub use detections as detect;
