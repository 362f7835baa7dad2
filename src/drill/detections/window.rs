//! Sigma correlation rules over a batch of events: sliding windows per group.
//!
//! rsigma parses the correlations; rampart slides the windows itself because it marks
//! every event of a window that meets the condition (a responder wants the twenty failed
//! sign-ins, not only the one that crossed the threshold), in one pass over the events
//! sorted by time: each event is marked at most once per group, so a million failures in
//! one window cost a million marks, not a million squared.

use chrono::{DateTime, Duration, Utc};
use rsigma_parser::{
    ConditionOperator, CorrelationCondition, CorrelationRule, CorrelationType, WindowMode,
};
use std::collections::HashMap;

/// What a window counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Events (`event_count`).
    Events,
    /// Distinct values of a field (`value_count`).
    Values(String),
    /// Distinct referenced rules that matched (`temporal`).
    Rules,
}

#[derive(Debug, Clone)]
pub struct Window {
    /// Index into the rule set's rules.
    pub rule: usize,
    pub kind: Kind,
    /// The single rules each reference of `rules:` found (one reference may name
    /// several documents).
    pub bases: Vec<Vec<usize>>,
    pub group_by: Vec<String>,
    pub span: Duration,
    pub predicates: Vec<(ConditionOperator, u64)>,
}

/// Whether rampart can run this correlation, and why not.
pub fn supported(c: &CorrelationRule) -> Result<(), String> {
    if c.window != WindowMode::Sliding {
        return Err(format!(
            "window `{}` is not supported; rampart slides its windows (window: sliding)",
            c.window.as_str()
        ));
    }
    if !c.aliases.is_empty() {
        return Err("field aliases are not supported; group by one field name".into());
    }
    let CorrelationCondition::Threshold { field, .. } = &c.condition else {
        return Err("only threshold conditions (gte, gt, lte, lt, eq, neq) are supported".into());
    };
    match c.correlation_type {
        CorrelationType::EventCount | CorrelationType::Temporal => Ok(()),
        CorrelationType::ValueCount if field.as_ref().is_some_and(|f| f.len() == 1) => Ok(()),
        CorrelationType::ValueCount => {
            Err("value_count needs one `field` in its condition".into())
        }
        other => Err(format!(
            "correlation type `{}` is not supported; rampart runs event_count, value_count and temporal",
            other.as_str()
        )),
    }
}

impl Window {
    /// `c` passed [`supported`].
    pub fn new(rule: usize, c: &CorrelationRule, bases: Vec<Vec<usize>>) -> Window {
        let (predicates, field) = match &c.condition {
            CorrelationCondition::Threshold {
                predicates, field, ..
            } => (predicates.clone(), field.clone()),
            CorrelationCondition::Extended(_) => (Vec::new(), None),
        };
        let kind = match c.correlation_type {
            CorrelationType::ValueCount => {
                Kind::Values(field.and_then(|f| f.into_iter().next()).unwrap_or_default())
            }
            CorrelationType::Temporal => Kind::Rules,
            _ => Kind::Events,
        };
        let predicates = if predicates.is_empty() {
            // A temporal correlation without a condition wants every referenced rule.
            vec![(ConditionOperator::Gte, bases.len() as u64)]
        } else {
            predicates
        };
        Window {
            rule,
            kind,
            bases,
            group_by: c.group_by.clone(),
            span: Duration::seconds(c.timespan.seconds.min(i64::MAX as u64 / 1000) as i64),
            predicates,
        }
    }

    /// The position in `rules:` of a base rule (for temporal windows).
    pub fn slot_of(&self, single: usize) -> usize {
        self.bases
            .iter()
            .position(|b| b.contains(&single))
            .unwrap_or(0)
    }
}

/// One base-rule match fed to a window.
#[derive(Debug, Clone)]
pub struct Feed {
    pub event: usize,
    pub time: DateTime<Utc>,
    /// Which reference of `rules:` matched.
    pub slot: usize,
    /// The group: the values of `group-by`, joined.
    pub group: String,
    /// The counted field's value (`value_count`).
    pub value: Option<String>,
}

/// The events to mark: every event of every window (per group, `span` wide) whose count
/// meets all `predicates`.
pub fn mark(
    kind: &Kind,
    span: Duration,
    predicates: &[(ConditionOperator, u64)],
    feed: Vec<Feed>,
) -> Vec<usize> {
    let mut groups: HashMap<String, Vec<Feed>> = HashMap::new();
    for f in feed {
        groups.entry(f.group.clone()).or_default().push(f);
    }
    let mut out = Vec::new();
    for (_, mut g) in groups {
        g.sort_by_key(|f| (f.time, f.event, f.slot));
        if *kind == Kind::Events {
            // An event that matched two of the referenced rules counts once.
            g.dedup_by_key(|f| f.event);
        }
        let mut tally = Tally::default();
        let mut start = 0;
        // Everything before this position is already marked.
        let mut marked = 0;
        for end in 0..g.len() {
            tally.add(kind, &g[end]);
            while g[end].time - g[start].time > span {
                tally.remove(kind, &g[start]);
                start += 1;
            }
            let n = tally.count(kind, end + 1 - start);
            if predicates.iter().all(|&(op, v)| holds(op, n, v)) {
                out.extend(g[start.max(marked)..=end].iter().map(|f| f.event));
                marked = end + 1;
            }
        }
    }
    out
}

fn holds(op: ConditionOperator, n: u64, v: u64) -> bool {
    match op {
        ConditionOperator::Lt => n < v,
        ConditionOperator::Lte => n <= v,
        ConditionOperator::Gt => n > v,
        ConditionOperator::Gte => n >= v,
        ConditionOperator::Eq => n == v,
        ConditionOperator::Neq => n != v,
    }
}

/// What is in the window now: values or rules seen, with how often.
#[derive(Default)]
struct Tally {
    seen: HashMap<String, usize>,
    slots: HashMap<usize, usize>,
}

impl Tally {
    fn add(&mut self, kind: &Kind, f: &Feed) {
        match kind {
            Kind::Events => {}
            Kind::Values(_) => {
                if let Some(v) = &f.value {
                    *self.seen.entry(v.clone()).or_default() += 1;
                }
            }
            Kind::Rules => *self.slots.entry(f.slot).or_default() += 1,
        }
    }

    fn remove(&mut self, kind: &Kind, f: &Feed) {
        fn drop_one<K: std::hash::Hash + Eq>(m: &mut HashMap<K, usize>, k: &K) {
            if let Some(n) = m.get_mut(k) {
                *n -= 1;
                if *n == 0 {
                    m.remove(k);
                }
            }
        }
        match kind {
            Kind::Events => {}
            Kind::Values(_) => {
                if let Some(v) = &f.value {
                    drop_one(&mut self.seen, v);
                }
            }
            Kind::Rules => drop_one(&mut self.slots, &f.slot),
        }
    }

    fn count(&self, kind: &Kind, events: usize) -> u64 {
        match kind {
            Kind::Events => events as u64,
            Kind::Values(_) => self.seen.len() as u64,
            Kind::Rules => self.slots.len() as u64,
        }
    }
}

/// A window's matches kept across batches, so a burst split over two evidence files or
/// two polls is seen whole.
#[derive(Default)]
pub struct Carry {
    /// Per correlation, per group: the matches kept.
    kept: HashMap<usize, HashMap<String, Vec<Kept>>>,
    /// Groups that took a match since the last settling.
    dirty: std::collections::HashSet<(usize, String)>,
    /// Events already marked by a correlation (event id, correlation).
    marked: std::collections::HashSet<(String, usize)>,
}

struct Kept {
    event_id: String,
    time: DateTime<Utc>,
    slot: usize,
    value: Option<String>,
}

impl Carry {
    pub(super) fn keep(&mut self, window: usize, event_id: &str, f: &Feed) {
        self.kept
            .entry(window)
            .or_default()
            .entry(f.group.clone())
            .or_default()
            .push(Kept {
                event_id: event_id.to_string(),
                time: f.time,
                slot: f.slot,
                value: f.value.clone(),
            });
        self.dirty.insert((window, f.group.clone()));
    }

    pub(super) fn already(&mut self, event_id: &str, window: usize) -> bool {
        !self.marked.insert((event_id.to_string(), window))
    }

    /// The windows of the groups that changed, over everything kept: the events each
    /// marks that were not marked before, as (event id, correlation).
    pub(super) fn settle(
        &mut self,
        kind_of: impl Fn(usize) -> (Kind, Duration, Vec<(ConditionOperator, u64)>),
    ) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        let dirty: Vec<(usize, String)> = self.dirty.drain().collect();
        for (w, group) in dirty {
            let Some(kept) = self.kept.get(&w).and_then(|g| g.get(&group)) else {
                continue;
            };
            let feed = kept
                .iter()
                .enumerate()
                .map(|(i, k)| Feed {
                    event: i,
                    time: k.time,
                    slot: k.slot,
                    group: String::new(),
                    value: k.value.clone(),
                })
                .collect();
            let (kind, span, predicates) = kind_of(w);
            let ids: Vec<String> = mark(&kind, span, &predicates, feed)
                .into_iter()
                .map(|i| kept[i].event_id.clone())
                .collect();
            for id in ids {
                if self.marked.insert((id.clone(), w)) {
                    out.push((id, w));
                }
            }
        }
        out
    }

    /// Drops matches older than `before`: a live source keeps only what a window can
    /// still reach.
    pub fn forget_before(&mut self, before: DateTime<Utc>) {
        for groups in self.kept.values_mut() {
            groups.retain(|_, kept| {
                kept.retain(|k| k.time >= before);
                !kept.is_empty()
            });
        }
    }

    /// How many matches are kept (for the live source's memory and the tests).
    pub fn len(&self) -> usize {
        self.kept
            .values()
            .flat_map(|g| g.values())
            .map(Vec::len)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Carry {
    /// Takes in what another batch kept (batches judged in parallel, settled together).
    pub fn merge(&mut self, other: Carry) {
        for (w, groups) in other.kept {
            let mine = self.kept.entry(w).or_default();
            for (g, kept) in groups {
                mine.entry(g).or_default().extend(kept);
            }
        }
        self.dirty.extend(other.dirty);
        self.marked.extend(other.marked);
    }
}
