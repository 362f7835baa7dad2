//! Human ages ("3d", "14mo") and timestamp formatting for the screen.

use chrono::{DateTime, Local, Utc};

/// Formats the time between `then` and `now` in the largest unit that fits:
/// `now`, `45s`, `12m`, `5h`, `3d`, `14mo`, `2y`. Future times (clock skew) read `now`.
pub fn format_age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    if secs < 1 {
        return "now".to_string();
    }
    let mins = secs / 60;
    let hours = mins / 60;
    let days = hours / 24;
    if secs < 60 {
        format!("{secs}s")
    } else if mins < 60 {
        format!("{mins}m")
    } else if hours < 24 {
        format!("{hours}h")
    } else if days < 60 {
        // Up to two months, days read better than "1mo" for credential ages.
        format!("{days}d")
    } else if days < 730 {
        format!("{}mo", days * 12 / 365)
    } else {
        format!("{}y", days / 365)
    }
}

/// Whole days between two instants, never negative.
pub fn days_between(then: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - then).num_days().max(0)
}

/// How the console shows absolute times: UTC by default, local time by config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeDisplay {
    #[default]
    Utc,
    Local,
}

impl TimeDisplay {
    /// `2026-11-22 14:03Z` in UTC, `2026-11-22 15:03` in local time.
    pub fn format(self, t: DateTime<Utc>) -> String {
        match self {
            TimeDisplay::Utc => t.format("%Y-%m-%d %H:%MZ").to_string(),
            TimeDisplay::Local => t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// The clock time when `t` is on `now`'s day, else the date too (`11-20 14:03Z`), and
    /// the year when it is another year: a time alone would pass yesterday off as today.
    pub fn format_when(self, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let (day, today) = match self {
            TimeDisplay::Utc => (t.date_naive(), now.date_naive()),
            TimeDisplay::Local => (
                t.with_timezone(&Local).date_naive(),
                now.with_timezone(&Local).date_naive(),
            ),
        };
        if day == today {
            self.format_clock(t)
        } else if chrono::Datelike::year(&day) == chrono::Datelike::year(&today) {
            let full = self.format(t);
            full.get(5..).unwrap_or(&full).to_string()
        } else {
            self.format(t)
        }
    }

    /// Clock time only (`14:03Z`), for the status line.
    pub fn format_clock(self, t: DateTime<Utc>) -> String {
        match self {
            TimeDisplay::Utc => t.format("%H:%MZ").to_string(),
            TimeDisplay::Local => t.with_timezone(&Local).format("%H:%M").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    /// Issue 21 item 7: a date when the event is not today.
    #[test]
    fn item7_dates_when_not_today() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let t = TimeDisplay::Utc;
        assert_eq!(t.format_when(now - Duration::hours(3), now), "09:00Z");
        assert_eq!(
            t.format_when(now - Duration::hours(13), now),
            "11-21 23:00Z"
        );
        assert_eq!(
            t.format_when(now - Duration::days(400), now),
            "2025-10-18 12:00Z"
        );
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    #[test]
    fn ages_pick_the_largest_unit() {
        let n = now();
        assert_eq!(format_age(n, n), "now");
        assert_eq!(format_age(n + Duration::seconds(30), n), "now");
        assert_eq!(format_age(n - Duration::seconds(45), n), "45s");
        assert_eq!(format_age(n - Duration::minutes(12), n), "12m");
        assert_eq!(format_age(n - Duration::hours(5), n), "5h");
        assert_eq!(format_age(n - Duration::days(3), n), "3d");
        assert_eq!(format_age(n - Duration::days(59), n), "59d");
        assert_eq!(format_age(n - Duration::days(426), n), "14mo");
        assert_eq!(format_age(n - Duration::days(800), n), "2y");
    }

    #[test]
    fn days_never_negative() {
        let n = now();
        assert_eq!(days_between(n - Duration::days(91), n), 91);
        assert_eq!(days_between(n + Duration::days(1), n), 0);
    }

    #[test]
    fn utc_format() {
        assert_eq!(TimeDisplay::Utc.format(now()), "2026-11-22 12:00Z");
        assert_eq!(TimeDisplay::Utc.format_clock(now()), "12:00Z");
    }
}
