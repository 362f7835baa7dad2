//! Property tests over every parser of external input: ASFF, OCSF and native GuardDuty
//! findings, CloudTrail records and files, the credential report CSV, Access Analyzer and
//! Config outputs, replayed evidence and exports, the filter language, the config file and
//! runbooks. Inputs are real-shaped records with hostile mutations (bytes flipped, cut,
//! duplicated; escape sequences, NULs, bidi overrides, invalid UTF-8, huge numbers spliced
//! in) and arbitrary JSON trees. The property: no panic, and an error is an error value.
//!
//! `.ci/run` runs the default 256 cases per property; a longer run is
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz_parsers`. A failing case is kept
//! by proptest in `tests/fuzz_parsers.proptest-regressions` and replayed first next time:
//! commit it with the fix.

use proptest::prelude::*;
use rampart::model::{access_analyzer, asff, cloudtrail, config_rules, credential_report};
use rampart::model::{guardduty, ocsf};
use serde_json::{json, Value};
use std::path::Path;

fn now() -> chrono::DateTime<chrono::Utc> {
    rampart::model::clock::parse_rfc3339("2026-11-22T12:00:00Z").unwrap()
}

/// Real-shaped seeds, built by the demo's generators (the same shapes AWS emits).
fn seeds() -> Vec<Vec<u8>> {
    use rampart::source::simulated::{activity, findings};
    let mut out: Vec<Vec<u8>> = (0..4)
        .map(|i| serde_json::to_vec(&findings::asff_value(7, i, now())).unwrap())
        .collect();
    let records: Vec<Value> = activity::suspicious(7, now());
    out.push(serde_json::to_vec(&records[0]).unwrap());
    out.push(serde_json::to_vec(&json!({ "Records": records })).unwrap());
    out.push(
        b"user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\nalice,arn:aws:iam::111111111111:user/alice,2021-03-04T05:06:07+00:00,TRUE,no_information,2024-01-01T00:00:00+00:00,N/A,FALSE,true,2023-02-02T00:00:00+00:00,2026-11-20T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n".to_vec(),
    );
    out.push(
        serde_json::to_vec(&json!({
            "id": "f-1", "status": "ACTIVE", "findingType": "ExternalAccess",
            "resource": "arn:aws:s3:::public-site", "resourceType": "AWS::S3::Bucket",
            "resourceOwnerAccount": "111111111111", "createdAt": "2026-11-20T00:00:00Z",
            "updatedAt": "2026-11-21T00:00:00Z", "analyzedAt": "2026-11-21T00:00:00Z",
            "findingDetails": [{"externalAccessDetails": {"action": ["s3:GetObject"],
                "condition": {}, "isPublic": true, "principal": {"AWS": "*"}}}]
        }))
        .unwrap(),
    );
    out.push(
        serde_json::to_vec(&json!({
            "EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": "s3-bucket-public-read-prohibited",
                "ResourceType": "AWS::S3::Bucket", "ResourceId": "public-site"}},
            "ComplianceType": "NON_COMPLIANT", "ResultRecordedTime": "2026-11-21T00:00:00Z",
            "ConfigRuleInvokedTime": "2026-11-21T00:00:00Z", "Annotation": "public"
        }))
        .unwrap(),
    );
    out
}

const HOSTILE: &[&[u8]] = &[
    b"\x1b[2J\x1b]0;pwned\x07",
    b"\x1b]52;c;ZWNobyBoaQ==\x07",
    b"\x00",
    b"\xff\xfe\xc3\x28",
    "\u{202e}\u{200b}".as_bytes(),
    b"\"",
    b"{",
    b"]",
    b"\\u0000\\ud800",
    b"99999999999999999999999999",
    b"-1e400",
    b"null",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

/// A seed with up to eight mutations.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    (
        0..seeds.len(),
        prop::collection::vec((any::<usize>(), 0u8..6, any::<usize>()), 0..8),
    )
        .prop_map(move |(which, ops)| {
            let mut b = seeds[which].clone();
            for (at, op, arg) in ops {
                let len = b.len().max(1);
                let i = at % len;
                match op {
                    0 if !b.is_empty() => b[i] ^= (arg as u8) | 1,
                    1 => {
                        let end = (i + arg % 64).min(b.len());
                        b.drain(i.min(end)..end);
                    }
                    2 => {
                        let s = HOSTILE[arg % HOSTILE.len()];
                        let i = i.min(b.len());
                        b.splice(i..i, s.iter().copied());
                    }
                    3 => b.truncate(i),
                    4 => {
                        let end = (i + arg % 128).min(b.len());
                        let piece = b[i.min(end)..end].to_vec();
                        b.splice(end..end, piece);
                    }
                    _ => {
                        if let Some(d) = b.iter().position(|c| c.is_ascii_digit()) {
                            b[d] = b'0' + (arg % 10) as u8;
                        }
                    }
                }
            }
            b
        })
}

/// Arbitrary JSON trees, with keys the parsers look for among random ones.
fn arb_json() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "Id",
        "ProductArn",
        "AwsAccountId",
        "Title",
        "Types",
        "Severity",
        "Label",
        "Resources",
        "UpdatedAt",
        "eventID",
        "eventTime",
        "eventName",
        "userIdentity",
        "requestParameters",
        "Records",
        "findings",
        "schema_version",
        "id",
        "status",
        "resource",
        "finding_info",
        "metadata",
        "type",
        "accountId",
        "service",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,24}".prop_map(Value::String),
        Just(json!("2026-11-22T12:00:00Z")),
        Just(json!("\u{1b}[31mred\u{202e}")),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #[test]
    fn finding_and_event_bytes_never_panic(bytes in mutated()) {
        let _ = asff::parse_bytes(&bytes);
        let _ = ocsf::parse_bytes(&bytes);
        let _ = cloudtrail::parse_bytes(&bytes);
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            let _ = guardduty::parse_value(&v);
            let _ = access_analyzer::parse_value(&v, Some("us-east-1"));
            let _ = config_rules::parse_evaluation(&v);
        }
    }

    #[test]
    fn credential_reports_never_panic(bytes in mutated()) {
        let _ = credential_report::parse(&bytes);
    }

    #[test]
    fn evidence_files_never_panic(bytes in mutated()) {
        let _ = rampart::source::replay::formats::read(&bytes);
    }

    #[test]
    fn json_trees_never_panic(v in arb_json()) {
        let _ = asff::parse_value(&v);
        let _ = ocsf::parse_value(&v);
        let _ = guardduty::parse_value(&v);
        let _ = cloudtrail::parse_record(&v);
        let _ = access_analyzer::parse_value(&v, None);
        let _ = config_rules::parse_evaluation(&v);
        let _ = rampart::source::replay::formats::from_value(&v);
        let _ = rampart::source::replay::export_in::read(&v);
    }

    #[test]
    fn the_filter_language_never_panics(
        words in prop::collection::vec(prop_oneof![
            "[a-z:<>=!\"' -]{0,12}",
            Just("sev>=high".to_string()),
            Just("age<2d".to_string()),
            Just("acct:\"prod".to_string()),
            Just("!-!".to_string()),
            ".{0,8}",
        ], 0..6)
    ) {
        let text = words.join(" ");
        use rampart::store::fields;
        for f in [fields::FINDING_FIELDS, fields::CREDENTIAL_FIELDS, fields::EXPOSURE_FIELDS,
                  fields::COMPLIANCE_FIELDS, fields::EVENT_FIELDS] {
            if let Err(e) = rampart::store::query::TextQuery::parse_for(&text, f) {
                // An error says where: its column is inside the text (or just past it).
                prop_assert!(e.to_string().len() < 400);
            }
        }
    }

    #[test]
    fn config_files_never_panic(bytes in mutated(), cut in 0usize..6000, insert in ".{0,16}") {
        let example = include_str!("../config.example.toml");
        let mut cut = cut.min(example.len());
        while !example.is_char_boundary(cut) {
            cut -= 1;
        }
        let mut text = example[..cut].to_string();
        text.push_str(&insert);
        text.push_str(&String::from_utf8_lossy(&bytes[..bytes.len().min(64)]));
        if let Err(e) = rampart::config::parse_str(&text, Path::new("fuzz.toml"), &rampart::app::pane::vocabulary()) {
            prop_assert!(e.to_string().starts_with("fuzz.toml"), "{}", e);
        }
    }

    #[test]
    fn runbooks_never_panic(which in 0usize..16, ops in prop::collection::vec((any::<usize>(), ".{0,12}"), 0..6)) {
        let lib = rampart::drill::runbook::Library::builtin();
        let rb = &lib.all()[which % lib.all().len()];
        let mut text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks").join(format!("{}.md", rb.id)),
        )
        .unwrap();
        for (at, s) in ops {
            let mut i = at % (text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, &s);
        }
        if let Err(e) = rampart::drill::runbook::parse(&text, "fuzz.md", &rb.id) {
            prop_assert!(e.to_string().starts_with("fuzz.md:"), "{}", e);
        }
    }
}
