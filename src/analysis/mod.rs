//! Analysis over the store: the security pillar's indicators and the overview grid
//! ([`posture`]), per-pane summaries ([`summary`]), and which events belong on a finding's
//! CloudTrail timeline ([`timeline`]). Pure functions of the store and the clock.
//!
//! May import: `util`, `model`, `feed`, `store`, `drill`.

pub mod posture;
pub mod summary;
pub mod timeline;
