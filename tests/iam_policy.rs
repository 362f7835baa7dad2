//! The shipped IAM policy (`iam-policy.json`) grants exactly the actions the live pollers
//! call: every action the code names when it classifies an AWS error, and nothing else.
//! `sts:GetCallerIdentity` needs no permission (AWS allows it to any caller), so it is not
//! in the policy; `sts:AssumeRole` belongs to the base identity's own policy and the role's
//! trust policy, not to the role rampart reads with.

use std::collections::BTreeSet;
use std::path::Path;

fn source_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// Actions written as `classify(e, "service:Action")` in the AWS source code.
fn actions_in_code() -> BTreeSet<String> {
    let mut texts = Vec::new();
    source_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/source/aws"),
        &mut texts,
    );
    let mut found = BTreeSet::new();
    for text in texts {
        let mut rest = text.as_str();
        while let Some(at) = rest.find("classify(e, \"") {
            rest = &rest[at + "classify(e, \"".len()..];
            let end = rest.find('"').unwrap();
            found.insert(rest[..end].to_string());
        }
    }
    found
}

#[test]
fn the_policy_grants_exactly_what_the_code_calls() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("iam-policy.json"))
            .unwrap();
    let policy: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut granted = BTreeSet::new();
    for statement in policy["Statement"].as_array().unwrap() {
        assert_eq!(statement["Effect"], "Allow");
        for action in statement["Action"].as_array().unwrap() {
            let action = action.as_str().unwrap();
            assert!(!action.contains('*'), "no wildcards: {action}");
            granted.insert(action.to_string());
        }
    }
    let mut needed = actions_in_code();
    assert!(
        needed.remove("sts:GetCallerIdentity"),
        "the identity check is in the code"
    );
    assert!(!needed.is_empty());
    assert_eq!(granted, needed, "iam-policy.json and the code disagree");
    let writes = [
        "Batch", "Update", "Create", "Delete", "Put", "Enable", "Disable",
    ];
    for a in &granted {
        let verb = a.split(':').nth(1).unwrap_or_default();
        assert!(
            !writes.iter().any(|w| verb.starts_with(w)),
            "read-only: {a}"
        );
    }
}
