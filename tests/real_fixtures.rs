//! Every AWS format in `../shared/fixtures/real` that the parsers of this version handle
//! must load, quirks included. The folder lives beside the repository; in a clone without
//! it these tests say they skipped.

use rampart::model::{asff, cloudtrail, credential_report};
use std::path::{Path, PathBuf};

fn real(sub: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/real")
        .join(sub);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is not present", p.display());
        None
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_asff_sample_parses() {
    let Some(dir) = real("asff/aws-solutions-asr-simdata") else {
        return;
    };
    let mut parsed = 0;
    let mut enveloped = 0;
    for file in json_files(&dir) {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        // EventBridge "Security Hub Findings - Imported" events carry findings in detail.findings.
        let findings = match v.pointer("/detail/findings").and_then(|f| f.as_array()) {
            Some(list) => {
                enveloped += 1;
                list.clone()
            }
            None => vec![v],
        };
        for f in findings {
            let finding =
                asff::parse_value(&f).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(
                !finding.id.is_empty() && !finding.account_id.is_empty(),
                "{}",
                file.display()
            );
            assert_eq!(
                finding.raw.to_value(),
                f,
                "{}: the raw record is kept whole",
                file.display()
            );
            parsed += 1;
        }
    }
    assert!(parsed >= 109, "parsed {parsed}");
    assert_eq!(enveloped, 5);
}

#[test]
fn every_cloudtrail_record_parses() {
    let Some(dir) = real("cloudtrail/invictus-aws_dataset") else {
        return;
    };
    let mut n = 0;
    let mut failed_calls = 0;
    for file in json_files(&dir) {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for record in v["Records"].as_array().unwrap() {
            let e = cloudtrail::parse_record(record)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(!e.username.is_empty());
            failed_calls += usize::from(e.failed());
            n += 1;
        }
    }
    assert!(n >= 2900, "parsed {n} records");
    assert!(failed_calls > 0, "the dataset holds failed calls");
}

#[test]
fn the_real_credential_report_parses() {
    let Some(dir) = real("credential_report") else {
        return;
    };
    let csv = std::fs::read(dir.join("test_iam_user_unused_keys_2.EXTRACTED.csv")).unwrap();
    let rows = credential_report::parse(&csv).unwrap();
    assert!(rows.len() > 3);
    assert_eq!(rows.iter().filter(|r| r.is_root).count(), 1);
    assert!(rows.iter().all(|r| r.account_id == "619193117841"));
    // The API's response carries the same CSV base64-encoded in `Content`.
    let response: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("test_iam_user_unused_keys__iam.GetCredentialReport_2.json"))
            .unwrap(),
    )
    .unwrap();
    assert!(response.pointer("/data/Content").is_some());
}

/// The JSON of each `Output::` block in an AWS CLI documentation page.
fn rst_outputs(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "Output::" {
            continue;
        }
        let mut block = String::new();
        while let Some(l) = lines.peek() {
            if !l.is_empty() && !l.starts_with(' ') {
                break;
            }
            block.push_str(l);
            block.push('\n');
            lines.next();
        }
        out.push(block);
    }
    out
}

/// Loads evidence the way `--replay` does and returns (format, records, rejected).
fn replay(path: &Path) -> (String, usize, usize) {
    match rampart::source::replay::read_file(path) {
        Ok((format, batch)) => (
            format.label().to_string(),
            batch.records(),
            batch.rejected.len(),
        ),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn replay_loads_every_real_evidence_file() {
    let Some(root) = real("") else {
        return;
    };
    let mut loaded = Vec::new();
    // Whole files, as they were saved.
    for sub in [
        "asff/aws-solutions-asr-simdata",
        "cloudtrail/invictus-aws_dataset",
        "config/cloud-custodian",
    ] {
        for file in json_files(&root.join(sub)) {
            let (format, records, rejected) = replay(&file);
            assert!(records > 0, "{}: no records", file.display());
            assert_eq!(rejected, 0, "{}: records rejected", file.display());
            loaded.push(format);
        }
    }
    let report = root.join("credential_report");
    for name in [
        "test_iam_user_unused_keys__iam.GetCredentialReport_2.json",
        "test_iam_user_unused_keys_2.EXTRACTED.csv",
    ] {
        let (format, records, _) = replay(&report.join(name));
        assert_eq!(format, "IAM credential report");
        assert!(records > 1, "{name}");
    }
    // The recorded ReportNotPresent error is not evidence: it must say so, not crash.
    let err = rampart::source::replay::read_file(
        &report.join("test_iam_user_unused_keys__iam.GetCredentialReport_1__ReportNotPresent.json"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a recognised evidence format"));
    // The CLI documentation's example outputs, for the formats replay reads.
    let dir = tempfile::tempdir().unwrap();
    for (page, format) in [
        (
            "access_analyzer/accessanalyzer__list-findings.rst",
            "Access Analyzer findings",
        ),
        (
            "access_analyzer/accessanalyzer__list-findings-v2.rst",
            "Access Analyzer findings",
        ),
        (
            "access_analyzer/accessanalyzer__get-finding.rst",
            "Access Analyzer findings",
        ),
        (
            "access_analyzer/accessanalyzer__get-finding-v2.rst",
            "Access Analyzer findings",
        ),
        (
            "cloudtrail/cloudtrail__lookup-events.rst",
            "CloudTrail lookup-events output",
        ),
        (
            "guardduty/guardduty__get-findings.rst",
            "GuardDuty get-findings output",
        ),
        (
            "config/aws-cli-examples/configservice__get-compliance-details-by-config-rule.rst",
            "AWS Config evaluation results",
        ),
    ] {
        let outputs = rst_outputs(&root.join(page));
        assert!(!outputs.is_empty(), "{page}: no Output block");
        for (i, json) in outputs.iter().enumerate() {
            let file = dir.path().join(format!("{i}.json"));
            std::fs::write(&file, json).unwrap();
            let (got, records, rejected) = replay(&file);
            assert_eq!(got, format, "{page} block {i}");
            assert!(
                records > 0 && rejected == 0,
                "{page} block {i}: {records} records, {rejected} rejected"
            );
        }
    }
    assert!(loaded
        .iter()
        .any(|f| f == "EventBridge Security Hub Findings - Imported"));
    assert!(loaded.iter().any(|f| f == "CloudTrail log file"));
}
