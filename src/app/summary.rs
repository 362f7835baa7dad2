//! A pane's summary (`v`): findings grouped by account, resource, type, product or
//! control; credentials by account; public access by resource type; compliance by rule.
//! `Enter` opens the list filtered to a line.

use super::{move_cursor, Action, App, Pane};

pub(super) const NOT_ON_A_SUMMARY: &str =
    "this is the summary: v for the list to filter, sort or note";

impl App {
    pub fn summary_shown(&self) -> bool {
        !self.panes.overview && self.panes.summaries.contains(&self.panes.tab)
    }

    pub(super) fn compute_summary(&self, tab: Pane) -> crate::analysis::summary::Summary {
        tab.kind().summary(self)
    }

    /// What else a summary depends on: the findings' filter and grouping.
    pub(super) fn summary_tag(&self) -> String {
        match self.panes.tab {
            Pane::Findings => format!(
                "{}\u{1f}{}\u{1f}{:?}",
                self.panes.finding_group.name(),
                self.view(Pane::Findings).filter_text,
                self.view(Pane::Findings).scope()
            ),
            // The other summaries count the rows the filter leaves.
            tab => self.view(tab).filter_text.clone(),
        }
    }

    /// The current pane's summary (cached by `refresh_view`).
    pub fn summary(&self) -> std::borrow::Cow<'_, crate::analysis::summary::Summary> {
        match &self.summary_cache {
            Some((tab, generation, _, tag, s))
                if *tab == self.panes.tab
                    && *generation == self.store.generation()
                    && *tag == self.summary_tag() =>
            {
                std::borrow::Cow::Borrowed(s)
            }
            _ => std::borrow::Cow::Owned(self.compute_summary(self.panes.tab)),
        }
    }

    /// What a key does on a summary; false when it means the same as on the list.
    pub(super) fn summary_action(&mut self, action: Action) -> bool {
        let last = self.summary().rows.len().saturating_sub(1);
        if move_cursor(&mut self.panes.summary_cursor, last, action) {
            return true;
        }
        match action {
            Action::Back => {
                self.panes.summaries.remove(&self.panes.tab);
            }
            Action::Open => self.open_summary_line(),
            Action::SortNext if self.panes.tab == Pane::Findings => {
                self.panes.finding_group = self.panes.finding_group.next();
                self.panes.summary_cursor = 0;
                self.say(format!("grouped by {}", self.panes.finding_group.name()));
            }
            Action::FilterStart
            | Action::SortNext
            | Action::SortReverse
            | Action::ClearFilter
            | Action::NoteStart => self.say(NOT_ON_A_SUMMARY),
            _ => return false,
        }
        true
    }

    /// Opens the list filtered to the summary line under the cursor.
    pub(super) fn open_summary_line(&mut self) {
        let summary = self.summary();
        let Some(row) = summary.rows.get(self.panes.summary_cursor) else {
            return;
        };
        let name = row
            .cells
            .first()
            .map(|c| c.text.clone())
            .unwrap_or_default();
        match row.opens.clone() {
            Some(crate::analysis::summary::Opens::Filter(filter)) => {
                let tab = self.panes.tab;
                self.panes.summaries.remove(&tab);
                let v = self.view_mut(tab);
                v.set_filter(&filter);
                v.first();
                self.say(format!(
                    "{name}: Esc clears the filter, v goes back to the summary"
                ));
            }
            Some(crate::analysis::summary::Opens::Sources) => self.overlays.sources = true,
            None => self.say(format!("{name}: nothing to open")),
        }
    }
}
