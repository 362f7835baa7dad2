//! Rendering: borrowed application state in, a frame out.
//!
//! ratatui stops here. Every pane draws from `&App` through one table renderer and one
//! detail renderer (the panes say what, with roles; the theme says how); nothing in this
//! module changes state or does I/O. All text that comes from data passes through
//! [`crate::util::sanitize`] on its way in.
//!
//! May import: every layer but `run`.

pub mod chrome;
pub mod clipboard;
pub mod layout;
pub mod panes;
pub mod safe_backend;
pub mod svg;
pub mod widgets;

use crate::app::{App, Pane};
use ratatui::Frame;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let areas = layout::areas(frame.area());
    chrome::tab_bar(frame, areas.tabs, app);
    chrome::counts_line(frame, areas.counts, app);
    if let Some(view) = &app.overlays.runbook {
        panes::runbook::render(frame, areas.pane, app, view);
    } else if let Some(tl) = &app.overlays.timeline {
        panes::timeline::render(frame, areas.pane, app, tl);
    } else if let Some(detail) = &app.overlays.detail {
        panes::detail::render(frame, areas.pane, app, detail);
    } else if app.panes.overview {
        panes::overview::render(frame, areas.pane, app);
    } else {
        match app.panes.tab {
            tab if app.summary_shown() => {
                panes::summary::render(frame, areas.pane, app, tab.title())
            }
            Pane::Drills if app.drill_view_shown() => panes::drill::render(frame, areas.pane, app),
            tab => panes::pane(frame, areas.pane, app, tab),
        }
    }
    chrome::status_line(frame, areas.status, app);
    if app.overlays.sources {
        panes::sources::render(frame, frame.area(), app);
    }
    if app.overlays.standing {
        panes::standing::render(frame, frame.area(), app);
    }
    if let Some(confirm) = &app.overlays.confirm {
        panes::confirm::render(frame, frame.area(), app, confirm);
    }
    if app.overlays.help {
        panes::help::render(frame, frame.area(), app);
    }
}
