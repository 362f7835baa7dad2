//! "New since I last looked": the findings updated after the operator last left the pane
//! (or pressed `N`), per pane or saved view, kept across sessions as watermarks.

use super::{App, Pane, Request};

impl App {
    /// Whose watermark a pane uses: the saved view it shows, else the pane's own.
    pub fn watermark_key(&self, tab: Pane) -> String {
        match &self.panes.active_view {
            Some((t, name, filter)) if *t == tab && *filter == self.view(tab).filter_text => {
                format!("view:{name}")
            }
            _ => tab.id().to_string(),
        }
    }

    /// The findings updated after the operator last looked, if they ever did.
    pub fn new_since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.watermarks.get(&self.watermark_key(Pane::Findings))
    }

    /// Marks every finding there is as seen (leaving the findings pane, or `N`).
    pub(super) fn mark_findings_seen(&mut self) {
        let newest = self.store.newest_finding_update();
        let key = self.watermark_key(Pane::Findings);
        if let Some(newest) = newest {
            if self.watermarks.advance(&key, newest) {
                self.outbox.requests.push(Request::SaveWatermarks);
            }
        }
    }
}
