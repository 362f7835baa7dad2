//! Detections over CloudTrail activity: stable rule ids on the events they fire on.
//!
//! The contract (`../shared/design.md` section 6): a call that failed (`errorCode` set)
//! fires only rules about failures; "another user" means the key's owner is not the
//! caller, whatever the caller is. Per-event rules look at one record; the two burst rules
//! slide a 10-minute window over events sorted by time, O(n log n).

use crate::model::TrailEvent;
use chrono::Duration;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Fires on failed calls (and only on those); the others fire only on successes.
    pub on_failure: bool,
}

pub const RULES: &[Rule] = &[
    Rule { id: "cloudtrail-stopped", title: "CloudTrail logging stopped or a trail deleted", description: "StopLogging, DeleteTrail, or an UpdateTrail/PutEventSelectors that turns management events off.", on_failure: false },
    Rule { id: "root-activity", title: "The root user acted", description: "A successful call made with root credentials (not by an AWS service).", on_failure: false },
    Rule { id: "console-login-without-mfa", title: "Console sign-in without MFA", description: "A successful ConsoleLogin by an IAM user without MFA.", on_failure: false },
    Rule { id: "access-key-created-for-other-user", title: "Access key created for another user", description: "CreateAccessKey for a user other than the caller: a common persistence step.", on_failure: false },
    Rule { id: "admin-policy-attached", title: "Administrator access granted", description: "AdministratorAccess attached, or an inline policy allowing * on *.", on_failure: false },
    Rule { id: "snapshot-shared-publicly", title: "Snapshot shared publicly", description: "An EBS or RDS snapshot's restore permission opened to everyone.", on_failure: false },
    Rule { id: "snapshot-shared-with-account", title: "Snapshot shared with another account", description: "An EBS or RDS snapshot's restore permission granted to a named account: a common exfiltration step.", on_failure: false },
    Rule { id: "bucket-made-public", title: "S3 bucket made public", description: "A bucket policy with Principal * and no condition, or an ACL granting AllUsers.", on_failure: false },
    Rule { id: "role-trust-modified", title: "Role trust policy changed", description: "UpdateAssumeRolePolicy: who may assume a role changed.", on_failure: false },
    Rule { id: "console-login-failures", title: "Burst of failed console sign-ins", description: "5 or more failed ConsoleLogin from one IP or for one user within 10 minutes.", on_failure: true },
    Rule { id: "access-denied-spree", title: "Access-denied spree", description: "10 or more AccessDenied or UnauthorizedOperation errors by one principal within 10 minutes.", on_failure: true },
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The event names a single-event rule looks at. Any other event needs its raw record
/// only when the caller may be root: decoding every record was most of the cost of
/// judging a million events.
const NAMES_WITH_RULES: &[&str] = &[
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "ConsoleLogin",
    "CreateAccessKey",
    "AttachUserPolicy",
    "AttachRolePolicy",
    "AttachGroupPolicy",
    "PutUserPolicy",
    "PutRolePolicy",
    "PutGroupPolicy",
    "ModifySnapshotAttribute",
    "ModifyDBSnapshotAttribute",
    "ModifyDBClusterSnapshotAttribute",
    "PutBucketPolicy",
    "PutBucketAcl",
    "UpdateAssumeRolePolicy",
];

/// Fills every event's `detections` (replacing what was there).
pub fn detect_all(events: &mut [TrailEvent]) {
    for e in events.iter_mut() {
        e.detections.clear();
        if e.failed() {
            continue;
        }
        let needs_raw = NAMES_WITH_RULES.contains(&e.event_name.as_str()) || e.username == "root";
        let raw = if needs_raw {
            e.raw.to_value()
        } else {
            Value::Null
        };
        let ids = single_event_rules(e, &raw);
        e.detections.extend(ids.into_iter().map(Into::into));
    }
    burst(events, "console-login-failures", 5, |e| {
        (e.event_name == "ConsoleLogin" && e.failed()).then(|| {
            vec![
                format!("ip:{}", e.source_ip.as_deref().unwrap_or("")),
                format!("user:{}/{}", e.account_id, e.username),
            ]
        })
    });
    burst(events, "access-denied-spree", 10, |e| {
        let denied = e.error_code.as_deref().is_some_and(|c| {
            c.contains("AccessDenied")
                || c.contains("UnauthorizedOperation")
                || c == "Client.UnauthorizedOperation"
        });
        (denied && e.event_name != "ConsoleLogin").then(|| {
            vec![e
                .principal_arn
                .as_deref()
                .unwrap_or(&e.username)
                .to_string()]
        })
    });
}

fn single_event_rules(e: &TrailEvent, raw: &Value) -> Vec<&'static str> {
    let req = raw.get("requestParameters").unwrap_or(&Value::Null);
    let identity_type = raw
        .pointer("/userIdentity/type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut out = Vec::new();
    let name = e.event_name.as_str();
    match name {
        "StopLogging" | "DeleteTrail" => out.push("cloudtrail-stopped"),
        "UpdateTrail" if req.get("isMultiRegionTrail") == Some(&Value::Bool(false)) => {
            out.push("cloudtrail-stopped")
        }
        "PutEventSelectors" if disables_management_events(req) => out.push("cloudtrail-stopped"),
        _ => {}
    }
    if identity_type == "Root" && raw.pointer("/userIdentity/invokedBy").is_none() {
        out.push("root-activity");
    }
    if name == "ConsoleLogin"
        && identity_type == "IAMUser"
        && raw
            .pointer("/additionalEventData/MFAUsed")
            .and_then(Value::as_str)
            == Some("No")
        && raw
            .pointer("/responseElements/ConsoleLogin")
            .and_then(Value::as_str)
            != Some("Failure")
    {
        out.push("console-login-without-mfa");
    }
    if name == "CreateAccessKey" {
        let target = req.get("userName").and_then(Value::as_str);
        let caller = raw
            .pointer("/userIdentity/userName")
            .and_then(Value::as_str);
        // No userName means the caller's own key; any other named user is "another user".
        if matches!((target, caller), (Some(t), c) if Some(t) != c) {
            out.push("access-key-created-for-other-user");
        }
    }
    let policy_arn = req.get("policyArn").and_then(Value::as_str).unwrap_or("");
    let attach = matches!(
        name,
        "AttachUserPolicy" | "AttachRolePolicy" | "AttachGroupPolicy"
    ) && policy_arn.ends_with("/AdministratorAccess");
    let put = matches!(name, "PutUserPolicy" | "PutRolePolicy" | "PutGroupPolicy")
        && allows_star_on_star(req.get("policyDocument"));
    if attach || put {
        out.push("admin-policy-attached");
    }
    if matches!(
        name,
        "ModifySnapshotAttribute"
            | "ModifyDBSnapshotAttribute"
            | "ModifyDBClusterSnapshotAttribute"
    ) {
        let added = snapshot_grantees(req);
        if added.iter().any(|g| g == "all") {
            out.push("snapshot-shared-publicly");
        }
        if added.iter().any(|g| g != "all") {
            out.push("snapshot-shared-with-account");
        }
    }
    if (name == "PutBucketPolicy" && public_policy(req.get("bucketPolicy")))
        || (name == "PutBucketAcl"
            && req
                .to_string()
                .contains("http://acs.amazonaws.com/groups/global/AllUsers"))
    {
        out.push("bucket-made-public");
    }
    if name == "UpdateAssumeRolePolicy" {
        out.push("role-trust-modified");
    }
    out
}

/// Policy documents arrive as JSON objects or as JSON strings (URL-encoded in some trails).
fn policy(doc: Option<&Value>) -> Option<Value> {
    match doc? {
        Value::String(s) => serde_json::from_str(s).ok(),
        v => Some(v.clone()),
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s) => vec![s],
        None => Vec::new(),
    }
}

fn has_star(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => s == "*",
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some("*")),
        _ => false,
    }
}

fn allows_star_on_star(doc: Option<&Value>) -> bool {
    policy(doc).is_some_and(|d| {
        statements(&d).iter().any(|s| {
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && has_star(s.get("Action"))
                && has_star(s.get("Resource"))
        })
    })
}

fn public_policy(doc: Option<&Value>) -> bool {
    policy(doc).is_some_and(|d| {
        statements(&d).iter().any(|s| {
            let principal = s.get("Principal");
            let everyone =
                principal.is_some_and(|p| p.as_str() == Some("*") || has_star(p.get("AWS")));
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && everyone
                && s.get("Condition").is_none()
        })
    })
}

/// Who a snapshot attribute change adds: account ids, or `all` for everyone.
fn snapshot_grantees(req: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(items) = req
        .pointer("/createVolumePermission/add/items")
        .and_then(Value::as_array)
    {
        for i in items {
            if let Some(g) = i
                .get("group")
                .or_else(|| i.get("userId"))
                .and_then(Value::as_str)
            {
                out.push(g.to_string());
            }
        }
    }
    if req.get("attributeName").and_then(Value::as_str) == Some("restore") {
        if let Some(values) = req.get("valuesToAdd").and_then(Value::as_array) {
            out.extend(values.iter().filter_map(Value::as_str).map(str::to_string));
        }
    }
    out
}

fn disables_management_events(req: &Value) -> bool {
    req.get("eventSelectors")
        .and_then(Value::as_array)
        .is_some_and(|sels| {
            !sels.is_empty()
                && sels
                    .iter()
                    .all(|s| s.get("includeManagementEvents") == Some(&Value::Bool(false)))
        })
}

/// Tags every event that belongs to a window of at least `threshold` events sharing a key
/// within 10 minutes. `keys(e)` returns the grouping keys of a relevant event.
fn burst(
    events: &mut [TrailEvent],
    id: &str,
    threshold: usize,
    keys: impl Fn(&TrailEvent) -> Option<Vec<String>>,
) {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        for k in keys(e).unwrap_or_default() {
            groups.entry(k).or_default().push(i);
        }
    }
    let window = Duration::minutes(10);
    let mut hits = vec![false; events.len()];
    for idx in groups.values_mut() {
        if idx.len() < threshold {
            continue;
        }
        idx.sort_by_key(|&i| events[i].event_time);
        let mut start = 0;
        for end in 0..idx.len() {
            while events[idx[end]].event_time - events[idx[start]].event_time > window {
                start += 1;
            }
            if end + 1 - start >= threshold {
                for &i in &idx[start..=end] {
                    hits[i] = true;
                }
            }
        }
    }
    for (e, hit) in events.iter_mut().zip(hits) {
        if hit && !e.detections.iter().any(|d| d == id) {
            e.detections.push(id.into());
        }
    }
}

#[cfg(test)]
mod tests;
