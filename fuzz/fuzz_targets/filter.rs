//! The filter language, for every pane's fields: parsed, and when it parses, run against a
//! small demo store (durations included: `age<9999999999999999d` must be an error, never a
//! panic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::app::{App, Pane};
use rampart::run::fixture::demo_app;
use rampart::store::{fields, query::TextQuery};
use std::sync::{Mutex, OnceLock};

fn app() -> &'static Mutex<App> {
    static APP: OnceLock<Mutex<App>> = OnceLock::new();
    APP.get_or_init(|| Mutex::new(demo_app(7, Some(200), Default::default(), (80, 24))))
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    for f in [
        fields::FINDING_FIELDS,
        fields::CREDENTIAL_FIELDS,
        fields::EXPOSURE_FIELDS,
        fields::COMPLIANCE_FIELDS,
        fields::EVENT_FIELDS,
    ] {
        let _ = TextQuery::parse_for(&text, f);
    }
    let mut app = app().lock().unwrap_or_else(|e| e.into_inner());
    for pane in Pane::ALL {
        app.view_mut(pane).set_filter(&text);
        app.panes.tab = pane;
        app.refresh_view();
        app.view_mut(pane).set_filter("");
    }
});
