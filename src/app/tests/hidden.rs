//! The panes not on screen keep their views caught up batch by batch: the first look at
//! one after a long time elsewhere merges the rows written since instead of sorting them
//! all, and shows what a view sorted afresh would.

use super::*;
use crate::feed::Update;
use crate::test_support::{event, exposure, now, user};

fn credentials(round: usize) -> Update {
    let records = (0..40usize)
        .map(|i| {
            user(
                &format!("u{i:02}"),
                false,
                i.is_multiple_of(3),
                true,
                Some(((i * 7 + round * 13) % 400) as i64),
            )
        })
        .collect();
    Update::Credentials {
        account_id: "111111111111".into(),
        generated_at: now() + chrono::Duration::minutes(round as i64),
        records,
    }
}

fn exposures(round: usize) -> Update {
    Update::Exposures(
        (0..30)
            .filter(|i| (i + round).is_multiple_of(4) || round == 0)
            .map(|i| {
                let mut e = exposure(&format!("b{i:02}"), (i + round).is_multiple_of(3), None);
                e.updated_at += chrono::Duration::minutes((round * 7 + i) as i64 % 50);
                e
            })
            .collect(),
    )
}

fn events(round: usize) -> Update {
    let list = (0..10usize).map(|i| {
        let detections: &[&str] = if i.is_multiple_of(4) {
            &["root-login"]
        } else {
            &[]
        };
        event(
            &format!("e-{round}-{i}"),
            ((i * 17 + round * 5) % 120) as i64,
            detections,
        )
    });
    Update::Events(list.collect())
}

fn evaluations(round: usize) -> Update {
    let results = ["COMPLIANT", "NON_COMPLIANT"];
    let list = (0..12usize).map(|i| {
        let rule = format!("rule-{}", i % 4);
        crate::test_support::evaluation(&rule, &format!("r{i}"), results[(i + round) % 2])
    });
    Update::Compliance(list.collect())
}

/// The rows of `pane`'s view as store keys.
fn shown(app: &App, pane: Pane) -> Vec<String> {
    let view = app.view(pane);
    let kind = pane.kind();
    view.rows
        .iter()
        .filter_map(|&r| kind.key(&app.store, r))
        .collect()
}

#[test]
fn panes_not_shown_catch_up_each_batch_and_their_first_look_sorts_nothing() {
    let mut app = App::new(Clock::Fixed(now()), Settings::default(), Theme::default());
    app.update(Action::Resize(120, 40));
    let hidden = [
        Pane::Credentials,
        Pane::PublicAccess,
        Pane::Drills,
        Pane::Compliance,
    ];
    for round in 0..8 {
        app.apply(credentials(round));
        app.apply(exposures(round));
        app.apply(events(round));
        app.apply(evaluations(round));
        app.after_updates();
        app.refresh_view();
    }
    for pane in hidden {
        let passes = app.view(pane).full_passes();
        assert!(passes >= 1, "{pane:?} was sorted while hidden");
        app.update(Action::ShowTab(pane));
        app.refresh_view();
        assert_eq!(
            app.view(pane).full_passes(),
            passes,
            "{pane:?}: its first look caught up, no sort from scratch"
        );
        // What a view sorted afresh shows.
        let kept = shown(&app, pane);
        app.panes.views[pane.index()] = pane.kind().new_view();
        app.refresh_view();
        assert_eq!(shown(&app, pane), kept, "{pane:?}");
        assert!(!kept.is_empty());
        app.update(Action::ShowTab(Pane::Findings));
    }
}

/// Ten findings, the cursor on the sixth: the app, the selected finding's key and the key
/// hashes of the two findings at the top.
fn cursor_below_two_findings() -> (App, String, Vec<u64>) {
    let mut app = super::tests::app_with(10);
    app.update(Action::Resize(120, 40));
    app.refresh_view();
    for _ in 0..5 {
        app.update(Action::Down);
    }
    app.refresh_view();
    let on = app
        .selected_key(Pane::Findings)
        .expect("a finding selected");
    let above: Vec<u64> = app.view(Pane::Findings).rows[..2]
        .iter()
        .map(|&r| crate::model::key::key_hash(&app.store.findings.items()[r as usize].key()))
        .collect();
    (app, on, above)
}

/// The findings pane is not kept up while hidden: when findings above the cursor leave
/// meanwhile, its old positions are not read as keys, and the first look back finds the
/// cursor on the record it was on.
#[test]
fn a_findings_cursor_stays_on_its_record_when_rows_leave_while_hidden() {
    let (mut app, on, above) = cursor_below_two_findings();
    app.update(Action::ShowTab(Pane::Credentials));
    app.refresh_view();
    app.apply(Update::Gone(crate::feed::Gone::Findings(above)));
    app.after_updates();
    app.refresh_view();
    assert_eq!(
        app.selected_key(Pane::Findings),
        None,
        "its positions are old"
    );
    app.update(Action::ShowTab(Pane::Findings));
    app.refresh_view();
    assert_eq!(app.selected_key(Pane::Findings), Some(on));
}

/// On the overview no pane is on screen: the findings under it are left until looked at
/// (their merge was 2 ms of each of the overview's batches at a million findings), any
/// other pane under it is kept up as a hidden one, and the look back at either shows what
/// a view sorted afresh shows.
#[test]
fn on_the_overview_the_pane_under_it_is_kept_up_as_a_hidden_one() {
    let mut app = super::tests::app_with(10);
    app.update(Action::Overview);
    app.refresh_view();
    let rows = app.view(Pane::Findings).rows.len();
    let mut more = super::tests::app_with(14).store.findings.items().to_vec();
    more.drain(..10);
    app.apply(Update::Findings(more));
    app.after_updates();
    app.refresh_view();
    assert_eq!(
        app.view(Pane::Findings).rows.len(),
        rows,
        "the findings under the overview wait for a look"
    );
    app.update(Action::ShowTab(Pane::Findings));
    app.refresh_view();
    let kept = shown(&app, Pane::Findings);
    assert_eq!(kept.len(), rows + 4);
    app.panes.views[Pane::Findings.index()] = Pane::Findings.kind().new_view();
    app.refresh_view();
    assert_eq!(shown(&app, Pane::Findings), kept);

    app.update(Action::ShowTab(Pane::Credentials));
    app.update(Action::Overview);
    for round in 0..4 {
        app.apply(credentials(round));
        app.after_updates();
        app.refresh_view();
    }
    let passes = app.view(Pane::Credentials).full_passes();
    assert!(passes >= 1, "kept up under the overview");
    app.update(Action::ShowTab(Pane::Credentials));
    app.refresh_view();
    assert_eq!(app.view(Pane::Credentials).full_passes(), passes);
    let kept = shown(&app, Pane::Credentials);
    app.panes.views[Pane::Credentials.index()] = Pane::Credentials.kind().new_view();
    app.refresh_view();
    assert_eq!(shown(&app, Pane::Credentials), kept);
    assert_eq!(kept.len(), 40);
}

/// On the overview, after findings above the cursor left: `y` and `n` find no row to act
/// on (the pane under the overview holds old positions, which name other findings), and a
/// snapshot's hand-off, caught up first, keeps the finding the cursor was on.
#[test]
fn on_the_overview_old_positions_are_not_acted_on_and_a_snapshot_keeps_the_cursor() {
    let (mut app, on, above) = cursor_below_two_findings();
    app.update(Action::Overview);
    app.refresh_view();
    app.apply(Update::Gone(crate::feed::Gone::Findings(above)));
    app.after_updates();
    app.refresh_view();
    app.update(Action::Copy { link: false });
    let copied = app
        .outbox
        .requests
        .iter()
        .any(|r| matches!(r, crate::app::Request::Copy(_)));
    assert!(!copied, "nothing copied: {:?}", app.outbox.requests);
    app.catch_up_views();
    let handoff = app.handoff();
    assert_eq!(handoff.view.panes["findings"].selected, Some(on));
}
