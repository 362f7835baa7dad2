//! Drills in the console: `:drill start RUNBOOK [tabletop|detection]`, the drill view on
//! the Drills pane (`d`): its clock, milestones, what arrived, the runbook as a checklist
//! (`space` ticks), notes (`n`), `a` acknowledged, `c` contained, `x` close with the
//! after-action report. Every change is an [`Entry`] journalled before it is shown.

use super::{Action, App, Pane, Prompt, PromptKind, Request};
use crate::drill::exercise::{Drill, Entry, Kind, Milestone};
use crate::feed::{Command, Update};

impl App {
    /// Applies an entry to the running drill and asks for it to be journalled.
    fn record(&mut self, entry: Entry) {
        let Some(d) = &mut self.drills.running else {
            return;
        };
        d.apply(&entry);
        self.outbox
            .requests
            .push(Request::Journal(d.id.clone(), Box::new(entry)));
    }

    /// `:drill …`: start, close, or show the drill view.
    pub(super) fn drill_command(&mut self, rest: &str) {
        let mut words = rest.split_whitespace();
        match words.next() {
            None => self.show_drill_view(),
            Some("start") => {
                let (Some(id), kind) = (words.next(), words.next()) else {
                    return self.say("drill start RUNBOOK|STRATUS-TECHNIQUE [tabletop|detection] (Tab lists them)");
                };
                self.start_drill(id, kind);
            }
            Some("close") => self.close_drill(),
            Some("import") => self.import_drill_finding(),
            Some(other) => self.say(format!(
                "drill what? start RUNBOOK [tabletop|detection], import, close, or nothing for the view (found `{}`)",
                crate::util::sanitize::clean(other)
            )),
        }
    }

    pub(super) fn show_drill_view(&mut self) {
        self.panes.overview = false;
        self.overlays.detail = None;
        self.panes.tab = Pane::Drills;
        self.drills.view = true;
    }

    fn start_drill(&mut self, runbook: &str, kind: Option<&str>) {
        if let Some(d) = &self.drills.running {
            return self.say(format!(
                "drill {} is running: close it first (x in the drill view, or :drill close)",
                d.id
            ));
        }
        // A Stratus Red Team technique plays that technique; a runbook its first one.
        let (runbook, scenario) = match crate::drill::scenario::by_stratus(runbook) {
            Some(s) => (s.runbook, Some(s)),
            None => (runbook, crate::drill::scenario::for_runbook(runbook)),
        };
        let Some(rb) = self.runbooks.get(runbook).cloned() else {
            return self.say(format!(
                "no runbook or Stratus technique `{}`: Tab lists them",
                crate::util::sanitize::clean(runbook)
            ));
        };
        let kind = match kind.map(Kind::parse) {
            None if scenario.is_some() => Kind::Detection,
            None => Kind::Tabletop,
            Some(Some(k)) => k,
            Some(None) => return self.say("the kind is tabletop or detection"),
        };
        if kind == Kind::Detection && scenario.is_none() {
            return self.say(format!(
                "{runbook} has no detection scenario (no attack simulation to watch for): run it as tabletop"
            ));
        }
        let now = self.clock.now();
        // The time, and a few bits no other start shares (two drills in one second, or two
        // runs with the same --now, must not share a journal).
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
            ^ std::process::id().rotate_left(16)
            ^ (self.outbox.next_request as u32);
        let id = format!(
            "drill-{}-{:04x}",
            now.format("%Y%m%dT%H%M%SZ"),
            salt & 0xffff
        );
        let injected = (kind == Kind::Tabletop).then(|| format!("rampart-drill/{id}"));
        let start = Drill::start_entry(
            id.clone(),
            &rb,
            kind,
            scenario,
            &self.settings.user,
            now,
            injected,
        );
        self.drills.running = Drill::replay([&start]);
        self.drills.cursor = 0;
        self.outbox
            .requests
            .push(Request::Journal(id.clone(), Box::new(start.clone())));
        if kind == Kind::Tabletop {
            // The synthetic finding is there from the first second.
            self.record(Entry::Milestone {
                milestone: Milestone::FirstFinding,
                at: now,
            });
        }
        self.inject_drill_finding();
        if kind == Kind::Detection {
            // The simulated organization plays the attack; live, the team runs it.
            self.outbox.commands.push(Command::Drill(Box::new(start)));
        }
        self.show_drill_view();
        let how = match (kind, scenario) {
            (Kind::Detection, Some(s)) => format!(
                "run Stratus Red Team `{}` now; watching for it until {}{}",
                s.stratus,
                self.settings
                    .time
                    .format_clock(now + chrono::Duration::minutes(s.deadline_minutes)),
                if s.blind.is_some() {
                    " (CloudTrail shows it only with S3 data events on: see the drill view)"
                } else {
                    ""
                }
            ),
            _ => "a drill finding is in the findings pane; a acknowledges it".to_string(),
        };
        self.say(format!("drill {id} started: {how}"));
    }

    /// A tabletop drill's synthetic finding, marked as a drill in its title and fields.
    pub(super) fn inject_drill_finding(&mut self) {
        let Some(d) = &self.drills.running else {
            return;
        };
        let Some(id) = &d.injected else {
            return;
        };
        let rb = self.runbooks.get(&d.runbook);
        let kind = rb
            .and_then(|rb| rb.types.first())
            .map(|t| t.replace('*', ""))
            .unwrap_or_else(|| "Drill".into());
        let severity = rb.map_or("HIGH", |rb| rb.severity.label());
        let account = self
            .store
            .accounts
            .iter()
            .map(|a| a.id.clone())
            .min()
            .unwrap_or_else(|| "000000000000".into());
        let at = d
            .started()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let v = serde_json::json!({
            "SchemaVersion": "2018-10-08",
            "Id": id,
            "ProductArn": "arn:aws:securityhub:us-east-1::product/rampart/drill",
            "ProductName": "rampart drill",
            "CompanyName": "rampart",
            "GeneratorId": format!("rampart-drill/{}", d.runbook),
            "AwsAccountId": account,
            "Region": "us-east-1",
            "Types": [format!("TTPs/Drill/{kind}")],
            "CreatedAt": at, "UpdatedAt": at, "FirstObservedAt": at, "LastObservedAt": at,
            "Severity": {"Label": severity},
            "Title": format!("[DRILL] {}", d.title),
            "Description": format!("A tabletop drill ({}), not a real finding. Practise runbook {}: press r.", d.id, d.runbook),
            "Resources": [{"Type": "Other", "Id": format!("rampart-drill/{}", d.id)}],
            "ProductFields": {"rampart/drill": d.id},
            "Workflow": {"Status": "NEW"},
            "RecordState": "ACTIVE",
        });
        if let Ok(f) = crate::model::asff::parse_value(&v) {
            self.apply(Update::Findings(vec![f]));
        }
    }

    /// `:drill import`: the tabletop drill's finding into Security Hub, after a confirmation
    /// (only with writes allowed, never into a read-only account).
    fn import_drill_finding(&mut self) {
        let Some(d) = &self.drills.running else {
            return self.say("no drill is running");
        };
        let Some(id) = d.injected.clone() else {
            return self.say("only a tabletop drill has a finding to import");
        };
        if self.settings.mode_label == "replay" {
            return self.say("replay is read-only: evidence files are not Security Hub");
        }
        if !self.settings.writes.allowed {
            return self.say(crate::model::triage::TriageError::WritesOff.to_string());
        }
        let Some(f) = self.store.findings.items().iter().find(|f| *f.id == *id) else {
            return self.say("the drill's finding is not in the store");
        };
        let name = self.store.accounts.name(&f.account_id).to_string();
        let target = crate::model::triage::Target::of(f, &name);
        if let Some(why) = self.settings.writes.refuses(&target) {
            return self.say(format!("not imported: {why}"));
        }
        self.outbox.next_request += 1;
        let finding = crate::model::triage::DrillFinding {
            request: self.outbox.next_request,
            drill: d.id.clone(),
            id: id.clone(),
            target,
            title: f.title.to_string(),
            description: f.description.to_string(),
            severity: f.severity.label().to_string(),
            types: f.types.iter().map(|t| t.to_string()).collect(),
            at: d.started(),
        };
        let clean = |s: &str| crate::util::sanitize::clean(s).into_owned();
        let lines = vec![
            "Import the tabletop drill's finding into Security Hub (BatchImportFindings)".into(),
            format!(
                "account {} ({}), {}, product {}",
                clean(&name),
                finding.target.account_id,
                finding.target.region,
                finding.product_arn()
            ),
            format!("title {}", clean(&finding.title)),
            "Everyone who reads Security Hub sees it, labelled as a drill; resolve it when the drill ends".into(),
            "The call is recorded in the audit log".into(),
        ];
        self.overlays.confirm = Some(super::triage::Confirm {
            sends: super::triage::Sends::Import(Box::new(finding)),
            lines,
        });
    }

    fn milestone(&mut self, m: Milestone) {
        let Some(d) = &self.drills.running else {
            return self.say("no drill is running: :drill start RUNBOOK");
        };
        if d.at(m).is_some() {
            return self.say(format!("already {}", m.label()));
        }
        let at = self.clock.now();
        let after = crate::drill::report::span(Some(at - d.started()));
        self.record(Entry::Milestone { milestone: m, at });
        self.say(format!("{} at +{after}", m.label()));
    }

    /// `x`: close the drill; with steps unticked, only after a `y`.
    fn close_drill(&mut self) {
        let Some(d) = &self.drills.running else {
            return self.say("no drill is running");
        };
        let open = d.steps.iter().filter(|s| s.done.is_none()).count();
        if open > 0 {
            let lines = vec![
                format!(
                    "{open} of {} checklist steps are not ticked in drill {}",
                    d.steps.len(),
                    d.id
                ),
                "Closing writes the after-action report with them as not done".into(),
            ];
            self.overlays.confirm = Some(super::triage::Confirm {
                sends: super::triage::Sends::CloseDrill,
                lines,
            });
            return;
        }
        self.close_drill_now();
    }

    /// Closes the running drill: the report is written and its `[DRILL]` finding resolved.
    pub(super) fn close_drill_now(&mut self) {
        let Some(d) = &self.drills.running else {
            return;
        };
        if d.at(Milestone::Closed).is_none() {
            let at = self.clock.now();
            self.record(Entry::Milestone {
                milestone: Milestone::Closed,
                at,
            });
        }
        if let Some(d) = self.drills.running.take() {
            self.resolve_drill_finding(&d);
            self.outbox.requests.push(Request::DrillReport(Box::new(d)));
        }
    }

    /// A closed drill's `[DRILL]` finding is resolved in the store (a drill finding
    /// imported into Security Hub is the team's to resolve there: rampart says so).
    fn resolve_drill_finding(&mut self, d: &Drill) {
        let Some(id) = &d.injected else {
            return;
        };
        let Some(f) = self.store.findings.items().iter().find(|f| *f.id == **id) else {
            return;
        };
        let mut raw = f.raw.to_value();
        raw["Workflow"] = serde_json::json!({"Status": "RESOLVED"});
        raw["UpdatedAt"] = serde_json::json!(self
            .clock
            .now()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        if let Ok(f) = crate::model::asff::parse_value(&raw) {
            self.apply(Update::Findings(vec![f]));
        }
    }

    /// What the store shows that the running drill waits for, journalled.
    pub(super) fn observe_drill(&mut self) {
        let Some(d) = &self.drills.running else {
            return;
        };
        let found = d.observe(
            self.store.events.items(),
            self.store.findings.items(),
            self.clock.now(),
        );
        for e in found {
            self.record(e);
        }
    }

    /// A key while the drill view is shown. False when it is not the drill view's.
    pub(super) fn drill_action(&mut self, action: Action) -> bool {
        let steps = self.drills.running.as_ref().map_or(0, |d| d.steps.len());
        if self.drills.running.is_none() && self.past_drills_action(action) {
            return true;
        }
        match action {
            // The running drill's runbook; the activity list behind the view is not in play.
            Action::Runbook => match self.drills.running.as_ref().map(|d| d.runbook.clone()) {
                Some(id) => {
                    self.overlays.runbook = Some(super::runbook::RunbookView {
                        id,
                        opened_for: "the running drill".into(),
                        command: None,
                        scroll: 0,
                        values: Vec::new(),
                    })
                }
                None => self.say("no drill is running: :drill start RUNBOOK"),
            },
            Action::Open
            | Action::FilterStart
            | Action::Copy { .. }
            | Action::Timeline
            | Action::SortNext
            | Action::SortReverse
            | Action::Freeze => self.say("d goes back to the activity list"),
            Action::Top => self.drills.cursor = 0,
            Action::Bottom => self.drills.cursor = steps.saturating_sub(1),
            Action::NoteStart if self.drills.running.is_none() => {
                self.say("no drill is running: :drill start RUNBOOK")
            }
            Action::DrillView | Action::ShowDrills => self.drills.view = false,
            Action::Down => {
                self.drills.cursor = (self.drills.cursor + 1).min(steps.saturating_sub(1))
            }
            Action::Up => self.drills.cursor = self.drills.cursor.saturating_sub(1),
            Action::Mark => {
                let Some(d) = &self.drills.running else {
                    self.say("no drill is running: :drill start RUNBOOK");
                    return true;
                };
                let Some(step) = d.steps.get(self.drills.cursor) else {
                    return true;
                };
                let entry = Entry::Tick {
                    step: self.drills.cursor,
                    done: step.done.is_none(),
                    at: self.clock.now(),
                };
                // In place: the cursor stays on the step just ticked.
                self.record(entry);
            }
            Action::NoteStart if self.drills.running.is_some() => {
                self.history.reset();
                self.overlays.prompt = Some(Prompt::new(PromptKind::DrillNote, String::new()));
            }
            Action::Acknowledge => self.milestone(Milestone::Acknowledged),
            Action::Contain => self.milestone(Milestone::Contained),
            Action::CloseDrill => self.close_drill(),
            _ => return false,
        }
        true
    }

    /// Without a running drill, the view lists past drills: `j`/`k` pick one, `Enter`
    /// reads its after-action report, `Esc` (or `Enter`) goes back to the list.
    fn past_drills_action(&mut self, action: Action) -> bool {
        let last = self.drills.history.len().saturating_sub(1);
        if let Some((_, lines, scroll)) = &mut self.drills.report {
            let page = (self.size.1 as usize / 2).max(1);
            let end = lines.len().saturating_sub(1);
            match action {
                Action::Down | Action::Scroll(1..) => *scroll = (*scroll + 1).min(end),
                Action::Up | Action::Scroll(..=0) => *scroll = scroll.saturating_sub(1),
                Action::PageDown => *scroll = (*scroll + page).min(end),
                Action::PageUp => *scroll = scroll.saturating_sub(page),
                Action::Top => *scroll = 0,
                Action::Bottom => *scroll = end,
                Action::Back | Action::Open => self.drills.report = None,
                _ => return false,
            }
            return true;
        }
        match action {
            Action::Down => self.drills.past = (self.drills.past + 1).min(last),
            Action::Up => self.drills.past = self.drills.past.saturating_sub(1),
            Action::Top => self.drills.past = 0,
            Action::Bottom => self.drills.past = last,
            Action::Open => match self.drills.history.get(self.drills.past) {
                Some(p) => self.outbox.requests.push(Request::OpenReport(p.id.clone())),
                None => self.say("no drill closed yet: :drill start RUNBOOK"),
            },
            _ => return false,
        }
        true
    }

    /// A note typed in the drill view.
    pub(super) fn drill_note(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let at = self.clock.now();
        self.record(Entry::Note {
            text: text.to_string(),
            at,
        });
        self.say("drill note journalled");
    }

    /// Drills found in the journals at start: an open one resumes.
    pub fn resume_drills(&mut self, drills: Vec<Drill>, problems: Vec<String>) {
        if let Some(open) = drills.into_iter().rev().find(|d| !d.is_closed()) {
            self.say(format!("drill {} resumed from its journal", open.id));
            self.drills.running = Some(open);
            self.inject_drill_finding();
        }
        if let Some(p) = problems.first() {
            self.say(format!("drill journal: {p}"));
        }
    }
}

#[cfg(test)]
#[path = "tests/drill_activity.rs"]
mod activity_tests;
#[cfg(test)]
mod tests;
