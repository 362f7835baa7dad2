//! CloudTrail records inside what SIEMs and AWS log services put around them, and the
//! documents that list them.
//!
//! A record may sit in Splunk's `_raw` (or a search result's `result._raw`), Elastic's
//! `event.original` (or a search hit's `_source`), a CloudWatch log event's `message`, a
//! Logs Insights row's `@message`, a lookup-events row's `CloudTrailEvent`, or an
//! EventBridge "AWS API Call via CloudTrail" event's `detail`. The wrapper's time stands
//! in for a record whose own `eventTime` is missing or unreadable. The documents:
//! `aws logs filter-log-events` and `get-log-events` output, a CloudWatch Logs
//! subscription's `logEvents`, Logs Insights `get-query-results`, Splunk search results.

use super::formats::{Batch, Format};
use crate::model::clock::parse_lenient;
use crate::model::cloudtrail::{self, event_time, TrailError};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Where a record was found.
pub(super) enum Inner<'a> {
    /// The record as a JSON object.
    Record(&'a Value),
    /// The record as JSON text, under the wrapper's key (named in a rejection).
    Text(&'a str, &'static str),
}

/// A record and the time its wrapper gives.
pub(super) struct Wrapped<'a> {
    inner: Inner<'a>,
    time: Option<DateTime<Utc>>,
}

/// What an element that holds no record is told.
const NOT_A_RECORD: &str = "not a CloudTrail record (no eventName), nor an event holding one \
(`_raw`, `event.original`, `message`, `@message`, `CloudTrailEvent`)";

/// Whether an object is a CloudTrail record itself: it has a key every record has.
pub(super) fn is_record(v: &Value) -> bool {
    ["eventVersion", "eventName", "eventSource", "eventID"]
        .iter()
        .any(|k| v.get(k).is_some())
}

/// Where the text of a record sits in each wrapper, the name said in a rejection, and
/// the wrapper's own time.
const HOLDERS: [(&str, &str, &str); 5] = [
    ("/_raw", "_raw", "_time"),                           // Splunk
    ("/event/original", "event.original", "@timestamp"),  // Elastic (ECS)
    ("/@message", "@message", "@timestamp"),              // Logs Insights, as exported
    ("/message", "message", "timestamp"),                 // a CloudWatch Logs event
    ("/CloudTrailEvent", "CloudTrailEvent", "EventTime"), // a lookup-events row
];

/// Whether `v` is a record or holds one, for recognising a whole file by it: a wrapper's
/// text must look like JSON, so that `{"message": "Access Denied"}` stays unrecognised
/// rather than becoming a rejected record.
pub(super) fn holds_record(v: &Value) -> bool {
    match unwrap(v).map(|w| w.inner) {
        Some(Inner::Record(_)) => true,
        Some(Inner::Text(text, _)) => text.trim_start().starts_with('{'),
        None => false,
    }
}

/// The record in `v`: `v` itself, or the one its wrapper holds.
pub(super) fn unwrap(v: &Value) -> Option<Wrapped<'_>> {
    unwrap_within(v, 2)
}

fn unwrap_within(v: &Value, depth: u8) -> Option<Wrapped<'_>> {
    if !v.is_object() {
        return None;
    }
    if is_record(v) {
        return Some(Wrapped {
            inner: Inner::Record(v),
            time: None,
        });
    }
    let time = |k: &str| v.get(k).and_then(event_time);
    // Splunk's search result and Elastic's search hit hold the event one level down.
    for outer in ["result", "_source"] {
        let found = v.get(outer).filter(|_| depth > 0);
        if let Some(w) = found.and_then(|inner| unwrap_within(inner, depth - 1)) {
            let time = w.time.or_else(|| time("_time"));
            return Some(Wrapped { time, ..w });
        }
    }
    for (pointer, name, time_key) in HOLDERS {
        let inner = match v.pointer(pointer) {
            Some(Value::String(text)) => Inner::Text(text, name),
            Some(record @ Value::Object(_)) => Inner::Record(record),
            _ => continue,
        };
        return Some(Wrapped {
            inner,
            time: time(time_key),
        });
    }
    let detail_type = v.get("detail-type").and_then(Value::as_str);
    if detail_type.is_some_and(|t| t.ends_with("via CloudTrail")) {
        if let Some(detail) = v.get("detail").filter(|d| d.is_object()) {
            return Some(Wrapped {
                inner: Inner::Record(detail),
                time: time("time"),
            });
        }
    }
    None
}

impl Batch {
    /// One line of a JSON-lines file (`index` from 0): a record, or a wrapper holding one;
    /// `time` is the time the line starts with, if any.
    pub(super) fn add_trail_line(
        &mut self,
        index: usize,
        json: &[u8],
        time: Option<DateTime<Utc>>,
    ) {
        if !self.room() {
            return;
        }
        // Most lines are records: read as one, in one pass; only a line without an
        // eventName is looked at again as a wrapper.
        match cloudtrail::parse_bytes_at(json, time) {
            Err(TrailError::MissingField("eventName")) => {}
            Ok(e) => return self.events.push(e),
            Err(e) => return self.reject("line", index, e),
        }
        let tree: Value = match serde_json::from_slice(json) {
            Ok(tree) => tree,
            Err(e) => return self.reject("line", index, format!("invalid JSON: {e}")),
        };
        match unwrap(&tree) {
            Some(w) if !matches!(w.inner, Inner::Record(r) if std::ptr::eq(r, &tree)) => {
                self.add_wrapped("line", index, w, time)
            }
            Some(_) => self.reject("line", index, TrailError::MissingField("eventName")),
            None => self.reject("line", index, NOT_A_RECORD),
        }
    }

    /// A record found in a wrapper, the `index`th (from 0) `what` of its file; `outer` is a
    /// time from outside the wrapper.
    fn add_wrapped(
        &mut self,
        what: &str,
        index: usize,
        w: Wrapped<'_>,
        outer: Option<DateTime<Utc>>,
    ) {
        if !self.room() {
            return;
        }
        let time = w.time.or(outer);
        let parsed = match w.inner {
            Inner::Record(r) => cloudtrail::parse_record_at(r, time).map_err(|e| e.to_string()),
            Inner::Text(text, name) => cloudtrail::parse_bytes_at(text.as_bytes(), time)
                .map_err(|e| format!("`{name}`: {e}")),
        };
        match parsed {
            Ok(e) => self.events.push(e),
            Err(e) => self.reject(what, index, e),
        }
    }

    /// An element of a list (a bare array, CloudWatch `events`, Splunk `results`): a
    /// record or a wrapper holding one.
    pub(super) fn add_element(&mut self, what: &str, index: usize, v: &Value) {
        match unwrap(v) {
            Some(w) => self.add_wrapped(what, index, w, None),
            None if self.room() => self.reject(what, index, NOT_A_RECORD),
            None => {}
        }
    }
}

fn array<'a>(v: &'a Value, key: &str) -> Option<&'a [Value]> {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice)
}

/// A document of this module's shapes, read; `None` if it is none of them.
pub(super) fn from_value(v: &Value) -> Option<(Format, Batch)> {
    let mut b = Batch::default();
    if let Some(events) = cloudwatch_events(v) {
        for (i, e) in events.iter().enumerate() {
            b.add_element("event", i, e);
        }
        return Some((Format::CloudWatchLogs, b));
    }
    let results = array(v, "results")?;
    if results.iter().all(Value::is_array) && (!results.is_empty() || v.get("status").is_some()) {
        for (i, row) in results.iter().enumerate() {
            insights_row(&mut b, i, row);
        }
        return Some((Format::LogsInsights, b));
    }
    if results.iter().all(Value::is_object) && (!results.is_empty() || v.get("preview").is_some()) {
        for (i, r) in results.iter().enumerate() {
            b.add_element("result", i, r);
        }
        return Some((Format::SearchResults, b));
    }
    None
}

/// The log events of `filter-log-events` or `get-log-events` output, or of a CloudWatch
/// Logs subscription's delivery. `events` is also a rampart export's member, told apart by
/// its rows: a log event has a `message` string, an export's row a `raw` record.
fn cloudwatch_events(v: &Value) -> Option<&[Value]> {
    if let Some(list) = array(v, "logEvents") {
        return Some(list);
    }
    let list = array(v, "events")?;
    let is_log_event = |e: &Value| e.get("message").is_some_and(Value::is_string);
    let paged = [
        "searchedLogStreams",
        "nextForwardToken",
        "nextBackwardToken",
        "nextToken",
    ]
    .iter()
    .any(|k| v.get(k).is_some());
    let export = v.get("schema_version").is_some();
    (!export && (list.iter().any(is_log_event) || paged)).then_some(list)
}

/// One row of Logs Insights results: a list of `{"field": ..., "value": ...}` cells, the
/// record in `@message`, its ingestion time in `@timestamp` (UTC, without a zone).
fn insights_row(b: &mut Batch, index: usize, row: &Value) {
    let cell = |name: &str| {
        row.as_array()?
            .iter()
            .find(|c| c.get("field").and_then(Value::as_str) == Some(name))?
            .get("value")?
            .as_str()
    };
    match cell("@message") {
        Some(text) => {
            let w = Wrapped {
                inner: Inner::Text(text, "@message"),
                time: cell("@timestamp").and_then(parse_lenient),
            };
            b.add_wrapped("row", index, w, None);
        }
        None if b.room() => b.reject(
            "row",
            index,
            "no `@message` field: keep it in the query (`fields @timestamp, @message`)",
        ),
        None => {}
    }
}
