//! Client-side pacing: a token bucket per account, region and API, kept under the rates AWS
//! documents (GetFindings 3/s with a burst of 6, LookupEvents 2/s), and a global cap on
//! requests in flight across every account, region and service.
//!
//! AWS throttles per account and region; the SDK's own limiter is shared per retry
//! partition. Pacing here means a poller waits its turn instead of being throttled, so the
//! operator never sees a throttling error that rampart itself caused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;
use tokio::time::{Duration, Instant};

/// A documented rate: `per_second` steady, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

/// Security Hub GetFindings: 3 requests/s, burst 6, per account and region.
pub const GET_FINDINGS: Rate = Rate {
    per_second: 3.0,
    burst: 6.0,
};
/// CloudTrail LookupEvents: 2 requests/s per account and region.
pub const LOOKUP_EVENTS: Rate = Rate {
    per_second: 2.0,
    burst: 2.0,
};
/// STS and other calls made once per account at start.
pub const ONCE_IN_A_WHILE: Rate = Rate {
    per_second: 1.0,
    burst: 2.0,
};

#[derive(Debug)]
struct Bucket {
    rate: Rate,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Takes a token now, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * self.rate.per_second;
        self.tokens = (self.tokens + refill).min(self.rate.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.rate.per_second,
            ))
        }
    }
}

/// (account, region, API) -> its bucket.
type Buckets = HashMap<(String, String, &'static str), Arc<Mutex<Bucket>>>;

/// Every bucket of a run, and the global cap. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Pacer {
    buckets: Arc<Mutex<Buckets>>,
    in_flight: Arc<Semaphore>,
}

/// A request's permission to go: holds one of the global in-flight slots until dropped.
pub struct Turn {
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl Pacer {
    /// `max_in_flight`: requests at once across everything.
    pub fn new(max_in_flight: usize) -> Pacer {
        Pacer {
            buckets: Arc::default(),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }

    /// Waits until `api` may be called in `account` and `region`. A rate of 0 per second
    /// means no pacing (only the in-flight cap).
    pub async fn turn(&self, account: &str, region: &str, api: &'static str, rate: Rate) -> Turn {
        if rate.per_second > 0.0 {
            self.wait_for_token(account, region, api, rate).await;
        }
        let slot = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        Turn { _slot: slot }
    }

    async fn wait_for_token(&self, account: &str, region: &str, api: &'static str, rate: Rate) {
        let bucket = {
            let mut all = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            all.entry((account.to_string(), region.to_string(), api))
                .or_insert_with(|| {
                    Arc::new(Mutex::new(Bucket {
                        rate,
                        tokens: rate.burst,
                        at: Instant::now(),
                    }))
                })
                .clone()
        };
        loop {
            let wait = bucket
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(Instant::now());
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_steady_rate() {
        let p = Pacer::new(8);
        let start = Instant::now();
        for _ in 0..6 {
            p.turn("1", "us-east-1", "GetFindings", GET_FINDINGS).await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(1),
            "the burst goes at once"
        );
        for _ in 0..30 {
            p.turn("1", "us-east-1", "GetFindings", GET_FINDINGS).await;
        }
        // 30 more at 3/s: 10 s, and never faster than allowed.
        let took = start.elapsed().as_secs_f64();
        assert!((9.9..10.5).contains(&took), "{took}");
    }

    #[tokio::test(start_paused = true)]
    async fn accounts_and_regions_have_their_own_buckets() {
        let p = Pacer::new(64);
        let start = Instant::now();
        for account in ["1", "2", "3"] {
            for region in ["us-east-1", "eu-west-1"] {
                for _ in 0..6 {
                    p.turn(account, region, "GetFindings", GET_FINDINGS).await;
                }
            }
        }
        assert!(start.elapsed() < Duration::from_millis(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_global_cap_holds_requests_in_flight() {
        let p = Pacer::new(2);
        let a = p.turn("1", "r", "X", GET_FINDINGS).await;
        let _b = p.turn("2", "r", "X", GET_FINDINGS).await;
        let third = tokio::spawn({
            let p = p.clone();
            async move {
                p.turn("3", "r", "X", GET_FINDINGS).await;
            }
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!third.is_finished(), "two in flight: the third waits");
        drop(a);
        tokio::time::timeout(Duration::from_secs(1), third)
            .await
            .unwrap()
            .unwrap();
    }
}
