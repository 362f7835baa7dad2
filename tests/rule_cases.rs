//! Every built-in detection rule against its cases, `rules/cases/<rule id>.json`:
//! CloudTrail records shaped as AWS writes them (the detonation of the attack the rule is
//! for, where there is one) that must fire it, near misses that must not, and each firing
//! record again as a failed call, which must not fire a rule about successes.
//!
//! A cases file: `{"about": "...", "fires": [record, ...], "quiet": [record or [record,
//! ...], ...]}`. The `fires` records are judged together (a correlation needs all of
//! them); each `quiet` entry is judged alone, a list as one batch.

use rampart::drill::detect::{Detector, FiresOn, RuleSet};
use rampart::model::cloudtrail::parse_record;
use rampart::model::TrailEvent;
use serde_json::Value;
use std::path::Path;

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/cases"))
}

fn judge(records: &[Value]) -> Vec<TrailEvent> {
    let mut events: Vec<TrailEvent> = records
        .iter()
        .map(|r| parse_record(r).unwrap_or_else(|e| panic!("{e}: {r}")))
        .collect();
    Detector::default().run(&mut events);
    events
}

fn fired(e: &TrailEvent, id: &str) -> bool {
    e.detections.iter().any(|d| d == id)
}

#[test]
fn every_built_in_rule_fires_on_its_cases_and_not_on_near_misses_or_failures() {
    let rules = RuleSet::builtin();
    assert!(rules.problems.is_empty(), "{:?}", rules.problems);
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in rules.rules() {
        let path = dir().join(format!("{}.json", rule.id));
        let Ok(text) = std::fs::read_to_string(&path) else {
            failures.push(format!("{}: no cases file {}", rule.id, path.display()));
            continue;
        };
        let cases: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fires = cases["fires"].as_array().cloned().unwrap_or_default();
        let quiet = cases["quiet"].as_array().cloned().unwrap_or_default();
        if fires.is_empty() || quiet.is_empty() {
            failures.push(format!(
                "{}: needs records that fire and near misses",
                rule.id
            ));
            continue;
        }
        for (i, e) in judge(&fires).iter().enumerate() {
            if !fired(e, &rule.id) {
                failures.push(format!(
                    "{}: fires[{i}] ({}) did not fire; it fired {:?}",
                    rule.id, e.event_name, e.detections
                ));
            }
        }
        for (i, q) in quiet.iter().enumerate() {
            let batch = match q {
                Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            for e in judge(&batch) {
                if fired(&e, &rule.id) {
                    failures.push(format!("{}: quiet[{i}] ({}) fired", rule.id, e.event_name));
                }
            }
        }
        if rule.fires_on == FiresOn::Success {
            let failed: Vec<Value> = fires
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    r["errorCode"] = "AccessDenied".into();
                    r["errorMessage"] = "User is not authorized to perform this operation".into();
                    r
                })
                .collect();
            for e in judge(&failed) {
                if fired(&e, &rule.id) {
                    failures.push(format!("{}: a failed {} fired", rule.id, e.event_name));
                }
            }
        }
        checked += 1;
    }
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let id = name.trim_end_matches(".json");
        if rules.get(id).is_none() {
            failures.push(format!("{name}: no built-in rule `{id}`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 50, "{checked} rules checked");
}
