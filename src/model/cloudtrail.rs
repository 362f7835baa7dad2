//! CloudTrail record parsing: one record as delivered to S3 or as the JSON string inside a
//! LookupEvents result.

use super::asff::parse_time;
use super::{intern, CompactString, RawRecord, TrailEvent};
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrailError {
    #[error("expected a JSON object for a CloudTrail record")]
    NotAnObject,
    #[error("field `{0}` is missing or malformed")]
    MissingField(&'static str),
    #[error("invalid JSON: {0}")]
    Json(String),
}

pub fn parse_bytes(bytes: &[u8]) -> Result<TrailEvent, TrailError> {
    let fields = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => serde_json::from_slice::<Fields>(bytes),
        _ => return Err(TrailError::NotAnObject),
    };
    event(
        fields.map_err(|e| TrailError::Json(e.to_string()))?,
        RawRecord::from_bytes(bytes),
    )
}

pub fn parse_record(v: &Value) -> Result<TrailEvent, TrailError> {
    if !v.is_object() {
        return Err(TrailError::NotAnObject);
    }
    let fields = Fields::deserialize(v).map_err(|e| TrailError::Json(e.to_string()))?;
    event(fields, RawRecord::from_value(v))
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
    #[serde(borrow, default)]
    error_code: Text<'a>,
    #[serde(borrow, default)]
    error_message: Text<'a>,
    #[serde(borrow, default)]
    response_elements: Lenient<Response<'a>>,
    #[serde(default)]
    read_only: Option<Value>,
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
    #[serde(rename = "type", borrow, default)]
    kind: Text<'a>,
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
    session_context: Option<SessionContext<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SessionContext<'a> {
    #[serde(borrow, default)]
    session_issuer: Option<Issuer<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Issuer<'a> {
    #[serde(borrow, default)]
    user_name: Text<'a>,
}

/// An object field read as `T`; any other JSON type reads as `T::default()`, as a
/// missing one does.
#[derive(Default)]
struct Lenient<T>(T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = Lenient<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lenient<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Lenient)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(T::default()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_unit<E>(self) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_none<E>(self) -> Result<Lenient<T>, E> {
                Ok(Lenient(T::default()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A string field, borrowed from the input when it has no escapes; any other JSON type
/// reads as absent.
#[derive(Default)]
struct Text<'a>(Option<Cow<'a, str>>);

impl Text<'_> {
    fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor(std::marker::PhantomData))
    }
}

struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'a>, E> {
        Ok(Text(Some(Cow::Borrowed(s))))
    }
    fn visit_str<E>(self, s: &str) -> Result<Text<'a>, E> {
        Ok(Text(Some(Cow::Owned(s.to_string()))))
    }
    fn visit_string<E>(self, s: String) -> Result<Text<'a>, E> {
        Ok(Text(Some(Cow::Owned(s))))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_unit<E>(self) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_none<E>(self) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'a>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
}

fn event(v: Fields, raw: RawRecord) -> Result<TrailEvent, TrailError> {
    let event_time = v
        .event_time
        .as_ref()
        .and_then(parse_time)
        .ok_or(TrailError::MissingField("eventTime"))?;
    let identity = v.user_identity.0;
    let account_id = v
        .recipient_account_id
        .get()
        .or(identity.account_id.get())
        .unwrap_or_default();
    let event_id = v
        .event_id
        .get()
        .ok_or(TrailError::MissingField("eventID"))?;
    let event_name = v
        .event_name
        .get()
        .ok_or(TrailError::MissingField("eventName"))?;
    Ok(TrailEvent {
        event_id: event_id.to_string(),
        event_time,
        event_name: event_name.into(),
        event_source: v.event_source.get().unwrap_or_default().into(),
        account_id: account_id.into(),
        region: v.aws_region.get().unwrap_or_default().into(),
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
        error_code: v.error_code.get().map(Into::into).or_else(|| {
            let failed = v.event_name.get() == Some("ConsoleLogin")
                && v.response_elements.0.console_login.get() == Some("Failure");
            failed.then(|| v.error_message.get().unwrap_or("Failure").into())
        }),
        read_only: v.read_only.as_ref().and_then(|r| {
            r.as_bool()
                .or_else(|| r.as_str().map(|s| s.eq_ignore_ascii_case("true")))
        }),
        detections: Vec::new(),
        raw,
    })
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
    fn username(&self) -> CompactString {
        let arn_tail = || {
            self.arn
                .get()
                .and_then(|a| a.rsplit_once(':'))
                .map(|(_, t)| t)
        };
        match self.kind.get().unwrap_or_default() {
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
                    .as_ref()
                    .and_then(|c| c.session_issuer.as_ref())
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
            assert_eq!(e.account_id, "222");
            assert_eq!(e.read_only, Some(false));
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
            TrailError::MissingField("eventTime")
        );
    }
}

#[cfg(test)]
mod failed_sign_in {
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
