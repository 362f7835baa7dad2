//! How each kind of record is indexed: its key, the text a free-text filter searches, and
//! its values for the fields a filter may name.

use super::fields::{self, Field, Value};
use super::table::Keyed;
use super::Accounts;
use crate::model::{
    CompactString, ComplianceResult, CredentialRecord, Exposure, Finding, Severity, TrailEvent,
};
use std::borrow::Cow;

/// The bits of a rank that hold a time.
const TIME_BITS: u32 = 60;

/// A time as the low bits of a rank, in milliseconds, newest smallest. Times outside 1970
/// to about 36 million years on rank equal and go to the full comparison.
fn newest_first(t: chrono::DateTime<chrono::Utc>) -> u64 {
    const TIME_MAX: u64 = (1 << TIME_BITS) - 1;
    TIME_MAX - t.timestamp_millis().clamp(0, TIME_MAX as i64) as u64
}

impl Keyed for Finding {
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(Finding::key(self))
    }

    const RANKED: bool = true;

    /// Newest critical first: the severity (most severe smallest), then the update time,
    /// newest smallest.
    fn rank(&self) -> u64 {
        let severity = (Severity::Critical as u64) - (self.severity as u64);
        (severity << TIME_BITS) | newest_first(self.updated_at)
    }

    fn fields() -> &'static [Field] {
        fields::FINDING_FIELDS
    }

    fn first_text(&self, field: Field) -> Option<&str> {
        match field {
            Field::Type => self.types.first().map(|t| &**t),
            Field::Resource => self.resources.first().map(|r| &*r.id),
            _ => match self.value(field) {
                Value::Text(t) | Value::Account(t) | Value::Status(t, _) => Some(t),
                _ => None,
            },
        }
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Severity => Value::Severity(self.severity),
            Field::Account => Value::Account(&self.account_id),
            Field::Region => Value::Text(&self.region),
            Field::Product => Value::Text(&self.product),
            Field::Type => Value::Texts(self.types.iter().map(|t| &**t).collect()),
            Field::Status => Value::Status(self.workflow_status.label(), self.is_open()),
            Field::Resource => Value::Texts(self.resources.iter().map(|r| &*r.id).collect()),
            Field::Control => self
                .control_id
                .as_deref()
                .map_or(Value::Missing, Value::Text),
            Field::Title => Value::Text(&self.title),
            Field::Generator => Value::Text(&self.generator_id),
            Field::Age => Value::Time(self.updated_at),
            _ => Value::Missing,
        }
    }

    fn search_parts<'a>(&'a self, accounts: &'a Accounts, parts: &mut Vec<&'a str>) {
        parts.extend([
            self.severity.label(),
            &self.title,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            &self.product,
            self.workflow_status.label(),
            self.control_id.as_deref().unwrap_or(""),
        ]);
        parts.extend(self.types.iter().map(|t| &**t));
        parts.extend(self.resources.iter().map(|r| &*r.id));
    }
}

impl Keyed for CredentialRecord {
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(CredentialRecord::key(self))
    }

    fn fields() -> &'static [Field] {
        fields::CREDENTIAL_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Account => Value::Account(&self.account_id),
            Field::User => Value::Text(&self.user),
            Field::Keys => Value::Text(match self.active_keys().count() {
                0 => "0",
                1 => "1",
                2 => "2",
                // The report has two key columns; more can only come from an export.
                _ => "3+",
            }),
            _ => Value::Missing,
        }
    }

    fn search_parts<'a>(&'a self, accounts: &'a Accounts, parts: &mut Vec<&'a str>) {
        parts.extend([
            &*self.user,
            &self.arn,
            &self.account_id,
            accounts.name(&self.account_id),
            if self.mfa_active { "mfa" } else { "no-mfa" },
        ]);
    }
}

impl Keyed for Exposure {
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(Exposure::key(self))
    }

    fn fields() -> &'static [Field] {
        fields::EXPOSURE_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Account => Value::Account(&self.account_id),
            Field::Region => Value::Text(&self.region),
            Field::Type => Value::Text(&self.resource_type),
            Field::Resource => Value::Text(&self.resource),
            Field::Access => Value::Texts(vec![
                if self.is_public {
                    "public"
                } else {
                    "cross-account"
                },
                &self.principal,
                self.external_account.as_deref().unwrap_or(""),
            ]),
            Field::Source => Value::Text(&self.source),
            Field::Age => Value::Time(self.updated_at),
            _ => Value::Missing,
        }
    }

    fn search_parts<'a>(&'a self, accounts: &'a Accounts, parts: &mut Vec<&'a str>) {
        parts.extend([
            &*self.resource,
            &self.resource_type,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            &self.principal,
            if self.is_public {
                "public"
            } else {
                "cross-account"
            },
        ]);
        parts.extend(self.actions.iter().map(String::as_str));
    }
}

impl Keyed for ComplianceResult {
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(ComplianceResult::key(self))
    }

    fn fields() -> &'static [Field] {
        fields::COMPLIANCE_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Rule => Value::Text(&self.rule),
            Field::Status => Value::Text(&self.compliance_type),
            Field::Account => self
                .account_id
                .as_deref()
                .map_or(Value::Missing, Value::Account),
            Field::Region => self.region.as_deref().map_or(Value::Missing, Value::Text),
            Field::Type => Value::Text(&self.resource_type),
            Field::Resource => Value::Text(&self.resource_id),
            Field::Age => self.recorded_at.map_or(Value::Missing, Value::Time),
            _ => Value::Missing,
        }
    }

    fn search_parts<'a>(&'a self, accounts: &'a Accounts, parts: &mut Vec<&'a str>) {
        let account = self.account_id.as_deref().unwrap_or("");
        parts.extend([
            &*self.rule,
            &self.compliance_type,
            &self.resource_type,
            &self.resource_id,
            account,
            accounts.name(account),
            self.region.as_deref().unwrap_or(""),
            self.annotation.as_deref().unwrap_or(""),
        ]);
    }
}

impl Keyed for TrailEvent {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.event_id)
    }

    const RANKED: bool = true;

    /// Newest first: the activity pane's order, which a first visit sorted 666,697 events
    /// in by their records (300 ms at a million findings).
    fn rank(&self) -> u64 {
        newest_first(self.event_time)
    }

    fn fields() -> &'static [Field] {
        fields::EVENT_FIELDS
    }

    fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::Account => Value::Account(&self.account_id),
            Field::Region => Value::Text(&self.region),
            Field::User => Value::Text(&self.username),
            Field::Event => Value::Text(&self.event_name),
            Field::Source => Value::Text(&self.event_source),
            Field::Detection => Value::Texts(self.detections.iter().map(|d| d.as_str()).collect()),
            // A failed call's error code; "ok" for a call that succeeded.
            Field::Status => Value::Text(self.error_code.as_deref().unwrap_or("ok")),
            Field::Age => Value::Time(self.event_time),
            _ => Value::Missing,
        }
    }

    fn search_parts<'a>(&'a self, accounts: &'a Accounts, parts: &mut Vec<&'a str>) {
        parts.extend([
            &*self.event_name,
            &self.event_source,
            &self.username,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            self.source_ip.as_deref().unwrap_or(""),
            self.error_code.as_deref().unwrap_or(""),
        ]);
        parts.extend(self.detections.iter().map(CompactString::as_str));
    }
}
