//! `r`: the runbook of what is selected (a finding, a detection on an event, a credential
//! row's risk, a public-access row's resource type), drawn over the pane; `j`/`k` move
//! between its commands, `y` copies the selected one. rampart never runs them.

use super::{Action, App, Pane, Request};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookView {
    pub id: String,
    /// What opened it, in words ("finding: …", "detection cloudtrail-stopped").
    pub opened_for: String,
    /// The selected command, once `j`/`k` picked one (the view opens at the top).
    pub command: Option<usize>,
    /// Lines scrolled past.
    pub scroll: usize,
    /// The selection's own values for the commands' placeholders.
    pub values: crate::drill::fill::Values,
}

impl App {
    /// A runbook by id; `rule:<id>` is a detection rule without one, shown as a runbook.
    pub fn book(&self, id: &str) -> Option<std::borrow::Cow<'_, crate::drill::runbook::Runbook>> {
        if let Some(rb) = self.runbooks.get(id) {
            return Some(std::borrow::Cow::Borrowed(rb));
        }
        let rule = self.rules.get(id.strip_prefix("rule:")?)?;
        Some(std::borrow::Cow::Owned(
            crate::drill::runbook::Runbook::from_rule(rule),
        ))
    }

    /// The runbook for what is selected, and what that is, or why there is none.
    fn runbook_for_selection(&self) -> Result<(String, String), String> {
        // On the timeline: the selected event's detections.
        if let Some(row) = self
            .overlays
            .timeline
            .as_ref()
            .and_then(|tl| tl.rows.get(tl.cursor))
        {
            return Pane::Drills.kind().runbook(self, *row);
        }
        let Some((pane, row)) = self.current_row() else {
            return Err("no row selected".into());
        };
        pane.kind().runbook(self, row)
    }

    /// The values of what is selected, for a runbook's placeholders.
    fn selection_values(&self) -> crate::drill::fill::Values {
        use crate::drill::fill;
        let timeline = self
            .overlays
            .timeline
            .as_ref()
            .and_then(|tl| tl.rows.get(tl.cursor).copied());
        if let Some(e) = timeline.and_then(|row| self.store.events.get(row)) {
            return fill::for_event(e);
        }
        match self.current_row() {
            Some((Pane::Findings, row)) => self
                .store
                .findings
                .get(row)
                .map(fill::for_finding)
                .unwrap_or_default(),
            Some((Pane::Drills, row)) => self
                .store
                .events
                .get(row)
                .map(fill::for_event)
                .unwrap_or_default(),
            Some((Pane::Credentials, row)) => self
                .store
                .credentials
                .get(row)
                .map(|u| {
                    let mut v: fill::Values = vec![("ACCOUNT_ID", u.account_id.clone())];
                    if !u.is_root {
                        v.push(("USER", u.user.clone()));
                    }
                    v
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// `r`: opens the runbook of the selection, or says why there is none.
    pub(super) fn open_runbook(&mut self) {
        match self.runbook_for_selection() {
            Ok((id, opened_for)) => {
                let values = self.selection_values();
                self.overlays.runbook = Some(RunbookView {
                    id,
                    opened_for,
                    command: None,
                    scroll: 0,
                    values,
                });
            }
            Err(why) => self.say(why),
        }
    }

    /// A key while a runbook is open. False when it is not the runbook's.
    pub(super) fn runbook_action(&mut self, action: Action) -> bool {
        let page = (self.size.1 as usize / 2).max(1);
        let Some((id, selected)) = self
            .overlays
            .runbook
            .as_ref()
            .map(|v| (v.id.clone(), v.command))
        else {
            return false;
        };
        let commands = self.book(&id).map_or(0, |rb| rb.commands().len());
        let values = self
            .overlays
            .runbook
            .as_ref()
            .map(|v| v.values.clone())
            .unwrap_or_default();
        let command = self.book(&id).and_then(|rb| {
            rb.commands()
                .get(selected.unwrap_or(0))
                .map(|c| crate::drill::fill::fill(c, &values))
        });
        let Some(view) = &mut self.overlays.runbook else {
            return false;
        };
        match action {
            Action::Down => {
                let next = view.command.map_or(0, |c| c + 1);
                view.command = Some(next.min(commands.saturating_sub(1)));
            }
            Action::Up => view.command = Some(view.command.map_or(0, |c| c.saturating_sub(1))),
            Action::PageDown | Action::Scroll(1..) => view.scroll += page,
            Action::PageUp | Action::Scroll(..=0) => view.scroll = view.scroll.saturating_sub(page),
            Action::Top => view.scroll = 0,
            Action::Copy { .. } => match command {
                Some(c) => self.outbox.requests.push(Request::Copy(c)),
                None => self.say("this runbook has no command to copy"),
            },
            Action::Back | Action::Runbook => self.overlays.runbook = None,
            other => return self.overlay_common(other),
        }
        true
    }

    /// The keys every view drawn over a pane takes the same way: quit, resize, help.
    pub(super) fn overlay_common(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => self.should_quit = true,
            Action::Resize(w, h) => self.size = (w, h),
            Action::ToggleHelp => self.overlays.help = true,
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests;
