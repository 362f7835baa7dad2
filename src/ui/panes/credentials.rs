//! The credentials pane: one row per IAM user and root, oldest risk first.

use super::table_style;
use crate::app::{App, Tab};
use crate::model::age::format_age;
use crate::model::{AccessKey, CredentialRisk};
use crate::ui::chrome;
use crate::ui::widgets::table::{self, CellText, Column};
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::Frame;

pub const COLUMNS: [Column; 7] = [
    Column::new("Account", 10, 18, 1),
    Column::new("User", 12, 26, 0),
    Column::new("Password", 9, 13, 2),
    Column::new("MFA", 3, 3, 0),
    Column::new("Key 1 age/use", 13, 16, 1),
    Column::new("Key 2 age/use", 13, 16, 3),
    Column::new("Risks", 16, 0, 0),
];

/// `412d, used 2d`, `30d, never used`, `inactive`.
pub fn key_text(key: Option<&AccessKey>, now: DateTime<Utc>) -> String {
    match key {
        None => "—".into(),
        Some(k) if !k.active => "inactive".into(),
        Some(k) => {
            let age = k
                .last_rotated
                .map(|t| format_age(t, now))
                .unwrap_or_else(|| "?".into());
            match k.last_used {
                Some(u) => format!("{age}, used {}", format_age(u, now)),
                None => format!("{age}, never used"),
            }
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.credentials;
    let (filter_area, table_area) = chrome::split_filter(area, app.filter_line_shown());
    let now = app.clock.now();
    let limits = app.settings.thresholds;
    let t = &app.theme;
    let items = app.store.credentials.items();
    let at_risk = view
        .rows
        .iter()
        .filter(|&&i| !items[i as usize].risks(now, limits).is_empty())
        .count();
    let extra = format!(
        " · {} at risk (key age > {}d)",
        chrome::group(at_risk),
        limits.age_days
    );
    table::render(
        frame,
        table_area,
        chrome::pane_title(app, Tab::Credentials, view, &extra),
        &COLUMNS,
        view,
        &table_style(app),
        |row, col| {
            let r = &items[row as usize];
            let risks = r.risks(now, limits);
            let key = |slot: u8| r.access_keys.iter().find(|k| k.slot == slot);
            let key_style = |slot: u8| {
                let old = key(slot).is_some_and(|k| {
                    k.active
                        && k.last_rotated.is_some_and(|t| {
                            crate::model::age::days_between(t, now) > limits.age_days
                        })
                });
                if old {
                    t.warning
                } else {
                    t.text
                }
            };
            match col {
                0 => CellText::new(app.store.accounts.name(&r.account_id), t.text),
                1 => CellText::new(r.user.as_str(), if r.is_root { t.accent } else { t.text }),
                2 => CellText::new(
                    match (r.password_enabled, r.password_last_used) {
                        (Some(false), _) => "none".to_string(),
                        (_, Some(u)) => format!("used {}", format_age(u, now)),
                        (Some(true), None) => "never used".to_string(),
                        (None, None) => "—".to_string(),
                    },
                    if risks.contains(CredentialRisk::UNUSED_PASSWORD) {
                        t.warning
                    } else {
                        t.muted
                    },
                ),
                3 => {
                    let needs_mfa = r.is_root || r.has_console_password();
                    if r.mfa_active {
                        CellText::new("yes", t.ok)
                    } else if needs_mfa {
                        CellText::new("NO", t.critical)
                    } else {
                        CellText::new("no", t.muted)
                    }
                }
                4 => CellText::new(key_text(key(1), now), key_style(1)),
                5 => CellText::new(key_text(key(2), now), key_style(2)),
                _ => {
                    let labels: Vec<&str> = risks.labels().collect();
                    let style = if risks.contains(CredentialRisk::ROOT_KEYS)
                        || risks.contains(CredentialRisk::ROOT_NO_MFA)
                    {
                        t.critical
                    } else if risks.is_empty() {
                        t.muted
                    } else {
                        t.high
                    };
                    CellText::new(
                        if labels.is_empty() {
                            "—".to_string()
                        } else {
                            labels.join(" ")
                        },
                        style,
                    )
                }
            }
        },
    );
    if let Some(area) = filter_area {
        chrome::filter_line(frame, area, app, view);
    }
}
