use super::*;
use crate::feed::Update;
use crate::model::asff;
use chrono::TimeZone;
use serde_json::json;

pub(super) fn app_with(n: usize) -> App {
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

pub(super) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::FilterChar(c));
    }
}

pub(super) fn perform_requests(app: &mut App) {
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

/// A public bucket that anyone may read, last updated `days` after 1970.
fn dated_exposure(id: &str, days: i64) -> crate::model::Exposure {
    crate::model::Exposure {
        actions: vec!["s3:GetObject".into()],
        updated_at: chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(days),
        ..crate::test_support::exposure(id, true, None)
    }
}

/// The ids of the public-access pane's rows, in its order.
fn exposure_ids(app: &App) -> Vec<&str> {
    let rows = &app.view(Pane::PublicAccess).rows;
    let items = app.store.exposures.items();
    rows.iter()
        .map(|&r| items[r as usize].id.as_str())
        .collect()
}

/// Macie found sensitive data in the bucket "data".
fn macie_on_data() -> crate::model::Finding {
    asff::parse_value(&json!({
        "Id": "m", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/macie",
        "ProductName": "Macie", "AwsAccountId": "111111111111",
        "UpdatedAt": "2026-11-22T00:00:00Z", "Severity": {"Label": "HIGH"}, "Title": "PII",
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::data"}]
    }))
    .unwrap()
}

#[test]
fn a_macie_finding_moves_the_exposure_it_marks_to_the_top() {
    let mut app = app_with(3);
    // Newest first when nothing is marked: "data" is last.
    app.apply(Update::Exposures(vec![
        dated_exposure("data", 1),
        dated_exposure("logs", 2),
        dated_exposure("site", 3),
    ]));
    app.update(Action::ShowTab(Pane::PublicAccess));
    app.refresh_view();
    let first = |app: &App| {
        let v = app.view(Pane::PublicAccess);
        app.store.exposures.items()[v.rows[0] as usize].id.clone()
    };
    assert_eq!(first(&app), "site");
    // Sensitive data found in "data": its exposure (not written again) goes first.
    app.apply(Update::Findings(vec![macie_on_data()]));
    app.refresh_view();
    assert_eq!(first(&app), "data");
    // A new exposure written meanwhile is placed by the marks too, without a full sort.
    app.apply(Update::Exposures(vec![dated_exposure("newest", 9)]));
    app.refresh_view();
    assert_eq!(exposure_ids(&app), ["data", "newest", "site", "logs"]);
}

/// The marks follow the exposures and the Macie findings as they land, while another pane
/// is shown: the first look at public access finds them worked out, and a Macie finding
/// that arrived meanwhile has put its exposure first.
#[test]
fn the_marks_follow_each_batch_while_another_pane_is_shown() {
    use crate::store::related::ExposureMarks;
    let mut app = app_with(3);
    let current =
        |app: &App| app.marks.as_ref().map(|m| m.0) == Some(ExposureMarks::inputs(&app.store));
    app.apply(Update::Exposures(vec![
        dated_exposure("data", 1),
        dated_exposure("site", 3),
    ]));
    app.after_updates();
    assert!(current(&app), "worked out as the exposures landed");
    app.update(Action::ShowTab(Pane::PublicAccess));
    app.refresh_view();
    app.update(Action::ShowTab(Pane::Findings));
    app.apply(Update::Findings(vec![macie_on_data()]));
    app.apply(Update::Exposures(vec![dated_exposure("logs", 2)]));
    app.after_updates();
    assert!(
        current(&app),
        "caught up with the Macie finding and the new row"
    );
    let marks = app.marks.as_ref().map(|m| m.1.scores().to_vec());
    assert_eq!(marks, Some(ExposureMarks::of(&app.store).scores().to_vec()));
    app.refresh_view();
    app.update(Action::ShowTab(Pane::PublicAccess));
    app.refresh_view();
    assert_eq!(exposure_ids(&app), ["data", "site", "logs"]);
}
