use super::formats::EvidenceError;
use super::read::{DeserializeDocument, Document};
use super::*;
use crate::model::clock::fixed_now;
use base64::Engine;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

fn asff(id: &str) -> Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": id,
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": "security-control/S3.8", "AwsAccountId": "111122223333",
        "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-11-01T00:00:00Z",
        "UpdatedAt": "2026-11-20T00:00:00Z", "Severity": {"Label": "HIGH"},
        "Title": "S3 general purpose buckets should block public access", "Region": "us-east-1",
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::logs"}],
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE"
    })
}

fn trail(id: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.08", "eventTime": "2026-11-20T10:00:00Z", "eventSource": "cloudtrail.amazonaws.com",
        "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory",
                         "accountId": "111122223333", "userName": "mallory"},
        "eventID": id, "recipientAccountId": "111122223333", "eventType": "AwsApiCall"
    })
}

const CSV: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::111122223333:user/alice,2021-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2021-01-01T00:00:00+00:00,N/A,false,true,2021-01-01T00:00:00+00:00,2026-11-20T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read_one(dir: &Path, name: &str, bytes: &[u8]) -> Result<(Format, Batch), EvidenceError> {
    read_file(&write(dir, name, bytes))
}

#[test]
fn every_format_is_recognised_by_its_shape() {
    let d = tempfile::tempdir().unwrap();
    let d = d.path();
    let b64 = base64::engine::general_purpose::STANDARD.encode(CSV);
    let cases: Vec<(&str, Vec<u8>, Format, usize)> = vec![
        ("a", json!({"Findings": [asff("f1"), asff("f2")]}).to_string().into_bytes(), Format::SecurityHubFindings, 2),
        ("b", json!([asff("f1")]).to_string().into_bytes(), Format::AsffArray, 1),
        ("c", asff("f1").to_string().into_bytes(), Format::AsffFinding, 1),
        ("d", json!({"detail-type": "Security Hub Findings - Imported", "source": "aws.securityhub",
                     "detail": {"findings": [asff("f1"), asff("f2")]}}).to_string().into_bytes(),
            Format::EventBridgeFindings, 2),
        ("e", json!([{"detail-type": "Security Hub Findings - Imported", "detail": {"findings": [asff("f3")]}}])
            .to_string().into_bytes(), Format::EventBridgeFindings, 1),
        ("f", json!({"Records": [trail("e1", "StopLogging"), trail("e2", "ListBuckets")]}).to_string().into_bytes(),
            Format::CloudTrailLog, 2),
        ("g.json.gz", gz(json!({"Records": [trail("e1", "StopLogging")]}).to_string().as_bytes()),
            Format::CloudTrailLog, 1),
        ("h", serde_json::to_vec_pretty(&json!({"Records": [trail("e1", "StopLogging")]})).unwrap(),
            Format::CloudTrailLog, 1),
        ("i", json!({"Events": [{"EventId": "e1", "CloudTrailEvent": trail("e1", "DeleteTrail").to_string()}]})
            .to_string().into_bytes(), Format::LookupEvents, 1),
        ("j.csv", CSV.as_bytes().to_vec(), Format::CredentialReport, 2),
        ("k.txt", b64.clone().into_bytes(), Format::CredentialReport, 2),
        ("l", json!({"Content": b64, "ReportFormat": "text/csv", "GeneratedTime": "2026-11-21T00:00:00Z"})
            .to_string().into_bytes(), Format::CredentialReport, 2),
        ("m", json!({"findings": [{"id": "x", "resourceType": "AWS::S3::Bucket", "isPublic": true,
            "principal": {"AWS": "*"}, "resource": "arn:aws:s3:::site", "resourceOwnerAccount": "111122223333"}]})
            .to_string().into_bytes(), Format::AccessAnalyzer, 1),
        ("n", json!({"finding": {"id": "y", "resourceType": "AWS::KMS::Key", "isPublic": false,
            "principal": {"AWS": "444455556666"}, "resource": "arn:aws:kms:us-east-1:111122223333:key/k",
            "resourceOwnerAccount": "111122223333"}}).to_string().into_bytes(), Format::AccessAnalyzer, 1),
        ("o", json!({"EvaluationResults": [{"EvaluationResultIdentifier": {"EvaluationResultQualifier":
            {"ConfigRuleName": "s3-public", "ResourceType": "AWS::S3::Bucket", "ResourceId": "site"}},
            "ComplianceType": "NON_COMPLIANT", "ResultRecordedTime": 1450314645.261}]}).to_string().into_bytes(),
            Format::ConfigEvaluations, 1),
        ("p", json!({"Findings": [{"Arn": "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/g",
            "Id": "g", "AccountId": "111122223333", "Region": "us-east-1", "Severity": 8,
            "Type": "CryptoCurrency:EC2/BitcoinTool.B!DNS", "UpdatedAt": "2026-11-20T00:00:00Z",
            "Resource": {"ResourceType": "Instance", "InstanceDetails": {"InstanceId": "i-1"}}}]})
            .to_string().into_bytes(), Format::GuardDuty, 1),
        ("q", json!({"status_code": 200, "data": {"Content": CSV}}).to_string().into_bytes(),
            Format::CredentialReport, 2),
        ("r", json!({"Findings": [{"class_uid": 2004, "severity_id": 3,
            "finding_info": {"uid": "o-1", "title": "t", "modified_time_dt": "2026-11-20T00:00:00Z"},
            "cloud": {"account": {"uid": "111122223333"}, "region": "us-east-1"},
            "metadata": {"product": {"name": "GuardDuty"}}}]}).to_string().into_bytes(),
            Format::OcsfFindings, 1),
    ];
    for (name, bytes, format, records) in cases {
        let (f, b) = read_one(d, name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(f, format, "{name}");
        assert_eq!(b.records(), records, "{name}");
        assert!(b.rejected.is_empty(), "{name}: {:?}", b.rejected);
    }
}

#[test]
fn broken_and_unknown_files_say_where_and_what_was_expected() {
    let d = tempfile::tempdir().unwrap();
    let d = d.path();
    let e = read_one(d, "broken.json", b"{\n  \"Findings\": [\n    {\"Id\": }\n").unwrap_err();
    assert!(e.to_string().starts_with("line 3, column 12"), "{e}");
    let e = read_one(d, "other.json", br#"{"hello": "world"}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("not a recognised evidence format; expected Security Hub"),
        "{e}"
    );
    let e = read_one(d, "notes.txt", b"just some notes").unwrap_err();
    assert!(matches!(e, EvidenceError::NotRecognised));
    // One bad record is named by its position; the others load.
    let mut bad = asff("f9");
    bad.as_object_mut().unwrap().remove("AwsAccountId");
    let (_, b) = read_one(
        d,
        "mixed.json",
        json!({"Findings": [asff("f1"), bad]})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(b.findings.len(), 1);
    assert_eq!(b.rejected.len(), 1);
    assert!(
        b.rejected[0].starts_with("finding 2: field `AwsAccountId`"),
        "{:?}",
        b.rejected
    );
}

#[test]
fn a_truncated_gzip_log_keeps_the_records_before_the_cut() {
    let d = tempfile::tempdir().unwrap();
    let records: Vec<Value> = (0..200)
        .map(|i| trail(&format!("e{i}"), "ListBuckets"))
        .collect();
    let full = gz(json!({"Records": records}).to_string().as_bytes());
    let cut = &full[..full.len() * 2 / 3];
    let (f, b) = read_one(d.path(), "cut.json.gz", cut).unwrap();
    assert_eq!(f, Format::CloudTrailLog);
    assert!(
        b.events.len() > 50 && b.events.len() < 200,
        "{}",
        b.events.len()
    );
    assert_eq!(b.rejected.len(), 1);
    assert!(
        b.rejected[0].starts_with("the rest of the file:"),
        "{:?}",
        b.rejected
    );
}

#[test]
fn directories_load_in_name_order_with_a_report_per_file() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(
        root,
        "b/2.json",
        json!({"Records": [trail("e2", "ConsoleLogin")]})
            .to_string()
            .as_bytes(),
    );
    write(
        root,
        "a/1.json.gz",
        &gz(json!({"Records": [trail("e1", "StopLogging")]})
            .to_string()
            .as_bytes()),
    );
    write(
        root,
        "a/x_CloudTrail-Digest_1.json.gz",
        &gz(b"{\"awsAccountId\": \"1\"}"),
    );
    write(root, "c.txt", b"not evidence");
    let (store, reports) = load_store(
        &[root.to_path_buf()],
        fixed_now(),
        &ReplayOptions::default(),
    );
    let names: Vec<&str> = reports
        .iter()
        .map(|r| r.path.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "1.json.gz",
            "x_CloudTrail-Digest_1.json.gz",
            "2.json",
            "c.txt"
        ]
    );
    assert_eq!(store.events.len(), 2);
    assert!(reports[3].failed() && !reports[0].failed() && !reports[1].failed());
    let e1 = store
        .events
        .items()
        .iter()
        .find(|e| e.event_id == "e1")
        .unwrap();
    assert_eq!(e1.detections, vec!["cloudtrail-stopped"]);
    let failed = &store.sources[&file_key(&reports[3].path)];
    assert_eq!(failed.status, Status::Failed);
    assert_eq!(
        store.sources[&SourceKey::service("replay")].status,
        Status::Ok
    );
    let text = summary(&reports);
    assert!(
        text.contains("1.json.gz: 1 records (CloudTrail log file)"),
        "{text}"
    );
    assert!(text.contains("skipped (CloudTrail digest file)"), "{text}");
    // A path that does not exist is reported, not fatal.
    let (_, reports) = load_store(
        &[root.join("missing")],
        fixed_now(),
        &ReplayOptions::default(),
    );
    assert!(reports[0]
        .error
        .as_deref()
        .unwrap()
        .starts_with("cannot read:"));
}

#[test]
fn export_replay_export_round_trips() {
    use crate::source::demo::{generate, initial_updates, DemoOptions};
    let opts = DemoOptions::new(42, Some(600), fixed_now());
    let mut store = crate::store::Store::new();
    for u in initial_updates(generate(&opts), fixed_now()) {
        store.apply(u);
    }
    let first = crate::export::json::document(&store, fixed_now());
    let d = tempfile::tempdir().unwrap();
    let path = write(
        d.path(),
        "export.json",
        &crate::export::json::to_bytes(&store, fixed_now()),
    );
    let (again, reports) = load_store(&[path], fixed_now(), &ReplayOptions::default());
    assert_eq!(reports[0].format, Some(Format::RampartExport));
    assert!(!reports[0].failed(), "{:?}", reports[0].error);
    let second = crate::export::json::document(&again, fixed_now());
    for part in [
        "findings",
        "credentials",
        "exposures",
        "compliance",
        "events",
        "standing_access",
        "wa_answers",
    ] {
        assert_eq!(
            first[part].as_array().map(Vec::len),
            second[part].as_array().map(Vec::len),
            "{part}"
        );
        assert!(
            first[part] == second[part],
            "{part} differs after a round trip"
        );
    }
}

#[test]
fn parallel_work_comes_back_in_order_and_stops_when_asked() {
    let mut seen = Vec::new();
    in_order(
        (0..50u64).collect(),
        |i| {
            // Later items finish first.
            std::thread::sleep(std::time::Duration::from_micros(500 * (50 - i) % 7));
            i * 2
        },
        |r| {
            seen.push(r);
            true
        },
    );
    assert_eq!(seen, (0..50u64).map(|i| i * 2).collect::<Vec<_>>());
    let mut taken = 0;
    in_order(
        (0..1000u64).collect(),
        |i| i,
        |_| {
            taken += 1;
            taken < 3
        },
    );
    assert_eq!(taken, 3);
    // A panicking item stops the run instead of leaving the others waiting for it.
    let mut seen = Vec::new();
    in_order(
        (0..40u64).collect(),
        |i| {
            assert!(i != 5, "item 5 breaks");
            i
        },
        |r| {
            seen.push(r);
            true
        },
    );
    assert_eq!(seen, (0..5).collect::<Vec<_>>());
}

#[test]
fn an_empty_folder_is_a_failed_replay_not_a_hang() {
    let d = tempfile::tempdir().unwrap();
    let (store, reports) = load_store(
        &[d.path().to_path_buf()],
        fixed_now(),
        &ReplayOptions::default(),
    );
    assert!(reports.is_empty());
    let h = &store.sources[&SourceKey::service("replay")];
    assert_eq!(h.status, Status::Failed);
    assert_eq!(
        h.error.as_deref(),
        Some("no files found under the given paths")
    );
}

#[test]
fn an_export_streams_row_by_row_and_a_cut_file_keeps_the_rows_before_the_cut() {
    let now = fixed_now();
    let mut store = crate::store::Store::new();
    let org =
        crate::source::demo::generate(&crate::source::demo::DemoOptions::new(3, Some(400), now));
    for u in crate::source::demo::initial_updates(org, now) {
        store.apply(u);
    }
    let mut bytes = Vec::new();
    crate::export::json::write_document(&store, now, &[], &mut bytes).unwrap();
    // From a reader, as files over the in-memory limit are read.
    let mut doc = Document::default();
    serde_json::Deserializer::from_reader(&bytes[..])
        .deserialize_document(&mut doc)
        .unwrap();
    let b = export_in::finish(doc.batch, doc.rest).unwrap();
    assert_eq!(b.findings.len(), store.findings.len());
    assert_eq!(b.events.len(), store.events.len());
    assert_eq!(b.credentials.len(), store.credentials.len());
    // Rows derived from Security Hub controls come back from the findings, not the file.
    let analyzer = store.exposures.items().iter().filter(|e| !e.is_control());
    assert_eq!(b.exposures.len(), analyzer.count());

    let d = tempfile::tempdir().unwrap();
    let cut = d.path().join("cut.json");
    std::fs::write(&cut, &bytes[..bytes.len() / 4]).unwrap();
    let (format, b) = read_file(&cut).unwrap();
    assert_eq!(format, Format::RampartExport);
    assert!(b.findings.len() > 10 && b.findings.len() < store.findings.len());
    assert!(
        b.rejected
            .iter()
            .any(|r| r.starts_with("the rest of the file: line")),
        "{:?}",
        b.rejected
    );
}

/// An AssumeRole from an account that is a recipient in another file of the evidence is
/// inside the organization; one from an account nowhere in the evidence is outside.
#[test]
fn assume_role_from_outside_is_judged_over_all_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let assume = |id: &str, caller: &str| {
        json!({
            "eventVersion": "1.08", "eventTime": "2026-11-20T10:00:00Z", "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRole", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
            "userIdentity": {"type": "AWSAccount", "principalId": "AIDAX:x", "accountId": caller},
            "requestParameters": {"roleArn": "arn:aws:iam::111122223333:role/ops", "roleSessionName": "x"},
            "eventID": id, "recipientAccountId": "111122223333", "eventType": "AwsApiCall"
        })
    };
    let mut other = trail("in-other-account", "ListUsers");
    other["recipientAccountId"] = json!("444455556666");
    write(
        dir.path(),
        "a.json",
        json!({"Records": [assume("from-sibling", "444455556666"), assume("from-stranger", "999988887777")]})
            .to_string()
            .as_bytes(),
    );
    write(
        dir.path(),
        "b.json",
        json!({"Records": [other]}).to_string().as_bytes(),
    );
    let (store, _) = load_store(
        &[dir.path().to_path_buf()],
        fixed_now(),
        &ReplayOptions::default(),
    );
    let fired = |id: &str| {
        let e = store
            .events
            .items()
            .iter()
            .find(|e| e.event_id == id)
            .unwrap();
        e.detections.iter().any(|d| d == "assume-role-from-outside")
    };
    assert!(!fired("from-sibling"), "444455556666 is in the evidence");
    assert!(fired("from-stranger"));
}

/// Hardening 5: a symbolic link loop is walked once and named; a FIFO is never opened.
#[test]
#[cfg(unix)]
fn hardening_05_link_loops_and_fifos_do_not_hang_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("logs")).unwrap();
    std::fs::write(
        root.join("logs/a.json"),
        trail_log(&[trail("e1", "ListBuckets")]),
    )
    .unwrap();
    std::os::unix::fs::symlink(root, root.join("logs/back-to-root")).unwrap();
    std::os::unix::fs::symlink(root.join("logs"), root.join("logs/self")).unwrap();
    let fifo = root.join("logs/pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let found = files(&[root.to_path_buf()]);
    let ok: Vec<_> = found.iter().filter_map(|f| f.as_ref().ok()).collect();
    assert_eq!(ok.len(), 1, "{found:?}");
    let skipped: Vec<String> = found
        .iter()
        .filter_map(|f| f.as_ref().err())
        .filter_map(|r| r.error.clone())
        .collect();
    assert!(
        skipped.iter().any(|e| e.contains("not a regular file")),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(|e| e.contains("already walked")),
        "{skipped:?}"
    );
    // And the whole load finishes.
    let (store, _) = load_store(
        &[root.to_path_buf()],
        fixed_now(),
        &ReplayOptions::default(),
    );
    assert_eq!(store.events.len(), 1);
}

/// Hardening 5: a small gzip that grows to a huge document of bad records stops at the
/// byte limit, keeps a count and the first few rejections, and names the limit.
#[test]
fn hardening_05_a_gzip_bomb_stops_at_the_limit_with_a_count_of_rejections() {
    use flate2::write::GzEncoder;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.json.gz");
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"{\"Records\":[").unwrap();
    let chunk = "1,".repeat(1 << 16);
    for _ in 0..64 {
        gz.write_all(chunk.as_bytes()).unwrap();
    }
    gz.write_all(b"1]}").unwrap();
    let bytes = gz.finish().unwrap();
    assert!(bytes.len() < 1 << 20, "a small file: {} bytes", bytes.len());
    std::fs::write(&path, bytes).unwrap();
    let limits = Limits {
        max_bytes: 1 << 20,
        max_records: 1_000,
    };
    let (_, b) = read_file_within(&path, &limits).unwrap();
    assert_eq!(b.records(), 0);
    assert!(b.rejected.len() > 100_000, "{}", b.rejected.len());
    assert_eq!(b.rejected.iter().count(), super::formats::NAMED_REJECTIONS);
    assert!(
        b.stopped.as_deref().unwrap().contains("max_file_mb"),
        "{:?}",
        b.stopped
    );
    // Through the loader, the report names the limit and the count.
    let options = ReplayOptions {
        limits,
        ..ReplayOptions::default()
    };
    let (_, reports) = load_store(&[path], fixed_now(), &options);
    let e = reports[0].error.as_deref().unwrap();
    assert!(e.contains("stopped at 1 MiB ([replay] max_file_mb)"), "{e}");
    assert!(e.contains("records rejected"), "{e}");
}

/// Hardening 5: a file with more records than the limit keeps the first ones and says so.
#[test]
fn hardening_05_records_per_file_are_capped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.json");
    let records: Vec<Value> = (0..100)
        .map(|i| trail(&format!("e{i}"), "ListBuckets"))
        .collect();
    std::fs::write(&path, trail_log(&records)).unwrap();
    let limits = Limits {
        max_records: 10,
        ..Limits::default()
    };
    let (_, b) = read_file_within(&path, &limits).unwrap();
    assert_eq!(b.events.len(), 10);
    assert!(b.rejected.is_empty());
    assert!(
        b.stopped
            .as_deref()
            .unwrap()
            .contains("max_records_per_file"),
        "{:?}",
        b.stopped
    );
    // Exactly at the limit is not "stopped".
    let limits = Limits {
        max_records: 100,
        ..Limits::default()
    };
    let (_, b) = read_file_within(&path, &limits).unwrap();
    assert_eq!((b.events.len(), b.stopped), (100, None));
}

/// A CloudTrail delivery of these records.
fn trail_log(records: &[Value]) -> Vec<u8> {
    json!({ "Records": records }).to_string().into_bytes()
}

/// A burst split over two delivery files (S3 writes one every five minutes) is one burst:
/// three failed sign-ins in one file and two in the next, within ten minutes, are five.
#[test]
fn a_burst_split_over_two_files_is_seen_whole() {
    let dir = tempfile::tempdir().unwrap();
    let failed = |i: u32| {
        let mut v = trail(&format!("login-{i}"), "ConsoleLogin");
        v["eventSource"] = json!("signin.amazonaws.com");
        v["eventType"] = json!("AwsConsoleSignIn");
        v["eventTime"] = json!(format!("2026-11-20T10:0{i}:00Z"));
        v["sourceIPAddress"] = json!("203.0.113.50");
        v["errorMessage"] = json!("Failed authentication");
        v["responseElements"] = json!({"ConsoleLogin": "Failure"});
        v
    };
    write(
        dir.path(),
        "a.json",
        &trail_log(&[failed(0), failed(1), failed(2)]),
    );
    write(dir.path(), "b.json", &trail_log(&[failed(5), failed(7)]));
    let (store, _) = load_store(
        &[dir.path().to_path_buf()],
        fixed_now(),
        &ReplayOptions::default(),
    );
    let marked = store
        .events
        .items()
        .iter()
        .filter(|e| e.detections.iter().any(|d| d == "console-login-failures"))
        .count();
    assert_eq!(marked, 5, "neither file alone has five");
    // Four, across the same two files, are not a burst.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.json", &trail_log(&[failed(0), failed(1)]));
    write(dir.path(), "b.json", &trail_log(&[failed(5), failed(7)]));
    let (store, _) = load_store(
        &[dir.path().to_path_buf()],
        fixed_now(),
        &ReplayOptions::default(),
    );
    assert!(store.events.items().iter().all(|e| e.detections.is_empty()));
}

mod pillar;
