//! Which part of the console takes a key first: a stack of modes, top first, worked out
//! from the state (an open overlay is on the stack, a closed one is not). A key goes down
//! the stack until a mode takes it, so what is drawn on top is what answers.

use super::layout;
use super::line::Edit;
use super::overview::NOT_ON_THE_OVERVIEW;
use super::prompt::complete_last_word;
use super::summary::NOT_ON_A_SUMMARY;
use super::{Action, App, Pane, Prompt, PromptKind, Request};

/// A layer that may take a key, in the order [`App::modes`] stacks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A `:` command, a note or a search being typed: takes every key.
    Prompt,
    /// A triage or import waiting for `y`: takes every key.
    Confirm,
    /// A runbook over the pane (help goes over it).
    Runbook,
    /// The drill view on the Drills pane (help and the sources go over it).
    DrillView,
    /// Keys that mean the same wherever they are pressed: `:`, `n`, `w`, `y`/`Y`, `r`,
    /// `t`, space, and the drill's `d`, `a`, `c`, `x`.
    Anywhere,
    /// The sources overlay: `i` opens it, any key closes it.
    Sources,
    /// Help: any key closes it; all but `?` and Esc then go on below.
    Help,
    /// The CloudTrail timeline over the pane.
    Timeline,
    /// The overview instead of a pane.
    Overview,
    /// One row's detail.
    Detail,
    /// The pane's summary instead of its list.
    Summary,
    /// The pane's list.
    List,
}

impl App {
    /// The modes that may take a key now, top first.
    pub fn modes(&self) -> Vec<Mode> {
        let o = &self.overlays;
        let mut stack = Vec::with_capacity(8);
        if o.prompt.is_some() {
            stack.push(Mode::Prompt);
        }
        if o.confirm.is_some() {
            stack.push(Mode::Confirm);
        }
        if o.runbook.is_some() && !o.help {
            stack.push(Mode::Runbook);
        }
        if self.drill_view_shown() && !o.help && !o.sources && !o.standing {
            stack.push(Mode::DrillView);
        }
        stack.push(Mode::Anywhere);
        stack.push(Mode::Sources);
        if o.help {
            stack.push(Mode::Help);
        }
        if o.timeline.is_some() {
            stack.push(Mode::Timeline);
        }
        if self.panes.overview && o.detail.is_none() {
            stack.push(Mode::Overview);
        }
        if o.detail.is_some() {
            stack.push(Mode::Detail);
        }
        if self.summary_shown() {
            stack.push(Mode::Summary);
        }
        stack.push(Mode::List);
        stack
    }

    /// Changes the state for one action: the first mode of the stack that takes it.
    pub fn update(&mut self, action: Action) {
        let action = match action {
            Action::Leave => self.leave_means(),
            other => other,
        };
        for mode in self.modes() {
            if self.take(mode, action) {
                return;
            }
        }
    }

    /// `q`: back out of what is open over a pane (like `Esc`), quit from the top level.
    fn leave_means(&self) -> Action {
        let o = &self.overlays;
        let over = o.confirm.is_some()
            || o.help
            || o.sources
            || o.runbook.is_some()
            || o.timeline.is_some()
            || o.detail.is_some();
        if over {
            Action::Back
        } else {
            Action::Quit
        }
    }

    /// Whether `mode` took the action (and did what it means there).
    pub(super) fn take(&mut self, mode: Mode, action: Action) -> bool {
        let anywhere = |a: Action| matches!(a, Action::Quit | Action::Resize(..));
        match mode {
            Mode::Prompt => {
                self.update_prompt(action);
                true
            }
            Mode::Confirm => {
                self.confirm_action(action);
                true
            }
            Mode::Runbook => self.runbook_action(action),
            Mode::DrillView => self.drill_action(action),
            Mode::Anywhere => self.anywhere_action(action),
            Mode::Sources if self.overlays.standing && !anywhere(action) => {
                // A list to read, like help: any key closes it.
                self.overlays.standing = false;
                true
            }
            Mode::Sources if self.overlays.sources && !anywhere(action) => {
                // Like help: any key closes the overlay; `i` toggles it.
                self.overlays.sources = false;
                true
            }
            Mode::Sources if action == Action::ToggleSources => {
                self.overlays.help = false;
                self.overlays.sources = true;
                true
            }
            Mode::Sources => false,
            Mode::Help if !anywhere(action) => {
                // Any key closes the help overlay; `?` toggles it.
                self.overlays.help = false;
                matches!(action, Action::ToggleHelp | Action::Back)
            }
            Mode::Help => false,
            Mode::Timeline => {
                if !self.timeline_action(action) {
                    if let Action::ShowTab(tab) = action {
                        self.overlays.timeline = None;
                        self.overlays.detail = None;
                        self.panes.tab = tab;
                    }
                }
                true
            }
            Mode::Overview => self.overview_action(action),
            Mode::Detail => self.detail_action(action),
            Mode::Summary => self.summary_action(action),
            Mode::List => {
                self.list_action(action);
                true
            }
        }
    }

    /// The keys that mean the same on any pane or overlay under them.
    pub(super) fn anywhere_action(&mut self, action: Action) -> bool {
        match action {
            Action::DrillView
                if self.panes.tab == Pane::Drills
                    && !self.panes.overview
                    && self.overlays.detail.is_none() =>
            {
                self.drills.view = true;
                return true;
            }
            Action::DrillView => {
                self.say("D shows the drill view (d does on the Activity pane, 4)");
                return true;
            }
            Action::ShowDrills => {
                self.overlays.help = false;
                self.overlays.sources = false;
                self.overlays.timeline = None;
                self.overlays.runbook = None;
                self.show_drill_view();
                return true;
            }
            Action::Acknowledge | Action::Contain | Action::CloseDrill => {
                self.say("a, c and x act on the running drill in its view: 4, then d");
                return true;
            }
            _ => {}
        }
        if matches!(action, Action::Mark | Action::Timeline | Action::Runbook)
            && (self.overlays.help || self.overlays.sources)
        {
            // Like any key: it closes the overlay and does nothing behind it.
            self.overlays.help = false;
            self.overlays.sources = false;
            return true;
        }
        if action == Action::Mark && self.overlays.timeline.is_some() {
            self.say("space marks findings in the list; Esc leaves the timeline");
            return true;
        }
        match action {
            Action::Runbook if self.panes.overview && self.overlays.detail.is_none() => {
                self.say(NOT_ON_THE_OVERVIEW);
                return true;
            }
            Action::Runbook if self.summary_shown() && self.overlays.detail.is_none() => {
                self.say(NOT_ON_A_SUMMARY);
                return true;
            }
            Action::Runbook => {
                self.overlays.help = false;
                self.overlays.sources = false;
                self.open_runbook();
                return true;
            }
            Action::Mark | Action::Timeline
                if self.panes.overview && self.overlays.detail.is_none() =>
            {
                self.say(NOT_ON_THE_OVERVIEW);
                return true;
            }
            Action::Mark | Action::Timeline
                if self.summary_shown() && self.overlays.detail.is_none() =>
            {
                self.say(NOT_ON_A_SUMMARY);
                return true;
            }
            Action::Mark => {
                self.toggle_mark();
                return true;
            }
            Action::Timeline => {
                self.overlays.help = false;
                self.open_timeline();
                return true;
            }
            Action::CommandStart => {
                self.overlays.help = false;
                self.history.reset();
                self.overlays.prompt = Some(Prompt::new(PromptKind::Command, String::new()));
                return true;
            }
            Action::NoteStart => {
                self.overlays.help = false;
                self.start_note();
                return true;
            }
            Action::Snapshot => {
                self.overlays.help = false;
                self.outbox.requests.push(Request::Snapshot(None));
                return true;
            }
            Action::Copy { link } => {
                self.overlays.help = false;
                match self
                    .current_row()
                    .and_then(|(tab, row)| self.copy_text(tab, row, link))
                {
                    Some(text) => self.outbox.requests.push(Request::Copy(text)),
                    None if link => self.say("no AWS console link for this row"),
                    None => self.say("no row selected to copy"),
                }
                return true;
            }
            _ => {}
        }
        false
    }

    /// Scrolling and leaving the detail view.
    pub(super) fn detail_action(&mut self, action: Action) -> bool {
        let size = self.size;
        let Some(detail) = &mut self.overlays.detail else {
            return false;
        };
        {
            match action {
                Action::Up => detail.scroll = detail.scroll.saturating_sub(1),
                Action::Down => detail.scroll = detail.scroll.saturating_add(1),
                Action::Scroll(n) => {
                    detail.scroll = (detail.scroll as i64 + n as i64).max(0) as usize
                }
                Action::PageUp => detail.scroll = detail.scroll.saturating_sub(size.1 as usize / 2),
                Action::PageDown => {
                    detail.scroll = detail.scroll.saturating_add(size.1 as usize / 2)
                }
                Action::Top => detail.scroll = 0,
                Action::Bottom => detail.scroll = usize::MAX / 4,
                Action::Back | Action::Open => self.overlays.detail = None,
                Action::FilterStart => {
                    self.overlays.prompt = Some(Prompt::new(
                        PromptKind::Search,
                        self.panes.last_search.clone(),
                    ))
                }
                Action::Quit => self.should_quit = true,
                Action::ToggleHelp => self.overlays.help = true,
                Action::Resize(w, h) => self.size = (w, h),
                Action::ShowTab(t) => {
                    self.overlays.detail = None;
                    self.panes.tab = t;
                }
                _ => {}
            }
        }
        true
    }

    /// The pane's list: moving, sorting, filtering, opening.
    pub(super) fn list_action(&mut self, action: Action) {
        if action == Action::MarkSeen {
            if self.panes.tab == Pane::Findings {
                self.mark_findings_seen();
                self.say("findings marked as seen");
            } else {
                self.say("N marks the findings as seen");
            }
            return;
        }
        let on_findings = self.panes.tab == Pane::Findings && !self.panes.overview;
        let page = self.page();
        let tab = self.panes.tab;
        match action {
            Action::Quit | Action::Leave => self.should_quit = true,
            Action::ShowTab(t) => self.panes.tab = t,
            Action::Overview => {
                self.panes.overview = true;
                self.panes.editing_filter = false;
            }
            Action::NextTab => self.panes.tab = tab.next(),
            Action::PrevTab => self.panes.tab = tab.prev(),
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
                self.panes.filter_before_edit = self.view(tab).filter_text.clone();
                self.panes.filter_line = super::line::Line::new(&self.panes.filter_before_edit);
                self.history.reset();
                self.panes.editing_filter = true;
            }
            Action::FilterChar(_) | Action::FilterBackspace | Action::Edit(_) => {
                let edit = match action {
                    Action::FilterChar(c) => Edit::Insert(c),
                    Action::FilterBackspace => Edit::Backspace,
                    Action::Edit(e) => e,
                    _ => return,
                };
                let line = &mut self.panes.filter_line;
                if !line.apply(edit, crate::model::notes::MAX_CHARS) {
                    self.history
                        .walk(super::line::Kind::Filter, line, edit == Edit::Older);
                }
                let text = self.panes.filter_line.text.clone();
                self.view_mut(tab).edit_filter(&text);
            }
            Action::FilterAccept => match self.view_mut(tab).commit_filter() {
                Ok(()) => {
                    self.panes.editing_filter = false;
                    let text = self.view(tab).filter_text.clone();
                    self.history.push(super::line::Kind::Filter, &text);
                    self.outbox.requests.push(Request::SaveHistory);
                }
                // Enter never keeps a filter that does not parse: the typo stays to fix.
                Err(e) => self.say(format!(
                    "not applied: {e}; fix it, or Esc to restore the filter"
                )),
            },
            Action::Complete => {
                let fields = self.view(tab).fields();
                let text = self.panes.filter_line.text.clone();
                // After `risk:` or `mark:`, the flags; else the field names.
                let word = text.rsplit(' ').next().unwrap_or("");
                let word = word.trim_start_matches(['!', '-']);
                let flags: Vec<String> = word
                    .split_once(':')
                    .and_then(|(name, _)| crate::store::fields::Field::parse(name))
                    .filter(|f| fields.contains(f))
                    .and_then(|f| Some((f.name(), f.flag_names()?)))
                    .map(|(name, values)| values.iter().map(|v| format!("{name}:{v}")).collect())
                    .unwrap_or_default();
                let words: Vec<&str> = if flags.is_empty() {
                    fields.iter().map(|f| f.name()).collect()
                } else {
                    flags.iter().map(String::as_str).collect()
                };
                let then = if flags.is_empty() { ":" } else { " " };
                let (line, choices) = complete_last_word(&text, &words, then);
                if choices.len() > 1 {
                    self.say(choices.join("  "));
                }
                self.panes.filter_line = super::line::Line::new(&line);
                self.view_mut(tab).edit_filter(&line);
            }
            Action::ToggleOpen if tab == Pane::Findings => {
                let v = self.view_mut(tab);
                let open = v.scope().is_none();
                v.set_scope(open.then_some(super::pane::findings::OPEN_SCOPE));
                self.say(if open {
                    "open findings only (NEW or NOTIFIED, active): o shows all"
                } else {
                    "all findings, resolved and suppressed too: o shows open only"
                });
            }
            Action::ToggleOpen => self.say("o switches the Findings pane between open and all"),
            Action::FilterCancel => {
                let before = std::mem::take(&mut self.panes.filter_before_edit);
                self.view_mut(tab).set_filter(&before);
                self.panes.editing_filter = false;
            }
            Action::ClearFilter => self.view_mut(tab).set_filter(""),
            Action::Open => self.open_detail(),
            Action::Back => {
                if !self.view(tab).filter_text.is_empty() {
                    self.view_mut(tab).set_filter("");
                }
            }
            Action::ToggleHelp => self.overlays.help = true,
            Action::Refresh => {
                self.outbox.refresh_requested = true;
                self.say("refresh requested");
            }
            // Taken before the panes see a key.
            Action::Mark
            | Action::Timeline
            | Action::Runbook
            | Action::DrillView
            | Action::ShowDrills
            | Action::Acknowledge
            | Action::Contain
            | Action::CloseDrill => {}
            Action::ClickTabBar(col) => {
                if layout::overview_range().contains(&col) {
                    self.panes.overview = true;
                } else if let Some(t) = layout::tab_at(col, self.size.0) {
                    self.panes.tab = t;
                    self.panes.overview = false;
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
            Action::ToggleSummary if tab.spec().summary => {
                if !self.panes.summaries.remove(&tab) {
                    self.panes.summaries.insert(tab);
                    self.panes.summary_cursor = 0;
                }
            }
            Action::ToggleSummary => {
                let with: Vec<&str> = Pane::ALL
                    .iter()
                    .filter(|p| p.spec().summary)
                    .map(|p| p.title())
                    .collect();
                let with = match with.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => with.join(""),
                };
                self.say(format!("{} has no summary: v works on {with}", tab.title()));
            }
            // Across means something on the overview's grid only.
            Action::Left | Action::Right => {}
            // Handled before the pane sees the action.
            Action::CommandStart
            | Action::NoteStart
            | Action::Snapshot
            | Action::ToggleSources
            | Action::Copy { .. }
            | Action::MarkSeen => {}
        }
        let left = self.panes.tab != Pane::Findings || self.panes.overview || self.should_quit;
        if on_findings && left {
            // Seen: what the pane held when the operator left it is no longer new.
            self.mark_findings_seen();
        }
    }
}
