//! A hand-off snapshot's `handoff` member with hostile view state (filters, sorts, pane
//! names, selections, a detail's scroll, notes): read, applied to a console with data,
//! refreshed and drawn at 80x24. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::app::App;
use rampart::feed::Update;
use rampart::run::fixture::demo_app;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::{Mutex, OnceLock};

fn app() -> &'static Mutex<App> {
    static APP: OnceLock<Mutex<App>> = OnceLock::new();
    APP.get_or_init(|| Mutex::new(demo_app(7, Some(200), Default::default(), (80, 24))))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let member = v.get("handoff").unwrap_or(&v);
    let Ok(h) = rampart::model::handoff::from_member(member) else {
        return;
    };
    let mut app = app().lock().unwrap_or_else(|e| e.into_inner());
    app.apply(Update::Handoff(Box::new(h)));
    app.refresh_view();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    terminal
        .draw(|f| rampart::ui::render(f, &app))
        .expect("a frame");
    // Keys after a restore: scrolling an open detail, moving, going back.
    for a in [
        rampart::app::Action::Down,
        rampart::app::Action::PageDown,
        rampart::app::Action::Bottom,
        rampart::app::Action::Back,
    ] {
        app.update(a);
    }
    app.refresh_view();
});
