//! Runbook files: the format, errors with file and line, the built-in library, overrides
//! from a user directory, and which runbook a finding, detection or exposure opens.

use super::*;

const GOOD: &str = "id: leaked-key
title: Leaked key
severity: critical
types: *UnauthorizedAccess:IAMUser*
controls: IAM.3
detections: access-key-created-for-other-user
---
## Triage
- Who owns the key?

## Evidence
- CloudTrail for the key.
## Contain
1. Deactivate it.
## Recover
1. Rotate.
## Commands
# Deactivate the key
$ aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive
## Escalate
- The account owner.
";

#[test]
fn a_runbook_reads_its_header_sections_and_commands() {
    let rb = parse(GOOD, "leaked-key.md", "leaked-key").unwrap();
    assert_eq!(rb.id, "leaked-key");
    assert_eq!(rb.severity, Severity::Critical);
    assert_eq!(rb.types, ["*UnauthorizedAccess:IAMUser*"]);
    assert_eq!(rb.controls, ["IAM.3"]);
    assert_eq!(rb.section("Triage"), ["- Who owns the key?"]);
    assert_eq!(
        rb.commands(),
        ["aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive"]
    );
    assert_eq!(
        rb.sections.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        SECTIONS
    );
}

#[test]
fn bad_files_name_the_file_line_and_what_was_expected() {
    let cases: [(String, &str); 8] = [
        (GOOD.replace("severity: critical", "severity: urgent"), "leaked-key.md:3: severity: expected critical, high, medium or low, found \"urgent\""),
        (GOOD.replace("id: leaked-key", "id: other"), "leaked-key.md:1: id `other` must be the file's name (`leaked-key`)"),
        (GOOD.replace("controls: IAM.3", "owner: sec"), "leaked-key.md:5: unknown key `owner`: expected id, title, severity, types, controls, detections, resources or credentials"),
        (GOOD.replace("## Evidence", "## Evidences"), "leaked-key.md:11: section `Evidences`: expected `## Evidence` (sections: Triage, Evidence, Contain, Recover, Commands, Escalate)"),
        (GOOD.replace("## Escalate\n- The account owner.\n", ""), "leaked-key.md:19: missing section `## Escalate`"),
        (GOOD.replace("$ aws", "aws"), "leaked-key.md:7: `## Commands` has no command (a line starting `$ `)"),
        (GOOD.replace("---\n", ""), "leaked-key.md:7: expected a `---` line between the header and the first section"),
        (GOOD.replace("title: Leaked key\n", "title: Leaked key\ntitle: again\n"), "leaked-key.md:3: `title` given twice"),
    ];
    for (text, expected) in cases {
        let e = parse(&text, "leaked-key.md", "leaked-key").unwrap_err();
        assert_eq!(e.to_string(), expected);
    }
    // A detection no loaded rule has is named against the rules, not at parse time: a
    // team's runbook may name a team's rule.
    let mut lib = Library::builtin();
    lib.add(
        &GOOD.replace(
            "detections: access-key-created-for-other-user",
            "detections: made-up",
        ),
        "leaked-key.md",
        "team",
    );
    assert_eq!(
        lib.unknown_detections(&crate::drill::detect::RuleSet::builtin()),
        ["runbook leaked-key (team): no detection rule `made-up`"]
    );
    let long = GOOD.replace("- Who owns the key?", &format!("- {}", "x".repeat(300)));
    let e = parse(&long, "leaked-key.md", "leaked-key").unwrap_err();
    assert_eq!(
        e.to_string(),
        "leaked-key.md:9: line longer than 200 characters"
    );
}

#[test]
fn the_built_in_library_covers_what_the_issue_asks() {
    let lib = Library::builtin();
    assert!(lib.errors.is_empty(), "{:?}", lib.errors);
    assert!(lib.all().len() >= 15, "{} runbooks", lib.all().len());
    // Every built-in detection opens a runbook, the one its rule names; every detection
    // a runbook names exists.
    let rules = crate::drill::detect::RuleSet::builtin();
    for rule in rules.rules() {
        let rb = lib.for_detection(&rule.id);
        assert!(rb.is_some(), "no runbook for the detection {}", rule.id);
        assert_eq!(
            rule.runbook.as_deref(),
            rb.map(|b| b.id.as_str()),
            "{}: its rampart.runbook and the runbook that lists it differ",
            rule.id
        );
    }
    assert_eq!(lib.unknown_detections(&rules), Vec::<String>::new());
    for rb in lib.all() {
        assert!(rb.commands().len() >= 3, "{}: few commands", rb.id);
        for c in rb.commands() {
            assert!(
                c.starts_with("aws "),
                "{}: `{c}` is not an AWS CLI command",
                rb.id
            );
        }
    }
    // The credential flags and the public-access resource types of the panes.
    for flag in [
        "old-key",
        "unused-key",
        "unused-pw",
        "no-mfa",
        "root-keys",
        "root-no-mfa",
    ] {
        assert!(lib.for_credential_flags([flag]).is_some(), "{flag}");
    }
    for kind in ["AWS::S3::Bucket", "AWS::IAM::Role", "AWS::KMS::Key"] {
        assert!(lib.for_resource_type(kind).is_some(), "{kind}");
    }
}

#[test]
fn demo_findings_of_every_product_open_a_runbook() {
    let opts = crate::source::simulated::DemoOptions::new(
        crate::source::simulated::DEFAULT_SEED,
        Some(600),
        crate::test_support::now(),
    );
    let org = crate::source::simulated::generate(&opts);
    let lib = Library::builtin();
    let mut missing: Vec<String> = org
        .findings
        .iter()
        .filter(|f| lib.for_finding(f).is_none())
        .map(|f| format!("{} {:?} {:?}", f.product, f.control_id, f.types))
        .collect();
    missing.sort();
    missing.dedup();
    // Controls the library does not cover (tagging, encryption at rest) may have none.
    let share = missing.len() as f64 / org.findings.len() as f64;
    assert!(
        share < 0.5,
        "{} kinds without a runbook: {missing:#?}",
        missing.len()
    );
    let guardduty = org
        .findings
        .iter()
        .find(|f| f.types.iter().any(|t| t.contains("CryptoCurrency:EC2")))
        .expect("a crypto-mining finding in the demo");
    assert_eq!(
        lib.for_finding(guardduty).unwrap().id,
        "crypto-mining-instance"
    );
}

#[test]
fn a_user_directory_adds_and_overrides_and_its_bad_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("leaked-key.md"), GOOD).unwrap();
    let ours = GOOD
        .replace("id: leaked-key", "id: compromised-access-key")
        .replace("title: Leaked key", "title: Our own key runbook");
    std::fs::write(dir.path().join("compromised-access-key.md"), ours).unwrap();
    std::fs::write(dir.path().join("broken.md"), "id: broken\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a runbook").unwrap();
    let lib = Library::load(Some(dir.path()));
    let builtin = Library::builtin().all().len();
    assert_eq!(lib.all().len(), builtin + 1, "one added, one replaced");
    let ours = lib.get("compromised-access-key").unwrap();
    assert_eq!(ours.title, "Our own key runbook");
    assert!(ours.origin.ends_with("compromised-access-key.md"));
    assert_eq!(lib.errors.len(), 1);
    let e = lib.errors[0].to_string();
    assert!(
        e.ends_with("broken.md:1: no `---` line after the header"),
        "{e}"
    );
    // A missing directory is no error.
    let none = Library::load(Some(&dir.path().join("nope")));
    assert!(none.errors.is_empty());
}

#[test]
fn the_most_specific_type_pattern_wins() {
    let lib = Library::builtin();
    let f = crate::model::asff::parse_value(&serde_json::json!({
        "Id": "x", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111", "UpdatedAt": "2026-11-22T00:00:00Z",
        "Severity": {"Label": "HIGH"}, "Title": "t",
        "Types": ["TTPs/Persistence/Persistence:IAMUser-AnomalousBehavior"],
    }))
    .unwrap();
    assert_eq!(lib.for_finding(&f).unwrap().id, "iam-privilege-escalation");
}
