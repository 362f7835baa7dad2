//! The shipped IAM policies grant exactly the actions the live console calls: every action
//! the code names when it classifies an AWS error, and nothing else. `iam-policy.json` is
//! read-only (what the pollers and the timeline call); `iam-policy-triage.json` adds the one
//! write triage makes, for those who allow writes.
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

/// The write verbs no read-only policy may grant.
const WRITES: [&str; 7] = [
    "Batch", "Update", "Create", "Delete", "Put", "Enable", "Disable",
];

fn is_write(action: &str) -> bool {
    let verb = action.split(':').nth(1).unwrap_or_default();
    WRITES.iter().any(|w| verb.starts_with(w))
}

fn granted(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
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
    granted
}

#[test]
fn the_policies_grant_exactly_what_the_code_calls() {
    let mut needed = actions_in_code();
    assert!(
        needed.remove("sts:GetCallerIdentity"),
        "the identity check is in the code"
    );
    let (writes, reads): (BTreeSet<String>, BTreeSet<String>) =
        needed.into_iter().partition(|a| is_write(a));
    assert!(!reads.is_empty());
    assert_eq!(
        granted("iam-policy.json"),
        reads,
        "iam-policy.json and the code disagree"
    );
    assert!(granted("iam-policy.json").iter().all(|a| !is_write(a)));
    assert_eq!(
        writes,
        BTreeSet::from([
            "securityhub:BatchImportFindings".to_string(),
            "securityhub:BatchUpdateFindings".to_string()
        ]),
        "triage's write and a tabletop drill's import"
    );
    assert_eq!(
        granted("iam-policy-triage.json"),
        writes,
        "iam-policy-triage.json and the code disagree"
    );
}
