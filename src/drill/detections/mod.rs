//! Detections over CloudTrail activity: Sigma rules ([`rules`]) judged on each event
//! ([`view`], with rampart's computed fields from [`derived`]) and correlation rules slid
//! over a batch sorted by time ([`window`]), leaving stable rule ids on the events they
//! fire on.
//!
//! The contract (`../shared/design.md` section 6): a call that failed (`errorCode` set)
//! fires only rules about failures; "another user" means the key's owner is not the
//! caller, whatever the caller is. A rule is only tried on the events whose name it can
//! fire on ([`gate`]); a record is decoded only when a rule needs more than the columns.

pub mod derived;
mod gate;
mod meta;
mod projection;
pub mod rules;
mod view;
mod window;

pub use rules::{FiresOn, Problem, Rule, RuleSet};
pub use window::Carry;

use crate::model::TrailEvent;
use chrono::Duration;
use rsigma_eval::Event;
use rsigma_parser::ConditionOperator;
use std::collections::HashSet;
use std::sync::Arc;

/// The rule set and its tunable parts, from `[detections]` in the config.
#[derive(Debug, Clone)]
pub struct Detector {
    /// Failed sign-ins that make a burst, and the window.
    pub failed_logins: usize,
    pub failed_login_window: Duration,
    pub access_denied: usize,
    pub access_denied_window: Duration,
    /// Accounts inside the organization (the configured ones); the recipients of the
    /// events judged together always count too.
    pub inside: HashSet<String>,
    pub rules: Arc<RuleSet>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector {
            failed_logins: 5,
            failed_login_window: Duration::minutes(10),
            access_denied: 10,
            access_denied_window: Duration::minutes(10),
            inside: HashSet::new(),
            rules: RuleSet::builtin(),
        }
    }
}

/// What one pass cost, for the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Rule evaluations (a rule tried on an event past its gate).
    pub evaluations: u64,
    /// Records decoded because a rule needed more than the columns.
    pub decoded: u64,
}

impl Detector {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// Fills every event's `detections` (replacing what was there).
    pub fn run(&self, events: &mut [TrailEvent]) {
        let _ = self.run_counted(events);
    }

    /// [`Detector::run`], saying what it cost.
    pub fn run_counted(&self, events: &mut [TrailEvent]) -> Cost {
        self.run_carrying(events, None)
    }

    /// [`Detector::run`], keeping the correlations' matches in `carry` for
    /// [`Detector::settle`], which sees windows across batches.
    pub fn run_carrying(&self, events: &mut [TrailEvent], mut carry: Option<&mut Carry>) -> Cost {
        // Each account once (a copy per event was a million allocations in a replay), held
        // apart from `events`, which are marked below.
        let mut recipients = Vec::new();
        {
            let mut seen: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
            for e in events.iter() {
                if !e.account_id.is_empty() && seen.insert(&e.account_id) {
                    recipients.push(e.account_id.clone());
                }
            }
        }
        let mut inside: HashSet<&str> = self.inside.iter().map(String::as_str).collect();
        inside.extend(recipients.iter().map(|a| a.as_str()));

        let set = &*self.rules;
        let matches = self.judge_all(events, &inside);
        let mut cost = Cost::default();
        let mut feeds: Vec<Vec<window::Feed>> = vec![Vec::new(); set.windows.len()];
        for (i, (hits, c)) in matches.iter().enumerate() {
            cost.evaluations += c.evaluations;
            cost.decoded += c.decoded;
            for &s in hits {
                let single = &set.singles[s];
                if single.marks {
                    add(&mut events[i], &set.rules[single.rule].id);
                }
                for &w in &single.feeds {
                    let win = &set.windows[w];
                    let view = view::View::new(&events[i], &inside, &set.projection);
                    let group = win
                        .group_by
                        .iter()
                        .map(|f| view.get_field(f).map(key_text).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("\u{1f}");
                    let value = match &win.kind {
                        window::Kind::Values(f) => view.get_field(f).map(key_text),
                        _ => None,
                    };
                    let feed = window::Feed {
                        event: i,
                        time: events[i].event_time,
                        slot: win.slot_of(s),
                        group,
                        value,
                    };
                    if let Some(c) = carry.as_deref_mut() {
                        c.keep(w, &events[i].event_id, &feed);
                    }
                    feeds[w].push(feed);
                }
            }
        }
        for (w, feed) in feeds.into_iter().enumerate() {
            if feed.is_empty() {
                continue;
            }
            let win = &set.windows[w];
            let id = &set.rules[win.rule].id;
            let (predicates, span) = self.tuned(id, win);
            for i in window::mark(&win.kind, span, &predicates, feed) {
                add(&mut events[i], id);
                if let Some(c) = carry.as_deref_mut() {
                    c.already(&events[i].event_id, w);
                }
            }
        }
        cost
    }

    /// The correlations over everything `carry` kept: (event id, rule id) for each event
    /// a window marks that its own batch did not.
    pub fn settle(&self, carry: &mut Carry) -> Vec<(String, String)> {
        let set = &*self.rules;
        carry
            .settle(|w| {
                let win = &set.windows[w];
                let (predicates, span) = self.tuned(&set.rules[win.rule].id, win);
                (win.kind.clone(), span, predicates)
            })
            .into_iter()
            .map(|(event, w)| (event, set.rules[set.windows[w].rule].id.clone()))
            .collect()
    }

    /// The widest correlation window: how long a live source keeps matches.
    pub fn horizon(&self) -> Duration {
        let set = &*self.rules;
        set.windows
            .iter()
            .map(|w| self.tuned(&set.rules[w.rule].id, w).1)
            .max()
            .unwrap_or_else(Duration::zero)
    }

    /// The two burst rules take their thresholds from `[detections]`.
    fn tuned(&self, id: &str, w: &window::Window) -> (Vec<(ConditionOperator, u64)>, Duration) {
        let gte = |n: usize| vec![(ConditionOperator::Gte, n.max(1) as u64)];
        match id {
            "console-login-failures" => (gte(self.failed_logins), self.failed_login_window),
            "access-denied-spree" => (gte(self.access_denied), self.access_denied_window),
            _ => (w.predicates.clone(), w.span),
        }
    }

    /// The single rules each event matches; large batches are split across the cores.
    fn judge_all(
        &self,
        events: &mut [TrailEvent],
        inside: &HashSet<&str>,
    ) -> Vec<(Vec<usize>, Cost)> {
        for e in events.iter_mut() {
            e.detections.clear();
        }
        let events: &[TrailEvent] = events;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        if events.len() < 20_000 || threads < 2 {
            return events.iter().map(|e| self.judge(e, inside)).collect();
        }
        let chunk = events.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = events
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|e| self.judge(e, inside))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|p| p.join().unwrap_or_default())
                .collect()
        })
    }

    fn judge(&self, e: &TrailEvent, inside: &HashSet<&str>) -> (Vec<usize>, Cost) {
        let set = &*self.rules;
        // On the stack: event names are short (a heap copy per event was a million).
        let mut name = [0u8; 64];
        let heap;
        let lower: &str = match name.get_mut(..e.event_name.len()) {
            Some(buf) => {
                buf.copy_from_slice(e.event_name.as_bytes());
                buf.make_ascii_lowercase();
                std::str::from_utf8(buf).unwrap_or_default()
            }
            None => {
                heap = e.event_name.to_ascii_lowercase();
                &heap
            }
        };
        let failed = e.failed();
        let mut hits = Vec::new();
        let mut cost = Cost::default();
        let exact = set.by_name.get(lower).map(Vec::as_slice).unwrap_or(&[]);
        let prefixed = set
            .by_prefix
            .iter()
            .filter(|(names, _)| names.admits(lower))
            .map(|(_, i)| *i);
        let candidates = exact
            .iter()
            .copied()
            .chain(prefixed)
            .chain(set.ungated.iter().copied());
        let view = view::View::new(e, inside, &set.projection);
        for s in candidates {
            let single = &set.singles[s];
            if !single.fires_on.admits(failed) {
                continue;
            }
            cost.evaluations += 1;
            if rsigma_eval::evaluate_rule(&single.compiled, &view).is_some() {
                hits.push(s);
            }
        }
        cost.decoded = u64::from(view.was_decoded());
        (hits, cost)
    }
}

fn add(e: &mut TrailEvent, id: &str) {
    if !e.detections.iter().any(|d| d == id) {
        e.detections.push(id.into());
    }
}

/// A group or counted value as text (an absent field is the empty group).
fn key_text(v: rsigma_eval::EventValue<'_>) -> String {
    match v.as_str() {
        Some(s) => s.into_owned(),
        None => v.to_json().to_string(),
    }
}

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
mod stratus_tests;
#[cfg(test)]
mod tests;
