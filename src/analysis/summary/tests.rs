use super::*;
use crate::feed::{Status, Update};
use crate::model::{access_analyzer, asff, Account, ComplianceResult};
use crate::test_support::*;
use serde_json::json;

fn account(id: &str, name: &str) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        environment: "prod".into(),
    }
}

fn texts(row: &Row) -> Vec<&str> {
    row.cells.iter().map(|c| c.text.as_str()).collect()
}

/// The shared evaluation, in another account.
fn evaluation_in(rule: &str, account: &str, resource: &str, result: &str) -> ComplianceResult {
    ComplianceResult {
        account_id: Some(account.into()),
        ..evaluation(rule, resource, result)
    }
}

#[test]
fn an_empty_store_summarises_to_nothing_but_the_recorder_row() {
    let s = Store::new();
    assert!(credentials(&s, limits(), now()).rows.is_empty());
    assert!(exposures(&s, &ExposureMarks::of(&s)).rows.is_empty());
    let c = compliance(&s);
    assert_eq!(c.columns, ["Rule", "Total"]);
    assert_eq!(c.rows.len(), 1);
    assert_eq!(texts(&c.rows[0]), ["recorder", "0 off"]);
    assert_eq!(c.rows[0].opens, None, "no recorder polled: nothing to open");
}

#[test]
fn credentials_per_account_count_each_risk_and_say_when_no_report_came() {
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![
        account("111111111111", "prod-web"),
        account("222222222222", "dev-web"),
    ]));
    let mut two = user("two-keys", false, true, false, Some(10));
    let mut second = two.access_keys[0].clone();
    second.slot = 2;
    two.access_keys.push(second);
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now() - chrono::Duration::hours(30),
        records: vec![
            user("<root_account>", true, false, false, Some(400)),
            user("alice", false, false, true, Some(200)),
            user("bob", false, true, true, Some(5)),
            two,
        ],
    });
    s.apply(Update::Findings(vec![access_analyzer::unused_finding(
        &json!({"id": "u1", "resource": "arn:aws:iam::111111111111:role/old",
            "resourceOwnerAccount": "111111111111", "status": "ACTIVE",
            "findingType": "UnusedIAMRole", "updatedAt": "2026-11-20T00:00:00Z"}),
        "us-east-1",
    )
    .unwrap()]));
    let sum = credentials(&s, limits(), now());
    assert_eq!(sum.of, "accounts");
    assert_eq!(sum.rows.len(), 2, "an account with no data yet is listed");
    let prod = &sum.rows[0];
    assert_eq!(
        texts(prod),
        [
            "prod-web",
            "3",
            "1",
            "1",
            "—",
            "1",
            "NO MFA, 1 key, used 1d",
            "1",
            "1d"
        ]
    );
    assert_eq!(prod.cells[6].tone, Tone::Bad, "root without MFA");
    assert_eq!(prod.cells[8].tone, Tone::Warn, "a report over a day old");
    assert_eq!(prod.opens, Some(Opens::Filter("111111111111".into())));
    let dev = &sum.rows[1];
    assert_eq!(dev.cells[0].text, "dev-web");
    assert_eq!(dev.cells[1].text, "—");
    assert_eq!(dev.cells[8].text, "no report yet");
}

#[test]
fn compliance_is_rules_by_accounts_with_the_recorder_of_each() {
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![
        account("111111111111", "prod-web"),
        account("222222222222", "dev-web"),
    ]));
    s.apply(Update::Compliance(vec![
        evaluation_in("s3-versioning", "111111111111", "a", "NON_COMPLIANT"),
        evaluation_in("s3-versioning", "222222222222", "b", "NON_COMPLIANT"),
        evaluation_in("s3-versioning", "222222222222", "c", "NON_COMPLIANT"),
        evaluation_in("restricted-ssh", "222222222222", "d", "NON_COMPLIANT"),
        evaluation_in("restricted-ssh", "111111111111", "e", "COMPLIANT"),
    ]));
    s.apply(Update::Health(
        key("config", "111111111111", "us-east-1"),
        health(Status::NotEnabled, None),
    ));
    s.apply(Update::Health(
        key("config", "111111111111", "eu-west-1"),
        health(Status::Ok, None),
    ));
    s.apply(Update::Health(
        key("config", "222222222222", "us-east-1"),
        health(Status::Ok, None),
    ));
    let sum = compliance(&s);
    assert_eq!(sum.columns, ["Rule", "Total", "dev-web", "prod-web"]);
    assert_eq!(texts(&sum.rows[0]), ["s3-versioning", "3", "2", "1"]);
    assert_eq!(
        texts(&sum.rows[1]),
        ["restricted-ssh", "1", "1", "—"],
        "a compliant result is not counted"
    );
    assert_eq!(
        sum.rows[0].opens,
        Some(Opens::Filter("\"s3-versioning\"".into()))
    );
    assert_eq!(texts(&sum.rows[2]), ["recorder", "1 off", "on", "off 1/2"]);
    assert_eq!(sum.rows[2].opens, Some(Opens::Sources));
}

#[test]
fn exposures_by_type_split_public_inside_and_outside_with_controls_and_marks() {
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![
        account("111111111111", "prod-web"),
        account("222222222222", "dev-web"),
    ]));
    let mut role = exposure("r", false, Some("999999999999"));
    role.resource_type = "AWS::IAM::Role".into();
    s.apply(Update::Exposures(vec![
        exposure("public", true, None),
        exposure("inside", false, Some("222222222222")),
        exposure("outside", false, Some("333333333333")),
        role,
    ]));
    let macie = asff::parse_value(&json!({
        "Id": "m1", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/macie",
        "ProductName": "Macie", "AwsAccountId": "111111111111", "Region": "us-east-1",
        "UpdatedAt": "2026-11-21T00:00:00Z", "Severity": {"Label": "HIGH"},
        "Title": "Sensitive data", "Workflow": {"Status": "NEW"},
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::public"}]
    }))
    .unwrap();
    let mut sg = finding(
        "sg1",
        "HIGH",
        "port 22 open",
        "Security Hub",
        Some("EC2.13"),
        "NEW",
    );
    sg.resources = macie.resources.clone();
    sg.resources
        .edit(|r| r[0].kind = "AwsEc2SecurityGroup".into());
    s.apply(Update::Findings(vec![macie, sg]));
    let marks = ExposureMarks::of(&s);
    let sum = exposures(&s, &marks);
    assert_eq!(sum.of, "resource types");
    let row = |name: &str| {
        sum.rows
            .iter()
            .find(|r| r.cells[0].text == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    assert_eq!(
        texts(row("S3 bucket")),
        ["S3 bucket", "3", "1", "1", "1", "—", "1", "1"],
        "public+macie is marked; plain access from outside is counted, not marked"
    );
    assert_eq!(
        texts(row("IAM role")),
        ["IAM role", "1", "—", "—", "1", "—", "1", "1"]
    );
    assert_eq!(
        texts(row("EC2 security group")),
        ["EC2 security group", "1", "—", "—", "—", "1", "—", "1"],
        "a failed exposure control is listed beside the analyzer's findings"
    );
    assert_eq!(sum.rows[0].cells[0].text, "S3 bucket", "most marked first");
    assert_eq!(
        row("IAM role").opens,
        Some(Opens::Filter("aws::iam::role".into()))
    );
}

#[test]
fn findings_group_with_counts_by_severity_worst_first() {
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![account("111111111111", "prod-web")]));
    let mut list = vec![
        finding("a", "LOW", "t", "Inspector", None, "NEW"),
        finding("b", "CRITICAL", "t", "GuardDuty", None, "NEW"),
        finding("c", "HIGH", "t", "GuardDuty", None, "NEW"),
        finding("d", "MEDIUM", "t", "Security Hub", Some("S3.8"), "NEW"),
    ];
    list[0].product = "Inspector".into();
    list[1].product = "GuardDuty".into();
    list[2].product = "GuardDuty".into();
    list[3].product = "Security Hub".into();
    s.apply(Update::Findings(list));
    let rows: Vec<u32> = (0..4).collect();
    let sum = findings(&s, &rows, GroupBy::Product, "age<2d");
    assert_eq!(sum.of, "products");
    assert_eq!(
        texts(&sum.rows[0]),
        ["GuardDuty", "2", "1", "1", "—", "—", "—", "CRITICAL"]
    );
    assert_eq!(
        sum.rows[2].cells[0].text, "Inspector",
        "the least severe last"
    );
    assert_eq!(
        sum.rows[0].opens,
        Some(Opens::Filter("age<2d product:\"GuardDuty\"".into()))
    );
    let by_account = findings(&s, &rows[..1], GroupBy::Account, "");
    assert_eq!(by_account.rows[0].cells[0].text, "prod-web (111111111111)");
    assert_eq!(
        by_account.rows[0].opens,
        Some(Opens::Filter("acct:\"111111111111\"".into()))
    );
    let by_control = findings(&s, &rows, GroupBy::Control, "");
    let none = by_control.rows.iter().find(|r| r.cells[0].text == "(none)");
    assert_eq!(
        none.unwrap().opens,
        None,
        "no term keeps the ungrouped ones"
    );
    assert_eq!(GroupBy::parse("RES"), Some(GroupBy::Resource));
    assert_eq!(GroupBy::Control.next(), GroupBy::Account);
}
