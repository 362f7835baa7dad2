//! Simulated CloudTrail management events as real records, parsed by the shared
//! CloudTrail parser: routine activity plus a fixed set of suspicious events (root login,
//! logging stopped, a key created for someone else, a burst of failed logins, ...).

use super::credentials::user_name;
use super::org::{ACCOUNTS, ROLES};
use super::rng::Rng;
use crate::model::{cloudtrail, TrailEvent};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

const SALT: u64 = 0xA4;

/// (event source, event name, read only).
const ROUTINE: [(u32, (&str, &str, bool)); 16] = [
    (12, ("ec2.amazonaws.com", "DescribeInstances", true)),
    (8, ("s3.amazonaws.com", "GetBucketAcl", true)),
    (10, ("sts.amazonaws.com", "AssumeRole", true)),
    (6, ("iam.amazonaws.com", "ListUsers", true)),
    (8, ("kms.amazonaws.com", "Decrypt", true)),
    (6, ("ssm.amazonaws.com", "GetParameters", true)),
    (6, ("sts.amazonaws.com", "GetCallerIdentity", true)),
    (4, ("cloudtrail.amazonaws.com", "LookupEvents", true)),
    (
        4,
        (
            "lambda.amazonaws.com",
            "UpdateFunctionCode20150331v2",
            false,
        ),
    ),
    (4, ("ec2.amazonaws.com", "RunInstances", false)),
    (
        3,
        ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", false),
    ),
    (4, ("s3.amazonaws.com", "PutBucketTagging", false)),
    (5, ("signin.amazonaws.com", "ConsoleLogin", false)),
    (2, ("iam.amazonaws.com", "CreateRole", false)),
    (4, ("dynamodb.amazonaws.com", "DescribeTable", true)),
    (3, ("securityhub.amazonaws.com", "GetFindings", true)),
];

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn private_ip(r: &mut Rng) -> String {
    format!(
        "10.{}.{}.{}",
        r.range(0, 255),
        r.range(0, 255),
        r.range(2, 254)
    )
}

/// A caller's `userIdentity`, and its display name for requestParameters.
fn identity(acct: &str, kind: &str, name: &str, r: &mut Rng) -> Value {
    match kind {
        "Root" => {
            json!({"type": "Root", "principalId": acct, "arn": format!("arn:aws:iam::{acct}:root"), "accountId": acct, "accessKeyId": format!("ASIA{}", r.hex(16).to_uppercase())})
        }
        "IAMUser" => json!({
            "type": "IAMUser", "principalId": format!("AIDA{}", r.hex(17).to_uppercase()),
            "arn": format!("arn:aws:iam::{acct}:user/{name}"), "accountId": acct,
            "accessKeyId": format!("AKIA{}", r.hex(16).to_uppercase()), "userName": name
        }),
        "AWSService" => json!({"type": "AWSService", "invokedBy": name}),
        _ => {
            let (role, session) = name.split_once('/').unwrap_or((name, "session"));
            json!({
                "type": "AssumedRole", "principalId": format!("AROA{}:{session}", r.hex(17).to_uppercase()),
                "arn": format!("arn:aws:sts::{acct}:assumed-role/{role}/{session}"), "accountId": acct,
                "accessKeyId": format!("ASIA{}", r.hex(16).to_uppercase()),
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": format!("AROA{}", r.hex(17).to_uppercase()), "arn": format!("arn:aws:iam::{acct}:role/{role}"), "accountId": acct, "userName": role}, "attributes": {"creationDate": "2026-11-22T00:00:00Z", "mfaAuthenticated": "false"}}
            })
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    r: &mut Rng,
    acct: &str,
    region: &str,
    at: DateTime<Utc>,
    who: Value,
    (source, name, read_only): (&str, &str, bool),
    ip: &str,
    request: Value,
    extra: Value,
) -> Value {
    let mut v = json!({
        "eventVersion": "1.09",
        "userIdentity": who,
        "eventTime": time(at),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": r.pick(&["aws-cli/2.15.30 Python/3.11.8 Linux/6.1", "Boto3/1.34.69 Python/3.12.2", "console.amazonaws.com", "aws-sdk-go-v2/1.26.0", "terraform/1.7.5"]),
        "requestParameters": request,
        "responseElements": null,
        "requestID": r.uuid(),
        "eventID": r.uuid(),
        "readOnly": read_only,
        "eventType": if source == "signin.amazonaws.com" { "AwsConsoleSignIn" } else { "AwsApiCall" },
        "managementEvent": true,
        "recipientAccountId": acct,
        "eventCategory": "Management",
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    v
}

/// Routine event number `index`.
pub fn routine(seed: u64, index: u64, now: DateTime<Utc>) -> Value {
    let mut r = Rng::for_item(seed, SALT, index);
    let a = r.below(ACCOUNTS.len() as u64) as usize;
    let acct = ACCOUNTS[a].0;
    let region = *r.pick(&[
        "us-east-1",
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-2",
    ]);
    let at = now - Duration::seconds(r.range(30, 7 * 86_400));
    let api = *r.weighted(&ROUTINE);
    let (kind, who) = match r.below(20) {
        0..=10 => (
            "AssumedRole",
            format!("{}/{}", r.pick(&ROLES), user_name(a, r.below(12) as usize)),
        ),
        11..=17 => ("IAMUser", user_name(a, r.below(12) as usize)),
        _ => (
            "AWSService",
            r.pick(&[
                "config.amazonaws.com",
                "cloudformation.amazonaws.com",
                "autoscaling.amazonaws.com",
            ])
            .to_string(),
        ),
    };
    let ident = identity(acct, kind, &who, &mut r);
    let ip = if kind == "AWSService" {
        who.clone()
    } else {
        private_ip(&mut r)
    };
    let mut extra = json!({});
    // Deployments ship their code from the pipeline's artifact bucket.
    let request = if api.1.starts_with("UpdateFunctionCode") {
        json!({"functionName": format!("arn:aws:lambda:{region}:{acct}:function:checkout-api"),
            "s3Bucket": format!("{acct}-deploy-artifacts"), "s3Key": format!("builds/{}.zip", r.below(10_000)),
            "publish": true, "dryRun": false})
    } else {
        json!({})
    };
    if api.1 == "ConsoleLogin" {
        extra = json!({"responseElements": {"ConsoleLogin": "Success"}, "additionalEventData": {"MFAUsed": "Yes", "LoginTo": "https://console.aws.amazon.com/console/home"}});
    } else if r.chance(0.03) {
        extra = json!({"errorCode": "AccessDenied", "errorMessage": format!("User is not authorized to perform: {}", api.1)});
    }
    record(&mut r, acct, region, at, ident, api, &ip, request, extra)
}

/// The fixed suspicious events, spread over the last day.
pub fn suspicious(seed: u64, now: DateTime<Utc>) -> Vec<Value> {
    let mut r = Rng::for_item(seed, SALT + 1, 0);
    let acct = |name: &str| {
        ACCOUNTS
            .iter()
            .find(|a| a.1 == name)
            .map(|a| a.0)
            .unwrap_or(ACCOUNTS[0].0)
    };
    let ago = |mins: i64| now - Duration::minutes(mins);
    let mut out = Vec::new();
    let (sandbox, dev, data, logs, pay, ident, mgmt, web) = (
        acct("sandbox"),
        acct("dev-web"),
        acct("prod-data"),
        acct("log-archive"),
        acct("prod-payments"),
        acct("prod-identity"),
        acct("management"),
        acct("prod-web"),
    );
    let login_ok = |mfa: &str| json!({"responseElements": {"ConsoleLogin": "Success"}, "additionalEventData": {"MFAUsed": mfa, "LoginTo": "https://console.aws.amazon.com/console/home"}});
    let signin = ("signin.amazonaws.com", "ConsoleLogin", false);

    let who = identity(sandbox, "Root", "", &mut r);
    out.push(record(
        &mut r,
        sandbox,
        "us-east-1",
        ago(55),
        who,
        signin,
        "203.0.113.50",
        json!(null),
        login_ok("No"),
    ));
    let who = identity(dev, "IAMUser", "mateo.rossi", &mut r);
    out.push(record(
        &mut r,
        dev,
        "us-east-1",
        ago(140),
        who,
        signin,
        "198.51.100.23",
        json!(null),
        login_ok("No"),
    ));
    let who = identity(data, "IAMUser", "legacy-etl", &mut r);
    out.push(record(
        &mut r,
        data,
        "eu-west-1",
        ago(32),
        who,
        ("cloudtrail.amazonaws.com", "StopLogging", false),
        "203.0.113.77",
        json!({"name": format!("arn:aws:cloudtrail:eu-west-1:{data}:trail/org-trail")}),
        json!({}),
    ));
    let who = identity(logs, "AssumedRole", "BreakGlass/mallory", &mut r);
    out.push(record(
        &mut r,
        logs,
        "us-east-1",
        ago(28),
        who,
        ("cloudtrail.amazonaws.com", "DeleteTrail", false),
        "203.0.113.77",
        json!({"name": "org-trail"}),
        json!({}),
    ));
    let who = identity(pay, "IAMUser", "mallory.kowalski", &mut r);
    out.push(record(&mut r, pay, "us-east-1", ago(35), who, ("cloudtrail.amazonaws.com", "StopLogging", false), "203.0.113.77", json!({"name": "org-trail"}),
        json!({"errorCode": "AccessDenied", "errorMessage": "User: arn:aws:iam::user/mallory.kowalski is not authorized to perform: cloudtrail:StopLogging"})));
    let who = identity(ident, "IAMUser", "mallory.kowalski", &mut r);
    out.push(record(
        &mut r,
        ident,
        "us-east-1",
        ago(40),
        who,
        ("iam.amazonaws.com", "CreateAccessKey", false),
        "203.0.113.77",
        json!({"userName": "ci-deployer"}),
        json!({}),
    ));
    let who = identity(ident, "IAMUser", "mallory.kowalski", &mut r);
    out.push(record(&mut r, ident, "us-east-1", ago(38), who, ("iam.amazonaws.com", "AttachUserPolicy", false), "203.0.113.77",
        json!({"userName": "mallory.kowalski", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}), json!({})));
    let who = identity(ident, "IAMUser", "mallory.kowalski", &mut r);
    out.push(record(&mut r, ident, "us-east-1", ago(36), who, ("iam.amazonaws.com", "UpdateAssumeRolePolicy", false), "203.0.113.77",
        json!({"roleName": "OrganizationAccountAccessRole", "policyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"sts:AssumeRole\"}]}"}), json!({})));
    for i in 0..7 {
        let who = identity(mgmt, "IAMUser", "alice.nguyen", &mut r);
        out.push(record(&mut r, mgmt, "us-east-1", ago(90) + Duration::seconds(i * 25), who, signin, "198.51.100.77", json!(null),
            json!({"errorMessage": "Failed authentication", "responseElements": {"ConsoleLogin": "Failure"}, "additionalEventData": {"MFAUsed": "No"}})));
    }
    let who = identity(data, "AssumedRole", "DataScientist/exfil", &mut r);
    let snapshot = format!("snap-0{}", r.hex(16));
    out.push(record(&mut r, data, "eu-west-1", ago(25), who, ("ec2.amazonaws.com", "ModifySnapshotAttribute", false), "203.0.113.77",
        json!({"snapshotId": snapshot, "attributeType": "CREATE_VOLUME_PERMISSION", "createVolumePermission": {"add": {"items": [{"group": "all"}]}}}), json!({})));
    let who = identity(web, "IAMUser", "ci-deployer", &mut r);
    out.push(record(&mut r, web, "us-east-1", ago(70), who, ("s3.amazonaws.com", "PutBucketPolicy", false), "192.0.2.10",
        json!({"bucketName": "acme-prod-web-static-site", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-prod-web-static-site/*"}]}}), json!({})));
    for i in 0..12 {
        let who = identity(pay, "AssumedRole", "ReadOnly/recon", &mut r);
        let api = *r.pick(&[
            ("iam.amazonaws.com", "ListRoles", true),
            ("s3.amazonaws.com", "ListBuckets", true),
            ("secretsmanager.amazonaws.com", "ListSecrets", true),
            ("kms.amazonaws.com", "ListKeys", true),
        ]);
        out.push(record(
            &mut r,
            pay,
            "us-east-1",
            ago(20) + Duration::seconds(i * 15),
            who,
            api,
            "203.0.113.77",
            json!({}),
            json!({"errorCode": "AccessDenied", "errorMessage": "not authorized"}),
        ));
    }
    let who = identity(pay, "AssumedRole", "PaymentsDeploy/i-0instance", &mut r);
    out.push(record(
        &mut r,
        pay,
        "us-east-1",
        ago(15),
        who,
        ("sts.amazonaws.com", "GetCallerIdentity", true),
        "192.0.2.200",
        json!({}),
        json!({}),
    ));
    out
}

/// Parses with the shared CloudTrail parser; a failure is a simulator bug.
pub fn parse(v: &Value) -> Option<TrailEvent> {
    match cloudtrail::parse_record(v) {
        Ok(e) => Some(e),
        Err(e) => {
            tracing::error!("simulated CloudTrail record rejected: {e}");
            None
        }
    }
}

/// What the simulated CloudTrail holds about a looked-up resource, user or access key:
/// a few management calls spread over the lookup's window, the same ones every time it is
/// asked (their ids come from the name, so a second lookup finds the same events).
pub fn about(seed: u64, lookup: &crate::model::lookup::Lookup) -> Vec<Value> {
    use crate::model::lookup::Attribute;
    let mut out = Vec::new();
    // A resource is named by its short id and its ARN: its events are made once, for the ARN.
    let twin = |name: &str| {
        lookup
            .names
            .iter()
            .any(|(_, other)| other != name && other.starts_with("arn:") && other.ends_with(name))
    };
    for (attr, name) in &lookup.names {
        if *attr == Attribute::ResourceName && twin(name) {
            continue;
        }
        let salt = crate::model::key::key_hash(&format!("{}/{name}", lookup.account_id));
        let mut r = Rng::for_item(seed, SALT + 2, salt);
        let a = ACCOUNTS
            .iter()
            .position(|a| a.0 == lookup.account_id)
            .unwrap_or(0);
        let user = user_name(a, r.below(12) as usize);
        let calls: &[(&str, &str, bool)] = match attr {
            Attribute::AccessKeyId => &[
                ("sts.amazonaws.com", "GetCallerIdentity", true),
                ("s3.amazonaws.com", "ListBuckets", true),
                ("ec2.amazonaws.com", "DescribeInstances", true),
                ("iam.amazonaws.com", "ListAttachedUserPolicies", true),
            ],
            Attribute::Username => &[
                ("signin.amazonaws.com", "ConsoleLogin", false),
                ("iam.amazonaws.com", "CreateAccessKey", false),
                ("iam.amazonaws.com", "ListUsers", true),
            ],
            Attribute::ResourceName => calls_about(name),
        };
        for (j, &call) in calls.iter().enumerate() {
            // Offsets from the window's start (the first observation less the margin), so an
            // event keeps its time however the window's end moves with the clock.
            let at = lookup.start + Duration::seconds(r.range(0, 3 * 3600));
            let (kind, who) = match attr {
                Attribute::AccessKeyId => ("IAMUser", user.clone()),
                Attribute::Username => ("IAMUser", name.clone()),
                Attribute::ResourceName => ("AssumedRole", format!("{}/{user}", r.pick(&ROLES))),
            };
            let mut ident = identity(&lookup.account_id, kind, &who, &mut r);
            if *attr == Attribute::AccessKeyId {
                ident["accessKeyId"] = json!(name);
            }
            let request = match attr {
                Attribute::ResourceName => json!({"resource": name}),
                _ => json!({}),
            };
            let extra = match attr {
                Attribute::AccessKeyId if j == 1 => {
                    json!({"errorCode": "AccessDenied", "errorMessage": format!("User: {who} is not authorized to perform: {}", call.1)})
                }
                Attribute::ResourceName => {
                    json!({"resources": [{"ARN": name, "accountId": lookup.account_id}]})
                }
                _ => json!({}),
            };
            if at > lookup.end {
                continue;
            }
            let ip = if j % 2 == 0 {
                "198.51.100.77".to_string()
            } else {
                private_ip(&mut r)
            };
            let mut v = record(
                &mut r,
                &lookup.account_id,
                &lookup.region,
                at,
                ident,
                call,
                &ip,
                request,
                extra,
            );
            v["eventID"] = json!(format!("lookup-{salt:016x}-{j}"));
            out.push(v);
        }
    }
    out
}

/// The management calls a resource of this kind sees, from its ARN's service (or a short
/// id's prefix): a policy changed, access opened, a read or two.
fn calls_about(name: &str) -> &'static [(&'static str, &'static str, bool)] {
    let service = name
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').nth(1))
        .unwrap_or(if name.starts_with("i-") || name.starts_with("sg-") {
            "ec2"
        } else {
            "s3"
        });
    match service {
        "ec2" => &[
            ("ec2.amazonaws.com", "ModifyInstanceAttribute", false),
            ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", false),
            ("ec2.amazonaws.com", "DescribeInstances", true),
            ("ssm.amazonaws.com", "SendCommand", false),
        ],
        "lambda" => &[
            ("lambda.amazonaws.com", "AddPermission20150331v2", false),
            (
                "lambda.amazonaws.com",
                "UpdateFunctionConfiguration20150331v2",
                false,
            ),
            ("lambda.amazonaws.com", "GetFunction20150331v2", true),
        ],
        "rds" => &[
            ("rds.amazonaws.com", "ModifyDBInstance", false),
            ("rds.amazonaws.com", "DescribeDBInstances", true),
            ("rds.amazonaws.com", "CreateDBSnapshot", false),
        ],
        "iam" => &[
            ("iam.amazonaws.com", "UpdateAssumeRolePolicy", false),
            ("iam.amazonaws.com", "AttachRolePolicy", false),
            ("iam.amazonaws.com", "GetRole", true),
        ],
        "kms" => &[
            ("kms.amazonaws.com", "PutKeyPolicy", false),
            ("kms.amazonaws.com", "Decrypt", true),
        ],
        _ => &[
            ("s3.amazonaws.com", "GetBucketPolicy", true),
            ("s3.amazonaws.com", "PutBucketPolicy", false),
            ("s3.amazonaws.com", "PutBucketPublicAccessBlock", false),
            ("s3.amazonaws.com", "GetBucketAcl", true),
        ],
    }
}

/// A detection drill's attack, as the team running Stratus Red Team would produce it: for
/// each expected detection, the records its rule's cases say fire it (real detonation
/// shapes), moved to the sandbox account, to now, and given fresh event ids.
pub fn attack(seed: u64, detections: &[String], at: DateTime<Utc>) -> Vec<Value> {
    let mut r = Rng::for_item(seed, SALT + 3, at.timestamp() as u64);
    let acct = ACCOUNTS
        .iter()
        .find(|a| a.1 == "sandbox")
        .map_or(ACCOUNTS[0].0, |a| a.0);
    let mut out = Vec::new();
    for d in detections {
        let Some(cases) = crate::drill::detect::rules::cases(d) else {
            tracing::warn!(detection = %d, "no cases to play for this detection");
            continue;
        };
        // The cases' inside account is the sandbox; their outside one stays outside.
        let text = cases.replace("111111111111", acct);
        let Ok(cases) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let fires = cases["fires"].as_array().cloned().unwrap_or_default();
        let times: Vec<DateTime<Utc>> = fires
            .iter()
            .filter_map(|f| crate::model::asff::parse_time(&f["eventTime"]))
            .collect();
        let first = times.iter().min().copied().unwrap_or(at);
        for mut f in fires {
            let when = crate::model::asff::parse_time(&f["eventTime"]).unwrap_or(first);
            f["eventTime"] = json!((at + (when - first))
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string());
            f["eventID"] = json!(r.uuid());
            out.push(f);
        }
    }
    out
}
