//! One CloudTrail event as a Sigma rule sees it: the console's columns served as they
//! are, the raw record decoded only when a rule asks for something else (once per event,
//! however many rules ask), and rampart's computed fields under `rampart.`.
//!
//! An object asked for as a whole reads as its JSON text, as SIEMs flatten it, so a rule
//! written for one (`requestParameters|contains: 'Suspended'`) still matches.

use super::derived;
use super::projection::{Keys, Projection};
use crate::model::caller_kind::{ErrorCode, Known};
use crate::model::TrailEvent;
use rsigma_eval::{Event, EventValue};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashSet;

/// How deep a path may reach into a record.
const MAX_DEPTH: usize = 64;

/// How many parts of a record an event decodes before it decodes the whole.
const PARTS: usize = 3;

pub struct View<'a> {
    event: &'a TrailEvent,
    inside: &'a HashSet<&'a str>,
    projection: &'a Projection,
    /// Parts of the record, each holding the keys of the ones before and those of the
    /// question that made it (one, for most events).
    parts: [OnceCell<(Keys, Value)>; PARTS],
    record: OnceCell<Value>,
}

impl<'a> View<'a> {
    pub fn new(
        event: &'a TrailEvent,
        inside: &'a HashSet<&'a str>,
        projection: &'a Projection,
    ) -> View<'a> {
        View {
            event,
            inside,
            projection,
            parts: Default::default(),
            record: OnceCell::new(),
        }
    }

    fn record(&self) -> &Value {
        self.record.get_or_init(|| self.event.raw.to_value())
    }

    /// What answers `path`: the whole record if it was decoded, else a part holding the
    /// keys the path reads, decoding one if there is room.
    fn holding(&self, path: &str) -> &Value {
        let Some(reads) = self.projection.reads(path) else {
            return self.record();
        };
        if let Some(record) = self.record.get() {
            return record;
        }
        let mut held = Keys::NONE;
        for part in &self.parts {
            match part.get() {
                Some((keys, value)) if keys.holds(reads) => return value,
                Some((keys, _)) => held = *keys,
                None => {
                    let keys = held.with(reads);
                    let (_, value) = part.get_or_init(|| {
                        let keep = |key: &str| self.projection.keeps(key, keys);
                        (keys, self.event.raw.to_value_keeping(&keep))
                    });
                    return value;
                }
            }
        }
        self.record()
    }

    /// Whether the record has been decoded, whole or in part (for the benchmark's
    /// accounting).
    pub fn was_decoded(&self) -> bool {
        self.record.get().is_some() || self.parts[0].get().is_some()
    }
}

fn text(s: &str) -> Option<EventValue<'_>> {
    Some(EventValue::Str(Cow::Borrowed(s)))
}

impl Event for View<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        let e = self.event;
        match path {
            "eventName" => return text(&e.event_name),
            "eventSource" => return text(&e.event_source).filter(|_| !e.event_source.is_empty()),
            "awsRegion" => return text(&e.region).filter(|_| !e.region.is_empty()),
            "sourceIPAddress" => return e.source_ip.as_deref().and_then(text),
            "userAgent" => return e.user_agent.as_deref().and_then(text),
            "userIdentity.arn" => return e.principal_arn.as_deref().and_then(text),
            _ => {}
        }
        let coded = match path {
            "userIdentity.type" => e.kind.identity(),
            "userIdentity.sessionContext.sessionIssuer.type" => e.kind.issuer(),
            "eventType" => e.kind.event_type(),
            _ => Known::Unsure,
        };
        match coded {
            Known::Is(word) => return text(word),
            Known::Absent => return None,
            Known::Unsure => {}
        }
        if path == "errorCode" {
            match e.kind.error_code() {
                ErrorCode::Absent => return None,
                ErrorCode::InColumn => return e.error_code.as_deref().and_then(text),
                ErrorCode::Unsure => {}
            }
        }
        if let Some(name) = path.strip_prefix("rampart.") {
            if let Some(v) = derived::from_columns(name, e) {
                return v;
            }
            return derived::from_record(name, e, self.holding(path), self.inside);
        }
        lookup(self.holding(path), path).map(flatten)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        let mut found = false;
        visit_strings(self.record(), 0, &mut |s| found = found || pred(s));
        found
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        visit_strings(self.record(), 0, &mut |s| out.push(Cow::Borrowed(s)));
        out
    }

    fn to_json(&self) -> Value {
        self.record().clone()
    }
}

fn visit_strings<'v>(v: &'v Value, depth: usize, f: &mut dyn FnMut(&'v str)) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| visit_strings(x, depth + 1, f)),
        Value::Object(m) => m.values().for_each(|x| visit_strings(x, depth + 1, f)),
        _ => {}
    }
}

/// A flat key first (`"a.b"` as one key), then the dotted path; a path crossing an array
/// follows every element, and several hits read as an array (any of them may match).
fn lookup<'v>(root: &'v Value, path: &str) -> Option<EventValue<'v>> {
    let obj = root.as_object()?;
    if let Some(v) = obj.get(path) {
        return Some(EventValue::from(v));
    }
    if !path.contains('.') {
        return None;
    }
    let segments: Vec<&str> = path.split('.').collect();
    let mut hits = Vec::new();
    collect(root, &segments, 0, &mut hits);
    match hits.len() {
        0 => None,
        1 => hits.pop(),
        _ => Some(EventValue::Array(hits)),
    }
}

fn collect<'v>(v: &'v Value, path: &[&str], depth: usize, out: &mut Vec<EventValue<'v>>) {
    if depth > MAX_DEPTH {
        return;
    }
    match (v, path.split_first()) {
        (_, None) => out.push(EventValue::from(v)),
        (Value::Object(m), Some((first, rest))) => {
            if let Some(next) = m.get(*first) {
                collect(next, rest, depth + 1, out);
            }
        }
        (Value::Array(a), Some(_)) => a.iter().for_each(|x| collect(x, path, depth + 1, out)),
        _ => {}
    }
}

/// An object (or objects in an array) read as JSON text.
fn flatten(v: EventValue<'_>) -> EventValue<'_> {
    match v {
        EventValue::Map(_) => EventValue::Str(Cow::Owned(v.to_json().to_string())),
        EventValue::Array(items) => EventValue::Array(items.into_iter().map(flatten).collect()),
        other => other,
    }
}
