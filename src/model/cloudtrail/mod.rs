//! CloudTrail record parsing: one record as delivered to S3, as the JSON string inside a
//! LookupEvents result, or as a SIEM or log service passed it on (the replay unwraps it).
//!
//! Lenient per record: a field of the wrong type reads as missing, `eventTime` is read in
//! the forms exports write it (or taken from the wrapper), and a record without `eventID`
//! gets a stable one; only a record without `eventName` or any time is not an event.

use super::asff::parse_time;
use super::caller_kind::{CallerKind, Seen};
use super::clock::{from_epoch, parse_lenient};
use super::{intern, CompactString, RawRecord, TrailEvent};
use chrono::{DateTime, Utc};
use lenient::{Lenient, Nested, Text};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

mod lenient;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrailError {
    #[error("expected a JSON object for a CloudTrail record")]
    NotAnObject,
    #[error("field `{0}` is missing or malformed")]
    MissingField(&'static str),
    #[error(
        "field `eventTime`: found {found}, expected a time such as 2024-01-15T10:30:00Z, \
         2024-01-15 10:30:00 (UTC) or epoch seconds"
    )]
    BadTime { found: String },
    #[error("invalid JSON: {0}")]
    Json(String),
}

impl TrailError {
    /// serde's message with the position said once: a record is one line of a JSON-lines
    /// file or one string in a wrapper, so the column is what locates the fault.
    fn json(e: &serde_json::Error) -> TrailError {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or_default();
        TrailError::Json(match e.line() {
            0 => message.to_string(),
            1 => format!("{message} at column {}", e.column()),
            line => format!("{message} at line {line}, column {}", e.column()),
        })
    }
}

pub fn parse_bytes(bytes: &[u8]) -> Result<TrailEvent, TrailError> {
    parse_bytes_at(bytes, None)
}

/// One record from its bytes. `fallback` is the time the record's wrapper gives (a
/// CloudWatch log event's `timestamp`, a Logs Insights `@timestamp`), used when the
/// record's own `eventTime` is missing or unreadable.
pub fn parse_bytes_at(
    bytes: &[u8],
    fallback: Option<DateTime<Utc>>,
) -> Result<TrailEvent, TrailError> {
    if !is_object(bytes) {
        return Err(TrailError::NotAnObject);
    }
    // One UTF-8 check of the whole record: reading from bytes, serde checks every string
    // on its own (a twentieth of a replay's load, per perf).
    let fields = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str::<Fields>(text),
        // serde reads it again to say where the fault is.
        Err(_) => serde_json::from_slice::<Fields>(bytes),
    };
    from_fields(bytes, fields, fallback)
}

/// [`parse_bytes`] for text already known to be UTF-8 (a delivery checked whole).
pub fn parse_text(text: &str) -> Result<TrailEvent, TrailError> {
    if !is_object(text.as_bytes()) {
        return Err(TrailError::NotAnObject);
    }
    from_fields(text.as_bytes(), serde_json::from_str::<Fields>(text), None)
}

fn is_object(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// The event from the fields read of `bytes`, or from a second reading when the first
/// failed on a key given twice or on text that is not UTF-8.
fn from_fields(
    bytes: &[u8],
    fields: Result<Fields<'_>, serde_json::Error>,
    fallback: Option<DateTime<Utc>>,
) -> Result<TrailEvent, TrailError> {
    let raw = || RawRecord::from_bytes(bytes);
    match fields {
        Ok(fields) => event(fields, raw(), fallback),
        // A key given twice (serde refuses it for a struct): read as a tree, where the last
        // one wins, as jq, Python and JavaScript read it, rather than losing the record.
        // The raw record keeps the bytes as delivered, both keys included.
        Err(e) if e.is_data() && e.to_string().starts_with("duplicate field") => {
            let tree: Value = serde_json::from_slice(bytes).map_err(|e| TrailError::json(&e))?;
            let fields = Fields::deserialize(&tree).map_err(|e| TrailError::json(&e))?;
            event(fields, raw(), fallback)
        }
        // A lone surrogate or a byte that is not UTF-8 in a field read here: that field
        // reads with U+FFFD rather than losing the record (which keeps its bytes).
        Err(e) => match crate::util::lossy_json::lossy(bytes) {
            Cow::Owned(fixed) => match serde_json::from_slice::<Fields>(&fixed) {
                Ok(fields) => event(fields, raw(), fallback),
                Err(_) => Err(TrailError::json(&e)),
            },
            Cow::Borrowed(_) => Err(TrailError::json(&e)),
        },
    }
}

pub fn parse_record(v: &Value) -> Result<TrailEvent, TrailError> {
    parse_record_at(v, None)
}

/// One record from a tree; `fallback` as for [`parse_bytes_at`].
pub fn parse_record_at(
    v: &Value,
    fallback: Option<DateTime<Utc>>,
) -> Result<TrailEvent, TrailError> {
    if !v.is_object() {
        return Err(TrailError::NotAnObject);
    }
    let fields = Fields::deserialize(v).map_err(|e| TrailError::json(&e))?;
    event(fields, RawRecord::from_value(v), fallback)
}

/// CloudTrail's `eventTime` as evidence carries it: a string in any form
/// [`parse_lenient`] reads, a number of epoch seconds or milliseconds, or a botocore
/// datetime object.
pub fn event_time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => parse_lenient(s),
        Value::Number(n) => from_epoch(n.as_f64()?),
        other => parse_time(other),
    }
}

/// A value found where a time was expected, for a rejection: cut short and with control
/// and bidi characters made visible, since it comes from the file and ends on a screen.
fn found(v: Option<&Value>) -> String {
    const SHOWN: usize = 40;
    let text = match v {
        None | Some(Value::Null) => return "nothing".into(),
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(other) => other.to_string(),
    };
    let mut cut: String = text.chars().take(SHOWN).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    crate::util::sanitize::clean(&cut).into_owned()
}

/// The id of a record that has none (some SIEM exports drop `eventID`): `rampart-` and the
/// first 16 bytes of the SHA-256 of the record as compact JSON with sorted keys, in hex.
/// The same record gives the same id in every run and whatever the file's shape or
/// spacing, so reading it again replaces its row instead of adding one; two records alike
/// in every field are one event.
fn synthesized_id(raw: &RawRecord) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    // Sorted here, at every level, whether or not serde_json keeps keys in input order
    // (its `preserve_order` feature, which any crate in the build may turn on).
    fn sorted(v: Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(String, Value)> = m.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Value::Array(list) => Value::Array(list.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    let canonical = serde_json::to_vec(&sorted(raw.to_value())).unwrap_or_default();
    let digest = sha2::Sha256::digest(canonical);
    let mut id = String::from("rampart-");
    for b in &digest[..16] {
        let _ = write!(id, "{b:02x}");
    }
    id
}

/// The fields of a record the console uses, read without building the whole tree: a
/// CloudTrail log holds thousands of records and most of each is request detail that only
/// the raw record (and the detections, on demand) need. A field of the wrong type counts as
/// missing, as AWS's own tools treat it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields<'a> {
    #[serde(rename = "eventID", borrow, default)]
    event_id: Text<'a>,
    #[serde(default)]
    event_time: Option<Value>,
    #[serde(borrow, default)]
    event_name: Text<'a>,
    #[serde(borrow, default)]
    event_source: Text<'a>,
    #[serde(borrow, default)]
    recipient_account_id: Text<'a>,
    #[serde(borrow, default)]
    aws_region: Text<'a>,
    #[serde(borrow, default)]
    user_identity: Lenient<Identity<'a>>,
    #[serde(rename = "sourceIPAddress", borrow, default)]
    source_ip_address: Text<'a>,
    #[serde(borrow, default)]
    user_agent: Text<'a>,
    #[serde(borrow, default, deserialize_with = "lenient::present")]
    error_code: Option<Text<'a>>,
    #[serde(borrow, default)]
    error_message: Text<'a>,
    #[serde(borrow, default)]
    response_elements: Lenient<Response<'a>>,
    #[serde(default)]
    read_only: Option<Value>,
    #[serde(borrow, default, deserialize_with = "lenient::present")]
    event_type: Option<Text<'a>>,
}

/// The one answer the console reads: a console sign-in's `Success` or `Failure`.
#[derive(Deserialize, Default)]
struct Response<'a> {
    #[serde(rename = "ConsoleLogin", borrow, default)]
    console_login: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Identity<'a> {
    #[serde(
        rename = "type",
        borrow,
        default,
        deserialize_with = "lenient::present"
    )]
    kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    user_name: Text<'a>,
    #[serde(borrow, default)]
    arn: Text<'a>,
    #[serde(borrow, default)]
    principal_id: Text<'a>,
    #[serde(borrow, default)]
    invoked_by: Text<'a>,
    #[serde(borrow, default)]
    account_id: Text<'a>,
    #[serde(borrow, default)]
    access_key_id: Text<'a>,
    #[serde(borrow, default)]
    session_context: Nested<SessionContext<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SessionContext<'a> {
    #[serde(borrow, default)]
    session_issuer: Nested<Issuer<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Issuer<'a> {
    #[serde(borrow, default)]
    user_name: Text<'a>,
    #[serde(
        rename = "type",
        borrow,
        default,
        deserialize_with = "lenient::present"
    )]
    kind: Option<Text<'a>>,
}

fn event(
    v: Fields,
    raw: RawRecord,
    fallback: Option<DateTime<Utc>>,
) -> Result<TrailEvent, TrailError> {
    // Without a name there is nothing to show or to judge: not an event.
    let event_name = v
        .event_name
        .get()
        .filter(|n| !n.is_empty())
        .ok_or(TrailError::MissingField("eventName"))?;
    let event_time = v
        .event_time
        .as_ref()
        .and_then(event_time)
        .or(fallback)
        .ok_or_else(|| TrailError::BadTime {
            found: found(v.event_time.as_ref()),
        })?;
    let identity = &v.user_identity.0;
    let account_id = v
        .recipient_account_id
        .get()
        .or(identity.account_id.get())
        .unwrap_or_default();
    let event_id = match v.event_id.get().filter(|id| !id.is_empty()) {
        Some(id) => id.to_string(),
        None => synthesized_id(&raw),
    };
    Ok(TrailEvent {
        event_id,
        event_time,
        event_name: intern(event_name),
        event_source: intern(v.event_source.get().unwrap_or_default()),
        account_id: intern(account_id),
        region: intern(v.aws_region.get().unwrap_or_default()),
        username: identity.username(),
        principal_arn: identity.arn.get().map(intern),
        access_key_id: identity
            .access_key_id
            .get()
            .filter(|k| !k.is_empty())
            .map(Into::into),
        source_ip: v.source_ip_address.get().map(Into::into),
        user_agent: v.user_agent.get().map(intern),
        // A failed console sign-in has no errorCode, only `ConsoleLogin: Failure` and an
        // errorMessage: it is a failed call all the same.
        error_code: v
            .error_code
            .as_ref()
            .and_then(Text::get)
            .map(intern)
            .or_else(|| {
                let failed = v.event_name.get() == Some("ConsoleLogin")
                    && v.response_elements.0.console_login.get() == Some("Failure");
                failed.then(|| intern(v.error_message.get().unwrap_or("Failure")))
            }),
        kind: CallerKind::new(
            seen(identity.kind.as_ref()),
            identity.issuer_kind(),
            seen(v.event_type.as_ref()),
        )
        .with_error_code(seen(v.error_code.as_ref()))
        .with_caller_account(
            seen(identity.kind.as_ref()),
            identity.account_id.get().unwrap_or_default(),
            account_id,
        )
        .with_read_only(v.read_only.as_ref().and_then(|r| {
            r.as_bool()
                .or_else(|| r.as_str().map(|s| s.eq_ignore_ascii_case("true")))
        })),
        detections: Vec::new(),
        raw,
    })
}

fn seen<'t>(field: Option<&'t Text<'_>>) -> Seen<'t> {
    match field {
        None => Seen::Missing,
        Some(t) => t.get().map_or(Seen::Odd, Seen::Text),
    }
}

/// The caller in a form people recognise: IAM user name; `role/session` for an assumed
/// role; `root`; the invoking service for AWS services.
#[cfg(test)]
pub fn username(identity: &Value) -> String {
    Identity::deserialize(identity)
        .unwrap_or_default()
        .username()
        .to_string()
}

impl Identity<'_> {
    /// The session issuer's `type` as a path lookup would find it: under an array (which
    /// a lookup walks element by element) it is not the parser's to say.
    fn issuer_kind(&self) -> Seen<'_> {
        match &self.session_context {
            Nested::Object(c) => match &c.session_issuer {
                Nested::Object(i) => seen(i.kind.as_ref()),
                Nested::Array => Seen::Odd,
                Nested::Missing | Nested::Other => Seen::Missing,
            },
            Nested::Array => Seen::Odd,
            Nested::Missing | Nested::Other => Seen::Missing,
        }
    }

    fn username(&self) -> CompactString {
        let arn_tail = || {
            self.arn
                .get()
                .and_then(|a| a.rsplit_once(':'))
                .map(|(_, t)| t)
        };
        match self.kind.as_ref().and_then(Text::get).unwrap_or_default() {
            "Root" => "root".into(),
            "IAMUser" => self
                .user_name
                .get()
                .or_else(|| arn_tail().and_then(|t| t.rsplit('/').next()))
                .unwrap_or("unknown")
                .into(),
            "AssumedRole" => {
                // arn:aws:sts::123:assumed-role/RoleName/session
                if let Some(tail) = arn_tail().and_then(|t| t.strip_prefix("assumed-role/")) {
                    return tail.into();
                }
                let role = self
                    .session_context
                    .object()
                    .and_then(|c| c.session_issuer.object())
                    .and_then(|i| i.user_name.get())
                    .unwrap_or("unknown-role");
                let session = self
                    .principal_id
                    .get()
                    .and_then(|p| p.split(':').nth(1))
                    .unwrap_or("?");
                compact_str::format_compact!("{role}/{session}")
            }
            "AWSService" => self.invoked_by.get().unwrap_or("aws-service").into(),
            "AWSAccount" => self
                .account_id
                .get()
                .map(|a| compact_str::format_compact!("account/{a}"))
                .unwrap_or_default(),
            _ => self
                .user_name
                .get()
                .or_else(arn_tail)
                .or_else(|| self.principal_id.get())
                .or_else(|| self.invoked_by.get())
                .unwrap_or("unknown")
                .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usernames() {
        assert_eq!(
            username(&json!({"type":"Root","arn":"arn:aws:iam::1:root"})),
            "root"
        );
        assert_eq!(username(&json!({"type":"IAMUser","userName":"bob"})), "bob");
        assert_eq!(
            username(
                &json!({"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/alice"})
            ),
            "Admin/alice"
        );
        assert_eq!(
            username(&json!({"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"})),
            "cloudtrail.amazonaws.com"
        );
    }

    #[test]
    fn parses_a_failed_call() {
        let e = parse_record(&json!({
            "eventVersion":"1.08","eventID":"e1","eventTime":"2023-07-10T11:42:36Z",
            "eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging",
            "awsRegion":"us-east-1","recipientAccountId":"123",
            "userIdentity":{"type":"IAMUser","userName":"mallory","accessKeyId":"AKIA1"},
            "errorCode":"AccessDenied","sourceIPAddress":"203.0.113.9"
        }))
        .unwrap();
        assert!(e.failed());
        assert_eq!(e.service(), "cloudtrail");
        assert_eq!(e.username, "mallory");
        assert_eq!(e.access_key_id.as_deref(), Some("AKIA1"));
    }

    #[test]
    fn bytes_and_tree_read_the_same_record() {
        // `\u0031` is an escape: that field cannot borrow from the input.
        let bytes = br#"{
            "eventID":"e\u0031","eventTime":"2023-07-10T11:42:36Z","eventName":"ConsoleLogin",
            "eventSource":"signin.amazonaws.com","awsRegion":"us-east-1",
            "userIdentity":{"type":"AssumedRole","principalId":"AROA:alice",
                "accountId":"222","sessionContext":{"sessionIssuer":{"userName":"Admin"}}},
            "readOnly":"false","userAgent":7,"requestParameters":{"a":[1,{"b":null}]}
        }"#;
        let record: Value = serde_json::from_slice(bytes).unwrap();
        let (a, b) = (parse_record(&record).unwrap(), parse_bytes(bytes).unwrap());
        for e in [&a, &b] {
            assert_eq!(e.event_id, "e1");
            assert_eq!(e.username, "Admin/alice");
            assert_eq!(&*e.account_id, "222");
            assert_eq!(e.kind.read_only(), Some(false));
            assert_eq!(e.user_agent, None, "a number is not a user agent");
        }
        assert_eq!(a.raw.to_value(), b.raw.to_value());
        assert_eq!(parse_bytes(b"[1]").unwrap_err(), TrailError::NotAnObject);
        let odd = br#"{"eventID":"x","eventTime":"2023-07-10T11:42:36Z","eventName":"E","userIdentity":"root?"}"#;
        assert_eq!(
            parse_bytes(odd).unwrap().username,
            "unknown",
            "a wrong type reads as missing"
        );
        assert!(matches!(
            parse_bytes(b"{\"eventID\":"),
            Err(TrailError::Json(_))
        ));
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            parse_record(&json!({"eventID":"x"})).unwrap_err(),
            TrailError::MissingField("eventName")
        );
        let e = parse_record(&json!({"eventName":"E","eventTime":"2024-13-45 99:99:99"}));
        assert_eq!(
            e.unwrap_err().to_string(),
            "field `eventTime`: found \"2024-13-45 99:99:99\", expected a time such as \
             2024-01-15T10:30:00Z, 2024-01-15 10:30:00 (UTC) or epoch seconds"
        );
        let e = parse_record(&json!({"eventName":"E"}))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("field `eventTime`: found nothing, expected"),
            "{e}"
        );
        // What the file holds is cut short and made safe to print.
        let long = format!("\u{1b}[31m{}", "9".repeat(100));
        let e = parse_record(&json!({"eventName":"E","eventTime": long})).unwrap_err();
        let TrailError::BadTime { found } = e else {
            panic!("{e:?}")
        };
        assert!(
            found.starts_with("\"^[[31m999") && found.ends_with('…'),
            "{found}"
        );
        assert!(found.chars().count() < 50, "{found}");
    }

    #[test]
    fn a_record_without_an_event_id_gets_a_stable_one() {
        let record = json!({"eventVersion":"1.08","eventTime":"2023-07-10T11:54:38Z",
            "eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity",
            "userIdentity":{"type":"IAMUser","userName":"bert-jan"}});
        let a = parse_record(&record).unwrap();
        assert!(a.event_id.starts_with("rampart-"), "{}", a.event_id);
        assert_eq!(a.event_id.len(), "rampart-".len() + 32);
        // The same record pretty-printed, with its keys in another order: the same id.
        let pretty = br#"{
            "userIdentity": {"userName": "bert-jan", "type": "IAMUser"},
            "eventName": "GetCallerIdentity", "eventSource": "sts.amazonaws.com",
            "eventTime": "2023-07-10T11:54:38Z", "eventVersion": "1.08", "eventID": ""
        }"#;
        let mut with_empty = record.clone();
        with_empty["eventID"] = json!("");
        assert_eq!(
            parse_bytes(pretty).unwrap().event_id,
            parse_record(&with_empty).unwrap().event_id
        );
        let mut other = record.clone();
        other["eventTime"] = json!("2023-07-10T11:54:39Z");
        assert_ne!(parse_record(&other).unwrap().event_id, a.event_id);
        // Pinned, so that a change of the recipe (which would duplicate rows read before
        // and after it) is a decision, not an accident.
        assert_eq!(a.event_id, "rampart-baaee52752537b4328f26d55e724ec28");
    }

    #[test]
    fn a_wrapper_time_stands_in_for_a_missing_or_unreadable_event_time() {
        let t = crate::model::clock::parse_rfc3339("2024-01-15T10:30:00Z");
        let v = json!({"eventID":"x","eventName":"E","eventTime":"soon"});
        assert_eq!(parse_record_at(&v, t).unwrap().event_time, t.unwrap());
        assert!(matches!(parse_record(&v), Err(TrailError::BadTime { .. })));
        let own =
            json!({"eventID":"x","eventName":"E","eventTime":"2025-03-26 17:22:33.000000000"});
        let e = parse_record_at(&own, t).unwrap();
        assert_eq!(
            crate::model::clock::format_rfc3339(e.event_time),
            "2025-03-26T17:22:33Z"
        );
        let ms = json!({"eventID":"x","eventName":"E","eventTime":1_705_314_600_000u64});
        assert_eq!(parse_record(&ms).unwrap().event_time, t.unwrap());
    }

    #[test]
    fn a_duplicated_key_keeps_the_record_and_the_last_value() {
        let bytes = br#"{"eventID":"d","eventTime":"2023-07-10T11:42:36Z","eventName":"ListBuckets",
            "eventName":"StopLogging","userIdentity":{"type":"IAMUser","userName":"a","userName":"b"}}"#;
        let e = parse_bytes(bytes).unwrap();
        assert_eq!((&*e.event_name, e.username.as_str()), ("StopLogging", "b"));
        assert_eq!(
            e.raw.bytes(),
            bytes.to_vec(),
            "the raw record is as delivered"
        );
        let broken = parse_bytes(br#"{"eventID":"x","eventName":}"#).unwrap_err();
        assert_eq!(
            broken.to_string(),
            "invalid JSON: expected value at column 28"
        );
    }
}

#[cfg(test)]
mod failed_sign_in {
    #[test]
    fn a_lone_surrogate_or_a_stray_byte_costs_no_record() {
        // In a field read here (the user agent) and in fields only the rules and the
        // detail read (the request), as JavaScript or Java may write half a character.
        let bytes = b"{\"eventID\":\"s1\",\"eventName\":\"DeleteBucket\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"errorCode\":\"AccessDenied\",\"userAgent\":\"agent\\udc00\",\"requestParameters\":{\"bucketName\":\"b\xff\",\"x\":\"\\ud800\"}}";
        let e = super::parse_bytes(bytes).unwrap();
        assert_eq!(e.user_agent.as_deref(), Some("agent\u{fffd}"));
        assert_eq!(
            e.raw.bytes(),
            bytes.to_vec(),
            "the record kept as delivered"
        );
        let v = e.raw.to_value();
        assert_eq!(v["requestParameters"]["bucketName"], "b\u{fffd}");
        assert_eq!(v["requestParameters"]["x"], "\u{fffd}");
        assert_eq!(v["errorCode"], "AccessDenied");
        // Broken JSON is still an error.
        assert!(super::parse_bytes(b"{\"eventName\":\"x\\udc00\",").is_err());
    }

    #[test]
    fn a_failed_console_sign_in_is_a_failed_call_without_an_error_code() {
        // As CloudTrail records it: no errorCode, an errorMessage and ConsoleLogin: Failure.
        let v = serde_json::json!({
            "eventVersion": "1.08", "eventID": "e", "eventTime": "2026-11-22T10:00:00Z",
            "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
            "awsRegion": "us-east-1", "recipientAccountId": "111111111111",
            "userIdentity": {"type": "Root", "principalId": "111111111111", "arn": "arn:aws:iam::111111111111:root"},
            "errorMessage": "Failed authentication",
            "responseElements": {"ConsoleLogin": "Failure"},
            "additionalEventData": {"MFAUsed": "No"}
        });
        let e = super::parse_record(&v).unwrap();
        assert_eq!(e.error_code.as_deref(), Some("Failed authentication"));
        let mut list = vec![e];
        crate::drill::detect::Detector::default().run(&mut list);
        assert!(
            list[0].detections.is_empty(),
            "a failed root sign-in is not root activity"
        );
        let ok = serde_json::json!({"eventID": "s", "eventTime": "2026-11-22T10:00:00Z",
            "eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
            "responseElements": {"ConsoleLogin": "Success"}, "userIdentity": {"type": "IAMUser"}});
        assert_eq!(super::parse_record(&ok).unwrap().error_code, None);
    }
}
