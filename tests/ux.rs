//! Issue 21 items 1 to 5 on the demo organization: what an indicator counts is what its
//! evidence lists, every flag a pane shows filters, open means open, a filter typo never
//! changes the rows, and prompts edit like a shell. Each test is named for its item.

use rampart::app::line::Edit;
use rampart::app::{Action, App, Pane};
use rampart::run::fixture::demo_app;
use rampart::theme::Theme;

fn app() -> App {
    let mut app = demo_app(42, None, Theme::default(), (160, 48));
    app.refresh_view();
    app
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::FilterChar(c));
    }
}

fn filter(app: &mut App, tab: Pane, text: &str) -> usize {
    app.update(Action::ShowTab(tab));
    app.view_mut(tab).set_filter(text);
    app.refresh_view();
    assert!(
        app.view(tab).filter_error.is_none(),
        "{text}: {:?}",
        app.view(tab).filter_error
    );
    app.view(tab).rows.len()
}

/// The number an indicator shows, when it is a count.
fn count(value: &str) -> Option<usize> {
    value.parse().ok()
}

#[test]
fn issue21_item1_every_counted_indicator_opens_exactly_its_rows() {
    let mut app = app();
    let list = app.indicators();
    let mut checked = 0;
    for (i, ind) in list.iter().enumerate() {
        let Some(ev) = &ind.evidence else { continue };
        let Some(n) = count(&ind.value) else { continue };
        if ev.pane == "sources" {
            continue;
        }
        app.update(Action::Overview);
        app.panes.overview_cursor = i;
        app.update(Action::Open);
        app.refresh_view();
        let tab = app.panes.tab;
        assert_eq!(Some(tab), Pane::from_id(ev.pane));
        let view = app.view(tab);
        assert_eq!(
            view.filter_text, ev.filter,
            "{}: the filter is shown",
            ind.label
        );
        assert!(
            view.filter_error.is_none(),
            "{}: {:?}",
            ind.label,
            view.filter_error
        );
        assert_eq!(view.rows.len(), n, "{}: {} counted", ind.label, ind.value);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} indicators checked");
    // The critical count is the header's: open critical findings.
    let header = app
        .store
        .counts()
        .severity(rampart::model::Severity::Critical);
    let crit = list
        .iter()
        .find(|i| i.label == "Critical findings open")
        .unwrap();
    assert_eq!(crit.value, header.to_string());
}

#[test]
fn issue21_item1_the_grid_is_selectable_scrolls_and_opens_an_account_region() {
    let mut app = app();
    app.update(Action::Overview);
    let grid = app.posture_grid();
    assert!(grid.regions.len() > 1 && grid.accounts.len() > 1);
    app.update(Action::Right);
    assert_eq!(app.panes.grid_cursor, Some((0, 0)));
    // Every region can be reached, past the last one that fits.
    for _ in 0..grid.regions.len() + 3 {
        app.update(Action::Right);
    }
    let last = grid.regions.len() - 1;
    assert_eq!(app.panes.grid_cursor, Some((0, last)));
    app.update(Action::Down);
    let account = grid.accounts[1].clone();
    let region = grid.regions[last].clone();
    let cell = grid.cells.get(&(account.clone(), region.clone())).copied();
    app.update(Action::Open);
    app.refresh_view();
    assert_eq!(app.panes.tab, Pane::Findings);
    let v = app.view(Pane::Findings);
    assert_eq!(
        v.filter_text,
        format!("acct={account} region={region} status:open")
    );
    assert_eq!(v.rows.len(), cell.map_or(0, |c| c.open));
    // The cell's first number is the worst severity's count, as the header counts it.
    if let Some(c) = cell {
        let worst = v
            .rows
            .iter()
            .filter(|&&r| app.store.findings.get(r).unwrap().severity == c.worst)
            .count();
        assert_eq!(worst, c.worst_open);
    }
    // Left of the first region goes back to the indicators.
    app.update(Action::Overview);
    for _ in 0..grid.regions.len() + 1 {
        app.update(Action::Left);
    }
    assert_eq!(app.panes.grid_cursor, None);
}

#[test]
fn issue21_item2_every_flag_a_pane_shows_filters() {
    let mut app = app();
    let now = app.clock.now();
    let limits = app.settings.thresholds;
    for flag in rampart::model::CredentialRisk::NAMES {
        let want = app
            .store
            .credentials
            .items()
            .iter()
            .filter(|c| c.risks(now, limits).labels().any(|l| l == *flag))
            .count();
        assert_eq!(
            filter(&mut app, Pane::Credentials, &format!("risk:{flag}")),
            want,
            "{flag}"
        );
    }
    let marks = app.exposure_marks().into_owned();
    for flag in rampart::store::fields::MARK_NAMES {
        let want = app
            .store
            .exposures
            .items()
            .iter()
            .filter(|e| marks.flags(e, &app.store.accounts).contains(flag))
            .count();
        let got = filter(&mut app, Pane::PublicAccess, &format!("mark:{flag}"));
        assert_eq!(got, want, "{flag}");
    }
    // Negated and in lists.
    let all = filter(&mut app, Pane::Credentials, "");
    let no_mfa = filter(&mut app, Pane::Credentials, "risk:no-mfa");
    assert!(no_mfa > 0);
    assert_eq!(
        filter(&mut app, Pane::Credentials, "!risk:no-mfa"),
        all - no_mfa
    );
}

#[test]
fn issue21_item2_summaries_count_the_filtered_rows() {
    let mut app = app();
    filter(&mut app, Pane::Credentials, "");
    app.update(Action::ToggleSummary);
    let all = app.summary().into_owned();
    app.update(Action::ToggleSummary);
    filter(&mut app, Pane::Credentials, "risk:no-mfa");
    app.update(Action::ToggleSummary);
    app.refresh_view();
    let some = app.summary().into_owned();
    assert_ne!(format!("{:?}", all.rows), format!("{:?}", some.rows));
}

#[test]
fn issue21_item2_an_unknown_field_names_the_nearest() {
    let mut app = app();
    app.update(Action::ShowTab(Pane::Credentials));
    app.view_mut(Pane::Credentials).set_filter("rsik:old-key");
    let e = app.view(Pane::Credentials).filter_error.clone().unwrap();
    assert!(e.message.contains("did you mean `risk`?"), "{e}");
    app.view_mut(Pane::Credentials).set_filter("risk:old-keys");
    let e = app.view(Pane::Credentials).filter_error.clone().unwrap();
    assert!(e.message.contains("did you mean `old-key`?"), "{e}");
    // A word with a colon in the data stays a word.
    app.view_mut(Pane::Credentials).set_filter("arn:aws:iam");
    assert!(app.view(Pane::Credentials).filter_error.is_none());
}

#[test]
fn issue21_item3_findings_show_open_by_default_and_o_shows_all() {
    let mut app = app();
    let open = app
        .store
        .findings
        .items()
        .iter()
        .filter(|f| f.is_open())
        .count();
    let all = app.store.findings.len();
    assert!(open < all, "the demo has closed findings");
    assert_eq!(app.view(Pane::Findings).rows.len(), open);
    app.update(Action::ToggleOpen);
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).rows.len(), all);
    app.update(Action::ToggleOpen);
    app.refresh_view();
    assert_eq!(app.view(Pane::Findings).rows.len(), open);
    // status:open is the same predicate, and lists of values are either.
    app.update(Action::ToggleOpen);
    assert_eq!(filter(&mut app, Pane::Findings, "status:open"), open);
    let new = filter(&mut app, Pane::Findings, "status:new");
    let notified = filter(&mut app, Pane::Findings, "status:notified");
    assert_eq!(
        filter(&mut app, Pane::Findings, "status:new,notified"),
        new + notified
    );
    assert_eq!(filter(&mut app, Pane::Findings, "!status:open"), all - open);
}

#[test]
fn issue21_item4_a_typo_keeps_the_committed_filter_and_enter_refuses_it() {
    let mut app = app();
    app.update(Action::ShowTab(Pane::Credentials));
    app.update(Action::FilterStart);
    type_text(&mut app, "risk:no-mfa");
    app.update(Action::FilterAccept);
    app.refresh_view();
    let committed = app.view(Pane::Credentials).rows.clone();
    assert!(!app.panes.editing_filter);
    // A half-typed new filter: `u` parses as a word (a preview), `user:` does not.
    app.update(Action::FilterStart);
    app.update(Action::Edit(Edit::KillStart));
    type_text(&mut app, "user:");
    app.refresh_view();
    let v = app.view(Pane::Credentials);
    assert!(v.filter_error.is_some());
    assert_eq!(
        v.rows, committed,
        "the committed filter, not the prefix `user`"
    );
    app.update(Action::FilterAccept);
    assert!(app.panes.editing_filter, "Enter refuses an invalid filter");
    let said = app.flash.as_ref().unwrap().text.clone();
    assert!(said.contains("not applied"), "{said}");
    app.update(Action::FilterCancel);
    assert_eq!(app.view(Pane::Credentials).filter_text, "risk:no-mfa");
}

#[test]
fn issue21_item5_prompts_edit_like_a_shell_and_keep_a_history() {
    let mut app = app();
    app.update(Action::ShowTab(Pane::Credentials));
    app.update(Action::FilterStart);
    type_text(&mut app, "user:x risk:old-key");
    app.update(Action::Edit(Edit::WordLeft));
    app.update(Action::Edit(Edit::KillStart));
    app.update(Action::FilterAccept);
    assert_eq!(app.view(Pane::Credentials).filter_text, "risk:old-key");
    // Up brings it back in a new prompt, after the ones of earlier sessions.
    let text = app.history.to_text();
    let mut other = demo_app(42, None, Theme::default(), (80, 24));
    other.history = rampart::app::line::History::from_text(&text);
    other.update(Action::ShowTab(Pane::Credentials));
    other.update(Action::FilterStart);
    other.update(Action::Edit(Edit::Older));
    assert_eq!(other.view(Pane::Credentials).filter_text, "risk:old-key");
    // `:` takes the same keys; Tab after a space lists what fits.
    other.update(Action::FilterAccept);
    other.update(Action::CommandStart);
    type_text(&mut other, "theme ");
    other.update(Action::Complete);
    let p = other.overlays.prompt.as_ref().unwrap();
    assert!(p.choices.contains("dark"), "{}", p.choices);
    for line in ["group ", "drill start ", "view "] {
        other.update(Action::Edit(Edit::KillStart));
        type_text(&mut other, line);
        other.update(Action::Complete);
        let p = other.overlays.prompt.as_ref().unwrap();
        assert!(
            p.text.len() > line.len() || !p.choices.is_empty() || line == "view ",
            "{line}: {p:?}"
        );
    }
    other.update(Action::Edit(Edit::KillStart));
    type_text(&mut other, "freeze");
    other.update(Action::Edit(Edit::Start));
    other.update(Action::Edit(Edit::WordRight));
    other.update(Action::Edit(Edit::KillWord));
    assert_eq!(other.overlays.prompt.as_ref().unwrap().text, "");
}

#[test]
fn issue21_item2_tab_after_a_flag_field_completes_its_flags() {
    let mut app = app();
    app.update(Action::ShowTab(Pane::Credentials));
    app.update(Action::FilterStart);
    type_text(&mut app, "risk:ol");
    app.update(Action::Complete);
    assert_eq!(app.view(Pane::Credentials).filter_text, "risk:old-key ");
    type_text(&mut app, "!risk:un");
    app.update(Action::Complete);
    let said = app.flash.as_ref().unwrap().text.clone();
    assert_eq!(said, "risk:unused-key  risk:unused-pw");
}
