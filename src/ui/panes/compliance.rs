//! The compliance pane (`5`): AWS Config's non-compliant resources, rule by rule, with each
//! rule's annotation; the title counts rules and the account-regions whose recorder is off.

use super::table_style;
use crate::app::{App, Tab};
use crate::feed::Status;
use crate::model::age::format_age;
use crate::ui::chrome;
use crate::ui::widgets::table::{self, CellText, Column};
use ratatui::layout::Rect;
use ratatui::Frame;
use std::collections::BTreeSet;

pub const COLUMNS: [Column; 7] = [
    Column::new("Rule", 16, 34, 0),
    Column::new("Resource", 14, 0, 0),
    Column::new("Type", 10, 22, 3),
    Column::new("Account", 10, 18, 1),
    Column::new("Region", 9, 14, 2),
    Column::new("Recorded", 8, 8, 4),
    Column::new("Annotation", 10, 0, 5),
];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.compliance;
    let (filter_area, table_area) = chrome::split_filter(area, app.filter_line_shown());
    let t = &app.theme;
    let items = app.store.compliance.items();
    let now = app.clock.now();
    let rules: BTreeSet<&str> = view
        .rows
        .iter()
        .map(|&i| items[i as usize].rule.as_str())
        .collect();
    let recorder_off = app
        .store
        .sources
        .iter()
        .filter(|(k, h)| {
            k.service == "config"
                && (h.status == Status::NotEnabled
                    || h.error.as_deref().is_some_and(|e| e.contains("recorder")))
        })
        .count();
    let mut extra = format!(" · {} rules", chrome::group(rules.len()));
    if recorder_off > 0 {
        extra.push_str(&format!(" · recorder off or missing in {recorder_off}"));
    }
    table::render(
        frame,
        table_area,
        chrome::pane_title(app, Tab::Compliance, view, &extra),
        &COLUMNS,
        view,
        &table_style(app),
        |row, col| {
            let c = &items[row as usize];
            let account = c.account_id.as_deref().unwrap_or("");
            match col {
                0 => CellText::new(c.rule.as_str(), t.text),
                1 => CellText::new(
                    crate::model::finding::short_resource_id(&c.resource_id),
                    t.high,
                ),
                2 => CellText::new(c.resource_type.as_str(), t.muted),
                3 => CellText::new(app.store.accounts.name(account), t.text),
                4 => CellText::new(c.region.as_deref().unwrap_or("—"), t.muted),
                5 => CellText::new(
                    c.recorded_at
                        .map(|at| format_age(at, now))
                        .unwrap_or_else(|| "—".into()),
                    t.muted,
                ),
                _ => CellText::new(c.annotation.as_deref().unwrap_or(""), t.muted),
            }
        },
    );
    if let Some(area) = filter_area {
        chrome::filter_line(frame, area, app, view);
    }
}
