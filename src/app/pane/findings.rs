//! The findings pane: newest critical first, every product in one table.

use super::doc::Doc;
use super::{Cell, Column, Pane, PaneKind, PaneSpec, Table};
use crate::app::{App, Detail};
use crate::model::age::format_age;
use crate::model::Finding;
use crate::store::query::View;
use crate::store::sort::{self, FindingSort};
use crate::store::table::Keyed;
use crate::store::Store;
use crate::theme::{Role, Slot};
use crate::util::digits::group;

pub struct Findings;

const SORTS: [FindingSort; 8] = [
    FindingSort::Severity,
    FindingSort::Title,
    FindingSort::Account,
    FindingSort::Region,
    FindingSort::Product,
    FindingSort::Resource,
    FindingSort::Status,
    FindingSort::Updated,
];

const COLUMNS: [Column; 9] = [
    Column::new("Sev", 4, 4, 0),
    // The workflow status in a letter, kept at any width: RESOLVED and pending rows must
    // not look like NEW ones at 80 columns.
    Column::new("S", 1, 1, 0),
    Column::new("Title", 20, 0, 0),
    Column::new("Account", 10, 15, 1),
    Column::new("Region", 9, 12, 3),
    Column::new("Product", 8, 12, 2),
    Column::new("Resource", 10, 22, 4),
    Column::new("Status", 8, 10, 5),
    Column::new("Updated", 7, 7, 1),
];

static SPEC: PaneSpec = PaneSpec {
    id: "findings",
    dataset: "findings",
    title: "Findings",
    short_title: "Findings",
    key: '1',
    aliases: &[],
    noun: "finding",
    sorts: &[
        "severity", "title", "account", "region", "product", "resource", "status", "updated",
    ],
    fields: crate::store::fields::FINDING_FIELDS,
    columns: &COLUMNS,
    summary: true,
};

/// The findings pane's own filter while it shows open findings only.
pub const OPEN_SCOPE: &str = "status:open";

/// One letter for the workflow status: N new, T notified, R resolved, S suppressed, A an
/// archived record; `*` a change waiting for Security Hub, `!` one it refused.
fn status_letter<'a>(app: &App, f: &Finding, hash: u64) -> Cell<'a> {
    use crate::model::WorkflowStatus as W;
    if app.store.pending_count() > 0 && app.store.pending(hash).is_some() {
        return Cell::new("*", Slot::Accent);
    }
    if app.store.refused_count() > 0 && app.store.refused(hash).is_some() {
        return Cell::new("!", Slot::Critical);
    }
    if f.record_state != crate::model::RecordState::Active {
        return Cell::new("A", Slot::Muted);
    }
    match f.workflow_status {
        W::New => Cell::new("N", Slot::Text),
        W::Notified => Cell::new("T", Slot::Text),
        W::Resolved => Cell::new("R", Slot::Muted),
        W::Suppressed => Cell::new("S", Slot::Muted),
    }
}

impl PaneKind for Findings {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }

    fn key(&self, store: &Store, row: u32) -> Option<String> {
        store.findings.get(row).map(|r| Keyed::key(r).into_owned())
    }

    fn position(&self, store: &Store, key: &str) -> Option<u32> {
        store.findings.position(key)
    }

    fn moves(&self, store: &Store) -> u64 {
        store.findings.moves()
    }

    fn new_view(&self) -> View {
        // Open findings first of all: what the header counts; `o` shows all.
        let mut v = View::of::<Finding>(0);
        v.set_scope(Some(OPEN_SCOPE));
        v
    }

    fn refresh(&self, app: &mut App) {
        let now = app.clock.now();
        let store = &app.store;
        let view = &mut app.panes.views[Pane::Findings.index()];
        let cmp = sort::findings(store, SORTS[view.sort_column]);
        view.refresh(&store.findings, &cmp, &store.accounts, now);
    }

    /// Not while another pane is shown: catching a million rows up cost every batch about
    /// 2 ms there, and the table's log of writes reaches back hours of polls, so the
    /// first look back merges what was written meanwhile instead of sorting afresh.
    fn keep_up(&self, _app: &mut App) {}

    fn count(&self, app: &mut App) {
        let store = &app.store;
        // New since the operator last looked: kept up here as rows are written, not
        // counted on each frame (a million rows in view order cost a frame 20 ms).
        let since = app.new_since();
        let view = &app.panes.views[Pane::Findings.index()];
        app.findings_new.refresh(&store.findings, view, since);
    }

    fn table<'a>(&self, app: &'a App) -> Table<'a> {
        let now = app.clock.now();
        let items = app.store.findings.items();
        // New since the operator last looked: counted in the title, titles in bold.
        let since = app.new_since();
        let is_new = move |row: u32| since.is_some_and(|t| items[row as usize].updated_at > t);
        let new = app.findings_new.count_for(since);
        let mut extra = if new > 0 {
            format!(" · {} new (N: seen)", group(new))
        } else {
            String::new()
        };
        if !app.panes.marked.is_empty() {
            extra.push_str(&format!(" · {} marked", group(app.panes.marked.len())));
        }
        let pending = app.store.pending_count();
        if pending > 0 {
            extra.push_str(&format!(" · {} pending*", group(pending)));
        }
        let cell = move |row: u32, col: usize| {
            let f = &items[row as usize];
            let hash = || crate::store::row_hash(f);
            let marked = !app.panes.marked.is_empty() && app.panes.marked.contains(&hash());
            match col {
                0 => Cell::new(f.severity.short(), Slot::severity(f.severity)),
                1 => status_letter(app, f, hash()),
                2 => {
                    // GuardDuty's titles start with an address or an instance id: lead
                    // with what happened and on what instead.
                    let title = match crate::model::guardduty_action::headline(f) {
                        Some(h) => std::borrow::Cow::Owned(h),
                        None => std::borrow::Cow::Borrowed(&*f.title),
                    };
                    if marked {
                        Cell::new(format!("+ {title}"), Slot::Marked)
                    } else if is_new(row) {
                        Cell::new(title, Role::bold(Slot::Text))
                    } else {
                        Cell::new(title, Slot::Text)
                    }
                }
                3 => Cell::new(app.store.accounts.name(&f.account_id), Slot::Text),
                4 => Cell::new(&*f.region, Slot::Muted),
                5 => Cell::new(&*f.product, Slot::Text),
                6 => Cell::new(f.primary_resource(), Slot::Muted),
                7 => {
                    let label = f.workflow_status.label();
                    if app.store.pending_count() > 0 && app.store.pending(hash()).is_some() {
                        Cell::new(format!("{label}*"), Slot::Accent)
                    } else if app.store.refused_count() > 0 && app.store.refused(hash()).is_some() {
                        Cell::new(format!("{label}!"), Slot::Critical)
                    } else {
                        Cell::new(label, if f.is_open() { Slot::Text } else { Slot::Muted })
                    }
                }
                _ => Cell::new(format_age(f.updated_at, now), Slot::Muted),
            }
        };
        Table {
            extra,
            cell: Box::new(cell),
        }
    }

    fn detail(&self, app: &App, detail: &Detail, doc: &mut Doc) -> String {
        let Some(f) = app.store.findings.get(detail.target.row) else {
            return "gone".into();
        };
        let time = |v| app.detail_time(v);
        doc.field("Severity", f.severity.label(), Slot::severity(f.severity));
        doc.field("Product", &f.product, Slot::Text);
        doc.field("Account", &app.account_label(&f.account_id), Slot::Text);
        doc.field("Region", &f.region, Slot::Text);
        let status = format!("{} · record {}", f.workflow_status, f.record_state.label());
        doc.field("Status", &status, Slot::Text);
        if let Some(a) = crate::model::guardduty_action::action(f) {
            // What GuardDuty saw, on the first screen: the raw JSON it comes from is far
            // below.
            if let Some(kind) = crate::model::guardduty_action::finding_type(f) {
                doc.field("GuardDuty", &kind, Slot::Accent);
            }
            for (label, value) in a.lines() {
                doc.field(label, &value, Slot::Text);
            }
        }
        let hash = crate::store::row_hash(f);
        if let Some(p) = app.store.pending(hash) {
            let state = if p.accepted {
                "accepted by Security Hub, waiting for a poll to show it"
            } else {
                "sent, waiting for Security Hub's answer"
            };
            let what = format!(
                "pending: {} at {} ({state})",
                p.change.describe(),
                app.settings.time.format_clock(p.since)
            );
            doc.field("Triage", &what, Slot::Accent);
        }
        if let Some(why) = app.store.refused(hash) {
            doc.field("Triage", &format!("not changed: {why}"), Slot::Critical);
        }
        if let Some((text, by)) = crate::store::pending::hub_note(f) {
            let by = if by.is_empty() { "unknown" } else { &by };
            doc.field("Hub note", &format!("{text} (by {by})"), Slot::Text);
        }
        if let Some(c) = &f.control_id {
            let compliance = f.compliance_status.as_deref().unwrap_or("—");
            doc.field(
                "Control",
                &format!("{c} · compliance {compliance}"),
                Slot::Accent,
            );
        }
        doc.field("Types", &f.types.join(", "), Slot::Text);
        if let Some(rb) = app.runbooks.for_finding(f) {
            doc.field("Runbook", &format!("{} (r)", rb.title), Slot::Accent);
        }
        doc.field("First observed", &time(f.first_observed_at), Slot::Text);
        doc.field("Last observed", &time(f.last_observed_at), Slot::Text);
        doc.field("Updated", &time(Some(f.updated_at)), Slot::Text);
        doc.field("Id", &f.id, Slot::Muted);
        doc.field("Product ARN", &f.product_arn, Slot::Muted);
        doc.field("Generator", &f.generator_id, Slot::Muted);
        if !f.description.is_empty() {
            doc.section("Description");
            doc.text(&f.description, Slot::Text);
        }
        doc.section(&format!("Resources ({})", f.resources.len()));
        for r in &f.resources {
            doc.field(&r.kind, &r.id, Slot::Text);
            if let Some(region) = &r.region {
                doc.field("region", region, Slot::Muted);
            }
            for (k, v) in r.tags.iter() {
                doc.field("tag", &format!("{k}={v}"), Slot::Muted);
            }
        }
        if f.remediation_text.is_some() || f.remediation_url.is_some() {
            doc.section("Remediation");
            if let Some(text) = &f.remediation_text {
                doc.text(text, Slot::Text);
            }
            if let Some(url) = &f.remediation_url {
                doc.field("URL", url, Slot::Accent);
            }
        }
        let history = app.store.history(hash);
        if !history.is_empty() {
            doc.section("History (as this console saw it)");
            for c in history {
                doc.field(&time(Some(c.at)), &c.what, Slot::Text);
            }
        }
        if let Some(c) = &detail.context {
            if c.same_resource_total > 0 {
                doc.section(&format!(
                    "Same resource ({} other finding{})",
                    c.same_resource_total,
                    if c.same_resource_total == 1 { "" } else { "s" }
                ));
                for (sev, title, product, status) in &c.same_resource {
                    let what = format!("{title} ({product}, {status})");
                    doc.field(sev.short(), &what, Slot::severity(*sev));
                }
            }
            if !c.exposures.is_empty() {
                let total = c.exposures_total;
                if total > c.exposures.len() {
                    doc.section(&format!(
                        "Public access to the resource ({} of {total} grants)",
                        c.exposures.len()
                    ));
                } else {
                    doc.section("Public access to the resource");
                }
                for (who, actions) in &c.exposures {
                    doc.field(who, actions, Slot::High);
                }
            }
            if !c.credentials.is_empty() {
                doc.section("Credential report");
                for (user, flags) in &c.credentials {
                    doc.field(user, flags, Slot::Text);
                }
            }
        }
        // Last: a long line that wraps, and what one copies after reading the rest.
        doc.section("In the AWS console");
        let link = crate::model::console::securityhub_finding(&f.product_arn, &f.region, &f.id);
        doc.line(&link, Slot::Accent);
        f.title.to_string()
    }

    fn raw(&self, store: &Store, row: u32) -> Option<String> {
        store.findings.get(row).map(|f| f.raw.pretty())
    }

    fn context(&self, app: &App, row: u32) -> Option<crate::store::related::FindingContext> {
        Some(crate::store::related::finding_context(
            &app.store,
            row,
            app.clock.now(),
            app.settings.thresholds,
        ))
    }

    fn copy(&self, store: &Store, row: u32, link: bool) -> Option<String> {
        let f = store.findings.get(row)?;
        Some(if link {
            crate::model::console::securityhub_finding(&f.product_arn, &f.region, &f.id)
        } else {
            f.id.to_string()
        })
    }

    fn runbook(&self, app: &App, row: u32) -> Result<(String, String), String> {
        let lib = &app.runbooks;
        let f = app.store.findings.get(row).ok_or("no finding selected")?;
        // A drill's own finding opens the runbook it practises.
        if let Some(id) = f.generator_id.strip_prefix("rampart-drill/") {
            if let Some(rb) = lib.get(id) {
                return Ok((rb.id.clone(), format!("drill finding: {}", f.title)));
            }
        }
        match lib.for_finding(f) {
            Some(rb) => Ok((rb.id.clone(), format!("finding: {}", f.title))),
            None => Err(format!(
                "no runbook covers this finding ({}); add one to the runbooks directory",
                f.control_id
                    .as_deref()
                    .map(str::to_string)
                    .or_else(|| f.types.first().map(|t| t.to_string()))
                    .unwrap_or_default()
            )),
        }
    }

    fn summary(&self, app: &App) -> crate::analysis::summary::Summary {
        let view = app.view(Pane::Findings);
        crate::analysis::summary::findings(
            &app.store,
            &view.rows,
            app.panes.finding_group,
            &view.filter_text,
        )
    }
}
