//! A drill as the fold of its journal: milestones, the checklist, what arrived and what
//! was missed; the journal surviving a torn last line; the report's content.

use super::super::{journal, report};
use super::*;
use crate::test_support::now;

fn runbook() -> Runbook {
    crate::drill::runbook::Library::builtin()
        .get("cloudtrail-logging-stopped")
        .unwrap()
        .clone()
}

fn stop_logging(minutes_after: i64) -> TrailEvent {
    let v = serde_json::json!({
        "eventID": format!("stop-{minutes_after}"), "eventTime": (now() + Duration::minutes(minutes_after)).to_rfc3339(),
        "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging", "awsRegion": "us-east-1",
        "recipientAccountId": "111111111111", "userIdentity": {"type": "IAMUser", "userName": "stratus"},
        "requestParameters": {"name": "org-trail"},
    });
    let mut e = vec![crate::model::cloudtrail::parse_record(&v).unwrap()];
    crate::drill::detect::Detector::default().run(&mut e);
    e.pop().unwrap()
}

fn started() -> (Entry, Drill) {
    let e = Drill::start_entry(
        "drill-1".into(),
        &runbook(),
        Kind::Detection,
        crate::drill::scenario::for_runbook(&runbook().id),
        "alice",
        now(),
        None,
    );
    let d = Drill::replay([&e]).unwrap();
    (e, d)
}

#[test]
fn a_detection_drill_expects_its_scenario_and_checks_the_runbook_steps() {
    let (_, d) = started();
    assert_eq!(d.detections, ["cloudtrail-stopped"]);
    assert_eq!(d.deadline, now() + Duration::minutes(30));
    assert!(
        d.steps.len() >= 4,
        "contain and recover steps: {:?}",
        d.steps
    );
    assert_eq!(d.missing().len(), 2, "a detection and a finding");
    assert_eq!(d.time_to_detect(), None);
}

#[test]
fn what_arrives_is_seen_once_with_its_milestone() {
    let (_, mut d) = started();
    let before = stop_logging(-5);
    assert!(
        d.observe(&[before], &[], now() + Duration::minutes(1))
            .is_empty(),
        "before the start"
    );
    let hit = stop_logging(3);
    let arrived = now() + Duration::minutes(4);
    let entries = d.observe(std::slice::from_ref(&hit), &[], arrived);
    assert_eq!(
        entries,
        [
            Entry::Seen {
                what: "detection cloudtrail-stopped".into(),
                at: arrived,
                happened: now() + Duration::minutes(3)
            },
            Entry::Milestone {
                milestone: Milestone::FirstLog,
                at: arrived
            },
        ]
    );
    for e in &entries {
        d.apply(e);
    }
    assert!(
        d.observe(&[hit], &[], arrived + Duration::minutes(1))
            .is_empty(),
        "seen once"
    );
    assert_eq!(d.time_to_detect(), Some(Duration::minutes(4)));
    assert_eq!(
        d.missing(),
        ["finding *Stealth:IAMUser-CloudTrailLoggingDisabled*"]
    );
    // After the deadline nothing more counts.
    assert!(d
        .observe(&[stop_logging(40)], &[], now() + Duration::minutes(41))
        .is_empty());
}

#[test]
fn the_journal_rebuilds_the_drill_and_survives_a_torn_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let (start, _) = started();
    let entries = vec![
        start,
        Entry::Tick {
            step: 1,
            done: true,
            at: now() + Duration::minutes(2),
        },
        Entry::Note {
            text: "paged the trail owner".into(),
            at: now() + Duration::minutes(3),
        },
        Entry::Milestone {
            milestone: Milestone::Acknowledged,
            at: now() + Duration::minutes(3),
        },
    ];
    for e in &entries {
        journal::append(dir.path(), "drill-1", e).unwrap();
    }
    // A kill -9 in the middle of the next write.
    use std::io::Write;
    let path = dir.path().join("drill-1.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"{\"entry\":\"note\",\"text\":\"half").unwrap();
    let (drills, problems) = journal::load_all(dir.path());
    assert_eq!(drills.len(), 1);
    let d = &drills[0];
    assert_eq!(d.steps[1].done, Some(now() + Duration::minutes(2)));
    assert_eq!(
        d.notes,
        [(
            now() + Duration::minutes(3),
            "paged the trail owner".to_string()
        )]
    );
    assert_eq!(
        d.at(Milestone::Acknowledged),
        Some(now() + Duration::minutes(3))
    );
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("drill-1.jsonl:5:"), "{}", problems[0]);
    // The resumed drill goes on: its next entry starts on a line of its own and is kept.
    let later = Entry::Note {
        text: "after the resume".into(),
        at: now() + Duration::minutes(20),
    };
    journal::append(dir.path(), "drill-1", &later).unwrap();
    let (drills, _) = journal::load_all(dir.path());
    assert_eq!(drills[0].notes.len(), 2, "{:?}", drills[0].notes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn the_report_has_the_timeline_times_checklist_notes_and_what_was_missed() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut d) = started();
    let arrived = now() + Duration::minutes(4);
    for e in d.observe(&[stop_logging(3)], &[], arrived) {
        d.apply(&e);
    }
    for e in [
        Entry::Milestone {
            milestone: Milestone::Acknowledged,
            at: now() + Duration::minutes(6),
        },
        Entry::Tick {
            step: 0,
            done: true,
            at: now() + Duration::minutes(8),
        },
        Entry::Note {
            text: "trail restarted by bob".into(),
            at: now() + Duration::minutes(9),
        },
        Entry::Milestone {
            milestone: Milestone::Contained,
            at: now() + Duration::minutes(10),
        },
        Entry::Milestone {
            milestone: Milestone::Closed,
            at: now() + Duration::minutes(12),
        },
    ] {
        d.apply(&e);
    }
    let md = report::markdown(&d);
    for expected in [
        "# After-action report: ",
        "- Time to detect: 4m 00s",
        "- Time to acknowledge: 6m 00s",
        "- Time to contain: 10m 00s",
        "| first log | 2026-11-22T12:04:00Z | 4m 00s |",
        "| first finding | not reached | |",
        "- detection cloudtrail-stopped: arrived 4m 00s after start",
        "- MISSED: finding *Stealth:IAMUser-CloudTrailLoggingDisabled* did not arrive",
        "(8m 00s after start)",
        "(+9m 00s): trail restarted by bob",
    ] {
        assert!(md.contains(expected), "{expected:?} not in:\n{md}");
    }
    let path = report::write(dir.path(), &d).unwrap();
    assert!(path.ends_with("drill-1.md"));
    let past = report::history(dir.path());
    assert_eq!(past.len(), 1);
    assert_eq!(
        (past[0].detect, past[0].contain, past[0].missed),
        (Some(240), Some(600), 1)
    );
}
