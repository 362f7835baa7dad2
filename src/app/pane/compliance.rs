//! The compliance pane (`5`): AWS Config's non-compliant resources, rule by rule, with each
//! rule's annotation; the title counts rules and the account-regions whose recorder is off.

use super::doc::Doc;
use super::{Cell, Column, Pane, PaneKind, PaneSpec, Table};
use crate::app::{App, Detail};
use crate::feed::Status;
use crate::model::age::format_age;
use crate::model::finding::short_resource_id;
use crate::model::ComplianceResult;
use crate::store::query::View;
use crate::store::sort::{self, ComplianceSort};
use crate::store::table::Keyed;
use crate::store::Store;
use crate::theme::Slot;
use crate::util::digits::group;
use std::collections::BTreeSet;

pub struct Compliance;

const SORTS: [ComplianceSort; 6] = [
    ComplianceSort::Rule,
    ComplianceSort::Resource,
    ComplianceSort::Type,
    ComplianceSort::Account,
    ComplianceSort::Region,
    ComplianceSort::Recorded,
];

const COLUMNS: [Column; 7] = [
    Column::new("Rule", 16, 34, 0),
    Column::new("Resource", 14, 0, 0),
    Column::new("Type", 10, 22, 3),
    Column::new("Account", 10, 18, 1),
    Column::new("Region", 9, 14, 2),
    Column::new("Recorded", 8, 8, 4),
    Column::new("Annotation", 10, 0, 5),
];

static SPEC: PaneSpec = PaneSpec {
    id: "compliance",
    dataset: "compliance",
    title: "Compliance",
    short_title: "Config",
    key: '5',
    aliases: &["config"],
    noun: "resource",
    sorts: &["rule", "resource", "type", "account", "region", "recorded"],
    fields: crate::store::fields::COMPLIANCE_FIELDS,
    columns: &COLUMNS,
    summary: true,
};

impl PaneKind for Compliance {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }

    fn key(&self, store: &Store, row: u32) -> Option<String> {
        store
            .compliance
            .get(row)
            .map(|r| Keyed::key(r).into_owned())
    }

    fn position(&self, store: &Store, key: &str) -> Option<u32> {
        store.compliance.position(key)
    }

    fn moves(&self, store: &Store) -> u64 {
        store.compliance.moves()
    }

    fn new_view(&self) -> View {
        View::of::<ComplianceResult>(0)
    }

    fn refresh(&self, app: &mut App) {
        let now = app.clock.now();
        let store = &app.store;
        let view = &mut app.panes.views[Pane::Compliance.index()];
        let cmp = sort::compliance(store, SORTS[view.sort_column]);
        view.refresh(&store.compliance, &cmp, &store.accounts, now);
    }

    fn table<'a>(&self, app: &'a App) -> Table<'a> {
        let view = app.view(Pane::Compliance);
        let items = app.store.compliance.items();
        let now = app.clock.now();
        let rules: BTreeSet<&str> = view
            .rows
            .iter()
            .map(|&i| items[i as usize].rule.as_str())
            .collect();
        let recorder_off = app
            .store
            .sources
            .iter()
            .filter(|(k, h)| {
                k.service == "config"
                    && (h.status == Status::NotEnabled
                        || h.error.as_deref().is_some_and(|e| e.contains("recorder")))
            })
            .count();
        let mut extra = format!(" · {} rules", group(rules.len()));
        if recorder_off > 0 {
            extra.push_str(&format!(" · recorder off or missing in {recorder_off}"));
        }
        let cell = move |row: u32, col: usize| {
            let c = &items[row as usize];
            let account = c.account_id.as_deref().unwrap_or("");
            match col {
                0 => Cell::new(c.rule.as_str(), Slot::Text),
                1 => Cell::new(short_resource_id(&c.resource_id), Slot::High),
                2 => Cell::new(c.resource_type.as_str(), Slot::Muted),
                3 => Cell::new(app.store.accounts.name(account), Slot::Text),
                4 => Cell::new(c.region.as_deref().unwrap_or("—"), Slot::Muted),
                5 => Cell::new(
                    c.recorded_at
                        .map(|at| format_age(at, now))
                        .unwrap_or_else(|| "—".into()),
                    Slot::Muted,
                ),
                _ => Cell::new(c.annotation.as_deref().unwrap_or(""), Slot::Muted),
            }
        };
        Table {
            extra,
            cell: Box::new(cell),
        }
    }

    fn detail(&self, app: &App, detail: &Detail, doc: &mut Doc) -> String {
        let Some(c) = app.store.compliance.get(detail.target.row) else {
            return "gone".into();
        };
        let time = |v| app.detail_time(v);
        doc.field("Rule", &c.rule, Slot::Text);
        doc.field("Result", &c.compliance_type, Slot::High);
        doc.field("Resource", &c.resource_id, Slot::Text);
        doc.field("Type", &c.resource_type, Slot::Text);
        let acct = c.account_id.as_deref().unwrap_or("");
        doc.field("Account", &app.account_label(acct), Slot::Text);
        doc.field("Region", c.region.as_deref().unwrap_or("—"), Slot::Text);
        doc.field("Recorded", &time(c.recorded_at), Slot::Text);
        doc.section("Annotation");
        let note = c.annotation.as_deref().unwrap_or("none given by the rule");
        doc.text(note, Slot::Text);
        let others = app
            .store
            .compliance
            .items()
            .iter()
            .filter(|o| o.rule == c.rule)
            .count();
        doc.field(
            "Same rule",
            &format!("{others} non-compliant resources"),
            Slot::Muted,
        );
        format!("{} on {}", c.rule, short_resource_id(&c.resource_id))
    }

    fn copy(&self, store: &Store, row: u32, link: bool) -> Option<String> {
        (!link).then(|| store.compliance.get(row).map(|c| c.resource_id.clone()))?
    }

    fn summary(&self, app: &App) -> crate::analysis::summary::Summary {
        crate::analysis::summary::compliance_of(&app.store, Some(&app.view(Pane::Compliance).rows))
    }
}
