//! Reusable widgets.
pub mod table;
