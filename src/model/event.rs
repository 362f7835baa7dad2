//! One CloudTrail management event, with the detections that fired on it.

use super::caller_kind::CallerKind;
use super::{CompactString, RawRecord, Shared};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct TrailEvent {
    pub event_id: String,
    pub event_time: DateTime<Utc>,
    pub event_name: Shared,
    pub event_source: Shared,
    /// `recipientAccountId`: the account the event was recorded in.
    pub account_id: Shared,
    pub region: Shared,
    /// IAM user name; `role/session` for assumed roles; `root`; the service for services.
    pub username: CompactString,
    /// The ARN of the caller, when there is one.
    pub principal_arn: Option<Shared>,
    pub access_key_id: Option<CompactString>,
    pub source_ip: Option<CompactString>,
    pub user_agent: Option<Shared>,
    pub error_code: Option<Shared>,
    /// The caller's type, its session issuer's and the record's `eventType`, as codes;
    /// how `errorCode` and the caller's account are known; `readOnly`.
    pub kind: CallerKind,
    /// Stable rule ids, e.g. `cloudtrail-stopped`. Filled by the detection rules.
    pub detections: Vec<CompactString>,
    pub raw: RawRecord,
}

impl TrailEvent {
    /// The store key: CloudTrail's `eventID`.
    pub fn key(&self) -> String {
        self.event_id.clone()
    }

    pub fn failed(&self) -> bool {
        self.error_code.is_some()
    }

    /// `iam.amazonaws.com` -> `iam`.
    pub fn service(&self) -> &str {
        self.event_source
            .strip_suffix(".amazonaws.com")
            .unwrap_or(&self.event_source)
    }
}
