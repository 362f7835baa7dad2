//! What the store and its readers keep up as things change equals what a pass over
//! everything would find: the credential rows' keys as the clock moves, the newest
//! finding update as findings come and go.

use super::*;
use crate::store::sort::CredentialKeys;
use chrono::Duration;

/// Users whose dates fall at every time of day, stepped through three days seven minutes
/// at a time (and once back in time): at every step, only the rows whose dates turned a
/// day older are worked out again, and the keys equal keys worked out afresh.
#[test]
fn keys_caught_up_as_the_clock_moves_equal_keys_worked_out_afresh() {
    let start = chrono::Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
    let limits = crate::model::Thresholds::default();
    let records = (0..300i64)
        .map(|i| {
            let ago = |days: i64| Some(start - Duration::days(days) - Duration::minutes(i * 37));
            let mut u = crate::test_support::user(
                &format!("u{i}"),
                i % 50 == 0,
                i % 3 == 0,
                i % 2 == 0,
                None,
            );
            u.user_creation_time = ago(i % 400);
            u.password_last_used = ago(i % 120).filter(|_| i % 5 != 0);
            u.access_keys = (1..=(i % 3) as u8)
                .map(|slot| {
                    let rotated = ago(88 + i % 5 + slot as i64);
                    let used = ago(i % 95).filter(|_| i % 4 != 0);
                    crate::test_support::access_key(slot, i % 7 != 0, rotated, used)
                })
                .collect();
            u
        })
        .collect();
    let mut s = Store::new();
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: start,
        records,
    });
    let mut keys = CredentialKeys::of(None, &s, start, limits);
    let (mut now, mut changed) = (start, 0);
    let step = |keys: CredentialKeys, now| {
        let caught = CredentialKeys::of(Some(keys), &s, now, limits);
        let fresh = CredentialKeys::of(None, &s, now, limits);
        assert_eq!(caught.rows, fresh.rows, "at {now}");
        caught
    };
    for _ in 0..(3 * 24 * 60 / 7) {
        let before = keys.rows.clone();
        now += Duration::minutes(7);
        keys = step(keys, now);
        changed += keys
            .rows
            .iter()
            .zip(&before)
            .filter(|(a, b)| a != b)
            .count();
    }
    keys = step(keys, start + Duration::hours(5));
    assert_eq!(
        keys.stamp().map(|s| s.2),
        Some((start + Duration::hours(5)).timestamp() / 60)
    );
    assert!(
        changed > 300,
        "rows turned older as days went by: {changed}"
    );
}

/// Reports replacing an account's rows (fewer, more, other users), a new account and a
/// later minute: the keys caught up equal keys worked out afresh, and a row no report
/// touched and whose dates did not turn is not worked out again (a mark on it stays).
#[test]
fn keys_caught_up_through_reports_equal_keys_worked_out_afresh() {
    let start = chrono::Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
    let limits = crate::model::Thresholds::default();
    let report = |account: &str, users: std::ops::Range<i64>| {
        let records = users
            .map(|i| {
                let mut u = crate::test_support::user(
                    &format!("u{i}"),
                    false,
                    i % 2 == 0,
                    true,
                    Some(i * 13 % 200),
                );
                u.account_id = account.into();
                u.password_last_used = Some(start - Duration::days(i % 150) - Duration::minutes(i));
                u
            })
            .collect();
        Update::Credentials {
            account_id: account.into(),
            generated_at: start,
            records,
        }
    };
    let mut s = Store::new();
    for (account, users) in [
        ("111111111111", 0..40),
        ("222222222222", 40..90),
        ("333333333333", 90..100),
    ] {
        s.apply(report(account, users));
    }
    let mut keys = CredentialKeys::of(None, &s, start, limits);
    // A report that also holds a row of another account, already held: written in place.
    let in_place = {
        let mut u = report("111111111111", 7..8);
        if let Update::Credentials {
            account_id,
            records,
            ..
        } = &mut u
        {
            *account_id = "555555555555".into();
            records[0].mfa_active = !records[0].mfa_active;
            records[0].access_keys.clear();
        }
        u
    };
    let seconds = |n| start + Duration::seconds(n);
    let steps = [
        (start, vec![report("222222222222", 45..60)]),
        (start, vec![report("444444444444", 200..230)]),
        (seconds(50), vec![report("333333333333", 90..140)]),
        (seconds(55), vec![report("222222222222", 0..0)]),
        // Removals and rows added between them, caught up at once.
        (
            seconds(56),
            vec![
                report("333333333333", 95..105),
                report("666666666666", 300..320),
                report("444444444444", 210..215),
            ],
        ),
        (seconds(58), vec![in_place]),
    ];
    for (i, (now, updates)) in steps.into_iter().enumerate() {
        // Row 0 is the first account's, which no report replaces.
        keys.rows[0].active_keys = 99;
        for update in updates {
            s.apply(update);
        }
        keys = CredentialKeys::of(Some(keys), &s, now, limits);
        let fresh = CredentialKeys::of(None, &s, now, limits);
        assert_eq!(keys.rows.len(), fresh.rows.len(), "step {i}");
        assert_eq!(
            keys.rows[0].active_keys, 99,
            "step {i}: row 0 was worked out again"
        );
        let differs = (1..keys.rows.len()).find(|&r| keys.rows[r] != fresh.rows[r]);
        assert_eq!(differs, None, "step {i}: the first row that differs");
        keys.rows[0] = fresh.rows[0];
    }
    // A day later every row turned: all are worked out again.
    let later = start + Duration::days(1);
    keys.rows[0].active_keys = 99;
    keys = CredentialKeys::of(Some(keys), &s, later, limits);
    assert_eq!(keys.rows, CredentialKeys::of(None, &s, later, limits).rows);
}

#[test]
fn the_newest_update_follows_writes_and_the_newest_leaving() {
    let mut s = Store::new();
    let gone = |s: &mut Store, id: &str| s.apply(Update::Gone(Gone::Findings(vec![key_hash(id)])));
    let at = |day: u32| format!("2026-01-{day:02}T00:00:00Z");
    assert_eq!(s.newest_finding_update(), None);
    for (id, day) in [("a", 3), ("b", 5), ("c", 4)] {
        s.apply(Update::Findings(vec![finding(id, "LOW", &at(day), "NEW")]));
    }
    let afresh = |s: &Store| s.findings.items().iter().map(|f| f.updated_at).max();
    assert_eq!(s.newest_finding_update(), afresh(&s));
    let key = |s: &Store, i: usize| <Finding as Keyed>::key(&s.findings.items()[i]).into_owned();
    let (a, b) = (key(&s, 0), key(&s, 1));
    gone(&mut s, &a);
    assert_eq!(
        s.newest_finding_update(),
        crate::model::clock::parse_rfc3339(&at(5)),
        "not the newest"
    );
    gone(&mut s, &b);
    assert_eq!(
        s.newest_finding_update(),
        crate::model::clock::parse_rfc3339(&at(4)),
        "the newest left"
    );
    s.apply(Update::Findings(vec![finding("a", "LOW", &at(9), "NEW")]));
    assert_eq!(s.newest_finding_update(), afresh(&s));
}
