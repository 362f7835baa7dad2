//! Whole-screen snapshots of every pane, the detail views and the help overlay, at 80x24
//! and 160x48, on the demo organization with a fixed seed and clock. Review a changed
//! snapshot like code: `cargo insta review`.

use rampart::app::{Action, App, Pane};
use rampart::run::fixture::demo_app;
use rampart::theme::Theme;
use rampart::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn draw(app: &mut App) -> String {
    app.refresh_view();
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::render(f, app)).unwrap();
    terminal.backend().to_string()
}

fn app(size: (u16, u16)) -> App {
    demo_app(42, None, Theme::default(), size)
}

#[test]
fn panes() {
    for size in SIZES {
        for tab in Pane::ALL {
            let mut app = app(size);
            app.update(Action::ShowTab(tab));
            let name = format!(
                "{}_{}x{}",
                tab.title().replace(' ', "_").to_lowercase(),
                size.0,
                size.1
            );
            insta::assert_snapshot!(name, draw(&mut app));
        }
    }
}

/// The overview on the demo organization, with a few minutes of trend, and its cursor on
/// an indicator further down.
#[test]
fn overview() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Overview);
        draw(&mut app);
        for _ in 0..3 {
            app.update(Action::Down);
        }
        insta::assert_snapshot!(format!("overview_{}x{}", size.0, size.1), draw(&mut app));
    }
}

/// Issue 21 item 1: the grid selected, its cursor a region to the right and an account
/// down (at 80 columns the grid takes the screen while it has the keys).
#[test]
fn overview_grid_selected() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Overview);
        for action in [Action::Right, Action::Right, Action::Down] {
            app.update(action);
        }
        insta::assert_snapshot!(
            format!("overview_grid_{}x{}", size.0, size.1),
            draw(&mut app)
        );
    }
}

#[test]
fn finding_detail() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Open);
        insta::assert_snapshot!(
            format!("finding_detail_{}x{}", size.0, size.1),
            draw(&mut app)
        );
    }
}

#[test]
fn detail_views_of_other_panes() {
    for size in SIZES {
        for tab in [
            Pane::Credentials,
            Pane::PublicAccess,
            Pane::Drills,
            Pane::Compliance,
        ] {
            let mut app = app(size);
            app.update(Action::ShowTab(tab));
            app.refresh_view();
            app.update(Action::Open);
            let name = format!(
                "{}_detail_{}x{}",
                tab.title().replace(' ', "_").to_lowercase(),
                size.0,
                size.1
            );
            insta::assert_snapshot!(name, draw(&mut app));
        }
    }
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::ToggleHelp);
        insta::assert_snapshot!(format!("help_{}x{}", size.0, size.1), draw(&mut app));
    }
}

#[test]
fn filter_with_a_parse_error_keeps_the_last_good_filter() {
    let mut app = app((80, 24));
    app.update(Action::FilterStart);
    for c in "guardduty \"ssh".chars() {
        app.update(Action::FilterChar(c));
    }
    insta::assert_snapshot!("filter_error_80x24", draw(&mut app));
}

#[test]
fn sorted_by_account_reversed() {
    let mut app = app((80, 24));
    app.update(Action::SortNext);
    app.update(Action::SortNext);
    app.update(Action::SortReverse);
    insta::assert_snapshot!("findings_by_account_reversed_80x24", draw(&mut app));
}

/// A note being typed (status line), then the saved note at the top of the detail view.
#[test]
fn a_note_in_the_prompt_and_on_the_detail() {
    let mut app = app((80, 24));
    app.settings.user = "alice".into();
    app.update(Action::Open);
    app.update(Action::NoteStart);
    for c in "paged payments on-call; key AKIA… disabled 12:10Z".chars() {
        app.update(Action::FilterChar(c));
    }
    insta::assert_snapshot!("note_prompt_80x24", draw(&mut app));
    app.update(Action::FilterAccept);
    app.outbox.requests.clear();
    app.flash = None;
    insta::assert_snapshot!("finding_detail_with_note_80x24", draw(&mut app));
}

/// The sources overlay (`i`): failed and stale feeds first, with their errors in words.
#[test]
fn sources_overlay() {
    use rampart::feed::{SourceHealth, SourceKey, Status, Update};
    let at = rampart::run::fixture::fixed_now();
    for size in SIZES {
        let mut app = app(size);
        let key = |service: &str, account: &str, region: &str| SourceKey {
            service: service.into(),
            account_id: Some(account.into()),
            region: Some(region.into()),
            file: None,
        };
        let health =
            |status, minutes_ago: Option<i64>, error: Option<&str>, records| SourceHealth {
                status,
                last_success: minutes_ago.map(|m| at - chrono::Duration::minutes(m)),
                error: error.map(str::to_string),
                records,
                next_poll: None,
            };
        let feeds = [
            (key("securityhub", "111111111111", "us-east-1"), health(Status::Ok, Some(1), None, 1204)),
            (key("securityhub", "222222222222", "eu-west-1"), health(Status::Failed, Some(17), Some("throttled"), 88)),
            (key("securityhub", "333333333333", "us-east-1"), health(Status::Failed, None, Some("access denied: the credentials lack securityhub:GetFindings"), 0)),
            (key("securityhub", "444444444444", "ap-south-1"), health(Status::NotEnabled, None, Some("not enabled: Account 444444444444 is not subscribed to AWS Security Hub"), 0)),
            (key("cloudtrail", "111111111111", "us-east-1"), health(Status::Ok, Some(0), Some("trail not logging: old-trail"), 3120)),
            (key("accessanalyzer", "111111111111", "eu-west-1"), health(Status::NotEnabled, None, Some("not enabled: no active external access analyzer in this region"), 0)),
            (key("sts", "555555555555", "us-east-1"), health(Status::Failed, None, Some("credentials: profile prod-audit: the SSO session token has expired; run `aws sso login --profile prod-audit`"), 0)),
        ];
        for (k, mut h) in feeds {
            if h.status != Status::NotEnabled {
                h.next_poll = Some(at + chrono::Duration::minutes(1));
            }
            app.apply(Update::Health(k, h));
        }
        app.update(Action::ToggleSources);
        insta::assert_snapshot!(format!("sources_{}x{}", size.0, size.1), draw(&mut app));
        app.update(Action::Down);
        assert!(!app.overlays.sources, "any key closes it");
    }
}

#[test]
fn summaries() {
    for size in SIZES {
        for tab in [
            Pane::Findings,
            Pane::Credentials,
            Pane::PublicAccess,
            Pane::Compliance,
        ] {
            let mut app = app(size);
            app.update(Action::ShowTab(tab));
            app.update(Action::ToggleSummary);
            app.update(Action::Down);
            let name = format!(
                "{}_summary_{}x{}",
                tab.title().replace(' ', "_").to_lowercase(),
                size.0,
                size.1
            );
            insta::assert_snapshot!(name, draw(&mut app));
        }
    }
}

#[test]
fn columns_chosen_in_the_config() {
    let mut app = app((80, 24));
    app.settings.columns.insert(
        "findings".into(),
        vec!["Sev".into(), "Title".into(), "Updated".into()],
    );
    app.update(Action::ShowTab(Pane::Findings));
    insta::assert_snapshot!("findings_chosen_columns_80x24", draw(&mut app));
}

/// Answers the app's CloudTrail lookups as the demo's CloudTrail does.
fn answer_lookups(app: &mut App) {
    use rampart::feed::{Command, Update};
    use rampart::source::simulated::activity;
    for command in std::mem::take(&mut app.outbox.commands) {
        if let Command::Lookup(lookup) = command {
            let events: Vec<_> = activity::about(42, &lookup)
                .iter()
                .filter_map(activity::parse)
                .collect();
            let looked = rampart::model::lookup::Looked {
                id: lookup.id,
                event_ids: events.iter().map(|e| e.event_id.clone()).collect(),
                error: None,
                offline: None,
            };
            app.apply(Update::Events(events));
            app.apply(Update::Looked(looked));
        }
    }
}

/// The CloudTrail timeline around a finding (`t` in its detail), the demo's CloudTrail
/// answering; at the large size the second event is expanded to its JSON.
#[test]
fn timeline() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Open);
        app.update(Action::Timeline);
        assert_eq!(
            app.outbox.commands.len(),
            1,
            "the timeline asks the sources"
        );
        insta::assert_snapshot!(
            format!("timeline_asking_{}x{}", size.0, size.1),
            draw(&mut app)
        );
        answer_lookups(&mut app);
        app.update(Action::Down);
        if size.0 > 80 {
            app.update(Action::Open);
        }
        insta::assert_snapshot!(format!("timeline_{}x{}", size.0, size.1), draw(&mut app));
    }
}

fn command(app: &mut App, line: &str) {
    app.update(Action::CommandStart);
    for c in line.chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::FilterAccept);
}

/// Triage: four findings marked, `:resolve NOTE`, the confirmation naming the count, the
/// accounts, the read-only ones left out and the change; after `y` the rows pending and
/// the detail saying so.
#[test]
fn triage_confirmation_and_pending() {
    let mut app = app((80, 24));
    app.settings.writes = rampart::model::triage::WritePolicy {
        allowed: true,
        read_only: vec!["prod-*".into()],
        state_dir: None,
    };
    app.settings.user = "alice".into();
    for _ in 0..6 {
        app.update(Action::Mark);
    }
    command(&mut app, "resolve false positive: the pen test window");
    assert!(app.overlays.confirm.is_some());
    insta::assert_snapshot!("triage_confirm_80x24", draw(&mut app));
    app.update(Action::Copy { link: false });
    assert!(app.overlays.confirm.is_none());
    insta::assert_snapshot!("triage_pending_80x24", draw(&mut app));
    app.update(Action::Top);
    app.update(Action::Open);
    app.flash = None;
    insta::assert_snapshot!("triage_pending_detail_80x24", draw(&mut app));
}

/// `r` on the first finding: its runbook from the top, then with its second command
/// selected (`j` twice).
#[test]
fn runbook() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Runbook);
        assert!(
            app.overlays.runbook.is_some(),
            "the first finding has a runbook"
        );
        insta::assert_snapshot!(format!("runbook_{}x{}", size.0, size.1), draw(&mut app));
        app.update(Action::Down);
        app.update(Action::Down);
        insta::assert_snapshot!(
            format!("runbook_command_{}x{}", size.0, size.1),
            draw(&mut app)
        );
    }
}

/// The drill view (`d` on the Drills pane): without a drill (scenarios, empty history),
/// then a detection drill with its first step ticked.
#[test]
fn drill_view() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::ShowTab(Pane::Drills));
        app.update(Action::DrillView);
        insta::assert_snapshot!(format!("drill_idle_{}x{}", size.0, size.1), draw(&mut app));
        command(&mut app, "drill start cloudtrail-logging-stopped");
        app.update(Action::Mark);
        app.outbox.commands.clear();
        app.outbox.requests.clear();
        app.flash = None;
        insta::assert_snapshot!(
            format!("drill_running_{}x{}", size.0, size.1),
            draw(&mut app)
        );
    }
}

/// The demo's overview, walked from the first indicator to the last: every question
/// SEC1..SEC11 is on screen at some point and no indicator reads "not polled"; the end of
/// the list, where SEC11 is, is kept as a snapshot.
#[test]
fn overview_shows_every_question_and_nothing_unpolled() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Overview);
        let count = app.indicators().len();
        let mut seen = String::new();
        for _ in 0..count {
            seen.push_str(&draw(&mut app));
            app.update(Action::Down);
        }
        for n in 1..=11 {
            assert!(
                seen.contains(&format!("SEC{n} ")),
                "SEC{n} never shown at {size:?}"
            );
        }
        assert!(!seen.contains("not polled"), "{seen}");
        let questions = app.questions(&app.indicators());
        assert_eq!(questions.len(), 11);
        assert!(questions.iter().all(|q| !q.indicators.is_empty()));
        insta::assert_snapshot!(
            format!("overview_last_question_{}x{}", size.0, size.1),
            draw(&mut app)
        );
    }
}

/// Issue 21 item 7: GuardDuty findings lead with what happened and on what; the detail
/// summarises GuardDuty's action above the raw JSON.
#[test]
fn guardduty_titles_and_action() {
    for size in SIZES {
        let mut app = app(size);
        command(&mut app, "");
        app.update(Action::FilterStart);
        for c in "InstanceCredentialExfiltration".chars() {
            app.update(Action::FilterChar(c));
        }
        app.update(Action::FilterAccept);
        insta::assert_snapshot!(
            format!("guardduty_list_{}x{}", size.0, size.1),
            draw(&mut app)
        );
        app.update(Action::Open);
        insta::assert_snapshot!(
            format!("guardduty_detail_{}x{}", size.0, size.1),
            draw(&mut app)
        );
    }
}

/// A Well-Architected answer that the evidence contradicts is flagged on the overview.
#[test]
fn overview_flags_an_answer_the_evidence_contradicts() {
    let mut app = app((160, 48));
    app.update(Action::Overview);
    let screen = draw(&mut app);
    assert!(screen.contains("answers disagree"), "{screen}");
    assert!(
        screen.contains("≠ SEC3 WA payments-platform: answered \"Grant least privilege access\""),
        "{screen}"
    );
}

/// Enter on "Standing admin access" lists who holds it, where and how.
#[test]
fn standing_admin_access_opens_its_list() {
    for size in SIZES {
        let mut app = app(size);
        app.update(Action::Overview);
        let at = app
            .indicators()
            .iter()
            .position(|i| i.label == "Standing admin access")
            .unwrap();
        for _ in 0..at {
            app.update(Action::Down);
        }
        app.update(Action::Open);
        assert!(app.overlays.standing);
        let screen = draw(&mut app);
        assert!(screen.contains("PlatformAdmins"), "{screen}");
        insta::assert_snapshot!(format!("standing_{}x{}", size.0, size.1), draw(&mut app));
        app.update(Action::Back);
        assert!(!app.overlays.standing);
    }
}
