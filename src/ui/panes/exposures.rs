//! The public-access pane: who outside an account can reach which resource (Access
//! Analyzer), beside the failed Security Hub controls about exposure, with the
//! combinations that matter more marked.

use super::table_style;
use crate::app::{App, Tab};
use crate::model::finding::short_resource_id;
use crate::ui::chrome;
use crate::ui::widgets::table::{self, CellText, Column};
use ratatui::layout::Rect;
use ratatui::Frame;

pub const COLUMNS: [Column; 8] = [
    Column::new("Resource", 16, 0, 0),
    Column::new("Type", 10, 18, 1),
    Column::new("Account", 10, 18, 1),
    Column::new("Region", 9, 14, 3),
    Column::new("Access", 10, 26, 0),
    Column::new("Marked", 13, 30, 1),
    Column::new("Actions", 10, 0, 2),
    Column::new("Condition", 10, 0, 4),
];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.exposures;
    let (filter_area, table_area) = chrome::split_filter(area, app.filter_line_shown());
    let t = &app.theme;
    let items = app.store.exposures.items();
    let public = view
        .rows
        .iter()
        .filter(|&&i| items[i as usize].is_public)
        .count();
    let marks = app.exposure_marks();
    let controls = view
        .rows
        .iter()
        .filter(|&&i| items[i as usize].is_control())
        .count();
    let extra = format!(
        " · {} public · {} from Security Hub controls",
        chrome::group(public),
        chrome::group(controls)
    );
    table::render(
        frame,
        table_area,
        chrome::pane_title(app, Tab::Exposures, view, &extra),
        &COLUMNS,
        view,
        &table_style(app),
        |row, col| {
            let e = &items[row as usize];
            match col {
                0 => CellText::new(short_resource_id(&e.resource), t.text),
                1 => CellText::new(e.short_type(), t.muted),
                2 => CellText::new(app.store.accounts.name(&e.account_id), t.text),
                3 => CellText::new(e.region.as_str(), t.muted),
                4 => {
                    if e.is_public {
                        CellText::new("public", t.critical)
                    } else if e.is_control() {
                        CellText::new(e.principal.as_str(), t.high)
                    } else {
                        let inside = e
                            .external_account
                            .as_deref()
                            .and_then(|a| app.store.accounts.get(a));
                        match inside {
                            Some(a) => CellText::new(format!("{} (in org)", a.name), t.text),
                            None => CellText::new(e.grantee(), t.high),
                        }
                    }
                }
                5 => {
                    let m = marks.marks(e, &app.store.accounts);
                    if m.is_empty() {
                        CellText::new("—", t.muted)
                    } else {
                        CellText::new(m.join(" "), t.critical)
                    }
                }
                6 => CellText::new(e.actions.join(" "), t.text),
                _ => CellText::new(
                    if e.conditions.is_empty() {
                        "none".to_string()
                    } else {
                        e.conditions.join(" ")
                    },
                    t.muted,
                ),
            }
        },
    );
    if let Some(area) = filter_area {
        chrome::filter_line(frame, area, app, view);
    }
}
