//! The overview (`0`): the security pillar's indicators and the accounts-by-regions grid,
//! computed when the store changes; `Enter` opens an indicator's evidence.

use super::{move_cursor, Action, App, Pane};
use crate::store::sort::CredentialKeys;

pub(super) const NOT_ON_THE_OVERVIEW: &str =
    "the overview has no rows: Enter opens an indicator's evidence";

impl App {
    /// The posture indicators as they stand (as of the last refresh when the overview has
    /// computed them).
    pub fn indicators(&self) -> Vec<crate::analysis::posture::Indicator> {
        match &self.posture {
            Some((generation, _, list, _)) if *generation == self.store.generation() => {
                list.clone()
            }
            _ => {
                let s = &self.settings;
                let now = self.clock.now();
                let fresh;
                let keys = match &self.credential_keys {
                    Some(k) if k.is_current(&self.store, now, s.thresholds) => k,
                    _ => {
                        fresh = CredentialKeys::of(None, &self.store, now, s.thresholds);
                        &fresh
                    }
                };
                let mut list = crate::analysis::posture::indicators(&self.store, keys, &s.bars);
                crate::analysis::posture::last_drill(&mut list, self.drills.history.first(), now);
                crate::analysis::posture::runbook_coverage(
                    &mut list,
                    &self.store,
                    &self.runbooks,
                    &mut Default::default(),
                );
                list
            }
        }
    }

    /// The pillar's eleven questions over the indicators, with the team's
    /// Well-Architected Tool answers beside them.
    pub fn questions(
        &self,
        list: &[crate::analysis::posture::Indicator],
    ) -> Vec<crate::analysis::posture::QuestionView> {
        crate::analysis::posture::questions(list, &self.store.wa_answers)
    }

    /// The accounts-by-regions grid, likewise.
    pub fn posture_grid(&self) -> crate::analysis::posture::Grid {
        match &self.posture {
            Some((generation, _, _, grid)) if *generation == self.store.generation() => {
                grid.clone()
            }
            _ => crate::analysis::posture::grid(&self.store),
        }
    }

    /// What a key does on the overview; false when it means the same as anywhere.
    pub(super) fn overview_action(&mut self, action: Action) -> bool {
        if self.panes.grid_cursor.is_some() && self.grid_action(action) {
            return true;
        }
        if action == Action::Right {
            self.panes.grid_cursor = Some((0, 0));
            return true;
        }
        let last = self.indicators().len().saturating_sub(1);
        if move_cursor(&mut self.panes.overview_cursor, last, action) {
            return true;
        }
        match action {
            Action::Open => self.open_evidence(),
            Action::ShowTab(t) => {
                self.panes.overview = false;
                self.panes.tab = t;
            }
            Action::NextTab => {
                self.panes.overview = false;
                self.panes.tab = Pane::ALL[0];
            }
            Action::PrevTab => {
                self.panes.overview = false;
                self.panes.tab = Pane::ALL[Pane::ALL.len() - 1];
            }
            Action::FilterStart
            | Action::SortNext
            | Action::SortReverse
            | Action::ClearFilter
            | Action::NoteStart => self.say(NOT_ON_THE_OVERVIEW),
            _ => return false,
        }
        true
    }

    /// Keys on the grid: move across accounts and regions (left of the first region goes
    /// back to the indicators), Enter opens that account-region's open findings.
    fn grid_action(&mut self, action: Action) -> bool {
        let grid = self.posture_grid();
        let Some((row, col)) = self.panes.grid_cursor else {
            return false;
        };
        let rows = grid.accounts.len().saturating_sub(1);
        let cols = grid.regions.len().saturating_sub(1);
        let (mut row, mut col) = (row.min(rows), col.min(cols));
        match action {
            Action::Left if col == 0 => {
                self.panes.grid_cursor = None;
                return true;
            }
            Action::Left => col -= 1,
            Action::Right => col = (col + 1).min(cols),
            Action::Open => {
                let (Some(account), Some(region)) = (grid.accounts.get(row), grid.regions.get(col))
                else {
                    self.say("no open findings to open");
                    return true;
                };
                self.panes.overview = false;
                self.panes.tab = Pane::Findings;
                let v = self.view_mut(Pane::Findings);
                v.set_filter(&format!("acct={account} region={region} status:open"));
                v.sort_column = 0;
                v.reversed = false;
                let name = self.store.accounts.name(account).to_string();
                self.say(format!("open findings in {name} {region}"));
                return true;
            }
            other if move_cursor(&mut row, rows, other) => {}
            _ => return false,
        }
        self.panes.grid_cursor = Some((row, col));
        true
    }

    /// Opens the evidence of the indicator under the cursor: its pane, filtered and sorted.
    pub(super) fn open_evidence(&mut self) {
        let list = self.indicators();
        let Some(ind) = list.get(self.panes.overview_cursor) else {
            return;
        };
        let Some(ev) = &ind.evidence else {
            self.say(format!("{}: nothing to show yet", ind.label));
            return;
        };
        if ev.pane == "sources" {
            self.overlays.sources = true;
            return;
        }
        if ev.pane == "standing" {
            self.overlays.standing = true;
            return;
        }
        let Some(tab) = Pane::from_id(ev.pane) else {
            return;
        };
        self.panes.overview = false;
        self.panes.tab = tab;
        let v = self.view_mut(tab);
        v.set_filter(&ev.filter);
        if let Some(col) = ev
            .sort
            .and_then(|s| tab.sort_names().iter().position(|n| *n == s))
        {
            v.sort_column = col;
            v.reversed = false;
        }
        // The rows it opens, said with the filter that chose them.
        self.refresh_view();
        let rows = self.view(tab).rows.len();
        self.say(format!(
            "evidence: {} · {} rows: /{}",
            ind.label,
            crate::util::digits::group(rows),
            ev.filter
        ));
    }
}
