//! Triage in the console: `space` marks findings, `:resolve`, `:suppress`, `:notify`,
//! `:reopen` (each with an optional note) and `:comment NOTE` change the marked ones (or
//! the one selected), after a confirmation that names the count, the accounts and the
//! change. The new state shows at once, pending until a poll shows it back.

use super::{Action, App, Pane};
use crate::feed::Command;
use crate::model::triage::{Change, Outcome, Target, TriageRequest};
use crate::model::WorkflowStatus;
use std::collections::BTreeMap;

/// A write waiting for `y`.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub sends: Sends,
    /// What will happen, in lines, for the overlay.
    pub lines: Vec<String>,
}

/// What `y` sends.
#[derive(Debug, Clone)]
pub enum Sends {
    Triage(TriageRequest),
    /// A tabletop drill's finding into Security Hub.
    Import(Box<crate::model::triage::DrillFinding>),
    /// Close the running drill although steps are unticked (nothing leaves rampart).
    CloseDrill,
}

impl Confirm {
    /// The triage it sends, if it is one.
    pub fn triage(&self) -> Option<&TriageRequest> {
        match &self.sends {
            Sends::Triage(t) => Some(t),
            Sends::Import(_) | Sends::CloseDrill => None,
        }
    }
}

impl App {
    /// Which known accounts writes leave alone, and the `[writes] read_only` patterns that
    /// match no known account; `None` when writes are off or nothing is read-only.
    pub fn writes_summary(&self) -> Option<String> {
        let policy = &self.settings.writes;
        if !policy.allowed || policy.read_only.is_empty() {
            return None;
        }
        let accounts: Vec<(&str, &str)> = self
            .store
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_str()))
            .collect();
        let (protected, unmatched) = policy.read_only_accounts(accounts.iter().copied());
        let mut text = match protected.len() {
            0 => "writes allowed; no known account is read-only".to_string(),
            n => format!(
                "writes allowed; read-only: {} ({n} account{})",
                protected.join(", "),
                if n == 1 { "" } else { "s" }
            ),
        };
        if !unmatched.is_empty() {
            let list: Vec<String> = unmatched.iter().map(|p| format!("`{p}`")).collect();
            text.push_str(&format!(
                "; [writes] read_only {} matches no known account",
                list.join(", ")
            ));
        }
        Some(crate::util::sanitize::clean(&text).into_owned())
    }

    /// `space`: marks the selected finding (or unmarks it) and moves to the next row.
    pub(super) fn toggle_mark(&mut self) {
        let Some((Pane::Findings, row)) = self.current_row() else {
            self.say("space marks findings for triage (pane 1)");
            return;
        };
        let Some(f) = self.store.findings.get(row) else {
            return;
        };
        let hash = crate::store::row_hash(f);
        if !self.panes.marked.remove(&hash) {
            self.panes.marked.insert(hash);
        }
        let n = self.panes.marked.len();
        self.say(format!(
            "{n} marked · :resolve :suppress :notify :reopen [NOTE] · :comment NOTE"
        ));
    }

    /// The findings (table rows) a triage applies to: the marked ones, or the finding open
    /// in detail or selected.
    fn triage_rows(&self) -> Vec<u32> {
        if !self.panes.marked.is_empty() {
            let mut rows: Vec<u32> = self
                .panes
                .marked
                .iter()
                .filter_map(|&h| self.store.findings.position_of_hash(h))
                .collect();
            rows.sort_unstable();
            return rows;
        }
        match self.current_row() {
            Some((Pane::Findings, row)) => vec![row],
            _ => Vec::new(),
        }
    }

    /// A triage command: checks what can be sent and asks for confirmation.
    pub(super) fn start_triage(&mut self, status: Option<WorkflowStatus>, note: &str) {
        if self.panes.marked.is_empty()
            && self.overlays.detail.is_none()
            && (self.panes.overview || self.summary_shown())
        {
            return self.say(
                "triage needs findings: mark them with space in the list, or open one with Enter",
            );
        }
        let change = match Change::new(status, note) {
            Ok(c) => c,
            Err(e) => return self.say(e.to_string()),
        };
        if self.settings.mode_label == "replay" {
            return self.say("replay is read-only: evidence files are not Security Hub");
        }
        let policy = &self.settings.writes;
        if !policy.allowed {
            return self.say(crate::model::triage::TriageError::WritesOff.to_string());
        }
        let rows = self.triage_rows();
        if rows.is_empty() {
            return self.say("no finding selected or marked (space marks)");
        }
        let mut targets = Vec::new();
        let mut records = Vec::new();
        let mut accounts: BTreeMap<String, usize> = BTreeMap::new();
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let mut replaced = Vec::new();
        let mut drills = 0;
        for row in rows {
            let Some(f) = self.store.findings.get(row) else {
                continue;
            };
            // A drill's synthetic finding is not in Security Hub (unless imported, and then
            // its imported copy is triaged).
            if f.generator_id.starts_with("rampart-drill/") && &*f.product == "rampart drill" {
                drills += 1;
                continue;
            }
            let name = self.store.accounts.name(&f.account_id).to_string();
            let target = Target::of(f, &name);
            if policy.refuses(&target).is_some() {
                *skipped.entry(name).or_default() += 1;
                continue;
            }
            if change.note.is_some() {
                if let Some((text, by)) = crate::store::pending::hub_note(f) {
                    replaced.push((text, by));
                }
            }
            *accounts.entry(name).or_default() += 1;
            targets.push(target);
            records.push(f.clone());
        }
        let listed = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(a, n)| format!("{} ({n})", crate::util::sanitize::clean(a)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if targets.is_empty() && drills > 0 && skipped.is_empty() {
            return self.say("a drill's own finding is not in Security Hub: nothing to send");
        }
        if targets.is_empty() {
            return self.say(format!(
                "nothing to send: read-only accounts ([writes] read_only): {}",
                listed(&skipped)
            ));
        }
        let n = targets.len();
        let mut lines = vec![
            format!("Set {}", change.describe()),
            format!(
                "on {n} finding{} in {} account{}: {}",
                plural(n),
                accounts.len(),
                plural(accounts.len()),
                listed(&accounts)
            ),
        ];
        if !replaced.is_empty() {
            let (text, by) = &replaced[0];
            let short: String = text.chars().take(30).collect();
            let by = if by.is_empty() { "unknown" } else { by };
            lines.push(format!(
                "Replaces the Security Hub note on {} finding{} (\"{short}\" by {by}{})",
                replaced.len(),
                plural(replaced.len()),
                if replaced.len() > 1 { ", …" } else { "" }
            ));
        }
        if !skipped.is_empty() {
            lines.push(format!("Skipped, read-only: {}", listed(&skipped)));
        }
        // A call per account and region (fewer through an aggregator), 100 findings each.
        let mut routes: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for t in &targets {
            *routes.entry((&t.account_id, &t.region)).or_default() += 1;
        }
        let calls: usize = routes
            .values()
            .map(|n| n.div_ceil(crate::model::triage::BATCH))
            .sum();
        lines.push(format!(
            "BatchUpdateFindings, at most {calls} call{}, each in the audit log",
            plural(calls)
        ));
        self.outbox.next_request += 1;
        self.overlays.confirm = Some(Confirm {
            sends: Sends::Triage(TriageRequest {
                id: self.outbox.next_request,
                targets,
                change,
                updated_by: self.settings.user.clone(),
                records,
            }),
            lines,
        });
    }

    /// A key while the confirmation is open: `y` sends, anything else cancels.
    pub(super) fn confirm_action(&mut self, action: Action) {
        let Some(confirm) = self.overlays.confirm.take() else {
            return;
        };
        match (action, confirm.sends) {
            (Action::Copy { link: false }, Sends::Import(f)) => {
                self.say("importing the drill finding into Security Hub…");
                self.outbox.commands.push(Command::Import(f));
            }
            (Action::Copy { link: false }, Sends::CloseDrill) => self.close_drill_now(),
            (_, Sends::CloseDrill) => self.say("the drill goes on"),
            (Action::Copy { link: false }, Sends::Triage(req)) => {
                let now = self.clock.now();
                self.store.now = Some(now);
                for t in &req.targets {
                    self.store
                        .begin_triage(t.key_hash(), req.id, &req.change, now);
                }
                self.view_mut(Pane::Findings).invalidate_sort();
                self.say(format!(
                    "sent {} finding{}: pending* until a poll shows the change",
                    req.targets.len(),
                    plural(req.targets.len()),
                ));
                self.outbox.commands.push(Command::Triage(Box::new(req)));
                self.panes.marked.clear();
            }
            (Action::Resize(w, h), sends) => {
                self.size = (w, h);
                self.overlays.confirm = Some(Confirm {
                    sends,
                    lines: confirm.lines,
                });
            }
            (Action::Quit, _) => self.should_quit = true,
            _ => self.say("cancelled: nothing sent"),
        }
    }

    /// A command no source could take (its queue was full): the triage goes back, the
    /// lookup fails, and the operator is told to try again.
    pub fn undeliverable(&mut self, command: Command) {
        const WHY: &str = "not sent: the source was busy; try again";
        match command {
            Command::Triage(req) => {
                let outcome = Outcome {
                    request: req.id,
                    results: req
                        .targets
                        .iter()
                        .map(|t| (t.key_hash(), Err(WHY.to_string())))
                        .collect(),
                    calls: 0,
                };
                self.apply(crate::feed::Update::Triaged(outcome));
            }
            Command::Lookup(l) => {
                self.apply(crate::feed::Update::Looked(crate::model::lookup::Looked {
                    id: l.id,
                    event_ids: Vec::new(),
                    error: Some(WHY.into()),
                    offline: None,
                }));
            }
            Command::Import(f) => {
                let hash = crate::model::key::key_hash(&crate::model::Finding::key_of(
                    &f.id,
                    &f.product_arn(),
                ));
                self.apply(crate::feed::Update::Imported(Outcome {
                    request: f.request,
                    results: vec![(hash, Err(WHY.to_string()))],
                    calls: 0,
                }));
            }
            Command::Refresh | Command::Drill(_) => {}
        }
    }

    /// What became of a triage, in the status line.
    pub(super) fn report_outcome(&mut self, outcome: &Outcome) {
        let ok = outcome.accepted();
        let failed: Vec<&String> = outcome
            .results
            .iter()
            .filter_map(|(_, r)| r.as_ref().err())
            .collect();
        let text = match failed.first() {
            None => format!("Security Hub took {ok} finding{}", plural(ok)),
            Some(why) => format!(
                "Security Hub took {ok}, not {}: {}{}",
                failed.len(),
                crate::util::sanitize::clean(why),
                if failed.len() > 1 {
                    " (details on each)"
                } else {
                    ""
                }
            ),
        };
        self.say(text);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests;
