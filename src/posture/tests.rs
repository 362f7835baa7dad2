use super::*;
use crate::model::{asff, cloudtrail, AccessKey, Account, CredentialRecord, Exposure};
use crate::source::{SourceHealth, SourceKey, Update};
use chrono::TimeZone;
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn limits() -> Thresholds {
    Thresholds {
        age_days: 90,
        unused_days: 90,
    }
}

fn get<'a>(list: &'a [Indicator], label: &str) -> &'a Indicator {
    list.iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no indicator {label}"))
}

fn finding(
    id: &str,
    sev: &str,
    title: &str,
    product: &str,
    control: Option<&str>,
    status: &str,
) -> crate::model::Finding {
    let mut v = json!({
        "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "ProductName": product, "AwsAccountId": "111111111111", "Region": "us-east-1",
        "UpdatedAt": "2026-11-21T00:00:00Z", "Severity": {"Label": sev}, "Title": title,
        "Workflow": {"Status": status}
    });
    if let Some(c) = control {
        v["Compliance"] = json!({"Status": "FAILED", "SecurityControlId": c});
    }
    asff::parse_value(&v).unwrap()
}

fn user(
    name: &str,
    root: bool,
    mfa: bool,
    password: bool,
    key_rotated_days_ago: Option<i64>,
) -> CredentialRecord {
    CredentialRecord {
        account_id: "111111111111".into(),
        user: name.into(),
        arn: format!("arn:aws:iam::111111111111:user/{name}"),
        is_root: root,
        user_creation_time: Some(now() - chrono::Duration::days(400)),
        password_enabled: Some(password),
        password_last_used: Some(now() - chrono::Duration::days(1)),
        password_last_changed: None,
        mfa_active: mfa,
        access_keys: key_rotated_days_ago
            .map(|d| {
                vec![AccessKey {
                    slot: 1,
                    active: true,
                    last_rotated: Some(now() - chrono::Duration::days(d)),
                    last_used: Some(now() - chrono::Duration::days(1)),
                    last_used_service: None,
                    last_used_region: None,
                }]
            })
            .unwrap_or_default(),
    }
}

fn exposure(id: &str, public: bool, other: Option<&str>) -> Exposure {
    Exposure {
        id: id.into(),
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        resource_type: "AWS::S3::Bucket".into(),
        resource: format!("arn:aws:s3:::{id}"),
        principal: "*".into(),
        is_public: public,
        external_account: other.map(str::to_string),
        actions: vec![],
        conditions: vec![],
        status: "ACTIVE".into(),
        source: "access-analyzer".into(),
        updated_at: now(),
    }
}

fn health(status: Status, note: Option<&str>) -> SourceHealth {
    SourceHealth {
        status,
        last_success: (status == Status::Ok).then(now),
        error: note.map(str::to_string),
        records: 1,
        next_poll: None,
    }
}

fn key(service: &str, account: &str, region: &str) -> SourceKey {
    SourceKey {
        service: service.into(),
        account_id: Some(account.into()),
        region: Some(region.into()),
        file: None,
    }
}

#[test]
fn an_empty_store_reads_as_unknown_not_as_good() {
    let list = indicators(&Store::new(), limits(), now());
    assert_eq!(get(&list, "Sources failing or stale").level, Level::Unknown);
    assert_eq!(
        get(&list, "Console users without MFA").level,
        Level::Unknown
    );
    assert_eq!(
        get(&list, "Active keys older than the age limit").value,
        "no active key"
    );
    assert_eq!(get(&list, "Security Hub off").value, "not polled");
    assert_eq!(get(&list, "Critical findings open").level, Level::Good);
    // Every area is there, in the pillar's order.
    let areas: Vec<Area> = list.iter().map(|i| i.area).collect();
    let mut sorted = areas.clone();
    sorted.sort();
    assert_eq!(areas, sorted);
    assert_eq!(areas.first(), Some(&Area::Foundations));
    assert_eq!(areas.last(), Some(&Area::Application));
}

#[test]
fn indicators_count_what_the_store_holds() {
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![
        Account::new("111111111111", "prod", "prod"),
        Account::new("222222222222", "dev", "dev"),
    ]));
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now(),
        records: vec![
            user("<root_account>", true, false, false, Some(10)),
            user("alice", false, false, true, None),
            user("ci", false, true, false, Some(200)),
            user("bob", false, true, true, Some(30)),
        ],
    });
    s.apply(Update::Findings(vec![
        finding(
            "a",
            "CRITICAL",
            "Security groups should not allow unrestricted access",
            "Security Hub",
            Some("EC2.19"),
            "NEW",
        ),
        finding(
            "b",
            "HIGH",
            "Security groups should not allow unrestricted access",
            "Security Hub",
            Some("EC2.19"),
            "RESOLVED",
        ),
        finding(
            "c",
            "MEDIUM",
            "S3 buckets should have server-side encryption enabled",
            "Security Hub",
            Some("S3.4"),
            "NEW",
        ),
        finding(
            "d",
            "HIGH",
            "CVE-2024-3094 - xz-utils",
            "Inspector",
            None,
            "NOTIFIED",
        ),
        finding("e", "LOW", "CVE-2023-1 - low", "Inspector", None, "NEW"),
    ]));
    s.apply(Update::Exposures(vec![
        exposure("site", true, None),
        exposure("vendor", false, Some("999999999999")),
        exposure("sister", false, Some("222222222222")),
    ]));
    s.apply(Update::Health(
        key("securityhub", "111111111111", "us-east-1"),
        health(Status::Ok, None),
    ));
    s.apply(Update::Health(
        key("securityhub", "222222222222", "eu-west-1"),
        health(Status::NotEnabled, Some("not enabled: subscribe")),
    ));
    s.apply(Update::Health(
        key("config", "111111111111", "us-east-1"),
        health(Status::Ok, Some("configuration recorder default is off")),
    ));
    s.apply(Update::Health(
        key("cloudtrail", "111111111111", "us-east-1"),
        health(Status::Ok, None),
    ));
    s.apply(Update::Health(
        key("iam", "222222222222", "us-east-1"),
        health(Status::Failed, Some("throttled")),
    ));
    let mut stop = cloudtrail::parse_record(
        &json!({"eventID": "e1", "eventTime": "2026-11-22T10:00:00Z",
        "eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com"}),
    )
    .unwrap();
    stop.detections = vec!["cloudtrail-stopped".into()];
    s.apply(Update::Events(vec![stop]));

    let list = indicators(&s, limits(), now());
    let value = |label: &str| get(&list, label).value.clone();
    let level = |label: &str| get(&list, label).level;
    assert_eq!(value("Sources failing or stale"), "1 of 5");
    assert_eq!(level("Sources failing or stale"), Level::Bad);
    assert_eq!(value("Accounts watched"), "2");
    assert_eq!(
        value("Root with access keys or without MFA"),
        "1 with keys, 1 without MFA"
    );
    assert_eq!(value("Console users without MFA"), "1");
    assert_eq!(
        value("Active keys older than the age limit"),
        "1 of 3 (33%)"
    );
    assert_eq!(level("Active keys older than the age limit"), Level::Warn);
    assert_eq!(value("Security Hub off"), "1 account-regions");
    assert_eq!(value("Config recorder off or missing"), "1 account-regions");
    assert_eq!(value("CloudTrail trails not logging"), "0 account-regions");
    assert_eq!(level("CloudTrail trails not logging"), Level::Good);
    assert_eq!(value("CloudTrail events a detection fired on"), "1");
    assert_eq!(
        value("Security groups and ACLs open to the world"),
        "1",
        "the resolved one is not"
    );
    assert_eq!(value("Open findings about encryption"), "1");
    assert_eq!(value("Critical findings open"), "1");
    assert_eq!(value("Critical and high vulnerabilities (Inspector)"), "1");
    assert_eq!(value("Resources open to the public"), "1");
    assert_eq!(
        value("Access granted outside the watched accounts"),
        "1",
        "222… is watched"
    );
    let mfa = get(&list, "Console users without MFA")
        .evidence
        .clone()
        .unwrap();
    assert_eq!((mfa.pane, mfa.filter.as_str()), ("credentials", "no-mfa"));
}

#[test]
fn the_grid_has_each_account_and_region_with_its_worst_finding_and_data_age() {
    let mut s = Store::new();
    let f = |id: &str, sev: &str, account: &str, region: &str| {
        let mut v = finding(id, sev, "t", "Security Hub", None, "NEW");
        v.account_id = account.into();
        v.region = region.into();
        v
    };
    let list = vec![
        f("1", "LOW", "111111111111", "us-east-1"),
        f("2", "CRITICAL", "111111111111", "us-east-1"),
        f("3", "MEDIUM", "111111111111", "eu-west-1"),
        f("4", "HIGH", "222222222222", "us-east-1"),
    ];
    s.apply(Update::Findings(list));
    s.apply(Update::Health(
        key("securityhub", "111111111111", "us-east-1"),
        health(Status::Ok, None),
    ));
    let g = grid(&s);
    assert_eq!(g.accounts, ["111111111111", "222222222222"]);
    assert_eq!(
        g.regions,
        ["us-east-1", "eu-west-1"],
        "busiest region first"
    );
    let cell = g.cells[&("111111111111".into(), "us-east-1".into())];
    assert_eq!(
        (cell.worst, cell.open, cell.synced),
        (Severity::Critical, 2, Some(now()))
    );
    assert_eq!(
        g.cells[&("222222222222".into(), "us-east-1".into())].synced,
        None
    );
    assert!(!g
        .cells
        .contains_key(&("222222222222".into(), "eu-west-1".into())));
    assert_eq!(grid(&Store::new()), Grid::default());
}

#[test]
fn the_trend_keeps_a_sample_a_minute() {
    let mut t = Trend::default();
    assert!(t.is_empty());
    t.sample([0, 1, 0, 0, 3], now());
    t.sample([0, 1, 0, 0, 4], now() + chrono::Duration::seconds(30));
    assert_eq!(t.len(), 1, "the same minute: replaced");
    t.sample([0, 1, 0, 0, 2], now() + chrono::Duration::seconds(61));
    assert_eq!(t.series(Severity::Critical, 10), [4, 2]);
    assert_eq!(t.series(Severity::Critical, 1), [2]);
    for m in 0..(24 * 60 + 5) {
        t.sample([0; 5], now() + chrono::Duration::minutes(2 + m));
    }
    assert_eq!(t.len(), 24 * 60);
}
