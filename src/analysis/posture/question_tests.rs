//! Each question's indicators on hand-made stores (empty, good, bad), and the team's
//! Well-Architected answers read beside them.

use super::*;
use crate::feed::Update;
use crate::model::standing::Route;
use crate::model::{Account, StandingAccess, WaAnswer};
use crate::test_support::*;

fn get<'a>(list: &'a [Indicator], label: &str) -> &'a Indicator {
    list.iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no indicator {label}"))
}

fn control(id: &str, control: &str, sev: &str) -> crate::model::Finding {
    finding(
        id,
        sev,
        &format!("control {control}"),
        "Security Hub",
        Some(control),
        "NEW",
    )
}

fn admin(account: &str, who: &str, route: Route, members: &[&str]) -> StandingAccess {
    StandingAccess {
        account_id: account.into(),
        principal: who.into(),
        route,
        via: "AdministratorAccess".into(),
        members: members.iter().map(|m| m.to_string()).collect(),
        scope: "identity-center:ssoins-1".into(),
    }
}

fn answer(question: &str, selected: &[&str], risk: &str) -> WaAnswer {
    WaAnswer {
        workload_id: "w1".into(),
        workload_name: "payments".into(),
        question_id: question.into(),
        selected: selected.iter().map(|s| s.to_string()).collect(),
        risk: risk.into(),
        applicable: true,
        read_at: None,
    }
}

/// Every source asked and everything in order: one low finding that no indicator counts.
fn good_store() -> Store {
    let mut s = Store::new();
    s.apply(Update::Accounts(vec![Account::new(
        "111111111111",
        "prod",
        "prod",
    )]));
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now(),
        records: vec![
            user("<root_account>", true, true, false, None),
            user("alice", false, true, true, None),
        ],
    });
    s.apply(Update::Findings(vec![finding(
        "low",
        "LOW",
        "An informational note",
        "Security Hub",
        None,
        "NEW",
    )]));
    for service in ["securityhub", "config", "cloudtrail", "identitycenter"] {
        s.apply(Update::Health(
            key(service, "111111111111", "us-east-1"),
            health(crate::feed::Status::Ok, None),
        ));
    }
    s.apply(Update::Standing {
        scope: "identity-center:ssoins-1".into(),
        records: Vec::new(),
    });
    s
}

/// Something wrong under every question.
fn bad_store() -> Store {
    let mut s = good_store();
    s.apply(Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now(),
        records: vec![
            user("<root_account>", true, false, false, Some(10)),
            user("bob", false, false, true, Some(200)),
            user("ci", false, true, false, Some(5)),
        ],
    });
    s.apply(Update::Findings(vec![
        control("g", "GuardDuty.1", "HIGH"),
        control("sg", "EC2.19", "CRITICAL"),
        control("i1", "Inspector.1", "HIGH"),
        control("ssm", "SSM.1", "MEDIUM"),
        control("m1", "Macie.1", "MEDIUM"),
        control("rest", "RDS.3", "MEDIUM"),
        control("tls", "S3.5", "MEDIUM"),
        control("ecr", "ECR.1", "HIGH"),
        finding(
            "cve",
            "CRITICAL",
            "CVE-2024-3094 - xz-utils",
            "Inspector",
            None,
            "NEW",
        ),
    ]));
    s.apply(Update::Exposures(vec![exposure("site", true, None)]));
    s.apply(Update::Health(
        key("securityhub", "111111111111", "eu-west-1"),
        health(crate::feed::Status::Failed, Some("throttled")),
    ));
    let members: Vec<String> = (0..12).map(|i| format!("admin{i}")).collect();
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    s.apply(Update::Standing {
        scope: "identity-center:ssoins-1".into(),
        records: vec![
            admin(
                "111111111111",
                "Admins",
                Route::IdentityCenterGroup,
                &members,
            ),
            admin("111111111111", "jo", Route::IdentityCenterUser, &[]),
        ],
    });
    s
}

#[test]
fn on_an_empty_store_every_question_has_an_indicator_and_none_reads_good_by_default() {
    let list = indicators_now(&Store::new(), &Bars::default());
    let qs = questions(&list, &[]);
    assert_eq!(qs.len(), 11);
    for q in &qs {
        assert!(!q.indicators.is_empty(), "{} has no indicator", q.id);
        assert!(q.answers.is_empty());
    }
    assert_eq!(get(&list, "Standing admin access").value, "not polled");
    assert_eq!(
        get(&list, "Macie off (controls Macie.1-2)").level,
        Level::Unknown
    );
    assert_eq!(
        get(&list, "Resources failing encryption-in-transit controls").value,
        "no findings yet"
    );
    assert_eq!(
        get(&list, "IAM users with active access keys").level,
        Level::Unknown
    );
    // What rampart cannot see is said, with no answer read yet.
    let sec1 = &qs[0];
    assert!(sec1
        .unobservable
        .iter()
        .any(|(id, title, wa)| *id == "SEC01-BP07"
            && title.contains("threat model")
            && wa.is_none()));
    assert!(qs[1].unobservable.is_empty(), "SEC2 is all observable");
}

#[test]
fn on_a_good_store_every_question_reads_good() {
    let s = good_store();
    let list = indicators_now(&s, &Bars::default());
    for q in questions(&list, &[]) {
        assert_eq!(q.level, Level::Good, "{} {:?}", q.id, {
            q.indicators
                .iter()
                .map(|i| (list[*i].label, list[*i].value.clone(), list[*i].level))
                .collect::<Vec<_>>()
        });
    }
    assert_eq!(get(&list, "Standing admin access").value, "0 in 0 accounts");
    assert_eq!(
        get(&list, "Inspector off (controls Inspector.1-4)").value,
        "0 account-regions"
    );
}

#[test]
fn on_a_bad_store_every_question_reads_look_or_act_with_its_count() {
    let s = bad_store();
    let list = indicators_now(&s, &Bars::default());
    for q in questions(&list, &[]) {
        assert!(
            matches!(q.level, Level::Warn | Level::Bad),
            "{} reads {:?}",
            q.id,
            q.level
        );
    }
    let value = |label: &str| get(&list, label).value.clone();
    let level = |label: &str| get(&list, label).level;
    assert_eq!(value("IAM users with active access keys"), "2");
    assert_eq!(value("Standing admin access"), "13 in 1 accounts");
    assert_eq!(
        level("Standing admin access"),
        Level::Bad,
        "13 is over the act bar of 10"
    );
    assert_eq!(
        value("Inspector off (controls Inspector.1-4)"),
        "1 account-regions"
    );
    assert_eq!(
        value("Instances not managed by Systems Manager (SSM.1)"),
        "1"
    );
    assert_eq!(value("Macie off (controls Macie.1-2)"), "1 account-regions");
    assert_eq!(value("Resources failing encryption-at-rest controls"), "1");
    assert_eq!(
        value("Resources failing encryption-in-transit controls"),
        "1"
    );
    assert_eq!(
        value("Code, images and builds unscanned (Inspector.3, ECR.1, CodeBuild)"),
        "1"
    );
    assert_eq!(get(&list, "Standing admin access").question, 3);
    assert!(get(&list, "Standing admin access")
        .practices
        .contains(&"SEC03-BP02"));
    let ev = get(&list, "Standing admin access")
        .evidence
        .clone()
        .unwrap();
    assert_eq!(ev.pane, "standing");
}

#[test]
fn roles_trusted_from_outside_count_as_standing_access() {
    let mut s = good_store();
    let mut role = exposure("vendor-role", false, Some("999999999999"));
    role.resource_type = "AWS::IAM::Role".into();
    role.resource = "arn:aws:iam::111111111111:role/VendorAudit".into();
    s.apply(Update::Exposures(vec![role]));
    let list = standing_admins(&s);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].route, Route::OutsideTrust);
    assert_eq!(list[0].via, "VendorAudit");
}

#[test]
fn an_answer_that_claims_what_the_evidence_denies_is_flagged() {
    let s = bad_store();
    let list = indicators_now(&s, &Bars::default());
    let answers = [
        // SEC2: "use temporary credentials" selected while IAM users hold keys.
        answer("identities", &["sec_identities_unique"], "NONE"),
        // SEC3: least privilege claimed while admins stand.
        answer(
            "permissions",
            &["sec_permissions_least_privileges"],
            "MEDIUM",
        ),
        // SEC11: a practice no indicator speaks to; no evidence against it.
        answer(
            "application-security",
            &["sec_appsec_train_for_application_security"],
            "NONE",
        ),
    ];
    let qs = questions(&list, &answers);
    let sec2 = &qs[1];
    assert_eq!(sec2.answers.len(), 1);
    assert_eq!(sec2.answers[0].risk, "no risk");
    assert_eq!((sec2.answers[0].selected, sec2.answers[0].of), (1, 6));
    assert!(
        sec2.answers[0].disagreements.iter().any(|d| d
            .starts_with("answered \"Use temporary credentials\"; ")
            && d.contains("IAM users with active access keys: 2")),
        "{:?}",
        sec2.answers[0].disagreements
    );
    assert!(qs[2].answers[0]
        .disagreements
        .iter()
        .any(|d| d.contains("Standing admin access: 13 in 1 accounts")));
    assert!(!qs[10].disagrees());
    // The same answers over good evidence agree.
    let good = good_store();
    let list = indicators_now(&good, &Bars::default());
    assert!(questions(&list, &answers).iter().all(|q| !q.disagrees()));
}

#[test]
fn no_risk_recorded_over_evidence_that_reads_act_is_flagged() {
    let s = bad_store();
    let list = indicators_now(&s, &Bars::default());
    // Nothing selected that an indicator speaks to, but "no risk" over a bad SEC5.
    let qs = questions(&list, &[answer("network-protection", &[], "NONE")]);
    let d = &qs[4].answers[0].disagreements;
    assert_eq!(d.len(), 1);
    assert!(
        d[0].starts_with("recorded no risk; Security groups"),
        "{d:?}"
    );
    // And an unobservable practice's answer is told as claimed or not.
    let qs = questions(
        &list,
        &[answer(
            "securely-operate",
            &["sec_securely_operate_threat_model"],
            "MEDIUM",
        )],
    );
    let bp07 = qs[0]
        .unobservable
        .iter()
        .find(|u| u.0 == "SEC01-BP07")
        .unwrap();
    assert_eq!(bp07.2, Some(true));
    let bp04 = qs[0]
        .unobservable
        .iter()
        .find(|u| u.0 == "SEC01-BP04")
        .unwrap();
    assert_eq!(bp04.2, Some(false));
}

/// Question by question, which indicator reads what on the bad store, and that the same
/// indicator reads good on the good one and unknown or good on an empty one.
#[test]
fn each_question_has_an_indicator_that_moves_from_empty_to_good_to_bad() {
    let table: [(u8, &str, &str, Level); 11] = [
        (
            1,
            "Root with access keys or without MFA",
            "1 with keys, 1 without MFA",
            Level::Bad,
        ),
        (2, "Console users without MFA", "1", Level::Bad),
        (3, "Standing admin access", "13 in 1 accounts", Level::Bad),
        (
            4,
            "GuardDuty off (control GuardDuty.1)",
            "1 account-regions",
            Level::Bad,
        ),
        (
            5,
            "Security groups and ACLs open to the world",
            "1",
            Level::Bad,
        ),
        (
            6,
            "Inspector off (controls Inspector.1-4)",
            "1 account-regions",
            Level::Bad,
        ),
        (
            7,
            "Macie off (controls Macie.1-2)",
            "1 account-regions",
            Level::Warn,
        ),
        (8, "Resources open to the public", "1", Level::Bad),
        (
            9,
            "Resources failing encryption-in-transit controls",
            "1",
            Level::Warn,
        ),
        (10, "Critical findings open", "2", Level::Bad),
        (
            11,
            "Code, images and builds unscanned (Inspector.3, ECR.1, CodeBuild)",
            "1",
            Level::Warn,
        ),
    ];
    let empty = indicators_now(&Store::new(), &Bars::default());
    let good = indicators_now(&good_store(), &Bars::default());
    let bad = indicators_now(&bad_store(), &Bars::default());
    for (question, label, value, level) in table {
        let (e, g, b) = (get(&empty, label), get(&good, label), get(&bad, label));
        assert_eq!(b.question, question, "{label}");
        assert_eq!((b.value.as_str(), b.level), (value, level), "{label}");
        assert_eq!(
            g.level,
            Level::Good,
            "{label} on the good store: {}",
            g.value
        );
        assert!(
            matches!(e.level, Level::Unknown | Level::Good),
            "{label} on the empty store: {:?}",
            e.level
        );
    }
}
