//! Lead keys: per row, a number whose order is the start of a column's order, so that a
//! sort from scratch sorts (key, position) pairs and reads the rows only on a tie (see
//! [`crate::store::query::LeadKey`]). Each key must never disagree with its comparator:
//! a row with the smaller key sorts first. Parts are packed high to low in the order the
//! comparator reads them, and a part that loses detail (a date's fraction of a second, a
//! name past its sixteenth byte) is the last part, so that what it loses only makes keys
//! equal: those rows are left to the comparator.

use super::{CredentialKeys, CredentialSort, ExposureSort};
use crate::store::related::ExposureMarks;
use crate::store::Store;
use chrono::{DateTime, Utc};

/// A lead key: two numbers, compared in turn.
pub type Lead = (u128, u128);

/// Days, most first and `None` last, in 32 bits. Every day count between two times
/// chrono can hold (about 262,000 years either side of 1970) is under 2^28, so the clamp
/// never merges two counts.
fn days_most_first(days: Option<i64>) -> u128 {
    const HALF: i64 = 1 << 30;
    match days {
        Some(d) => ((HALF - 1) - d.clamp(-HALF, HALF - 1)) as u128,
        None => 1 << 31,
    }
}

/// A time to the nanosecond, newest first, in 85 bits: whole seconds in 54 (chrono's
/// times are under 2^43 seconds from 1970 either way), then the fraction in 31 (a leap
/// second's runs past 10^9).
fn newest_first(t: DateTime<Utc>) -> u128 {
    const HALF: i64 = 1 << 53;
    let secs = ((HALF - 1) - t.timestamp().clamp(-HALF, HALF - 1)) as u128;
    secs << 31 | u128::from((1u32 << 31) - 1 - t.timestamp_subsec_nanos().min((1 << 31) - 1))
}

/// A time's whole seconds, oldest first, `None` before every time.
fn oldest_first(t: Option<DateTime<Utc>>) -> u128 {
    const HALF: i64 = 1 << 53;
    t.map_or(0, |t| {
        (t.timestamp().clamp(-HALF, HALF - 1) + HALF) as u128 + 1
    })
}

/// A name's first sixteen bytes, in the order `str` compares them (a shorter name first).
fn name_start(name: &str) -> u128 {
    let mut start = [0u8; 16];
    for (to, from) in start.iter_mut().zip(name.bytes()) {
        *to = from;
    }
    u128::from_be_bytes(start)
}

/// Each account id among `ids`, numbered in the order of the ids.
fn numbered<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, u32> {
    let mut distinct: Vec<&str> = ids.collect::<HashSet<_>>().into_iter().collect();
    distinct.sort_unstable();
    distinct.into_iter().zip(0..).collect()
}

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// The credentials pane's lead key for a column, when it has one (not the names) and the
/// keys are the table's. The default order's parts: the oldest risk, the oldest key, the
/// account (numbered on the first call) and the user name's start.
pub fn credentials<'a>(
    store: &'a Store,
    col: CredentialSort,
    keys: &'a CredentialKeys,
) -> Option<impl Fn(u32) -> Lead + 'a> {
    let items = store.credentials.items();
    if keys.rows.len() != items.len()
        || matches!(col, CredentialSort::Account | CredentialSort::User)
    {
        return None;
    }
    let numbers = std::cell::OnceCell::new();
    // A report's rows sit together: the account before is mostly the same one.
    let last: std::cell::Cell<Option<(&str, u128)>> = Default::default();
    Some(move |row: u32| {
        let (k, c) = (&keys.rows[row as usize], &items[row as usize]);
        let (risk, key) = (days_most_first(k.oldest_risk), days_most_first(k.key_days));
        let account = match last.get() {
            Some((id, n)) if id == c.account_id => n,
            _ => {
                let numbers =
                    numbers.get_or_init(|| numbered(items.iter().map(|c| &*c.account_id)));
                let n = u128::from(numbers.get(&*c.account_id).copied().unwrap_or(u32::MAX));
                last.set(Some((&c.account_id, n)));
                n
            }
        };
        let user = name_start(&c.user);
        match col {
            CredentialSort::KeyAge => (key << 96 | risk << 64 | account, user),
            CredentialSort::Mfa => (
                u128::from(c.mfa_active) << 96 | risk << 64 | key << 32 | account,
                0,
            ),
            CredentialSort::PasswordUsed => (oldest_first(c.password_last_used), 0),
            // Risk, and what the names' orders fall back on.
            _ => (risk << 96 | key << 64 | account, user),
        }
    })
}

/// The public-access pane's lead key for a column, when it has one (not the names).
pub fn exposures<'a>(
    store: &'a Store,
    col: ExposureSort,
    marks: &'a ExposureMarks,
) -> Option<impl Fn(u32) -> Lead + 'a> {
    let items = store.exposures.items();
    let usable = matches!(
        col,
        ExposureSort::Marked | ExposureSort::Grantee | ExposureSort::Updated
    );
    usable.then_some(move |row: u32| {
        let e = &items[row as usize];
        // The default order: public first, then newest (then by id, left to the
        // comparator: reading every id was most of the keys' time, for few ties).
        let default = u128::from(!e.is_public) << 85 | newest_first(e.updated_at);
        let first = match col {
            ExposureSort::Marked => u128::from(u8::MAX - marks.score(row)) << 86 | default,
            ExposureSort::Updated => newest_first(e.updated_at) << 1 | u128::from(!e.is_public),
            _ => default,
        };
        (first, 0)
    })
}
