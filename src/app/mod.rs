//! Application state and what each action does to it.
//!
//! The UI loop ([`event_loop`]) owns one [`App`]: the store plus everything about what the
//! operator is looking at. Keys become [`Action`]s ([`keys`]), actions change the state,
//! and the renderer reads the state by shared reference. Nothing here draws or does I/O,
//! so every behaviour is testable with plain values.

pub mod detail;
pub mod drill;
pub mod keys;
pub mod layout;
pub mod pane;
pub mod runbook;
pub mod timeline;
pub mod triage;

pub use pane::Pane;

use crate::feed::Update;
use crate::model::age::TimeDisplay;
use crate::model::handoff::{DetailState, Handoff, PaneState, ViewState};
use crate::model::notes::Notes;
use crate::model::{Clock, Thresholds, WorkflowStatus};
use crate::store::query::View;
use crate::store::{Changed, Store};
use crate::theme::Theme;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ShowTab(Pane),
    /// `0`: the posture overview.
    Overview,
    NextTab,
    PrevTab,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SortNext,
    SortReverse,
    FilterStart,
    FilterChar(char),
    FilterBackspace,
    FilterAccept,
    FilterCancel,
    ClearFilter,
    /// `:` command line.
    CommandStart,
    /// `n`: write a note on the selected row.
    NoteStart,
    /// `w`: write a hand-off snapshot.
    Snapshot,
    Open,
    Back,
    ToggleHelp,
    /// `i`: the sources overlay.
    ToggleSources,
    /// `v`: the pane's summary (per account, rule or resource type) or its list.
    ToggleSummary,
    /// Tab while typing a command or a filter: complete the word.
    Complete,
    /// `f`: hold the pane's rows still while updates arrive.
    Freeze,
    /// `N`: mark the findings as seen now.
    MarkSeen,
    /// `y`: copy the row's id or ARN; `Y`: its AWS console link. Also "yes" to a
    /// triage confirmation.
    Copy {
        link: bool,
    },
    /// `space`: mark a finding for triage.
    Mark,
    /// `t`: the CloudTrail timeline around a finding.
    Timeline,
    /// `r`: the runbook of the selection.
    Runbook,
    /// `d` on the Drills pane: the drill view or the activity.
    DrillView,
    /// `a`, `c`, `x` in the drill view: acknowledged, contained, close.
    Acknowledge,
    Contain,
    CloseDrill,
    Refresh,
    /// Mouse wheel: lines to move (negative is up).
    Scroll(i32),
    /// A click at a column of the tab bar.
    ClickTabBar(u16),
    Resize(u16, u16),
}

/// What the detail view shows: a row of one of the panes, by table position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailTarget {
    pub pane: Pane,
    pub row: u32,
}

impl DetailTarget {
    /// The same kind of record, at another row.
    pub fn at_row(self, row: u32) -> DetailTarget {
        DetailTarget { row, ..self }
    }

    pub fn pane_and_row(self) -> (Pane, u32) {
        (self.pane, self.row)
    }
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub target: DetailTarget,
    /// The raw record, pretty-printed once when the view opens.
    pub raw_lines: Vec<String>,
    pub scroll: usize,
    /// For a finding: what else the store knows about its resources, as of opening.
    pub context: Option<crate::store::related::FindingContext>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub time: TimeDisplay,
    pub thresholds: Thresholds,
    /// When the overview's indicators read "look" and "act".
    pub bars: crate::analysis::posture::Bars,
    /// Saved views (`[[views]]`), applied with `:view NAME`.
    pub views: Vec<crate::config::SavedView>,
    /// `[columns]`: pane id -> the column titles to show.
    pub columns: std::collections::BTreeMap<String, Vec<String>>,
    /// Shown in the header: `demo`, `replay`, `live`.
    pub mode_label: String,
    /// Where notes and snapshots go; `None` keeps notes in memory only.
    pub state_dir: Option<PathBuf>,
    /// Signs notes and snapshots (and Security Hub notes).
    pub user: String,
    /// Where after-action reports go; `None` keeps them unwritten (and says so).
    pub data_dir: Option<PathBuf>,
    /// Whether triage may write, and where not (the source checks it again).
    pub writes: crate::model::triage::WritePolicy,
    /// The CloudTrail timeline's reach around a finding.
    pub timeline: crate::model::lookup::Window,
    /// CloudTrail events older than this leave the store (`None`: kept, as replay does).
    pub events_keep: Option<chrono::Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time: TimeDisplay::Utc,
            thresholds: Thresholds::default(),
            bars: Default::default(),
            views: Vec::new(),
            columns: Default::default(),
            mode_label: "demo".into(),
            state_dir: None,
            user: "operator".into(),
            data_dir: None,
            writes: Default::default(),
            timeline: Default::default(),
            events_keep: None,
        }
    }
}

/// A short message in the status line, e.g. the answer to a key that does nothing yet.
#[derive(Debug, Clone)]
pub struct Flash {
    pub text: String,
    pub at: Instant,
}

/// A line of input in the status line: a `:` command or a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Command,
    Note {
        pane: Pane,
        key: String,
    },
    /// `/` in a detail view: find text in the raw JSON.
    Search,
    /// `n` in the drill view: a timestamped note, journalled.
    DrillNote,
}

/// Work with files that an action asks for; the loop hands it to [`effects`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    SaveNotes,
    SaveWatermarks,
    Snapshot(Option<PathBuf>),
    /// `:export [PATH]`: the store as `rampart export` writes it.
    Export(Option<PathBuf>),
    /// Put this on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Append to a drill's journal (before the screen shows it).
    Journal(String, Box<crate::drill::exercise::Entry>),
    /// Write a closed drill's after-action report.
    DrillReport(Box<crate::drill::exercise::Drill>),
}

/// What a replayed snapshot asked to show, applied as the rows become visible.
#[derive(Debug, Default)]
struct Restore {
    select: HashMap<Pane, String>,
    detail: Option<(Pane, String, usize)>,
}

pub struct App {
    pub store: Store,
    pub clock: Clock,
    pub settings: Settings,
    pub theme: Theme,
    pub tab: Pane,
    /// Each pane's view (filter, sort, rows, selection), in [`Pane::ALL`] order.
    views: Vec<View>,
    /// Typing into the filter of the current pane.
    pub editing_filter: bool,
    /// The filter before editing began, restored by `Esc`.
    filter_before_edit: String,
    pub detail: Option<Detail>,
    pub help: bool,
    /// The sources overlay is open.
    pub sources_open: bool,
    pub flash: Option<Flash>,
    pub should_quit: bool,
    /// Terminal size, for paging and the tab bar's click targets.
    pub size: (u16, u16),
    /// Asked of the sources by `r`; the loop forwards it.
    pub refresh_requested: bool,
    pub notes: Notes,
    /// The notes file could not be read: it is set aside before the first save.
    pub notes_unreadable: bool,
    pub prompt: Option<Prompt>,
    pub requests: Vec<Request>,
    /// The overview is shown instead of the current tab.
    pub overview: bool,
    /// The indicator under the cursor on the overview.
    pub overview_cursor: usize,
    /// Open findings by severity, a sample a minute, for the overview's trend.
    pub trend: crate::analysis::posture::Trend,
    /// The overview's indicators and grid, and the store generation and minute they are
    /// of: computing them reads the whole store, so only when it has changed.
    pub posture: Option<(
        u64,
        i64,
        Vec<crate::analysis::posture::Indicator>,
        crate::analysis::posture::Grid,
    )>,
    /// What the operator has seen, per pane or saved view ("new since I last looked").
    pub watermarks: crate::model::watermarks::Watermarks,
    /// The saved view last applied, while its pane still shows its filter.
    pub active_view: Option<(Pane, String, String)>,
    /// The last text searched for in a detail's raw JSON (`/` then Enter repeats it).
    pub last_search: String,
    /// Where OSC 52 clipboard sequences go: the terminal (set by the console), none in tests.
    pub terminal_out: Option<Box<dyn std::io::Write + Send>>,
    /// Inside tmux: clipboard sequences are wrapped for passthrough.
    pub in_tmux: bool,
    /// The panes showing their summary instead of their list.
    pub summaries: std::collections::HashSet<Pane>,
    /// The summary line under the cursor.
    pub summary_cursor: usize,
    /// The current summary, for the pane, store generation and minute it is of.
    summary_cache: Option<(Pane, u64, i64, String, crate::analysis::summary::Summary)>,
    /// What the findings' summary groups by.
    pub finding_group: crate::analysis::summary::GroupBy,
    /// The public-access pane's marks and the store generation they are of.
    marks: Option<(u64, crate::store::related::ExposureMarks)>,
    restore: Restore,
    /// Findings marked for triage, by key hash.
    pub marked: std::collections::HashSet<u64>,
    /// A triage waiting for `y`.
    pub confirm: Option<triage::Confirm>,
    /// The CloudTrail timeline, drawn over the pane while open.
    pub timeline: Option<timeline::TimelineView>,
    /// For the sources: the loop sends them on.
    pub commands: Vec<crate::feed::Command>,
    /// The last triage or lookup id given out.
    next_request: u64,
    /// The runbook library (built-in and the team's).
    pub runbooks: crate::drill::runbook::Library,
    /// The runbook drawn over the pane while open.
    pub runbook: Option<runbook::RunbookView>,
    /// The running drill.
    pub drill: Option<crate::drill::exercise::Drill>,
    /// The Drills pane shows the drill view instead of the activity.
    pub drill_view: bool,
    /// The selected checklist step.
    pub drill_cursor: usize,
    /// Past drills, newest first (from the reports).
    pub drill_history: Vec<crate::drill::report::Past>,
    /// The store generation the drill last looked at.
    drill_seen: u64,
    /// When old events were last retired.
    events_retired: Option<chrono::DateTime<chrono::Utc>>,
}

impl App {
    pub fn new(clock: Clock, settings: Settings, theme: Theme) -> App {
        App {
            store: Store::new(),
            clock,
            settings,
            theme,
            tab: Pane::Findings,
            views: Pane::ALL.iter().map(|p| p.kind().new_view()).collect(),
            editing_filter: false,
            filter_before_edit: String::new(),
            detail: None,
            help: false,
            sources_open: false,
            flash: None,
            should_quit: false,
            size: (80, 24),
            refresh_requested: false,
            notes: Notes::default(),
            notes_unreadable: false,
            prompt: None,
            requests: Vec::new(),
            overview: false,
            overview_cursor: 0,
            marks: None,
            last_search: String::new(),
            watermarks: Default::default(),
            active_view: None,
            terminal_out: None,
            in_tmux: false,
            summaries: Default::default(),
            summary_cursor: 0,
            summary_cache: None,
            finding_group: Default::default(),
            trend: crate::analysis::posture::Trend::default(),
            posture: None,
            restore: Restore::default(),
            marked: Default::default(),
            confirm: None,
            timeline: None,
            commands: Vec::new(),
            next_request: 0,
            runbooks: crate::drill::runbook::Library::builtin(),
            runbook: None,
            drill: None,
            drill_view: false,
            drill_cursor: 0,
            drill_history: Vec::new(),
            drill_seen: 0,
            events_retired: None,
        }
    }

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
                    self.marked
                        .retain(|&h| findings.position_of_hash(h).is_some());
                }
                if changed.sources {
                    self.drop_cache_mark();
                }
                changed
            }
        }
    }

    /// The key of each pane's selected row, and of the record open in detail (last).
    fn held_keys(&self) -> Vec<(Pane, String)> {
        let mut held: Vec<(Pane, String)> = Pane::ALL
            .iter()
            .filter_map(|&tab| {
                let row = self.view(tab).selected_row()?;
                Some((tab, self.row_key(tab, row)?))
            })
            .collect();
        if let Some(d) = &self.detail {
            let (tab, row) = d.target.pane_and_row();
            if let Some(key) = self.row_key(tab, row) {
                held.push((tab, key));
            }
        }
        held
    }

    /// Puts the selections and the open detail back on the records they were on.
    fn follow(&mut self, mut held: Vec<(Pane, String)>) {
        if let Some(d) = &self.detail {
            let (tab, _) = d.target.pane_and_row();
            let open = held.pop().filter(|(t, _)| *t == tab);
            match open.and_then(|(t, key)| self.row_of(t, &key)) {
                Some(row) => {
                    if let Some(d) = &mut self.detail {
                        d.target = d.target.at_row(row);
                    }
                }
                None => {
                    self.detail = None;
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
                let mut list =
                    crate::analysis::posture::indicators(&self.store, s.thresholds, &s.bars, now);
                crate::analysis::posture::last_drill(&mut list, self.drill_history.first(), now);
                list
            }
        }
    }

    /// The public-access marks as of the last refresh (computed now when stale: tests and
    /// one-off callers get the truth, the loop gets the cache).
    pub fn exposure_marks(&self) -> std::borrow::Cow<'_, crate::store::related::ExposureMarks> {
        match &self.marks {
            Some((generation, marks)) if *generation == self.store.generation() => {
                std::borrow::Cow::Borrowed(marks)
            }
            _ => std::borrow::Cow::Owned(crate::store::related::ExposureMarks::of(&self.store)),
        }
    }

    /// Whether the pane on screen shows its summary.
    /// The Drills pane shows the drill view.
    pub fn drill_view_shown(&self) -> bool {
        self.drill_view
            && self.tab == Pane::Drills
            && !self.overview
            && self.detail.is_none()
            && self.timeline.is_none()
            && self.runbook.is_none()
    }

    pub fn summary_shown(&self) -> bool {
        !self.overview && self.summaries.contains(&self.tab)
    }

    fn compute_summary(&self, tab: Pane) -> crate::analysis::summary::Summary {
        tab.kind().summary(self)
    }

    /// What else a summary depends on: the findings' filter and grouping.
    fn summary_tag(&self) -> String {
        match self.tab {
            Pane::Findings => format!(
                "{}\u{1f}{}",
                self.finding_group.name(),
                self.view(Pane::Findings).filter_text
            ),
            _ => String::new(),
        }
    }

    /// The current pane's summary (cached by `refresh_view`).
    pub fn summary(&self) -> std::borrow::Cow<'_, crate::analysis::summary::Summary> {
        match &self.summary_cache {
            Some((tab, generation, _, tag, s))
                if *tab == self.tab
                    && *generation == self.store.generation()
                    && *tag == self.summary_tag() =>
            {
                std::borrow::Cow::Borrowed(s)
            }
            _ => std::borrow::Cow::Owned(self.compute_summary(self.tab)),
        }
    }

    /// What a key does on a summary; false when it means the same as on the list.
    fn summary_action(&mut self, action: Action) -> bool {
        let last = self.summary().rows.len().saturating_sub(1);
        if move_cursor(&mut self.summary_cursor, last, action) {
            return true;
        }
        match action {
            Action::Back => {
                self.summaries.remove(&self.tab);
            }
            Action::Open => self.drill_summary(),
            Action::SortNext if self.tab == Pane::Findings => {
                self.finding_group = self.finding_group.next();
                self.summary_cursor = 0;
                self.say(format!("grouped by {}", self.finding_group.name()));
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
    fn drill_summary(&mut self) {
        let summary = self.summary();
        let Some(row) = summary.rows.get(self.summary_cursor) else {
            return;
        };
        let name = row
            .cells
            .first()
            .map(|c| c.text.clone())
            .unwrap_or_default();
        match row.drill.clone() {
            Some(crate::analysis::summary::Drill::Filter(filter)) => {
                let tab = self.tab;
                self.summaries.remove(&tab);
                let v = self.view_mut(tab);
                v.set_filter(&filter);
                v.first();
                self.say(format!(
                    "{name}: Esc clears the filter, v goes back to the summary"
                ));
            }
            Some(crate::analysis::summary::Drill::Sources) => self.sources_open = true,
            None => self.say(format!("{name}: nothing to open")),
        }
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
    fn overview_action(&mut self, action: Action) -> bool {
        let last = self.indicators().len().saturating_sub(1);
        if move_cursor(&mut self.overview_cursor, last, action) {
            return true;
        }
        match action {
            Action::Open => self.open_evidence(),
            Action::ShowTab(t) => {
                self.overview = false;
                self.tab = t;
            }
            Action::NextTab => {
                self.overview = false;
                self.tab = Pane::ALL[0];
            }
            Action::PrevTab => {
                self.overview = false;
                self.tab = Pane::ALL[Pane::ALL.len() - 1];
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

    /// Opens the evidence of the indicator under the cursor: its pane, filtered and sorted.
    fn open_evidence(&mut self) {
        let list = self.indicators();
        let Some(ind) = list.get(self.overview_cursor) else {
            return;
        };
        let Some(ev) = &ind.evidence else {
            self.say(format!("{}: nothing to show yet", ind.label));
            return;
        };
        if ev.pane == "sources" {
            self.sources_open = true;
            return;
        }
        let Some(tab) = Pane::from_id(ev.pane) else {
            return;
        };
        self.overview = false;
        self.tab = tab;
        let v = self.view_mut(tab);
        v.set_filter(&ev.filter);
        if let Some(col) = ev
            .sort
            .and_then(|s| tab.sort_names().iter().position(|n| *n == s))
        {
            v.sort_column = col;
            v.reversed = false;
        }
        self.say(format!("evidence: {}", ind.label));
    }

    /// Cached data is marked until every live source has synced once.
    fn drop_cache_mark(&mut self) {
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

    /// The key of a row of a pane's table.
    pub fn row_key(&self, tab: Pane, row: u32) -> Option<String> {
        tab.kind().key(&self.store, row)
    }

    fn row_of(&self, tab: Pane, key: &str) -> Option<u32> {
        tab.kind().position(&self.store, key)
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
                    selected: v.selected_row().and_then(|r| self.row_key(tab, r)),
                };
                (tab.spec().dataset.to_string(), state)
            })
            .collect();
        let detail = self.detail.as_ref().and_then(|d| {
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
                pane: self.tab.spec().dataset.to_string(),
                panes,
                detail,
            },
            notes: self.notes.iter().cloned().collect(),
        }
    }

    /// Shows what a snapshot's author saw: pane, filters, sorts, selections, the open
    /// detail, and their notes (merged with ours; the newer note of a row wins).
    fn restore_from(&mut self, h: Handoff) {
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
            self.tab = tab;
            self.overview = false;
        }
        self.detail = None;
        self.restore.detail = h.view.detail.and_then(|d| {
            let tab = Pane::from_id(&d.pane)?;
            self.restore.select.insert(tab, d.key.clone());
            Some((tab, d.key, d.scroll))
        });
        let notes = self.notes.merge(h.notes);
        let when = self.settings.time.format(h.written_at);
        self.say(format!(
            "snapshot by {} at {when} ({}): view restored, {notes} notes",
            h.written_by, h.source
        ));
    }

    /// Selects the rows (and opens the detail) a snapshot asked for, once the current
    /// pane's view has them.
    fn apply_restore(&mut self) {
        let tab = self.tab;
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
            if dtab == tab && dkey == key && self.detail.is_none() {
                self.open_detail();
                if let Some(d) = &mut self.detail {
                    d.scroll = scroll;
                }
            } else {
                self.restore.detail = Some((dtab, dkey, scroll));
            }
        }
    }

    pub fn view(&self, tab: Pane) -> &View {
        &self.views[tab.index()]
    }

    pub fn view_mut(&mut self, tab: Pane) -> &mut View {
        &mut self.views[tab.index()]
    }

    /// Brings the current pane's view up to date with the store (re-sorts only when its
    /// data or sort changed) and keeps the selection on screen. Called before each draw.
    /// What the loop does after taking updates, before it draws: a running drill looks at
    /// what arrived (its entries are then journalled before the frame shows them).
    pub fn after_updates(&mut self) {
        if self.drill.is_some() && self.drill_seen != self.store.generation() {
            self.drill_seen = self.store.generation();
            self.observe_drill();
        }
        self.retire_old_events();
    }

    /// Every few minutes, the events older than `events_keep` leave the store (an open
    /// timeline keeps the events of its window).
    fn retire_old_events(&mut self) {
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
        if let Some(t) = &self.timeline {
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
        if self.overview {
            let at = (self.store.generation(), now.timestamp().div_euclid(60));
            if self.posture.as_ref().map(|p| (p.0, p.1)) != Some(at) {
                let mut list = crate::analysis::posture::indicators(
                    &self.store,
                    limits,
                    &self.settings.bars,
                    now,
                );
                crate::analysis::posture::last_drill(&mut list, self.drill_history.first(), now);
                let grid = crate::analysis::posture::grid(&self.store);
                self.posture = Some((at.0, at.1, list, grid));
            }
        }
        self.tab.kind().refresh(self);
        if self.summary_shown() {
            let at = (
                self.tab,
                self.store.generation(),
                now.timestamp().div_euclid(60),
                self.summary_tag(),
            );
            let cached = self
                .summary_cache
                .as_ref()
                .map(|c| (c.0, c.1, c.2, c.3.clone()));
            if cached.as_ref() != Some(&at) {
                let summary = self.compute_summary(self.tab);
                self.summary_cursor = self
                    .summary_cursor
                    .min(summary.rows.len().saturating_sub(1));
                self.summary_cache = Some((at.0, at.1, at.2, at.3, summary));
            }
        }
        let tab = self.tab;
        if std::mem::take(&mut self.view_mut(tab).thawed) {
            self.say("unfrozen: rows were removed underneath");
        }
        self.apply_restore();
        let height = layout::table_rows(self.size, self.filter_line_shown());
        let tab = self.tab;
        self.view_mut(tab).scroll_into_view(height);
        if let Some(detail) = &self.detail {
            // `G` asks for "the end": pin the scroll there so `k` moves at once.
            let visible = layout::detail_rows(self.size);
            let max = self.detail_len(detail).saturating_sub(visible);
            if let Some(detail) = &mut self.detail {
                detail.scroll = detail.scroll.min(max);
            }
        }
    }

    /// Whether the pane shows a filter line (while typing, or when a filter is set).
    pub fn filter_line_shown(&self) -> bool {
        self.editing_filter || !self.view(self.tab).filter_text.is_empty()
    }

    fn page(&self) -> isize {
        layout::table_rows(self.size, self.filter_line_shown()).max(1) as isize
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            at: Instant::now(),
        });
    }

    /// Changes the state for one action.
    pub fn update(&mut self, action: Action) {
        if self.prompt.is_some() {
            self.update_prompt(action);
            return;
        }
        if self.confirm.is_some() {
            self.confirm_action(action);
            return;
        }
        if self.runbook.is_some() && !self.help && self.runbook_action(action) {
            return;
        }
        if self.drill_view_shown() && !self.help && !self.sources_open && self.drill_action(action)
        {
            return;
        }
        match action {
            Action::DrillView
                if self.tab == Pane::Drills && !self.overview && self.detail.is_none() =>
            {
                self.drill_view = true;
                return;
            }
            Action::DrillView => {
                self.say("d shows the drill view on the Drills pane (4)");
                return;
            }
            Action::Acknowledge | Action::Contain | Action::CloseDrill => {
                self.say("a, c and x act on the running drill in its view: 4, then d");
                return;
            }
            _ => {}
        }
        if matches!(action, Action::Mark | Action::Timeline | Action::Runbook)
            && (self.help || self.sources_open)
        {
            // Like any key: it closes the overlay and does nothing behind it.
            self.help = false;
            self.sources_open = false;
            return;
        }
        if action == Action::Mark && self.timeline.is_some() {
            self.say("space marks findings in the list; Esc leaves the timeline");
            return;
        }
        match action {
            Action::Runbook if self.overview && self.detail.is_none() => {
                self.say(NOT_ON_THE_OVERVIEW);
                return;
            }
            Action::Runbook if self.summary_shown() && self.detail.is_none() => {
                self.say(NOT_ON_A_SUMMARY);
                return;
            }
            Action::Runbook => {
                self.help = false;
                self.sources_open = false;
                self.open_runbook();
                return;
            }
            Action::Mark | Action::Timeline if self.overview && self.detail.is_none() => {
                self.say(NOT_ON_THE_OVERVIEW);
                return;
            }
            Action::Mark | Action::Timeline if self.summary_shown() && self.detail.is_none() => {
                self.say(NOT_ON_A_SUMMARY);
                return;
            }
            Action::Mark => {
                self.toggle_mark();
                return;
            }
            Action::Timeline => {
                self.help = false;
                self.open_timeline();
                return;
            }
            Action::CommandStart => {
                self.help = false;
                self.prompt = Some(Prompt {
                    kind: PromptKind::Command,
                    text: String::new(),
                });
                return;
            }
            Action::NoteStart => {
                self.help = false;
                self.start_note();
                return;
            }
            Action::Snapshot => {
                self.help = false;
                self.requests.push(Request::Snapshot(None));
                return;
            }
            Action::Copy { link } => {
                self.help = false;
                match self
                    .current_row()
                    .and_then(|(tab, row)| self.copy_text(tab, row, link))
                {
                    Some(text) => self.requests.push(Request::Copy(text)),
                    None if link => self.say("no AWS console link for this row"),
                    None => self.say("no row selected to copy"),
                }
                return;
            }
            _ => {}
        }
        if self.sources_open && !matches!(action, Action::Quit | Action::Resize(..)) {
            // Like help: any key closes the overlay; `i` toggles it.
            self.sources_open = false;
            return;
        }
        if action == Action::ToggleSources {
            self.help = false;
            self.sources_open = true;
            return;
        }
        if self.help && !matches!(action, Action::Quit | Action::Resize(..)) {
            // Any key closes the help overlay; `?` toggles it.
            self.help = false;
            if action == Action::ToggleHelp {
                return;
            }
            if matches!(action, Action::Back) {
                return;
            }
        }
        if self.timeline.is_some() {
            if !self.timeline_action(action) {
                if let Action::ShowTab(tab) = action {
                    self.timeline = None;
                    self.detail = None;
                    self.tab = tab;
                }
            }
            return;
        }
        if self.overview && self.detail.is_none() && self.overview_action(action) {
            return;
        }
        if let Some(detail) = &mut self.detail {
            match action {
                Action::Up => detail.scroll = detail.scroll.saturating_sub(1),
                Action::Down => detail.scroll += 1,
                Action::Scroll(n) => {
                    detail.scroll = (detail.scroll as i64 + n as i64).max(0) as usize
                }
                Action::PageUp => {
                    detail.scroll = detail.scroll.saturating_sub(self.size.1 as usize / 2)
                }
                Action::PageDown => detail.scroll += self.size.1 as usize / 2,
                Action::Top => detail.scroll = 0,
                Action::Bottom => detail.scroll = usize::MAX / 4,
                Action::Back | Action::Open => self.detail = None,
                Action::FilterStart => {
                    self.prompt = Some(Prompt {
                        kind: PromptKind::Search,
                        text: self.last_search.clone(),
                    })
                }
                Action::Quit => self.should_quit = true,
                Action::ToggleHelp => self.help = true,
                Action::Resize(w, h) => self.size = (w, h),
                Action::ShowTab(t) => {
                    self.detail = None;
                    self.tab = t;
                }
                _ => {}
            }
            return;
        }
        if self.summary_shown() && self.summary_action(action) {
            return;
        }
        if action == Action::MarkSeen {
            if self.tab == Pane::Findings {
                self.mark_findings_seen();
                self.say("findings marked as seen");
            } else {
                self.say("N marks the findings as seen");
            }
            return;
        }
        let on_findings = self.tab == Pane::Findings && !self.overview;
        let page = self.page();
        let tab = self.tab;
        match action {
            Action::Quit => self.should_quit = true,
            Action::ShowTab(t) => self.tab = t,
            Action::Overview => {
                self.overview = true;
                self.editing_filter = false;
            }
            Action::NextTab => self.tab = tab.next(),
            Action::PrevTab => self.tab = tab.prev(),
            Action::Up => self.view_mut(tab).move_by(-1),
            Action::Down => self.view_mut(tab).move_by(1),
            Action::Scroll(n) => self.view_mut(tab).move_by(n as isize),
            Action::PageUp => self.view_mut(tab).move_by(-page),
            Action::PageDown => self.view_mut(tab).move_by(page),
            Action::Top => self.view_mut(tab).first(),
            Action::Bottom => self.view_mut(tab).last(),
            Action::SortNext => {
                let n = tab.sort_names().len();
                let v = self.view_mut(tab);
                v.sort_column = (v.sort_column + 1) % n;
                v.reversed = false;
                let name = tab.sort_names()[v.sort_column];
                self.say(format!("sorted by {name}"));
            }
            Action::SortReverse => {
                let v = self.view_mut(tab);
                v.reversed = !v.reversed;
                let name = tab.sort_names()[v.sort_column];
                let dir = if v.reversed {
                    "reversed"
                } else {
                    "natural order"
                };
                self.say(format!("sorted by {name}, {dir}"));
            }
            Action::FilterStart => {
                self.filter_before_edit = self.view(tab).filter_text.clone();
                self.editing_filter = true;
            }
            Action::FilterChar(c) => {
                let mut text = self.view(tab).filter_text.clone();
                text.push(c);
                self.view_mut(tab).set_filter(&text);
            }
            Action::FilterBackspace => {
                let mut text = self.view(tab).filter_text.clone();
                text.pop();
                self.view_mut(tab).set_filter(&text);
            }
            Action::FilterAccept => self.editing_filter = false,
            Action::Complete => {
                let fields: Vec<&str> = self.view(tab).fields().iter().map(|f| f.name()).collect();
                let text = self.view(tab).filter_text.clone();
                let (line, choices) = complete_last_word(&text, &fields, ":");
                if choices.len() > 1 {
                    self.say(choices.join("  "));
                }
                self.view_mut(tab).set_filter(&line);
            }
            Action::FilterCancel => {
                let before = std::mem::take(&mut self.filter_before_edit);
                self.view_mut(tab).set_filter(&before);
                self.editing_filter = false;
            }
            Action::ClearFilter => self.view_mut(tab).set_filter(""),
            Action::Open => self.open_detail(),
            Action::Back => {
                if !self.view(tab).filter_text.is_empty() {
                    self.view_mut(tab).set_filter("");
                }
            }
            Action::ToggleHelp => self.help = true,
            Action::Refresh => {
                self.refresh_requested = true;
                self.say("refresh requested");
            }
            // Taken before the panes see a key.
            Action::Mark
            | Action::Timeline
            | Action::Runbook
            | Action::DrillView
            | Action::Acknowledge
            | Action::Contain
            | Action::CloseDrill => {}
            Action::ClickTabBar(col) => {
                if layout::overview_range().contains(&col) {
                    self.overview = true;
                } else if let Some(t) = layout::tab_at(col, self.size.0) {
                    self.tab = t;
                    self.overview = false;
                }
            }
            Action::Resize(w, h) => self.size = (w, h),
            Action::Freeze => {
                let v = self.view_mut(tab);
                v.toggle_freeze();
                let text = if v.is_frozen() {
                    "frozen: updates wait until f"
                } else {
                    "unfrozen"
                };
                self.say(text);
            }
            Action::ToggleSummary => match tab {
                Pane::Findings | Pane::Credentials | Pane::PublicAccess | Pane::Compliance => {
                    if !self.summaries.remove(&tab) {
                        self.summaries.insert(tab);
                        self.summary_cursor = 0;
                    }
                }
                Pane::Drills => self.say(format!(
                    "{} has no summary: v works on Findings, Credentials, Public access and Compliance",
                    tab.title()
                )),
            },
            // Handled before the pane sees the action.
            Action::CommandStart
            | Action::NoteStart
            | Action::Snapshot
            | Action::ToggleSources
            | Action::Copy { .. }
            | Action::MarkSeen => {}
        }
        let left = self.tab != Pane::Findings || self.overview || self.should_quit;
        if on_findings && left {
            // Seen: what the pane held when the operator left it is no longer new.
            self.mark_findings_seen();
        }
    }

    /// The row a note would be about: the open detail's, else the selected one.
    fn current_row(&self) -> Option<(Pane, u32)> {
        match &self.detail {
            Some(d) => Some(d.target.pane_and_row()),
            None => Some((self.tab, self.view(self.tab).selected_row()?)),
        }
    }

    fn start_note(&mut self) {
        let Some((pane, key)) = self
            .current_row()
            .and_then(|(tab, row)| Some((tab, self.row_key(tab, row)?)))
        else {
            self.say("no row selected to write a note on");
            return;
        };
        let text = self
            .notes
            .get(pane.spec().dataset, &key)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        self.prompt = Some(Prompt {
            kind: PromptKind::Note { pane, key },
            text,
        });
    }

    /// The note of the row on screen, if any.
    pub fn note_for(&self, tab: Pane, row: u32) -> Option<&crate::model::notes::Note> {
        self.notes.get(tab.spec().dataset, &self.row_key(tab, row)?)
    }

    fn update_prompt(&mut self, action: Action) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        match action {
            Action::FilterChar(c)
                if prompt.text.chars().count() < crate::model::notes::MAX_CHARS =>
            {
                prompt.text.push(c);
            }
            Action::FilterBackspace => {
                prompt.text.pop();
            }
            Action::FilterCancel => self.prompt = None,
            Action::FilterAccept => {
                if let Some(prompt) = self.prompt.take() {
                    self.accept_prompt(prompt);
                }
            }
            Action::Complete if prompt.kind == PromptKind::Command => {
                let views: Vec<&str> = self
                    .settings
                    .views
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect();
                let runbooks: Vec<&str> =
                    self.runbooks.all().iter().map(|r| r.id.as_str()).collect();
                let (line, choices) = complete_command(&prompt.text, &views, &runbooks);
                let said = (choices.len() > 1).then(|| choices.join("  "));
                prompt.text = line;
                if let Some(text) = said {
                    self.say(text);
                }
            }
            Action::Quit => self.should_quit = true,
            Action::Resize(w, h) => self.size = (w, h),
            _ => {}
        }
    }

    fn accept_prompt(&mut self, prompt: Prompt) {
        match prompt.kind {
            PromptKind::Note { pane, key } => {
                let now = self.clock.now();
                let user = self.settings.user.clone();
                self.notes
                    .set(pane.spec().dataset, &key, &prompt.text, &user, now);
                self.requests.push(Request::SaveNotes);
            }
            PromptKind::Command => self.run_command(prompt.text.trim()),
            PromptKind::Search => self.search_raw(&prompt.text),
            PromptKind::DrillNote => self.drill_note(&prompt.text),
        }
    }

    /// The `:` commands (Tab completes them and what `group` takes).
    fn run_command(&mut self, line: &str) {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        let show = |app: &mut App, tab: Pane| {
            app.detail = None;
            app.tab = tab;
        };
        match word {
            "" => {}
            "snapshot" | "w" | "write" => self
                .requests
                .push(Request::Snapshot((!rest.is_empty()).then(|| PathBuf::from(rest)))),
            "note" => self.start_note(),
            "q" | "quit" => self.should_quit = true,
            "help" => self.help = true,
            "sources" => self.sources_open = true,
            "view" => self.apply_view(rest),
            "resolve" => self.start_triage(Some(WorkflowStatus::Resolved), rest),
            "suppress" => self.start_triage(Some(WorkflowStatus::Suppressed), rest),
            "notify" => self.start_triage(Some(WorkflowStatus::Notified), rest),
            "reopen" => self.start_triage(Some(WorkflowStatus::New), rest),
            "comment" => self.start_triage(None, rest),
            "unmark" => {
                let n = self.marked.len();
                self.marked.clear();
                self.say(format!("{n} unmarked"));
            }
            "timeline" => self.open_timeline(),
            "export" => self
                .requests
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
                    self.overview = false;
                    self.finding_group = by;
                    self.summaries.insert(Pane::Findings);
                    self.summary_cursor = 0;
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
    fn set_theme(&mut self, name: &str) {
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

    /// `/` in a detail: scrolls to the next raw JSON line (after the one on top) holding the
    /// text, wrapping to the start; says which match of how many it is.
    fn search_raw(&mut self, text: &str) {
        self.last_search = text.to_string();
        let needle = text.to_lowercase();
        let Some(detail) = &self.detail else {
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
        if let Some(detail) = &mut self.detail {
            detail.scroll = line;
        }
        self.say(format!("match {} of {}", n + 1, hits.len()));
    }

    /// What `y` (the id or ARN) or `Y` (the console link) copies of a row.
    fn copy_text(&self, tab: Pane, row: u32, link: bool) -> Option<String> {
        tab.kind().copy(&self.store, row, link)
    }

    /// `:view NAME`: a saved view from the config: its pane, filter, sort and grouping.
    fn apply_view(&mut self, name: &str) {
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
        self.overview = false;
        self.detail = None;
        self.tab = tab;
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
                self.finding_group = by;
                self.summaries.insert(tab);
                self.summary_cursor = 0;
            }
            _ => {
                self.summaries.remove(&tab);
            }
        }
        self.active_view = Some((tab, view.name.clone(), view.filter.clone()));
        self.say(format!("view {}", view.name));
    }

    /// Whose watermark a pane uses: the saved view it shows, else the pane's own.
    pub fn watermark_key(&self, tab: Pane) -> String {
        match &self.active_view {
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
    fn mark_findings_seen(&mut self) {
        let newest = self.store.newest_finding_update();
        let key = self.watermark_key(Pane::Findings);
        if let Some(newest) = newest {
            if self.watermarks.advance(&key, newest) {
                self.requests.push(Request::SaveWatermarks);
            }
        }
    }
}

const NOT_ON_A_SUMMARY: &str = "this is the summary: v for the list to filter, sort or note";
const NOT_ON_THE_OVERVIEW: &str = "the overview has no rows: Enter opens an indicator's evidence";

/// Moves a line cursor (the overview's, a summary's) for the keys that move; false for
/// every other key.
fn move_cursor(cursor: &mut usize, last: usize, action: Action) -> bool {
    match action {
        Action::Up => *cursor = cursor.saturating_sub(1),
        Action::Down => *cursor = (*cursor + 1).min(last),
        Action::Scroll(n) => {
            *cursor = (*cursor as i64 + i64::from(n)).clamp(0, last as i64) as usize
        }
        Action::Top | Action::PageUp => *cursor = 0,
        Action::Bottom | Action::PageDown => *cursor = last,
        _ => return false,
    }
    true
}

/// The commands `:` knows, for completion.
const COMMANDS: [&str; 23] = [
    "comment",
    "compliance",
    "credentials",
    "drill",
    "drills",
    "export",
    "findings",
    "freeze",
    "group",
    "help",
    "note",
    "notify",
    "public",
    "quit",
    "reopen",
    "resolve",
    "snapshot",
    "sources",
    "suppress",
    "theme",
    "timeline",
    "unmark",
    "view",
];

/// Completes a command line: its command word, or what `group` takes. Returns the line and,
/// when the word is ambiguous, the choices.
pub fn complete_command<'a>(
    line: &str,
    views: &[&'a str],
    runbooks: &[&'a str],
) -> (String, Vec<&'a str>) {
    if line.starts_with("drill start ") && line.matches(' ').count() == 2 {
        return complete_last_word(line, runbooks, " ");
    }
    match line.split_once(' ') {
        Some(("drill", rest)) if !rest.contains(' ') => {
            complete_last_word(line, &["start", "close"], " ")
        }
        Some(("group", _)) => {
            let names: Vec<&str> = crate::analysis::summary::GroupBy::ALL
                .map(|g| g.name())
                .to_vec();
            complete_last_word(line, &names, "")
        }
        Some(("view", _)) => complete_last_word(line, views, ""),
        Some(("theme", _)) => complete_last_word(line, crate::theme::builtin_names(), ""),
        Some(_) => (line.to_string(), Vec::new()),
        None => complete_last_word(line, &COMMANDS, " "),
    }
}

/// Completes the last word of `line` from `words`: in full when one fits (followed by
/// `then`), else to the choices' common prefix. Returns the line and the choices.
pub fn complete_last_word<'a>(line: &str, words: &[&'a str], then: &str) -> (String, Vec<&'a str>) {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    let word = word.trim_start_matches(['!', '-']);
    let negation = &line[start..start + (line.len() - start - word.len())];
    let choices: Vec<&'a str> = words
        .iter()
        .copied()
        .filter(|w| w.starts_with(word))
        .collect();
    let done = match choices.as_slice() {
        [] => return (line.to_string(), Vec::new()),
        [one] => format!("{head}{negation}{one}{then}"),
        many => {
            let mut prefix = many[0].to_string();
            for w in &many[1..] {
                let common = prefix
                    .chars()
                    .zip(w.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                prefix.truncate(common);
            }
            format!("{head}{negation}{prefix}")
        }
    };
    (done, choices)
}

#[cfg(test)]
mod tests;
