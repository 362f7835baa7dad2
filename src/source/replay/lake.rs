//! CloudTrail Lake query results (`aws cloudtrail get-query-results`): each row a list of
//! one-key objects, every value a string. A row is merged into one record: column names
//! are mapped to CloudTrail's (Lake may give them in lower case, `eventname`,
//! `useridentity`), and an object column's text is decoded, as JSON when it is JSON and as
//! Trino's `{key=value, ...}` when every pair of it reads unambiguously; otherwise it is
//! kept as text, since a wrong split would invent fields.

use super::formats::{Batch, Format};
use serde_json::{Map, Value};

/// CloudTrail's record fields, for the names Lake gives in lower case.
const FIELDS: &[&str] = &[
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "serviceEventDetails",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "tlsDetails",
    "insightDetails",
];

/// The fields inside `userIdentity`, `tlsDetails` and `addendum` (structs in Lake's schema,
/// whose field names come back in lower case too).
const STRUCT_FIELDS: &[&str] = &[
    "type",
    "principalId",
    "arn",
    "accountId",
    "accessKeyId",
    "userName",
    "invokedBy",
    "sessionContext",
    "sessionIssuer",
    "attributes",
    "creationDate",
    "mfaAuthenticated",
    "webIdFederationData",
    "federatedProvider",
    "sourceIdentity",
    "ec2RoleDelivery",
    "assumedRoot",
    "identityProvider",
    "credentialId",
    "onBehalfOf",
    "userId",
    "identityStoreArn",
    "inScopeOf",
    "issuerType",
    "credentialsIssuedTo",
    "tlsVersion",
    "cipherSuite",
    "clientProvidedHostHeader",
    "reason",
    "updatedFields",
    "originalRequestID",
    "originalEventID",
];

/// A `resources` element's fields: its `ARN` is upper case.
const RESOURCE_FIELDS: &[&str] = &["ARN", "accountId", "type"];

/// Columns whose value is an object (or a list of them) in a record.
const OBJECT_COLUMNS: &[&str] = &[
    "userIdentity",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "resources",
    "serviceEventDetails",
    "tlsDetails",
    "addendum",
    "edgeDeviceDetails",
    "insightDetails",
];

/// The rows of a Lake result, if `v` is one.
pub(super) fn from_value(v: &Value) -> Option<(Format, Batch)> {
    let rows = v.get("QueryResultRows")?.as_array()?;
    let mut b = Batch::default();
    for (i, row) in rows.iter().enumerate() {
        if !b.room() {
            break;
        }
        match merge(row) {
            Ok(record) => b.add_trail_in("row", i, &record),
            Err(why) => b.reject("row", i, why),
        }
    }
    Some((Format::CloudTrailLake, b))
}

fn canonical<'a>(name: &'a str, names: &[&'static str]) -> &'a str {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .copied()
        .unwrap_or(name)
}

/// One row as one record.
fn merge(row: &Value) -> Result<Value, &'static str> {
    let cells = row.as_array().ok_or("expected a list of columns")?;
    let mut record = Map::new();
    for cell in cells {
        let Value::Object(cell) = cell else {
            return Err("expected each column as a {\"name\": value} object");
        };
        for (name, value) in cell {
            insert(&mut record, name, value);
        }
    }
    Ok(Value::Object(record))
}

/// A column into the record; `userIdentity.arn` (a column named by its path) goes inside
/// `userIdentity`.
fn insert(record: &mut Map<String, Value>, name: &str, value: &Value) {
    let (top, rest) = match name.split_once('.') {
        Some((top, rest)) => (top, Some(rest)),
        None => (name, None),
    };
    let top = canonical(top, FIELDS).to_string();
    let Some(rest) = rest else {
        let decoded = decode(&top, value);
        record.insert(top, decoded);
        return;
    };
    let mut at = record
        .entry(top)
        .or_insert_with(|| Value::Object(Map::new()));
    let mut parts = rest.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(m) = at else {
            // A whole column and one of its parts both selected: the whole one stands.
            return;
        };
        let key = canonical(part, STRUCT_FIELDS).to_string();
        if parts.peek().is_none() {
            m.insert(key, value.clone());
            return;
        }
        at = m.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// A column's value: an object column's text decoded, other values as they are (Lake's
/// `"true"` and times as text are read as such by the record parser).
fn decode(column: &str, value: &Value) -> Value {
    let Value::String(text) = value else {
        return value.clone();
    };
    let t = text.trim();
    if !OBJECT_COLUMNS.contains(&column) || !(t.starts_with('{') || t.starts_with('[')) {
        return value.clone();
    }
    let Some(tree) = serde_json::from_str(t).ok().or_else(|| trino(t)) else {
        return value.clone();
    };
    match column {
        "userIdentity" | "tlsDetails" | "addendum" => rename(tree, STRUCT_FIELDS),
        "resources" => rename(tree, RESOURCE_FIELDS),
        // Maps (request parameters, response elements): their keys are the service's.
        _ => tree,
    }
}

/// Every key of a struct (and of the structs in it) as CloudTrail spells it.
fn rename(v: Value, names: &[&'static str]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (canonical(&k, names).to_string(), rename(v, names)))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(|v| rename(v, names)).collect()),
        other => other,
    }
}

/// Trino's text for a row, map or array (`{type=IAMUser, sessioncontext={...}}`,
/// `[{arn=...}]`), or `None` when any part of it is ambiguous.
fn trino(text: &str) -> Option<Value> {
    let mut p = Trino {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.nested()?;
    p.skip_spaces();
    (p.i == p.s.len()).then_some(v)
}

struct Trino<'a> {
    s: &'a [u8],
    i: usize,
}

impl Trino<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn nested(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.list(),
            _ => None,
        }
    }

    /// `{key=value, ...}`: a key is name characters followed by `=`. A value holding `, `
    /// fails here, at the next "key", which is what makes a split unambiguous.
    fn object(&mut self) -> Option<Value> {
        self.i += 1;
        let mut m = Map::new();
        self.skip_spaces();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(Value::Object(m));
        }
        loop {
            self.skip_spaces();
            let start = self.i;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b"_-:@.".contains(&b))
            {
                self.i += 1;
            }
            if self.i == start || self.peek() != Some(b'=') {
                return None;
            }
            let key = std::str::from_utf8(&self.s[start..self.i])
                .ok()?
                .to_string();
            self.i += 1;
            let value = self.value(b'}')?;
            m.insert(key, value);
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(Value::Object(m));
                }
                _ => return None,
            }
        }
    }

    fn list(&mut self) -> Option<Value> {
        self.i += 1;
        let mut list = Vec::new();
        self.skip_spaces();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(Value::Array(list));
        }
        loop {
            self.skip_spaces();
            list.push(self.value(b']')?);
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Value::Array(list));
                }
                _ => return None,
            }
        }
    }

    /// A value up to the next `,` or the closing bracket; `null` is null, anything else
    /// text (Lake's booleans and numbers are text too).
    fn value(&mut self, close: u8) -> Option<Value> {
        if matches!(self.peek()?, b'{' | b'[') {
            return self.nested();
        }
        let start = self.i;
        while self.peek().is_some_and(|b| b != b',' && b != close) {
            if matches!(self.peek(), Some(b'{' | b'[' | b'}' | b']')) {
                return None;
            }
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?.trim();
        Some(match text {
            "null" => Value::Null,
            _ => Value::String(text.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trino_text_reads_only_when_unambiguous() {
        let who = "{type=IAMUser, principalid=AIDATFQR7NSC5AU2ZV3IE, \
            arn=arn:aws:iam::123837392027:user/bert-jan, accountid=123837392027, \
            accesskeyid=AKIATFQR7NSC8Q4X20BJ, username=bert-jan, sessioncontext={attributes={\
            creationdate=2023-07-10 11:54:38.000, mfaauthenticated=false}, sessionissuer=null}, \
            invokedby=null}";
        let v = decode("userIdentity", &json!(who));
        assert_eq!(v["type"], "IAMUser");
        assert_eq!(v["userName"], "bert-jan");
        assert_eq!(v["accessKeyId"], "AKIATFQR7NSC8Q4X20BJ");
        assert_eq!(
            v["sessionContext"]["attributes"]["mfaAuthenticated"],
            "false"
        );
        assert_eq!(v["invokedBy"], Value::Null);
        let resources = decode(
            "resources",
            &json!("[{accountid=123837392027, type=AWS::S3::Bucket, arn=arn:aws:s3:::b}]"),
        );
        assert_eq!(resources[0]["ARN"], "arn:aws:s3:::b");
        // Map keys are the service's own, left as they are.
        let params = decode(
            "requestParameters",
            &json!("{bucketName=b, Host=b.s3.amazonaws.com}"),
        );
        assert_eq!(
            params,
            json!({"bucketName": "b", "Host": "b.s3.amazonaws.com"})
        );
        // A value with a comma of its own, or JSON inside: kept as the text it was.
        for odd in [
            "{userAgent=aws-cli/2.0, Python/3.8}",
            "{bucketPolicy={\"Version\": \"2012-10-17\"}, bucketName=b}",
            "{a=1",
            "{=1}",
        ] {
            assert_eq!(
                decode("requestParameters", &json!(odd)),
                json!(odd),
                "{odd}"
            );
        }
        // JSON text is JSON.
        let json_text = decode("requestParameters", &json!("{\"name\": \"trail\"}"));
        assert_eq!(json_text, json!({"name": "trail"}));
        // Not an object column: as it was.
        assert_eq!(decode("userAgent", &json!("{x=y}")), json!("{x=y}"));
    }

    #[test]
    fn a_row_merges_into_one_record_with_cloudtrail_names() {
        let row = json!([{"eventid": "e"}, {"EVENTNAME": "StopLogging"},
            {"useridentity.arn": "arn:aws:iam::1:user/a"}, {"useridentity.username": "a"},
            {"something": "kept"}]);
        let record = merge(&row).unwrap();
        assert_eq!(
            record,
            json!({"eventID": "e", "eventName": "StopLogging", "something": "kept",
                "userIdentity": {"arn": "arn:aws:iam::1:user/a", "userName": "a"}})
        );
        assert!(merge(&json!({"eventid": "e"})).is_err());
        assert!(merge(&json!([["eventid", "e"]])).is_err());
    }
}
