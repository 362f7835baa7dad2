//! What every live feed shares: a poller asks one service in one account (and region) for
//! its current state; the loop here runs it on its interval, sends what it found, reports
//! its health in words (with when it will ask next), and keeps the last good data on screen
//! when a poll fails. `rampart export` runs each poller once through the same code.

use super::errors::PollError;
use crate::feed::{SourceHealth, SourceKey, Status, Update};
use crate::model::Clock;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// One poll's result.
#[derive(Debug, Default)]
pub struct Polled {
    /// Sent in order; large results come as several batches.
    pub updates: Vec<Update>,
    /// Something the operator should know although the poll worked ("the configuration
    /// recorder is off"), shown where an error would be.
    pub note: Option<String>,
}

pub type PollFuture<'a> = Pin<Box<dyn Future<Output = Result<Polled, PollError>> + Send + 'a>>;

/// One service in one account (and region).
pub trait Poller: Send {
    fn key(&self) -> SourceKey;
    /// How long after a good poll to ask again.
    fn every(&self) -> Duration;
    /// How long after a failed one.
    fn retry(&self) -> Duration {
        self.every()
    }
    /// Whether `r` (refresh) asks again after a good poll: a credential report does not,
    /// as AWS makes a new one at most every 4 hours.
    fn refresh_when_ok(&self) -> bool {
        true
    }
    /// Records this source holds now (shown in the Sources view).
    fn records(&self) -> usize;
    fn poll(&mut self) -> PollFuture<'_>;
}

/// What a polling task talks through: updates out, the stop token, refresh requests in.
#[derive(Clone)]
pub struct Wires {
    pub updates: mpsc::Sender<Update>,
    pub cancel: CancellationToken,
    pub refresh: watch::Receiver<u64>,
}

pub fn failed(e: &PollError) -> SourceHealth {
    SourceHealth {
        status: e.status(),
        last_success: None,
        error: Some(e.to_string()),
        records: 0,
        next_poll: None,
    }
}

fn after(clock: &Clock, wait: Duration) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(clock.now() + chrono::Duration::from_std(wait).unwrap_or_default())
}

/// The longest a failing source waits between polls (unless its own retry is longer):
/// a region throttled for ten minutes is asked less and less often, and is back on screen
/// at most this long after AWS lets it through again.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// The wait after the `failures`-th failed poll in a row: the poller's retry, doubled
/// each time, up to [`MAX_BACKOFF`].
pub fn backoff(retry: Duration, failures: u32) -> Duration {
    let doubled = retry.saturating_mul(1 << failures.saturating_sub(1).min(16));
    doubled.min(MAX_BACKOFF.max(retry))
}

/// Polls until cancelled or the console is gone.
pub async fn run(mut poller: Box<dyn Poller>, clock: Clock, wires: Wires) {
    let Wires {
        updates: tx,
        cancel,
        mut refresh,
    } = wires;
    let key = poller.key();
    let loading = SourceHealth {
        records: poller.records(),
        ..SourceHealth::loading()
    };
    if tx.send(Update::Health(key.clone(), loading)).await.is_err() {
        return;
    }
    let mut failures = 0u32;
    loop {
        let result = tokio::select! {
            _ = cancel.cancelled() => return,
            r = poller.poll() => r,
        };
        let (ok, health) = match result {
            Ok(polled) => {
                for u in polled.updates {
                    if tx.send(u).await.is_err() {
                        return;
                    }
                }
                let health = SourceHealth {
                    status: Status::Ok,
                    last_success: Some(clock.now()),
                    error: polled.note,
                    records: poller.records(),
                    next_poll: None,
                };
                (true, health)
            }
            Err(e) => {
                tracing::warn!(source = %key, error = %e, "poll failed");
                let health = SourceHealth {
                    records: poller.records(),
                    ..failed(&e)
                };
                (false, health)
            }
        };
        failures = if ok { 0 } else { failures.saturating_add(1) };
        let wait = if ok {
            poller.every()
        } else {
            backoff(poller.retry(), failures)
        };
        let health = SourceHealth {
            next_poll: after(&clock, wait),
            ..health
        };
        if tx.send(Update::Health(key.clone(), health)).await.is_err() {
            return;
        }
        let wake_on_refresh = !ok || poller.refresh_when_ok();
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
            changed = refresh.changed(), if wake_on_refresh => if changed.is_err() { return },
        }
    }
}

/// One poll, for `rampart export`: its updates, then its health.
pub async fn once(mut poller: Box<dyn Poller>, clock: &Clock) -> Vec<Update> {
    let key = poller.key();
    match poller.poll().await {
        Ok(polled) => {
            let mut out = polled.updates;
            out.push(Update::Health(
                key,
                SourceHealth {
                    status: Status::Ok,
                    last_success: Some(clock.now()),
                    error: polled.note,
                    records: poller.records(),
                    next_poll: None,
                },
            ));
            out
        }
        Err(e) => vec![Update::Health(
            key,
            SourceHealth {
                records: poller.records(),
                ..failed(&e)
            },
        )],
    }
}

/// The records a poller holds on screen (by key hash, 8 bytes each: 100,000 findings'
/// whole keys were 25 MB), to tell which left the set it fetches: a finding resolved or
/// suppressed elsewhere, an exposure archived, a resource made compliant.
#[derive(Debug, Default, Clone)]
pub struct Known(HashSet<u64>);

impl Known {
    pub fn from_keys(keys: impl IntoIterator<Item = u64>) -> Known {
        Known(keys.into_iter().collect())
    }

    /// Adds what an incremental poll saw.
    pub fn extend(&mut self, keys: impl IntoIterator<Item = u64>) {
        self.0.extend(keys);
    }

    /// After a complete fetch: `now` becomes the set, and what was there before but is
    /// not now comes back, for the store to remove.
    pub fn replace(&mut self, now: HashSet<u64>) -> Vec<u64> {
        let mut gone: Vec<u64> = self.0.difference(&now).copied().collect();
        gone.sort();
        self.0 = now;
        gone
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_polls_back_off_to_a_bound() {
        let minute = Duration::from_secs(60);
        let waits: Vec<u64> = (1..=6).map(|n| backoff(minute, n).as_secs()).collect();
        assert_eq!(waits, [60, 120, 240, 300, 300, 300]);
        let hours = Duration::from_secs(3600);
        assert_eq!(backoff(hours, 3), hours, "a long retry is not shortened");
        assert_eq!(backoff(minute, u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn known_reports_what_left_after_a_complete_fetch() {
        let mut k = Known::from_keys([1, 2]);
        k.extend([3]);
        assert_eq!(k.len(), 3);
        let gone = k.replace([2, 4].into_iter().collect());
        assert_eq!(gone, [1, 3]);
        assert_eq!(k.len(), 2);
        assert!(k.replace(HashSet::new()).len() == 2 && k.is_empty());
    }
}

/// Paging that cannot run away: a service (or an emulator) that hands back a token it gave
/// before, or pages past a sane cap, ends the poll with an error. A partial result must not
/// pass for a complete one: the store removes what a complete fetch does not name.
#[derive(Debug)]
pub struct Pages {
    api: &'static str,
    max: usize,
    pages: usize,
    seen: HashSet<String>,
}

impl Pages {
    pub fn new(api: &'static str, max: usize) -> Pages {
        Pages {
            api,
            max,
            pages: 0,
            seen: HashSet::new(),
        }
    }

    /// After a page: the token for the next one, or `None` at the end.
    pub fn next(&mut self, token: Option<&str>) -> Result<Option<String>, PollError> {
        self.pages += 1;
        let Some(t) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if self.pages >= self.max {
            return Err(PollError::Malformed(format!(
                "{} still had pages after {}: stopped, nothing removed",
                self.api, self.max
            )));
        }
        if !self.seen.insert(t.to_string()) {
            return Err(PollError::Malformed(format!(
                "{} gave the same page token twice (page {}): stopped, nothing removed",
                self.api, self.pages
            )));
        }
        Ok(Some(t.to_string()))
    }
}

#[cfg(test)]
mod pages_tests {
    use super::*;

    #[test]
    fn a_repeated_token_or_too_many_pages_is_an_error() {
        let mut p = Pages::new("ListThings", 3);
        assert_eq!(p.next(Some("a")).unwrap().as_deref(), Some("a"));
        assert_eq!(p.next(Some("b")).unwrap().as_deref(), Some("b"));
        let e = p.next(Some("c")).unwrap_err().to_string();
        assert!(e.contains("ListThings still had pages after 3"), "{e}");
        let mut p = Pages::new("ListThings", 10);
        p.next(Some("a")).unwrap();
        let e = p.next(Some("a")).unwrap_err().to_string();
        assert!(e.contains("same page token twice (page 2)"), "{e}");
        let mut p = Pages::new("ListThings", 10);
        assert_eq!(
            p.next(Some("")).unwrap(),
            None,
            "an empty token ends the list"
        );
        assert_eq!(Pages::new("X", 1).next(None).unwrap(), None);
    }
}
