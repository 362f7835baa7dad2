//! Every JSON document rampart writes (an export of the demo, a hand-off snapshot, an export
//! of the real evidence fixtures) validates against `export.schema.json`, formats included;
//! and the schema does reject what the contract forbids.

use rampart::app::{Action, Pane};
use rampart::run::fixture::{demo_app, fixed_now};
use rampart::theme::Theme;
use serde_json::Value;
use std::path::Path;

fn validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("export.schema.json"))
            .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .take(5)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn streamed(store: &rampart::store::Store, extra: &[(&str, Value)]) -> Value {
    let mut bytes = Vec::new();
    rampart::export::json::write_document(store, fixed_now(), extra, &mut bytes).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn demo_export_and_a_snapshot_follow_the_schema() {
    let v = validator();
    let mut app = demo_app(42, Some(1500), Theme::default(), (120, 40));
    let export = streamed(&app.store, &[]);
    assert!(export["findings"].as_array().unwrap().len() >= 1500);
    assert_valid(&v, &export, "demo export");

    app.update(Action::ShowTab(Pane::Drills));
    app.refresh_view();
    app.update(Action::NoteStart);
    for c in "seen".chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::FilterAccept);
    app.update(Action::Open);
    let handoff = serde_json::to_value(app.handoff()).unwrap();
    let snapshot = streamed(&app.store, &[("handoff", handoff)]);
    assert_eq!(snapshot["handoff"]["view"]["pane"], "events");
    assert_eq!(snapshot["handoff"]["notes"].as_array().unwrap().len(), 1);
    assert_valid(&v, &snapshot, "hand-off snapshot");
}

#[test]
fn an_export_of_the_real_evidence_follows_the_schema() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/real");
    if !real.exists() {
        eprintln!("skipped: {} is not here", real.display());
        return;
    }
    let (store, reports) =
        rampart::source::replay::load_store(&[real], fixed_now(), &Default::default());
    assert!(reports.len() > 3);
    assert!(store.findings.len() + store.events.len() > 10);
    assert_valid(
        &validator(),
        &streamed(&store, &[]),
        "export of the real fixtures",
    );
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let v = validator();
    let app = demo_app(7, Some(200), Theme::default(), (80, 24));
    let good = streamed(&app.store, &[]);
    let broken = |path: &str, change: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        change(doc.pointer_mut(path).unwrap());
        assert!(!v.is_valid(&doc), "{path} changed, still valid");
    };
    broken("/findings/0/severity", &|s| *s = "SEVERE".into());
    broken("/findings/0/updated_at", &|t| *t = "22/11/2026".into());
    broken("/findings/0", &|f| {
        f.as_object_mut().unwrap().remove("raw");
    });
    broken("/events/0/detections", &|d| *d = Value::Null);
    broken("/schema_version", &|s| *s = 2.into());
    broken("/sources/0/status", &|s| *s = "fine".into());
}
