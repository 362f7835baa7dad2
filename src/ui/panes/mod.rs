//! One module per pane, plus the detail view and the help overlay.

pub mod activity;
pub mod compliance;
pub mod confirm;
pub mod credentials;
pub mod detail;
pub mod drill;
pub mod exposures;
pub mod findings;
pub mod help;
pub mod overview;
pub mod runbook;
pub mod sources;
pub mod summary;
pub mod timeline;

use crate::app::App;
use crate::ui::widgets::table::TableStyle;

pub(crate) fn table_style(app: &App) -> TableStyle {
    let t = &app.theme;
    // The config may choose the pane's columns (`[columns]`); the rest are hidden.
    let hidden = match app.settings.columns.get(app.tab.id()) {
        Some(chosen) => columns_of(app.tab)
            .iter()
            .enumerate()
            .filter(|(_, c)| !chosen.iter().any(|n| n.eq_ignore_ascii_case(c.title)))
            .fold(0u32, |mask, (i, _)| mask | 1 << i),
        None => 0,
    };
    TableStyle {
        header: t.header,
        selection: t.selection,
        border: t.border_focused,
        title: t.title_focused,
        hidden,
    }
}

/// A pane's table columns, for the config's `[columns]`.
pub fn columns_of(tab: crate::app::Tab) -> &'static [crate::ui::widgets::table::Column] {
    use crate::app::Tab;
    match tab {
        Tab::Findings => &findings::COLUMNS,
        Tab::Credentials => &credentials::COLUMNS,
        Tab::Exposures => &exposures::COLUMNS,
        Tab::Activity => &activity::COLUMNS,
        Tab::Compliance => &compliance::COLUMNS,
    }
}
