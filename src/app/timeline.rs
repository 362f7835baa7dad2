//! The CloudTrail timeline around a finding (`t`): asked of the sources on opening, read
//! from the store's events as they arrive; `Enter` expands an event to its full JSON.

use super::{Action, App, Pane};
use crate::feed::Command;
use crate::model::lookup::{Looked, Lookup};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// How far back `t` on a user or an event's caller looks.
const PRINCIPAL_DAYS: i64 = 7;

/// Where the lookup stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asking {
    /// Sent to the sources; nothing back yet.
    Waiting,
    Done,
    Failed(String),
    /// The source cannot ask CloudTrail (replay): what the store has is all there is.
    Offline(String),
}

#[derive(Debug, Clone)]
pub struct TimelineView {
    pub lookup: Lookup,
    pub title: String,
    pub first_seen: DateTime<Utc>,
    /// What `first_seen` is: the finding's first observation, or a principal's last use.
    pub anchor: &'static str,
    pub state: Asking,
    /// Event ids the lookup returned.
    pub found: HashSet<String>,
    /// Event rows on the timeline, oldest first, and the store generation they are of.
    pub rows: Vec<u32>,
    rows_of: Option<u64>,
    pub cursor: usize,
    /// The expanded event's id and its JSON, pretty-printed and cleaned once.
    pub expanded: Option<(String, Vec<String>)>,
    /// The expanded event's index in `rows`.
    pub expanded_at: Option<usize>,
    /// Lines of the expanded JSON scrolled past (PgDn/PgUp on the expanded event).
    pub scroll: usize,
}

impl TimelineView {
    /// The expanded event's JSON lines when the cursor is on it.
    pub fn expanded_here(&self) -> Option<&[String]> {
        match (&self.expanded, self.expanded_at) {
            (Some((_, lines)), Some(at)) if at == self.cursor => Some(lines),
            _ => None,
        }
    }
}

impl App {
    /// `t`: the timeline of the finding open in detail or selected.
    pub(super) fn open_timeline(&mut self) {
        if self.overlays.detail.is_none() && (self.panes.overview || self.summary_shown()) {
            self.say("t shows the CloudTrail timeline of a finding: pick one in the list (1)");
            return;
        }
        let row =
            match self.current_row() {
                Some((Pane::Findings, row)) => row,
                Some((Pane::Credentials, row)) => return self.open_user_timeline(row),
                Some((Pane::Drills, row)) => return self.open_caller_timeline(row),
                _ => return self.say(
                    "t shows the CloudTrail of a finding (1), a user (2) or an event's caller (4)",
                ),
            };
        let Some(f) = self.store.findings.get(row) else {
            return;
        };
        self.outbox.next_request += 1;
        let lookup = Lookup::around(
            self.outbox.next_request,
            f,
            self.settings.timeline,
            self.clock.now(),
        );
        let first_seen = f.first_observed_at.or(f.created_at).unwrap_or(f.updated_at);
        let state = if lookup.names.is_empty() {
            Asking::Failed("the finding names no resource, user or access key to look up".into())
        } else {
            self.outbox
                .commands
                .push(Command::Lookup(Box::new(lookup.clone())));
            Asking::Waiting
        };
        let title = f.title.to_string();
        self.show_timeline(lookup, title, first_seen, "first seen", state);
    }

    /// `t` on a user of the credential report: what they (and their keys) did lately.
    fn open_user_timeline(&mut self, row: u32) {
        let Some(u) = self.store.credentials.get(row) else {
            return;
        };
        // CloudTrail names the root user `root`; the report says `<root_account>`.
        let user = if u.is_root { "root" } else { u.user.as_str() };
        let last = u
            .access_keys
            .iter()
            .filter_map(|k| k.last_used)
            .chain(u.password_last_used)
            .max();
        // IAM is global but LookupEvents is regional: where a key was last used, else
        // us-east-1, where IAM and sign-in events are recorded.
        let region = u
            .access_keys
            .iter()
            .filter(|k| k.last_used.is_some())
            .max_by_key(|k| k.last_used)
            .and_then(|k| k.last_used_region.clone())
            .filter(|r| crate::model::region::is_region_name(r))
            .unwrap_or_else(|| "us-east-1".into());
        self.outbox.next_request += 1;
        let now = self.clock.now();
        let lookup = Lookup::principal(
            self.outbox.next_request,
            &u.account_id,
            &region,
            user,
            &[],
            PRINCIPAL_DAYS,
            now,
        );
        let title = format!("user {}", u.user);
        self.ask_lookup(lookup, title, last.unwrap_or(now), "last used");
    }

    /// `t` on a CloudTrail event: its caller's user name and access key, lately.
    fn open_caller_timeline(&mut self, row: u32) {
        let Some(e) = self.store.events.get(row) else {
            return;
        };
        let keys: Vec<&str> = e.access_key_id.as_deref().into_iter().collect();
        self.outbox.next_request += 1;
        let lookup = Lookup::principal(
            self.outbox.next_request,
            &e.account_id,
            &e.region,
            &e.username,
            &keys,
            PRINCIPAL_DAYS,
            self.clock.now(),
        );
        let title = match keys.first() {
            Some(k) => format!("{} (key {k})", e.username),
            None => e.username.to_string(),
        };
        let at = e.event_time;
        self.ask_lookup(lookup, title, at, "this event");
    }

    /// Sends a lookup and shows its timeline.
    fn ask_lookup(
        &mut self,
        lookup: Lookup,
        title: String,
        at: DateTime<Utc>,
        anchor: &'static str,
    ) {
        let state = if lookup.names.is_empty() {
            Asking::Failed("no user name or access key to look up".into())
        } else {
            self.outbox
                .commands
                .push(Command::Lookup(Box::new(lookup.clone())));
            Asking::Waiting
        };
        self.show_timeline(lookup, title, at, anchor, state);
    }

    fn show_timeline(
        &mut self,
        lookup: Lookup,
        title: String,
        first_seen: DateTime<Utc>,
        anchor: &'static str,
        state: Asking,
    ) {
        self.overlays.timeline = Some(TimelineView {
            lookup,
            title,
            first_seen,
            anchor,
            state,
            found: HashSet::new(),
            rows: Vec::new(),
            rows_of: None,
            cursor: 0,
            expanded: None,
            expanded_at: None,
            scroll: 0,
        });
        self.refresh_timeline();
    }

    /// A lookup ended: its events are in the store.
    pub(super) fn take_looked(&mut self, looked: Looked) {
        let Some(tl) = &mut self.overlays.timeline else {
            return;
        };
        if tl.lookup.id != looked.id {
            return;
        }
        tl.found.extend(looked.event_ids);
        // Several sources may answer; a real answer outranks an offline one.
        tl.state = match (looked.error, looked.offline) {
            (Some(e), _) => Asking::Failed(e),
            (None, Some(why)) if tl.state == Asking::Waiting => Asking::Offline(why),
            (None, Some(_)) => tl.state.clone(),
            (None, None) => Asking::Done,
        };
        tl.rows_of = None;
        self.refresh_timeline();
    }

    /// Re-reads the timeline's rows when the store has changed.
    pub fn refresh_timeline(&mut self) {
        let selected = self.timeline_selection();
        self.refresh_timeline_keeping(selected);
    }

    /// The id of the event under the timeline's cursor.
    pub(super) fn timeline_selection(&self) -> Option<String> {
        let tl = self.overlays.timeline.as_ref()?;
        let row = *tl.rows.get(tl.cursor)?;
        self.store.events.get(row).map(|e| e.event_id.clone())
    }

    /// Re-reads the rows with the cursor on `selected_id` (read before rows moved).
    pub(super) fn refresh_timeline_keeping(&mut self, selected_id: Option<String>) {
        // Only new or changed events can change the timeline.
        let generation = self.store.events.revision();
        let Some(tl) = &mut self.overlays.timeline else {
            return;
        };
        if tl.rows_of == Some(generation) {
            return;
        }
        tl.rows = crate::analysis::timeline::rows(&self.store, &tl.lookup, &tl.found);
        tl.rows_of = Some(generation);
        // The cursor stays on its event as earlier ones arrive.
        if let Some(id) = selected_id {
            if let Some(i) = tl
                .rows
                .iter()
                .position(|&r| self.store.events.get(r).is_some_and(|e| e.event_id == id))
            {
                tl.cursor = i;
            }
        }
        tl.cursor = tl.cursor.min(tl.rows.len().saturating_sub(1));
        tl.expanded_at = tl.expanded.as_ref().and_then(|(id, _)| {
            tl.rows
                .iter()
                .position(|&r| self.store.events.get(r).is_some_and(|e| &e.event_id == id))
        });
    }

    /// A key while the timeline is open. False when it is not the timeline's.
    pub(super) fn timeline_action(&mut self, action: Action) -> bool {
        let page = (self.size.1 as usize).saturating_sub(8).max(1) as isize;
        let Some(tl) = &mut self.overlays.timeline else {
            return false;
        };
        let n = tl.rows.len();
        let move_to = |tl: &mut TimelineView, delta: isize| {
            if n > 0 {
                tl.cursor = (tl.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
            }
        };
        let json_len = tl.expanded_here().map(<[String]>::len);
        match action {
            Action::Up => {
                move_to(tl, -1);
                tl.scroll = 0;
            }
            Action::Down => {
                move_to(tl, 1);
                tl.scroll = 0;
            }
            Action::Scroll(d) => move_to(tl, d as isize),
            // On an expanded event the page keys read its JSON.
            Action::PageDown if json_len.is_some() => {
                tl.scroll = (tl.scroll + page as usize).min(json_len.unwrap_or(0).saturating_sub(1))
            }
            Action::PageUp if json_len.is_some() => {
                tl.scroll = tl.scroll.saturating_sub(page as usize)
            }
            Action::PageUp => move_to(tl, -page),
            Action::PageDown => move_to(tl, page),
            Action::Top => tl.cursor = 0,
            Action::Bottom => tl.cursor = n.saturating_sub(1),
            Action::Open => {
                let row = tl.rows.get(tl.cursor).copied();
                let event = row.and_then(|r| self.store.events.get(r));
                match (event, &tl.expanded) {
                    (Some(e), Some((id, _))) if *id == e.event_id => {
                        tl.expanded = None;
                        tl.expanded_at = None;
                    }
                    (Some(e), _) => {
                        let lines = crate::util::sanitize::clean_multiline(&e.raw.pretty())
                            .lines()
                            .map(str::to_string)
                            .collect();
                        tl.expanded = Some((e.event_id.clone(), lines));
                        tl.expanded_at = Some(tl.cursor);
                        tl.scroll = 0;
                    }
                    (None, _) => {}
                }
            }
            Action::Back => self.overlays.timeline = None,
            Action::Refresh => {
                tl.state = Asking::Waiting;
                self.outbox
                    .commands
                    .push(Command::Lookup(Box::new(tl.lookup.clone())));
            }
            other => return self.overlay_common(other),
        }
        true
    }
}

#[cfg(test)]
mod tests;
