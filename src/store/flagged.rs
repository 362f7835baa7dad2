//! The CloudTrail events a detection fired on, counted by detection as events are written
//! and removed. The overview's count, its runbook coverage and the Activity pane's title
//! read this instead of passing over every event: at a million findings the demo holds
//! 666,697 events, and each pass cost about 10 ms on every poll the overview was shown.

use crate::model::{CompactString, TrailEvent};
use std::collections::BTreeMap;

/// Events with detections, kept up row by row.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flagged {
    /// Events at least one detection fired on.
    events: usize,
    /// Detection id -> events it fired on (never 0: an id leaves with its last event).
    by_detection: BTreeMap<CompactString, usize>,
}

impl Flagged {
    /// Counted afresh: what the kept-up tally must equal.
    pub fn of(events: &[TrailEvent]) -> Flagged {
        let mut f = Flagged::default();
        for e in events {
            f.add(e);
        }
        f
    }

    pub fn add(&mut self, e: &TrailEvent) {
        self.events += usize::from(!e.detections.is_empty());
        for d in distinct(e) {
            *self.by_detection.entry(d.clone()).or_default() += 1;
        }
    }

    /// Saturating, as `Exposed::remove` is.
    pub fn remove(&mut self, e: &TrailEvent) {
        self.events = self
            .events
            .saturating_sub(usize::from(!e.detections.is_empty()));
        for d in distinct(e) {
            if let Some(n) = self.by_detection.get_mut(d) {
                *n -= 1;
                if *n == 0 {
                    self.by_detection.remove(d);
                }
            }
        }
    }

    /// How many events at least one detection fired on.
    pub fn events(&self) -> usize {
        self.events
    }

    /// The detections that fired on an event the store holds, in id order.
    pub fn detections(&self) -> impl Iterator<Item = &str> {
        self.by_detection.keys().map(CompactString::as_str)
    }
}

/// An event's detections, each once (a rule marks an event once, but a list written by
/// hand or replayed may name one twice).
fn distinct(e: &TrailEvent) -> impl Iterator<Item = &CompactString> {
    e.detections
        .iter()
        .enumerate()
        .filter(|(i, d)| !e.detections[..*i].contains(d))
        .map(|(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::event;

    #[test]
    fn adds_and_removes_by_detection_and_forgets_an_id_with_its_last_event() {
        let a = event("a", 1, &["root-login"]);
        let (b, c) = (event("b", 2, &[]), event("c", 3, &["x", "root-login", "x"]));
        let mut f = Flagged::default();
        for e in [&a, &b, &c] {
            f.add(e);
        }
        assert_eq!(f.events(), 2);
        assert_eq!(f.detections().collect::<Vec<_>>(), ["root-login", "x"]);
        assert_eq!(f, Flagged::of(&[a.clone(), b.clone(), c.clone()]));
        f.remove(&c);
        assert_eq!(f.events(), 1);
        assert_eq!(f.detections().collect::<Vec<_>>(), ["root-login"]);
        f.remove(&a);
        f.remove(&b);
        assert_eq!(f, Flagged::default());
    }

    /// Through the store: events written, rewritten with other detections, marked after
    /// the fact and retired, the kept-up count equals one counted afresh at every step.
    #[test]
    fn the_stores_count_kept_up_equals_one_counted_afresh() {
        use crate::feed::Update;
        use crate::store::Store;
        let mut s = Store::new();
        let check = |s: &Store, step: &str| {
            assert_eq!(s.flagged_events(), &Flagged::of(s.events.items()), "{step}");
        };
        let names = ["root-login", "", "trail-stopped", "root-login"];
        let batch: Vec<TrailEvent> = (0..40)
            .map(|i| {
                let d = [names[i % 4]];
                event(
                    &format!("e{i}"),
                    i as i64,
                    &d[..usize::from(!d[0].is_empty())],
                )
            })
            .collect();
        s.apply(Update::Events(batch));
        check(&s, "written");
        assert_eq!(s.flagged_events().events(), 30);
        // Every other event again, its detections changed.
        let again: Vec<TrailEvent> = (0..40)
            .step_by(2)
            .map(|i| event(&format!("e{i}"), i as i64, &["key-for-other"]))
            .collect();
        s.apply(Update::Events(again));
        check(&s, "rewritten");
        s.apply(Update::Marked(vec![
            ("e1".into(), "burst".into()),
            ("e1".into(), "burst".into()),
            ("e3".into(), "trail-stopped".into()),
            ("nowhere".into(), "burst".into()),
        ]));
        check(&s, "marked");
        assert_eq!(s.flagged_events().events(), 40 - 9);
        // The twenty oldest (minutes 20 to 39 ago) leave.
        assert!(s.retire_events(crate::test_support::now() - chrono::Duration::minutes(20)));
        check(&s, "retired");
        assert_eq!(
            s.flagged_events().detections().collect::<Vec<_>>(),
            ["burst", "key-for-other", "root-login", "trail-stopped"]
        );
    }
}
