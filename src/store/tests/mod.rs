use super::*;
use crate::feed::{SourceHealth, SourceKey, Status};
use crate::model::asff;
use crate::model::key::key_hash;
use chrono::TimeZone;
use serde_json::json;

mod kept_up;
mod lead;
mod views;

fn finding(id: &str, sev: &str, updated: &str, status: &str) -> Finding {
    asff::parse_value(&json!({
        "Id": id,
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111",
        "Region": "us-east-1",
        "UpdatedAt": updated,
        "Severity": {"Label": sev},
        "Title": format!("title {id}"),
        "Workflow": {"Status": status},
        "Resources": [{"Type": "AwsEc2Instance", "Id": format!("arn:aws:ec2:us-east-1:111111111111:instance/i-{id}")}]
    }))
    .unwrap()
}

#[test]
fn upsert_keeps_latest_updated_at() {
    let mut s = Store::new();
    s.apply(Update::Findings(vec![finding(
        "a",
        "LOW",
        "2026-01-02T00:00:00Z",
        "NEW",
    )]));
    // An older copy does not overwrite.
    let c = s.apply(Update::Findings(vec![finding(
        "a",
        "HIGH",
        "2026-01-01T00:00:00Z",
        "NEW",
    )]));
    assert!(!c.findings);
    assert_eq!(s.findings.items()[0].severity, Severity::Low);
    // A newer one does, in place.
    let c = s.apply(Update::Findings(vec![finding(
        "a",
        "CRITICAL",
        "2026-01-03T00:00:00Z",
        "NEW",
    )]));
    assert!(c.findings);
    assert_eq!(s.findings.len(), 1);
    assert_eq!(s.findings.items()[0].severity, Severity::Critical);
    assert_eq!(s.counts().severity(Severity::Critical), 1);
    assert_eq!(s.counts().severity(Severity::Low), 0);
}

#[test]
fn counts_only_open_findings() {
    let mut s = Store::new();
    s.apply(Update::Findings(vec![
        finding("a", "HIGH", "2026-01-01T00:00:00Z", "NEW"),
        finding("b", "HIGH", "2026-01-01T00:00:00Z", "RESOLVED"),
        finding("c", "LOW", "2026-01-01T00:00:00Z", "NOTIFIED"),
    ]));
    assert_eq!(s.counts().open, 2);
    assert_eq!(s.counts().severity(Severity::High), 1);
    assert_eq!(
        s.counts().by_account["111111111111"][Severity::Low as usize],
        1
    );
}

#[test]
fn account_names_enter_the_search_text() {
    let mut s = Store::new();
    s.apply(Update::Findings(vec![finding(
        "a",
        "HIGH",
        "2026-01-01T00:00:00Z",
        "NEW",
    )]));
    assert!(!s.findings.search_text(0).contains("prod-payments"));
    s.apply(Update::Accounts(vec![Account::new(
        "111111111111",
        "Prod-Payments",
        "prod",
    )]));
    assert!(s.findings.search_text(0).contains("prod-payments"));
    assert_eq!(s.accounts.name("111111111111"), "Prod-Payments");
    assert_eq!(s.accounts.name("999"), "999");
}

#[test]
fn failure_keeps_last_success_and_reads_stale() {
    let mut s = Store::new();
    let key = SourceKey::service("securityhub");
    let t = Utc.with_ymd_and_hms(2026, 11, 22, 12, 3, 0).unwrap();
    s.apply(Update::Health(
        key.clone(),
        SourceHealth {
            status: Status::Ok,
            last_success: Some(t),
            error: None,
            records: 5,
            next_poll: None,
        },
    ));
    s.apply(Update::Health(
        key.clone(),
        SourceHealth {
            status: Status::Failed,
            last_success: None,
            error: Some("throttled".into()),
            records: 5,
            next_poll: None,
        },
    ));
    let h = &s.sources[&key];
    assert_eq!(h.status, Status::Stale);
    assert_eq!(h.last_success, Some(t));
    assert_eq!(
        s.worst_source().unwrap().1.error.as_deref(),
        Some("throttled")
    );
}

#[test]
fn credential_report_replaces_the_accounts_rows() {
    let rec = |acct: &str, user: &str| crate::model::CredentialRecord {
        account_id: acct.into(),
        user: user.into(),
        arn: format!("arn:aws:iam::{acct}:user/{user}"),
        is_root: false,
        user_creation_time: None,
        password_enabled: Some(false),
        password_last_used: None,
        password_last_changed: None,
        mfa_active: true,
        access_keys: vec![],
    };
    let now = Utc::now();
    let mut s = Store::new();
    s.apply(Update::Credentials {
        account_id: "1".into(),
        generated_at: now,
        records: vec![rec("1", "a"), rec("1", "b")],
    });
    s.apply(Update::Credentials {
        account_id: "2".into(),
        generated_at: now,
        records: vec![rec("2", "c")],
    });
    s.apply(Update::Credentials {
        account_id: "1".into(),
        generated_at: now,
        records: vec![rec("1", "d")],
    });
    let mut users: Vec<_> = s
        .credentials
        .items()
        .iter()
        .map(|r| r.user.as_str())
        .collect();
    users.sort();
    assert_eq!(users, ["c", "d"]);
    assert_eq!(s.credentials.position("1\u{1f}d"), Some(1));
}

#[test]
fn counts_kept_row_by_row_equal_a_recount() {
    let mut s = Store::new();
    let statuses = ["NEW", "RESOLVED", "NOTIFIED", "SUPPRESSED"];
    let sevs = ["LOW", "HIGH", "CRITICAL", "MEDIUM", "INFORMATIONAL"];
    for round in 0..6u32 {
        let batch = (0..40u32)
            .map(|i| {
                let n = i * 7 + round * 3;
                finding(
                    &format!("f{}", n % 50),
                    sevs[(n % 5) as usize],
                    &format!("2026-01-{:02}T00:00:00Z", 1 + (round + i % 3)),
                    statuses[(n % 4) as usize],
                )
            })
            .collect();
        s.apply(Update::Findings(batch));
        assert_eq!(s.counts(), &count(s.findings.items()), "round {round}");
    }
    assert!(s.counts().open > 0);
}

#[test]
fn gone_findings_leave_the_table_and_the_counts() {
    let mut s = Store::new();
    s.apply(Update::Findings(vec![
        finding("a", "HIGH", "2026-01-01T00:00:00Z", "NEW"),
        finding("b", "LOW", "2026-01-01T00:00:00Z", "NEW"),
        finding("c", "HIGH", "2026-01-01T00:00:00Z", "NEW"),
    ]));
    let key_a = key_hash(&<Finding as Keyed>::key(&s.findings.items()[0]));
    let c = s.apply(Update::Gone(Gone::Findings(vec![
        key_a,
        key_hash("not-there"),
    ])));
    assert!(c.findings);
    assert_eq!(s.findings.len(), 2);
    assert_eq!(s.counts().severity(Severity::High), 1);
    assert_eq!(s.counts(), &count(s.findings.items()));
    // Rows after the removed one moved up, and are still found by key.
    let key_c = <Finding as Keyed>::key(&s.findings.items()[1]);
    assert_eq!(s.findings.position(&key_c), Some(1));
    assert!(s.findings.search_text(1).contains("title c"));
    let c = s.apply(Update::Gone(Gone::Findings(vec![key_hash("not-there")])));
    assert!(!c.findings, "nothing removed, nothing changed");
}

#[test]
fn exposure_controls_sit_beside_the_analyzer_and_leave_with_their_finding() {
    let control = |id: &str, control: &str, status: &str, compliance: &str, at: &str| {
        asff::parse_value(&json!({
            "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
            "AwsAccountId": "111111111111", "Region": "us-east-1", "UpdatedAt": at,
            "Severity": {"Label": "HIGH"}, "Title": "Security groups should not allow port 22",
            "Workflow": {"Status": status},
            "Compliance": {"Status": compliance, "SecurityControlId": control},
            "Resources": [{"Type": "AwsEc2SecurityGroup",
                "Id": "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1"}]
        }))
        .unwrap()
    };
    let mut s = Store::new();
    let changed = s.apply(Update::Findings(vec![
        control("a", "EC2.13", "NEW", "FAILED", "2026-11-20T00:00:00Z"),
        control("b", "RDS.2", "NEW", "FAILED", "2026-11-20T00:00:00Z"),
        control("c", "EC2.8", "NEW", "FAILED", "2026-11-20T00:00:00Z"),
        control("d", "S3.8", "NEW", "PASSED", "2026-11-20T00:00:00Z"),
    ]));
    assert!(changed.exposures);
    let rows = s.exposures.items();
    assert_eq!(
        rows.len(),
        2,
        "IMDSv2 is not about exposure; a passed control is none"
    );
    let sg = rows.iter().find(|e| e.principal == "0.0.0.0/0").unwrap();
    assert!(sg.is_control() && !sg.is_public);
    assert_eq!(sg.resource_type, "AWS::EC2::SecurityGroup");
    assert!(sg.actions[0].starts_with("EC2.13: "));
    assert!(rows.iter().any(|e| e.is_public), "RDS.2 is public reach");
    // Resolved elsewhere: the row goes.
    s.apply(Update::Findings(vec![control(
        "a",
        "EC2.13",
        "RESOLVED",
        "FAILED",
        "2026-11-21T00:00:00Z",
    )]));
    assert_eq!(s.exposures.len(), 1);
    // Gone from Security Hub: the row goes with the finding.
    let b = s
        .findings
        .items()
        .iter()
        .find(|f| &*f.id == "b")
        .map(row_hash)
        .unwrap();
    s.apply(Update::Gone(Gone::Findings(vec![b])));
    assert_eq!(s.exposures.len(), 0);
}

#[test]
fn field_filters_look_at_one_value_each() {
    use super::query::View;
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![crate::model::Account {
        id: "111111111111".into(),
        name: "prod-payments".into(),
        environment: "prod".into(),
    }]));
    let mut list = vec![
        finding("a", "CRITICAL", "2026-11-22T10:00:00Z", "NEW"),
        finding("b", "HIGH", "2026-11-10T00:00:00Z", "NEW"),
        finding("c", "LOW", "2026-11-22T11:00:00Z", "RESOLVED"),
        finding("d", "HIGH", "2026-11-22T11:30:00Z", "NEW"),
    ];
    list[3].account_id = "222222222222".into();
    // A title that names the account does not make it that account's finding.
    list[3].title = crate::model::intern("seen from prod-payments");
    s.apply(Update::Findings(list));
    let ids = |q: &str| {
        let mut v = View::of::<Finding>(0);
        v.set_filter(q);
        assert!(v.filter_error.is_none(), "{q}: {:?}", v.filter_error);
        v.refresh(&s.findings, &|a, b| a.cmp(&b), &s.accounts, now);
        let mut ids: Vec<String> = v
            .rows
            .iter()
            .map(|&i| s.findings.items()[i as usize].id.to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids("sev>=high"), ["a", "b", "d"]);
    assert_eq!(ids("sev:high"), ["b", "d"]);
    assert_eq!(ids("sev<medium"), ["c"]);
    assert_eq!(ids("acct:prod-payments"), ["a", "b", "c"], "by name");
    assert_eq!(ids("acct:2222"), ["d"], "by id");
    assert_eq!(
        ids("prod-payments"),
        ["a", "b", "c", "d"],
        "a free word looks everywhere"
    );
    assert_eq!(ids("age<1d"), ["a", "c", "d"]);
    assert_eq!(ids("age>=7d sev>=high"), ["b"]);
    assert_eq!(ids("!status:resolved sev>=high -acct:2222"), ["a", "b"]);
}

#[test]
fn facets_follow_every_change_of_the_table() {
    use super::fields::Field;
    use super::query::View;
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut s = Store::new();
    s.apply(Update::Findings(vec![
        finding("a", "CRITICAL", "2026-11-22T10:00:00Z", "NEW"),
        finding("b", "LOW", "2026-11-22T10:00:00Z", "NEW"),
    ]));
    let count = |s: &Store, q: &str| {
        let mut v = View::of::<Finding>(0);
        v.set_filter(q);
        v.refresh(&s.findings, &|a, b| a.cmp(&b), &s.accounts, now);
        v.rows.len()
    };
    assert_eq!(count(&s, "sev>=high"), 1);
    // The same finding, updated to high: the facets are rebuilt for the new revision.
    s.apply(Update::Findings(vec![finding(
        "b",
        "HIGH",
        "2026-11-22T11:00:00Z",
        "NEW",
    )]));
    assert_eq!(count(&s, "sev>=high"), 2);
    // A new finding is appended to the facets, not rebuilt with them.
    s.apply(Update::Findings(vec![finding(
        "c",
        "CRITICAL",
        "2026-11-22T11:30:00Z",
        "RESOLVED",
    )]));
    assert_eq!(count(&s, "sev>=high"), 3);
    assert_eq!(count(&s, "status:resolved"), 1);
    let rows: Vec<u32> = (0..2).collect();
    let by_status = s.findings.count_by(&rows, Field::Status).unwrap();
    assert_eq!(by_status, [("NEW".to_string(), [0, 0, 0, 1, 1])]);
    // Removed rows leave the facets too.
    let gone = row_hash(&s.findings.items()[0]);
    s.apply(Update::Gone(Gone::Findings(vec![gone])));
    assert_eq!(count(&s, "sev>=high"), 2, "b and c");
    assert_eq!(count(&s, "!sev>=high"), 0);
    assert_eq!(count(&s, "status:resolved"), 1, "c, at its new position");
    assert!(
        s.findings.count_by(&[0], Field::Title).is_none(),
        "not a facet"
    );
}

#[test]
fn a_findings_changes_are_kept_as_its_history_and_go_with_it() {
    let mut s = Store::new();
    s.apply(Update::Findings(vec![finding(
        "h",
        "MEDIUM",
        "2026-11-20T00:00:00Z",
        "NEW",
    )]));
    let key = row_hash(&s.findings.items()[0]);
    assert!(s.history(key).is_empty(), "first sight is no change");
    s.apply(Update::Findings(vec![finding(
        "h",
        "HIGH",
        "2026-11-21T00:00:00Z",
        "NOTIFIED",
    )]));
    // The same version again changes nothing.
    s.apply(Update::Findings(vec![finding(
        "h",
        "HIGH",
        "2026-11-21T00:00:00Z",
        "NOTIFIED",
    )]));
    let seen: Vec<String> = s
        .history(key)
        .iter()
        .map(|c| format!("{} {}", c.at.format("%d"), c.what))
        .collect();
    assert_eq!(
        seen,
        ["21 severity MEDIUM -> HIGH", "21 status NEW -> NOTIFIED"]
    );
    for day in 0..30 {
        let status = if day % 2 == 0 { "NEW" } else { "NOTIFIED" };
        s.apply(Update::Findings(vec![finding(
            "h",
            "HIGH",
            &format!("2026-12-{:02}T00:00:00Z", day % 28 + 1),
            status,
        )]));
    }
    assert_eq!(s.history(key).len(), HISTORY_PER_FINDING, "bounded");
    s.apply(Update::Gone(Gone::Findings(vec![key])));
    assert!(s.history(key).is_empty());
}

#[test]
fn the_resource_index_kept_up_equals_one_built_afresh() {
    let on = |id: &str, updated: &str, resources: &[&str]| -> Finding {
        let list: Vec<serde_json::Value> = resources
            .iter()
            .map(|r| json!({"Type": "AwsS3Bucket", "Id": r}))
            .collect();
        asff::parse_value(&json!({
            "Id": id,
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
            "AwsAccountId": "111111111111",
            "UpdatedAt": updated,
            "Severity": {"Label": "HIGH"},
            "Title": id,
            "Resources": list
        }))
        .unwrap()
    };
    let shared = "AWS::::Account:111111111111";
    let mut s = Store::new();
    // Five on the account, two of them also on a bucket, one naming the bucket twice.
    s.apply(Update::Findings(vec![
        on("a", "2026-01-01T00:00:00Z", &[shared]),
        on("b", "2026-01-01T00:00:00Z", &[shared, "arn:aws:s3:::b"]),
        on("c", "2026-01-01T00:00:00Z", &[shared, "arn:aws:s3:::b"]),
        on("d", "2026-01-01T00:00:00Z", &[shared]),
        on(
            "e",
            "2026-01-01T00:00:00Z",
            &["arn:aws:s3:::e", "arn:aws:s3:::e"],
        ),
    ]));
    assert_eq!(s.resources, resources::index_of(s.findings.items()));
    assert_eq!(s.findings_on(&[shared]).count(), 4);
    assert_eq!(s.findings_on(&["arn:aws:s3:::b"]).count(), 2);
    // Several resources: each finding once, whichever set is read first.
    let mut both: Vec<u32> = s.findings_on(&["arn:aws:s3:::b", shared]).collect();
    both.sort_unstable();
    assert_eq!(both, [0, 1, 2, 3]);
    let mut all: Vec<u32> = s
        .findings_on(&["arn:aws:s3:::e", "arn:aws:s3:::b", "arn:aws:s3:::e", shared])
        .collect();
    all.sort_unstable();
    assert_eq!(all, [0, 1, 2, 3, 4]);
    // A finding moves from the bucket to another; another keeps its resources; an older
    // version changes nothing.
    s.apply(Update::Findings(vec![
        on("b", "2026-01-02T00:00:00Z", &["arn:aws:s3:::z"]),
        on("c", "2026-01-02T00:00:00Z", &[shared, "arn:aws:s3:::b"]),
        on("d", "2025-12-01T00:00:00Z", &["arn:aws:s3:::old"]),
    ]));
    assert_eq!(s.resources, resources::index_of(s.findings.items()));
    assert_eq!(s.findings_on(&["arn:aws:s3:::b"]).count(), 1, "c alone now");
    assert_eq!(s.findings_on(&["arn:aws:s3:::old"]).count(), 0);
    // Removals: the rows after move up, and the index still finds them by key.
    let key = |s: &Store, i: usize| key_hash(&<Finding as Keyed>::key(&s.findings.items()[i]));
    let gone = vec![key(&s, 0), key(&s, 2)];
    s.apply(Update::Gone(Gone::Findings(gone)));
    assert_eq!(s.resources, resources::index_of(s.findings.items()));
    let titles: Vec<&str> = s
        .findings_on(&[shared])
        .map(|i| &*s.findings.items()[i as usize].title)
        .collect();
    assert_eq!(titles, ["d"], "a and c left; b moved to another bucket");
    assert_eq!(s.findings_on(&["arn:aws:s3:::e"]).count(), 1);
}

#[test]
fn the_open_tally_kept_up_equals_one_counted_afresh() {
    // Findings of every kind the tally counts, re-rated, closed, re-opened and removed.
    let products = [
        ("aws/securityhub", "Security Hub", "aws-foundational"),
        ("aws/inspector", "Inspector", "AWSInspector"),
        ("aws/macie", "Macie", "aws/macie"),
        (
            "aws/access-analyzer",
            "IAM Access Analyzer",
            "aws/access-analyzer/UnusedIAMRole",
        ),
    ];
    let controls = ["EC2.19", "GuardDuty.1", "Inspector.1", "S3.4", ""];
    let sevs = ["LOW", "HIGH", "CRITICAL", "MEDIUM", "INFORMATIONAL"];
    let statuses = ["NEW", "RESOLVED", "NOTIFIED", "SUPPRESSED"];
    let make = |n: u32, round: u32| -> Finding {
        let (product, name, generator) = products[(n % 4) as usize];
        let control = controls[((n + round) % 5) as usize];
        let region = ["us-east-1", "eu-west-1"][(n % 2) as usize];
        let kind = if n % 4 == 2 {
            "Sensitive Data Identifications/PII"
        } else {
            "Software and Configuration Checks"
        };
        let mut v = json!({
            "Id": format!("f{}", n % 60),
            "ProductArn": format!("arn:aws:securityhub:us-east-1::product/{product}"),
            "ProductName": name,
            "GeneratorId": generator,
            "AwsAccountId": format!("11111111111{}", n % 3),
            "Region": region,
            "UpdatedAt": format!("2026-01-{:02}T00:00:00Z", 1 + round),
            "Severity": {"Label": sevs[((n + round) % 5) as usize]},
            "Title": format!("t{n}"),
            "Types": [kind],
            "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::b{}", n % 5)}],
            "Workflow": {"Status": statuses[((n * 3 + round) % 4) as usize]},
        });
        if !control.is_empty() {
            v["Compliance"] = json!({"Status": "FAILED", "SecurityControlId": control});
        }
        asff::parse_value(&v).unwrap()
    };
    let mut s = Store::new();
    for round in 0..8u32 {
        let batch = (0..50u32)
            .map(|i| make(i * 7 + round * 11, round))
            .collect();
        s.apply(Update::Findings(batch));
        assert_eq!(
            s.open_tally(),
            &tally::tally_of(s.findings.items()),
            "round {round}"
        );
        if round % 3 == 2 {
            let gone: Vec<u64> = s
                .findings
                .items()
                .iter()
                .step_by(4)
                .map(|f| key_hash(&<Finding as Keyed>::key(f)))
                .collect();
            s.apply(Update::Gone(Gone::Findings(gone)));
            assert_eq!(
                s.open_tally(),
                &tally::tally_of(s.findings.items()),
                "round {round}, after a removal"
            );
        }
    }
    let t = s.open_tally();
    // Each count was reached, so the comparisons above compared something.
    assert!(t.places.len() > 1, "{:?}", t.places.keys());
    assert!(t.unused_access > 0 && t.inspector_high > 0 && !t.sensitive.is_empty());
    let bucket = |n: u32| key_hash(&format!("arn:aws:s3:::b{n}"));
    assert!((0..5).any(|n| t.macie_found_in(bucket(n))));
    assert!(t.controls_total(&["EC2.19", "S3.4", "EC2.19"]) > 0);
    assert!(t
        .high_kinds()
        .all(|(kind, f)| f.is_some_and(|f| tally::runbook_kind(f) == kind)));
    // Everything resolved: nothing is left in the tally, not even an empty place.
    let resolved: Vec<Finding> = s
        .findings
        .items()
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.workflow_status = crate::model::WorkflowStatus::Resolved;
            f.updated_at += chrono::Duration::days(30);
            f
        })
        .collect();
    s.apply(Update::Findings(resolved));
    assert_eq!(s.open_tally(), &tally::tally_of(s.findings.items()));
    assert!(s.open_tally().places.is_empty());
    assert!(s.open_tally().high_kinds().next().is_none());
    assert!((0..5).all(|n| !s.open_tally().macie_found_in(bucket(n))));
}

#[test]
fn credential_keys_are_worked_out_again_when_the_reports_the_minute_or_the_limits_move() {
    use super::sort::{CredentialKeys, CredentialSort};
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 30).unwrap();
    let rec = |user: &str, rotated_days_ago: i64| crate::model::CredentialRecord {
        account_id: "1".into(),
        user: user.into(),
        arn: format!("arn:aws:iam::1:user/{user}"),
        is_root: false,
        user_creation_time: None,
        password_enabled: Some(false),
        password_last_used: None,
        password_last_changed: None,
        mfa_active: true,
        access_keys: vec![crate::model::AccessKey {
            slot: 1,
            active: true,
            last_rotated: Some(now - chrono::Duration::days(rotated_days_ago)),
            last_used: Some(now),
            last_used_service: None,
            last_used_region: None,
        }],
    };
    let mut s = Store::new();
    s.apply(Update::Credentials {
        account_id: "1".into(),
        generated_at: now,
        records: vec![rec("fresh", 10), rec("old", 200), rec("older", 400)],
    });
    let limits = crate::model::Thresholds::default();
    let keys = CredentialKeys::of(None, &s, now, limits);
    let risky: Vec<bool> = keys.rows.iter().map(|k| !k.risks.is_empty()).collect();
    assert_eq!(risky, [false, true, true]);
    // Oldest risk first, then the rest: the order reads the keys.
    let rows = {
        let cmp = super::sort::credentials(&s, CredentialSort::Risk, &keys);
        let mut rows = vec![0u32, 1, 2];
        rows.sort_by(|a, b| cmp(*a, *b));
        rows
    };
    assert_eq!(rows, [2, 1, 0]);
    // Kept within the minute (a marked copy comes back as it was given) ...
    let mut marked = keys.clone();
    marked.rows.clear();
    let same = CredentialKeys::of(
        Some(marked.clone()),
        &s,
        now + chrono::Duration::seconds(20),
        limits,
    );
    assert!(same.rows.is_empty(), "reused within the minute");
    // ... and worked out again when the minute, the limits or the reports move.
    let later = now + chrono::Duration::minutes(1);
    assert_eq!(
        CredentialKeys::of(Some(marked.clone()), &s, later, limits)
            .rows
            .len(),
        3
    );
    let strict = crate::model::Thresholds {
        age_days: 5,
        ..limits
    };
    let keys = CredentialKeys::of(Some(marked.clone()), &s, now, strict);
    assert!(
        keys.rows.iter().all(|k| !k.risks.is_empty()),
        "all older than 5 days"
    );
    s.apply(Update::Credentials {
        account_id: "1".into(),
        generated_at: now,
        records: vec![rec("new", 1)],
    });
    assert_eq!(
        CredentialKeys::of(Some(marked), &s, now, limits).rows.len(),
        1
    );
}

#[test]
fn an_exposure_or_evaluation_polled_again_unchanged_changes_nothing() {
    let e = crate::model::Exposure {
        resource: "arn:aws:s3:::b".into(),
        actions: vec!["s3:GetObject".into()],
        updated_at: chrono::DateTime::UNIX_EPOCH,
        ..crate::test_support::exposure("x", true, None)
    };
    let mut s = Store::new();
    assert!(s.apply(Update::Exposures(vec![e.clone()])).exposures);
    let revision = s.exposures.revision();
    assert!(!s.apply(Update::Exposures(vec![e.clone()])).exposures);
    assert_eq!(s.exposures.revision(), revision, "no view or mark moves");
    let mut wider = e;
    wider.actions.push("s3:PutObject".into());
    assert!(s.apply(Update::Exposures(vec![wider])).exposures);
    assert_eq!(s.exposures.items()[0].actions.len(), 2);
}
