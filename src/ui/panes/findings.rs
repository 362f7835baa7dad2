//! The findings pane: newest critical first, every product in one table.

use super::table_style;
use crate::app::{App, Tab};
use crate::model::age::format_age;
use crate::ui::chrome;
use crate::ui::widgets::table::{self, CellText, Column};
use ratatui::layout::Rect;
use ratatui::Frame;

pub const COLUMNS: [Column; 8] = [
    Column::new("Sev", 4, 4, 0),
    Column::new("Title", 20, 0, 0),
    Column::new("Account", 10, 15, 1),
    Column::new("Region", 9, 12, 3),
    Column::new("Product", 8, 12, 2),
    Column::new("Resource", 10, 22, 4),
    Column::new("Status", 8, 10, 5),
    Column::new("Updated", 7, 7, 1),
];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.findings;
    let (filter_area, table_area) = chrome::split_filter(area, app.filter_line_shown());
    let now = app.clock.now();
    let t = &app.theme;
    let items = app.store.findings.items();
    // New since the operator last looked: counted in the title, titles in bold.
    let since = app.new_since();
    let is_new = |row: u32| since.is_some_and(|t| items[row as usize].updated_at > t);
    let new = if since.is_some() {
        view.rows.iter().filter(|&&r| is_new(r)).count()
    } else {
        0
    };
    let mut extra = if new > 0 {
        format!(" · {} new (N: seen)", chrome::group(new))
    } else {
        String::new()
    };
    if !app.marked.is_empty() {
        extra.push_str(&format!(" · {} marked", chrome::group(app.marked.len())));
    }
    let pending = app.store.pending_count();
    if pending > 0 {
        extra.push_str(&format!(" · {} pending*", chrome::group(pending)));
    }
    table::render(
        frame,
        table_area,
        chrome::pane_title(app, Tab::Findings, view, &extra),
        &COLUMNS,
        view,
        &table_style(app),
        |row, col| {
            let f = &items[row as usize];
            let hash = || crate::store::row_hash(f);
            let marked = !app.marked.is_empty() && app.marked.contains(&hash());
            match col {
                0 => CellText::new(f.severity.short(), t.severity(f.severity)),
                1 if marked => CellText::new(format!("+ {}", f.title), t.marked),
                1 if is_new(row) => CellText::new(
                    &*f.title,
                    t.text.add_modifier(ratatui::style::Modifier::BOLD),
                ),
                1 => CellText::new(&*f.title, t.text),
                2 => CellText::new(app.store.accounts.name(&f.account_id), t.text),
                3 => CellText::new(f.region.as_str(), t.muted),
                4 => CellText::new(f.product.as_str(), t.text),
                5 => CellText::new(f.primary_resource(), t.muted),
                6 => {
                    let label = f.workflow_status.label();
                    if app.store.pending_count() > 0 && app.store.pending(hash()).is_some() {
                        CellText::new(format!("{label}*"), t.accent)
                    } else if app.store.refused_count() > 0 && app.store.refused(hash()).is_some() {
                        CellText::new(format!("{label}!"), t.critical)
                    } else {
                        CellText::new(label, if f.is_open() { t.text } else { t.muted })
                    }
                }
                _ => CellText::new(format_age(f.updated_at, now), t.muted),
            }
        },
    );
    if let Some(area) = filter_area {
        chrome::filter_line(frame, area, app, view);
    }
}
