//! Detections over CloudTrail activity: stable rule ids on the events they fire on.
//!
//! The contract (`../shared/design.md` section 6): a call that failed (`errorCode` set)
//! fires only rules about failures; "another user" means the key's owner is not the
//! caller, whatever the caller is. Per-event rules look at one record; the two burst rules
//! slide a 10-minute window over events sorted by time, O(n log n).

use crate::model::{Severity, TrailEvent};
use chrono::Duration;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Fires on failed calls (and only on those); the others fire only on successes.
    pub on_failure: bool,
    pub severity: Severity,
    /// The MITRE ATT&CK technique, id and name.
    pub mitre: &'static str,
}

macro_rules! rules {
    ($(($id:literal, $sev:ident, $mitre:literal, $fail:literal, $title:literal, $desc:literal)),* $(,)?) => {
        pub const RULES: &[Rule] = &[$(Rule {
            id: $id,
            title: $title,
            description: $desc,
            on_failure: $fail,
            severity: Severity::$sev,
            mitre: $mitre,
        }),*];
    };
}

rules![
    ("cloudtrail-stopped", Critical, "T1562.008 Impair Defenses: Disable or Modify Cloud Logs", false,
        "CloudTrail logging stopped or a trail deleted",
        "StopLogging, DeleteTrail, or an UpdateTrail/PutEventSelectors that turns management events off or the trail single-region."),
    ("security-service-disabled", Critical, "T1562.001 Impair Defenses: Disable or Modify Tools", false,
        "GuardDuty or Security Hub turned off",
        "DeleteDetector, UpdateDetector with enable false, or DisableSecurityHub."),
    ("flow-logs-deleted", High, "T1562.008 Impair Defenses: Disable or Modify Cloud Logs", false,
        "VPC flow logs deleted", "DeleteFlowLogs: network records stop."),
    ("root-activity", High, "T1078.004 Valid Accounts: Cloud Accounts", false,
        "The root user acted", "A successful call made with root credentials (not by an AWS service)."),
    ("console-login-without-mfa", Medium, "T1078.004 Valid Accounts: Cloud Accounts", false,
        "Console sign-in without MFA", "A successful ConsoleLogin by an IAM user without MFA."),
    ("access-key-created-for-other-user", High, "T1098.001 Account Manipulation: Additional Cloud Credentials", false,
        "Access key created for another user",
        "CreateAccessKey for a user other than the caller: a common persistence step."),
    ("login-profile-created-for-other-user", High, "T1098.001 Account Manipulation: Additional Cloud Credentials", false,
        "Console password created for another user",
        "CreateLoginProfile for a user other than the caller."),
    ("admin-policy-attached", High, "T1098.003 Account Manipulation: Additional Cloud Roles", false,
        "Administrator access granted",
        "AdministratorAccess attached, or an inline policy allowing * on *."),
    ("role-trust-modified", Medium, "T1098 Account Manipulation", false,
        "Role trust policy changed", "UpdateAssumeRolePolicy: who may assume a role changed."),
    ("assume-role-from-outside", High, "T1199 Trusted Relationship", false,
        "Role assumed from outside the organization",
        "AssumeRole by a principal of an account that is not configured (or, without configured accounts, not among the accounts of the evidence)."),
    ("snapshot-shared-publicly", Critical, "T1537 Transfer Data to Cloud Account", false,
        "Snapshot shared publicly", "An EBS or RDS snapshot's restore permission opened to everyone."),
    ("snapshot-shared-with-account", High, "T1537 Transfer Data to Cloud Account", false,
        "Snapshot shared with another account",
        "An EBS or RDS snapshot's restore permission granted to a named account: a common exfiltration step."),
    ("bucket-made-public", High, "T1530 Data from Cloud Storage", false,
        "S3 bucket made public",
        "A bucket policy with Principal * and no condition, or an ACL granting AllUsers."),
    ("public-access-block-removed", High, "T1530 Data from Cloud Storage", false,
        "S3 Block Public Access removed",
        "A bucket's or the account's public access block deleted, or put with a setting off."),
    ("security-group-open-to-world", High, "T1562.007 Impair Defenses: Disable or Modify Cloud Firewall", false,
        "Security group opened to the internet",
        "AuthorizeSecurityGroupIngress from 0.0.0.0/0 or ::/0."),
    ("kms-key-disabled", High, "T1485 Data Destruction", false,
        "KMS key disabled or scheduled for deletion",
        "DisableKey or ScheduleKeyDeletion: data under the key becomes unreadable."),
    ("console-login-failures", Medium, "T1110 Brute Force", true,
        "Burst of failed console sign-ins",
        "Failed ConsoleLogin from one IP or for one user, at least [detections] failed_logins (5) within failed_login_minutes (10)."),
    ("access-denied-spree", Medium, "T1580 Cloud Infrastructure Discovery", true,
        "Access-denied spree",
        "AccessDenied or UnauthorizedOperation errors by one principal, at least [detections] access_denied (10) within access_denied_minutes (10)."),
];

/// Tunable parts of the rules, from `[detections]` in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detector {
    /// Failed sign-ins that make a burst, and the window.
    pub failed_logins: usize,
    pub failed_login_window: Duration,
    pub access_denied: usize,
    pub access_denied_window: Duration,
    /// Accounts inside the organization (the configured ones); the recipients of the
    /// events judged together always count too.
    pub inside: HashSet<String>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector {
            failed_logins: 5,
            failed_login_window: Duration::minutes(10),
            access_denied: 10,
            access_denied_window: Duration::minutes(10),
            inside: HashSet::new(),
        }
    }
}

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
    "CreateLoginProfile",
    "DeleteDetector",
    "UpdateDetector",
    "DisableSecurityHub",
    "DeleteFlowLogs",
    "DeleteBucketPublicAccessBlock",
    "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock",
    "PutPublicAccessBlock",
    "DeleteAccountPublicAccessBlock",
    "PutAccountPublicAccessBlock",
    "AuthorizeSecurityGroupIngress",
    "DisableKey",
    "ScheduleKeyDeletion",
];

impl Detector {
    /// Fills every event's `detections` (replacing what was there).
    pub fn run(&self, events: &mut [TrailEvent]) {
        let mut inside: HashSet<&str> = self.inside.iter().map(String::as_str).collect();
        let recipients: Vec<String> = events.iter().map(|e| e.account_id.to_string()).collect();
        inside.extend(
            recipients
                .iter()
                .map(String::as_str)
                .filter(|a| !a.is_empty()),
        );
        for e in events.iter_mut() {
            e.detections.clear();
            if e.failed() {
                continue;
            }
            // AssumeRole is common: its record is read only when the caller's account is not
            // known to be inside from its ARN.
            let assume_from = (e.event_name == "AssumeRole").then(|| {
                e.principal_arn
                    .as_deref()
                    .and_then(|a| a.split(':').nth(4))
                    .filter(|a| !a.is_empty())
            });
            let needs_raw = match assume_from {
                Some(Some(account)) => !inside.contains(account),
                Some(None) => true,
                None => NAMES_WITH_RULES.contains(&e.event_name.as_str()),
            } || e.username == "root";
            let raw = if needs_raw {
                e.raw.to_value()
            } else {
                Value::Null
            };
            let ids = single_event_rules(e, &raw, &inside);
            e.detections.extend(ids.into_iter().map(Into::into));
        }
        let _ = burst(
            events,
            "console-login-failures",
            self.failed_logins,
            self.failed_login_window,
            |e| {
                (e.event_name == "ConsoleLogin" && e.failed()).then(|| {
                    vec![
                        format!("ip:{}", e.source_ip.as_deref().unwrap_or("")),
                        format!("user:{}/{}", e.account_id, e.username),
                    ]
                })
            },
        );
        let _ = burst(
            events,
            "access-denied-spree",
            self.access_denied,
            self.access_denied_window,
            |e| {
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
            },
        );
    }
}

fn single_event_rules(e: &TrailEvent, raw: &Value, inside: &HashSet<&str>) -> Vec<&'static str> {
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
    if name == "CreateLoginProfile" {
        let target = req.get("userName").and_then(Value::as_str);
        let caller = raw
            .pointer("/userIdentity/userName")
            .and_then(Value::as_str);
        if matches!((target, caller), (Some(t), c) if Some(t) != c) {
            out.push("login-profile-created-for-other-user");
        }
    }
    let service = e.service();
    match (service, name) {
        ("guardduty", "DeleteDetector") | ("securityhub", "DisableSecurityHub") => {
            out.push("security-service-disabled")
        }
        ("guardduty", "UpdateDetector") if req.get("enable") == Some(&Value::Bool(false)) => {
            out.push("security-service-disabled")
        }
        ("ec2", "DeleteFlowLogs") => out.push("flow-logs-deleted"),
        ("kms", "DisableKey" | "ScheduleKeyDeletion") => out.push("kms-key-disabled"),
        // Bucket level, and account level (CloudTrail names it either way).
        (
            "s3" | "s3control",
            "DeleteBucketPublicAccessBlock"
            | "DeletePublicAccessBlock"
            | "DeleteAccountPublicAccessBlock",
        ) => out.push("public-access-block-removed"),
        (
            "s3" | "s3control",
            "PutBucketPublicAccessBlock" | "PutPublicAccessBlock" | "PutAccountPublicAccessBlock",
        ) if turns_a_block_off(req) => out.push("public-access-block-removed"),
        ("ec2", "AuthorizeSecurityGroupIngress") if open_to_world(req) => {
            out.push("security-group-open-to-world")
        }
        ("sts", "AssumeRole") => {
            let caller = raw
                .pointer("/userIdentity/accountId")
                .and_then(Value::as_str)
                .unwrap_or("");
            if identity_type != "AWSService" && !caller.is_empty() && !inside.contains(caller) {
                out.push("assume-role-from-outside");
            }
        }
        _ => {}
    }
    out
}

/// A public access block put with one of its four settings off.
fn turns_a_block_off(req: &Value) -> bool {
    let config = req
        .get("PublicAccessBlockConfiguration")
        .or_else(|| req.get("publicAccessBlockConfiguration"));
    config.and_then(Value::as_object).is_some_and(|c| {
        [
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        ]
        .iter()
        .any(|k| {
            let v = c.get(*k).or_else(|| {
                let lower = format!("{}{}", k[..1].to_lowercase(), &k[1..]);
                c.get(&lower)
            });
            matches!(v, Some(Value::Bool(false))) || v.and_then(Value::as_str) == Some("false")
        })
    })
}

/// Ingress from anywhere: `0.0.0.0/0` or `::/0` among the request's ranges.
fn open_to_world(req: &Value) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(m) => m.iter().any(|(k, v)| {
                (matches!(k.as_str(), "cidrIp" | "cidrIpv6" | "CidrIp" | "CidrIpv6")
                    && matches!(v.as_str(), Some("0.0.0.0/0" | "::/0")))
                    || walk(v)
            }),
            Value::Array(a) => a.iter().any(walk),
            _ => false,
        }
    }
    walk(req)
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
/// Returns how many marks it made: each event at most once per group, so a brute-force
/// file of a million failures in one window costs a million marks, not a million squared.
fn burst(
    events: &mut [TrailEvent],
    id: &str,
    threshold: usize,
    window: Duration,
    keys: impl Fn(&TrailEvent) -> Option<Vec<String>>,
) -> usize {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        for k in keys(e).unwrap_or_default() {
            groups.entry(k).or_default().push(i);
        }
    }
    let threshold = threshold.max(1);
    let mut hits = vec![false; events.len()];
    let mut marks = 0;
    for idx in groups.values_mut() {
        if idx.len() < threshold {
            continue;
        }
        idx.sort_by_key(|&i| events[i].event_time);
        let mut start = 0;
        // Everything before this position of `idx` is already marked.
        let mut marked = 0;
        for end in 0..idx.len() {
            while events[idx[end]].event_time - events[idx[start]].event_time > window {
                start += 1;
            }
            if end + 1 - start >= threshold {
                for &i in &idx[start.max(marked)..=end] {
                    hits[i] = true;
                    marks += 1;
                }
                marked = end + 1;
            }
        }
    }
    for (e, hit) in events.iter_mut().zip(hits) {
        if hit && !e.detections.iter().any(|d| d == id) {
            e.detections.push(id.into());
        }
    }
    marks
}

#[cfg(test)]
mod tests;
