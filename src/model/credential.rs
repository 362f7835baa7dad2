//! IAM credentials of one user (or an account's root), as the credential report tells them,
//! and the risks a security team looks for in them.

use super::age::days_between;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// 1 or 2: the report's `access_key_N` columns.
    pub slot: u8,
    pub active: bool,
    pub last_rotated: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    pub account_id: String,
    /// As in the report: the root row keeps `<root_account>`.
    pub user: String,
    pub arn: String,
    pub is_root: bool,
    pub user_creation_time: Option<DateTime<Utc>>,
    /// `None` when the report says `not_supported` (the root row).
    pub password_enabled: Option<bool>,
    pub password_last_used: Option<DateTime<Utc>>,
    pub password_last_changed: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    /// Only slots that hold a key.
    pub access_keys: Vec<AccessKey>,
}

/// Limits in days: a key older than `age_days` is old; a key or password unused for more
/// than `unused_days` is unused. Both default to 90, as `access-keys-rotated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub age_days: i64,
    pub unused_days: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            age_days: 90,
            unused_days: 90,
        }
    }
}

/// Risk flags for one credential record, as a small bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CredentialRisk(u16);

impl CredentialRisk {
    pub const OLD_KEY: CredentialRisk = CredentialRisk(1);
    pub const UNUSED_KEY: CredentialRisk = CredentialRisk(1 << 1);
    pub const UNUSED_PASSWORD: CredentialRisk = CredentialRisk(1 << 2);
    pub const CONSOLE_NO_MFA: CredentialRisk = CredentialRisk(1 << 3);
    pub const ROOT_KEYS: CredentialRisk = CredentialRisk(1 << 4);
    pub const ROOT_NO_MFA: CredentialRisk = CredentialRisk(1 << 5);
    pub const TWO_ACTIVE_KEYS: CredentialRisk = CredentialRisk(1 << 6);

    const LABELS: [(CredentialRisk, &'static str); 7] = [
        (CredentialRisk::ROOT_KEYS, "root-keys"),
        (CredentialRisk::ROOT_NO_MFA, "root-no-mfa"),
        (CredentialRisk::CONSOLE_NO_MFA, "no-mfa"),
        (CredentialRisk::OLD_KEY, "old-key"),
        (CredentialRisk::UNUSED_KEY, "unused-key"),
        (CredentialRisk::UNUSED_PASSWORD, "unused-pw"),
        (CredentialRisk::TWO_ACTIVE_KEYS, "2-keys"),
    ];

    /// Every flag's label, for the filter (`risk:old-key`).
    pub const NAMES: &'static [&'static str] = &[
        "root-keys",
        "root-no-mfa",
        "no-mfa",
        "old-key",
        "unused-key",
        "unused-pw",
        "2-keys",
    ];

    pub fn contains(self, other: CredentialRisk) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn insert(&mut self, other: CredentialRisk) {
        self.0 |= other.0;
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    /// Short labels, most serious first.
    pub fn labels(self) -> impl Iterator<Item = &'static str> {
        Self::LABELS
            .into_iter()
            .filter(move |(flag, _)| self.contains(*flag))
            .map(|(_, label)| label)
    }
}

impl CredentialRecord {
    /// The store key: account and user name.
    pub fn key(&self) -> String {
        CredentialRecord::key_of(&self.account_id, &self.user)
    }

    /// The store key of an account's user's row.
    pub fn key_of(account_id: &str, user: &str) -> String {
        format!("{account_id}\u{1f}{user}")
    }

    pub fn active_keys(&self) -> impl Iterator<Item = &AccessKey> {
        self.access_keys.iter().filter(|k| k.active)
    }

    pub fn has_console_password(&self) -> bool {
        self.password_enabled == Some(true)
    }

    /// The risks of this record at `now`.
    pub fn risks(&self, now: DateTime<Utc>, limits: Thresholds) -> CredentialRisk {
        let mut r = CredentialRisk::default();
        let older =
            |t: Option<DateTime<Utc>>| t.is_some_and(|t| days_between(t, now) > limits.age_days);
        let idle =
            |t: Option<DateTime<Utc>>| t.is_some_and(|t| days_between(t, now) > limits.unused_days);
        let mut active = 0;
        for key in self.active_keys() {
            active += 1;
            if older(key.last_rotated) {
                r.insert(CredentialRisk::OLD_KEY);
            }
            // A key never used counts as unused once it is older than the threshold.
            let idle_since = key.last_used.or(key.last_rotated);
            if idle(idle_since) {
                r.insert(CredentialRisk::UNUSED_KEY);
            }
        }
        if active == 2 {
            r.insert(CredentialRisk::TWO_ACTIVE_KEYS);
        }
        if self.is_root {
            if active > 0 {
                r.insert(CredentialRisk::ROOT_KEYS);
            }
            if !self.mfa_active {
                r.insert(CredentialRisk::ROOT_NO_MFA);
            }
        } else if self.has_console_password() {
            if !self.mfa_active {
                r.insert(CredentialRisk::CONSOLE_NO_MFA);
            }
            let idle_since = self
                .password_last_used
                .or(self.password_last_changed)
                .or(self.user_creation_time);
            if idle(idle_since) {
                r.insert(CredentialRisk::UNUSED_PASSWORD);
            }
        }
        r
    }

    /// Age in days of the oldest active key, if any.
    pub fn oldest_active_key_days(&self, now: DateTime<Utc>) -> Option<i64> {
        self.active_keys()
            .filter_map(|k| k.last_rotated)
            .map(|t| days_between(t, now))
            .max()
    }

    /// How long the riskiest thing about this record has been true, in days: the ordering
    /// key of the credentials pane ("oldest risk first"). `None` when nothing is at risk.
    pub fn oldest_risk_days(&self, now: DateTime<Utc>, limits: Thresholds) -> Option<i64> {
        self.oldest_risk_days_given(self.risks(now, limits), now)
    }

    /// [`Self::oldest_risk_days`] when its risks at `now` are known already.
    pub fn oldest_risk_days_given(&self, risks: CredentialRisk, now: DateTime<Utc>) -> Option<i64> {
        if risks.is_empty() {
            return None;
        }
        let created = self.user_creation_time.map(|t| days_between(t, now));
        let key_age = self.oldest_active_key_days(now);
        let idle_key = self
            .active_keys()
            .filter_map(|k| k.last_used.or(k.last_rotated))
            .map(|t| days_between(t, now))
            .max();
        let idle_password = self
            .password_last_used
            .or(self.password_last_changed)
            .map(|t| days_between(t, now));
        [key_age, idle_key, idle_password, created]
            .into_iter()
            .flatten()
            .max()
            .or(Some(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap()
    }

    fn limit(days: i64) -> Thresholds {
        Thresholds {
            age_days: days,
            unused_days: days,
        }
    }

    fn user(days_key: i64, used: Option<i64>, mfa: bool) -> CredentialRecord {
        CredentialRecord {
            account_id: "111111111111".into(),
            user: "alice".into(),
            arn: "arn:aws:iam::111111111111:user/alice".into(),
            is_root: false,
            user_creation_time: Some(now() - Duration::days(1000)),
            password_enabled: Some(true),
            password_last_used: Some(now() - Duration::days(2)),
            password_last_changed: Some(now() - Duration::days(30)),
            mfa_active: mfa,
            access_keys: vec![AccessKey {
                slot: 1,
                active: true,
                last_rotated: Some(now() - Duration::days(days_key)),
                last_used: used.map(|d| now() - Duration::days(d)),
                last_used_service: None,
                last_used_region: None,
            }],
        }
    }

    #[test]
    fn key_age_threshold_is_exclusive() {
        assert!(!user(90, Some(1), true)
            .risks(now(), limit(90))
            .contains(CredentialRisk::OLD_KEY));
        assert!(user(91, Some(1), true)
            .risks(now(), limit(90))
            .contains(CredentialRisk::OLD_KEY));
        assert!(user(91, Some(1), true).risks(now(), limit(120)).is_empty());
    }

    #[test]
    fn never_used_key_counts_as_unused_once_old() {
        let r = user(200, None, true).risks(now(), limit(90));
        assert!(r.contains(CredentialRisk::UNUSED_KEY));
        assert!(!user(10, None, true)
            .risks(now(), limit(90))
            .contains(CredentialRisk::UNUSED_KEY));
    }

    #[test]
    fn console_without_mfa_and_root_rules() {
        assert!(user(1, Some(1), false)
            .risks(now(), limit(90))
            .contains(CredentialRisk::CONSOLE_NO_MFA));
        let mut root = user(5, Some(1), false);
        root.is_root = true;
        root.password_enabled = None;
        let r = root.risks(now(), limit(90));
        assert!(r.contains(CredentialRisk::ROOT_KEYS));
        assert!(r.contains(CredentialRisk::ROOT_NO_MFA));
        assert!(!r.contains(CredentialRisk::CONSOLE_NO_MFA));
        assert_eq!(r.labels().next(), Some("root-keys"));
    }

    #[test]
    fn age_and_idle_limits_are_separate() {
        let r = user(100, Some(100), true).risks(
            now(),
            Thresholds {
                age_days: 120,
                unused_days: 30,
            },
        );
        assert!(!r.contains(CredentialRisk::OLD_KEY));
        assert!(r.contains(CredentialRisk::UNUSED_KEY));
    }

    #[test]
    fn oldest_risk_orders_by_age() {
        assert_eq!(
            user(10, Some(1), true).oldest_risk_days(now(), limit(90)),
            None
        );
        let old = user(400, Some(1), true)
            .oldest_risk_days(now(), limit(90))
            .unwrap();
        let older = user(800, Some(1), true)
            .oldest_risk_days(now(), limit(90))
            .unwrap();
        assert!(older >= old);
    }
}
