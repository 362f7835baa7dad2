//! The Activity pane: CloudTrail activity with the events detections fired on marked, and
//! (`d` here, `D` anywhere) the drill view over it.

use super::doc::Doc;
use super::{Cell, Column, Pane, PaneKind, PaneSpec, Table};
use crate::app::{App, Detail};
use crate::model::TrailEvent;
use crate::store::query::View;
use crate::store::sort::{self, EventSort};
use crate::store::table::Keyed;
use crate::store::Store;
use crate::theme::Slot;
use crate::util::digits::group;

pub struct Drills;

const SORTS: [EventSort; 7] = [
    EventSort::Time,
    EventSort::Event,
    EventSort::User,
    EventSort::Account,
    EventSort::Region,
    EventSort::SourceIp,
    EventSort::Detections,
];

const COLUMNS: [Column; 8] = [
    Column::new("Time", 12, 12, 0),
    Column::new("Event", 14, 28, 0),
    Column::new("User", 10, 26, 1),
    Column::new("Account", 10, 15, 2),
    Column::new("Region", 9, 14, 4),
    // Where a call came from stays at 80 columns; the region goes first.
    Column::new("Source IP", 11, 15, 2),
    Column::new("Result", 6, 14, 2),
    // Bounded, so it grows with the other essentials before names and addresses do.
    Column::new("Detections", 10, 26, 0),
];

static SPEC: PaneSpec = PaneSpec {
    id: "activity",
    dataset: "events",
    title: "Activity",
    short_title: "Activity",
    key: '4',
    // `events`: the dataset's name, which notes and snapshots use; `drills`: what this
    // pane was called before the drill view got its own key (saved views, snapshots).
    aliases: &["events", "drills", "cloudtrail"],
    noun: "event",
    sorts: &[
        "time",
        "event",
        "user",
        "account",
        "region",
        "source ip",
        "detections",
    ],
    fields: crate::store::fields::EVENT_FIELDS,
    columns: &COLUMNS,
    summary: false,
};

impl PaneKind for Drills {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }

    fn key(&self, store: &Store, row: u32) -> Option<String> {
        store.events.get(row).map(|r| Keyed::key(r).into_owned())
    }

    fn position(&self, store: &Store, key: &str) -> Option<u32> {
        store.events.position(key)
    }

    fn moves(&self, store: &Store) -> u64 {
        store.events.moves()
    }

    fn new_view(&self) -> View {
        View::of::<TrailEvent>(0)
    }

    fn refresh(&self, app: &mut App) {
        let now = app.clock.now();
        let store = &app.store;
        let view = &mut app.panes.views[Pane::Drills.index()];
        let cmp = sort::events(store, SORTS[view.sort_column]);
        view.refresh(&store.events, &cmp, &store.accounts, now);
    }

    fn count(&self, app: &mut App) {
        let (store, view) = (&app.store, &app.panes.views[Pane::Drills.index()]);
        // Every event shown: the store's kept-up count, else a pass over the rows shown.
        app.suspicious_events.refresh(view, &store.events, || {
            let items = store.events.items();
            if view.shows_every_row() {
                store.flagged_events().events()
            } else {
                let flagged = |&&i: &&u32| !items[i as usize].detections.is_empty();
                view.rows.iter().filter(flagged).count()
            }
        });
    }

    fn table<'a>(&self, app: &'a App) -> Table<'a> {
        let items = app.store.events.items();
        let suspicious = app.suspicious_events.get();
        let extra = format!(" · {} suspicious", group(suspicious));
        let time_fmt = app.settings.time;
        let cell = move |row: u32, col: usize| {
            let e = &items[row as usize];
            let flagged = !e.detections.is_empty();
            let base = if flagged { Slot::Detection } else { Slot::Text };
            match col {
                0 => Cell::new(
                    time_fmt
                        .format(e.event_time)
                        .get(5..)
                        .unwrap_or("")
                        .to_string(),
                    Slot::Muted,
                ),
                1 => Cell::new(&*e.event_name, base),
                2 => Cell::new(e.username.as_str(), base),
                3 => Cell::new(app.store.accounts.name(&e.account_id), Slot::Text),
                4 => Cell::new(&*e.region, Slot::Muted),
                5 => Cell::new(e.source_ip.as_deref().unwrap_or(""), Slot::Muted),
                6 => match &e.error_code {
                    Some(code) => Cell::new(&**code, Slot::Failed),
                    None => Cell::new("ok", Slot::Muted),
                },
                _ => Cell::new(e.detections.join(" "), Slot::Detection),
            }
        };
        Table {
            extra,
            cell: Box::new(cell),
        }
    }

    fn detail(&self, app: &App, detail: &Detail, doc: &mut Doc) -> String {
        let Some(e) = app.store.events.get(detail.target.row) else {
            return "gone".into();
        };
        let time = |v| app.detail_time(v);
        doc.field("Time", &time(Some(e.event_time)), Slot::Text);
        doc.field(
            "Event",
            &format!("{} ({})", e.event_name, e.event_source),
            Slot::Text,
        );
        doc.field("Caller", &e.username, Slot::Text);
        doc.field(
            "Principal",
            e.principal_arn.as_deref().unwrap_or("—"),
            Slot::Muted,
        );
        doc.field(
            "Access key",
            e.access_key_id.as_deref().unwrap_or("—"),
            Slot::Muted,
        );
        doc.field("Account", &app.account_label(&e.account_id), Slot::Text);
        doc.field("Region", &e.region, Slot::Text);
        doc.field(
            "Source IP",
            e.source_ip.as_deref().unwrap_or("—"),
            Slot::Text,
        );
        doc.field(
            "User agent",
            e.user_agent.as_deref().unwrap_or("—"),
            Slot::Muted,
        );
        match &e.error_code {
            Some(code) => doc.field("Result", &format!("failed: {code}"), Slot::Failed),
            None => doc.field("Result", "succeeded", Slot::Ok),
        }
        let link = crate::model::console::cloudtrail_event(
            e.principal_arn.as_deref(),
            &e.region,
            &e.event_id,
        );
        doc.field("Console", &link, Slot::Accent);
        if !e.detections.is_empty() {
            doc.section("Detections");
            for d in &e.detections {
                let Some(rule) = app.rules.get(d) else {
                    doc.field(d, "", Slot::Detection);
                    continue;
                };
                let what = format!("{} ({})", rule.title, rule.level);
                doc.field(d, &what, Slot::Detection);
                if !rule.attack.is_empty() {
                    doc.field("ATT&CK", &rule.attack, Slot::Muted);
                }
                if !rule.author.is_empty() {
                    doc.field("Author", &rule.author, Slot::Muted);
                }
                for r in &rule.references {
                    doc.field("Reference", r, Slot::Muted);
                }
                match runbook_for(app, d) {
                    Some(rb) => doc.field("Runbook", &format!("{} (r)", rb.title), Slot::Accent),
                    None => doc.field("Rule file", &format!("{} (r)", rule.file), Slot::Accent),
                }
            }
        }
        format!("{} by {}", e.event_name, e.username)
    }

    fn raw(&self, store: &Store, row: u32) -> Option<String> {
        store.events.get(row).map(|e| e.raw.pretty())
    }

    fn copy(&self, store: &Store, row: u32, link: bool) -> Option<String> {
        (!link).then(|| store.events.get(row).map(|e| e.event_id.clone()))?
    }

    fn runbook(&self, app: &App, row: u32) -> Result<(String, String), String> {
        let Some(e) = app.store.events.get(row) else {
            return Err("no event selected".into());
        };
        if let Some(found) = e
            .detections
            .iter()
            .find_map(|d| runbook_for(app, d).map(|rb| (rb.id.clone(), format!("detection {d}"))))
        {
            return Ok(found);
        }
        // No runbook: the first fired rule's own file.
        e.detections
            .iter()
            .find(|d| app.rules.get(d).is_some())
            .map(|d| (format!("rule:{d}"), format!("detection {d}")))
            .ok_or_else(|| {
                "no detection fired on this event: runbooks open from detections and findings"
                    .into()
            })
    }
}

/// A detection's runbook: one that lists it, else the one its rule names.
fn runbook_for<'a>(app: &'a App, detection: &str) -> Option<&'a crate::drill::runbook::Runbook> {
    app.runbooks.for_detection(detection).or_else(|| {
        let named = app.rules.get(detection)?.runbook.as_deref()?;
        app.runbooks.get(named)
    })
}
