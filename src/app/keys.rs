//! Key and mouse bindings: terminal events in, [`Action`]s out.
//!
//! Every binding is listed once in [`BINDINGS`], which the help overlay renders, so the
//! help cannot drift from what the keys do.

use super::{Action, Pane};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

/// (keys, what they do), in the order the help overlay lists them.
pub const BINDINGS: &[(&str, &str)] = &[
    (
        "1 2 3 4 5",
        "Findings, Credentials, Public, Activity, Config",
    ),
    ("0", "overview: Enter evidence; l/→ grid, Enter a region"),
    ("Tab / Shift-Tab", "next / previous pane"),
    ("j k  PgDn PgUp  g G", "a row, a page, the first / last row"),
    ("/", "filter: words, \"quoted words\", !word, and fields"),
    (
        "  fields",
        "sev>=high status:open,resolved risk:no-mfa; Tab",
    ),
    (
        "Enter / Esc",
        "keep / restore the filter; Esc closes a view, clears",
    ),
    ("o", "open / all findings; typing: C-a C-e C-u C-w ↑↓"),
    ("s / S", "cycle the sort column / reverse the sort"),
    ("Enter", "detail view: fields, resources, raw JSON"),
    (
        "n / y Y",
        "note on the row / copy its ARN / its console link",
    ),
    ("w", "hand-off snapshot: data, view, notes (:snapshot PATH)"),
    (":", "command: group BY, a pane, snapshot; Tab completes"),
    (
        "space / t",
        "mark a finding / CloudTrail timeline around it",
    ),
    (
        "  triage",
        ":resolve :suppress :notify :reopen [NOTE], :comment",
    ),
    ("i", "sources: each feed's health and errors"),
    ("v", "summary by account, rule or type; Enter opens one"),
    ("r", "runbook of the finding, detection or row; y copies"),
    (
        "D / :drill start ID",
        "the drill view (d on Activity) / start a drill",
    ),
    (
        "  in a drill",
        "space tick, n note, a ack, c contained, x end",
    ),
    ("f / N / R", "freeze rows / findings seen / poll now"),
    (
        "? / q / Ctrl-C :q",
        "help / back, or quit / quit (mouse: wheel, click)",
    ),
];

/// Maps one terminal event to an action. `editing` is true while typing a filter, a
/// command or a note.
pub fn action_for(event: &Event, editing: bool) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(key, editing),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
            MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
            MouseEventKind::Down(_) if m.row == 0 => Some(Action::ClickTabBar(m.column)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

fn key_action(key: &KeyEvent, editing: bool) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    if editing {
        use super::line::Edit;
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let edit = |e| Some(Action::Edit(e));
        // As a shell edits a line (readline's emacs keys).
        return match key.code {
            KeyCode::Enter => Some(Action::FilterAccept),
            KeyCode::Esc => Some(Action::FilterCancel),
            KeyCode::Backspace if alt || ctrl => edit(Edit::KillWord),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Tab => Some(Action::Complete),
            KeyCode::Char('u') if ctrl => edit(Edit::KillStart),
            KeyCode::Char('w') if ctrl => edit(Edit::KillWord),
            KeyCode::Char('a') if ctrl => edit(Edit::Start),
            KeyCode::Char('e') if ctrl => edit(Edit::End),
            KeyCode::Char('b') if ctrl => edit(Edit::Left),
            KeyCode::Char('f') if ctrl => edit(Edit::Right),
            KeyCode::Char('p') if ctrl => edit(Edit::Older),
            KeyCode::Char('n') if ctrl => edit(Edit::Newer),
            KeyCode::Char('b') if alt => edit(Edit::WordLeft),
            KeyCode::Char('f') if alt => edit(Edit::WordRight),
            KeyCode::Char(c) if !ctrl && !alt => Some(Action::FilterChar(c)),
            KeyCode::Left if ctrl || alt => edit(Edit::WordLeft),
            KeyCode::Right if ctrl || alt => edit(Edit::WordRight),
            KeyCode::Left => edit(Edit::Left),
            KeyCode::Right => edit(Edit::Right),
            KeyCode::Home => edit(Edit::Start),
            KeyCode::End => edit(Edit::End),
            KeyCode::Delete => edit(Edit::Delete),
            KeyCode::Up => edit(Edit::Older),
            KeyCode::Down => edit(Edit::Newer),
            _ => None,
        };
    }
    let action = match key.code {
        KeyCode::Char('q') => Action::Leave,
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::Char('0') => Action::Overview,
        KeyCode::Char(c) if Pane::from_key(c).is_some() => Action::ShowTab(Pane::from_key(c)?),
        KeyCode::Tab => Action::NextTab,
        KeyCode::BackTab => Action::PrevTab,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Char(' ') => Action::Mark,
        KeyCode::Char('t') => Action::Timeline,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('s') => Action::SortNext,
        KeyCode::Char('S') => Action::SortReverse,
        KeyCode::Char('/') => Action::FilterStart,
        KeyCode::Enter => Action::Open,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('r') => Action::Runbook,
        KeyCode::Char('R') => Action::Refresh,
        KeyCode::Char('d') => Action::DrillView,
        KeyCode::Char('D') => Action::ShowDrills,
        KeyCode::Char('a') => Action::Acknowledge,
        KeyCode::Char('c') => Action::Contain,
        KeyCode::Char('x') => Action::CloseDrill,
        KeyCode::Char('n') => Action::NoteStart,
        KeyCode::Char('i') => Action::ToggleSources,
        KeyCode::Char('v') => Action::ToggleSummary,
        KeyCode::Char('o') => Action::ToggleOpen,
        KeyCode::Char('f') => Action::Freeze,
        KeyCode::Char('y') => Action::Copy { link: false },
        KeyCode::Char('N') => Action::MarkSeen,
        KeyCode::Char('Y') => Action::Copy { link: true },
        KeyCode::Char('w') => Action::Snapshot,
        KeyCode::Char(':') => Action::CommandStart,
        _ => return None,
    };
    Some(action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventState, MouseButton, MouseEvent};

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn typing_a_filter_does_not_trigger_bindings() {
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(&q, false), Some(Action::Leave));
        assert_eq!(action_for(&q, true), Some(Action::FilterChar('q')));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(&ctrl_c, true), Some(Action::Quit));
    }

    #[test]
    fn tabs_and_sort() {
        let n = KeyModifiers::NONE;
        assert_eq!(
            action_for(&key(KeyCode::Char('3'), n), false),
            Some(Action::ShowTab(Pane::PublicAccess))
        );
        assert_eq!(
            action_for(&key(KeyCode::BackTab, KeyModifiers::SHIFT), false),
            Some(Action::PrevTab)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('S'), KeyModifiers::SHIFT), false),
            Some(Action::SortReverse)
        );
    }

    #[test]
    fn mouse_wheel_and_tab_click() {
        let m = |kind, row| {
            Event::Mouse(MouseEvent {
                kind,
                column: 12,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            action_for(&m(MouseEventKind::ScrollDown, 5), false),
            Some(Action::Scroll(3))
        );
        assert_eq!(
            action_for(&m(MouseEventKind::Down(MouseButton::Left), 0), false),
            Some(Action::ClickTabBar(12))
        );
        assert_eq!(
            action_for(&m(MouseEventKind::Down(MouseButton::Left), 4), false),
            None
        );
    }
}
