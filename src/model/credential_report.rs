//! The IAM credential report CSV (`GetCredentialReport`'s `Content`), parsed by column name.
//!
//! Quirks handled: `N/A`, `no_information` and `not_supported` mean "no value"; booleans
//! come in either case; the root row's user is `<root_account>`; the content may arrive
//! base64-encoded as the API returns it.

use super::clock::parse_rfc3339;
use super::credential::{AccessKey, CredentialRecord};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("line 1: the header has no `{0}` column; this is not an IAM credential report")]
    MissingColumn(&'static str),
    #[error("line {line}, column `{column}`: expected {expected}, found `{found}`")]
    BadValue {
        line: u64,
        column: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}

pub const ROOT_USER: &str = "<root_account>";
const SENTINELS: [&str; 3] = ["N/A", "no_information", "not_supported"];

/// Parses a credential report's CSV text.
pub fn parse(csv_text: &[u8]) -> Result<Vec<CredentialRecord>, ReportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|e| ReportError::Csv {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let cols: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    for required in ["user", "arn", "mfa_active"] {
        if !cols.contains_key(required) {
            return Err(ReportError::MissingColumn(required));
        }
    }
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| ReportError::Csv {
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: e.to_string(),
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let get = |name: &str| -> Option<&str> {
            cols.get(name)
                .and_then(|&i| row.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty() && !SENTINELS.contains(v))
        };
        let time = |name: &'static str| -> Result<Option<DateTime<Utc>>, ReportError> {
            match get(name) {
                None => Ok(None),
                Some(v) => parse_rfc3339(v)
                    .map(Some)
                    .ok_or_else(|| ReportError::BadValue {
                        line,
                        column: name,
                        expected: "an ISO 8601 timestamp, N/A, no_information or not_supported",
                        found: v.to_string(),
                    }),
            }
        };
        let boolean = |name: &'static str| -> Result<Option<bool>, ReportError> {
            match get(name) {
                None => Ok(None),
                Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
                Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
                Some(v) => Err(ReportError::BadValue {
                    line,
                    column: name,
                    expected: "true or false",
                    found: v.to_string(),
                }),
            }
        };
        let user = get("user").unwrap_or_default().to_string();
        let arn = get("arn").unwrap_or_default().to_string();
        let mut access_keys = Vec::new();
        for slot in [1u8, 2] {
            let (active, rotated, used, region, service) = if slot == 1 {
                (
                    "access_key_1_active",
                    "access_key_1_last_rotated",
                    "access_key_1_last_used_date",
                    "access_key_1_last_used_region",
                    "access_key_1_last_used_service",
                )
            } else {
                (
                    "access_key_2_active",
                    "access_key_2_last_rotated",
                    "access_key_2_last_used_date",
                    "access_key_2_last_used_region",
                    "access_key_2_last_used_service",
                )
            };
            let is_active = boolean(active)?.unwrap_or(false);
            let last_rotated = time(rotated)?;
            // A slot holds a key when it is active or has ever been rotated (created).
            if is_active || last_rotated.is_some() {
                access_keys.push(AccessKey {
                    slot,
                    active: is_active,
                    last_rotated,
                    last_used: time(used)?,
                    last_used_service: get(service).map(str::to_string),
                    last_used_region: get(region).map(str::to_string),
                });
            }
        }
        out.push(CredentialRecord {
            account_id: account_from_arn(&arn),
            is_root: user == ROOT_USER,
            user,
            arn,
            user_creation_time: time("user_creation_time")?,
            password_enabled: boolean("password_enabled")?,
            password_last_used: time("password_last_used")?,
            password_last_changed: time("password_last_changed")?,
            mfa_active: boolean("mfa_active")?.unwrap_or(false),
            access_keys,
        });
    }
    Ok(out)
}

/// `arn:aws:iam::123456789012:user/x` -> `123456789012`.
pub fn account_from_arn(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::619193117841:root,2007-10-13T16:49:50+00:00,not_supported,2016-11-25T14:19:48+00:00,not_supported,not_supported,false,true,2011-08-19T05:12:23+00:00,2015-07-04T15:09:00+00:00,us-east-1,s3,false,2007-10-13T16:49:50+00:00,N/A,N/A,N/A,true,2008-06-25T02:07:10+00:00,false,N/A
kaleb,arn:aws:iam::619193117841:user/kaleb,2016-07-05T23:57:09+00:00,TRUE,no_information,2016-07-05T23:59:36+00:00,N/A,FALSE,true,2016-07-05T23:57:09+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn parses_root_and_sentinels() {
        let rows = parse(REPORT.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        let root = &rows[0];
        assert!(root.is_root);
        assert_eq!(root.user, ROOT_USER);
        assert_eq!(root.account_id, "619193117841");
        assert_eq!(root.password_enabled, None);
        assert_eq!(
            root.access_keys.len(),
            2,
            "slot 2 was rotated once, so it holds a key"
        );
        assert_eq!(root.access_keys[0].last_used_service.as_deref(), Some("s3"));
        let kaleb = &rows[1];
        assert_eq!(kaleb.password_enabled, Some(true));
        assert_eq!(kaleb.password_last_used, None);
        assert!(!kaleb.mfa_active);
        assert_eq!(kaleb.access_keys.len(), 1);
    }

    #[test]
    fn bad_values_name_line_and_column() {
        let text = REPORT.replace("FALSE,true,2016", "maybe,true,2016");
        let err = parse(text.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("line 3, column `mfa_active`: expected true or false"),
            "{err}"
        );
    }

    #[test]
    fn not_a_report() {
        assert_eq!(
            parse(b"a,b\n1,2\n").unwrap_err(),
            ReportError::MissingColumn("user")
        );
    }
}
