use super::*;
use crate::feed::Update;
use crate::model::{cloudtrail, Account};
use crate::test_support::*;
use serde_json::json;

fn get<'a>(list: &'a [Indicator], label: &str) -> &'a Indicator {
    list.iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no indicator {label}"))
}

#[test]
fn an_empty_store_reads_as_unknown_not_as_good() {
    let list = indicators_now(&Store::new(), &Bars::default());
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
    assert_eq!(
        get(&list, "Resources breaking Config rules").value,
        "no Config data yet"
    );
    assert_eq!(
        get(&list, "Resources breaking Config rules").level,
        Level::Unknown
    );
    assert_eq!(
        get(&list, "GuardDuty off (control GuardDuty.1)").level,
        Level::Unknown
    );
    assert_eq!(get(&list, "Critical findings open").level, Level::Good);
    // Every question is there, in the pillar's order.
    let questions: Vec<u8> = list.iter().map(|i| i.question).collect();
    let mut sorted = questions.clone();
    sorted.sort();
    assert_eq!(questions, sorted);
    let distinct: BTreeSet<u8> = questions.iter().copied().collect();
    assert_eq!(distinct, (1..=11).collect::<BTreeSet<u8>>());
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
        finding(
            "g",
            "HIGH",
            "GuardDuty should be enabled",
            "Security Hub",
            Some("GuardDuty.1"),
            "NEW",
        ),
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
    s.apply(Update::Compliance(vec![
        evaluation("s3-versioning", "a", "NON_COMPLIANT"),
        evaluation("s3-versioning", "b", "NON_COMPLIANT"),
        evaluation("restricted-ssh", "c", "NON_COMPLIANT"),
        evaluation("restricted-ssh", "d", "COMPLIANT"),
    ]));
    s.apply(Update::Findings(vec![
        crate::model::access_analyzer::unused_finding(
            &json!({"id": "u1", "resource": "arn:aws:iam::111111111111:role/old",
            "resourceOwnerAccount": "111111111111", "status": "ACTIVE",
            "findingType": "UnusedIAMRole", "updatedAt": "2026-11-20T00:00:00Z"}),
            "us-east-1",
        )
        .unwrap(),
    ]));

    let list = indicators_now(&s, &Bars::default());
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
        value("Resources breaking Config rules"),
        "3 across 2 rules",
        "a compliant result is not counted"
    );
    assert_eq!(level("Resources breaking Config rules"), Level::Warn);
    assert_eq!(value("Unused keys and passwords"), "0");
    assert_eq!(level("Unused keys and passwords"), Level::Good);
    assert_eq!(
        value("Unused roles, keys and permissions (Access Analyzer)"),
        "1"
    );
    assert_eq!(value("Last game-day drill"), "none run yet");
    assert_eq!(level("Last game-day drill"), Level::Unknown);
    assert_eq!(
        value("Active keys older than the age limit"),
        "1 of 3 (33%)"
    );
    assert_eq!(
        level("Active keys older than the age limit"),
        Level::Bad,
        "a third of the keys is over the default act bar of 25%"
    );
    assert_eq!(value("Security Hub off"), "1 account-regions");
    assert_eq!(value("Config recorder off or missing"), "1 account-regions");
    assert_eq!(value("CloudTrail trails not logging"), "0 account-regions");
    assert_eq!(level("CloudTrail trails not logging"), Level::Good);
    assert_eq!(value("CloudTrail events a detection fired on"), "1");
    assert_eq!(
        value("GuardDuty off (control GuardDuty.1)"),
        "1 account-regions"
    );
    assert_eq!(level("GuardDuty off (control GuardDuty.1)"), Level::Bad);
    assert_eq!(
        value("Security groups and ACLs open to the world"),
        "1",
        "the resolved one is not"
    );
    assert_eq!(value("Resources failing encryption-at-rest controls"), "1");
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
    assert_eq!(
        (mfa.pane, mfa.filter.as_str()),
        ("credentials", "risk:no-mfa")
    );

    // The config's bars move the levels, not the values.
    let bars = Bars {
        old_keys_percent: Bar { look: 1, act: 50 },
        critical_findings: Bar { look: 2, act: 5 },
        public_resources: Bar { look: 0, act: 0 },
        ..Bars::default()
    };
    let list = indicators_now(&s, &bars);
    let level = |label: &str| get(&list, label).level;
    assert_eq!(level("Active keys older than the age limit"), Level::Warn);
    assert_eq!(level("Critical findings open"), Level::Good, "1 is under 2");
    assert_eq!(level("Resources open to the public"), Level::Good, "off");
    assert_eq!(get(&list, "Critical findings open").value, "1");
}

#[test]
fn a_bar_reads_look_and_act_and_zero_turns_a_level_off() {
    let bar = Bar { look: 3, act: 10 };
    let levels: Vec<Level> = [0, 2, 3, 9, 10, 500].map(|n| bar.level(n)).to_vec();
    use Level::*;
    assert_eq!(levels, [Good, Good, Warn, Warn, Bad, Bad]);
    assert_eq!(Bar { look: 0, act: 1 }.level(0), Good);
    assert_eq!(Bar { look: 0, act: 1 }.level(1), Bad);
    assert_eq!(Bar { look: 1, act: 0 }.level(1_000_000), Warn);
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

/// The indicators with a memo kept across changes equal the indicators worked out afresh
/// at each step: Config results written and turned compliant, a credential report
/// replaced, kinds of finding opened and closed (one reopened with another example), and
/// the runbook library changed underneath.
#[test]
fn indicators_remembered_between_changes_equal_indicators_afresh() {
    let mut s = Store::new();
    let mut memo = Memo::default();
    let mut library = crate::drill::runbook::Library::builtin();
    let keys = |s: &Store| crate::store::sort::CredentialKeys::of(None, s, now(), limits());
    let mut check = |s: &Store, library: &crate::drill::runbook::Library, step: &str| {
        let keys = keys(s);
        let mut kept = indicators_with(s, &keys, &Bars::default(), &mut memo);
        runbook_coverage(&mut kept, s, library, &mut memo);
        let mut fresh = indicators(s, &keys, &Bars::default());
        runbook_coverage(&mut fresh, s, library, &mut Memo::default());
        assert_eq!(kept, fresh, "{step}");
        kept
    };
    let value = |list: &[Indicator], label: &str| get(list, label).value.clone();
    let coverage = "Runbook coverage of open critical and high";
    let config = "Resources breaking Config rules";
    let keyed = "IAM users with active access keys";

    s.apply(Update::Compliance(vec![
        evaluation("s3-versioning", "a", "NON_COMPLIANT"),
        evaluation("restricted-ssh", "b", "NON_COMPLIANT"),
    ]));
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now(),
        records: vec![
            user("alice", false, true, true, Some(10)),
            user("bob", false, true, true, Some(20)),
        ],
    });
    s.apply(Update::Findings(vec![
        finding(
            "t1",
            "HIGH",
            "Trail off",
            "Security Hub",
            Some("CloudTrail.1"),
            "NEW",
        ),
        finding(
            "z1",
            "CRITICAL",
            "Odd",
            "Security Hub",
            Some("Zzz.9"),
            "NEW",
        ),
    ]));
    let list = check(&s, &library, "written");
    assert_eq!(value(&list, config), "2 across 2 rules");
    assert_eq!(value(&list, keyed), "2");
    assert_eq!(value(&list, coverage), "1 of 2 kinds");

    s.apply(Update::Compliance(vec![evaluation(
        "restricted-ssh",
        "b",
        "COMPLIANT",
    )]));
    let list = check(&s, &library, "a result turned compliant");
    assert_eq!(value(&list, config), "1 across 1 rules");

    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now(),
        records: vec![user("alice", false, true, true, None)],
    });
    let list = check(&s, &library, "a report replaced");
    assert_eq!(value(&list, keyed), "0");

    // The uncovered kind closes and opens again on another finding.
    let mut closed = finding(
        "z1",
        "CRITICAL",
        "Odd",
        "Security Hub",
        Some("Zzz.9"),
        "RESOLVED",
    );
    closed.updated_at += chrono::Duration::minutes(1);
    s.apply(Update::Findings(vec![closed]));
    let list = check(&s, &library, "a kind closed");
    assert_eq!(value(&list, coverage), "1 of 1 kinds");
    s.apply(Update::Findings(vec![finding(
        "z2",
        "HIGH",
        "Odd again",
        "Security Hub",
        Some("Zzz.9"),
        "NEW",
    )]));
    check(&s, &library, "the kind reopened");

    // A runbook for the kind: the remembered match is not used again.
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("runbooks/cloudtrail-logging-stopped.md");
    let text = std::fs::read_to_string(shipped).unwrap();
    let text = text
        .replace("id: cloudtrail-logging-stopped", "id: odd")
        .replace("controls: CloudTrail.1,", "controls: Zzz.9,");
    std::fs::write(dir.path().join("odd.md"), text).unwrap();
    library.add_dir(dir.path());
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    let list = check(&s, &library, "the library changed");
    assert_eq!(value(&list, coverage), "2 of 2 kinds");
}
