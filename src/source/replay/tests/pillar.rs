//! Standing administrator access and Well-Architected answers through an export and back:
//! both writers (the whole document, and record by record as a running console writes),
//! and a record that does not parse rejected with its reason.

use super::super::*;
use crate::model::clock::fixed_now;

fn demo_store() -> crate::store::Store {
    use crate::source::demo::{generate, initial_updates, DemoOptions};
    let opts = DemoOptions::new(42, Some(300), fixed_now());
    let mut store = crate::store::Store::new();
    for u in initial_updates(generate(&opts), fixed_now()) {
        store.apply(u);
    }
    store
}

#[test]
fn standing_access_and_wa_answers_come_back_from_either_writer() {
    let store = demo_store();
    assert!(store.standing.len() > 5);
    assert_eq!(store.wa_answers.len(), 11);
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole.json");
    std::fs::write(&whole, crate::export::json::to_bytes(&store, fixed_now())).unwrap();
    let streamed = d.path().join("streamed.json");
    let mut bytes = Vec::new();
    crate::export::json::write_document(&store, fixed_now(), &[], &mut bytes).unwrap();
    std::fs::write(&streamed, bytes).unwrap();
    for path in [whole, streamed] {
        let (again, reports) = load_store(&[path], fixed_now(), &ReplayOptions::default());
        assert!(!reports[0].failed(), "{:?}", reports[0].error);
        assert_eq!(again.standing, store.standing);
        assert_eq!(again.wa_answers, store.wa_answers);
    }
}

#[test]
fn a_standing_record_that_does_not_parse_is_rejected_with_its_reason() {
    let doc = serde_json::json!({
        "schema_version": 1,
        "generated_at": "2026-11-22T12:00:00Z",
        "standing_access": [
            {"account_id": "111111111111", "principal": "jo", "route": "identity_center_user",
             "via": "AdministratorAccess", "scope": "identity-center:ssoins-1"},
            {"account_id": "111111111111", "principal": "x", "route": "teleport",
             "via": "AdministratorAccess", "scope": "s"}
        ],
        "wa_answers": [{"workload_id": "w", "workload_name": "n", "question_id": "identities",
            "selected": [], "risk": "HIGH"}]
    });
    let b = export_in::read(&doc).unwrap();
    assert_eq!(b.standing.len(), 1);
    assert_eq!(b.wa_answers.len(), 1);
    let rejected = format!("{:?}", b.rejected);
    assert!(rejected.contains("standing_access record 2"), "{rejected}");
    assert!(rejected.contains("teleport"), "{rejected}");
}
