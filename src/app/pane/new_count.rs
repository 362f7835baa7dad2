//! How many of the findings shown were updated after the operator last looked (the
//! title's "N new"), kept up row by row as polls write findings.
//!
//! Counted afresh, it reads every row's facets (40 MB at a million findings), which every
//! poll paid on the UI thread once a watermark was set; caught up, it looks at the rows
//! written since, as the view itself does.

use crate::model::Finding;
use crate::store::query::View;
use crate::store::Table;
use chrono::{DateTime, Utc};

/// What a count is of: the view's filter (its generation and minute), whether it is
/// frozen, how many times the view sorted or filtered every row afresh, the table's
/// moves, the watermark.
type Of = (Option<(u64, i64)>, bool, u64, u64, Option<DateTime<Utc>>);

#[derive(Debug, Clone, Default)]
pub struct NewCount {
    of: Option<Of>,
    /// The table revision the count is up to.
    revision: u64,
    /// Per row: whether it is counted (empty for a frozen view's count).
    counted: Vec<bool>,
    count: usize,
    /// How many times every row was counted afresh, which a test of the catching up counts.
    full_counts: u64,
}

impl NewCount {
    /// The count, when it is of this watermark.
    pub fn count_for(&self, since: Option<DateTime<Utc>>) -> usize {
        match &self.of {
            Some(of) if since.is_some() && of.4 == since => self.count,
            _ => 0,
        }
    }

    /// Brings the count up to date with the table and the view (refreshed already).
    pub fn refresh(&mut self, table: &Table<Finding>, view: &View, since: Option<DateTime<Utc>>) {
        let of: Of = (
            view.filter_stamp()
                .map(|(generation, _, minute)| (generation, minute)),
            view.is_frozen(),
            view.full_passes(),
            table.moves(),
            since,
        );
        if self.of == Some(of) && self.revision == table.revision() {
            return;
        }
        let Some(t) = since else {
            *self = NewCount {
                of: Some(of),
                revision: table.revision(),
                full_counts: self.full_counts,
                ..NewCount::default()
            };
            return;
        };
        let after = t.timestamp_millis();
        // Caught up when only rows were written since: the view tested those rows alone
        // (no full pass), so only their being shown or new can have changed.
        let written = match self.of == Some(of) && !view.is_frozen() {
            true => table.written_since(self.revision),
            false => None,
        };
        match written {
            Some(mut rows) => {
                rows.sort_unstable();
                rows.dedup();
                self.counted.resize(table.len(), false);
                let now = table.flags_after_of(&rows, view.kept(), after);
                for (&row, new) in rows.iter().zip(now) {
                    let was = std::mem::replace(&mut self.counted[row as usize], new);
                    self.count = self.count + usize::from(new) - usize::from(was);
                }
            }
            None if view.is_frozen() => {
                // A frozen view holds rows of before: count those.
                let items = table.items();
                self.counted.clear();
                self.count = view
                    .rows
                    .iter()
                    .filter(|&&r| items.get(r as usize).is_some_and(|f| f.updated_at > t))
                    .count();
            }
            None => {
                self.full_counts += 1;
                self.counted = table.flags_after(view.kept(), after);
                self.count = self.counted.iter().filter(|&&c| c).count();
            }
        }
        self.of = Some(of);
        self.revision = table.revision();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Update;
    use crate::store::sort::{self, FindingSort};
    use crate::store::Store;
    use chrono::TimeZone;
    use serde_json::json;

    fn finding(i: usize, round: usize) -> Finding {
        let sevs = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
        crate::model::asff::parse_value(&json!({
            "Id": format!("n{i:03}"),
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "AwsAccountId": "111111111111",
            "UpdatedAt": format!("2026-01-{:02}T00:00:00Z", 1 + (i * 7 + round * 3) % 28),
            "Severity": {"Label": sevs[(i + round) % 4]},
            "Title": format!("t{i}"),
        }))
        .unwrap()
    }

    /// Kept up through re-dated and re-rated rows (some leaving the filter, some coming
    /// in) and new ones, the count equals one made afresh, and is made afresh only when
    /// the filter, the watermark or the rows' places change.
    #[test]
    fn the_new_count_kept_up_equals_one_counted_afresh() {
        let now = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        let watermark = Utc.with_ymd_and_hms(2026, 1, 15, 0, 0, 0).unwrap();
        let since = Some(watermark);
        let mut s = Store::new();
        s.apply(Update::Findings((0..200).map(|i| finding(i, 0)).collect()));
        for filter in ["", "sev>=high"] {
            let mut view = View::of::<Finding>(0);
            view.set_filter(filter);
            let mut count = NewCount::default();
            let look = |view: &mut View, count: &mut NewCount, s: &Store| {
                let cmp = sort::findings(s, FindingSort::Severity);
                view.refresh(&s.findings, &cmp, &s.accounts, now);
                count.refresh(&s.findings, view, since);
                // Counted afresh from the records: shown, and updated after the
                // watermark's millisecond.
                let after = watermark.timestamp_millis();
                let kept = view.kept();
                let afresh = (s.findings.items().iter().enumerate())
                    .filter(|(i, _)| kept.get(*i).copied().unwrap_or(kept.is_empty()))
                    .filter(|(_, f)| f.updated_at.timestamp_millis() > after)
                    .count();
                assert_eq!(count.count_for(since), afresh, "filter {filter:?}");
                assert!(afresh > 0);
            };
            look(&mut view, &mut count, &s);
            let full = count.full_counts;
            for round in 1..12 {
                let batch = (0..30)
                    .map(|k| finding((k * 13 + round * 7) % (200 + round), round))
                    .collect();
                s.apply(Update::Findings(batch));
                look(&mut view, &mut count, &s);
                assert_eq!(count.full_counts, full, "caught up, round {round}");
            }
            assert_eq!(count.count_for(None), 0);
            // Another watermark: counted afresh.
            count.refresh(&s.findings, &view, None);
            assert_eq!(count.count_for(since), 0);
            look(&mut view, &mut count, &s);
            assert_eq!(count.full_counts, full + 1);
        }
    }
}
