use super::source::{answer, Triaged};
use super::*;
use crate::model::{RecordState, Severity, WorkflowStatus};
use std::collections::HashSet;

fn now() -> DateTime<Utc> {
    crate::model::clock::parse_rfc3339("2026-11-22T12:00:00Z").unwrap()
}

fn default_org() -> DemoOrg {
    generate(&DemoOptions::new(DEFAULT_SEED, None, now()))
}

#[test]
fn same_seed_same_organization_other_seed_other_one() {
    let opts = DemoOptions::new(7, Some(400), now());
    assert_eq!(generate(&opts), generate(&opts));
    let other = generate(&DemoOptions::new(8, Some(400), now()));
    assert_ne!(generate(&opts).findings, other.findings);
}

#[test]
fn default_scale_meets_the_brief() {
    let org = default_org();
    assert!(org.accounts.len() >= 12);
    let names: HashSet<&str> = org.accounts.iter().map(|a| a.name.as_str()).collect();
    for n in [
        "management",
        "security-audit",
        "log-archive",
        "prod-payments",
        "dev-web",
    ] {
        assert!(names.contains(n), "{n}");
    }
    assert!(org.regions.len() >= 4);
    assert_eq!(org.findings.len(), DEFAULT_FINDINGS);
    let keys: HashSet<_> = org.findings.iter().map(|f| f.key()).collect();
    assert_eq!(keys.len(), org.findings.len(), "finding keys are unique");
    let products: HashSet<&str> = org.findings.iter().map(|f| &*f.product).collect();
    for p in [
        "GuardDuty",
        "Inspector",
        "Macie",
        "Security Hub",
        "Config",
        "IAM Access Analyzer",
    ] {
        assert!(products.contains(p), "{p}");
    }
    let controls: HashSet<&str> = org
        .findings
        .iter()
        .filter_map(|f| f.control_id.as_deref())
        .collect();
    for c in ["IAM.3", "S3.8", "EC2.19"] {
        assert!(controls.contains(c), "{c}");
    }
    let crit = org
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .count();
    let med_low = org
        .findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Medium | Severity::Low))
        .count();
    assert!(
        crit > 0 && crit < med_low,
        "few criticals, many medium and low: {crit} vs {med_low}"
    );
    assert!(org
        .findings
        .iter()
        .all(|f| f.updated_at <= now() && f.first_observed_at.unwrap() <= f.updated_at));

    let users: Vec<_> = org.credentials.iter().flat_map(|b| &b.records).collect();
    assert!(users.iter().filter(|r| !r.is_root).count() >= 200);
    assert_eq!(
        users.iter().filter(|r| r.is_root).count(),
        org.accounts.len()
    );
    assert!(
        users
            .iter()
            .any(|r| r.has_console_password() && !r.mfa_active),
        "console users without MFA"
    );
    assert!(
        users
            .iter()
            .flat_map(|r| &r.access_keys)
            .any(|k| k.active && k.last_used.is_none()),
        "keys never used"
    );
    assert!(
        users.iter().any(|r| r.active_keys().count() == 2),
        "users with two active keys"
    );
    assert!(
        users
            .iter()
            .any(|r| r.is_root && r.active_keys().count() > 0),
        "a root with keys"
    );
    let ages: Vec<i64> = users
        .iter()
        .filter_map(|r| r.oldest_active_key_days(now()))
        .collect();
    assert!(
        ages.iter().any(|&d| d < 30) && ages.iter().any(|&d| d > 365),
        "key ages from days to years"
    );

    assert!(org.exposures.len() >= 60);
    let kinds: HashSet<&str> = org
        .exposures
        .iter()
        .map(|e| e.resource_type.as_str())
        .collect();
    for k in [
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::SQS::Queue",
        "AWS::EC2::Snapshot",
    ] {
        assert!(kinds.contains(k), "{k}");
    }
    assert!(
        org.exposures.iter().any(|e| e.is_public) && org.exposures.iter().any(|e| !e.is_public)
    );

    let flagged: HashSet<&str> = org
        .events
        .iter()
        .flat_map(|e| e.detections.iter().map(|d| d.as_str()))
        .collect();
    for rule in [
        "cloudtrail-stopped",
        "root-activity",
        "console-login-without-mfa",
        "access-key-created-for-other-user",
        "admin-policy-attached",
        "console-login-failures",
        "access-denied-spree",
        "snapshot-shared-publicly",
        "bucket-made-public",
    ] {
        assert!(flagged.contains(rule), "{rule} among the suspicious events");
    }
    let failed_stop = org
        .events
        .iter()
        .find(|e| &*e.event_name == "StopLogging" && e.failed())
        .unwrap();
    assert!(failed_stop.detections.is_empty());
}

#[test]
fn scale_grows_everything_in_proportion() {
    let small = DemoOptions::new(1, Some(3_000), now());
    let big = DemoOptions::new(1, Some(30_000), now());
    assert_eq!(big.users(), small.users() * 10);
    assert_eq!(big.exposures(), small.exposures() * 10);
    assert_eq!(big.events(), small.events() * 10);
    let org = generate(&DemoOptions::new(1, Some(6_000), now()));
    assert_eq!(org.findings.len(), 6_000);
    assert_eq!(
        org.credentials
            .iter()
            .map(|b| b.records.len())
            .sum::<usize>(),
        420 + 14
    );
    let tiny = generate(&DemoOptions::new(1, Some(10), now()));
    assert_eq!(tiny.findings.len(), 10);
    assert!(
        tiny.credentials.iter().all(|b| b.records.len() >= 2),
        "every account keeps a user and root"
    );
}

#[test]
fn the_organization_lives() {
    let opts = DemoOptions::new(DEFAULT_SEED, Some(500), now());
    let later = now() + Duration::seconds(4);
    let step = live_step(&opts, 1, later);
    assert_eq!(step.len(), live_step(&opts, 1, later).len(), "pure");
    let Update::Findings(changed) = &step[0] else {
        panic!("findings first")
    };
    let base: HashSet<_> = generate(&opts).findings.iter().map(|f| f.key()).collect();
    let (new, existing): (Vec<_>, Vec<_>) = changed.iter().partition(|f| !base.contains(&f.key()));
    assert!(!new.is_empty(), "new findings arrive");
    assert!(new
        .iter()
        .all(|f| f.updated_at == later && f.workflow_status == WorkflowStatus::New));
    assert!(!existing.is_empty(), "existing findings change");
    for f in existing {
        assert_eq!(
            f.updated_at, later,
            "a change moves UpdatedAt, so the store takes it"
        );
        let _ = matches!(f.record_state, RecordState::Archived)
            || f.workflow_status == WorkflowStatus::Resolved;
    }
    assert!(matches!(step.last(), Some(Update::Health(_, h)) if h.status == Status::Ok));
    // Over many ticks, findings are resolved, archived and re-rated.
    let all: Vec<Finding> = (1..40)
        .flat_map(|t| live_step(&opts, t, later))
        .filter_map(|u| {
            if let Update::Findings(f) = u {
                Some(f)
            } else {
                None
            }
        })
        .flatten()
        .collect();
    assert!(all
        .iter()
        .any(|f| f.workflow_status == WorkflowStatus::Resolved));
    assert!(all.iter().any(|f| f.record_state == RecordState::Archived));
}

#[tokio::test]
async fn the_source_sends_data_then_ok_and_stops_when_cancelled() {
    use tokio::sync::mpsc;
    let (tx, mut rx) = mpsc::channel(64);
    let (_cmd_tx, cmd_rx) = mpsc::channel(1);
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut opts = DemoOptions::new(3, Some(50), now());
    opts.tick = std::time::Duration::from_millis(20);
    let source = Box::new(DemoSource::new(opts, Clock::Fixed(now())));
    let task = tokio::spawn(source.run(SourceContext {
        updates: tx,
        commands: cmd_rx,
        cancel: cancel.clone(),
    }));
    let mut saw = (false, false, 0);
    while let Some(u) = rx.recv().await {
        match u {
            Update::Health(_, h) if h.status == Status::Loading => saw.0 = true,
            Update::Findings(f) => saw.2 += f.len(),
            Update::Health(_, h) if h.status == Status::Ok => {
                saw.1 = true;
                break;
            }
            _ => {}
        }
    }
    assert!(saw.0 && saw.1);
    let unused = super::unused::findings(3, now()).len();
    assert!(unused > 0, "the demo has unused roles and permissions");
    assert_eq!(saw.2, 50 + unused);
    // A live step arrives without asking.
    assert!(rx.recv().await.is_some());
    cancel.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
}

#[test]
fn streaming_builds_the_same_store_and_sends_findings_first() {
    let opts = DemoOptions::new(DEFAULT_SEED, Some(2_500), now());
    let mut whole = crate::store::Store::new();
    for u in initial_updates(generate(&opts), now()) {
        whole.apply(u);
    }
    let mut streamed = crate::store::Store::new();
    let mut kinds = Vec::new();
    stream(&opts, now(), |u| {
        kinds.push(match &u {
            Update::Accounts(_) => "accounts",
            Update::Findings(f) if f.len() == FIRST_BATCH => "first findings",
            Update::Findings(_) => "findings",
            Update::Health(..) => "health",
            Update::Compliance(_) => "compliance",
            _ => "other",
        });
        streamed.apply(u);
        true
    });
    // Each batch's Config evaluations follow it.
    let order: Vec<&str> = kinds
        .iter()
        .copied()
        .filter(|k| *k != "compliance")
        .collect();
    assert_eq!(&order[..3], ["accounts", "first findings", "findings"]);
    assert!(kinds.contains(&"compliance"));
    assert!(!whole.compliance.is_empty());
    assert_eq!(whole.compliance.len(), streamed.compliance.len());
    assert_eq!(
        kinds.last(),
        Some(&"health"),
        "ok only once everything is in"
    );
    let doc = |s: &crate::store::Store| crate::export::json::to_bytes(s, now());
    assert!(doc(&whole) == doc(&streamed), "same export from both paths");
    // A receiver that goes away stops the stream at once.
    let mut sent = 0;
    stream(&opts, now(), |_| {
        sent += 1;
        sent < 2
    });
    assert_eq!(sent, 2);
}

fn triage_request(org: &DemoOrg, n: usize) -> crate::model::triage::TriageRequest {
    let records: Vec<Finding> = org.findings.iter().take(n).cloned().collect();
    crate::model::triage::TriageRequest {
        id: 9,
        targets: records
            .iter()
            .map(|f| crate::model::triage::Target::of(f, "demo"))
            .collect(),
        change: crate::model::triage::Change::new(
            Some(WorkflowStatus::Suppressed),
            "known scanner",
        )
        .unwrap(),
        updated_by: "bob".into(),
        records,
    }
}

#[tokio::test(start_paused = true)]
async fn the_simulated_security_hub_takes_triage_and_shows_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions::new(DEFAULT_SEED, Some(300), now());
    let org = generate(&opts);
    let req = triage_request(&org, 120);
    let policy = crate::model::triage::WritePolicy {
        allowed: true,
        read_only: Vec::new(),
        state_dir: Some(dir.path().to_path_buf()),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let clock = Clock::Fixed(now());
    let mut triaged = Triaged::new();
    assert!(
        answer(
            Command::Triage(Box::new(req.clone())),
            &opts,
            &clock,
            &policy,
            &tx,
            &mut triaged
        )
        .await
    );
    let Some(Update::Triaged(outcome)) = rx.recv().await else {
        panic!("the outcome first");
    };
    assert_eq!(outcome.results.len(), 120);
    let mut routes: std::collections::HashMap<(String, String), usize> = Default::default();
    for t in &req.targets {
        *routes
            .entry((t.account_id.clone(), t.region.clone()))
            .or_default() += 1;
    }
    let calls: usize = routes.values().map(|n| n.div_ceil(100)).sum();
    assert_eq!(
        outcome.calls, calls,
        "a call per account and region, 100 at most"
    );
    let refused = outcome.results.iter().filter(|(_, r)| r.is_err()).count();
    assert!(
        refused > 0 && refused < 20,
        "a few come back unprocessed: {refused}"
    );
    let Some(Update::Findings(shown)) = rx.recv().await else {
        panic!("then the records as the reconcile shows them");
    };
    assert_eq!(shown.len(), 120 - refused);
    for f in &shown {
        assert_eq!(f.workflow_status, WorkflowStatus::Suppressed);
        let (text, by) = crate::store::pending::hub_note(f).unwrap();
        assert_eq!((text.as_str(), by.as_str()), ("known scanner", "bob"));
        let before = req.records.iter().find(|r| r.id == f.id).unwrap();
        assert_eq!(f.updated_at, before.updated_at, "UpdatedAt does not move");
    }
    assert!(
        !dir.path().join(crate::source::write::AUDIT_FILE).exists(),
        "not in the real log"
    );
    let audit =
        std::fs::read_to_string(dir.path().join(crate::source::write::DEMO_AUDIT_FILE)).unwrap();
    assert_eq!(audit.lines().count(), 2 * outcome.calls);
    assert!(audit.contains("(simulated)"));
}

#[tokio::test]
async fn with_writes_off_the_simulated_hub_refuses_everything() {
    let opts = DemoOptions::new(DEFAULT_SEED, Some(50), now());
    let org = generate(&opts);
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let policy = crate::model::triage::WritePolicy::default();
    let req = triage_request(&org, 5);
    assert!(
        answer(
            Command::Triage(Box::new(req)),
            &opts,
            &Clock::Fixed(now()),
            &policy,
            &tx,
            &mut Default::default()
        )
        .await
    );
    let Some(Update::Triaged(outcome)) = rx.recv().await else {
        panic!("an outcome");
    };
    assert_eq!(outcome.calls, 0);
    assert!(outcome.results.iter().all(|(_, r)| r.is_err()));
}

#[tokio::test]
async fn a_lookup_finds_what_the_resource_saw_in_the_window() {
    let opts = DemoOptions::new(DEFAULT_SEED, Some(50), now());
    let org = generate(&opts);
    let f = org
        .findings
        .iter()
        .find(|f| !crate::model::lookup::names(f).is_empty())
        .unwrap();
    let lookup = crate::model::lookup::Lookup::around(3, f, Default::default(), now());
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let clock = Clock::Fixed(now());
    let policy = crate::model::triage::WritePolicy::default();
    let cmd = Command::Lookup(Box::new(lookup.clone()));
    assert!(
        answer(
            cmd.clone(),
            &opts,
            &clock,
            &policy,
            &tx,
            &mut Default::default()
        )
        .await
    );
    let Some(Update::Events(events)) = rx.recv().await else {
        panic!("events first");
    };
    let Some(Update::Looked(looked)) = rx.recv().await else {
        panic!("then the answer");
    };
    assert_eq!(looked.id, 3);
    assert!(events.len() >= 2);
    assert_eq!(looked.event_ids.len(), events.len());
    for e in &events {
        assert!(
            lookup.covers(e),
            "{} at {} is on the timeline",
            e.event_name,
            e.event_time
        );
    }
    // Asked again: the same events, not new ones.
    assert!(answer(cmd, &opts, &clock, &policy, &tx, &mut Default::default()).await);
    let Some(Update::Events(again)) = rx.recv().await else {
        panic!("events");
    };
    let ids = |v: &[TrailEvent]| v.iter().map(|e| e.event_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&events), ids(&again));
}

#[test]
fn new_findings_recur_so_a_long_demo_does_not_grow() {
    let opts = DemoOptions::new(DEFAULT_SEED, Some(50), now());
    let base: HashSet<_> = generate(&opts).findings.iter().map(|f| f.key()).collect();
    let hour = RECURRING / 4;
    let raised = |ticks: std::ops::Range<u64>| {
        let mut new = HashSet::new();
        for tick in ticks {
            for u in live_step(&opts, tick, now()) {
                if let Update::Findings(list) = u {
                    new.extend(list.iter().map(|f| f.key()).filter(|k| !base.contains(k)));
                }
            }
        }
        new
    };
    let first = raised(0..hour);
    assert!(
        first.len() > hour as usize,
        "{} new in an hour",
        first.len()
    );
    assert_eq!(
        first,
        raised(hour..2 * hour),
        "the second hour raises the same ones"
    );
}

/// Every detection drill plays in the demo: the attack of each Stratus Red Team technique
/// (its rule cases' records, moved to the sandbox and to now) fires every detection the
/// drill waits for.
#[test]
fn every_detection_drill_attack_fires_what_the_drill_expects() {
    let detector = crate::drill::detect::Detector::default();
    for s in crate::drill::scenario::SCENARIOS {
        let expected: Vec<String> = s.detections.iter().map(|d| d.to_string()).collect();
        let mut events: Vec<crate::model::TrailEvent> =
            super::activity::attack(7, &expected, now())
                .iter()
                .filter_map(super::activity::parse)
                .collect();
        assert!(!events.is_empty(), "{}: no attack to play", s.stratus);
        detector.run(&mut events);
        for d in s.detections {
            assert!(
                events.iter().any(|e| e.detections.iter().any(|x| x == d)),
                "{}: the attack did not fire {d}",
                s.stratus
            );
        }
        assert!(events.iter().all(|e| e.event_time >= now()));
    }
}

#[test]
fn par_map_keeps_index_order_across_pieces_and_threads() {
    // Past one piece (65,536), with every seventh item dropped, as `filter_map` would.
    let n = 150_001;
    let f = |i: u64| (i % 7 != 3).then_some(i * 2);
    let expected: Vec<u64> = (0..n as u64).filter_map(f).collect();
    assert_eq!(par_map(n, f), expected);
}

#[test]
fn batches_keep_order_and_are_exactly_sized() {
    let rows: Vec<u32> = (0..(40 * BATCH as u32 + 17)).collect();
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    for batch in batches(rows.clone()) {
        assert_eq!(batch.capacity(), batch.len(), "each batch exactly sized");
        sizes.push(batch.len());
        seen.extend(batch);
    }
    assert_eq!(seen, rows);
    assert_eq!(sizes.len(), 41);
    assert!(sizes[..40].iter().all(|&s| s == BATCH));
    assert_eq!(sizes[40], 17);
}
