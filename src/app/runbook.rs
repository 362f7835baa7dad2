//! `r`: the runbook of what is selected (a finding, a detection on an event, a credential
//! row's risk, a public-access row's resource type), drawn over the pane; `j`/`k` move
//! between its commands, `y` copies the selected one. rampart never runs them.

use super::{Action, App, DetailTarget, Request, Tab};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookView {
    pub id: String,
    /// What opened it, in words ("finding: …", "detection cloudtrail-stopped").
    pub opened_for: String,
    /// The selected command, once `j`/`k` picked one (the view opens at the top).
    pub command: Option<usize>,
    /// Lines scrolled past.
    pub scroll: usize,
}

impl App {
    /// The runbook for what is selected, and what that is, or why there is none.
    fn runbook_for_selection(&self) -> Result<(String, String), String> {
        let lib = &self.runbooks;
        let found = |rb: Option<&crate::drill::runbook::Runbook>, what: String, none: String| {
            rb.map(|rb| (rb.id.clone(), what)).ok_or(none)
        };
        // On the timeline: the selected event's detections.
        let event_row = match (&self.timeline, &self.detail) {
            (Some(tl), _) => tl.rows.get(tl.cursor).copied(),
            (None, Some(d)) => match d.target {
                DetailTarget::Event(row) => Some(row),
                _ => None,
            },
            (None, None) if self.tab == Tab::Activity => self.events.selected_row(),
            _ => None,
        };
        if let Some(row) = event_row {
            let Some(e) = self.store.events.get(row) else {
                return Err("no event selected".into());
            };
            return e
                .detections
                .iter()
                .find_map(|d| {
                    lib.for_detection(d)
                        .map(|rb| (rb.id.clone(), format!("detection {d}")))
                })
                .ok_or_else(|| {
                    "no detection fired on this event: runbooks open from detections and findings"
                        .into()
                });
        }
        let Some((tab, row)) = self.current_row() else {
            return Err("no row selected".into());
        };
        match tab {
            Tab::Findings => {
                let f = self.store.findings.get(row).ok_or("no finding selected")?;
                // A drill's own finding opens the runbook it practises.
                if let Some(id) = f.generator_id.strip_prefix("rampart-drill/") {
                    if let Some(rb) = lib.get(id) {
                        return Ok((rb.id.clone(), format!("drill finding: {}", f.title)));
                    }
                }
                found(
                    lib.for_finding(f),
                    format!("finding: {}", f.title),
                    format!(
                        "no runbook covers this finding ({}); add one to the runbooks directory",
                        f.control_id
                            .as_deref()
                            .map(str::to_string)
                            .or_else(|| f.types.first().map(|t| t.to_string()))
                            .unwrap_or_default()
                    ),
                )
            }
            Tab::Credentials => {
                let c = self.store.credentials.get(row).ok_or("no user selected")?;
                let risks = c.risks(self.clock.now(), self.settings.thresholds);
                let flags: Vec<&str> = risks.labels().collect();
                found(
                    lib.for_credential_flags(flags.iter().copied()),
                    format!("{}: {}", c.user, flags.join(" ")),
                    "no risk flag on this user, so no runbook".into(),
                )
            }
            Tab::Exposures => {
                let e = self.store.exposures.get(row).ok_or("no row selected")?;
                found(
                    lib.for_resource_type(&e.resource_type),
                    format!("{} {}", e.resource_type, e.resource),
                    format!("no runbook covers {}", e.resource_type),
                )
            }
            Tab::Compliance | Tab::Activity => {
                Err("runbooks open from findings, detections, credentials and public access".into())
            }
        }
    }

    /// `r`: opens the runbook of the selection, or says why there is none.
    pub(super) fn open_runbook(&mut self) {
        match self.runbook_for_selection() {
            Ok((id, opened_for)) => {
                self.runbook = Some(RunbookView {
                    id,
                    opened_for,
                    command: None,
                    scroll: 0,
                });
            }
            Err(why) => self.say(why),
        }
    }

    /// A key while a runbook is open. False when it is not the runbook's.
    pub(super) fn runbook_action(&mut self, action: Action) -> bool {
        let page = (self.size.1 as usize / 2).max(1);
        let Some(view) = &mut self.runbook else {
            return false;
        };
        let commands = self
            .runbooks
            .get(&view.id)
            .map_or(0, |rb| rb.commands().len());
        match action {
            Action::Down => {
                let next = view.command.map_or(0, |c| c + 1);
                view.command = Some(next.min(commands.saturating_sub(1)));
            }
            Action::Up => view.command = Some(view.command.map_or(0, |c| c.saturating_sub(1))),
            Action::PageDown | Action::Scroll(1..) => view.scroll += page,
            Action::PageUp | Action::Scroll(..=0) => view.scroll = view.scroll.saturating_sub(page),
            Action::Top => view.scroll = 0,
            Action::Copy { .. } => {
                let command = self.runbooks.get(&view.id).and_then(|rb| {
                    let at = view.command.unwrap_or(0);
                    rb.commands().get(at).map(|c| c.to_string())
                });
                match command {
                    Some(c) => self.requests.push(Request::Copy(c)),
                    None => self.say("this runbook has no command to copy"),
                }
            }
            Action::Back | Action::Runbook => self.runbook = None,
            other => return self.overlay_common(other),
        }
        true
    }

    /// The keys every view drawn over a pane takes the same way: quit, resize, help.
    pub(super) fn overlay_common(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => self.should_quit = true,
            Action::Resize(w, h) => self.size = (w, h),
            Action::ToggleHelp => self.help = true,
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests;
