//! Fields rampart computes for rules, under `rampart.`: what a rule needs and a Sigma
//! expression over the raw record cannot say. Policy documents arrive as JSON text
//! (URL-encoded in some trails), "another account" depends on which accounts are the
//! organization's, and a CIDR is open to the world by its prefix, not its spelling.

use crate::model::TrailEvent;
use rsigma_eval::EventValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::net::IpAddr;

/// Every field a rule may ask for, without the `rampart.` prefix.
pub const FIELDS: &[&str] = &[
    "other_user",
    "admin_policy",
    "public",
    "outside_account",
    "public_access_block_off",
    "open_to_world",
    "caller_outside",
    "principal",
    "user",
    "instance_session",
    "public_source_ip",
    "management_events_off",
    "short_expiration",
    "unusual_instance_type",
    "shared",
];

/// The top-level keys of a record [`from_record`] reads for `name` (a record decoded for
/// the rules keeps them, see `projection`).
pub fn record_keys(name: &str) -> &'static [&'static str] {
    match name {
        "other_user" => &["requestParameters", "userIdentity"],
        "caller_outside" => &["userIdentity"],
        _ => &["requestParameters"],
    }
}

/// The fields served from the event's columns, without decoding its record: rules that
/// pin no event name use them on every event.
pub fn from_columns(name: &str, e: &TrailEvent) -> Option<Option<EventValue<'static>>> {
    let text = |s: String| Some(EventValue::Str(Cow::Owned(s)));
    Some(match name {
        "principal" => text(
            e.principal_arn
                .as_deref()
                .unwrap_or(&e.username)
                .to_string(),
        ),
        "user" => text(format!("{}/{}", e.account_id, e.username)),
        "instance_session" => Some(EventValue::Bool(
            e.principal_arn.as_deref().is_some_and(instance_session),
        )),
        "public_source_ip" => Some(EventValue::Bool(
            e.source_ip.as_deref().is_some_and(public_ip),
        )),
        // Only a caller from another account needs the record (and the organization).
        "caller_outside" if e.kind.caller_at_home() => Some(EventValue::Bool(false)),
        _ => return None,
    })
}

/// The fields that read the record.
pub fn from_record(
    name: &str,
    e: &TrailEvent,
    raw: &Value,
    inside: &HashSet<&str>,
) -> Option<EventValue<'static>> {
    let req = raw.get("requestParameters").unwrap_or(&Value::Null);
    let event = &*e.event_name;
    let yes = |b: bool| Some(EventValue::Bool(b));
    match name {
        "other_user" => yes(other_user(raw, req)),
        "admin_policy" => yes(policies(event, req).iter().any(allows_star_on_star)),
        "public" => yes(public(event, req)),
        "outside_account" => {
            let mut inside = inside.clone();
            inside.insert(&*e.account_id);
            yes(policies(event, req)
                .iter()
                .any(|p| grants_outside(p, &inside)))
        }
        "public_access_block_off" => yes(turns_a_block_off(req)),
        "open_to_world" => yes(open_to_world(req)),
        "caller_outside" => yes(caller_outside(raw, e, inside)),
        "management_events_off" => yes(management_events_off(event, req)),
        "short_expiration" => yes(short_expiration(req)),
        "unusual_instance_type" => yes(find_key(req, "instanceType")
            .and_then(Value::as_str)
            .is_some_and(unusual_instance_type)),
        "shared" => {
            let with = shared_with(req);
            let mut kinds = Vec::new();
            if with.iter().any(|g| g.eq_ignore_ascii_case("all")) {
                kinds.push(EventValue::Str(Cow::Borrowed("public")));
            }
            if with.iter().any(|g| !g.eq_ignore_ascii_case("all")) {
                kinds.push(EventValue::Str(Cow::Borrowed("account")));
            }
            match kinds.len() {
                0 => Some(EventValue::Null),
                1 => kinds.pop(),
                _ => Some(EventValue::Array(kinds)),
            }
        }
        _ => None,
    }
}

/// The value of `key` in an object, whatever its first letter's case (CloudTrail writes
/// `cidrIp` in one API and `CidrIp` in another).
fn find_key<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let m = v.as_object()?;
    m.get(key).or_else(|| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// "Another user": the request names a user and the caller is not that IAM user,
/// whatever the caller is.
fn other_user(raw: &Value, req: &Value) -> bool {
    let target = req.get("userName").and_then(Value::as_str);
    let caller = raw
        .pointer("/userIdentity/userName")
        .and_then(Value::as_str);
    matches!((target, caller), (Some(t), c) if Some(t) != c)
}

/// The policy documents a request carries, parsed.
fn policies(event: &str, req: &Value) -> Vec<Value> {
    const KEYS: &[&str] = &[
        "policy",
        "policyText",
        "policyDocument",
        "bucketPolicy",
        "resourcePolicy",
        "accessPolicies",
        "assumeRolePolicyDocument",
    ];
    let mut docs: Vec<&Value> = KEYS.iter().filter_map(|k| find_key(req, k)).collect();
    // SNS and SQS: the policy is one of the attributes.
    if let Some(attrs) = find_key(req, "attributes") {
        docs.extend(find_key(attrs, "Policy"));
    }
    if event == "SetTopicAttributes"
        && find_key(req, "attributeName").and_then(Value::as_str) == Some("Policy")
    {
        docs.extend(find_key(req, "attributeValue"));
    }
    // Glacier nests it once more: `policy: {policy: "<json>"}`.
    let nested: Vec<&Value> = docs
        .iter()
        .filter_map(|d| d.as_object().and_then(|m| m.get("policy")))
        .collect();
    docs.extend(nested);
    docs.into_iter().filter_map(parse_policy).collect()
}

/// A policy document as an object, from an object, JSON text or URL-encoded JSON text.
fn parse_policy(v: &Value) -> Option<Value> {
    match v {
        Value::Object(m) if m.contains_key("Statement") => Some(v.clone()),
        Value::String(s) => {
            let s = s.trim();
            let text: Cow<str> = if s.starts_with('%') {
                Cow::Owned(percent_decode(s))
            } else {
                Cow::Borrowed(s)
            };
            let doc: Value = serde_json::from_str(&text).ok()?;
            doc.get("Statement").is_some().then_some(doc)
        }
        _ => None,
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s) => vec![s],
        None => Vec::new(),
    }
}

fn allows(s: &Value) -> bool {
    s.get("Effect")
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case("Allow"))
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn allows_star_on_star(doc: &Value) -> bool {
    statements(doc).iter().any(|s| {
        allows(s)
            && strings(s.get("Action"))
                .iter()
                .any(|a| *a == "*" || *a == "*:*")
            && strings(s.get("Resource")).contains(&"*")
    })
}

/// The principals a statement names: `"*"`, or the values of `AWS` (and of the other
/// principal kinds).
fn principals(s: &Value) -> Vec<&str> {
    match s.get("Principal") {
        Some(Value::String(p)) => vec![p.as_str()],
        Some(Value::Object(m)) => m.values().flat_map(|v| strings(Some(v))).collect(),
        _ => Vec::new(),
    }
}

/// Open to everyone: an Allow for `*` (or with `NotPrincipal`) and no condition.
fn public_statement(s: &Value) -> bool {
    let unconditional = s
        .get("Condition")
        .is_none_or(|c| c.as_object().is_some_and(|m| m.is_empty()));
    allows(s) && unconditional && (principals(s).contains(&"*") || s.get("NotPrincipal").is_some())
}

fn public(event: &str, req: &Value) -> bool {
    match event {
        "PutBucketAcl" => public_acl(req),
        e if e.starts_with("AddPermission") => {
            // A Lambda permission for `*` with nothing to narrow who calls.
            find_key(req, "principal").and_then(Value::as_str) == Some("*")
                && ["sourceArn", "sourceAccount", "principalOrgID"]
                    .iter()
                    .all(|k| find_key(req, k).is_none())
        }
        e if e.starts_with("CreateFunctionUrlConfig")
            || e.starts_with("UpdateFunctionUrlConfig") =>
        {
            find_key(req, "authType").and_then(Value::as_str) == Some("NONE")
        }
        _ => policies(event, req)
            .iter()
            .any(|p| statements(p).into_iter().any(public_statement)),
    }
}

/// A bucket ACL for everyone or every AWS account: a grant to the AllUsers or
/// AuthenticatedUsers group, in the body or the `x-amz-grant-*` headers, or a canned ACL
/// that means one.
fn public_acl(req: &Value) -> bool {
    let text = req.to_string();
    let groups = text.contains("acs.amazonaws.com/groups/global/AllUsers")
        || text.contains("acs.amazonaws.com/groups/global/AuthenticatedUsers");
    let canned = find_key(req, "x-amz-acl")
        .map(|v| strings(Some(v)))
        .unwrap_or_default()
        .iter()
        .any(|a| {
            matches!(
                *a,
                "public-read" | "public-read-write" | "authenticated-read"
            )
        });
    groups || canned
}

/// The account of a principal: an ARN's fifth field, or a bare twelve-digit id.
fn account_of(principal: &str) -> Option<&str> {
    let account = if principal.starts_with("arn:") {
        principal.split(':').nth(4)?
    } else {
        principal
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// An Allow for a principal of a named account outside `inside` (everyone is
/// `rampart.public`'s).
fn grants_outside(doc: &Value, inside: &HashSet<&str>) -> bool {
    statements(doc).into_iter().any(|s| {
        allows(s)
            && principals(s)
                .iter()
                .filter_map(|p| account_of(p))
                .any(|a| !inside.contains(a))
    })
}

/// A public access block put with one of its four settings off.
fn turns_a_block_off(req: &Value) -> bool {
    let Some(config) = find_key(req, "PublicAccessBlockConfiguration") else {
        return false;
    };
    [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ]
    .iter()
    .any(|k| is_false(find_key(config, k)))
}

fn is_false(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(false)))
        || v.and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("false"))
}

/// Ingress from anywhere: a range whose prefix is at most 1 bit (`/0`, however the address
/// is written, and the two halves an evasion would use), IPv4 or IPv6, in the current
/// (`ipPermissions`) or legacy (top-level `cidrIp`) request shape.
fn open_to_world(req: &Value) -> bool {
    fn walk(v: &Value, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match v {
            Value::Object(m) => m.iter().any(|(k, v)| {
                let cidr_key = matches!(
                    k.to_ascii_lowercase().as_str(),
                    "cidrip" | "cidripv4" | "cidripv6" | "cidr"
                );
                (cidr_key && v.as_str().is_some_and(world_cidr)) || walk(v, depth + 1)
            }),
            Value::Array(a) => a.iter().any(|v| walk(v, depth + 1)),
            _ => false,
        }
    }
    walk(req, 0)
}

pub fn world_cidr(cidr: &str) -> bool {
    let Some((addr, len)) = cidr.trim().split_once('/') else {
        return false;
    };
    // Anonymised trails write addresses like `035.249.253.232`: leading zeros are
    // still an address.
    let addr_ok = addr.parse::<IpAddr>().is_ok()
        || addr.split('.').count() == 4
            && addr
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    addr_ok && len.trim().parse::<u8>().is_ok_and(|l| l <= 1)
}

/// AssumeRole by a principal of an account that is not inside (and not a service).
fn caller_outside(raw: &Value, e: &TrailEvent, inside: &HashSet<&str>) -> bool {
    let identity_type = raw
        .pointer("/userIdentity/type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let caller = raw
        .pointer("/userIdentity/accountId")
        .and_then(Value::as_str)
        .unwrap_or("");
    identity_type != "AWSService"
        && !caller.is_empty()
        && caller != &*e.account_id
        && !inside.contains(caller)
}

/// `arn:aws:sts::123456789012:assumed-role/ROLE/i-0abc...`: an EC2 instance profile's
/// session (its name is the instance id).
pub fn instance_session(arn: &str) -> bool {
    // Byte searches: rules ask this of nearly every event (splitting the ARN by
    // characters was 4% of judging a replay, per callgrind).
    let mut resource = arn;
    for _ in 0..5 {
        match memchr::memchr(b':', resource.as_bytes()) {
            Some(at) => resource = &resource[at + 1..],
            None => return false,
        }
    }
    let Some((_role, session)) = resource
        .strip_prefix("assumed-role/")
        .and_then(|rest| rest.split_once('/'))
    else {
        return false;
    };
    !session.contains('/')
        && session
            .strip_prefix("i-")
            .is_some_and(|h| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An address on the internet: not private, loopback, link-local, shared (CGNAT),
/// unique-local or unspecified. A service name (`ec2.amazonaws.com`) or `AWS Internal`
/// is not an address.
pub fn public_ip(s: &str) -> bool {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 100 && (o[1] & 0xc0) == 64))
        }
        Ok(IpAddr::V6(v6)) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_ip(&v4.to_string());
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
        Err(_) => false,
    }
}

/// A trail narrowed so management events stop: made single-region, its selectors all
/// excluding management events, or advanced selectors none of which selects them.
fn management_events_off(event: &str, req: &Value) -> bool {
    match event {
        "UpdateTrail" => is_false(find_key(req, "isMultiRegionTrail")),
        "PutEventSelectors" | "PutAdvancedEventSelectors" => {
            if let Some(Value::Array(sels)) = find_key(req, "eventSelectors") {
                return !sels.is_empty()
                    && sels
                        .iter()
                        .all(|s| is_false(find_key(s, "includeManagementEvents")));
            }
            if let Some(Value::Array(sels)) = find_key(req, "advancedEventSelectors") {
                return !sels.iter().any(selects_management);
            }
            false
        }
        _ => false,
    }
}

fn selects_management(selector: &Value) -> bool {
    let Some(Value::Array(fields)) = find_key(selector, "fieldSelectors") else {
        return false;
    };
    fields.iter().any(|f| {
        find_key(f, "field").and_then(Value::as_str) == Some("eventCategory")
            && strings(find_key(f, "equals")).contains(&"Management")
    })
}

/// A lifecycle rule that deletes objects soon: within a week on any bucket, within 90
/// days on a bucket whose name says it holds trails or logs.
fn short_expiration(req: &Value) -> bool {
    let bucket = find_key(req, "bucketName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let logs = ["trail", "log", "audit"].iter().any(|w| bucket.contains(w));
    let limit = if logs { 90 } else { 8 };
    let Some(config) = find_key(req, "LifecycleConfiguration") else {
        return false;
    };
    let rules: Vec<&Value> = match find_key(config, "Rule") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(r) => vec![r],
        None => Vec::new(),
    };
    let days = |v: Option<&Value>| -> Option<u64> {
        let d = v?;
        find_key(d, "Days")
            .or_else(|| find_key(d, "NoncurrentDays"))
            .and_then(|n| n.as_u64().or_else(|| n.as_str()?.trim().parse().ok()))
    };
    rules.iter().any(|r| {
        let enabled = find_key(r, "Status")
            .and_then(Value::as_str)
            .is_none_or(|s| s.eq_ignore_ascii_case("Enabled"));
        let soon = [
            days(find_key(r, "Expiration")),
            days(find_key(r, "NoncurrentVersionExpiration")),
        ]
        .into_iter()
        .flatten()
        .any(|d| d < limit);
        enabled && soon
    })
}

/// Instance types bought for mining or model training rather than for running a
/// service: GPU, machine-learning and FPGA families, and the very largest sizes.
pub fn unusual_instance_type(t: &str) -> bool {
    let t = t.trim().to_ascii_lowercase();
    let (family, size) = t.split_once('.').unwrap_or((t.as_str(), ""));
    let gpu = ["p", "g", "inf", "trn", "dl", "f", "vt"].iter().any(|f| {
        family
            .strip_prefix(f)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    });
    let memory = family.starts_with("x1") || family.starts_with("x2") || family.starts_with("u-");
    let huge = size == "metal"
        || size
            .strip_suffix("xlarge")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 24);
    gpu || memory || family.starts_with("hpc") || huge
}

/// Who a snapshot or image permission change adds: account ids, or `all` for everyone.
fn shared_with(req: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["createVolumePermission", "launchPermission"] {
        let items = find_key(req, attr)
            .and_then(|p| find_key(p, "add"))
            .and_then(|a| find_key(a, "items"))
            .and_then(Value::as_array);
        for i in items.into_iter().flatten() {
            if let Some(g) = find_key(i, "group")
                .or_else(|| find_key(i, "userId"))
                .and_then(Value::as_str)
            {
                out.push(g.to_string());
            }
        }
    }
    if find_key(req, "attributeName").and_then(Value::as_str) == Some("restore") {
        out.extend(
            strings(find_key(req, "valuesToAdd"))
                .into_iter()
                .map(str::to_string),
        );
    }
    out
}
