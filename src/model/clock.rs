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

/// Parses an RFC 3339 timestamp into UTC. Strict on purpose: `--now`, the credential
/// report, imported notes and drill reports are written by AWS or by rampart in this form,
/// and a looser reading there would only hide a mistake. Evidence times use
/// [`parse_lenient`].
pub fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses a time as SIEMs, CloudTrail Lake and CloudWatch Logs write CloudTrail's
/// `eventTime`: RFC 3339 with `Z` or an offset and 0 to 9 fractional digits; a space for
/// the `T` (`2024-11-25 17:51:21.000000000`); no zone at all, read as UTC (Lake and
/// Logs Insights write UTC without saying so); or a string of epoch digits (see
/// [`from_epoch`]). Only for evidence: a wrong guess there costs one row's time, where the
/// strict form elsewhere guards what the operator typed or rampart wrote.
pub fn parse_lenient(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(t) = parse_rfc3339(s) {
        return Some(t);
    }
    if is_epoch_digits(s) {
        return from_epoch(s.parse().ok()?);
    }
    // An offset without a colon (`+0000`, as Splunk's `_time` may have), or no zone.
    const WITH_ZONE: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"];
    const WITHOUT: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];
    let zoned = WITH_ZONE
        .iter()
        .find_map(|f| DateTime::parse_from_str(s, f).ok())
        .map(|t| t.with_timezone(&Utc));
    zoned.or_else(|| {
        WITHOUT
            .iter()
            .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
            .map(|t| t.and_utc())
    })
}

/// Digits that can be an epoch time: 9 or more (from 1973 on), with an optional fraction.
/// Fewer digits are more likely a year or a compact date than an instant.
fn is_epoch_digits(s: &str) -> bool {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
    whole.len() >= 9
        && whole.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// An epoch time in seconds, or in milliseconds when it is over 10^12 (seconds that
/// large would be tens of thousands of years away; CloudWatch Logs counts in
/// milliseconds). Negative or out-of-range values are not a time.
pub fn from_epoch(n: f64) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let secs = if n > 1e12 { n / 1000.0 } else { n };
    let whole = secs.trunc();
    let nanos = ((secs - whole) * 1e9).round().min(999_999_999.0) as u32;
    Utc.timestamp_opt(whole as i64, nanos).single()
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
    fn lenient_times_are_read_as_evidence_writes_them() {
        let at = |s: &str| parse_lenient(s).map(format_rfc3339);
        let cases = [
            ("2024-01-15T10:30:00Z", "2024-01-15T10:30:00Z"),
            ("2024-01-15T12:30:00+02:00", "2024-01-15T10:30:00Z"),
            ("2024-01-15T10:30:00.1Z", "2024-01-15T10:30:00.100Z"),
            (
                "2024-01-15T10:30:00.123456789Z",
                "2024-01-15T10:30:00.123456789Z",
            ),
            ("2024-11-25 17:51:21.000000000", "2024-11-25T17:51:21Z"),
            ("2022-09-15 13:45:24", "2022-09-15T13:45:24Z"),
            ("2024-01-15 10:30:00.000", "2024-01-15T10:30:00Z"),
            ("2024-01-15T10:30:00", "2024-01-15T10:30:00Z"),
            ("2024-01-15 10:30:00Z", "2024-01-15T10:30:00Z"),
            ("2024-01-15T10:30:00.000+0000", "2024-01-15T10:30:00Z"),
            ("1705314600", "2024-01-15T10:30:00Z"),
            ("1705314600.5", "2024-01-15T10:30:00.500Z"),
            ("1705314600000", "2024-01-15T10:30:00Z"),
            (" 2024-01-15T10:30:00Z\n", "2024-01-15T10:30:00Z"),
        ];
        for (text, want) in cases {
            assert_eq!(at(text).as_deref(), Some(want), "{text:?}");
        }
        for garbage in [
            "",
            " ",
            "T",
            "2024-13-45 99:99:99",
            "2024-01-15",
            "10:30:00",
            "2024",
            "20240115",
            "1705314600.",
            "-1705314600",
            "yesterday",
            "2024-01-15T10:30:00+25:00",
        ] {
            assert_eq!(at(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn epoch_numbers_are_seconds_or_milliseconds() {
        let t = parse_rfc3339("2023-11-14T22:13:20Z").unwrap();
        assert_eq!(from_epoch(1_700_000_000.0), Some(t));
        assert_eq!(from_epoch(1_700_000_000_000.0), Some(t));
        assert_eq!(from_epoch(-1.0), None);
        assert_eq!(from_epoch(f64::NAN), None);
        assert_eq!(from_epoch(1e300), None);
    }

    #[test]
    fn rfc3339_stays_strict() {
        assert!(parse_rfc3339("2022-09-15 13:45:24").is_none(), "no zone");
        assert!(parse_rfc3339("1705314600").is_none());
    }

    #[test]
    fn starting_clock_starts_at_given_time() {
        let t = parse_rfc3339("2026-11-22T12:00:00+02:00").unwrap();
        let c = Clock::starting_at(t);
        let d = c.now() - t;
        assert!(d.num_seconds() >= 0 && d.num_seconds() < 5);
    }
}
