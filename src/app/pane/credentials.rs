//! The credentials pane: one row per IAM user and root, oldest risk first.

use super::doc::Doc;
use super::{Cell, Column, Pane, PaneKind, PaneSpec, Table};
use crate::app::{App, Detail};
use crate::model::age::format_age;
use crate::model::{AccessKey, CredentialRecord, CredentialRisk};
use crate::store::query::View;
use crate::store::sort::{self, CredentialSort};
use crate::store::table::Keyed;
use crate::store::Store;
use crate::theme::Slot;
use crate::util::digits::group;
use chrono::{DateTime, Utc};

pub struct Credentials;

const SORTS: [CredentialSort; 6] = [
    CredentialSort::Risk,
    CredentialSort::Account,
    CredentialSort::User,
    CredentialSort::PasswordUsed,
    CredentialSort::Mfa,
    CredentialSort::KeyAge,
];

const COLUMNS: [Column; 7] = [
    Column::new("Account", 10, 18, 1),
    Column::new("User", 12, 26, 0),
    Column::new("Password", 9, 13, 2),
    Column::new("MFA", 3, 3, 0),
    Column::new("Key 1 age/use", 13, 16, 1),
    Column::new("Key 2 age/use", 13, 16, 3),
    Column::new("Risks", 16, 0, 0),
];

static SPEC: PaneSpec = PaneSpec {
    id: "credentials",
    dataset: "credentials",
    title: "Credentials",
    short_title: "Creds",
    key: '2',
    aliases: &[],
    noun: "user",
    sorts: &["risk", "account", "user", "password use", "mfa", "key age"],
    fields: crate::store::fields::CREDENTIAL_FIELDS,
    columns: &COLUMNS,
    summary: true,
};

/// `412d, used 2d`, `30d, never used`, `inactive`.
pub fn key_text(key: Option<&AccessKey>, now: DateTime<Utc>) -> String {
    match key {
        None => "—".into(),
        Some(k) if !k.active => "inactive".into(),
        Some(k) => {
            let age = k
                .last_rotated
                .map(|t| format_age(t, now))
                .unwrap_or_else(|| "?".into());
            match k.last_used {
                Some(u) => format!("{age}, used {}", format_age(u, now)),
                None => format!("{age}, never used"),
            }
        }
    }
}

impl PaneKind for Credentials {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }

    fn key(&self, store: &Store, row: u32) -> Option<String> {
        store
            .credentials
            .get(row)
            .map(|r| Keyed::key(r).into_owned())
    }

    fn position(&self, store: &Store, key: &str) -> Option<u32> {
        store.credentials.position(key)
    }

    fn moves(&self, store: &Store) -> u64 {
        store.credentials.moves()
    }

    fn new_view(&self) -> View {
        View::of::<CredentialRecord>(0)
    }

    fn refresh(&self, app: &mut App) {
        let now = app.clock.now();
        let limits = app.settings.thresholds;
        let keys = sort::CredentialKeys::of(app.credential_keys.take(), &app.store, now, limits);
        let store = &app.store;
        let view = &mut app.panes.views[Pane::Credentials.index()];
        let cmp = sort::credentials(store, SORTS[view.sort_column], &keys);
        let of = |row: u32| {
            keys.rows
                .get(row as usize)
                .map(|k| k.risks.labels().collect())
                .unwrap_or_default()
        };
        // Risks move with the reports, the clock (the view checks each minute) and the
        // limits: the view's filter key holds the first two.
        let flags = crate::store::query::Flags {
            key: (limits.age_days as u64) ^ (limits.unused_days as u64).rotate_left(32),
            of: &of,
        };
        let lead = sort::lead::credentials(store, SORTS[view.sort_column], &keys);
        let by_lead = lead.as_ref().map(|l| l as crate::store::query::LeadKey);
        view.refresh_flagged(
            &store.credentials,
            &cmp,
            &store.accounts,
            now,
            Some(flags),
            by_lead,
        );
        drop((cmp, lead));
        app.credential_keys = Some(keys);
    }

    fn count(&self, app: &mut App) {
        let (store, view) = (&app.store, &app.panes.views[Pane::Credentials.index()]);
        let Some(keys) = &app.credential_keys else {
            return;
        };
        // The risks counted move with the keys too.
        app.credentials_at_risk
            .refresh_with(keys.stamp(), view, &store.credentials, || {
                let risky = |&&i: &&u32| {
                    keys.rows
                        .get(i as usize)
                        .is_some_and(|k| !k.risks.is_empty())
                };
                view.rows.iter().filter(risky).count()
            });
    }

    fn table<'a>(&self, app: &'a App) -> Table<'a> {
        let now = app.clock.now();
        let limits = app.settings.thresholds;
        let items = app.store.credentials.items();
        let at_risk = app.credentials_at_risk.get();
        let extra = format!(
            " · {} at risk (key age > {}d)",
            group(at_risk),
            limits.age_days
        );
        let cell = move |row: u32, col: usize| {
            let r = &items[row as usize];
            let risks = r.risks(now, limits);
            let key = |slot: u8| r.access_keys.iter().find(|k| k.slot == slot);
            let key_slot = |slot: u8| {
                let old = key(slot).is_some_and(|k| {
                    k.active
                        && k.last_rotated.is_some_and(|t| {
                            crate::model::age::days_between(t, now) > limits.age_days
                        })
                });
                if old {
                    Slot::Warning
                } else {
                    Slot::Text
                }
            };
            match col {
                0 => Cell::new(app.store.accounts.name(&r.account_id), Slot::Text),
                1 => Cell::new(
                    r.user.as_str(),
                    if r.is_root { Slot::Accent } else { Slot::Text },
                ),
                2 => Cell::new(
                    match (r.password_enabled, r.password_last_used) {
                        (Some(false), _) => "none".to_string(),
                        (_, Some(u)) => format!("used {}", format_age(u, now)),
                        (Some(true), None) => "never used".to_string(),
                        (None, None) => "—".to_string(),
                    },
                    if risks.contains(CredentialRisk::UNUSED_PASSWORD) {
                        Slot::Warning
                    } else {
                        Slot::Muted
                    },
                ),
                3 => {
                    let needs_mfa = r.is_root || r.has_console_password();
                    if r.mfa_active {
                        Cell::new("yes", Slot::Ok)
                    } else if needs_mfa {
                        Cell::new("NO", Slot::Critical)
                    } else {
                        Cell::new("no", Slot::Muted)
                    }
                }
                4 => Cell::new(key_text(key(1), now), key_slot(1)),
                5 => Cell::new(key_text(key(2), now), key_slot(2)),
                _ => {
                    let labels: Vec<&str> = risks.labels().collect();
                    let slot = if risks.contains(CredentialRisk::ROOT_KEYS)
                        || risks.contains(CredentialRisk::ROOT_NO_MFA)
                    {
                        Slot::Critical
                    } else if risks.is_empty() {
                        Slot::Muted
                    } else {
                        Slot::High
                    };
                    Cell::new(
                        if labels.is_empty() {
                            "—".to_string()
                        } else {
                            labels.join(" ")
                        },
                        slot,
                    )
                }
            }
        };
        Table {
            extra,
            cell: Box::new(cell),
        }
    }

    fn detail(&self, app: &App, detail: &Detail, doc: &mut Doc) -> String {
        let Some(r) = app.store.credentials.get(detail.target.row) else {
            return "gone".into();
        };
        let now = app.clock.now();
        let time = |v| app.detail_time(v);
        doc.field("User", &r.user, Slot::Text);
        doc.field("ARN", &r.arn, Slot::Muted);
        doc.field("Account", &app.account_label(&r.account_id), Slot::Text);
        doc.field("Created", &time(r.user_creation_time), Slot::Text);
        let pw = match r.password_enabled {
            Some(true) => "enabled",
            Some(false) => "none",
            None => "not supported",
        };
        doc.field("Password", pw, Slot::Text);
        doc.field("Password used", &time(r.password_last_used), Slot::Text);
        doc.field("Password set", &time(r.password_last_changed), Slot::Text);
        doc.field(
            "MFA",
            if r.mfa_active { "active" } else { "none" },
            Slot::Text,
        );
        for k in &r.access_keys {
            doc.section(&format!("Access key {}", k.slot));
            doc.field("Summary", &key_text(Some(k), now), Slot::Text);
            doc.field("Rotated", &time(k.last_rotated), Slot::Text);
            doc.field("Last used", &time(k.last_used), Slot::Text);
            let svc = format!(
                "{} in {}",
                k.last_used_service.as_deref().unwrap_or("—"),
                k.last_used_region.as_deref().unwrap_or("—")
            );
            doc.field("Last service", &svc, Slot::Muted);
        }
        let risks: Vec<&str> = r.risks(now, app.settings.thresholds).labels().collect();
        doc.section("Risks");
        doc.field(
            "Flags",
            &if risks.is_empty() {
                "none".into()
            } else {
                risks.join(", ")
            },
            Slot::High,
        );
        if let Some(at) = app.store.credential_reports.get(&r.account_id) {
            doc.field("Report", &time(Some(*at)), Slot::Muted);
        }
        let unused = crate::store::related::unused_access(&app.store, &r.arn);
        if !unused.is_empty() {
            doc.section("Unused access (Access Analyzer)");
            for f in unused {
                doc.field(f.severity.short(), &f.title, Slot::severity(f.severity));
            }
        }
        let config =
            crate::store::related::user_compliance(&app.store, &r.account_id, &r.user, &r.arn);
        if !config.is_empty() {
            doc.section("AWS Config");
            for c in config {
                let what = format!(
                    "{} in {}{}",
                    c.compliance_type,
                    c.region.as_deref().unwrap_or("—"),
                    c.annotation
                        .as_deref()
                        .map(|a| format!(": {a}"))
                        .unwrap_or_default()
                );
                let slot = if c.compliance_type == "NON_COMPLIANT" {
                    Slot::High
                } else {
                    Slot::Muted
                };
                doc.field(&c.rule, &what, slot);
            }
        }
        let recent = crate::store::related::activity(&app.store, &r.account_id, &r.user, 10);
        doc.section(&format!("Recent CloudTrail activity ({})", recent.len()));
        if recent.is_empty() {
            doc.line("none in the events loaded", Slot::Muted);
        }
        for e in recent {
            let what = format!(
                "{} ({}) from {}{}",
                e.event_name,
                e.service(),
                e.source_ip.as_deref().unwrap_or("—"),
                e.error_code
                    .as_deref()
                    .map(|c| format!(", failed: {c}"))
                    .unwrap_or_default()
            );
            let slot = if e.detections.is_empty() {
                Slot::Text
            } else {
                Slot::Detection
            };
            doc.field(&time(Some(e.event_time)), &what, slot);
        }
        format!("{} in {}", r.user, app.store.accounts.name(&r.account_id))
    }

    fn copy(&self, store: &Store, row: u32, link: bool) -> Option<String> {
        (!link).then(|| store.credentials.get(row).map(|c| c.arn.clone()))?
    }

    fn runbook(&self, app: &App, row: u32) -> Result<(String, String), String> {
        let c = app.store.credentials.get(row).ok_or("no user selected")?;
        let risks = c.risks(app.clock.now(), app.settings.thresholds);
        let flags: Vec<&str> = risks.labels().collect();
        match app.runbooks.for_credential_flags(flags.iter().copied()) {
            Some(rb) => Ok((rb.id.clone(), format!("{}: {}", c.user, flags.join(" ")))),
            None => Err("no risk flag on this user, so no runbook".into()),
        }
    }

    fn summary(&self, app: &App) -> crate::analysis::summary::Summary {
        crate::analysis::summary::credentials_of(
            &app.store,
            Some(&app.view(Pane::Credentials).rows),
            app.settings.thresholds,
            app.clock.now(),
        )
    }
}
