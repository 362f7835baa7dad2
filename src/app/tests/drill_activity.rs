//! Issue 21 item 9: the CloudTrail list is the Activity pane and the drill view has its own
//! key; `x` asks before closing a drill with unticked steps; a closed drill's `[DRILL]`
//! finding is resolved; past drills are a list whose `Enter` reads the report.

use super::super::*;
use crate::model::WorkflowStatus;
use crate::test_support::command;
use chrono::TimeZone;

fn app(dir: &std::path::Path) -> App {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let settings = Settings {
        state_dir: Some(dir.join("state")),
        data_dir: Some(dir.join("data")),
        ..Settings::default()
    };
    let mut app = App::new(Clock::Fixed(now), settings, Theme::default());
    app.update(Action::Resize(120, 40));
    app
}

fn perform(app: &mut App) {
    for r in std::mem::take(&mut app.outbox.requests) {
        crate::run::effects::perform(app, r);
    }
}

#[test]
fn item9_activity_has_its_own_pane_name_and_the_drill_view_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    assert_eq!(Pane::Drills.title(), "Activity");
    assert_eq!(Pane::Drills.id(), "activity");
    // Saved views and snapshots that say `drills` still find it.
    assert_eq!(Pane::from_name("drills"), Some(Pane::Drills));
    assert_eq!(Pane::from_name("cloudtrail"), Some(Pane::Drills));
    // `D` from any pane shows the drill view; again, the activity.
    app.update(Action::ShowTab(Pane::Credentials));
    app.update(Action::ShowDrills);
    assert!(app.drill_view_shown());
    app.update(Action::ShowDrills);
    assert!(!app.drill_view_shown());
    assert_eq!(app.panes.tab, Pane::Drills);
}

#[test]
fn item9_x_asks_before_closing_with_unticked_steps_and_the_drill_finding_is_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    command(&mut app, "drill start root-account-use tabletop");
    perform(&mut app);
    let injected = app
        .drills
        .running
        .as_ref()
        .unwrap()
        .injected
        .clone()
        .unwrap();
    let drill_finding = |app: &App| {
        app.store
            .findings
            .items()
            .iter()
            .find(|f| *f.id == *injected)
            .map(|f| f.workflow_status)
    };
    assert_eq!(drill_finding(&app), Some(WorkflowStatus::New));
    app.update(Action::CloseDrill);
    assert!(app.overlays.confirm.is_some(), "unticked steps: it asks");
    assert!(app.overlays.confirm.as_ref().unwrap().lines[0].contains("not ticked"));
    app.update(Action::Back);
    assert!(
        app.drills.running.is_some(),
        "any other key: the drill goes on"
    );
    app.update(Action::CloseDrill);
    app.update(Action::Copy { link: false });
    assert!(app.drills.running.is_none(), "y closes it");
    perform(&mut app);
    assert_eq!(drill_finding(&app), Some(WorkflowStatus::Resolved));
    assert_eq!(app.drills.history.len(), 1);

    // Every step ticked: no question.
    command(&mut app, "drill start root-account-use tabletop");
    let steps = app.drills.running.as_ref().unwrap().steps.len();
    for _ in 0..steps {
        app.update(Action::Mark);
        app.update(Action::Down);
    }
    app.update(Action::CloseDrill);
    assert!(app.overlays.confirm.is_none());
    assert!(app.drills.running.is_none());
    perform(&mut app);
    assert_eq!(app.drills.history.len(), 2);

    // The past drills are a list: pick one, Enter reads its report, Esc goes back.
    app.update(Action::Down);
    assert_eq!(app.drills.past, 1);
    let id = app.drills.history[1].id.clone();
    app.update(Action::Open);
    perform(&mut app);
    let (shown, lines, _) = app.drills.report.clone().expect("the report");
    assert_eq!(shown, id);
    assert!(lines.iter().any(|l| l.contains(&id)), "{lines:?}");
    app.update(Action::Back);
    assert!(app.drills.report.is_none());
    assert!(app.drill_view_shown());
}

/// Beyond any peer: the coverage matrix. A detection drill's technique reads proven after
/// a drill that missed nothing, missed after one that missed, and assumed until drilled.
#[test]
fn coverage_matrix_from_the_drill_history() {
    use crate::drill::report::{coverage, Past};
    let at = |d: u32| chrono::Utc.with_ymd_and_hms(2026, 11, d, 9, 0, 0).unwrap();
    let past = |id: &str, d: u32, missed: usize, stratus: &str| Past {
        id: id.into(),
        title: id.into(),
        kind: "detection".into(),
        started: at(d),
        detect: None,
        contain: None,
        missed,
        stratus: Some(stratus.into()),
    };
    let history = vec![
        past("a", 20, 1, "aws.defense-evasion.cloudtrail-stop"),
        past("b", 21, 0, "aws.defense-evasion.cloudtrail-stop"),
        past("c", 21, 2, "aws.persistence.iam-backdoor-user"),
    ];
    let c = coverage(&history);
    assert_eq!(c.len(), crate::drill::scenario::SCENARIOS.len());
    let of = |t: &str| c.iter().find(|(x, _)| *x == t).unwrap().1;
    assert_eq!(
        of("aws.defense-evasion.cloudtrail-stop").unwrap().id,
        "b",
        "the latest run"
    );
    assert_eq!(of("aws.persistence.iam-backdoor-user").unwrap().missed, 2);
    assert!(of("aws.execution.ssm-send-command").is_none(), "assumed");
}
