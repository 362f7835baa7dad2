//! Application state and what each action does to it.
//!
//! The UI loop ([`event_loop`]) owns one [`App`]: the store plus everything about what the
//! operator is looking at. Keys become [`Action`]s ([`keys`]), actions change the state,
//! and the renderer reads the state by shared reference. Nothing here draws or does I/O,
//! so every behaviour is testable with plain values.

pub mod event_loop;
pub mod keys;

use crate::model::age::TimeDisplay;
use crate::model::{Clock, Thresholds};
use crate::source::Update;
use crate::store::query::View;
use crate::store::sort::{self, CredentialSort, EventSort, ExposureSort, FindingSort};
use crate::store::{Changed, Store};
use crate::ui::theme::Theme;
use std::time::Instant;

/// The panes, in tab order. `0` is kept for the overview a later version adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Findings,
    Credentials,
    Exposures,
    Activity,
}

impl Tab {
    pub const ALL: [Tab; 4] = [
        Tab::Findings,
        Tab::Credentials,
        Tab::Exposures,
        Tab::Activity,
    ];

    pub fn key(self) -> char {
        match self {
            Tab::Findings => '1',
            Tab::Credentials => '2',
            Tab::Exposures => '3',
            Tab::Activity => '4',
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Findings => "Findings",
            Tab::Credentials => "Credentials",
            Tab::Exposures => "Public access",
            Tab::Activity => "Drills",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }

    /// The sort columns a pane offers, in the order `s` cycles them.
    pub fn sort_names(self) -> &'static [&'static str] {
        match self {
            Tab::Findings => &[
                "severity", "title", "account", "region", "product", "resource", "status",
                "updated",
            ],
            Tab::Credentials => &["risk", "account", "user", "password use", "mfa", "key age"],
            Tab::Exposures => &["access", "resource", "type", "account", "region", "updated"],
            Tab::Activity => &[
                "time",
                "event",
                "user",
                "account",
                "region",
                "source ip",
                "detections",
            ],
        }
    }
}

pub const FINDING_SORTS: [FindingSort; 8] = [
    FindingSort::Severity,
    FindingSort::Title,
    FindingSort::Account,
    FindingSort::Region,
    FindingSort::Product,
    FindingSort::Resource,
    FindingSort::Status,
    FindingSort::Updated,
];
pub const CREDENTIAL_SORTS: [CredentialSort; 6] = [
    CredentialSort::Risk,
    CredentialSort::Account,
    CredentialSort::User,
    CredentialSort::PasswordUsed,
    CredentialSort::Mfa,
    CredentialSort::KeyAge,
];
pub const EXPOSURE_SORTS: [ExposureSort; 6] = [
    ExposureSort::Grantee,
    ExposureSort::Resource,
    ExposureSort::Type,
    ExposureSort::Account,
    ExposureSort::Region,
    ExposureSort::Updated,
];
pub const EVENT_SORTS: [EventSort; 7] = [
    EventSort::Time,
    EventSort::Event,
    EventSort::User,
    EventSort::Account,
    EventSort::Region,
    EventSort::SourceIp,
    EventSort::Detections,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ShowTab(Tab),
    /// `0`: the overview pane is not built yet; say so instead of ignoring the key.
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
    Open,
    Back,
    ToggleHelp,
    Refresh,
    /// Mouse wheel: lines to move (negative is up).
    Scroll(i32),
    /// A click at a column of the tab bar.
    ClickTabBar(u16),
    Resize(u16, u16),
}

/// What the detail view shows: a row of one of the panes, by table position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTarget {
    Finding(u32),
    Credential(u32),
    Exposure(u32),
    Event(u32),
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub target: DetailTarget,
    /// The raw record, pretty-printed once when the view opens.
    pub raw_lines: Vec<String>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub time: TimeDisplay,
    pub thresholds: Thresholds,
    /// Shown in the header: `demo`, `replay`, `live`.
    pub mode_label: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time: TimeDisplay::Utc,
            thresholds: Thresholds::default(),
            mode_label: "demo".into(),
        }
    }
}

/// A short message in the status line, e.g. the answer to a key that does nothing yet.
#[derive(Debug, Clone)]
pub struct Flash {
    pub text: String,
    pub at: Instant,
}

pub struct App {
    pub store: Store,
    pub clock: Clock,
    pub settings: Settings,
    pub theme: Theme,
    pub tab: Tab,
    pub findings: View,
    pub credentials: View,
    pub exposures: View,
    pub events: View,
    /// Typing into the filter of the current pane.
    pub editing_filter: bool,
    /// The filter before editing began, restored by `Esc`.
    filter_before_edit: String,
    pub detail: Option<Detail>,
    pub help: bool,
    pub flash: Option<Flash>,
    pub should_quit: bool,
    /// Terminal size, for paging and the tab bar's click targets.
    pub size: (u16, u16),
    /// Asked of the sources by `r`; the loop forwards it.
    pub refresh_requested: bool,
}

impl App {
    pub fn new(clock: Clock, settings: Settings, theme: Theme) -> App {
        App {
            store: Store::new(),
            clock,
            settings,
            theme,
            tab: Tab::Findings,
            findings: View::new(0),
            credentials: View::new(0),
            exposures: View::new(0),
            events: View::new(0),
            editing_filter: false,
            filter_before_edit: String::new(),
            detail: None,
            help: false,
            flash: None,
            should_quit: false,
            size: (80, 24),
            refresh_requested: false,
        }
    }

    pub fn apply(&mut self, update: Update) -> Changed {
        self.store.apply(update)
    }

    pub fn view(&self, tab: Tab) -> &View {
        match tab {
            Tab::Findings => &self.findings,
            Tab::Credentials => &self.credentials,
            Tab::Exposures => &self.exposures,
            Tab::Activity => &self.events,
        }
    }

    fn view_mut(&mut self, tab: Tab) -> &mut View {
        match tab {
            Tab::Findings => &mut self.findings,
            Tab::Credentials => &mut self.credentials,
            Tab::Exposures => &mut self.exposures,
            Tab::Activity => &mut self.events,
        }
    }

    /// Brings the current pane's view up to date with the store (re-sorts only when its
    /// data or sort changed) and keeps the selection on screen. Called before each draw.
    pub fn refresh_view(&mut self) {
        let now = self.clock.now();
        let limits = self.settings.thresholds;
        let store = &self.store;
        match self.tab {
            Tab::Findings => {
                let cmp = sort::findings(store, FINDING_SORTS[self.findings.sort_column]);
                self.findings.refresh(&store.findings, &cmp);
            }
            Tab::Credentials => {
                let col = CREDENTIAL_SORTS[self.credentials.sort_column];
                let cmp = sort::credentials(store, col, now, limits);
                self.credentials.refresh(&store.credentials, &cmp);
            }
            Tab::Exposures => {
                let cmp = sort::exposures(store, EXPOSURE_SORTS[self.exposures.sort_column]);
                self.exposures.refresh(&store.exposures, &cmp);
            }
            Tab::Activity => {
                let cmp = sort::events(store, EVENT_SORTS[self.events.sort_column]);
                self.events.refresh(&store.events, &cmp);
            }
        }
        let height = crate::ui::layout::table_rows(self.size, self.filter_line_shown());
        let tab = self.tab;
        self.view_mut(tab).scroll_into_view(height);
        if let Some(detail) = &self.detail {
            // `G` asks for "the end": pin the scroll there so `k` moves at once.
            let pane = crate::ui::layout::areas(ratatui::layout::Rect::new(
                0,
                0,
                self.size.0,
                self.size.1,
            ))
            .pane;
            let visible = crate::ui::panes::detail::visible_rows(pane.height);
            let max = crate::ui::panes::detail::content_len(self, detail).saturating_sub(visible);
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
        crate::ui::layout::table_rows(self.size, self.filter_line_shown()).max(1) as isize
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            at: Instant::now(),
        });
    }

    /// Changes the state for one action.
    pub fn update(&mut self, action: Action) {
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
        let page = self.page();
        let tab = self.tab;
        match action {
            Action::Quit => self.should_quit = true,
            Action::ShowTab(t) => self.tab = t,
            Action::Overview => self.say("0: the overview pane arrives in a later version"),
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
            Action::ClickTabBar(col) => {
                if let Some(t) = crate::ui::layout::tab_at(col) {
                    self.tab = t;
                }
            }
            Action::Resize(w, h) => self.size = (w, h),
        }
    }

    fn open_detail(&mut self) {
        let Some(row) = self.view(self.tab).selected_row() else {
            return;
        };
        let (target, raw) = match self.tab {
            Tab::Findings => (
                DetailTarget::Finding(row),
                self.store.findings.get(row).map(|f| f.raw.pretty()),
            ),
            Tab::Activity => (
                DetailTarget::Event(row),
                self.store.events.get(row).map(|e| e.raw.pretty()),
            ),
            Tab::Credentials => (DetailTarget::Credential(row), None),
            Tab::Exposures => (DetailTarget::Exposure(row), None),
        };
        let raw_lines = raw
            .map(|text| {
                crate::ui::sanitize::clean_multiline(&text)
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        self.detail = Some(Detail {
            target,
            raw_lines,
            scroll: 0,
        });
    }
}

#[cfg(test)]
mod tests;
