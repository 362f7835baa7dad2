//! The indicators added for the pillar's questions that had none or only a proxy: IAM
//! users with long-term keys and standing administrator access (SEC2, SEC3), Inspector
//! coverage and Systems Manager management (SEC6), Macie and its sensitive-data findings
//! (SEC7), encryption at rest and in transit by their control lists (SEC8, SEC9), runbook
//! coverage (SEC10), and code and pipeline scanning (SEC11). Control lists come from the
//! pillar data file, not from titles: "encrypt" in a title both over- and under-counts.

use super::indicators::evidence;
use super::pillar::pillar;
use super::*;
use crate::model::standing::{Route, StandingAccess};

/// The filter that opens the open findings of these controls, exactly the ones counted.
fn open_controls(list: &[String]) -> String {
    format!("control={} status:open", list.join(",").to_lowercase())
}

/// Standing administrator access: what the sources read (Identity Center, IAM), and the
/// roles that accounts outside the watched ones may assume (from Access Analyzer, kept up
/// by the store as exposures change), in key order.
pub fn standing_admins(store: &Store) -> Vec<StandingAccess> {
    let mut list = store.standing.clone();
    list.extend(
        store
            .exposed()
            .outside_roles()
            .map(|(account, principal, role)| StandingAccess {
                account_id: account.clone(),
                principal: principal.clone(),
                route: Route::OutsideTrust,
                via: role.clone(),
                members: Vec::new(),
                scope: "access-analyzer".into(),
            }),
    );
    list.sort_by(|a, b| a.key().cmp(&b.key()));
    list.dedup_by(|a, b| a.key() == b.key());
    list
}

/// Adds the indicators of this module to `out` (the caller sorts by question).
pub(super) fn add_all(store: &Store, bars: &Bars, memo: &mut Memo, out: &mut Vec<Indicator>) {
    let controls = &pillar().controls;
    let mut push = |question, practices, label, value: String, level, evidence| {
        out.push(Indicator {
            question,
            practices,
            label,
            value,
            level,
            evidence,
        })
    };

    // SEC2: long-term keys are what "use temporary credentials" removes.
    let creds = store.credentials.items();
    let with_keys = memo.users_with_keys(store);
    push(
        2,
        &["SEC02-BP02"],
        "IAM users with active access keys",
        if creds.is_empty() {
            "no credential report yet".into()
        } else {
            with_keys.to_string()
        },
        if creds.is_empty() {
            Level::Unknown
        } else {
            bars.users_with_keys.level(with_keys)
        },
        evidence(
            "credentials",
            &format!(
                "keys=1,2,3+ !user=\"{}\"",
                crate::model::credential_report::ROOT_USER
            ),
        ),
    );

    // SEC3: standing administrators, by person and account.
    let standing = standing_admins(store);
    let polled = !store.standing.is_empty()
        || store
            .sources
            .keys()
            .any(|k| matches!(k.service.as_str(), "identitycenter" | "iam" | "demo"));
    let people: BTreeSet<(&str, &str)> = standing
        .iter()
        .flat_map(|s| {
            let one = std::iter::once(s.principal.as_str()).filter(|_| s.members.is_empty());
            s.members
                .iter()
                .map(String::as_str)
                .chain(one)
                .map(move |p| (s.route.label(), p))
        })
        .collect();
    let accounts: BTreeSet<&str> = standing.iter().map(|s| s.account_id.as_str()).collect();
    push(
        3,
        &["SEC03-BP02", "SEC02-BP02", "SEC02-BP06", "SEC03-BP09"],
        "Standing admin access",
        if polled || !standing.is_empty() {
            format!("{} in {} accounts", people.len(), accounts.len())
        } else {
            "not polled".into()
        },
        if polled || !standing.is_empty() {
            bars.standing_admins.level(people.len())
        } else {
            Level::Unknown
        },
        evidence("standing", ""),
    );

    // The control-counted indicators, from the tally the store keeps up.
    let tally = store.open_tally();
    let inspector_off = tally.places_failing(&controls.inspector);
    let macie_off = tally.places_failing(&controls.macie);
    let unmanaged = tally.controls_total(&controls.ssm_managed);
    let at_rest = tally.controls_total(&controls.at_rest);
    let in_transit = tally.controls_total(&controls.in_transit);
    let unscanned = tally.controls_total(&controls.code_scanning);
    let sensitive: usize = tally.sensitive.values().sum();
    let sensitive_accounts = tally.sensitive.len();
    let none = store.findings.is_empty();
    push(
        7,
        &["SEC07-BP02", "SEC07-BP03"],
        "Sensitive-data findings (Macie)",
        if none {
            "no findings yet".into()
        } else {
            format!("{sensitive} in {sensitive_accounts} accounts")
        },
        if none {
            Level::Unknown
        } else {
            bars.sensitive_data.level(sensitive)
        },
        evidence(
            "findings",
            "product=macie type:\"sensitive data\" status:open",
        ),
    );
    push(
        10,
        &["SEC10-BP04"],
        "Runbook coverage of open critical and high",
        "no runbooks read".into(),
        Level::Unknown,
        None,
    );
    let mut counted = |question, practices, label, n: usize, unit: &str, bar: Bar, ev| {
        push(
            question,
            practices,
            label,
            if none {
                "no findings yet".into()
            } else {
                format!("{n}{unit}")
            },
            if none { Level::Unknown } else { bar.level(n) },
            ev,
        )
    };
    counted(
        6,
        &["SEC06-BP01", "SEC06-BP02"],
        "Inspector off (controls Inspector.1-4)",
        inspector_off,
        " account-regions",
        bars.inspector_off,
        evidence("findings", &open_controls(&controls.inspector)),
    );
    counted(
        6,
        &["SEC06-BP03", "SEC06-BP05"],
        "Instances not managed by Systems Manager (SSM.1)",
        unmanaged,
        "",
        bars.unmanaged_instances,
        evidence("findings", &open_controls(&controls.ssm_managed)),
    );
    counted(
        7,
        &["SEC07-BP03"],
        "Macie off (controls Macie.1-2)",
        macie_off,
        " account-regions",
        bars.macie_off,
        evidence("findings", &open_controls(&controls.macie)),
    );
    counted(
        8,
        &["SEC08-BP02", "SEC07-BP02"],
        "Resources failing encryption-at-rest controls",
        at_rest,
        "",
        bars.encryption_findings,
        evidence("findings", &open_controls(&controls.at_rest)),
    );
    counted(
        9,
        &["SEC09-BP02"],
        "Resources failing encryption-in-transit controls",
        in_transit,
        "",
        bars.in_transit,
        evidence("findings", &open_controls(&controls.in_transit)),
    );
    counted(
        11,
        &["SEC11-BP02", "SEC11-BP07"],
        "Code, images and builds unscanned (Inspector.3, ECR.1, CodeBuild)",
        unscanned,
        "",
        bars.unscanned_code,
        evidence("findings", &open_controls(&controls.code_scanning)),
    );
}

/// Fills "Runbook coverage": of the kinds of open critical and high findings (by control,
/// else by type) and of the detections that fired, how many have a runbook. Good when all
/// do, a look when most do, bad when fewer than half.
pub fn runbook_coverage(
    list: &mut [Indicator],
    store: &Store,
    library: &crate::drill::runbook::Library,
    memo: &mut Memo,
) {
    let Some(i) = list
        .iter_mut()
        .find(|i| i.label == "Runbook coverage of open critical and high")
    else {
        return;
    };
    // One finding per kind, from the tally the store keeps up: the library's glob
    // matching is too dear for every finding (and, remembered, for every poll).
    let (kinds_covered, kinds) = memo.covered_kinds(store, library);
    let detections: Vec<&str> = store.flagged_events().detections().collect();
    let total = kinds + detections.len();
    let covered = kinds_covered
        + detections
            .iter()
            .filter(|d| library.for_detection(d).is_some())
            .count();
    if total == 0 {
        i.value = "nothing open to cover".into();
        i.level = Level::Good;
        return;
    }
    i.value = format!("{covered} of {total} kinds");
    i.level = if covered == total {
        Level::Good
    } else if covered * 2 >= total {
        Level::Warn
    } else {
        Level::Bad
    };
    i.evidence = evidence("findings", "sev>=high status:open");
}
