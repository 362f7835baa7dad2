//! Lead keys never disagree with the comparators they lead, and a view's sort from
//! scratch by (lead key, position) pairs is the order a stable sort by the comparator
//! gives, for every column that has one, either way round.

use super::*;
use crate::store::query::{LeadKey, View};
use crate::store::related::ExposureMarks;
use crate::store::sort::{self, CredentialKeys, CredentialSort, ExposureSort};
use crate::test_support::now;
use chrono::{DateTime, Duration};
use std::cmp::Ordering;

/// For every pair of rows: a smaller key sorts first by the comparator. Then a view
/// refreshed with the key equals a stable sort by the comparator, both ways round.
fn agrees<T: crate::store::table::Keyed>(
    table: &crate::store::table::Table<T>,
    accounts: &Accounts,
    cmp: &dyn Fn(u32, u32) -> Ordering,
    lead: LeadKey<'_>,
    what: &str,
) {
    let n = table.len() as u32;
    let mut decided = 0;
    for a in 0..n {
        for b in 0..n {
            if lead(a) < lead(b) {
                decided += 1;
                assert_eq!(cmp(a, b), Ordering::Less, "{what}: rows {a} and {b}");
            }
        }
    }
    // The keys decide most pairs, not none (a key of 0 everywhere would agree too).
    assert!(
        decided > (n * n / 4) as usize,
        "{what}: keys decide only {decided} pairs"
    );
    for reversed in [false, true] {
        let mut view = View::new(0);
        view.reversed = reversed;
        view.refresh_flagged(table, cmp, accounts, now(), None, Some(lead));
        let mut expected: Vec<u32> = (0..n).collect();
        expected.sort_by(|&a, &b| if reversed { cmp(b, a) } else { cmp(a, b) });
        assert_eq!(view.rows, expected, "{what}, reversed: {reversed}");
        assert_eq!(view.full_passes(), 1, "{what}");
    }
}

/// Times in the same second, apart by nanoseconds, before 1970 and at chrono's ends.
fn times() -> Vec<DateTime<Utc>> {
    let base = now();
    vec![
        base,
        base + Duration::nanoseconds(1),
        base + Duration::milliseconds(400),
        base - Duration::nanoseconds(1),
        base - Duration::days(91),
        base - Duration::days(91) - Duration::hours(23),
        Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap(),
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::MIN_UTC,
    ]
}

#[test]
fn credential_lead_keys_agree_with_their_comparators() {
    let times = times();
    let pick = |i: usize, k: usize| times[(i * k + i / 3) % times.len()];
    let records: Vec<CredentialRecord> = (0..160usize)
        .map(|i| {
            let mut u = crate::test_support::user(
                // Names alike in their first sixteen bytes (left to the comparator), and not.
                &format!("{}{:03}", ["u", "service-account-"][i % 2], (i * 61) % 160),
                i % 40 == 0,
                i % 3 == 0,
                i % 4 != 0,
                None,
            );
            u.account_id = ["111111111111", "222222222222"][i % 2].into();
            u.user_creation_time = Some(pick(i, 5));
            u.password_last_used = (i % 6 != 0).then(|| pick(i, 7));
            u.access_keys = (1..=(i % 3) as u8)
                .map(|slot| {
                    let rotated = Some(pick(i + slot as usize, 11));
                    let used = (i % 4 != 1).then(|| pick(i, 13));
                    crate::test_support::access_key(slot, i % 5 != 0, rotated, used)
                })
                .collect();
            u
        })
        .collect();
    let mut s = Store::new();
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now(),
        records,
    });
    let keys = CredentialKeys::of(None, &s, now(), crate::model::Thresholds::default());
    let with_lead = [
        CredentialSort::Risk,
        CredentialSort::KeyAge,
        CredentialSort::Mfa,
        CredentialSort::PasswordUsed,
    ];
    for col in with_lead {
        let cmp = sort::credentials(&s, col, &keys);
        let lead = sort::lead::credentials(&s, col, &keys).expect("a lead key");
        agrees(
            &s.credentials,
            &s.accounts,
            &cmp,
            &lead,
            &format!("{col:?}"),
        );
    }
    for col in [CredentialSort::Account, CredentialSort::User] {
        assert!(sort::lead::credentials(&s, col, &keys).is_none(), "{col:?}");
    }
    // Keys of another table (a row more or fewer) lead nothing.
    let stale = CredentialKeys::default();
    assert!(sort::lead::credentials(&s, CredentialSort::Risk, &stale).is_none());
}

#[test]
fn exposure_lead_keys_agree_with_their_comparators() {
    let times = times();
    let list: Vec<Exposure> = (0..150usize)
        .map(|i| {
            let outside = (i % 5 == 0).then_some("999999999999");
            let mut e = crate::test_support::exposure(
                &format!("x{:03}", (i * 7) % 150),
                i % 3 != 0,
                outside,
            );
            e.updated_at = times[(i * 5 + i / 4) % times.len()];
            if i % 4 == 0 {
                e.actions = vec!["s3:PutObject".into()];
            }
            if i % 5 == 0 {
                e.resource_type = "AWS::IAM::Role".into();
            }
            e
        })
        .collect();
    let mut s = Store::new();
    s.apply(Update::Exposures(list));
    let marks = ExposureMarks::of(&s);
    let scores: std::collections::BTreeSet<u8> = (0..150).map(|r| marks.score(r)).collect();
    assert!(scores.len() >= 3, "the marks vary: {scores:?}");
    for col in [
        ExposureSort::Marked,
        ExposureSort::Grantee,
        ExposureSort::Updated,
    ] {
        let cmp = sort::exposures(&s, col, &marks);
        let lead = sort::lead::exposures(&s, col, &marks).expect("a lead key");
        agrees(&s.exposures, &s.accounts, &cmp, &lead, &format!("{col:?}"));
    }
    for col in [ExposureSort::Resource, ExposureSort::Region] {
        assert!(sort::lead::exposures(&s, col, &marks).is_none(), "{col:?}");
    }
}
