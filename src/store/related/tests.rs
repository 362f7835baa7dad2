//! Tests of what the store relates to one record.

use super::*;
use crate::feed::Update;
use crate::model::{access_analyzer, cloudtrail};
use serde_json::json;

#[test]
fn a_users_unused_access_and_newest_activity() {
    let mut s = Store::new();
    let unused = |id: &str, arn: &str| {
        access_analyzer::unused_finding(
            &json!({"id": id, "resource": arn, "resourceOwnerAccount": "111111111111",
                "status": "ACTIVE", "findingType": "UnusedIAMUserAccessKey",
                "updatedAt": "2026-11-20T00:00:00Z"}),
            "us-east-1",
        )
        .unwrap()
    };
    s.apply(Update::Findings(vec![
        unused("u1", "arn:aws:iam::111111111111:user/alice"),
        unused("u2", "arn:aws:iam::111111111111:user/bob"),
    ]));
    let event = |id: &str, at: &str, user: &str, account: &str| {
        cloudtrail::parse_record(&json!({"eventID": id, "eventTime": at,
            "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
            "recipientAccountId": account,
            "userIdentity": {"type": "IAMUser", "userName": user}}))
        .unwrap()
    };
    s.apply(Update::Events(vec![
        event("e1", "2026-11-20T10:00:00Z", "alice", "111111111111"),
        event("e2", "2026-11-21T10:00:00Z", "alice", "111111111111"),
        event("e3", "2026-11-22T10:00:00Z", "alice", "222222222222"),
        event("e4", "2026-11-22T11:00:00Z", "bob", "111111111111"),
        event("e5", "2026-11-19T10:00:00Z", "alice", "111111111111"),
    ]));
    let found = unused_access(&s, "arn:aws:iam::111111111111:user/alice");
    assert_eq!(found.len(), 1);
    assert!(found[0].id.ends_with("finding/u1"));
    let ids: Vec<&str> = activity(&s, "111111111111", "alice", 2)
        .iter()
        .map(|e| e.event_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["e2", "e1"],
        "newest first, this account only, at most 2"
    );
    assert!(activity(&s, "111111111111", "carol", 5).is_empty());
}

/// An open Macie finding (sensitive data) about the bucket with this name.
fn macie_on(bucket: &str) -> Finding {
    crate::model::asff::parse_value(&json!({
        "Id": "m", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/macie",
        "ProductName": "Macie", "AwsAccountId": "111111111111",
        "UpdatedAt": "2026-11-21T00:00:00Z", "Severity": {"Label": "HIGH"},
        "Title": "PII",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::{bucket}")}]
    }))
    .unwrap()
}

#[test]
fn marks_name_the_combinations_that_matter_more() {
    use crate::model::{Account, Exposure};
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![Account {
        id: "222222222222".into(),
        name: "dev".into(),
        environment: "dev".into(),
    }]));
    let e = |id: &str, kind: &str, public: bool, other: Option<&str>, action: &str| Exposure {
        id: id.into(),
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        resource_type: kind.into(),
        resource: format!("arn:aws:s3:::{id}"),
        principal: "*".into(),
        is_public: public,
        external_account: other.map(str::to_string),
        actions: vec![action.into()],
        conditions: vec![],
        status: "ACTIVE".into(),
        source: "access-analyzer".into(),
        updated_at: chrono::DateTime::UNIX_EPOCH,
    };
    let list = vec![
        e("data", "AWS::S3::Bucket", true, None, "s3:GetObject"),
        e("drop", "AWS::S3::Bucket", true, None, "s3:PutObject"),
        e("quiet", "AWS::S3::Bucket", true, None, "s3:GetObject"),
        e(
            "r1",
            "AWS::IAM::Role",
            false,
            Some("999999999999"),
            "sts:AssumeRole",
        ),
        e(
            "r2",
            "AWS::IAM::Role",
            false,
            Some("222222222222"),
            "sts:AssumeRole",
        ),
        e(
            "q",
            "AWS::SQS::Queue",
            false,
            Some("999999999999"),
            "sqs:SendMessage",
        ),
    ];
    s.apply(Update::Exposures(list.clone()));
    s.apply(Update::Findings(vec![macie_on("data")]));
    let marks = ExposureMarks::of(&s);
    let got: Vec<Vec<&str>> = list.iter().map(|x| marks.marks(x, &s.accounts)).collect();
    assert_eq!(
        got,
        [
            vec!["public+macie"],
            vec!["public-write"],
            vec![],
            vec!["outside-trust"],
            vec![],
            vec![],
        ],
        "a role trusted inside the org and plain cross-account access are not marked"
    );
    assert_eq!(marks.score(0), 1);
    assert_eq!(marks.score(2), 0);
    // From the store's tally as findings change: another product's finding on the
    // bucket, the Macie finding resolved, a second one opened and resolved, the
    // resolved first one removed, and it coming back open.
    let finding = |id: &str, product: &str, status: &str, at: &str| {
        crate::model::asff::parse_value(&json!({
            "Id": id,
            "ProductArn": format!(
                "arn:aws:securityhub:us-east-1::product/aws/{}",
                product.to_lowercase()
            ),
            "ProductName": product, "AwsAccountId": "111111111111",
            "UpdatedAt": at, "Severity": {"Label": "HIGH"}, "Workflow": {"Status": status},
            "Title": "t", "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::data"}]
        }))
        .unwrap()
    };
    let steps: Vec<Vec<Finding>> = vec![
        vec![finding("g1", "GuardDuty", "NEW", "2026-11-22T00:00:00Z")],
        vec![finding("m", "Macie", "RESOLVED", "2026-11-23T00:00:00Z")],
        vec![finding("m2", "Macie", "NEW", "2026-11-23T00:00:00Z")],
        vec![finding("m2", "Macie", "RESOLVED", "2026-11-24T00:00:00Z")],
        vec![],
        vec![finding("m", "Macie", "NEW", "2026-11-24T00:00:00Z")],
    ];
    let mut scores = Vec::new();
    let mut moved = Vec::new();
    for step in steps {
        let before = ExposureMarks::inputs(&s);
        if step.is_empty() {
            let m = crate::model::key::key_hash(&s.findings.items()[0].key());
            assert_eq!(s.findings.items()[0].id.as_ref(), "m");
            s.apply(Update::Gone(crate::feed::Gone::Findings(vec![m])));
        } else {
            s.apply(Update::Findings(step));
        }
        scores.push(ExposureMarks::of(&s).score(0));
        moved.push(ExposureMarks::inputs(&s) != before);
    }
    assert_eq!(
        scores,
        [1, 0, 1, 0, 0, 1],
        "public+macie while a Macie finding is open"
    );
    // The marks are worked out again when a resource gains or loses its last open
    // Macie finding, not on another product's write or a closed finding's removal.
    assert_eq!(moved, [false, true, true, true, false, true]);
    assert!(!is_write("kms:Decrypt") && is_write("sqs:*") && is_write("*"));
    assert!(
        !is_write("ec2:CreateVolumePermission"),
        "sharing, not writing"
    );
}

/// Exposures rewritten (public or not, writable or not), added and removed, with a
/// Macie finding on one bucket: the marks caught up from the rows written and removed
/// equal the marks worked out afresh, row by row.
#[test]
fn marks_caught_up_after_writes_equal_marks_worked_out_afresh() {
    use crate::model::key::key_hash;
    let mut s = Store::new();
    let exposure = |i: usize, round: usize| {
        let mut e =
            crate::test_support::exposure(&format!("b{i}"), !(i + round).is_multiple_of(3), None);
        if (i + round).is_multiple_of(2) {
            e.actions = vec!["s3:PutObject".into()];
        }
        e.updated_at += chrono::Duration::minutes(round as i64);
        e
    };
    s.apply(Update::Exposures((0..30).map(|i| exposure(i, 0)).collect()));
    // A public bucket no round writes again: only a new look-up marks it.
    s.apply(Update::Exposures(vec![crate::test_support::exposure(
        "kept", true, None,
    )]));
    s.apply(Update::Findings(vec![macie_on("b4")]));
    let mut marks = Some((ExposureMarks::inputs(&s), ExposureMarks::of(&s)));
    let (mut marked, mut macie_marked) = (0, Vec::new());
    for round in 1..7 {
        let rows = (0..40).step_by(round % 3 + 2).map(|i| exposure(i, round));
        s.apply(Update::Exposures(rows.collect()));
        // Rows leave (the first, one in the middle, the last), some with rows written or
        // a Macie change in the same round.
        let gone = match round {
            2 => vec![0],
            4 => vec![0, 7],
            5 => vec![s.exposures.len() - 1, 3],
            _ => vec![],
        };
        if !gone.is_empty() {
            let keys = gone
                .iter()
                .map(|&r| key_hash(&s.exposures.items()[r].key()));
            s.apply(Update::Gone(crate::feed::Gone::Exposures(keys.collect())));
        }
        // Macie findings come and go, with rows written between: every public row's Macie
        // mark is looked up again.
        let macie = |bucket: &str, open: bool| {
            let mut f = macie_on(bucket);
            f.id = format!("m-{bucket}").into();
            if !open {
                f.workflow_status = crate::model::WorkflowStatus::Resolved;
            }
            f
        };
        let changed = match round {
            2 => vec![macie("kept", true), macie("b12", true)],
            3 => vec![macie("kept", false)],
            5 => vec![macie("kept", true), macie("b4", false)],
            _ => vec![],
        };
        if !changed.is_empty() {
            s.apply(Update::Findings(changed));
        }
        let with_macie = |m: &ExposureMarks| {
            s.exposures
                .items()
                .iter()
                .filter(|e| m.marks(e, &s.accounts).contains(&"public+macie"))
                .count()
        };
        let caught = ExposureMarks::caught_up(marks.take(), &s);
        let fresh = ExposureMarks::of(&s);
        assert!(caught.same_scores(&fresh), "round {round}");
        macie_marked.push(with_macie(&fresh));
        for e in s.exposures.items() {
            let (a, b) = (caught.marks(e, &s.accounts), fresh.marks(e, &s.accounts));
            assert_eq!(a, b, "round {round}, {}", e.id);
            marked += a.len();
        }
        marks = Some((ExposureMarks::inputs(&s), caught));
    }
    assert!(marked > 10, "marks were compared: {marked}");
    let moves = macie_marked.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(moves >= 3, "the Macie marks moved: {macie_marked:?}");
}

#[test]
fn a_users_config_results_by_arn_or_by_name() {
    use crate::model::ComplianceResult;
    let mut s = Store::new();
    let c = |account: &str, kind: &str, id: &str| ComplianceResult {
        account_id: Some(account.into()),
        region: Some("us-east-1".into()),
        rule: "access-keys-rotated".into(),
        compliance_type: "NON_COMPLIANT".into(),
        resource_type: kind.into(),
        resource_id: id.into(),
        annotation: None,
        recorded_at: None,
    };
    s.apply(Update::Compliance(vec![
        c("111111111111", "AWS::IAM::User", "alice"),
        c(
            "111111111111",
            "AwsIamUser",
            "arn:aws:iam::111111111111:user/alice",
        ),
        c("222222222222", "AWS::IAM::User", "alice"),
        c("111111111111", "AWS::S3::Bucket", "alice"),
    ]));
    let found = user_compliance(
        &s,
        "111111111111",
        "alice",
        "arn:aws:iam::111111111111:user/alice",
    );
    assert_eq!(
        found.len(),
        2,
        "by name and by ARN, this account, users only"
    );
}

#[test]
fn a_findings_context_is_what_else_is_known_about_its_resource() {
    use crate::model::{AccessKey, CredentialRecord, Exposure};
    let arn = "arn:aws:iam::111111111111:user/alice";
    let f = |id: &str, sev: &str, at: &str, resource: &str| {
        crate::model::asff::parse_value(&json!({
            "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "AwsAccountId": "111111111111", "UpdatedAt": at, "Severity": {"Label": sev},
            "Title": format!("finding {id}"),
            "Resources": [{"Type": "AwsIamUser", "Id": resource}]
        }))
        .unwrap()
    };
    let mut s = Store::new();
    s.apply(Update::Findings(vec![
        f("a", "LOW", "2026-11-20T00:00:00Z", arn),
        f("b", "HIGH", "2026-11-19T00:00:00Z", arn),
        f("c", "LOW", "2026-11-21T00:00:00Z", arn),
        f(
            "d",
            "CRITICAL",
            "2026-11-21T00:00:00Z",
            "arn:aws:s3:::other",
        ),
    ]));
    s.apply(Update::Exposures(vec![Exposure {
        id: "x".into(),
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        resource_type: "AWS::IAM::User".into(),
        resource: arn.into(),
        principal: "*".into(),
        is_public: true,
        external_account: None,
        actions: vec!["iam:PassRole".into()],
        conditions: vec![],
        status: "ACTIVE".into(),
        source: "access-analyzer".into(),
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }]));
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: chrono::DateTime::UNIX_EPOCH,
        records: vec![CredentialRecord {
            account_id: "111111111111".into(),
            user: "alice".into(),
            arn: arn.into(),
            is_root: false,
            user_creation_time: None,
            password_enabled: Some(true),
            password_last_used: None,
            password_last_changed: None,
            mfa_active: false,
            access_keys: vec![AccessKey {
                slot: 1,
                active: true,
                last_rotated: None,
                last_used: None,
                last_used_service: None,
                last_used_region: None,
            }],
        }],
    });
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z")
        .unwrap()
        .to_utc();
    let c = finding_context(&s, 0, now, crate::model::Thresholds::default());
    assert_eq!(c.same_resource_total, 2, "b and c, not itself, not d");
    let titles: Vec<&str> = c.same_resource.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(titles, ["finding b", "finding c"], "worst first");
    assert_eq!(
        c.exposures,
        [("public".to_string(), "iam:PassRole".to_string())]
    );
    assert_eq!(c.credentials.len(), 1);
    assert_eq!(c.credentials[0].0, "alice");
    assert!(c.credentials[0].1.contains("no-mfa"), "{:?}", c.credentials);
    assert_eq!(
        finding_context(&s, 99, now, Default::default()),
        Default::default()
    );
}

/// The report rows a finding names are looked up by account and user name: a user
/// with a path by its ARN, an access key's owner (`.../user/NAME`), the root by
/// `:root`; never another account's user of the same name, never a bucket.
#[test]
fn a_findings_context_finds_its_users_report_rows_by_name() {
    use crate::model::CredentialRecord;
    let row = |account: &str, user: &str, arn: &str| CredentialRecord {
        account_id: account.into(),
        user: user.into(),
        arn: arn.into(),
        is_root: user == "<root_account>",
        user_creation_time: None,
        password_enabled: Some(true),
        password_last_used: None,
        password_last_changed: None,
        mfa_active: true,
        access_keys: vec![],
    };
    let mut s = Store::new();
    for account in ["111111111111", "222222222222"] {
        s.apply(Update::Credentials {
            account_id: account.into(),
            generated_at: chrono::DateTime::UNIX_EPOCH,
            records: vec![
                row(
                    account,
                    "<root_account>",
                    &format!("arn:aws:iam::{account}:root"),
                ),
                row(
                    account,
                    "bob",
                    &format!("arn:aws:iam::{account}:user/dev/bob"),
                ),
                row(
                    account,
                    "carol",
                    &format!("arn:aws:iam::{account}:user/carol"),
                ),
            ],
        });
    }
    let finding = |id: &str, resources: &[&str]| {
        let list: Vec<serde_json::Value> = resources
            .iter()
            .map(|r| json!({"Type": "Other", "Id": r}))
            .collect();
        crate::model::asff::parse_value(&json!({
            "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "AwsAccountId": "111111111111", "UpdatedAt": "2026-11-01T00:00:00Z",
            "Severity": {"Label": "HIGH"}, "Title": id, "Resources": list
        }))
        .unwrap()
    };
    s.apply(Update::Findings(vec![
        finding("path", &["arn:aws:iam::111111111111:user/dev/bob"]),
        finding(
            "key",
            &["arn:aws:iam::111111111111:user/carol", "arn:aws:s3:::carol"],
        ),
        finding("root", &["arn:aws:iam::111111111111:root"]),
        finding("other", &["arn:aws:iam::222222222222:user/carol"]),
        finding("bucket", &["arn:aws:s3:::bob"]),
    ]));
    let users = |id: &str| -> Vec<String> {
        let row = s
            .findings
            .items()
            .iter()
            .position(|f| &*f.id == id)
            .unwrap() as u32;
        finding_context(&s, row, chrono::DateTime::UNIX_EPOCH, Default::default())
            .credentials
            .into_iter()
            .map(|(user, _)| user)
            .collect()
    };
    assert_eq!(users("path"), ["bob"]);
    assert_eq!(users("key"), ["carol"]);
    assert_eq!(users("root"), ["<root_account>"]);
    assert!(users("other").is_empty(), "another account's carol");
    assert!(users("bucket").is_empty());
}

#[test]
fn a_findings_context_lists_the_ten_worst_and_newest_of_many() {
    let bucket = "arn:aws:s3:::logs";
    let sevs = ["LOW", "CRITICAL", "MEDIUM", "HIGH", "INFORMATIONAL"];
    let list: Vec<Finding> = (0..400u32)
        .map(|i| {
            crate::model::asff::parse_value(&json!({
                "Id": format!("f{i}"),
                "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
                "AwsAccountId": "111111111111",
                "UpdatedAt": format!(
                    "2026-11-{:02}T{:02}:{:02}:00Z",
                    1 + (i * 7) % 28,
                    i / 60,
                    i % 60
                ),
                "Severity": {"Label": sevs[(i % 5) as usize]},
                "Title": format!("finding {i}"),
                // Every third finding names a second resource first.
                "Resources": if i % 3 == 0 {
                    json!([{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::other"},
                           {"Type": "AwsS3Bucket", "Id": bucket}])
                } else {
                    json!([{"Type": "AwsS3Bucket", "Id": bucket}])
                }
            }))
            .unwrap()
        })
        .collect();
    let mut s = Store::new();
    s.apply(Update::Findings(list));
    // One resource, and two (every finding found twice, once through each).
    for row in [5, 6] {
        let c = finding_context(&s, row, chrono::Utc::now(), Default::default());
        // What a scan of every finding finds, sorted in full.
        let mut all: Vec<&Finding> = s
            .findings
            .items()
            .iter()
            .enumerate()
            .filter(|(i, _)| *i as u32 != row)
            .map(|(_, f)| f)
            .collect();
        all.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| b.updated_at.cmp(&a.updated_at))
        });
        assert_eq!(c.same_resource_total, 399);
        let want: Vec<(crate::model::Severity, String)> = all
            .iter()
            .take(10)
            .map(|f| (f.severity, f.title.to_string()))
            .collect();
        let got: Vec<(crate::model::Severity, String)> = c
            .same_resource
            .iter()
            .map(|(sev, title, _, _)| (*sev, title.clone()))
            .collect();
        assert_eq!(got, want, "worst first, newest first within a severity");
    }
}

/// A resource with more grants than the detail lists: the first ten in table order, the
/// count of all, and another resource's grants not among them.
#[test]
fn a_findings_context_lists_ten_grants_on_its_resource_and_counts_them_all() {
    let mut s = Store::new();
    let bucket = "arn:aws:s3:::payroll-exports";
    let grants: Vec<crate::model::Exposure> = (0..14)
        .map(|i| {
            let mut e = crate::test_support::exposure(&format!("g{i:02}"), true, None);
            e.resource = if i == 3 {
                "arn:aws:s3:::other".into()
            } else {
                bucket.into()
            };
            e.principal = format!("p{i:02}");
            e
        })
        .collect();
    s.apply(Update::Exposures(grants));
    s.apply(Update::Findings(
        vec![crate::test_support::bucket_finding()],
    ));
    let c = finding_context(&s, 0, chrono::Utc::now(), Default::default());
    assert_eq!(c.exposures_total, 13);
    let shown: Vec<String> = s
        .exposures
        .items()
        .iter()
        .filter(|e| e.resource == bucket)
        .take(10)
        .map(|e| e.grantee())
        .collect();
    let got: Vec<String> = c.exposures.iter().map(|(who, _)| who.clone()).collect();
    assert_eq!(got, shown);
}
