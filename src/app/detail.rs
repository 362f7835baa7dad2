//! The detail view (`Enter`): one row's fields, as its pane writes them ([`Doc`]), under
//! the operator's note, then its raw record. Worked out here so the console knows the
//! view's length (to clamp scrolling and find text) without drawing it.

use super::pane::doc::Doc;
use super::{App, Detail, DetailTarget};
use crate::model::age::format_age;
use crate::theme::Slot;
use chrono::{DateTime, Utc};

impl App {
    /// Opens the detail of the selected row.
    pub(super) fn open_detail(&mut self) {
        let Some(row) = self.view(self.panes.tab).selected_row() else {
            return;
        };
        let kind = self.panes.tab.kind();
        let raw_lines = kind
            .raw(&self.store, row)
            .map(|text| {
                crate::util::sanitize::clean_multiline(&text)
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        self.overlays.detail = Some(Detail {
            target: DetailTarget {
                pane: self.panes.tab,
                row,
            },
            raw_lines,
            scroll: 0,
            context: kind.context(self, row),
        });
    }

    /// The detail's title and its lines above the raw record: the operator's note first
    /// (it is why they came back to this row), then the pane's fields.
    pub fn detail_doc(&self, detail: &Detail) -> (String, Doc) {
        let mut doc = Doc::default();
        let (pane, row) = detail.target.pane_and_row();
        if let Some(note) = self.note_for(pane, row) {
            let from = note
                .imported_from
                .as_ref()
                .map(|f| format!(", imported from {f}"))
                .unwrap_or_default();
            doc.line(
                &format!(
                    "Note by {}{from}, {} (n edits)",
                    note.author,
                    self.settings.time.format(note.at)
                ),
                Slot::Accent,
            );
            doc.text(&note.text, Slot::Text);
            doc.blank();
        }
        let title = pane.kind().detail(self, detail, &mut doc);
        (title, doc)
    }

    /// Lines of the raw record's heading: a blank line and the heading, when there is one.
    pub fn raw_heading_len(detail: &Detail) -> usize {
        if detail.raw_lines.is_empty() {
            0
        } else {
            2
        }
    }

    /// Total lines of the detail view, for clamping the scroll position.
    pub fn detail_len(&self, detail: &Detail) -> usize {
        self.detail_doc(detail).1.len() + App::raw_heading_len(detail) + detail.raw_lines.len()
    }

    /// A time as the detail shows it: `2026-11-22 11:58:00Z  (2m ago)`, or `—`.
    pub fn detail_time(&self, at: Option<DateTime<Utc>>) -> String {
        let now = self.clock.now();
        at.map(|v| {
            format!(
                "{}  ({} ago)",
                self.settings.time.format(v),
                format_age(v, now)
            )
        })
        .unwrap_or_else(|| "—".into())
    }

    /// `payments-prod (111111111111)`.
    pub fn account_label(&self, id: &str) -> String {
        format!("{} ({id})", self.store.accounts.name(id))
    }
}

impl App {
    /// `/` in a detail: scrolls to the next raw JSON line (after the one on top) holding the
    /// text, wrapping to the start; says which match of how many it is.
    pub(super) fn search_raw(&mut self, text: &str) {
        self.panes.last_search = text.to_string();
        let needle = text.to_lowercase();
        let Some(detail) = &self.overlays.detail else {
            return;
        };
        if needle.is_empty() {
            return;
        }
        let hits: Vec<usize> = detail
            .raw_lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
        if hits.is_empty() {
            let what = if detail.raw_lines.is_empty() {
                "this record has no raw JSON to search".to_string()
            } else {
                format!(
                    "`{}` is not in the raw JSON",
                    crate::util::sanitize::clean(text)
                )
            };
            self.say(what);
            return;
        }
        let total = self.detail_len(detail);
        let first_raw = total - detail.raw_lines.len();
        let on_top = detail.scroll.saturating_sub(first_raw);
        let at_raw = detail.scroll >= first_raw;
        let n = hits
            .iter()
            .position(|&h| if at_raw { h > on_top } else { true })
            .unwrap_or(0);
        let line = first_raw + hits[n];
        if let Some(detail) = &mut self.overlays.detail {
            detail.scroll = line;
        }
        self.say(format!("match {} of {}", n + 1, hits.len()));
    }
}
