//! One drill: what it practises, its clock and milestones (started, first log, first
//! finding, acknowledged, contained, closed), the runbook as a checklist, timestamped notes,
//! and what the console saw arrive.
//!
//! A drill is the fold of its journal's entries ([`Entry`]): everything that happens to it
//! is an entry, written to disk before it is shown, so a drill rebuilt from its journal
//! after a crash is the drill that was on screen.

use crate::drill::runbook::Runbook;
use crate::model::{Finding, TrailEvent};
use chrono::{DateTime, Duration, Utc};

pub use crate::model::drill::{Entry, Kind, Milestone};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub done: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drill {
    pub id: String,
    pub runbook: String,
    pub title: String,
    pub kind: Kind,
    pub by: String,
    pub deadline: DateTime<Utc>,
    /// Expected detections and finding patterns (detection drills).
    pub detections: Vec<String>,
    pub findings: Vec<String>,
    pub milestones: Vec<(Milestone, DateTime<Utc>)>,
    /// (what, when it arrived, when it happened).
    pub seen: Vec<(String, DateTime<Utc>, DateTime<Utc>)>,
    pub steps: Vec<Step>,
    pub notes: Vec<(DateTime<Utc>, String)>,
    pub injected: Option<String>,
    /// The Stratus Red Team technique a detection drill plays.
    pub stratus: Option<String>,
}

impl Drill {
    /// A drill's state from its journal; `None` without a `Started` first.
    pub fn replay<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Option<Drill> {
        let mut entries = entries.into_iter();
        let Some(Entry::Started {
            id,
            runbook,
            title,
            kind,
            at,
            deadline,
            detections,
            findings,
            steps,
            by,
            injected,
            stratus,
        }) = entries.next()
        else {
            return None;
        };
        let mut d = Drill {
            id: id.clone(),
            runbook: runbook.clone(),
            title: title.clone(),
            kind: *kind,
            by: by.clone(),
            deadline: *deadline,
            detections: detections.clone(),
            findings: findings.clone(),
            milestones: vec![(Milestone::Started, *at)],
            seen: Vec::new(),
            steps: steps
                .iter()
                .map(|s| Step {
                    text: s.clone(),
                    done: None,
                })
                .collect(),
            notes: Vec::new(),
            injected: injected.clone(),
            stratus: stratus.clone(),
        };
        for e in entries {
            d.apply(e);
        }
        Some(d)
    }

    pub fn apply(&mut self, e: &Entry) {
        match e {
            Entry::Started { .. } => {}
            Entry::Tick { step, done, at } => {
                if let Some(s) = self.steps.get_mut(*step) {
                    s.done = done.then_some(*at);
                }
            }
            Entry::Note { text, at } => self.notes.push((*at, text.clone())),
            Entry::Milestone { milestone, at } => {
                if self.at(*milestone).is_none() {
                    self.milestones.push((*milestone, *at));
                    self.milestones.sort();
                }
            }
            Entry::Seen { what, at, happened } => {
                if !self.seen.iter().any(|(w, _, _)| w == what) {
                    self.seen.push((what.clone(), *at, *happened));
                }
            }
        }
    }

    /// A new drill of `runbook` started at `now`: the checklist is its containment and
    /// recovery steps; a detection drill expects its scenario's detections and findings.
    pub fn start_entry(
        id: String,
        rb: &Runbook,
        kind: Kind,
        scenario: Option<&super::scenario::Scenario>,
        by: &str,
        now: DateTime<Utc>,
        injected: Option<String>,
    ) -> Entry {
        let (detections, findings, minutes) = match (kind, scenario) {
            (Kind::Detection, Some(s)) => (
                s.detections.iter().map(|d| d.to_string()).collect(),
                s.findings.iter().map(|f| f.to_string()).collect(),
                s.deadline_minutes,
            ),
            _ => (Vec::new(), Vec::new(), 30),
        };
        let steps = ["Contain", "Recover"]
            .iter()
            .flat_map(|s| rb.section(s).iter())
            .filter_map(|l| {
                let l = l.trim();
                let (n, text) = l.split_once(". ")?;
                n.chars()
                    .all(|c| c.is_ascii_digit())
                    .then(|| text.to_string())
            })
            .collect();
        Entry::Started {
            id,
            runbook: rb.id.clone(),
            title: rb.title.clone(),
            kind,
            at: now,
            deadline: now + Duration::minutes(minutes),
            detections,
            findings,
            steps,
            by: by.to_string(),
            injected,
            stratus: scenario
                .filter(|_| kind == Kind::Detection)
                .map(|s| s.stratus.to_string()),
        }
    }

    pub fn at(&self, m: Milestone) -> Option<DateTime<Utc>> {
        self.milestones
            .iter()
            .find(|(x, _)| *x == m)
            .map(|(_, t)| *t)
    }

    pub fn started(&self) -> DateTime<Utc> {
        self.at(Milestone::Started).unwrap_or(self.deadline)
    }

    pub fn is_closed(&self) -> bool {
        self.at(Milestone::Closed).is_some()
    }

    /// Time to detect: a detection drill's first log or finding; a tabletop drill's
    /// acknowledgement (the synthetic finding is there from the start).
    pub fn time_to_detect(&self) -> Option<Duration> {
        let detected = match self.kind {
            Kind::Detection => [Milestone::FirstLog, Milestone::FirstFinding]
                .iter()
                .filter_map(|m| self.at(*m))
                .min(),
            Kind::Tabletop => self.at(Milestone::Acknowledged),
        };
        detected.map(|t| t - self.started())
    }

    pub fn time_to(&self, m: Milestone) -> Option<Duration> {
        self.at(m).map(|t| t - self.started())
    }

    /// Expected detections and findings that have not arrived.
    pub fn missing(&self) -> Vec<String> {
        self.expected()
            .into_iter()
            .filter(|w| !self.seen.iter().any(|(s, _, _)| s == w))
            .collect()
    }

    fn expected(&self) -> Vec<String> {
        self.detections
            .iter()
            .map(|d| format!("detection {d}"))
            .chain(self.findings.iter().map(|f| format!("finding {f}")))
            .collect()
    }

    /// What the store shows that the drill was waiting for: events with an expected
    /// detection and findings of an expected type, since the drill started and before its
    /// deadline, not seen before; with the first-log and first-finding milestones.
    pub fn observe(
        &self,
        events: &[TrailEvent],
        findings: &[Finding],
        now: DateTime<Utc>,
    ) -> Vec<Entry> {
        if self.is_closed() || self.kind != Kind::Detection || now > self.deadline {
            return Vec::new();
        }
        let start = self.started();
        let mut out = Vec::new();
        let mut note = |what: String, happened: DateTime<Utc>, milestone: Milestone| {
            let known = self.seen.iter().any(|(w, _, _)| *w == what)
                || out
                    .iter()
                    .any(|e| matches!(e, Entry::Seen { what: w, .. } if *w == what));
            if known {
                return;
            }
            out.push(Entry::Seen {
                what,
                at: now,
                happened,
            });
            let reached = self.at(milestone).is_some()
                || out
                    .iter()
                    .any(|e| matches!(e, Entry::Milestone { milestone: m, .. } if *m == milestone));
            if !reached {
                out.push(Entry::Milestone { milestone, at: now });
            }
        };
        for d in &self.detections {
            let hit = events
                .iter()
                .filter(|e| e.event_time >= start && e.detections.iter().any(|x| x == d))
                .map(|e| e.event_time)
                .min();
            if let Some(t) = hit {
                note(format!("detection {d}"), t, Milestone::FirstLog);
            }
        }
        for pattern in &self.findings {
            // Without regard to punctuation, as runbooks match: GuardDuty's own type and
            // Security Hub's copy of it both count.
            let squashed = super::runbook::squash(pattern);
            let hit = findings
                .iter()
                // Seen by its product since the start: a triage or an unrelated update of an
                // old finding moves UpdatedAt, not LastObservedAt.
                .filter(|f| f.last_observed_at.or(f.created_at).unwrap_or(f.updated_at) >= start)
                .filter(|f| {
                    f.types
                        .iter()
                        .any(|t| crate::util::glob::glob_ci(&squashed, &super::runbook::squash(t)))
                })
                .map(|f| f.first_observed_at.unwrap_or(f.updated_at))
                .min();
            if let Some(t) = hit {
                note(format!("finding {pattern}"), t, Milestone::FirstFinding);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
