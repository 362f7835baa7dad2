//! The fields a filter can name (`sev>=high acct:prod-payments age<2d`), and what each
//! record holds for them. Free words still search the whole row; a field term looks at
//! one value only, so `acct:prod` does not match a title that mentions "prod".

use super::Accounts;
use crate::model::Severity;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Severity,
    Account,
    Region,
    Product,
    Type,
    Status,
    Resource,
    Control,
    Title,
    User,
    Rule,
    Event,
    Source,
    Detection,
    Access,
    Age,
    /// A credential's risk flags (`risk:old-key`), worked out by the pane.
    Risk,
    /// A public-access row's marks (`mark:public+macie`), worked out by the pane.
    Mark,
    /// A finding's generator (`gen:access-analyzer/unused`).
    Generator,
    /// How many active access keys a credential record has (`keys=1,2`).
    Keys,
}

/// Names and aliases, the first being the one the help shows.
const NAMES: [(Field, &[&str]); 20] = [
    (Field::Severity, &["sev", "severity"]),
    (Field::Account, &["acct", "account"]),
    (Field::Region, &["region"]),
    (Field::Product, &["product"]),
    (Field::Type, &["type"]),
    (Field::Status, &["status"]),
    (Field::Resource, &["res", "resource"]),
    (Field::Control, &["control"]),
    (Field::Title, &["title"]),
    (Field::User, &["user"]),
    (Field::Rule, &["rule"]),
    (Field::Event, &["event"]),
    (Field::Source, &["source"]),
    (Field::Detection, &["det", "detection"]),
    (Field::Access, &["access"]),
    (Field::Age, &["age"]),
    (Field::Risk, &["risk"]),
    (Field::Mark, &["mark"]),
    (Field::Generator, &["gen", "generator"]),
    (Field::Keys, &["keys"]),
];

/// The public-access pane's marks (what it shows in its Marks column), then the flags the
/// overview counts by: `public` and `outside` (access to an account not watched).
pub const MARK_NAMES: &[&str] = &[
    "public+macie",
    "public-write",
    "outside-trust",
    "public",
    "outside",
];

impl Field {
    pub fn parse(name: &str) -> Option<Field> {
        let name = name.to_ascii_lowercase();
        NAMES
            .iter()
            .find(|(_, names)| names.contains(&name.as_str()))
            .map(|(f, _)| *f)
    }

    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, names)| names[0])
    }

    /// Every spelling, the help's first.
    pub fn names(self) -> &'static [&'static str] {
        NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or(&[], |(_, names)| names)
    }

    /// For a flag field, the flags it can hold: a value outside them is an error, not a
    /// term that matches nothing.
    pub fn flag_names(self) -> Option<&'static [&'static str]> {
        match self {
            Field::Risk => Some(crate::model::CredentialRisk::NAMES),
            Field::Mark => Some(MARK_NAMES),
            _ => None,
        }
    }

    /// Worked out from more than the record (the time, the thresholds, other tables): the
    /// pane supplies the flags of each row.
    pub fn is_derived(self) -> bool {
        self.flag_names().is_some()
    }

    /// Compared with `<`, `>=`...; the others match with `:` (contains).
    pub fn is_ordered(self) -> bool {
        matches!(self, Field::Severity | Field::Age)
    }
}

/// What a record holds for a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    /// An account id; `acct:` also matches the account's display name.
    Account(&'a str),
    /// Any of these (a finding's types or resources).
    Texts(Vec<&'a str>),
    /// A finding's workflow status, and whether the finding is open (NEW or NOTIFIED on
    /// an active record), for `status:open`.
    Status(&'a str, bool),
    Severity(Severity),
    Time(DateTime<Utc>),
    Missing,
}

/// The fields of each kind of record, in the order the help lists them.
pub const FINDING_FIELDS: &[Field] = &[
    Field::Severity,
    Field::Account,
    Field::Region,
    Field::Product,
    Field::Type,
    Field::Status,
    Field::Resource,
    Field::Control,
    Field::Title,
    Field::Generator,
    Field::Age,
];
pub const CREDENTIAL_FIELDS: &[Field] = &[Field::Account, Field::User, Field::Keys, Field::Risk];
pub const EXPOSURE_FIELDS: &[Field] = &[
    Field::Account,
    Field::Region,
    Field::Type,
    Field::Resource,
    Field::Access,
    Field::Source,
    Field::Mark,
    Field::Age,
];
pub const COMPLIANCE_FIELDS: &[Field] = &[
    Field::Rule,
    Field::Status,
    Field::Account,
    Field::Region,
    Field::Type,
    Field::Resource,
    Field::Age,
];
pub const EVENT_FIELDS: &[Field] = &[
    Field::Account,
    Field::Region,
    Field::User,
    Field::Event,
    Field::Source,
    Field::Detection,
    Field::Status,
    Field::Age,
];

/// The accounts whose display name contains `needle`: worked out once per filter, so that
/// a row's `acct:` test is a lookup, not a name search.
pub fn accounts_named<'a>(accounts: &'a Accounts, needle: &str) -> Vec<&'a str> {
    accounts
        .iter()
        .filter(|a| contains(&a.name, needle))
        .map(|a| a.id.as_str())
        .collect()
}

/// Case-insensitive containment; `needle` is already lowercase.
pub fn contains(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

impl Value<'_> {
    /// For `field:text`.
    pub fn contains(&self, needle: &str) -> bool {
        match self {
            Value::Text(t) | Value::Account(t) | Value::Status(t, _) => contains(t, needle),
            Value::Texts(list) => list.iter().any(|t| contains(t, needle)),
            Value::Severity(s) => contains(s.label(), needle),
            Value::Time(_) | Value::Missing => false,
        }
    }
}
