//! The console's notion of "now".
//!
//! `--now` pins the start of time so the same seed gives the same organization; tests
//! freeze it entirely so snapshots do not drift.

use chrono::{DateTime, Utc};
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// Starts at a given instant and advances with tokio's clock (`--now` on the console):
    /// real time, except on a paused test runtime, where it moves as the test advances.
    StartingAt { start: DateTime<Utc>, at: Instant },
    /// Never moves (tests, screenshots, `export --now`).
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::StartingAt {
            start,
            at: Instant::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::StartingAt { start, at } => {
                *start + chrono::Duration::from_std(at.elapsed()).unwrap_or_default()
            }
            Clock::Fixed(t) => *t,
        }
    }
}

/// An instant as the export contract writes it: RFC 3339, UTC, `Z`, fractions only when
/// there are any.
pub fn format_rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The instant every fixture (tests, screenshots, benchmarks) is built at:
/// 2026-11-22T12:00:00Z.
pub fn fixed_now() -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Parses an RFC 3339 timestamp into UTC.
pub fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_does_not_move() {
        let t = parse_rfc3339("2026-11-22T12:00:00Z").unwrap();
        let c = Clock::Fixed(t);
        assert_eq!(c.now(), t);
        assert_eq!(c.now(), t);
    }

    #[test]
    fn starting_clock_starts_at_given_time() {
        let t = parse_rfc3339("2026-11-22T12:00:00+02:00").unwrap();
        let c = Clock::starting_at(t);
        let d = c.now() - t;
        assert!(d.num_seconds() >= 0 && d.num_seconds() < 5);
    }
}
