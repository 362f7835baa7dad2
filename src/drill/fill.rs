//! A runbook's commands filled with the finding's own values: its key id, instance id,
//! bucket, user, account, region, detector and finding ids replace the placeholders
//! (`KEY_ID`, `INSTANCE_ID`, `BUCKET`, ...) so a responder copies a command that is ready
//! to read and run. A placeholder stays where the finding has no value for it.

use crate::model::{Finding, TrailEvent};
use serde_json::Value;

/// Placeholder names and the values that replace them.
pub type Values = Vec<(&'static str, String)>;

/// Replaces whole placeholder words (runs of `A-Z`, `0-9` and `_`) that `values` names;
/// `KEY` is not replaced inside `KEY_ID`, nor `USER` inside `USERNAME`.
pub fn fill(command: &str, values: &Values) -> String {
    if values.is_empty() {
        return command.to_string();
    }
    let word = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
    let mut out = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(start) = rest.find(word) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !word(c)).unwrap_or(tail.len());
        let token = &tail[..end];
        // Only a whole word: not the end of `arn:aws:iam::aws:policy/AWSDenyAll`'s letters
        // after a lower-case run.
        let glued = out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        match values.iter().find(|(k, _)| *k == token) {
            Some((_, v)) if !glued => out.push_str(v),
            _ => out.push_str(token),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn push(values: &mut Values, key: &'static str, value: &str) {
    if !value.is_empty() && !values.iter().any(|(k, _)| *k == key) {
        values.push((key, value.to_string()));
    }
}

/// What a finding knows for the placeholders: account, region, and each resource's id by
/// its kind; for GuardDuty, the detector and finding ids and the access key's user.
pub fn for_finding(f: &Finding) -> Values {
    let mut v = Values::new();
    push(&mut v, "ACCOUNT_ID", &f.account_id);
    push(&mut v, "REGION", &f.region);
    for r in &f.resources {
        let short = r.short_id();
        let arn = if r.id.starts_with("arn:") { &*r.id } else { "" };
        match &*r.kind {
            "AwsIamAccessKey" => {
                let key = r.id.rsplit(['/', ':']).next().unwrap_or(&r.id);
                push(&mut v, "KEY_ID", key);
                push(&mut v, "ACCESS_KEY_ID", key);
            }
            "AwsEc2Instance" => push(&mut v, "INSTANCE_ID", short),
            "AwsS3Bucket" => push(&mut v, "BUCKET", short),
            "AwsIamUser" => push(&mut v, "USER", short),
            "AwsIamRole" => push(&mut v, "ROLE", short),
            "AwsLambdaFunction" => push(&mut v, "FUNCTION", short),
            "AwsRdsDbInstance" => push(&mut v, "DB_INSTANCE_ID", short),
            "AwsEc2SecurityGroup" => push(&mut v, "GROUP_ID", short),
            "AwsEc2Volume" => push(&mut v, "VOLUME_ID", short),
            "AwsEc2Snapshot" | "AwsRdsDbSnapshot" => push(&mut v, "SNAPSHOT_ID", short),
            "AwsKmsKey" => {
                push(&mut v, "KEY_ARN", arn);
                push(&mut v, "KMS_KEY_ID", short);
            }
            "AwsEksCluster" => push(&mut v, "CLUSTER", short),
            "AwsSecretsManagerSecret" => push(&mut v, "SECRET_ID", short),
            _ => {}
        }
    }
    if crate::model::guardduty_action::is_guardduty(f) {
        // The finding's ARN: arn:aws:guardduty:REGION:ACCOUNT:detector/DETECTOR/finding/ID.
        let mut parts = f.id.split('/');
        if let (Some(_), Some(detector), Some("finding"), Some(id)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            push(&mut v, "DETECTOR_ID", detector);
            push(&mut v, "FINDING_ID", id);
        }
        let raw = f.raw.to_value();
        let text = |paths: &[&str]| {
            paths
                .iter()
                .find_map(|p| raw.pointer(p).and_then(Value::as_str))
                .unwrap_or_default()
        };
        let name = text(&[
            "/Resource/AccessKeyDetails/UserName",
            "/Resources/0/Details/AwsIamAccessKey/PrincipalName",
            "/Resources/0/Details/AwsIamAccessKey/UserName",
        ]);
        let kind = text(&[
            "/Resource/AccessKeyDetails/UserType",
            "/Resources/0/Details/AwsIamAccessKey/PrincipalType",
        ]);
        // A role's session names the role; a user's key, the user.
        match kind {
            "AssumedRole" => push(&mut v, "ROLE", name),
            "Root" => {}
            _ => push(&mut v, "USER", name),
        }
        if let Some(a) = crate::model::guardduty_action::action(f) {
            push(&mut v, "IP", a.remote_ip.as_deref().unwrap_or_default());
            push(&mut v, "DOMAIN", a.domain.as_deref().unwrap_or_default());
        }
    }
    v
}

/// What a CloudTrail event knows: its account, region, caller and access key.
pub fn for_event(e: &TrailEvent) -> Values {
    let mut v = Values::new();
    push(&mut v, "ACCOUNT_ID", &e.account_id);
    push(&mut v, "REGION", &e.region);
    if let Some(k) = &e.access_key_id {
        push(&mut v, "KEY_ID", k);
        push(&mut v, "ACCESS_KEY_ID", k);
    }
    if !e.username.contains('/') && e.username != "root" {
        push(&mut v, "USER", &e.username);
    }
    push(&mut v, "IP", e.source_ip.as_deref().unwrap_or_default());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item8_whole_placeholders_only() {
        let v: Values = vec![
            ("KEY_ID", "AKIAEXAMPLE".into()),
            ("USER", "alice".into()),
            ("KEY", "nope".into()),
        ];
        assert_eq!(
            fill("aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive", &v),
            "aws iam update-access-key --user-name alice --access-key-id AKIAEXAMPLE --status Inactive"
        );
        // Not inside a longer name, nor glued to lower-case letters.
        assert_eq!(
            fill("USERNAME KEY_ID_2 policy/AWSDenyAll", &v),
            "USERNAME KEY_ID_2 policy/AWSDenyAll"
        );
        assert_eq!(
            fill("--bucket BUCKET", &v),
            "--bucket BUCKET",
            "no value: the placeholder stays"
        );
    }
}
