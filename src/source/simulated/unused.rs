//! Simulated IAM Access Analyzer unused-access findings: roles nobody assumes and
//! permissions a role never uses, with when each was last used, as GetFindingV2 details.

use super::org::ACCOUNTS;
use super::rng::Rng;
use crate::model::{access_analyzer, Finding};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

const SALT: u64 = 0xA5;

const ROLES: [&str; 6] = [
    "legacy-ci-deployer",
    "vendor-audit-readonly",
    "migration-2024",
    "old-monitoring-integration",
    "test-lambda-role",
    "break-glass-admin",
];

const PERMISSIONS: [(&str, &[&str]); 4] = [
    ("app-backend", &["dynamodb", "kms"]),
    ("data-pipeline", &["s3", "glue", "athena"]),
    ("ops-automation", &["ec2", "ssm"]),
    ("reporting-job", &["redshift"]),
];

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The records of one account: a summary merged with its details, as the poller reads them.
fn records(seed: u64, account: usize, now: DateTime<Utc>) -> Vec<Value> {
    let mut r = Rng::for_item(seed, SALT, account as u64);
    let acct = ACCOUNTS[account].0;
    let mut out = Vec::new();
    let finding = |r: &mut Rng, kind: &str, name: &str, details: Value| {
        let created = now - Duration::days(r.range(3, 60));
        json!({
            "id": format!("{}-{}-{}-{}-{}", r.hex(8), r.hex(4), r.hex(4), r.hex(4), r.hex(12)),
            "resource": format!("arn:aws:iam::{acct}:role/{name}"),
            "resourceType": "AWS::IAM::Role",
            "resourceOwnerAccount": acct,
            "status": "ACTIVE",
            "findingType": kind,
            "createdAt": time(created),
            "analyzedAt": time(now - Duration::hours(r.range(1, 20))),
            "updatedAt": time(created),
            "findingDetails": [details],
        })
    };
    let start = r.below(ROLES.len() as u64) as usize;
    for k in 0..r.range(0, 3) as usize {
        let name = ROLES[(start + k) % ROLES.len()];
        // A role created for a one-off job and never assumed has no last access at all.
        let details = if r.chance(0.3) {
            json!({"unusedIamRoleDetails": {}})
        } else {
            let last = now - Duration::days(r.range(95, 700));
            json!({"unusedIamRoleDetails": {"lastAccessed": time(last)}})
        };
        out.push(finding(&mut r, "UnusedIAMRole", name, details));
    }
    if r.chance(0.6) {
        let (name, services) = *r.pick(&PERMISSIONS);
        let mut details: Vec<Value> = services
            .iter()
            .map(|svc| {
                let last = now - Duration::days(r.range(91, 400));
                json!({"unusedPermissionDetails": {"serviceNamespace": svc,
                    "lastAccessed": time(last)}})
            })
            .collect();
        let first = details.remove(0);
        let mut v = finding(&mut r, "UnusedPermission", name, first);
        if let Some(list) = v["findingDetails"].as_array_mut() {
            list.extend(details);
        }
        out.push(v);
    }
    out
}

/// Every account's unused-access findings, as the unused-access analyzer reports them.
pub fn findings(seed: u64, now: DateTime<Utc>) -> Vec<Finding> {
    (0..ACCOUNTS.len())
        .flat_map(|a| records(seed, a, now))
        .filter_map(|v| access_analyzer::unused_finding(&v, "us-east-1").ok())
        .collect()
}
