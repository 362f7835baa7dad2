//! What a key, a click or a resize asks of the console, before any mode has taken it.

use super::Pane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `Ctrl-C`, `:q`: quit from anywhere.
    Quit,
    /// `q`: back out of a detail, timeline, runbook or overlay; quit from the top level.
    Leave,
    ShowTab(Pane),
    /// `0`: the posture overview.
    Overview,
    NextTab,
    PrevTab,
    Up,
    Down,
    /// `h` / `l`, ← →: across (the overview's grid).
    Left,
    Right,
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
    /// A key that edits the line being typed (cursor, words, history).
    Edit(super::line::Edit),
    /// `o` on the Findings pane: open findings only, or all.
    ToggleOpen,
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
    /// `d` on the Activity pane: the drill view or the activity.
    DrillView,
    /// `D`: the drill view from anywhere (again: back to the activity).
    ShowDrills,
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
