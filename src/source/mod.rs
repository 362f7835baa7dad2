//! Data sources: tokio tasks that send typed [`Update`]s.
//!
//! A source owns its clients and pacing, and talks to the UI loop only through a bounded
//! `mpsc<Update>` ([`crate::feed`]); it never touches the console's store. The simulated
//! organization ([`demo`]), replay of evidence files ([`replay`]) and live AWS ([`aws`]) all
//! send the same updates, so the store and the screen cannot tell them apart. [`write`] is
//! the write path every source shares (triage, drill imports, the audit log); [`cache`]
//! reads the warm-start cache.
//!
//! May import: `util`, `model`, `feed`, `store`, `drill`, `analysis`.

pub mod aws;
pub mod cache;
pub mod replay;
pub mod simulated;
pub mod write;
/// The simulated organization, under the name the command line uses.
pub use simulated as demo;

use crate::feed::{Command, Update};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Splits `rows` into batches of `size` (the last may be shorter) without copying the rest
/// each time, as `split_off` from the front would.
pub fn batches<T>(rows: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let mut rows = rows.into_iter().peekable();
    std::iter::from_fn(move || {
        rows.peek()?;
        Some(rows.by_ref().take(size.max(1)).collect())
    })
}

/// The channels and token a running source gets.
pub struct SourceContext {
    pub updates: mpsc::Sender<Update>,
    pub commands: mpsc::Receiver<Command>,
    pub cancel: CancellationToken,
}

pub type SourceFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A feed of data. `run` returns a future the caller spawns; it ends when the token is
/// cancelled or the update channel closes.
pub trait Source: Send {
    fn name(&self) -> String;
    fn run(self: Box<Self>, ctx: SourceContext) -> SourceFuture;
}
