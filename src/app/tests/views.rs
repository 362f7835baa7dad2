//! The list views in the app: selection that follows its record, summaries and grouping,
//! completion, freezing, saved views, copying, searching the raw record, the rows new
//! since the operator last looked and the command line's export, theme and freeze.

use super::tests::*;
use super::*;
use crate::feed::Update;
use crate::model::asff;
use serde_json::json;

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
    assert_eq!(
        app.store.findings.items()[top as usize].id.as_ref(),
        "f-new"
    );
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
    // More arrive; a filter counts the new rows it keeps; a frozen view counts the rows
    // it holds.
    let arriving = |id: &str, title: &str, at: &str| {
        asff::parse_value(&json!({
            "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "AwsAccountId": "111111111111", "UpdatedAt": at,
            "Severity": {"Label": "LOW"}, "Title": title
        }))
        .unwrap()
    };
    app.apply(Update::Findings(vec![
        arriving(
            "f-later-2",
            "arrived while away too",
            "2026-11-22T11:01:00Z",
        ),
        arriving("f-other", "something else", "2026-11-22T11:02:00Z"),
    ]));
    assert!(
        title(&mut app).contains("3 new (N: seen)"),
        "{}",
        title(&mut app)
    );
    app.view_mut(Pane::Findings).set_filter("arrived");
    assert!(
        title(&mut app).contains("2 new (N: seen)"),
        "{}",
        title(&mut app)
    );
    // Frozen: a held row updated in place becomes new and is counted; a new row waits.
    app.view_mut(Pane::Findings).set_filter("");
    assert!(
        title(&mut app).contains("3 new (N: seen)"),
        "{}",
        title(&mut app)
    );
    app.update(Action::Freeze);
    app.refresh_view();
    let mut held = app
        .store
        .findings
        .items()
        .iter()
        .find(|f| &*f.id == "f-001")
        .unwrap()
        .clone();
    held.updated_at = chrono::DateTime::parse_from_rfc3339("2026-11-22T11:04:00Z")
        .unwrap()
        .to_utc();
    app.apply(Update::Findings(vec![
        held,
        arriving(
            "f-held-back",
            "arrived while frozen",
            "2026-11-22T11:03:00Z",
        ),
    ]));
    assert!(
        title(&mut app).contains("4 new (N: seen)"),
        "{}",
        title(&mut app)
    );
    app.update(Action::Freeze);
    assert!(
        title(&mut app).contains("5 new (N: seen)"),
        "{}",
        title(&mut app)
    );
    app.view_mut(Pane::Findings).set_filter("");
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
