//! The CloudTrail timeline around a finding as values: what to ask LookupEvents for (the
//! finding's resources, in a window around its first and last observation) and what a
//! lookup found. Which of the store's events belong on it is `crate::analysis::timeline`.
//!
//! The lookup itself is a source's: live AWS asks LookupEvents (one attribute per call,
//! paced like the poller), the simulated organization makes up what its resources saw, and
//! replay has only the events of its files. Whatever came back is in the store's events, so
//! the timeline is always read from the store.

use crate::model::{Finding, TrailEvent};
use chrono::{DateTime, Duration, Utc};

/// LookupEvents reads at most this far back.
pub const HISTORY_DAYS: i64 = 90;
/// Resources looked up per finding (one LookupEvents series each).
const MAX_NAMES: usize = 4;

/// How far the timeline reaches before the first and after the last observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub before: Duration,
    pub after: Duration,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            before: Duration::hours(2),
            after: Duration::hours(1),
        }
    }
}

/// The attribute LookupEvents is asked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribute {
    ResourceName,
    AccessKeyId,
    Username,
}

impl Attribute {
    pub fn label(self) -> &'static str {
        match self {
            Attribute::ResourceName => "ResourceName",
            Attribute::AccessKeyId => "AccessKeyId",
            Attribute::Username => "Username",
        }
    }
}

/// One on-demand lookup: a series of LookupEvents calls in one account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub id: u64,
    pub account_id: String,
    pub region: String,
    pub names: Vec<(Attribute, String)>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What a lookup found (its events came before, as `Update::Events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Looked {
    pub id: u64,
    pub event_ids: Vec<String>,
    /// Why it failed, in words (the events found before the failure are kept).
    pub error: Option<String>,
    /// A source that cannot ask CloudTrail says why (replay reads only its files).
    pub offline: Option<String>,
}

impl Lookup {
    /// The lookup for a finding: its resources, from `window.before` before its first
    /// observation to `window.after` after its last (never before CloudTrail's 90 days,
    /// never after now).
    pub fn around(id: u64, f: &Finding, window: Window, now: DateTime<Utc>) -> Lookup {
        let first = f.first_observed_at.or(f.created_at).unwrap_or(f.updated_at);
        let last = f.last_observed_at.unwrap_or(f.updated_at).max(first);
        // Times come from the record: a year-200000 observation or a window at the edge of
        // chrono's range must clamp, not overflow.
        let oldest = now - Duration::days(HISTORY_DAYS);
        let start = first
            .checked_sub_signed(window.before)
            .unwrap_or(oldest)
            .max(oldest)
            .min(now);
        let end = last
            .checked_add_signed(window.after)
            .unwrap_or(now)
            .min(now)
            .max(start);
        Lookup {
            id,
            account_id: f.account_id.to_string(),
            region: f.region.to_string(),
            names: names(f),
            start,
            end,
        }
    }

    /// The lookup for a principal (`t` on a user or on an event's caller): its user name
    /// and access key ids, in `region`, over the last `days` (never before CloudTrail's 90
    /// days).
    pub fn principal(
        id: u64,
        account_id: &str,
        region: &str,
        user: &str,
        keys: &[&str],
        days: i64,
        now: DateTime<Utc>,
    ) -> Lookup {
        let mut names = Vec::new();
        if !user.is_empty() {
            names.push((Attribute::Username, user.to_string()));
        }
        for k in keys.iter().filter(|k| !k.is_empty()).take(MAX_NAMES - 1) {
            names.push((Attribute::AccessKeyId, k.to_string()));
        }
        Lookup {
            id,
            account_id: account_id.to_string(),
            region: region.to_string(),
            names,
            start: now - Duration::days(days.clamp(0, HISTORY_DAYS)),
            end: now,
        }
    }

    /// Whether an event of the store belongs on this timeline: in the account and window,
    /// and about one of the names (its user, its access key, or a resource its record
    /// mentions).
    pub fn covers(&self, e: &TrailEvent) -> bool {
        if e.event_time < self.start || e.event_time > self.end {
            return false;
        }
        if !e.account_id.is_empty() && &*e.account_id != self.account_id.as_str() {
            return false;
        }
        let mut raw = None;
        self.names.iter().any(|(attr, name)| match attr {
            Attribute::Username => e.username == name.as_str(),
            Attribute::AccessKeyId => e.access_key_id.as_deref() == Some(name),
            Attribute::ResourceName => {
                // A whole JSON string, or the end of an ARN or path: a short name like
                // `logs` does not match every record with the word in it.
                let raw = raw.get_or_insert_with(|| e.raw.bytes());
                let forms = [
                    format!("\"{name}\""),
                    format!("/{name}\""),
                    format!(":{name}\""),
                ];
                forms
                    .iter()
                    .any(|n| memchr::memmem::find(raw, n.as_bytes()).is_some())
            }
        })
    }
}

/// What to ask CloudTrail by: each resource's ARN and short name, an access key by its id
/// and a user by name. An account-wide resource (`AWS::::Account:...`) names nothing.
pub fn names(f: &Finding) -> Vec<(Attribute, String)> {
    let mut out: Vec<(Attribute, String)> = Vec::new();
    let mut push = |attr, value: &str| {
        if !value.is_empty() && !out.iter().any(|(_, v)| v == value) && out.len() < MAX_NAMES {
            out.push((attr, value.to_string()));
        }
    };
    for r in &f.resources {
        if r.id.starts_with("AWS::::Account:") {
            continue;
        }
        match &*r.kind {
            "AwsIamAccessKey" => {
                // GuardDuty names the key by id, sometimes inside an ARN-like string.
                let key = r.id.rsplit(['/', ':']).next().unwrap_or(&r.id);
                push(Attribute::AccessKeyId, key);
            }
            "AwsIamUser" => push(Attribute::Username, r.short_id()),
            _ => {
                push(Attribute::ResourceName, r.short_id());
                if r.id.starts_with("arn:") {
                    push(Attribute::ResourceName, &r.id);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::now;

    #[test]
    fn the_window_is_clamped_to_cloudtrails_history_and_now() {
        let mut f = crate::test_support::bucket_finding();
        let l = Lookup::around(1, &f, Window::default(), now());
        assert_eq!(l.start, now() - Duration::minutes(30) - Duration::hours(2));
        assert_eq!(
            l.end,
            now(),
            "an hour after the last observation is still ahead"
        );
        f.first_observed_at = Some(now() - Duration::days(200));
        f.last_observed_at = Some(now() - Duration::days(150));
        let l = Lookup::around(1, &f, Window::default(), now());
        assert_eq!(l.start, now() - Duration::days(HISTORY_DAYS));
        assert_eq!(l.end, l.start, "nothing of it is left in the history");
    }

    #[test]
    fn names_per_resource_kind() {
        let mut f = crate::test_support::bucket_finding();
        assert_eq!(
            names(&f),
            [
                (Attribute::ResourceName, "payroll-exports".to_string()),
                (
                    Attribute::ResourceName,
                    "arn:aws:s3:::payroll-exports".to_string()
                )
            ]
        );
        f.resources.edit(|r| {
            r[0].kind = "AwsIamAccessKey".into();
            r[0].id = "AKIAIOSFODNN7EXAMPLE".into();
        });
        assert_eq!(
            names(&f),
            [(Attribute::AccessKeyId, "AKIAIOSFODNN7EXAMPLE".to_string())]
        );
        f.resources.edit(|r| {
            r[0].kind = "AwsAccount".into();
            r[0].id = "AWS::::Account:111111111111".into();
        });
        assert!(names(&f).is_empty());
    }
}

#[cfg(test)]
mod hardening {
    use super::*;
    use crate::test_support::now;

    /// Hardening 3: `t` on a finding observed in year 200000 (or at chrono's edge) clamps
    /// the window instead of overflowing.
    #[test]
    fn hardening_03_a_window_around_a_far_future_observation_clamps() {
        let mut f = crate::test_support::bucket_finding();
        f.first_observed_at = Some(DateTime::<Utc>::MAX_UTC);
        f.last_observed_at = Some(DateTime::<Utc>::MAX_UTC);
        let l = Lookup::around(1, &f, Window::default(), now());
        assert_eq!((l.start, l.end), (now(), now()));
        f.first_observed_at = Some(DateTime::<Utc>::MIN_UTC);
        let l = Lookup::around(1, &f, Window::default(), now());
        assert_eq!(l.start, now() - Duration::days(HISTORY_DAYS));
        let wide = Window {
            before: Duration::MAX,
            after: Duration::MAX,
        };
        let _ = Lookup::around(1, &f, wide, now());
    }
}
