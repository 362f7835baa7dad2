//! The panes' table (one renderer for every pane's rows), and the views drawn over them:
//! detail, summary, overview, drill, timeline, runbook, sources, confirmation, help.

pub mod confirm;
pub mod detail;
pub mod drill;
pub mod help;
pub mod overview;
pub mod runbook;
pub mod sources;
pub mod standing;
pub mod summary;
pub mod timeline;

use crate::app::{App, Pane};
use crate::ui::widgets::table::TableStyle;

pub(crate) fn table_style(app: &App) -> TableStyle {
    let t = &app.theme;
    // The config may choose the pane's columns (`[columns]`); the rest are hidden.
    // Under its id or an older name (`drills = [...]` still chooses the Activity columns).
    let spec = app.panes.tab.spec();
    let chosen = std::iter::once(spec.id)
        .chain(spec.aliases.iter().copied())
        .find_map(|name| app.settings.columns.get(name));
    let hidden = match chosen {
        Some(chosen) => app
            .panes
            .tab
            .spec()
            .columns
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

/// The pane's title line, its table and its filter line.
pub fn pane(frame: &mut ratatui::Frame, area: ratatui::layout::Rect, app: &App, pane: Pane) {
    let view = app.view(pane);
    let (filter_area, table_area) = crate::ui::chrome::split_filter(area, app.filter_line_shown());
    let table = pane.kind().table(app);
    crate::ui::widgets::table::render(
        frame,
        table_area,
        crate::ui::chrome::pane_title(app, pane, view, &table.extra),
        pane.spec().columns,
        view,
        &table_style(app),
        |row, col| {
            let cell = (table.cell)(row, col);
            (cell.text, app.theme.role(cell.role))
        },
    );
    if let Some(area) = filter_area {
        crate::ui::chrome::filter_line(frame, area, app, view);
    }
}
