//! The indicators, question by question (SEC1..SEC11): each a count read from the store,
//! judged against its bars, with the best practices it speaks to and the evidence that
//! opens behind it. The indicators counted from control lists are in `controls.rs`.

use super::*;

/// Security Hub controls about network exposure: security groups and network ACLs open to
/// the world on admin ports.
const OPEN_NETWORK_CONTROLS: [&str; 7] = [
    "EC2.2", "EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.21", "EC2.53",
];

pub(super) fn evidence(pane: &'static str, filter: &str) -> Option<Evidence> {
    Some(Evidence {
        pane,
        filter: filter.to_string(),
        sort: None,
    })
}

/// Every indicator, in area order, worked out afresh.
pub fn indicators(store: &Store, keys: &CredentialKeys, bars: &Bars) -> Vec<Indicator> {
    indicators_with(store, keys, bars, &mut Memo::default())
}

/// Every indicator, in area order, with what `memo` remembers of the tables that did not
/// change since it last read them. The identity ones read the credential rows' risks and
/// key ages from `keys` (worked out once per report change or minute, not per poll: at a
/// million findings, 70,000 rows).
pub fn indicators_with(
    store: &Store,
    keys: &CredentialKeys,
    bars: &Bars,
    memo: &mut Memo,
) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut add = |(question, practices): (u8, &'static [&'static str]),
                   label,
                   value: String,
                   level,
                   evidence| {
        out.push(Indicator {
            question,
            practices,
            label,
            value,
            level,
            evidence,
        })
    };

    // Foundations: is the console seeing what it should?
    let sources = &store.sources;
    let failing = sources
        .values()
        .filter(|h| matches!(h.status, Status::Failed | Status::Stale))
        .count();
    add(
        (1, &["SEC01-BP08"]),
        "Sources failing or stale",
        if sources.is_empty() {
            "no source yet".into()
        } else {
            format!("{failing} of {}", sources.len())
        },
        if sources.is_empty() {
            Level::Unknown
        } else {
            bars.sources_failing.level(failing)
        },
        evidence("sources", ""),
    );
    add(
        (1, &["SEC01-BP01"]),
        "Accounts watched",
        store.accounts.len().to_string(),
        if store.accounts.is_empty() {
            Level::Unknown
        } else {
            Level::Good
        },
        None,
    );

    let (non_compliant, rules) = memo.non_compliant(store);
    // The pollers fetch non-compliant results only: nothing at all means "all compliant"
    // only where Config was asked.
    let config_asked =
        !store.compliance.is_empty() || sources.keys().any(|k| k.service == "config");
    add(
        (1, &["SEC01-BP03", "SEC01-BP06", "SEC04-BP04"]),
        "Resources breaking Config rules",
        if config_asked {
            format!("{non_compliant} across {rules} rules")
        } else {
            "no Config data yet".into()
        },
        if config_asked {
            bars.config_noncompliant.level(non_compliant)
        } else {
            Level::Unknown
        },
        evidence("compliance", "status=non_compliant"),
    );

    // Identity: the credential report's risks, counted in one pass over the rows.
    let rows = &keys.rows;
    let (mut root_keys, mut root_no_mfa, mut console_no_mfa) = (0, 0, 0);
    let (mut active_keys, mut old_keys, mut unused) = (0, 0, 0);
    for k in rows {
        root_keys += usize::from(k.risks.contains(CredentialRisk::ROOT_KEYS));
        root_no_mfa += usize::from(k.risks.contains(CredentialRisk::ROOT_NO_MFA));
        console_no_mfa += usize::from(k.risks.contains(CredentialRisk::CONSOLE_NO_MFA));
        active_keys += usize::from(k.active_keys);
        old_keys += usize::from(k.old_keys);
        // Users with either: the rows the evidence lists.
        unused += usize::from(
            k.risks.contains(CredentialRisk::UNUSED_KEY)
                || k.risks.contains(CredentialRisk::UNUSED_PASSWORD),
        );
    }
    let no_report = rows.is_empty();
    let identity = |n: usize, bar: Bar| {
        if no_report {
            Level::Unknown
        } else {
            bar.level(n)
        }
    };
    add(
        (1, &["SEC01-BP02", "SEC02-BP01"]),
        "Root with access keys or without MFA",
        format!("{} with keys, {} without MFA", root_keys, root_no_mfa),
        // Root is never a matter of how many: one is the whole account.
        identity(root_keys + root_no_mfa, Bar::ANY_IS_BAD),
        evidence("credentials", "risk:root-keys,root-no-mfa"),
    );
    add(
        (2, &["SEC02-BP01"]),
        "Console users without MFA",
        console_no_mfa.to_string(),
        identity(console_no_mfa, bars.console_users_without_mfa),
        evidence("credentials", "risk:no-mfa"),
    );
    let percent = (old_keys * 100 + active_keys / 2).checked_div(active_keys);
    let share = match percent {
        Some(percent) => format!("{old_keys} of {active_keys} ({percent}%)"),
        None => "no active key".to_string(),
    };
    // One old key among hundreds rounds to 0%, and still deserves a look.
    let old_share = percent.map_or(0, |p| p.max(usize::from(old_keys > 0)));
    add(
        (2, &["SEC02-BP02", "SEC02-BP05"]),
        "Active keys older than the age limit",
        share,
        identity(old_share, bars.old_keys_percent),
        Some(Evidence {
            pane: "credentials",
            filter: "risk:old-key".into(),
            sort: Some("key age"),
        }),
    );
    add(
        (2, &["SEC02-BP05", "SEC03-BP04"]),
        "Unused keys and passwords",
        unused.to_string(),
        identity(unused, bars.unused_credentials),
        evidence("credentials", "risk:unused-key,unused-pw"),
    );

    // From the tally the store keeps up: no pass over the findings.
    let tally = store.open_tally();
    let unused_access = tally.unused_access;
    let open_network = tally.controls_total(&OPEN_NETWORK_CONTROLS);
    let critical = store.counts().severity(Severity::Critical);
    let vulnerabilities = tally.inspector_high;
    let guardduty_off = tally.places_failing(&["GuardDuty.1"]);
    add(
        (3, &["SEC03-BP02", "SEC03-BP04"]),
        "Unused roles, keys and permissions (Access Analyzer)",
        unused_access.to_string(),
        bars.unused_access.level(unused_access),
        evidence("findings", "gen:aws/access-analyzer/unused status:open"),
    );

    // Detection: are the detective services on everywhere?
    let off = |service: &str, note: &str| {
        let mut places = BTreeSet::new();
        for (k, h) in sources.iter().filter(|(k, _)| k.service == service) {
            let noted = h.error.as_deref().is_some_and(|e| e.contains(note));
            if h.status == Status::NotEnabled || (h.status == Status::Ok && noted) {
                places.insert((k.account_id.clone(), k.region.clone()));
            }
        }
        places.len()
    };
    let watched = |service: &str| sources.keys().any(|k| k.service == service);
    let detective = [
        ("securityhub", "Security Hub off", "not enabled"),
        ("config", "Config recorder off or missing", "recorder"),
        ("cloudtrail", "CloudTrail trails not logging", "trail"),
    ];
    for (service, label, note) in detective {
        let n = off(service, note);
        add(
            (4, &["SEC04-BP01", "SEC04-BP02"]),
            label,
            if watched(service) {
                format!("{n} account-regions")
            } else {
                "not polled".into()
            },
            if watched(service) {
                bars.services_off.level(n)
            } else {
                Level::Unknown
            },
            evidence("sources", ""),
        );
    }
    // GuardDuty is not polled itself: Security Hub's control GuardDuty.1 says where it is off.
    let no_findings = store.findings.is_empty();
    add(
        (4, &["SEC04-BP03"]),
        "GuardDuty off (control GuardDuty.1)",
        if no_findings {
            "no findings yet".into()
        } else {
            format!("{} account-regions", guardduty_off)
        },
        if no_findings {
            Level::Unknown
        } else {
            bars.services_off.level(guardduty_off)
        },
        evidence("findings", "control=guardduty.1 status:open"),
    );
    let detected = store.flagged_events().events();
    add(
        (4, &["SEC04-BP03"]),
        "CloudTrail events a detection fired on",
        detected.to_string(),
        bars.detections.level(detected),
        evidence("events", "det:*"),
    );

    add(
        (5, &["SEC05-BP02", "SEC06-BP03"]),
        "Security groups and ACLs open to the world",
        open_network.to_string(),
        bars.open_network.level(open_network),
        Some(Evidence {
            pane: "findings",
            filter: format!("control={} status:open", OPEN_NETWORK_CONTROLS.join(",")),
            sort: None,
        }),
    );

    let (public, outside) = (store.exposed().public, store.exposed().outside);
    add(
        (8, &["SEC08-BP04", "SEC03-BP07"]),
        "Resources open to the public",
        public.to_string(),
        bars.public_resources.level(public),
        evidence("exposures", "mark:public"),
    );
    add(
        (3, &["SEC03-BP07", "SEC03-BP08", "SEC03-BP09"]),
        "Access granted outside the watched accounts",
        outside.to_string(),
        bars.outside_access.level(outside),
        evidence("exposures", "mark:outside"),
    );

    add(
        (10, &["SEC10-BP02"]),
        "Critical findings open",
        critical.to_string(),
        bars.critical_findings.level(critical),
        evidence("findings", "sev:critical status:open"),
    );
    add(
        (10, &["SEC10-BP04", "SEC10-BP07"]),
        "Last game-day drill",
        "none run yet".into(),
        Level::Unknown,
        None,
    );

    add(
        (6, &["SEC06-BP01", "SEC11-BP05"]),
        "Critical and high vulnerabilities (Inspector)",
        vulnerabilities.to_string(),
        bars.vulnerabilities.level(vulnerabilities),
        evidence("findings", "product=inspector sev>=high status:open"),
    );
    super::controls::add_all(store, bars, memo, &mut out);
    out.sort_by_key(|i| i.question);
    out
}

/// The last game-day drill from the drill history: good within 90 days, look after, act
/// after a year; unknown when none was run.
pub fn last_drill(
    list: &mut [Indicator],
    last: Option<&crate::drill::report::Past>,
    now: DateTime<Utc>,
) {
    let Some(i) = list.iter_mut().find(|i| i.label == "Last game-day drill") else {
        return;
    };
    let Some(p) = last else {
        return;
    };
    let days = (now - p.started).num_days();
    let detect = crate::drill::report::span(p.detect.map(chrono::Duration::seconds));
    i.value = format!("{days}d ago, detected in {detect}");
    if p.missed > 0 {
        i.value.push_str(&format!(", {} missed", p.missed));
    }
    i.level = match days {
        d if d > 365 => Level::Bad,
        d if d > 90 => Level::Warn,
        _ if p.missed > 0 => Level::Warn,
        _ => Level::Good,
    };
}
