//! Updates from the sources into the store, and the view kept on what the operator was
//! looking at: selections and the open detail follow their records when rows move, a
//! running drill looks at what arrived, old CloudTrail events are retired, and before each
//! frame the current pane's view is brought up to date.

use super::{layout, App, Pane};
use crate::feed::Update;
use crate::store::Changed;

impl App {
    pub fn apply(&mut self, update: Update) -> Changed {
        self.store.now = Some(self.clock.now());
        match &update {
            Update::Triaged(outcome) => self.report_outcome(outcome),
            Update::Imported(outcome) => match outcome.results.first() {
                Some((_, Ok(()))) => self.say("drill finding imported into Security Hub"),
                Some((_, Err(why))) => self.say(format!(
                    "drill finding not imported: {}",
                    crate::util::sanitize::clean(why)
                )),
                None => {}
            },
            Update::Looked(looked) => {
                let looked = looked.clone();
                let changed = self.store.apply(update);
                self.take_looked(looked);
                return changed;
            }
            _ => {}
        }
        match update {
            Update::Handoff(h) => {
                self.restore_from(*h);
                Changed {
                    findings: true,
                    ..Changed::default()
                }
            }
            update => {
                // A removal or a replaced report moves rows: the selections and the open
                // detail follow their record by key, not by position.
                let moves = matches!(update, Update::Gone(_) | Update::Credentials { .. });
                let held = if moves { self.held_keys() } else { Vec::new() };
                let changed = self.store.apply(update);
                if moves {
                    self.follow(held);
                    let findings = &self.store.findings;
                    self.panes
                        .marked
                        .retain(|&h| findings.position_of_hash(h).is_some());
                }
                if changed.sources {
                    self.drop_cache_mark();
                }
                if changed.accounts {
                    // Which accounts are protected is said when they become known, and
                    // again only when that changes.
                    let summary = self.writes_summary();
                    if summary.is_some() && summary != self.read_only_said {
                        self.read_only_said = summary.clone();
                        self.say(summary.unwrap_or_default());
                    }
                }
                changed
            }
        }
    }

    /// The key of each pane's selected row, and of the record open in detail (last).
    pub(super) fn held_keys(&self) -> Vec<(Pane, String)> {
        let mut held: Vec<(Pane, String)> = Pane::ALL
            .iter()
            .filter_map(|&tab| {
                // A cursor at the top stays at the top whatever arrives or leaves.
                if self.view(tab).selected == 0 {
                    return None;
                }
                Some((tab, self.selected_key(tab)?))
            })
            .collect();
        if let Some(d) = &self.overlays.detail {
            let (tab, row) = d.target.pane_and_row();
            if let Some(key) = self.row_key(tab, row) {
                held.push((tab, key));
            }
        }
        held
    }

    /// Puts the selections and the open detail back on the records they were on.
    pub(super) fn follow(&mut self, mut held: Vec<(Pane, String)>) {
        if let Some(d) = &self.overlays.detail {
            let (tab, _) = d.target.pane_and_row();
            let open = held.pop().filter(|(t, _)| *t == tab);
            match open.and_then(|(t, key)| self.row_of(t, &key)) {
                Some(row) => {
                    if let Some(d) = &mut self.overlays.detail {
                        d.target = d.target.at_row(row);
                    }
                }
                None => {
                    self.overlays.detail = None;
                    self.say(
                        "the record in detail left its source (resolved, archived or fixed elsewhere)"
                            .to_string(),
                    );
                }
            }
        }
        for (tab, key) in held {
            // A record that left has nothing to follow: the cursor stays where it is.
            if self.row_of(tab, &key).is_some() {
                self.restore.select.insert(tab, key);
            } else {
                self.restore.select.remove(&tab);
            }
        }
    }

    /// Cached data is marked until every live source has synced once.
    pub(super) fn drop_cache_mark(&mut self) {
        let cache = crate::feed::SourceKey::service(crate::feed::CACHE);
        if !self.store.sources.contains_key(&cache) {
            return;
        }
        let mut live = self
            .store
            .sources
            .iter()
            .filter(|(k, _)| **k != cache)
            .peekable();
        let synced = live.peek().is_some()
            && live.all(|(_, h)| {
                matches!(
                    h.status,
                    crate::feed::Status::Ok | crate::feed::Status::NotEnabled
                )
            });
        if synced {
            self.store.sources.remove(&cache);
        }
    }

    /// Brings the current pane's view up to date with the store (re-sorts only when its
    /// data or sort changed) and keeps the selection on screen. Called before each draw.
    /// What the loop does after taking updates, before it draws: a running drill looks at
    /// what arrived (its entries are then journalled before the frame shows them), and the
    /// panes not on screen catch their views up on the rows written (the pane on screen is
    /// refreshed before the draw).
    pub fn after_updates(&mut self) {
        if self.drills.running.is_some() && self.drills.seen != self.store.generation() {
            self.drills.seen = self.store.generation();
            self.observe_drill();
        }
        self.retire_old_events();
        // On the overview no pane is on screen: the one under it is kept up as any hidden
        // one (the findings' view not at all: its merge of a poll was 2 ms of the overview's
        // batch at a million findings).
        let shown = self.pane_shown();
        for pane in Pane::ALL.into_iter().filter(|&p| Some(p) != shown) {
            pane.kind().keep_up(self);
        }
    }

    /// The pane on screen: none on the overview.
    pub(super) fn pane_shown(&self) -> Option<Pane> {
        (!self.panes.overview).then_some(self.panes.tab)
    }

    /// The public-access marks follow each change of the exposures or of the open Macie
    /// findings, a few rows at a time (the pane's refresh calls this after each batch,
    /// shown or not): the first look at the pane then finds them worked out (at a million
    /// findings, 86,000 exposures read afresh took 7 ms of one frame). A Macie change that
    /// moves a score asks the pane's view to sort again, since its rows' order moved
    /// without a write.
    pub(super) fn follow_exposures(&mut self) {
        use crate::store::related::ExposureMarks;
        let inputs = ExposureMarks::inputs(&self.store);
        if self.marks.as_ref().map(|m| m.0) == Some(inputs) {
            return;
        }
        let before = self.marks.take();
        let macie_moved = before.as_ref().is_none_or(|m| m.0 .2 != inputs.2);
        let scores_before = macie_moved.then(|| before.as_ref().map(|m| m.1.scores().to_vec()));
        let marks = ExposureMarks::caught_up(before, &self.store);
        if let Some(was) = scores_before {
            if was.is_none_or(|s| s != marks.scores()) {
                self.panes.views[Pane::PublicAccess.index()].invalidate_sort();
            }
        }
        self.marks = Some((inputs, marks));
    }

    /// Every few minutes, the events older than `events_keep` leave the store (an open
    /// timeline keeps the events of its window).
    pub(super) fn retire_old_events(&mut self) {
        const EVERY: chrono::Duration = chrono::Duration::minutes(5);
        let Some(keep) = self.settings.events_keep else {
            return;
        };
        let now = self.clock.now();
        if self.events_retired.is_some_and(|at| now - at < EVERY) {
            return;
        }
        self.events_retired = Some(now);
        let mut cutoff = now - keep;
        if let Some(t) = &self.overlays.timeline {
            cutoff = cutoff.min(t.lookup.start);
        }
        // Rows after a removed one move up: what is selected or open follows its event.
        let (held, on_timeline) = (self.held_keys(), self.timeline_selection());
        if self.store.retire_events(cutoff) {
            self.follow(held);
            self.refresh_timeline_keeping(on_timeline);
        }
    }

    pub fn refresh_view(&mut self) {
        self.refresh_timeline();
        let now = self.clock.now();
        let limits = self.settings.thresholds;
        self.trend.sample(self.store.counts().by_severity, now);
        if self.panes.overview {
            let at = (self.store.generation(), now.timestamp().div_euclid(60));
            if self.posture.as_ref().map(|p| (p.0, p.1)) != Some(at) {
                let keys = crate::store::sort::CredentialKeys::of(
                    self.credential_keys.take(),
                    &self.store,
                    now,
                    limits,
                );
                let memo = &mut self.posture_memo;
                let mut list = crate::analysis::posture::indicators_with(
                    &self.store,
                    &keys,
                    &self.settings.bars,
                    memo,
                );
                self.credential_keys = Some(keys);
                crate::analysis::posture::last_drill(&mut list, self.drills.history.first(), now);
                crate::analysis::posture::runbook_coverage(
                    &mut list,
                    &self.store,
                    &self.runbooks,
                    memo,
                );
                let grid = crate::analysis::posture::grid(&self.store);
                self.posture = Some((at.0, at.1, list, grid));
            }
        }
        if let Some(shown) = self.pane_shown() {
            shown.kind().refresh(self);
            shown.kind().count(self);
        }
        if self.summary_shown() {
            let at = (
                self.panes.tab,
                self.store.generation(),
                now.timestamp().div_euclid(60),
                self.summary_tag(),
            );
            let cached = self
                .summary_cache
                .as_ref()
                .map(|c| (c.0, c.1, c.2, c.3.clone()));
            if cached.as_ref() != Some(&at) {
                let summary = self.compute_summary(self.panes.tab);
                self.panes.summary_cursor = self
                    .panes
                    .summary_cursor
                    .min(summary.rows.len().saturating_sub(1));
                self.summary_cache = Some((at.0, at.1, at.2, at.3, summary));
            }
        }
        // These read the shown pane's view, caught up above.
        if let Some(tab) = self.pane_shown() {
            if std::mem::take(&mut self.view_mut(tab).thawed) {
                self.say("unfrozen: rows were removed underneath");
            }
            self.apply_restore();
            let height = layout::table_rows(self.size, self.filter_line_shown());
            self.view_mut(tab).scroll_into_view(height);
        }
        // At the top there is nothing to clamp: the detail is not worked out twice a frame
        // (its fields cost an opening at a million findings up to 1.2 ms).
        if let Some(detail) = self.overlays.detail.as_ref().filter(|d| d.scroll > 0) {
            // `G` asks for "the end": pin the scroll there so `k` moves at once.
            let visible = layout::detail_rows(self.size);
            let max = self.detail_len(detail).saturating_sub(visible);
            if let Some(detail) = &mut self.overlays.detail {
                detail.scroll = detail.scroll.min(max);
            }
        }
    }
}
