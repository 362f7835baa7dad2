//! The `:` commands: panes, saved views, grouping, triage, the timeline, export, themes,
//! snapshots, drills.

use super::{Action, App, Pane, Request};
use crate::model::WorkflowStatus;
use std::path::PathBuf;

impl App {
    /// The `:` commands (Tab completes them and what `group` takes).
    pub(super) fn run_command(&mut self, line: &str) {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        let show = |app: &mut App, tab: Pane| {
            app.overlays.detail = None;
            app.panes.tab = tab;
        };
        match word {
            "" => {}
            "snapshot" | "w" | "write" => self
                .outbox.requests
                .push(Request::Snapshot((!rest.is_empty()).then(|| PathBuf::from(rest)))),
            "note" => self.start_note(),
            "q" | "quit" => self.should_quit = true,
            "help" => self.overlays.help = true,
            "sources" => self.overlays.sources = true,
            "view" => self.apply_view(rest),
            "resolve" => self.start_triage(Some(WorkflowStatus::Resolved), rest),
            "suppress" => self.start_triage(Some(WorkflowStatus::Suppressed), rest),
            "notify" => self.start_triage(Some(WorkflowStatus::Notified), rest),
            "reopen" => self.start_triage(Some(WorkflowStatus::New), rest),
            "comment" => self.start_triage(None, rest),
            "unmark" => {
                let n = self.panes.marked.len();
                self.panes.marked.clear();
                self.say(format!("{n} unmarked"));
            }
            "timeline" => self.open_timeline(),
            "export" => self
                .outbox.requests
                .push(Request::Export((!rest.is_empty()).then(|| PathBuf::from(rest)))),
            "freeze" => self.update(Action::Freeze),
            "theme" => self.set_theme(rest),
            "drill" => self.drill_command(rest),
            pane if Pane::from_name(pane).is_some() => {
                if let Some(tab) = Pane::from_name(pane) {
                    show(self, tab);
                }
            }
            "group" => match crate::analysis::summary::GroupBy::parse(rest) {
                Some(by) => {
                    show(self, Pane::Findings);
                    self.panes.overview = false;
                    self.panes.finding_group = by;
                    self.panes.summaries.insert(Pane::Findings);
                    self.panes.summary_cursor = 0;
                }
                None => self.say(format!(
                    "group by what? account, resource, type, product or control (found `{}`)",
                    crate::util::sanitize::clean(rest)
                )),
            },
            other => self.say(format!(
                "unknown command `{}`: try view NAME, group BY, resolve/suppress/notify/reopen [NOTE], comment NOTE, timeline, export [PATH], theme NAME, freeze, snapshot [PATH], note, sources, a pane, help, quit",
                crate::util::sanitize::clean(other)
            )),
        }
    }

    /// `:theme NAME`: a built-in or user theme, now (`NO_COLOR` still wins).
    pub(super) fn set_theme(&mut self, name: &str) {
        if name.is_empty() {
            return self.say(format!(
                "theme is {}; :theme NAME picks another (Tab lists them)",
                self.theme.name
            ));
        }
        let no_color = crate::theme::no_color_from_env();
        match crate::theme::load(name, &crate::config::user_theme_dirs(), no_color) {
            Ok(theme) => {
                self.theme = theme;
                let note = if no_color { " (NO_COLOR is set)" } else { "" };
                self.say(format!("theme {}{note}", self.theme.name));
            }
            Err(e) => self.say(e.to_string()),
        }
    }

    /// `:view NAME`: a saved view from the config: its pane, filter, sort and grouping.
    pub(super) fn apply_view(&mut self, name: &str) {
        let Some(view) = self.settings.views.iter().find(|v| v.name == name).cloned() else {
            let names: Vec<&str> = self
                .settings
                .views
                .iter()
                .map(|v| v.name.as_str())
                .collect();
            self.say(if names.is_empty() {
                "no saved views: add [[views]] to the config".to_string()
            } else {
                format!(
                    "no view `{}`: {}",
                    crate::util::sanitize::clean(name),
                    names.join(", ")
                )
            });
            return;
        };
        let Some(tab) = Pane::from_name(&view.pane) else {
            return;
        };
        self.panes.overview = false;
        self.overlays.detail = None;
        self.panes.tab = tab;
        let v = self.view_mut(tab);
        v.set_filter(&view.filter);
        if let Some(col) = view
            .sort
            .as_deref()
            .and_then(|s| tab.sort_names().iter().position(|n| *n == s))
        {
            v.sort_column = col;
        }
        v.reversed = view.reverse;
        match view
            .group
            .as_deref()
            .and_then(crate::analysis::summary::GroupBy::parse)
        {
            Some(by) if tab == Pane::Findings => {
                self.panes.finding_group = by;
                self.panes.summaries.insert(tab);
                self.panes.summary_cursor = 0;
            }
            _ => {
                self.panes.summaries.remove(&tab);
            }
        }
        self.panes.active_view = Some((tab, view.name.clone(), view.filter.clone()));
        self.say(format!("view {}", view.name));
    }
}
