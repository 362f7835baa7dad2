//! Simulated IAM credential reports: real report CSV text per account (the 22 columns,
//! `N/A`, `no_information`, `not_supported`, `<root_account>`), parsed by the same parser
//! that reads a live or replayed report.

use super::org::{ACCOUNTS, FIRST_NAMES, LAST_NAMES, REGIONS, SERVICE_USERS};
use super::rng::Rng;
use crate::model::credential_report;
use crate::model::CredentialRecord;
use chrono::{DateTime, Duration, Utc};
use std::fmt::Write;

const SALT: u64 = 0xC2;
const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
const SERVICES: [&str; 7] = [
    "s3",
    "ec2",
    "sts",
    "iam",
    "lambda",
    "dynamodb",
    "secretsmanager",
];

/// The `j`th user of account number `a`; stable, so findings can name the same users.
pub fn user_name(a: usize, j: usize) -> String {
    if j % 5 == 3 {
        let k = j / 5;
        let base = SERVICE_USERS[(a + k) % SERVICE_USERS.len()];
        if k >= SERVICE_USERS.len() {
            format!("{base}-{}", k / SERVICE_USERS.len() + 1)
        } else {
            base.to_string()
        }
    } else {
        let first = FIRST_NAMES[(a * 7 + j * 5) % FIRST_NAMES.len()];
        let last = LAST_NAMES[(a * 3 + j) % LAST_NAMES.len()];
        let round = j / FIRST_NAMES.len();
        if round > 0 {
            format!("{first}.{last}{round}")
        } else {
            format!("{first}.{last}")
        }
    }
}

fn t(v: DateTime<Utc>) -> String {
    v.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn days_ago(now: DateTime<Utc>, r: &mut Rng, lo: i64, hi: i64) -> DateTime<Utc> {
    now - Duration::days(r.range(lo, hi)) - Duration::seconds(r.range(0, 86_400))
}

/// One access key's five columns.
fn key_columns(
    out: &mut String,
    r: &mut Rng,
    now: DateTime<Utc>,
    created: DateTime<Utc>,
    present: bool,
    active: bool,
) {
    if !present {
        out.push_str(",false,N/A,N/A,N/A,N/A");
        return;
    }
    let max_age = (now - created).num_days().max(2);
    // Key ages spread from days to years; a third are past the 90-day mark.
    let age = match r.below(3) {
        0 => r.range(1, 90.min(max_age)),
        1 => r.range(1, max_age),
        _ => r.range(90.min(max_age - 1), max_age),
    };
    let rotated = now - Duration::days(age) - Duration::seconds(r.range(0, 86_400));
    let _ = write!(out, ",{active},{}", t(rotated));
    if r.chance(0.15) {
        out.push_str(",N/A,N/A,N/A");
    } else {
        let idle = if r.chance(0.2) {
            r.range(91, 400)
        } else {
            r.range(0, 20)
        }
        .min(age);
        let used = now - Duration::days(idle) - Duration::seconds(r.range(0, 3600));
        let _ = write!(
            out,
            ",{},{},{}",
            t(used.max(rotated)),
            r.pick(&REGIONS),
            r.pick(&SERVICES)
        );
    }
}

/// The report CSV of account number `a` with `users` users besides root.
pub fn report_csv(seed: u64, a: usize, users: usize, now: DateTime<Utc>) -> String {
    let (acct, name, env) = ACCOUNTS[a];
    let mut out = String::with_capacity(256 * (users + 2));
    out.push_str(HEADER);
    out.push('\n');
    let mut r = Rng::for_item(seed, SALT, a as u64);
    let created = now - Duration::days(r.range(800, 3000));
    // Root: MFA everywhere but the sandbox and one dev account; a legacy key in sandbox.
    let root_mfa = !matches!(name, "sandbox" | "dev-platform");
    let _ = write!(
        out,
        "<root_account>,arn:aws:iam::{acct}:root,{},not_supported,{},not_supported,not_supported,{root_mfa}",
        t(created),
        t(days_ago(now, &mut r, 20, 400))
    );
    key_columns(
        &mut out,
        &mut r,
        now,
        created,
        name == "sandbox",
        name == "sandbox",
    );
    key_columns(&mut out, &mut r, now, created, false, false);
    out.push_str(",false,N/A,false,N/A\n");
    for j in 0..users {
        let mut r = Rng::for_item(seed, SALT + 1, (a * 100_000 + j) as u64);
        let user = user_name(a, j);
        let service = j % 5 == 3;
        let created = days_ago(now, &mut r, 5, 2200);
        let max_age = (now - created).num_days().max(1);
        let _ = write!(out, "{user},arn:aws:iam::{acct}:user/{user},{}", t(created));
        if service {
            out.push_str(",false,N/A,N/A,N/A,false");
        } else {
            let used = match r.below(20) {
                0..=14 => t(days_ago(now, &mut r, 0, 14.min(max_age))),
                15..=17 => t(days_ago(now, &mut r, 91.min(max_age), max_age + 1)),
                _ => "no_information".into(),
            };
            let changed = t(days_ago(now, &mut r, 0, max_age));
            // Prod and security accounts enforce MFA better than dev and sandbox.
            let mfa = r.chance(if matches!(env, "prod" | "security" | "management") {
                0.9
            } else {
                0.65
            });
            let _ = write!(out, ",true,{used},{changed},N/A,{mfa}");
        }
        let key1 = if service {
            r.chance(0.95)
        } else {
            r.chance(0.4)
        };
        let key1_active = !r.chance(0.1);
        key_columns(&mut out, &mut r, now, created, key1, key1_active);
        let key2 = key1 && r.chance(if service { 0.25 } else { 0.05 });
        key_columns(&mut out, &mut r, now, created, key2, true);
        out.push_str(",false,N/A,false,N/A\n");
    }
    out
}

/// Parses a simulated report with the shared parser; a failure is a simulator bug.
pub fn records(csv: &str) -> Vec<CredentialRecord> {
    credential_report::parse(csv.as_bytes()).unwrap_or_else(|e| {
        tracing::error!("simulated credential report rejected: {e}");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_unique_per_account() {
        let names: std::collections::HashSet<String> = (0..500).map(|j| user_name(3, j)).collect();
        assert_eq!(names.len(), 500);
    }
}
