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
/// each time, as `split_off` from the front would. Rows that fit one batch are passed on
/// as they are (a CloudTrail file's events were copied row by row into a new list).
pub fn batches<T>(rows: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let size = size.max(1);
    let (whole, rest) = if rows.len() <= size {
        ((!rows.is_empty()).then_some(rows), Vec::new())
    } else {
        (None, rows)
    };
    let mut rest = rest.into_iter().peekable();
    whole.into_iter().chain(std::iter::from_fn(move || {
        rest.peek()?;
        Some(rest.by_ref().take(size).collect())
    }))
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

#[cfg(test)]
mod batch_tests {
    #[test]
    fn batches_keep_order_and_size() {
        let sizes = |n: usize, size: usize| -> Vec<usize> {
            let all: Vec<Vec<usize>> = super::batches((0..n).collect(), size).collect();
            assert_eq!(all.concat(), (0..n).collect::<Vec<_>>());
            all.iter().map(Vec::len).collect()
        };
        assert_eq!(sizes(0, 3), Vec::<usize>::new());
        assert_eq!(sizes(3, 3), [3]);
        assert_eq!(sizes(7, 3), [3, 3, 1]);
        assert_eq!(sizes(2, 0), [1, 1]);
    }
}
