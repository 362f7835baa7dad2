use super::*;
use crate::feed::Update;
use crate::model::asff;
use chrono::TimeZone;
use serde_json::json;

fn app_with(n: usize) -> App {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut app = App::new(Clock::Fixed(now), Settings::default(), Theme::default());
    let findings = (0..n)
        .map(|i| {
            let label = ["LOW", "MEDIUM", "HIGH", "CRITICAL"][i % 4];
            asff::parse_value(&json!({
                "Id": format!("f-{i:03}"),
                "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
                "AwsAccountId": "111111111111",
                "UpdatedAt": format!("2026-11-{:02}T00:00:00Z", 1 + i % 20),
                "Severity": {"Label": label},
                "Title": if i % 10 == 0 { format!("root login {i}") } else { format!("port probe {i}") },
            }))
            .unwrap()
        })
        .collect();
    app.apply(Update::Findings(findings));
    app.update(Action::Resize(80, 24));
    app.refresh_view();
    app
}

#[test]
fn tabs_by_number_and_cycle() {
    let mut app = app_with(10);
    app.update(Action::ShowTab(Pane::PublicAccess));
    assert_eq!(app.panes.tab, Pane::PublicAccess);
    app.update(Action::NextTab);
    assert_eq!(app.panes.tab, Pane::Drills);
    app.update(Action::NextTab);
    assert_eq!(app.panes.tab, Pane::Compliance);
    app.update(Action::NextTab);
    assert_eq!(app.panes.tab, Pane::Findings);
    app.update(Action::PrevTab);
    assert_eq!(app.panes.tab, Pane::Compliance);
    app.update(Action::Overview);
    assert!(app.panes.overview);
    // Keys that mean rows say why they do nothing here; a number leaves for its pane.
    app.update(Action::FilterStart);
    assert!(!app.panes.editing_filter);
    assert!(app.flash.as_ref().unwrap().text.contains("Enter opens"));
    app.update(Action::NextTab);
    assert!(!app.panes.overview);
    assert_eq!(app.panes.tab, Pane::Findings);
    app.update(Action::Overview);
    app.update(Action::ShowTab(Pane::Credentials));
    assert!(!app.panes.overview);
    assert_eq!(app.panes.tab, Pane::Credentials);
}

#[test]
fn enter_on_an_indicator_opens_its_evidence_filtered() {
    let mut app = app_with(40);
    app.update(Action::Overview);
    let list = app.indicators();
    let at = list
        .iter()
        .position(|i| i.label == "Critical findings open")
        .unwrap();
    app.update(Action::Top);
    for _ in 0..at {
        app.update(Action::Down);
    }
    assert_eq!(app.panes.overview_cursor, at);
    app.update(Action::Open);
    assert!(!app.panes.overview);
    assert_eq!(app.panes.tab, Pane::Findings);
    assert_eq!(
        app.view(Pane::Findings).filter_text,
        "sev:critical status:open"
    );
    app.refresh_view();
    assert_eq!(
        app.view(Pane::Findings).rows.len(),
        10,
        "every fourth of 40 is critical"
    );
    // The cursor stops at the ends.
    app.update(Action::Overview);
    app.update(Action::Bottom);
    app.update(Action::Down);
    assert_eq!(app.panes.overview_cursor, list.len() - 1);
    // An indicator that points at the Sources view opens it.
    app.update(Action::Top);
    app.update(Action::Open);
    assert!(app.overlays.sources);
}

#[test]
fn filter_as_you_type_and_escape_restores() {
    let mut app = app_with(100);
    assert_eq!(app.view(Pane::Findings).rows.len(), 100);
    app.update(Action::FilterStart);
    for c in "root".chars() {
        app.update(Action::FilterChar(c));
    }
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).rows.len(), 10);
    app.update(Action::FilterAccept);
    assert!(!app.panes.editing_filter);
    assert_eq!(app.view(Pane::Findings).filter_text, "root");

    // Editing again and cancelling restores "root".
    app.update(Action::FilterStart);
    app.update(Action::FilterChar('x'));
    app.update(Action::FilterCancel);
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).filter_text, "root");
    assert_eq!(app.view(Pane::Findings).rows.len(), 10);

    // Esc outside the filter clears it.
    app.update(Action::Back);
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).rows.len(), 100);
}

#[test]
fn paging_moves_one_screen_and_stays_in_bounds() {
    let mut app = app_with(100);
    let page = crate::ui::layout::table_rows((80, 24), false);
    app.update(Action::PageDown);
    assert_eq!(app.view(Pane::Findings).selected, page);
    app.update(Action::Bottom);
    assert_eq!(app.view(Pane::Findings).selected, 99);
    app.update(Action::Down);
    assert_eq!(app.view(Pane::Findings).selected, 99);
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).offset, 100 - page);
    app.update(Action::Top);
    app.update(Action::PageUp);
    assert_eq!(app.view(Pane::Findings).selected, 0);
}

#[test]
fn sort_cycles_and_reverses() {
    let mut app = app_with(8);
    app.update(Action::SortNext);
    assert_eq!(app.view(Pane::Findings).sort_column, 1);
    assert!(app.flash.as_ref().unwrap().text.contains("title"));
    app.update(Action::SortReverse);
    assert!(app.view(Pane::Findings).reversed);
    for _ in 0..7 {
        app.update(Action::SortNext);
    }
    assert_eq!(
        app.view(Pane::Findings).sort_column,
        0,
        "cycles back to severity"
    );
    assert!(!app.view(Pane::Findings).reversed);
}

#[test]
fn detail_opens_on_the_selected_row_and_scrolls() {
    let mut app = app_with(4);
    app.update(Action::Down);
    let row = app.view(Pane::Findings).selected_row().unwrap();
    app.update(Action::Open);
    let d = app.overlays.detail.as_ref().unwrap();
    assert_eq!(
        d.target,
        DetailTarget {
            pane: Pane::Findings,
            row
        }
    );
    assert!(d.raw_lines.iter().any(|l| l.contains("\"Id\"")));
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.overlays.detail.as_ref().unwrap().scroll, 2);
    app.update(Action::Bottom);
    app.refresh_view();
    let end = app.overlays.detail.as_ref().unwrap().scroll;
    assert!(end > 2 && end < 1000, "clamped to the content: {end}");
    app.update(Action::Up);
    assert_eq!(app.overlays.detail.as_ref().unwrap().scroll, end - 1);
    app.update(Action::Back);
    assert!(app.overlays.detail.is_none());
    assert_eq!(app.view(Pane::Findings).selected_row(), Some(row));
}

#[test]
fn help_closes_on_any_key_without_acting() {
    let mut app = app_with(4);
    app.update(Action::ToggleHelp);
    assert!(app.overlays.help);
    app.update(Action::Back);
    assert!(!app.overlays.help);
    app.update(Action::ToggleHelp);
    app.update(Action::ToggleHelp);
    assert!(!app.overlays.help);
    app.update(Action::Quit);
    assert!(app.should_quit);
}

#[test]
fn clicking_a_tab_label_opens_it() {
    let mut app = app_with(1);
    let (start, _, tab) = crate::ui::layout::tab_ranges(app.size.0)[1];
    app.update(Action::ClickTabBar(start + 1));
    assert_eq!(app.panes.tab, tab);
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::FilterChar(c));
    }
}

fn perform_requests(app: &mut App) {
    for r in std::mem::take(&mut app.outbox.requests) {
        crate::run::effects::perform(app, r);
    }
}

#[test]
fn a_note_on_the_selected_row_is_saved_at_once_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(10);
    app.settings.state_dir = Some(dir.path().join("state"));
    app.settings.user = "alice".into();
    app.update(Action::Down);
    let row = app.view(Pane::Findings).selected_row().unwrap();
    app.update(Action::NoteStart);
    assert!(app.overlays.prompt.is_some());
    type_text(&mut app, "q: called the owner");
    assert!(!app.should_quit, "typing into a note is not a key binding");
    app.update(Action::FilterAccept);
    assert_eq!(app.overlays.prompt, None);
    assert_eq!(
        app.outbox.requests,
        vec![Request::SaveHistory, Request::SaveNotes]
    );
    perform_requests(&mut app);
    let note = app.note_for(Pane::Findings, row).unwrap();
    assert_eq!(
        (note.text.as_str(), note.author.as_str()),
        ("q: called the owner", "alice")
    );
    let saved = crate::model::notes::Notes::load(&dir.path().join("state/notes.json")).unwrap();
    assert_eq!(saved, app.notes, "on disk as soon as Enter is pressed");
    // Editing starts from the note; Esc leaves it as it was; empty text removes it.
    app.update(Action::Open);
    app.update(Action::NoteStart);
    assert_eq!(
        app.overlays.prompt.as_ref().unwrap().text,
        "q: called the owner"
    );
    app.update(Action::FilterBackspace);
    app.update(Action::FilterCancel);
    assert_eq!(
        app.note_for(Pane::Findings, row).unwrap().text,
        "q: called the owner"
    );
    app.update(Action::NoteStart);
    for _ in 0..40 {
        app.update(Action::FilterBackspace);
    }
    app.update(Action::FilterAccept);
    perform_requests(&mut app);
    assert!(app.note_for(Pane::Findings, row).is_none());
    assert!(
        crate::model::notes::Notes::load(&dir.path().join("state/notes.json"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_unreadable_notes_file_is_set_aside_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.json");
    std::fs::write(&path, "{ hand-edited, broken").unwrap();
    let mut app = app_with(3);
    app.settings.state_dir = Some(dir.path().to_path_buf());
    app.notes_unreadable = true;
    app.update(Action::NoteStart);
    type_text(&mut app, "new");
    app.update(Action::FilterAccept);
    perform_requests(&mut app);
    let flash = &app.flash.as_ref().unwrap().text;
    assert!(flash.contains("unreadable old file is kept as"), "{flash}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let aside = names.iter().find(|n| n.contains("unreadable")).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(aside)).unwrap(),
        "{ hand-edited, broken"
    );
    assert_eq!(crate::model::notes::Notes::load(&path).unwrap().len(), 1);
}

#[test]
fn command_mode_runs_commands_and_names_an_unknown_one() {
    let mut app = app_with(5);
    app.update(Action::CommandStart);
    type_text(&mut app, "drills");
    app.update(Action::FilterAccept);
    assert_eq!(app.panes.tab, Pane::Drills);
    app.update(Action::CommandStart);
    type_text(&mut app, "snapshot /tmp/x y.json");
    app.update(Action::FilterAccept);
    app.outbox.requests.retain(|r| *r != Request::SaveHistory);
    assert_eq!(
        app.outbox.requests,
        vec![Request::Snapshot(Some("/tmp/x y.json".into()))]
    );
    app.outbox.requests.clear();
    app.update(Action::Snapshot);
    assert_eq!(app.outbox.requests, vec![Request::Snapshot(None)]);
    app.outbox.requests.clear();
    app.update(Action::CommandStart);
    type_text(&mut app, "frobnicate now");
    app.update(Action::FilterAccept);
    let flash = &app.flash.as_ref().unwrap().text;
    assert!(flash.contains("unknown command `frobnicate`"), "{flash}");
    app.update(Action::CommandStart);
    type_text(&mut app, "quit");
    app.update(Action::FilterCancel);
    assert!(!app.should_quit, "Esc cancels the command");
    app.update(Action::CommandStart);
    type_text(&mut app, "q");
    app.update(Action::FilterAccept);
    assert!(app.should_quit);
}

#[test]
fn without_a_state_directory_a_snapshot_asks_for_a_path() {
    let mut app = app_with(3);
    app.update(Action::Snapshot);
    perform_requests(&mut app);
    assert!(app.flash.as_ref().unwrap().text.contains("give a path"));
}

#[test]
fn a_replayed_snapshot_shows_what_its_author_saw() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = app_with(40);
    first.settings.state_dir = Some(dir.path().to_path_buf());
    first.settings.user = "alice".into();
    // Filter, reverse the sort, select a row further down, note it, open it.
    first.update(Action::FilterStart);
    type_text(&mut first, "probe");
    first.update(Action::FilterAccept);
    first.update(Action::SortNext);
    first.update(Action::SortReverse);
    first.refresh_view();
    for _ in 0..5 {
        first.update(Action::Down);
    }
    let row = first.view(Pane::Findings).selected_row().unwrap();
    let key = first.row_key(Pane::Findings, row).unwrap();
    first.update(Action::NoteStart);
    type_text(&mut first, "escalated to payments on-call");
    first.update(Action::FilterAccept);
    first.update(Action::Open);
    first.update(Action::Down);
    first.update(Action::ShowTab(Pane::Credentials));
    first.update(Action::ShowTab(Pane::Findings));
    first.update(Action::Open);
    first.update(Action::Down);
    first.update(Action::Down);
    first.update(Action::CommandStart);
    let path = dir.path().join("handoff.json");
    type_text(&mut first, &format!("snapshot {}", path.display()));
    first.update(Action::FilterAccept);
    perform_requests(&mut first);
    assert!(path.exists(), "{:?}", first.flash);

    // Another responder, another machine: replay the file into a fresh console.
    let mut second = App::new(first.clock.clone(), Settings::default(), Theme::default());
    second.update(Action::Resize(80, 24));
    crate::source::replay::load(
        std::slice::from_ref(&path),
        first.clock.now(),
        &Default::default(),
        |u| {
            second.apply(u);
            true
        },
    );
    second.refresh_view();
    assert_eq!(second.panes.tab, Pane::Findings);
    assert_eq!(second.view(Pane::Findings).filter_text, "probe");
    assert_eq!(
        (
            second.view(Pane::Findings).sort_column,
            second.view(Pane::Findings).reversed
        ),
        (first.view(Pane::Findings).sort_column, true)
    );
    let selected = second.view(Pane::Findings).selected_row().unwrap();
    assert_eq!(second.row_key(Pane::Findings, selected).unwrap(), key);
    let detail = second
        .overlays
        .detail
        .as_ref()
        .expect("the open detail is open again");
    assert_eq!(
        detail.target,
        DetailTarget {
            pane: Pane::Findings,
            row: selected
        }
    );
    assert_eq!(detail.scroll, 2);
    let note = second.note_for(Pane::Findings, selected).unwrap();
    assert_eq!(note.text, "escalated to payments on-call");
    assert_eq!(note.author, "alice");
    let flash = &second.flash.as_ref().unwrap().text;
    assert!(flash.contains("snapshot by alice"), "{flash}");
    assert_eq!(second.store.findings.len(), first.store.findings.len());
}

#[test]
fn the_cache_mark_goes_once_every_live_source_has_synced() {
    use crate::feed::{SourceHealth, SourceKey, Status};
    let mut app = app_with(3);
    let health = |status| SourceHealth {
        status,
        last_success: None,
        error: None,
        records: 0,
        next_poll: None,
    };
    let key = |account: &str| SourceKey {
        service: "securityhub".into(),
        account_id: Some(account.into()),
        region: Some("us-east-1".into()),
        file: None,
    };
    let cache = SourceKey::service(crate::feed::CACHE);
    app.apply(Update::Health(cache.clone(), health(Status::Stale)));
    app.apply(Update::Health(key("1"), health(Status::Loading)));
    app.apply(Update::Health(key("2"), health(Status::Ok)));
    assert!(
        app.store.sources.contains_key(&cache),
        "one source still loading"
    );
    app.apply(Update::Health(key("1"), health(Status::Ok)));
    assert!(
        !app.store.sources.contains_key(&cache),
        "every source synced"
    );
}

#[test]
fn selection_and_detail_follow_their_finding_when_others_leave() {
    let mut app = app_with(10);
    app.update(Action::Down);
    app.update(Action::Down);
    app.refresh_view();
    let row = app.view(Pane::Findings).selected_row().unwrap();
    let key = app.row_key(Pane::Findings, row).unwrap();
    app.update(Action::Open);
    // Every other finding before it in the table leaves: its row number changes.
    let earlier: Vec<u64> = (0..row)
        .filter_map(|r| app.row_key(Pane::Findings, r))
        .map(|k| crate::model::key::key_hash(&k))
        .collect();
    assert!(
        !earlier.is_empty(),
        "the test needs rows before the selected one"
    );
    app.apply(Update::Gone(crate::feed::Gone::Findings(earlier)));
    app.refresh_view();
    let detail = app.overlays.detail.as_ref().expect("the detail stays open");
    let (_, now_row) = detail.target.pane_and_row();
    assert_eq!(
        app.row_key(Pane::Findings, now_row).as_deref(),
        Some(key.as_str())
    );
    assert_eq!(
        app.row_key(
            Pane::Findings,
            app.view(Pane::Findings).selected_row().unwrap()
        ),
        Some(key.clone())
    );
    // Then it leaves itself: the detail closes and says why.
    app.apply(Update::Gone(crate::feed::Gone::Findings(vec![
        crate::model::key::key_hash(&key),
    ])));
    assert!(app.overlays.detail.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("left its source"));
}

#[test]
fn v_shows_a_summary_whose_lines_open_the_filtered_list() {
    let mut app = crate::run::fixture::demo_app(42, None, Theme::default(), (120, 40));
    app.update(Action::ShowTab(Pane::Compliance));
    app.update(Action::ToggleSummary);
    app.refresh_view();
    assert!(app.summary_shown());
    let summary = app.summary().into_owned();
    assert_eq!(summary.of, "rules");
    app.update(Action::Down);
    assert_eq!(app.panes.summary_cursor, 1);
    app.update(Action::SortNext);
    assert_eq!(
        app.view(Pane::Compliance).sort_column,
        0,
        "no sorting on a summary"
    );
    let rule = summary.rows[1].cells[0].text.clone();
    let total: usize = summary.rows[1].cells[1].text.parse().unwrap();
    app.update(Action::Open);
    app.refresh_view();
    assert!(!app.summary_shown(), "Enter opens the list");
    assert_eq!(
        app.view(Pane::Compliance).filter_text,
        format!("\"{rule}\"")
    );
    assert_eq!(
        app.view(Pane::Compliance).rows.len(),
        total,
        "the list holds what the line counted"
    );
    // `v` goes back, keeping the cursor's pane state; other panes keep their own mode.
    app.update(Action::ToggleSummary);
    assert!(app.summary_shown());
    app.update(Action::ShowTab(Pane::Credentials));
    assert!(!app.summary_shown());
    app.update(Action::ToggleSummary);
    app.refresh_view();
    let accounts = app.summary().rows.len();
    assert_eq!(accounts, app.store.accounts.len());
    app.update(Action::Back);
    assert!(!app.summary_shown(), "Esc leaves the summary for the list");
    // The activity has none, and says where to look instead.
    app.update(Action::ShowTab(Pane::Drills));
    app.update(Action::ToggleSummary);
    assert!(!app.summary_shown());
    assert!(app.flash.as_ref().unwrap().text.contains("no summary"));
}

#[test]
fn findings_group_by_a_command_and_a_group_opens_within_the_filter() {
    let mut app = crate::run::fixture::demo_app(42, None, Theme::default(), (120, 40));
    app.update(Action::ShowTab(Pane::Findings));
    app.update(Action::FilterStart);
    for c in "sev>=high".chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::FilterAccept);
    app.refresh_view();
    let high = app.view(Pane::Findings).rows.len();
    app.update(Action::CommandStart);
    for c in "group prod".chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::Complete);
    assert_eq!(app.overlays.prompt.as_ref().unwrap().text, "group product");
    app.update(Action::FilterAccept);
    app.refresh_view();
    assert!(app.summary_shown());
    let summary = app.summary().into_owned();
    assert_eq!(summary.columns[0], "Product");
    let counted: usize = summary
        .rows
        .iter()
        .map(|r| r.cells[1].text.parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        counted, high,
        "the groups hold exactly the filtered findings"
    );
    let first = summary.rows[0].cells[0].text.clone();
    let in_first: usize = summary.rows[0].cells[1].text.parse().unwrap();
    app.update(Action::Open);
    app.refresh_view();
    assert!(!app.summary_shown());
    assert_eq!(
        app.view(Pane::Findings).filter_text,
        format!("sev>=high product:\"{first}\"")
    );
    assert_eq!(app.view(Pane::Findings).rows.len(), in_first);
    // `s` on the summary changes the grouping.
    app.update(Action::ToggleSummary);
    app.update(Action::SortNext);
    app.refresh_view();
    assert_eq!(
        app.panes.finding_group,
        crate::analysis::summary::GroupBy::Control
    );
    assert_eq!(app.summary().columns[0], "Control");
}

#[test]
fn tab_completes_commands_group_keys_and_filter_fields() {
    assert_eq!(
        complete_command("gr", &[], &[]),
        ("group ".to_string(), vec!["group"])
    );
    let (line, choices) = complete_command("c", &[], &[]);
    assert_eq!(
        line, "c",
        "comment, compliance and credentials share only the c"
    );
    assert_eq!(choices, ["comment", "compliance", "credentials"]);
    let (line, choices) = complete_command("co", &[], &[]);
    assert_eq!(
        (line.as_str(), choices),
        ("com", vec!["comment", "compliance"])
    );
    assert_eq!(complete_command("comp", &[], &[]).0, "compliance ");
    assert_eq!(complete_command("res", &[], &[]).0, "resolve ");
    assert_eq!(
        complete_command("theme hi", &[], &[]).0,
        "theme high-contrast"
    );
    assert_eq!(complete_command("fr", &[], &[]).0, "freeze ");
    assert_eq!(complete_command("ex", &[], &[]).0, "export ");
    assert_eq!(complete_command("drill s", &[], &[]).0, "drill start ");
    assert_eq!(
        complete_command(
            "drill start cloud",
            &[],
            &["cloudtrail-logging-stopped", "crypto"]
        )
        .0,
        "drill start cloudtrail-logging-stopped "
    );
    assert_eq!(complete_command("group r", &[], &[]).0, "group resource");
    assert_eq!(complete_command("snapshot /tm", &[], &[]).0, "snapshot /tm");
    assert_eq!(
        complete_command("view prod-", &["prod-critical", "dev-all"], &[]).0,
        "view prod-critical"
    );
    let fields = ["sev", "acct", "age", "status"];
    assert_eq!(complete_last_word("ssh !se", &fields, ":").0, "ssh !sev:");
    let (line, choices) = complete_last_word("a", &fields, ":");
    assert_eq!((line.as_str(), choices), ("a", vec!["acct", "age"]));
    assert_eq!(complete_last_word("acct:pr", &fields, ":").0, "acct:pr");
}

#[test]
fn f_holds_the_rows_still_while_updates_wait_and_a_removal_thaws() {
    let mut app = app_with(20);
    app.refresh_view();
    let before = app.view(Pane::Findings).rows.clone();
    app.update(Action::Freeze);
    app.refresh_view();
    assert!(app.view(Pane::Findings).is_frozen());
    let newer = asff::parse_value(&json!({
        "Id": "f-new", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111", "UpdatedAt": "2026-11-22T11:59:00Z",
        "Severity": {"Label": "CRITICAL"}, "Title": "brand new"
    }))
    .unwrap();
    app.apply(Update::Findings(vec![newer]));
    app.refresh_view();
    assert_eq!(
        app.view(Pane::Findings).rows,
        before,
        "the new critical waits"
    );
    assert_eq!(app.view(Pane::Findings).waiting, 1);
    // A new filter is asked for explicitly: it applies, and the view stays frozen.
    app.view_mut(Pane::Findings).set_filter("root");
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).rows.len(), 2);
    assert!(app.view(Pane::Findings).is_frozen());
    app.view_mut(Pane::Findings).set_filter("");
    app.update(Action::Freeze);
    app.refresh_view();
    assert!(!app.view(Pane::Findings).is_frozen());
    assert_eq!(
        app.view(Pane::Findings).rows.len(),
        21,
        "unfrozen: the new one is in"
    );
    let top = app.view(Pane::Findings).rows[0];
    assert_eq!(app.store.findings.items()[top as usize].id, "f-new");
    // Rows removed underneath: positions would mean other records, so the freeze ends.
    app.update(Action::Freeze);
    app.refresh_view();
    let gone = crate::store::row_hash(&app.store.findings.items()[0]);
    app.apply(Update::Gone(crate::feed::Gone::Findings(vec![gone])));
    app.refresh_view();
    assert!(!app.view(Pane::Findings).is_frozen());
    assert_eq!(app.view(Pane::Findings).rows.len(), 20);
    assert!(app.flash.as_ref().unwrap().text.contains("unfrozen"));
}

#[test]
fn a_saved_view_sets_pane_filter_sort_and_grouping() {
    let mut app = crate::run::fixture::demo_app(42, None, Theme::default(), (120, 40));
    app.settings.views = vec![crate::config::SavedView {
        name: "prod-critical".into(),
        pane: "findings".into(),
        filter: "sev>=critical acct:prod".into(),
        sort: Some("account".into()),
        reverse: true,
        group: Some("product".into()),
    }];
    app.update(Action::CommandStart);
    for c in "view prod".chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::Complete);
    app.update(Action::FilterAccept);
    app.refresh_view();
    assert!(!app.panes.overview);
    assert_eq!(app.panes.tab, Pane::Findings);
    assert_eq!(
        app.view(Pane::Findings).filter_text,
        "sev>=critical acct:prod"
    );
    assert_eq!(
        Pane::Findings.sort_names()[app.view(Pane::Findings).sort_column],
        "account"
    );
    assert!(app.view(Pane::Findings).reversed);
    assert!(app.summary_shown());
    assert_eq!(
        app.panes.finding_group,
        crate::analysis::summary::GroupBy::Product
    );
    app.update(Action::CommandStart);
    for c in "view nope".chars() {
        app.update(Action::FilterChar(c));
    }
    app.update(Action::FilterAccept);
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        "no view `nope`: prod-critical"
    );
}

/// A clipboard sink the test can read after the app wrote to it.
#[derive(Clone, Default)]
struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn y_copies_the_arn_and_shift_y_the_console_link_through_osc_52() {
    let mut app = app_with(5);
    app.update(Action::ShowTab(Pane::Findings));
    app.refresh_view();
    let sink = Sink::default();
    app.terminal_out = Some(Box::new(sink.clone()));
    app.update(Action::Copy { link: false });
    for r in std::mem::take(&mut app.outbox.requests) {
        crate::run::effects::perform(&mut app, r);
    }
    let row = app.view(Pane::Findings).selected_row().unwrap();
    let id = app.store.findings.items()[row as usize].id.clone();
    assert_eq!(
        *sink.0.lock().unwrap(),
        crate::ui::clipboard::osc52(&id, false)
    );
    // OSC 52 has no answer: the message says it was sent, not that it arrived.
    assert!(app.flash.as_ref().unwrap().text.starts_with("sent "));
    sink.0.lock().unwrap().clear();
    app.update(Action::Open);
    app.update(Action::Copy { link: true });
    for r in std::mem::take(&mut app.outbox.requests) {
        crate::run::effects::perform(&mut app, r);
    }
    let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(out.starts_with("\u{1b}]52;c;"), "{out:?}");
    // The activity has no console link: it says so, and nothing is written.
    app.update(Action::Back);
    app.update(Action::ShowTab(Pane::Drills));
    app.update(Action::Copy { link: true });
    assert!(!app
        .outbox
        .requests
        .iter()
        .any(|r| matches!(r, Request::Copy(_))));
}

#[test]
fn slash_in_a_detail_finds_text_in_the_raw_json_and_enter_goes_on() {
    let mut app = app_with(5);
    app.update(Action::ShowTab(Pane::Findings));
    app.refresh_view();
    app.update(Action::Open);
    let find = |app: &mut App, text: &str| {
        app.update(Action::FilterStart);
        assert_eq!(
            app.overlays.prompt.as_ref().unwrap().kind,
            PromptKind::Search
        );
        app.overlays.prompt.as_mut().unwrap().text.clear();
        for c in text.chars() {
            app.update(Action::FilterChar(c));
        }
        app.update(Action::FilterAccept);
        app.flash.as_ref().unwrap().text.clone()
    };
    let raw = app.overlays.detail.as_ref().unwrap().raw_lines.clone();
    let hits = raw
        .iter()
        .filter(|l| l.to_lowercase().contains("\"id\""))
        .count();
    assert!(hits >= 1);
    assert_eq!(find(&mut app, "\"ID\""), format!("match 1 of {hits}"));
    let d = app.overlays.detail.as_ref().unwrap();
    let total = app.detail_len(d);
    let first_raw = total - d.raw_lines.len();
    assert!(d.raw_lines[d.scroll - first_raw].contains("\"Id\""));
    // `/` opens with the last text: Enter alone goes on (and wraps).
    app.update(Action::FilterStart);
    assert_eq!(app.overlays.prompt.as_ref().unwrap().text, "\"ID\"");
    app.update(Action::FilterAccept);
    let second = if hits > 1 { 2 } else { 1 };
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        format!("match {second} of {hits}")
    );
    assert_eq!(
        find(&mut app, "no such text"),
        "`no such text` is not in the raw JSON"
    );
    assert!(app.overlays.detail.is_some(), "the detail stays open");
}

#[test]
fn findings_updated_since_the_operator_last_looked_are_new_until_seen() {
    use ratatui::{backend::TestBackend, Terminal};
    let title = |app: &mut App| {
        app.refresh_view();
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| crate::ui::render(f, app)).unwrap();
        let screen = terminal.backend().to_string();
        screen.lines().nth(2).unwrap_or("").to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(10);
    app.settings.state_dir = Some(dir.path().to_path_buf());
    app.update(Action::ShowTab(Pane::Findings));
    assert_eq!(
        app.new_since(),
        None,
        "nothing was ever seen: nothing is new"
    );
    assert!(!title(&mut app).contains("new"));
    // Leaving the pane marks what it held as seen, and saves it.
    app.update(Action::ShowTab(Pane::Credentials));
    for r in std::mem::take(&mut app.outbox.requests) {
        crate::run::effects::perform(&mut app, r);
    }
    let newest = app.store.newest_finding_update();
    assert!(newest.is_some());
    assert_eq!(app.new_since(), newest);
    let saved =
        crate::model::watermarks::Watermarks::load(&crate::model::watermarks::path_in(dir.path()));
    assert_eq!(saved.unwrap().get("findings"), newest);
    let later = asff::parse_value(&json!({
        "Id": "f-later", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111111111111", "UpdatedAt": "2026-11-22T11:00:00Z",
        "Severity": {"Label": "LOW"}, "Title": "arrived while away"
    }))
    .unwrap();
    app.apply(Update::Findings(vec![later]));
    app.update(Action::ShowTab(Pane::Findings));
    assert!(
        title(&mut app).contains("1 new (N: seen)"),
        "{}",
        title(&mut app)
    );
    app.update(Action::MarkSeen);
    assert!(!title(&mut app).contains("new"));
    // A saved view keeps its own mark while its filter is on.
    app.settings.views = vec![crate::config::SavedView {
        name: "probes".into(),
        pane: "findings".into(),
        filter: "probe".into(),
        sort: None,
        reverse: false,
        group: None,
    }];
    app.run_command("view probes");
    assert_eq!(app.watermark_key(Pane::Findings), "view:probes");
    assert_eq!(app.new_since(), None);
    app.view_mut(Pane::Findings).set_filter("probe 1");
    assert_eq!(app.watermark_key(Pane::Findings), "findings");
}

#[test]
fn export_theme_and_freeze_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(12);
    app.settings.state_dir = Some(dir.path().to_path_buf());
    let run = |app: &mut App, line: &str| {
        app.update(Action::CommandStart);
        type_text(app, line);
        app.update(Action::FilterAccept);
        perform_requests(app);
    };
    run(&mut app, "export");
    let exports: Vec<_> = std::fs::read_dir(dir.path().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(exports.len(), 1);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&exports[0]).unwrap()).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 12);
    let csv = dir.path().join("out/findings.csv");
    run(&mut app, &format!("export {}", csv.display()));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 13, "a header and a line per finding");
    assert!(app.flash.as_ref().unwrap().text.contains("findings as CSV"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&csv).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    run(&mut app, "theme light");
    if !crate::theme::no_color_from_env() {
        assert_eq!(app.theme.name, "light");
    }
    run(&mut app, "theme nope");
    assert!(
        app.flash.as_ref().unwrap().text.contains("dark"),
        "the error lists the themes"
    );

    run(&mut app, "freeze");
    assert!(app.view(Pane::Findings).is_frozen());
    run(&mut app, "freeze");
    assert!(!app.view(Pane::Findings).is_frozen());
}
