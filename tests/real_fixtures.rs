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
