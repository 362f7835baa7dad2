//! Evidence as it arrives in practice: CloudTrail records as SIEMs, CloudWatch Logs,
//! CloudTrail Lake and detonation tools export them, and records with one odd field.
//! The records are those of the invictus-aws dataset (a Stratus Red Team run), trimmed.

use super::formats::{EvidenceError, Format};
use super::*;
use crate::model::clock::{fixed_now, format_rfc3339};
use serde_json::{json, Value};
use std::path::Path;

const GET_CALLER_IDENTITY: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5AU2ZV3IE","arn":"arn:aws:iam::123837392027:user/bert-jan","accountId":"123837392027","accessKeyId":"AKIATFQR7NSC8Q4X20BJ","userName":"bert-jan"},"eventTime":"2023-07-10T11:54:38Z","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","awsRegion":"us-east-1","sourceIPAddress":"192.168.10.20","userAgent":"aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) stratus-red-team_39f95f43","requestParameters":null,"responseElements":null,"requestID":"32171ab8-c4ab-42e0-af37-4536b0bed016","eventID":"c51ec284-c59d-4e86-8dc2-a81867b807be","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management"}"#;

const CONSOLE_LOGIN: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSCYG26CT6RI","arn":"arn:aws:iam::123837392027:user/stratus-red-team-nmfalu-gfjyeaypjt","accountId":"123837392027","userName":"stratus-red-team-nmfalu-gfjyeaypjt"},"eventTime":"2023-07-10T12:23:15Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.168.10.20","userAgent":"stratus-red-team_01190e38-873e-4cc4-aede-7ceb7ffc2a4a","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"No"},"eventID":"70e5932e-9022-4b38-837e-ca10dad94eb7","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management"}"#;

const CREATE_ACCESS_KEY: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5AU2ZV3IE","arn":"arn:aws:iam::123837392027:user/bert-jan","accountId":"123837392027","accessKeyId":"AKIATFQR7NSC8Q4X20BJ","userName":"bert-jan"},"eventTime":"2023-07-10T12:24:29Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"192.168.10.20","userAgent":"stratus-red-team_61e3765a-ab18-4da8-b5ac-4ec10986ed4b","requestParameters":{"userName":"stratus-red-team-backdoor-u-user"},"responseElements":{"accessKey":{"accessKeyId":"AKIATFQR7NSC3ZO6PKAZ","status":"Active","userName":"stratus-red-team-backdoor-u-user","createDate":"Jul 10, 2023 12:24:29 PM"}},"requestID":"6e516ef1-9cd8-47ad-b467-3f672af5d137","eventID":"64b7de64-bf53-47ae-b7e3-d30cb1b5136e","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management"}"#;

const ATTACH_ADMIN: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5AU2ZV3IE","arn":"arn:aws:iam::123837392027:user/bert-jan","accountId":"123837392027","accessKeyId":"AKIATFQR7NSC8Q4X20BJ","userName":"bert-jan"},"eventTime":"2023-07-10T12:24:49Z","eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy","awsRegion":"us-east-1","sourceIPAddress":"192.168.10.20","userAgent":"stratus-red-team_e1bd4d05-8971-4500-b6af-3e05539b163c","requestParameters":{"userName":"malicious-iam-user","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"},"responseElements":null,"requestID":"b6a802c5-01c3-419a-9658-ecea2f3ef0b3","eventID":"f4923a37-92d5-4dfd-9786-6caef2b5f33c","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management"}"#;

/// The four records, in time order, with what the detections say of each.
const RECORDS: [(&str, &str, &str, Option<&str>); 4] = [
    (
        GET_CALLER_IDENTITY,
        "GetCallerIdentity",
        "2023-07-10T11:54:38Z",
        None,
    ),
    (
        CONSOLE_LOGIN,
        "ConsoleLogin",
        "2023-07-10T12:23:15Z",
        Some("console-login-without-mfa"),
    ),
    (
        CREATE_ACCESS_KEY,
        "CreateAccessKey",
        "2023-07-10T12:24:29Z",
        Some("access-key-created-for-other-user"),
    ),
    (
        ATTACH_ADMIN,
        "AttachUserPolicy",
        "2023-07-10T12:24:49Z",
        Some("admin-policy-attached"),
    ),
];

fn record(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// A record with some fields changed (`null` removes one).
fn with(text: &str, changes: Value) -> Value {
    let mut r = record(text);
    for (k, v) in changes.as_object().unwrap() {
        match v {
            Value::Null => r.as_object_mut().unwrap().remove(k),
            v => r.as_object_mut().unwrap().insert(k.clone(), v.clone()),
        };
    }
    r
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn read_text(name: &str, text: &str) -> Result<(Format, Batch), EvidenceError> {
    let d = tempfile::tempdir().unwrap();
    read_file(&write(d.path(), name, text.as_bytes()))
}

/// Names and times of the events read, in order.
fn seen(b: &Batch) -> Vec<(String, String)> {
    b.events
        .iter()
        .map(|e| (e.event_name.to_string(), format_rfc3339(e.event_time)))
        .collect()
}

fn expected() -> Vec<(String, String)> {
    RECORDS
        .iter()
        .map(|(_, name, time, _)| (name.to_string(), time.to_string()))
        .collect()
}

/// Loads a file through the whole replay (detections included) and checks that each of
/// the four records fired what it should.
fn detections_run(name: &str, text: &str) {
    let d = tempfile::tempdir().unwrap();
    let path = write(d.path(), name, text.as_bytes());
    let (store, reports) = load_store(&[path], fixed_now(), &ReplayOptions::default());
    assert!(!reports[0].failed(), "{:?}", reports[0].error);
    for (text, _, _, rule) in RECORDS {
        let id = record(text)["eventID"].as_str().unwrap().to_string();
        let e = store.events.items().iter().find(|e| e.event_id == id);
        let e = e.unwrap_or_else(|| panic!("{name}: {id} not loaded"));
        assert_eq!(
            e.detections.first().map(|d| d.as_str()),
            rule,
            "{name}: {id}"
        );
    }
}

#[test]
fn json_lines_of_records_load_line_by_line() {
    // `jq -c '.Records[]'`: one record a line, a blank line, Windows line ends.
    let text = format!(
        "{}\r\n\r\n{}\r\n{}\n\n{}\n",
        RECORDS[0].0, RECORDS[1].0, RECORDS[2].0, RECORDS[3].0
    );
    let (format, b) = read_text("trail.jsonl", &text).unwrap();
    assert_eq!(format, Format::JsonLines);
    assert_eq!(seen(&b), expected());
    assert!(b.rejected.is_empty(), "{:?}", b.rejected);
    detections_run("trail.jsonl", &text);
}

#[test]
fn a_broken_line_is_rejected_with_its_number_and_the_others_load() {
    let lines = [
        RECORDS[0].0.to_string(),
        RECORDS[1].0.to_string(),
        RECORDS[2].0[..200].to_string(),
        RECORDS[2].0.to_string(),
        RECORDS[3].0.to_string(),
    ];
    let (format, b) = read_text("siem.json", &lines.join("\n")).unwrap();
    assert_eq!(format, Format::JsonLines);
    assert_eq!(seen(&b), expected());
    assert_eq!(b.rejected.len(), 1);
    assert!(
        b.rejected[0].starts_with("line 3: invalid JSON: EOF while parsing"),
        "{:?}",
        b.rejected
    );
    // Through the loader, the report names the file's line.
    let d = tempfile::tempdir().unwrap();
    let path = write(d.path(), "siem.json", lines.join("\n").as_bytes());
    let (_, reports) = load_store(&[path], fixed_now(), &ReplayOptions::default());
    let e = reports[0].error.as_deref().unwrap();
    assert!(
        e.starts_with("1 of 5 records rejected: line 3: invalid JSON"),
        "{e}"
    );
    assert_eq!(reports[0].records, 4);
    // A broken first line too: the file is still read as lines.
    let first_broken = format!("{{\"eventVersion\": \n{}\n{}", RECORDS[0].0, RECORDS[1].0);
    let (format, b) = read_text("first.json", &first_broken).unwrap();
    assert_eq!((format, b.events.len()), (Format::JsonLines, 2));
    assert!(
        b.rejected[0].starts_with("line 1: invalid JSON"),
        "{:?}",
        b.rejected
    );
}

#[test]
fn a_line_names_the_field_it_cannot_use() {
    let bad_time = with(
        GET_CALLER_IDENTITY,
        json!({"eventTime": "2024-13-45 99:99:99"}),
    );
    let no_name = with(CONSOLE_LOGIN, json!({"eventName": null}));
    let text = format!("{bad_time}\n{no_name}\n[1, 2]\nhello\n{CREATE_ACCESS_KEY}\n");
    let (_, b) = read_text("odd.jsonl", &text).unwrap();
    assert_eq!(b.events.len(), 1);
    let rejected: Vec<&str> = b.rejected.iter().map(String::as_str).collect();
    assert_eq!(
        rejected,
        [
            "line 1: field `eventTime`: found \"2024-13-45 99:99:99\", expected a time such as \
             2024-01-15T10:30:00Z, 2024-01-15 10:30:00 (UTC) or epoch seconds",
            "line 2: field `eventName` is missing or malformed",
            "line 3: expected a JSON object, or a time then a JSON object (a CloudWatch Logs export line)",
            "line 4: expected a JSON object, or a time then a JSON object (a CloudWatch Logs export line)",
        ]
    );
}

#[test]
fn a_record_without_an_event_id_loads_with_a_stable_id() {
    let no_id = with(ATTACH_ADMIN, json!({"eventID": null}));
    let text = format!("{GET_CALLER_IDENTITY}\n{no_id}\n");
    let (_, first) = read_text("a.jsonl", &text).unwrap();
    let (_, again) = read_text("b.jsonl", &text).unwrap();
    assert_eq!(first.events.len(), 2);
    let id = &first.events[1].event_id;
    assert!(id.starts_with("rampart-"), "{id}");
    assert_eq!(id, &again.events[1].event_id);
    // The same record in another shape of file has the same id.
    let (_, array) = read_text("c.json", &json!([no_id]).to_string()).unwrap();
    assert_eq!(id, &array.events[0].event_id);
    // And its detections still run.
    let d = tempfile::tempdir().unwrap();
    let path = write(d.path(), "a.jsonl", text.as_bytes());
    let (store, _) = load_store(&[path], fixed_now(), &ReplayOptions::default());
    let e = store
        .events
        .items()
        .iter()
        .find(|e| &e.event_id == id)
        .unwrap();
    assert_eq!(e.detections, ["admin-policy-attached"]);
}

#[test]
fn a_duplicated_key_keeps_the_record() {
    let dup = CONSOLE_LOGIN.replacen(
        "\"eventName\":\"ConsoleLogin\"",
        "\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"eu-west-1\"",
        1,
    );
    let (_, b) = read_text("dup.jsonl", &format!("{dup}\n{GET_CALLER_IDENTITY}\n")).unwrap();
    assert_eq!(b.events.len(), 2, "{:?}", b.rejected);
    assert_eq!(&*b.events[0].region, "us-east-1", "the last value wins");
}

#[test]
fn siem_events_holding_a_record_are_unwrapped() {
    let no_time = with(CREATE_ACCESS_KEY, json!({"eventTime": null}));
    let lines = [
        // Splunk's JSON export of a search: the event in `result._raw`.
        json!({"preview": false, "result": {"_raw": RECORDS[0].0, "_time": "2023-07-10T11:54:38.000+00:00",
            "sourcetype": "aws:cloudtrail", "source": "s3://trail/AWSLogs/123837392027/CloudTrail"}}),
        // Elastic: the event as received in `event.original`.
        json!({"@timestamp": "2023-07-10T12:23:15.000Z", "event": {"original": RECORDS[1].0,
            "action": "ConsoleLogin", "provider": "signin.amazonaws.com"}, "cloud": {"provider": "aws"}}),
        // Splunk's `_raw` alone; the record has no eventTime, `_time` stands in.
        json!({"_raw": no_time.to_string(), "_time": "2023-07-10T12:24:29.000+0000"}),
        // An Elastic search hit.
        json!({"_index": "cloudtrail", "_id": "x", "_source": {"@timestamp": "2023-07-10T12:24:49Z",
            "event": {"original": RECORDS[3].0}}}),
        json!({"_raw": "Jul 10 12:00:00 host sshd[1]: not CloudTrail"}),
        json!({"host": "not an event"}),
    ];
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    let (format, b) = read_text("siem.ndjson", &text.join("\n")).unwrap();
    assert_eq!(format, Format::JsonLines);
    assert_eq!(seen(&b), expected());
    let rejected: Vec<&str> = b.rejected.iter().map(String::as_str).collect();
    assert_eq!(rejected.len(), 2);
    assert_eq!(
        rejected[0],
        "line 5: `_raw`: expected a JSON object for a CloudTrail record"
    );
    assert!(
        rejected[1].starts_with("line 6: not a CloudTrail record"),
        "{}",
        rejected[1]
    );
}

#[test]
fn a_cloudwatch_logs_export_to_s3_gives_each_line_its_time() {
    // Each line: the ingestion time, a space, the record (the record's own time wins).
    let no_time = with(ATTACH_ADMIN, json!({"eventTime": null}));
    let text = format!(
        "2023-07-10T11:54:40.123Z {}\n2023-07-10T12:23:16.000Z {}\n2023-07-10T12:24:30.000Z {}\n2023-07-10T12:24:49.000Z {}\n",
        RECORDS[0].0, RECORDS[1].0, RECORDS[2].0, no_time
    );
    let (format, b) = read_text("000000.gz.txt", &text).unwrap();
    assert_eq!(format, Format::JsonLines);
    assert_eq!(seen(&b), expected());
    detections_run(
        "export.txt",
        &text.replace(&no_time.to_string(), RECORDS[3].0),
    );
}

#[test]
fn cloudwatch_filter_log_events_output_is_read_by_its_messages() {
    let no_time = with(CONSOLE_LOGIN, json!({"eventTime": "yesterday"}));
    let event = |ms: u64, message: String| {
        json!({"logStreamName": "123837392027_CloudTrail_us-east-1", "timestamp": ms,
            "message": message, "ingestionTime": ms + 900, "eventId": format!("3790{ms}")})
    };
    let doc = json!({
        "events": [
            event(1_688_990_078_000, RECORDS[0].0.to_string()),
            event(1_688_991_795_000, no_time.to_string()),
            event(1_688_991_869_000, RECORDS[2].0.to_string()),
            event(1_688_991_889_000, RECORDS[3].0.to_string()),
            event(1_688_991_890_000, "not json".to_string()),
        ],
        "searchedLogStreams": [{"logStreamName": "123837392027_CloudTrail_us-east-1", "searchedCompletely": true}],
        "nextToken": "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7fXAuvSkLMg"
    });
    let (format, b) =
        read_text("filter.json", &serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    assert_eq!(format, Format::CloudWatchLogs);
    assert_eq!(
        seen(&b),
        expected(),
        "the log event's timestamp stands in for `yesterday`"
    );
    assert_eq!(b.rejected.len(), 1);
    assert!(
        b.rejected[0].starts_with("event 5: `message`: "),
        "{:?}",
        b.rejected
    );
    // get-log-events: the same events, other tokens; an empty page is no error.
    let page = json!({"events": [event(1_688_990_078_000, RECORDS[0].0.to_string())],
        "nextForwardToken": "f/3790", "nextBackwardToken": "b/3790"});
    let (format, b) = read_text("get.json", &page.to_string()).unwrap();
    assert_eq!((format, b.events.len()), (Format::CloudWatchLogs, 1));
    let empty = json!({"events": [], "nextForwardToken": "f/1", "nextBackwardToken": "b/1"});
    let (format, b) = read_text("empty.json", &empty.to_string()).unwrap();
    assert_eq!(
        (format, b.records(), b.rejected.len()),
        (Format::CloudWatchLogs, 0, 0)
    );
    let events: Vec<Value> = RECORDS.iter().map(|r| event(1, r.0.to_string())).collect();
    detections_run(
        "cw.json",
        &json!({"events": events, "searchedLogStreams": []}).to_string(),
    );
}

#[test]
fn logs_insights_results_are_read_from_each_rows_message() {
    let row = |ts: &str, message: &str| {
        json!([{"field": "@timestamp", "value": ts}, {"field": "@message", "value": message},
            {"field": "@ptr", "value": "CmAKJwojMTIzODM3MzkyMDI3OmF3cy1jbG91ZHRyYWlsLWxvZ3MQBRI1GhgCBmS"}])
    };
    let no_time = with(CREATE_ACCESS_KEY, json!({"eventTime": null})).to_string();
    let doc = json!({
        "results": [
            row("2023-07-10 11:54:39.000", RECORDS[0].0),
            row("2023-07-10 12:23:16.000", RECORDS[1].0),
            row("2023-07-10 12:24:29.000", &no_time),
            row("2023-07-10 12:24:50.000", RECORDS[3].0),
            json!([{"field": "eventName", "value": "ListBuckets"}]),
        ],
        "statistics": {"recordsMatched": 5.0, "recordsScanned": 1205.0, "bytesScanned": 2412567.0},
        "status": "Complete"
    });
    let (format, b) = read_text("insights.json", &doc.to_string()).unwrap();
    assert_eq!(format, Format::LogsInsights);
    assert_eq!(seen(&b), expected());
    assert_eq!(b.rejected.len(), 1);
    assert!(
        b.rejected[0].starts_with("row 5: no `@message` field"),
        "{:?}",
        b.rejected
    );
    let rows: Vec<Value> = RECORDS
        .iter()
        .map(|r| row("2023-07-10 12:00:00.000", r.0))
        .collect();
    detections_run(
        "insights.json",
        &json!({"results": rows, "status": "Complete"}).to_string(),
    );
}

/// A record as CloudTrail Lake returns it: one `{column: text}` per column, column names
/// in lower case, structs in Trino's text and maps as JSON text.
fn lake_row(text: &str) -> Value {
    let r = record(text);
    let who = &r["userIdentity"];
    let trino = format!(
        "{{type={}, principalid={}, arn={}, accountid={}, accesskeyid={}, username={}, \
         sessioncontext=null, invokedby=null, identityprovider=null}}",
        who["type"].as_str().unwrap(),
        who["principalId"].as_str().unwrap(),
        who["arn"].as_str().unwrap(),
        who["accountId"].as_str().unwrap(),
        who["accessKeyId"].as_str().unwrap_or("null"),
        who["userName"].as_str().unwrap(),
    );
    let time = r["eventTime"]
        .as_str()
        .unwrap()
        .replace('T', " ")
        .replace('Z', ".000");
    let mut row = vec![
        json!({"eventid": r["eventID"]}),
        json!({"eventtime": time}),
        json!({"eventsource": r["eventSource"]}),
        json!({"eventname": r["eventName"]}),
        json!({"awsregion": r["awsRegion"]}),
        json!({"sourceipaddress": r["sourceIPAddress"]}),
        json!({"useragent": r["userAgent"]}),
        json!({"recipientaccountid": r["recipientAccountId"]}),
        json!({"readonly": r["readOnly"].to_string()}),
        json!({"useridentity": trino}),
    ];
    for (column, field) in [
        ("requestparameters", "requestParameters"),
        ("responseelements", "responseElements"),
        ("additionaleventdata", "additionalEventData"),
    ] {
        if !r[field].is_null() {
            row.push(json!({ column: r[field].to_string() }));
        }
    }
    Value::Array(row)
}

#[test]
fn cloudtrail_lake_rows_with_lowercase_columns_are_records() {
    let rows: Vec<Value> = RECORDS.iter().map(|r| lake_row(r.0)).collect();
    let doc = json!({
        "QueryStatus": "FINISHED",
        "QueryStatistics": {"ResultsCount": 4, "TotalResultsCount": 4, "BytesScanned": 1296346},
        "QueryResultRows": rows
    });
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let (format, b) = read_text("lake.json", &text).unwrap();
    assert_eq!(format, Format::CloudTrailLake);
    assert!(b.rejected.is_empty(), "{:?}", b.rejected);
    assert_eq!(seen(&b), expected());
    let login = &b.events[1];
    assert_eq!(login.username, "stratus-red-team-nmfalu-gfjyeaypjt");
    assert_eq!(&*login.account_id, "123837392027");
    assert_eq!(login.kind.read_only(), Some(false));
    assert_eq!(
        b.events[0].access_key_id.as_deref(),
        Some("AKIATFQR7NSC8Q4X20BJ")
    );
    let raw = b.events[3].raw.to_value();
    assert_eq!(
        raw["requestParameters"]["policyArn"],
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    detections_run("lake.json", &text);
    // A row that is not a list of columns is named by its position.
    let odd = json!({"QueryStatus": "FINISHED", "QueryResultRows": [lake_row(RECORDS[0].0), {"eventid": "x"}]});
    let (_, b) = read_text("odd.json", &odd.to_string()).unwrap();
    assert_eq!(b.events.len(), 1);
    assert_eq!(b.rejected[0], "row 2: expected a list of columns");
}

#[test]
fn a_stratus_detonation_array_and_a_single_record_are_files() {
    // Stratus Red Team and Grimoire write a bare, indented array; the times here are as
    // Grimoire writes them, with nanoseconds, a space and no zone.
    let stratus: Vec<Value> = RECORDS
        .iter()
        .map(|(text, _, time, _)| {
            let t = time.replace('T', " ").replace('Z', ".000000000");
            with(text, json!({"eventTime": t}))
        })
        .collect();
    let text = serde_json::to_string_pretty(&stratus).unwrap();
    let (format, b) = read_text("detonation.json", &text).unwrap();
    assert_eq!(format, Format::RecordArray);
    assert_eq!(seen(&b), expected());
    detections_run("detonation.json", &text);
    let grimoire = with(
        ATTACH_ADMIN,
        json!({"eventTime": "2025-03-26 17:22:33.000000000"}),
    );
    let (format, b) = read_text(
        "one.json",
        &serde_json::to_string_pretty(&grimoire).unwrap(),
    )
    .unwrap();
    assert_eq!(format, Format::SingleRecord);
    assert_eq!(
        seen(&b),
        [(
            "AttachUserPolicy".to_string(),
            "2025-03-26T17:22:33Z".to_string()
        )]
    );
    // An object with a `message` that is no record is not taken for a CloudWatch event.
    let e = read_text("error.json", r#"{"message": "Access Denied"}"#).unwrap_err();
    assert!(matches!(e, EvidenceError::NotRecognised), "{e}");
    // An element that is no record is named; the others load.
    let mixed = json!([
        record(GET_CALLER_IDENTITY),
        7,
        with(CONSOLE_LOGIN, json!({"eventTime": null}))
    ]);
    let (_, b) = read_text("mixed.json", &mixed.to_string()).unwrap();
    assert_eq!(b.events.len(), 1);
    assert!(
        b.rejected[0].starts_with("record 2: not a CloudTrail record"),
        "{:?}",
        b.rejected
    );
    assert!(
        b.rejected[1].starts_with("record 3: field `eventTime`: found nothing"),
        "{:?}",
        b.rejected
    );
}

#[test]
fn cut_or_capped_json_lines_keep_the_lines_before() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..2000)
        .map(|i| with(GET_CALLER_IDENTITY, json!({"eventID": format!("e{i}")})).to_string())
        .collect();
    let text = lines.join("\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let full = gz.finish().unwrap();
    let cut = write(d.path(), "cut.jsonl.gz", &full[..full.len() / 2]);
    assert!(
        lines::starts_like(format!("\u{feff}{text}").as_bytes()),
        "after a BOM too"
    );
    let (format, b) = read_file(&cut).unwrap();
    assert_eq!(format, Format::JsonLines);
    assert!(
        b.events.len() > 100 && b.events.len() < 2000,
        "{}",
        b.events.len()
    );
    assert_eq!(b.rejected.len(), 1, "the cut line is not judged");
    assert!(
        b.rejected[0].starts_with("the rest of the file: cannot read"),
        "{:?}",
        b.rejected
    );
    // The byte limit: whole lines before it are kept, and the limit is named.
    let plain = write(d.path(), "big.jsonl", text.as_bytes());
    let limits = Limits {
        max_bytes: 1 << 20,
        max_records: 1_000_000,
    };
    assert!(text.len() > 1 << 20);
    let (_, b) = read_file_within(&plain, &limits).unwrap();
    assert!(
        b.events.len() > 1000 && b.events.len() < 2000,
        "{}",
        b.events.len()
    );
    assert!(b.rejected.is_empty(), "{:?}", b.rejected);
    assert!(
        b.stopped.as_deref().unwrap().contains("max_file_mb"),
        "{:?}",
        b.stopped
    );
    // The record limit.
    let limits = Limits {
        max_records: 10,
        ..Limits::default()
    };
    let (_, b) = read_file_within(&plain, &limits).unwrap();
    assert_eq!(b.events.len(), 10);
    assert!(b
        .stopped
        .as_deref()
        .unwrap()
        .contains("max_records_per_file"));
}

#[test]
fn lines_stream_from_a_reader_as_they_do_from_memory() {
    let text = format!("{GET_CALLER_IDENTITY}\n\n{{broken\n{CONSOLE_LOGIN}");
    let mut from_memory = Batch::default();
    lines::read_slice(text.as_bytes(), &mut from_memory);
    let mut streamed = Batch::default();
    let mut reader = std::io::BufReader::with_capacity(16, text.as_bytes());
    lines::read_stream(&mut reader, &mut streamed).unwrap();
    assert_eq!(seen(&from_memory), seen(&streamed));
    assert_eq!(from_memory.rejected, streamed.rejected);
    assert_eq!(streamed.events.len(), 2);
    assert!(
        streamed.rejected[0].starts_with("line 3: invalid JSON"),
        "{:?}",
        streamed.rejected
    );
    // A line over the limit is skipped without being held.
    let long = format!("{}\n{CONSOLE_LOGIN}\n", " ".repeat(lines::MAX_LINE + 10));
    let mut b = Batch::default();
    lines::read_stream(&mut long.as_bytes(), &mut b).unwrap();
    assert_eq!(b.events.len(), 1);
    assert!(
        b.rejected[0].starts_with("line 1: longer than 16 MiB"),
        "{:?}",
        b.rejected
    );
}
