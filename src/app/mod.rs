//! The console as a state machine: its state ([`App`]) and what each action does to it.
//!
//! The UI loop (`crate::run::event_loop`) owns one [`App`]: the store plus everything about
//! what the operator is looking at. Keys become [`Action`]s ([`keys`]), the mode stack
//! ([`modes`]) decides what takes each one, and the renderer reads the state by shared
//! reference. The panes are described in [`pane`], one file each. Nothing here draws or
//! does I/O: file work and clipboard copies leave as [`Request`]s, source work as
//! commands, so every behaviour is testable with plain values.
//!
//! May import: `util`, `model`, `feed`, `store`, `drill`, `analysis`, `theme`, `config`.

pub mod action;
mod apply;
mod commands;
pub mod detail;
pub mod drill;
mod handoff;
pub mod keys;
pub mod layout;
pub mod line;
pub mod modes;
mod overview;
pub mod pane;
pub mod prompt;
pub mod runbook;
mod seen;
mod summary;
pub mod timeline;
pub mod triage;

pub use action::Action;
pub use prompt::{complete_command, complete_last_word, Prompt, PromptKind};

pub use pane::Pane;

use crate::model::age::TimeDisplay;
use crate::model::notes::Notes;
use crate::model::{Clock, Thresholds};
use crate::store::query::View;
use crate::store::Store;
use crate::theme::Theme;
use std::path::PathBuf;
use std::time::Instant;

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

/// Work with files that an action asks for; the loop hands it to [`effects`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    SaveNotes,
    SaveWatermarks,
    /// Write the prompts' history (a line was entered).
    SaveHistory,
    Snapshot(Option<PathBuf>),
    /// `:export [PATH]`: the store as `rampart export` writes it.
    Export(Option<PathBuf>),
    /// Put this on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Append to a drill's journal (before the screen shows it).
    Journal(String, Box<crate::drill::exercise::Entry>),
    /// Write a closed drill's after-action report.
    DrillReport(Box<crate::drill::exercise::Drill>),
    /// Read a past drill's after-action report (by drill id) to show it.
    OpenReport(String),
}

/// The console's whole state. The store and what the operator is looking at, grouped by
/// what they are for: the panes underneath, the overlays drawn over them (which take keys
/// first, see [`modes`]), the drills, and the outbox the loop empties after each action.
pub struct App {
    pub store: Store,
    pub clock: Clock,
    pub settings: Settings,
    pub theme: Theme,
    /// The runbook library (built-in and the team's).
    pub runbooks: crate::drill::runbook::Library,
    /// The detection rules the sources judge CloudTrail with (for their titles, levels and
    /// files).
    pub rules: std::sync::Arc<crate::drill::detect::RuleSet>,
    pub panes: Panes,
    pub overlays: Overlays,
    pub drills: Drills,
    pub outbox: Outbox,
    /// The operator's notes on rows.
    pub notes: Notes,
    /// Lines entered in the prompts, kept across sessions.
    pub history: line::History,
    /// The notes file could not be read: it is set aside before the first save.
    pub notes_unreadable: bool,
    /// What the operator has seen, per pane or saved view ("new since I last looked").
    pub watermarks: crate::model::watermarks::Watermarks,
    /// A short message in the status line.
    pub flash: Option<Flash>,
    pub should_quit: bool,
    /// Terminal size, for paging and the tab bar's click targets.
    pub size: (u16, u16),
    /// Where OSC 52 clipboard sequences go: the terminal (set by the console), none in tests.
    pub terminal_out: Option<Box<dyn std::io::Write + Send>>,
    /// Inside tmux: clipboard sequences are wrapped for passthrough.
    pub in_tmux: bool,
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
    /// What the indicators remember between store changes (the tables a poll of findings
    /// leaves alone).
    posture_memo: crate::analysis::posture::Memo,
    /// The current summary, for the pane, store generation and minute it is of.
    summary_cache: Option<(Pane, u64, i64, String, crate::analysis::summary::Summary)>,
    /// How many findings shown are new since the operator last looked: kept up at
    /// refresh, not counted on every frame.
    findings_new: pane::new_count::NewCount,
    /// The credential rows' risks and key ages, for the credentials pane's order and the
    /// overview's identity indicators alike.
    credential_keys: Option<crate::store::sort::CredentialKeys>,
    /// How many of the credentials pane's rows are at risk (counted again when the keys
    /// move as well as the rows).
    credentials_at_risk:
        pane::shown_count::ShownCount<usize, Option<crate::store::sort::CredentialStamp>>,
    /// How many of the Activity pane's rows a detection fired on.
    suspicious_events: pane::shown_count::ShownCount<usize>,
    /// How many of the public-access pane's rows are public, and how many come from
    /// Security Hub controls.
    exposure_counts: pane::shown_count::ShownCount<(usize, usize)>,
    /// The public-access pane's marks and the inputs they are of.
    marks: Option<(
        crate::store::related::MarksInputs,
        crate::store::related::ExposureMarks,
    )>,
    restore: handoff::Restore,
    /// When old events were last retired.
    events_retired: Option<chrono::DateTime<chrono::Utc>>,
    /// The read-only accounts last said (at start, and when they change).
    read_only_said: Option<String>,
}

/// The panes: which one is on screen, each one's view, the overview and the summaries.
pub struct Panes {
    pub tab: Pane,
    /// Each pane's view (filter, sort, rows, selection), in [`Pane::ALL`] order.
    views: Vec<View>,
    /// Typing into the filter of the current pane.
    pub editing_filter: bool,
    /// The filter being typed and its cursor.
    pub filter_line: line::Line,
    /// The filter before editing began, restored by `Esc`.
    filter_before_edit: String,
    /// The overview is shown instead of the current pane.
    pub overview: bool,
    /// The indicator under the cursor on the overview.
    pub overview_cursor: usize,
    /// The grid's cell under the cursor (account, region), when the grid has the keys.
    pub grid_cursor: Option<(usize, usize)>,
    /// The panes showing their summary instead of their list.
    pub summaries: std::collections::HashSet<Pane>,
    /// The summary line under the cursor.
    pub summary_cursor: usize,
    /// What the findings' summary groups by.
    pub finding_group: crate::analysis::summary::GroupBy,
    /// The saved view last applied, while its pane still shows its filter.
    pub active_view: Option<(Pane, String, String)>,
    /// Findings marked for triage, by key hash.
    pub marked: std::collections::HashSet<u64>,
    /// The last text searched for in a detail's raw JSON (`/` then Enter repeats it).
    pub last_search: String,
}

/// What is drawn over the panes. Each takes keys before what is under it.
#[derive(Default)]
pub struct Overlays {
    /// A `:` command, a note or a search being typed in the status line.
    pub prompt: Option<Prompt>,
    /// A triage or import waiting for `y`.
    pub confirm: Option<triage::Confirm>,
    pub help: bool,
    /// The sources overlay (`i`).
    pub sources: bool,
    /// The standing administrator access list (Enter on its overview indicator).
    pub standing: bool,
    /// The runbook, drawn over the pane.
    pub runbook: Option<runbook::RunbookView>,
    /// The CloudTrail timeline around a finding.
    pub timeline: Option<timeline::TimelineView>,
    /// One row's detail view.
    pub detail: Option<Detail>,
}

/// The running drill, its view, and past drills.
#[derive(Default)]
pub struct Drills {
    pub running: Option<crate::drill::exercise::Drill>,
    /// The Drills pane shows the drill view instead of the activity.
    pub view: bool,
    /// The selected checklist step.
    pub cursor: usize,
    /// Past drills, newest first (from the reports).
    pub history: Vec<crate::drill::report::Past>,
    /// The past drill under the cursor when no drill runs.
    pub past: usize,
    /// A past drill's report being read: its id, its lines and how far it is scrolled.
    pub report: Option<(String, Vec<String>, usize)>,
    /// The store generation the drill last looked at.
    seen: u64,
}

/// What an action asks of the world: the loop performs the requests (files, clipboard)
/// and sends the commands to the sources.
#[derive(Default)]
pub struct Outbox {
    pub requests: Vec<Request>,
    pub commands: Vec<crate::feed::Command>,
    /// Asked of the sources by `R`; the loop forwards it.
    pub refresh_requested: bool,
    /// The last triage or lookup id given out.
    next_request: u64,
}

impl App {
    pub fn new(clock: Clock, settings: Settings, theme: Theme) -> App {
        App {
            store: Store::new(),
            clock,
            settings,
            theme,
            runbooks: crate::drill::runbook::Library::builtin(),
            rules: crate::drill::detect::RuleSet::builtin(),
            panes: Panes {
                tab: Pane::Findings,
                views: Pane::ALL.iter().map(|p| p.kind().new_view()).collect(),
                editing_filter: false,
                filter_line: Default::default(),
                filter_before_edit: String::new(),
                overview: false,
                overview_cursor: 0,
                grid_cursor: None,
                summaries: Default::default(),
                summary_cursor: 0,
                finding_group: Default::default(),
                active_view: None,
                marked: Default::default(),
                last_search: String::new(),
            },
            overlays: Overlays::default(),
            drills: Drills::default(),
            outbox: Outbox::default(),
            notes: Notes::default(),
            history: Default::default(),
            notes_unreadable: false,
            watermarks: Default::default(),
            flash: None,
            should_quit: false,
            size: (80, 24),
            terminal_out: None,
            in_tmux: false,
            trend: crate::analysis::posture::Trend::default(),
            posture: None,
            posture_memo: Default::default(),
            summary_cache: None,
            findings_new: Default::default(),
            credential_keys: None,
            credentials_at_risk: Default::default(),
            suspicious_events: Default::default(),
            exposure_counts: Default::default(),
            marks: None,
            restore: handoff::Restore::default(),
            events_retired: None,
            read_only_said: None,
        }
    }

    /// The public-access marks as of the last refresh (computed now when stale: tests and
    /// one-off callers get the truth, the loop gets the cache).
    pub fn exposure_marks(&self) -> std::borrow::Cow<'_, crate::store::related::ExposureMarks> {
        match &self.marks {
            Some((inputs, marks))
                if *inputs == crate::store::related::ExposureMarks::inputs(&self.store) =>
            {
                std::borrow::Cow::Borrowed(marks)
            }
            _ => std::borrow::Cow::Owned(crate::store::related::ExposureMarks::of(&self.store)),
        }
    }

    /// Whether the pane on screen shows its summary.
    /// The Drills pane shows the drill view.
    pub fn drill_view_shown(&self) -> bool {
        self.drills.view
            && self.panes.tab == Pane::Drills
            && !self.panes.overview
            && self.overlays.detail.is_none()
            && self.overlays.timeline.is_none()
            && self.overlays.runbook.is_none()
    }

    /// The key of a row of a pane's table.
    pub fn row_key(&self, tab: Pane, row: u32) -> Option<String> {
        tab.kind().key(&self.store, row)
    }

    /// The key of the row selected in `tab`'s view. `None` for a view not caught up since
    /// rows left its table (the findings pane while another is shown): its positions are
    /// old ones, and it keeps its cursor on its record by itself when it catches up.
    pub fn selected_key(&self, tab: Pane) -> Option<String> {
        let view = self.view(tab);
        if view.behind(tab.kind().moves(&self.store)) {
            return None;
        }
        self.row_key(tab, view.selected_row()?)
    }

    fn row_of(&self, tab: Pane, key: &str) -> Option<u32> {
        tab.kind().position(&self.store, key)
    }

    pub fn view(&self, tab: Pane) -> &View {
        &self.panes.views[tab.index()]
    }

    pub fn view_mut(&mut self, tab: Pane) -> &mut View {
        &mut self.panes.views[tab.index()]
    }

    /// Whether the pane shows a filter line (while typing, or when a filter is set).
    pub fn filter_line_shown(&self) -> bool {
        self.panes.editing_filter || !self.view(self.panes.tab).filter_text.is_empty()
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

    /// The row a note would be about: the open detail's, else the selected one of the pane
    /// on screen (none on the overview, whose pane under it may hold old positions).
    fn current_row(&self) -> Option<(Pane, u32)> {
        match &self.overlays.detail {
            Some(d) => Some(d.target.pane_and_row()),
            None => {
                let tab = self.pane_shown()?;
                let view = self.view(tab);
                if view.behind(tab.kind().moves(&self.store)) {
                    return None;
                }
                Some((tab, view.selected_row()?))
            }
        }
    }

    /// What `y` (the id or ARN) or `Y` (the console link) copies of a row.
    fn copy_text(&self, tab: Pane, row: u32, link: bool) -> Option<String> {
        tab.kind().copy(&self.store, row, link)
    }
}

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

#[cfg(test)]
#[path = "tests/cursor.rs"]
mod cursor_tests;
#[cfg(test)]
#[path = "tests/hidden.rs"]
mod hidden_tests;
#[cfg(test)]
#[path = "tests/small.rs"]
mod small_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
#[path = "tests/views.rs"]
mod view_tests;
