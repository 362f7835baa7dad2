//! The public-access pane: who outside an account can reach which resource (Access
//! Analyzer), beside the failed Security Hub controls about exposure, with the
//! combinations that matter more marked.

use super::doc::Doc;
use super::{Cell, Column, Pane, PaneKind, PaneSpec, Table};
use crate::app::{App, Detail};
use crate::model::finding::short_resource_id;
use crate::model::Exposure;
use crate::store::query::View;
use crate::store::related::ExposureMarks;
use crate::store::sort::{self, ExposureSort};
use crate::store::table::Keyed;
use crate::store::Store;
use crate::theme::Slot;
use crate::util::digits::group;

pub struct PublicAccess;

const SORTS: [ExposureSort; 7] = [
    ExposureSort::Marked,
    ExposureSort::Grantee,
    ExposureSort::Resource,
    ExposureSort::Type,
    ExposureSort::Account,
    ExposureSort::Region,
    ExposureSort::Updated,
];

const COLUMNS: [Column; 8] = [
    // Wide enough for a bucket's or a queue's name at 80 columns: the name is what a
    // responder acts on, the actions are in the detail.
    Column::new("Resource", 26, 0, 0),
    Column::new("Type", 10, 18, 1),
    Column::new("Account", 10, 18, 1),
    Column::new("Region", 9, 14, 3),
    Column::new("Access", 10, 26, 0),
    Column::new("Marked", 13, 30, 1),
    Column::new("Actions", 10, 0, 2),
    Column::new("Condition", 10, 0, 4),
];

static SPEC: PaneSpec = PaneSpec {
    id: "public",
    dataset: "exposures",
    title: "Public access",
    short_title: "Public",
    key: '3',
    // `exposures`: the dataset's name, which notes and snapshots use.
    aliases: &["exposures"],
    noun: "exposure",
    sorts: &[
        "marked", "access", "resource", "type", "account", "region", "updated",
    ],
    fields: crate::store::fields::EXPOSURE_FIELDS,
    columns: &COLUMNS,
    summary: true,
};

impl PaneKind for PublicAccess {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }

    fn key(&self, store: &Store, row: u32) -> Option<String> {
        store.exposures.get(row).map(|r| Keyed::key(r).into_owned())
    }

    fn position(&self, store: &Store, key: &str) -> Option<u32> {
        store.exposures.position(key)
    }

    fn moves(&self, store: &Store) -> u64 {
        store.exposures.moves()
    }

    fn new_view(&self) -> View {
        View::of::<Exposure>(0)
    }

    fn refresh(&self, app: &mut App) {
        let now = app.clock.now();
        app.follow_exposures();
        let inputs = ExposureMarks::inputs(&app.store);
        let store = &app.store;
        let view = &mut app.panes.views[Pane::PublicAccess.index()];
        let empty = ExposureMarks::default();
        let marks = app.marks.as_ref().map_or(&empty, |m| &m.1);
        let cmp = sort::exposures(store, SORTS[view.sort_column], marks);
        let items = store.exposures.items();
        let of = |row: u32| {
            items
                .get(row as usize)
                .map(|e| marks.flags(e, &store.accounts))
                .unwrap_or_default()
        };
        let flags = crate::store::query::Flags {
            key: inputs.0 ^ inputs.1.rotate_left(21) ^ inputs.2.rotate_left(42),
            of: &of,
        };
        let lead = sort::lead::exposures(store, SORTS[view.sort_column], marks);
        let by_lead = lead.as_ref().map(|l| l as crate::store::query::LeadKey);
        view.refresh_flagged(
            &store.exposures,
            &cmp,
            &store.accounts,
            now,
            Some(flags),
            by_lead,
        );
    }

    fn count(&self, app: &mut App) {
        let (store, view) = (&app.store, &app.panes.views[Pane::PublicAccess.index()]);
        let items = store.exposures.items();
        app.exposure_counts.refresh(view, &store.exposures, || {
            let shown = view.rows.iter().map(|&i| &items[i as usize]);
            shown.fold((0, 0), |(public, controls), e| {
                (
                    public + usize::from(e.is_public),
                    controls + usize::from(e.is_control()),
                )
            })
        });
    }

    fn table<'a>(&self, app: &'a App) -> Table<'a> {
        let items = app.store.exposures.items();
        let (public, controls) = app.exposure_counts.get();
        let marks = app.exposure_marks();
        let extra = format!(
            " · {} public · {} from Security Hub controls",
            group(public),
            group(controls)
        );
        let cell = move |row: u32, col: usize| {
            let e = &items[row as usize];
            match col {
                0 => Cell::new(short_resource_id(&e.resource), Slot::Text),
                1 => Cell::new(e.short_type(), Slot::Muted),
                2 => Cell::new(app.store.accounts.name(&e.account_id), Slot::Text),
                3 => Cell::new(e.region.as_str(), Slot::Muted),
                4 => {
                    if e.is_public {
                        Cell::new("public", Slot::Critical)
                    } else if e.is_control() {
                        Cell::new(e.principal.as_str(), Slot::High)
                    } else {
                        let inside = e
                            .external_account
                            .as_deref()
                            .and_then(|a| app.store.accounts.get(a));
                        match inside {
                            Some(a) => Cell::new(format!("{} (in org)", a.name), Slot::Text),
                            None => Cell::new(e.grantee(), Slot::High),
                        }
                    }
                }
                5 => {
                    let m = marks.marks(e, &app.store.accounts);
                    if m.is_empty() {
                        Cell::new("—", Slot::Muted)
                    } else {
                        Cell::new(m.join(" "), Slot::Critical)
                    }
                }
                6 => Cell::new(e.actions.join(" "), Slot::Text),
                _ => Cell::new(
                    if e.conditions.is_empty() {
                        "none".to_string()
                    } else {
                        e.conditions.join(" ")
                    },
                    Slot::Muted,
                ),
            }
        };
        Table {
            extra,
            cell: Box::new(cell),
        }
    }

    fn detail(&self, app: &App, detail: &Detail, doc: &mut Doc) -> String {
        let Some(e) = app.store.exposures.get(detail.target.row) else {
            return "gone".into();
        };
        let time = |v| app.detail_time(v);
        doc.field("Resource", &e.resource, Slot::Text);
        doc.field("Type", &e.resource_type, Slot::Text);
        doc.field("Account", &app.account_label(&e.account_id), Slot::Text);
        doc.field("Region", &e.region, Slot::Text);
        doc.field(
            "Access",
            &e.grantee(),
            if e.is_public {
                Slot::Critical
            } else {
                Slot::High
            },
        );
        doc.field("Principal", &e.principal, Slot::Text);
        doc.field("Actions", &e.actions.join(", "), Slot::Text);
        let conditions = if e.conditions.is_empty() {
            "none".into()
        } else {
            e.conditions.join(", ")
        };
        doc.field("Conditions", &conditions, Slot::Text);
        doc.field("Status", &e.status, Slot::Text);
        doc.field("Updated", &time(Some(e.updated_at)), Slot::Text);
        let marks = app.exposure_marks().marks(e, &app.store.accounts);
        if !marks.is_empty() {
            doc.field("Marked", &marks.join(", "), Slot::Critical);
        }
        // A control's row carries its finding's store key: id, unit separator, product.
        let id = e.id.split('\u{1f}').next().unwrap_or(&e.id);
        doc.field("Finding id", id, Slot::Muted);
        let source = if e.is_control() {
            "Security Hub control (its finding is in the findings pane)"
        } else {
            &e.source
        };
        doc.field("Source", source, Slot::Muted);
        if e.source == "access-analyzer" {
            let link =
                crate::model::console::access_analyzer_finding(&e.resource, &e.region, &e.id);
            doc.field("Console", &link, Slot::Accent);
        }
        format!("{} ({})", short_resource_id(&e.resource), e.short_type())
    }

    fn copy(&self, store: &Store, row: u32, link: bool) -> Option<String> {
        let e = store.exposures.get(row)?;
        if !link {
            return Some(e.resource.clone());
        }
        (e.source == "access-analyzer")
            .then(|| crate::model::console::access_analyzer_finding(&e.resource, &e.region, &e.id))
    }

    fn runbook(&self, app: &App, row: u32) -> Result<(String, String), String> {
        let e = app.store.exposures.get(row).ok_or("no row selected")?;
        match app.runbooks.for_resource_type(&e.resource_type) {
            Some(rb) => Ok((rb.id.clone(), format!("{} {}", e.resource_type, e.resource))),
            None => Err(format!("no runbook covers {}", e.resource_type)),
        }
    }

    fn summary(&self, app: &App) -> crate::analysis::summary::Summary {
        crate::analysis::summary::exposures_of(
            &app.store,
            Some(&app.view(Pane::PublicAccess).rows),
            &app.exposure_marks(),
        )
    }
}
