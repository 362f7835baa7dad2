//! Hand-off: what the operator is looking at, with their notes, as a snapshot's
//! `handoff` member; and a replayed snapshot's view restored as its rows become visible.

use super::{App, Pane};
use crate::model::handoff::{DetailState, Handoff, PaneState, ViewState};
use std::collections::HashMap;

/// What a replayed snapshot asked to show, applied as the rows become visible.
#[derive(Debug, Default)]
pub(super) struct Restore {
    pub(super) select: HashMap<Pane, String>,
    pub(super) detail: Option<(Pane, String, usize)>,
}

impl App {
    /// Brings up to date the views that rows moved under while they were not on screen
    /// (the findings', behind another pane or the overview), so that the hand-off reads
    /// their selected keys: a snapshot keeps each cursor.
    pub fn catch_up_views(&mut self) {
        for tab in Pane::ALL {
            if self.view(tab).behind(tab.kind().moves(&self.store)) {
                tab.kind().refresh(self);
            }
        }
    }

    /// What the operator is looking at, with their notes: the snapshot's hand-off part.
    pub fn handoff(&self) -> Handoff {
        let panes = Pane::ALL
            .iter()
            .map(|&tab| {
                let v = self.view(tab);
                let state = PaneState {
                    filter: v.filter_text.clone(),
                    sort: tab
                        .sort_names()
                        .get(v.sort_column)
                        .copied()
                        .unwrap_or_default()
                        .to_string(),
                    reversed: v.reversed,
                    selected: self.selected_key(tab),
                };
                (tab.spec().dataset.to_string(), state)
            })
            .collect();
        let detail = self.overlays.detail.as_ref().and_then(|d| {
            let (tab, row) = d.target.pane_and_row();
            Some(DetailState {
                pane: tab.spec().dataset.to_string(),
                key: self.row_key(tab, row)?,
                scroll: d.scroll,
            })
        });
        Handoff {
            written_at: self.clock.now(),
            written_by: self.settings.user.clone(),
            source: self.settings.mode_label.clone(),
            view: ViewState {
                pane: self.panes.tab.spec().dataset.to_string(),
                panes,
                detail,
            },
            notes: self.notes.iter().cloned().collect(),
            file: None,
        }
    }

    /// Shows what a snapshot's author saw: pane, filters, sorts, selections, the open
    /// detail, and their notes (imported: marked with the file, dated no later than the
    /// snapshot, and never over a note written here since).
    pub(super) fn restore_from(&mut self, h: Handoff) {
        for (id, state) in &h.view.panes {
            let Some(tab) = Pane::from_id(id) else {
                continue;
            };
            let v = self.view_mut(tab);
            v.set_filter(&state.filter);
            if let Some(col) = tab.sort_names().iter().position(|n| *n == state.sort) {
                v.sort_column = col;
            }
            v.reversed = state.reversed;
            if let Some(key) = &state.selected {
                self.restore.select.insert(tab, key.clone());
            }
        }
        if let Some(tab) = Pane::from_id(&h.view.pane) {
            self.panes.tab = tab;
            self.panes.overview = false;
        }
        self.overlays.detail = None;
        self.restore.detail = h.view.detail.and_then(|d| {
            let tab = Pane::from_id(&d.pane)?;
            self.restore.select.insert(tab, d.key.clone());
            Some((tab, d.key, d.scroll))
        });
        let file = h.file.clone().unwrap_or_else(|| "a snapshot".into());
        let not_after = h.written_at.min(self.clock.now());
        let notes = self.notes.import(h.notes, &file, not_after);
        let when = self.settings.time.format(h.written_at);
        self.say(format!(
            "snapshot by {} at {when} ({}): view restored, {notes} notes",
            h.written_by, h.source
        ));
    }

    /// Selects the rows (and opens the detail) a snapshot asked for, once the current
    /// pane's view has them.
    pub(super) fn apply_restore(&mut self) {
        let tab = self.panes.tab;
        let Some(key) = self.restore.select.get(&tab).cloned() else {
            return;
        };
        let Some(row) = self.row_of(tab, &key) else {
            return;
        };
        let Some(at) = self.view(tab).rows.iter().position(|r| *r == row) else {
            // Filtered out: nothing to select, and no reason to keep trying.
            self.restore.select.remove(&tab);
            return;
        };
        self.restore.select.remove(&tab);
        self.view_mut(tab).selected = at;
        if let Some((dtab, dkey, scroll)) = self.restore.detail.take() {
            if dtab == tab && dkey == key && self.overlays.detail.is_none() {
                self.open_detail();
                if let Some(d) = &mut self.overlays.detail {
                    d.scroll = scroll;
                }
            } else {
                self.restore.detail = Some((dtab, dkey, scroll));
            }
        }
    }
}
