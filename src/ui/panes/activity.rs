//! The drills pane, first version: CloudTrail activity with suspicious events marked.

use super::table_style;
use crate::app::{App, Tab};
use crate::ui::chrome;
use crate::ui::widgets::table::{self, CellText, Column};
use ratatui::layout::Rect;
use ratatui::Frame;

pub const COLUMNS: [Column; 8] = [
    Column::new("Time", 12, 12, 0),
    Column::new("Event", 14, 28, 0),
    Column::new("User", 10, 26, 1),
    Column::new("Account", 10, 15, 2),
    Column::new("Region", 9, 14, 4),
    Column::new("Source IP", 11, 15, 3),
    Column::new("Result", 6, 14, 2),
    // Bounded, so it grows with the other essentials before names and addresses do.
    Column::new("Detections", 12, 26, 0),
];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.events;
    let (filter_area, table_area) = chrome::split_filter(area, app.filter_line_shown());
    let t = &app.theme;
    let items = app.store.events.items();
    let suspicious = view
        .rows
        .iter()
        .filter(|&&i| !items[i as usize].detections.is_empty())
        .count();
    let extra = format!(" · {} suspicious", chrome::group(suspicious));
    let time_fmt = app.settings.time;
    table::render(
        frame,
        table_area,
        chrome::pane_title(app, Tab::Activity, view, &extra),
        &COLUMNS,
        view,
        &table_style(app),
        |row, col| {
            let e = &items[row as usize];
            let flagged = !e.detections.is_empty();
            let base = if flagged { t.detection } else { t.text };
            match col {
                0 => CellText::new(
                    time_fmt
                        .format(e.event_time)
                        .get(5..)
                        .unwrap_or("")
                        .to_string(),
                    t.muted,
                ),
                1 => CellText::new(e.event_name.as_str(), base),
                2 => CellText::new(e.username.as_str(), base),
                3 => CellText::new(app.store.accounts.name(&e.account_id), t.text),
                4 => CellText::new(e.region.as_str(), t.muted),
                5 => CellText::new(e.source_ip.as_deref().unwrap_or(""), t.muted),
                6 => match &e.error_code {
                    Some(code) => CellText::new(code.as_str(), t.failed),
                    None => CellText::new("ok", t.muted),
                },
                _ => CellText::new(e.detections.join(" "), t.detection),
            }
        },
    );
    if let Some(area) = filter_area {
        chrome::filter_line(frame, area, app, view);
    }
}
