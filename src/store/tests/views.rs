//! Views over the store's findings: their orders (packed ranks included) and a view
//! caught up row by row against one built afresh.

use super::*;

/// The findings' orders compare packed ranks first and read the records only on a tie:
/// they are still the orders their definitions say (most severe, newest, then id; a
/// column first, then that), for times a millisecond apart, apart by nanoseconds only,
/// before 1970 and at the far end of what a time can hold.
#[test]
fn ranked_orders_are_the_orders_they_say_to_the_nanosecond() {
    use crate::store::sort::{self, FindingSort};
    use chrono::{DateTime, Duration};
    let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let times: Vec<DateTime<Utc>> = vec![
        base,
        base + Duration::nanoseconds(1),
        base + Duration::nanoseconds(2),
        base + Duration::milliseconds(1),
        base - Duration::milliseconds(1),
        Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap(),
        Utc.with_ymd_and_hms(1950, 6, 1, 0, 0, 0).unwrap(),
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::MIN_UTC,
    ];
    let sevs = ["LOW", "MEDIUM", "HIGH", "CRITICAL", "INFORMATIONAL"];
    let list: Vec<Finding> = (0..300)
        .map(|i| {
            let mut f = finding(
                &format!("r{:03}", 299 - i),
                sevs[i % 3 + i % 2],
                "2026-01-01T00:00:00Z",
                "NEW",
            );
            f.updated_at = times[(i * 7) % times.len()];
            f.title = crate::model::intern::intern(["B", "A"][i % 2]);
            f
        })
        .collect();
    let mut s = Store::new();
    s.apply(Update::Findings(list));
    assert_eq!(s.findings.ranks().len(), 300);
    let default = |a: &Finding, b: &Finding| {
        b.severity
            .cmp(&a.severity)
            .then(b.updated_at.cmp(&a.updated_at))
            .then(a.id.cmp(&b.id))
    };
    let items = s.findings.items();
    for (column, primary) in [
        (FindingSort::Severity, None),
        (
            FindingSort::Title,
            Some(&(|a: &Finding, b: &Finding| a.title.cmp(&b.title)) as &dyn Fn(_, _) -> _),
        ),
    ] {
        let cmp = sort::findings(&s, column);
        let mut got: Vec<u32> = (0..300).collect();
        got.sort_by(|&a, &b| cmp(a, b));
        let mut expected: Vec<u32> = (0..300).collect();
        expected.sort_by(|&a, &b| {
            let (a, b) = (&items[a as usize], &items[b as usize]);
            primary
                .map_or(std::cmp::Ordering::Equal, |p| p(a, b))
                .then_with(|| default(a, b))
        });
        assert_eq!(got, expected, "{column:?}");
    }
    // A view's first sort in column 0 sorts (rank, row) pairs side by side: the order a
    // stable sort by the comparator gives, either way round.
    for reversed in [false, true] {
        let cmp = sort::findings(&s, FindingSort::Severity);
        let mut v = crate::store::query::View::new(0);
        v.reversed = reversed;
        v.refresh(&s.findings, &cmp, &s.accounts, Utc::now());
        let mut expected: Vec<u32> = (0..300).collect();
        expected.sort_by(|&a, &b| if reversed { cmp(b, a) } else { cmp(a, b) });
        assert_eq!(v.rows, expected, "reversed: {reversed}");
    }
}

/// Events are ranked too (newest first): the activity pane's order, by its view's first
/// sort and by the comparator, is newest first then by id, for times apart by less than
/// a millisecond and equal ones.
#[test]
fn events_in_rank_order_are_newest_first_then_by_id() {
    use crate::store::sort::{self, EventSort};
    let mut s = Store::new();
    let list: Vec<crate::model::TrailEvent> = (0..120)
        .map(|i| {
            let mut e = crate::test_support::event(&format!("e{:03}", (i * 37) % 120), 0, &[]);
            e.event_time += chrono::Duration::microseconds((i % 7) * 300 - (i % 3) * 1000);
            e
        })
        .collect();
    s.apply(Update::Events(list));
    let items = s.events.items();
    let mut expected: Vec<u32> = (0..120).collect();
    expected.sort_by(|&a, &b| {
        let (a, b) = (&items[a as usize], &items[b as usize]);
        b.event_time
            .cmp(&a.event_time)
            .then(a.event_id.cmp(&b.event_id))
    });
    let cmp = sort::events(&s, EventSort::Time);
    let mut got: Vec<u32> = (0..120).collect();
    got.sort_by(|&a, &b| cmp(a, b));
    assert_eq!(got, expected, "the comparator");
    for reversed in [false, true] {
        let mut v = crate::store::query::View::of::<crate::model::TrailEvent>(0);
        v.reversed = reversed;
        v.refresh(&s.events, &cmp, &s.accounts, Utc::now());
        let mut want = expected.clone();
        if reversed {
            want.reverse();
        }
        assert_eq!(v.rows, want, "the view, reversed: {reversed}");
    }
}

#[test]
fn view_sorts_filters_and_follows_the_selection() {
    use crate::store::query::View;
    use crate::store::sort::{self, FindingSort};
    let mut s = Store::new();
    s.apply(Update::Findings(vec![
        finding("low", "LOW", "2026-01-05T00:00:00Z", "NEW"),
        finding("crit-old", "CRITICAL", "2026-01-01T00:00:00Z", "NEW"),
        finding("crit-new", "CRITICAL", "2026-01-04T00:00:00Z", "NEW"),
        finding("med", "MEDIUM", "2026-01-03T00:00:00Z", "NEW"),
    ]));
    let mut v = View::new(0);
    let cmp = sort::findings(&s, FindingSort::Severity);
    v.refresh(&s.findings, &cmp, &s.accounts, chrono::Utc::now());
    let ids: Vec<_> = v
        .rows
        .iter()
        .map(|&i| s.findings.items()[i as usize].id.as_ref())
        .collect();
    assert_eq!(
        ids,
        ["crit-new", "crit-old", "med", "low"],
        "newest critical first"
    );

    v.selected = 2; // "med"
    v.set_filter("!crit-old");
    v.refresh(&s.findings, &cmp, &s.accounts, chrono::Utc::now());
    assert_eq!(v.rows.len(), 3);
    assert_eq!(
        s.findings.items()[v.selected_row().unwrap() as usize]
            .id
            .as_ref(),
        "med"
    );

    v.reversed = true;
    v.refresh(&s.findings, &cmp, &s.accounts, chrono::Utc::now());
    let first = &s.findings.items()[v.rows[0] as usize];
    assert_eq!(&*first.id, "low");
    assert_eq!(
        s.findings.items()[v.selected_row().unwrap() as usize]
            .id
            .as_ref(),
        "med"
    );

    let by_title = sort::findings(&s, FindingSort::Title);
    v.reversed = false;
    v.sort_column = 1;
    v.set_filter("");
    v.refresh(&s.findings, &by_title, &s.accounts, chrono::Utc::now());
    let titles: Vec<_> = v
        .rows
        .iter()
        .map(|&i| s.findings.items()[i as usize].title.as_str())
        .collect();
    assert_eq!(
        titles,
        ["title crit-new", "title crit-old", "title low", "title med"]
    );
}

/// A view that catches up on the rows written since its last refresh shows exactly what a
/// view sorting and filtering everything afresh shows, through new rows, rows re-rated and
/// re-dated in place, a removal, every sort, reversed or not, with and without a filter.
#[test]
fn a_view_caught_up_row_by_row_equals_one_built_afresh() {
    use crate::store::query::View;
    use crate::store::sort::{self, FindingSort};
    let sevs = ["LOW", "MEDIUM", "HIGH", "CRITICAL", "INFORMATIONAL"];
    let statuses = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"];
    let make = |i: usize, round: usize| {
        finding(
            &format!("f{i:04}"),
            sevs[(i * 7 + round) % 5],
            &format!(
                "2026-01-{:02}T{:02}:00:00Z",
                1 + (i + round) % 28,
                (i * 3 + round) % 24
            ),
            statuses[(i + round) % 4],
        )
    };
    let now = chrono::Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let columns = [
        FindingSort::Severity,
        FindingSort::Title,
        FindingSort::Status,
        FindingSort::Updated,
    ];
    for (c, column) in columns.into_iter().enumerate() {
        for reversed in [false, true] {
            // With the findings pane's own scope too, as the console always has it.
            let filters = [
                ("", None),
                ("sev>=high", None),
                ("!f00 resolved", None),
                ("status:new", None),
                ("", Some("status:open")),
                ("sev>=high", Some("status:open")),
            ];
            for (filter, scope) in filters {
                let mut s = Store::new();
                s.apply(Update::Findings((0..300).map(|i| make(i, 0)).collect()));
                let mut live = View::of::<Finding>(c);
                live.reversed = reversed;
                live.set_scope(scope);
                live.set_filter(filter);
                let refresh = |v: &mut View, s: &Store| {
                    v.refresh(&s.findings, &sort::findings(s, column), &s.accounts, now)
                };
                refresh(&mut live, &s);
                // One that looks only every fourth batch: several removals and writes
                // arrive between its looks.
                let mut lagging = live.clone();
                // One that looks again only after more removals than the table remembers.
                let mut far = live.clone();
                let gone = |s: &mut Store, i: usize| {
                    let key = <Finding as Keyed>::key(&make(i, 0)).into_owned();
                    let before = s.findings.len();
                    s.apply(Update::Gone(crate::feed::Gone::Findings(vec![key_hash(
                        &key,
                    )])));
                    assert_eq!(s.findings.len() + 1, before, "f{i:04} left");
                };
                for round in 1..16 {
                    // Some re-rated in place, some new, now and then some removed: before
                    // the writes, after them, two in one batch.
                    if round % 3 == 0 {
                        gone(&mut s, round * 13 % 300);
                    }
                    let batch: Vec<Finding> = (0..40)
                        .map(|k| make((k * 37 + round * 11) % (300 + round * 5), round))
                        .collect();
                    s.apply(Update::Findings(batch));
                    if round % 5 == 0 {
                        gone(&mut s, round);
                        gone(&mut s, 299 - round);
                    }
                    let (passes, by_rank) = (live.full_passes(), live.found_by_rank());
                    refresh(&mut live, &s);
                    assert_eq!(live.full_passes(), passes, "caught up, round {round}");
                    // In the default order the written rows are found by their former
                    // rank (in the order and, with a filter, in the filtered rows).
                    let lists = if filter.is_empty() && scope.is_none() {
                        1
                    } else {
                        2
                    };
                    let expected = if c == 0 { by_rank + lists } else { by_rank };
                    assert_eq!(live.found_by_rank(), expected, "round {round}");
                    let mut fresh = View::of::<Finding>(c);
                    fresh.reversed = reversed;
                    fresh.set_scope(scope);
                    fresh.set_filter(filter);
                    refresh(&mut fresh, &s);
                    assert_eq!(
                        live.rows, fresh.rows,
                        "{column:?} reversed={reversed} filter={filter:?} round {round}"
                    );
                    if round % 4 == 2 {
                        // Sorted afresh, the rows are filtered from what the filter kept.
                        for _ in 0..2 {
                            live.reversed = !live.reversed;
                            refresh(&mut live, &s);
                        }
                        assert_eq!(live.rows, fresh.rows, "re-sorted, round {round}");
                    }
                    if round == 15 {
                        refresh(&mut far, &s);
                        assert_eq!(far.rows, fresh.rows, "far behind");
                    }
                    if round % 4 == 0 {
                        let passes = lagging.full_passes();
                        refresh(&mut lagging, &s);
                        assert_eq!(lagging.full_passes(), passes, "lagging caught up");
                        assert_eq!(lagging.rows, fresh.rows, "lagging, round {round}");
                    }
                }
            }
        }
    }
}

/// Without a filter the view keeps one list (the order is the rows), with one two: a view
/// whose filter goes on and off between writes and removals shows what a fresh one shows,
/// and catches up without a full pass while the filter stays as it is.
#[test]
fn a_view_whose_filter_goes_on_and_off_equals_one_built_afresh() {
    use crate::store::query::View;
    use crate::store::sort::{self, FindingSort};
    let sevs = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
    let make = |i: usize, round: usize| {
        finding(
            &format!("g{i:04}"),
            sevs[(i * 5 + round) % 4],
            &format!("2026-01-{:02}T00:00:00Z", 1 + (i * 3 + round) % 28),
            if (i + round).is_multiple_of(3) {
                "RESOLVED"
            } else {
                "NEW"
            },
        )
    };
    let now = chrono::Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let refresh = |v: &mut View, s: &Store| {
        v.refresh(
            &s.findings,
            &sort::findings(s, FindingSort::Severity),
            &s.accounts,
            now,
        )
    };
    let mut s = Store::new();
    s.apply(Update::Findings((0..200).map(|i| make(i, 0)).collect()));
    let mut live = View::of::<Finding>(0);
    refresh(&mut live, &s);
    let filters = ["", "sev>=high", "", "", "!resolved", "status:new", ""];
    for round in 1..30 {
        let filter = filters[round % filters.len()];
        if live.filter_text != filter {
            live.set_filter(filter);
        }
        if round % 4 == 0 {
            let key = <Finding as Keyed>::key(&make(round * 7 % 200, 0)).into_owned();
            s.apply(Update::Gone(crate::feed::Gone::Findings(vec![key_hash(
                &key,
            )])));
        }
        let batch: Vec<Finding> = (0..25)
            .map(|k| make((k * 31 + round * 17) % (200 + round * 3), round))
            .collect();
        s.apply(Update::Findings(batch));
        let passes = live.full_passes();
        let same_filter = filters[(round + filters.len() - 1) % filters.len()] == filter;
        refresh(&mut live, &s);
        if same_filter && round % 4 != 0 {
            assert_eq!(live.full_passes(), passes, "caught up, round {round}");
        }
        let mut fresh = View::of::<Finding>(0);
        fresh.set_filter(filter);
        refresh(&mut fresh, &s);
        assert_eq!(live.rows, fresh.rows, "filter {filter:?}, round {round}");
        assert_eq!(live.total_sorted(), s.findings.len(), "round {round}");
    }
}

/// The pane's scope and the typed filter must both hold: the view tests them as one query
/// and keeps exactly the rows that each of them, tested alone, keeps.
#[test]
fn a_scope_and_a_filter_keep_the_rows_both_keep() {
    use crate::store::fields::FINDING_FIELDS;
    use crate::store::query::{TextQuery, View};
    let sevs = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
    let statuses = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"];
    let mut s = Store::new();
    let rows = (0..120).map(|i| {
        let day = format!("2026-01-{:02}T00:00:00Z", 1 + i % 28);
        finding(&format!("f{i:03}"), sevs[i % 4], &day, statuses[i / 4 % 4])
    });
    s.apply(Update::Findings(rows.collect()));
    let now = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let pairs = [
        ("status:open", "sev>=high"),
        ("status:open", "f01 !f012"),
        ("sev>=medium", "!status:new age<20d"),
        ("status:open", ""),
    ];
    for (scope, filter) in pairs {
        let mut v = View::of::<Finding>(0);
        v.set_scope(Some(scope));
        v.set_filter(filter);
        v.refresh(&s.findings, &|a, b| a.cmp(&b), &s.accounts, now);
        let alone = |text: &str| {
            let q = TextQuery::parse_for(text, FINDING_FIELDS).unwrap();
            s.findings.matching(&q, &s.accounts, now)
        };
        let (a, b) = (alone(scope), alone(filter));
        let both: Vec<u32> = (0..120u32)
            .filter(|&i| a[i as usize] && b[i as usize])
            .collect();
        // Column 0 of the findings is their rank's order, whatever the comparator says.
        let mut kept = v.rows.clone();
        kept.sort_unstable();
        assert_eq!(kept, both, "{scope} + {filter}");
        assert!(!both.is_empty() && both.len() < 120, "{scope} + {filter}");
    }
}
