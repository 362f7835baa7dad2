//! The detail view: every field of one row, then its raw record, scrollable.

use crate::app::{App, Detail, DetailTarget};
use crate::model::age::format_age;
use crate::ui::panes::credentials::key_text;
use crate::util::sanitize::{clean, clean_multiline};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// The field lines above the raw record (built per frame for one row only).
fn field_lines(app: &App, detail: &Detail) -> (String, Vec<Line<'static>>) {
    let target = detail.target;
    let t = &app.theme;
    let now = app.clock.now();
    let time = |v: Option<chrono::DateTime<chrono::Utc>>| {
        v.map(|v| {
            format!(
                "{}  ({} ago)",
                app.settings.time.format(v),
                format_age(v, now)
            )
        })
        .unwrap_or_else(|| "—".into())
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    let field = |lines: &mut Vec<Line<'static>>, name: &str, value: &str, style: Style| {
        lines.push(Line::from(vec![
            // Labels can be external too (a resource's type).
            Span::styled(format!("{:>14}  ", clean(name)), t.muted),
            Span::styled(clean(value).into_owned(), style),
        ]));
    };
    let section = |lines: &mut Vec<Line<'static>>, name: &str| {
        lines.push(Line::raw(""));
        lines.push(Line::styled(clean(name).into_owned(), t.title));
    };
    let account = |id: &str| format!("{} ({id})", app.store.accounts.name(id));
    let title;
    match target {
        DetailTarget::Finding(i) => {
            let Some(f) = app.store.findings.get(i) else {
                return ("gone".into(), lines);
            };
            title = f.title.to_string();
            field(
                &mut lines,
                "Severity",
                f.severity.label(),
                t.severity(f.severity),
            );
            field(&mut lines, "Product", &f.product, t.text);
            field(&mut lines, "Account", &account(&f.account_id), t.text);
            field(&mut lines, "Region", &f.region, t.text);
            let status = format!("{} · record {}", f.workflow_status, f.record_state.label());
            field(&mut lines, "Status", &status, t.text);
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
                field(&mut lines, "Triage", &what, t.accent);
            }
            if let Some(why) = app.store.refused(hash) {
                field(
                    &mut lines,
                    "Triage",
                    &format!("not changed: {why}"),
                    t.critical,
                );
            }
            if let Some((text, by)) = crate::store::pending::hub_note(f) {
                let by = if by.is_empty() { "unknown" } else { &by };
                field(&mut lines, "Hub note", &format!("{text} (by {by})"), t.text);
            }
            if let Some(c) = &f.control_id {
                let compliance = f.compliance_status.as_deref().unwrap_or("—");
                field(
                    &mut lines,
                    "Control",
                    &format!("{c} · compliance {compliance}"),
                    t.accent,
                );
            }
            field(&mut lines, "Types", &f.types.join(", "), t.text);
            if let Some(rb) = app.runbooks.for_finding(f) {
                field(
                    &mut lines,
                    "Runbook",
                    &format!("{} (r)", rb.title),
                    t.accent,
                );
            }
            field(
                &mut lines,
                "First observed",
                &time(f.first_observed_at),
                t.text,
            );
            field(
                &mut lines,
                "Last observed",
                &time(f.last_observed_at),
                t.text,
            );
            field(&mut lines, "Updated", &time(Some(f.updated_at)), t.text);
            field(&mut lines, "Id", &f.id, t.muted);
            field(&mut lines, "Product ARN", &f.product_arn, t.muted);
            field(&mut lines, "Generator", &f.generator_id, t.muted);
            if !f.description.is_empty() {
                section(&mut lines, "Description");
                for l in clean_multiline(&f.description).lines() {
                    lines.push(Line::styled(l.to_string(), t.text));
                }
            }
            section(&mut lines, &format!("Resources ({})", f.resources.len()));
            for r in &f.resources {
                field(&mut lines, &r.kind, &r.id, t.text);
                if let Some(region) = &r.region {
                    field(&mut lines, "region", region, t.muted);
                }
                for (k, v) in &r.tags {
                    field(&mut lines, "tag", &format!("{k}={v}"), t.muted);
                }
            }
            if f.remediation_text.is_some() || f.remediation_url.is_some() {
                section(&mut lines, "Remediation");
                if let Some(text) = &f.remediation_text {
                    for l in clean_multiline(text).lines() {
                        lines.push(Line::styled(l.to_string(), t.text));
                    }
                }
                if let Some(url) = &f.remediation_url {
                    field(&mut lines, "URL", url, t.accent);
                }
            }
            let history = app.store.history(crate::store::row_hash(f));
            if !history.is_empty() {
                section(&mut lines, "History (as this console saw it)");
                for c in history {
                    field(&mut lines, &time(Some(c.at)), &c.what, t.text);
                }
            }
            if let Some(c) = &detail.context {
                if c.same_resource_total > 0 {
                    section(
                        &mut lines,
                        &format!(
                            "Same resource ({} other finding{})",
                            c.same_resource_total,
                            if c.same_resource_total == 1 { "" } else { "s" }
                        ),
                    );
                    for (sev, title, product, status) in &c.same_resource {
                        let what = format!("{title} ({product}, {status})");
                        field(&mut lines, sev.short(), &what, t.severity(*sev));
                    }
                }
                if !c.exposures.is_empty() {
                    section(&mut lines, "Public access to the resource");
                    for (who, actions) in &c.exposures {
                        field(&mut lines, who, actions, t.high);
                    }
                }
                if !c.credentials.is_empty() {
                    section(&mut lines, "Credential report");
                    for (user, flags) in &c.credentials {
                        field(&mut lines, user, flags, t.text);
                    }
                }
            }
            // Last: a long line that wraps, and what one copies after reading the rest.
            section(&mut lines, "In the AWS console");
            let link = crate::model::console::securityhub_finding(&f.product_arn, &f.region, &f.id);
            // The region and id come from the data: cleaned like every other field.
            lines.push(Line::styled(clean(&link).into_owned(), t.accent));
        }
        DetailTarget::Event(i) => {
            let Some(e) = app.store.events.get(i) else {
                return ("gone".into(), lines);
            };
            title = format!("{} by {}", e.event_name, e.username);
            field(&mut lines, "Time", &time(Some(e.event_time)), t.text);
            field(
                &mut lines,
                "Event",
                &format!("{} ({})", e.event_name, e.event_source),
                t.text,
            );
            field(&mut lines, "Caller", &e.username, t.text);
            field(
                &mut lines,
                "Principal",
                e.principal_arn.as_deref().unwrap_or("—"),
                t.muted,
            );
            field(
                &mut lines,
                "Access key",
                e.access_key_id.as_deref().unwrap_or("—"),
                t.muted,
            );
            field(&mut lines, "Account", &account(&e.account_id), t.text);
            field(&mut lines, "Region", &e.region, t.text);
            field(
                &mut lines,
                "Source IP",
                e.source_ip.as_deref().unwrap_or("—"),
                t.text,
            );
            field(
                &mut lines,
                "User agent",
                e.user_agent.as_deref().unwrap_or("—"),
                t.muted,
            );
            match &e.error_code {
                Some(code) => field(&mut lines, "Result", &format!("failed: {code}"), t.failed),
                None => field(&mut lines, "Result", "succeeded", t.ok),
            }
            let link = crate::model::console::cloudtrail_event(
                e.principal_arn.as_deref(),
                &e.region,
                &e.event_id,
            );
            field(&mut lines, "Console", &link, t.accent);
            if !e.detections.is_empty() {
                section(&mut lines, "Detections");
                for d in &e.detections {
                    let Some(rule) = crate::drill::detect::rule(d) else {
                        field(&mut lines, d, "", t.detection);
                        continue;
                    };
                    let what = format!("{} ({})", rule.title, rule.severity.label());
                    field(&mut lines, d, &what, t.detection);
                    field(&mut lines, "ATT&CK", rule.mitre, t.muted);
                    if let Some(rb) = app.runbooks.for_detection(d) {
                        field(
                            &mut lines,
                            "Runbook",
                            &format!("{} (r)", rb.title),
                            t.accent,
                        );
                    }
                }
            }
        }
        DetailTarget::Credential(i) => {
            let Some(r) = app.store.credentials.get(i) else {
                return ("gone".into(), lines);
            };
            title = format!("{} in {}", r.user, app.store.accounts.name(&r.account_id));
            field(&mut lines, "User", &r.user, t.text);
            field(&mut lines, "ARN", &r.arn, t.muted);
            field(&mut lines, "Account", &account(&r.account_id), t.text);
            field(&mut lines, "Created", &time(r.user_creation_time), t.text);
            let pw = match r.password_enabled {
                Some(true) => "enabled",
                Some(false) => "none",
                None => "not supported",
            };
            field(&mut lines, "Password", pw, t.text);
            field(
                &mut lines,
                "Password used",
                &time(r.password_last_used),
                t.text,
            );
            field(
                &mut lines,
                "Password set",
                &time(r.password_last_changed),
                t.text,
            );
            field(
                &mut lines,
                "MFA",
                if r.mfa_active { "active" } else { "none" },
                t.text,
            );
            for k in &r.access_keys {
                section(&mut lines, &format!("Access key {}", k.slot));
                field(&mut lines, "Summary", &key_text(Some(k), now), t.text);
                field(&mut lines, "Rotated", &time(k.last_rotated), t.text);
                field(&mut lines, "Last used", &time(k.last_used), t.text);
                let svc = format!(
                    "{} in {}",
                    k.last_used_service.as_deref().unwrap_or("—"),
                    k.last_used_region.as_deref().unwrap_or("—")
                );
                field(&mut lines, "Last service", &svc, t.muted);
            }
            let risks: Vec<&str> = r.risks(now, app.settings.thresholds).labels().collect();
            section(&mut lines, "Risks");
            field(
                &mut lines,
                "Flags",
                &if risks.is_empty() {
                    "none".into()
                } else {
                    risks.join(", ")
                },
                t.high,
            );
            if let Some(at) = app.store.credential_reports.get(&r.account_id) {
                field(&mut lines, "Report", &time(Some(*at)), t.muted);
            }
            let unused = crate::store::related::unused_access(&app.store, &r.arn);
            if !unused.is_empty() {
                section(&mut lines, "Unused access (Access Analyzer)");
                for f in unused {
                    field(
                        &mut lines,
                        f.severity.short(),
                        &f.title,
                        t.severity(f.severity),
                    );
                }
            }
            let config =
                crate::store::related::user_compliance(&app.store, &r.account_id, &r.user, &r.arn);
            if !config.is_empty() {
                section(&mut lines, "AWS Config");
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
                    let style = if c.compliance_type == "NON_COMPLIANT" {
                        t.high
                    } else {
                        t.muted
                    };
                    field(&mut lines, &c.rule, &what, style);
                }
            }
            let recent = crate::store::related::activity(&app.store, &r.account_id, &r.user, 10);
            section(
                &mut lines,
                &format!("Recent CloudTrail activity ({})", recent.len()),
            );
            if recent.is_empty() {
                lines.push(Line::styled("none in the events loaded", t.muted));
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
                let style = if e.detections.is_empty() {
                    t.text
                } else {
                    t.detection
                };
                field(&mut lines, &time(Some(e.event_time)), &what, style);
            }
        }
        DetailTarget::Compliance(i) => {
            let Some(c) = app.store.compliance.get(i) else {
                return ("gone".into(), lines);
            };
            title = format!(
                "{} on {}",
                c.rule,
                crate::model::finding::short_resource_id(&c.resource_id)
            );
            field(&mut lines, "Rule", &c.rule, t.text);
            field(&mut lines, "Result", &c.compliance_type, t.high);
            field(&mut lines, "Resource", &c.resource_id, t.text);
            field(&mut lines, "Type", &c.resource_type, t.text);
            let acct = c.account_id.as_deref().unwrap_or("");
            field(&mut lines, "Account", &account(acct), t.text);
            field(
                &mut lines,
                "Region",
                c.region.as_deref().unwrap_or("—"),
                t.text,
            );
            field(&mut lines, "Recorded", &time(c.recorded_at), t.text);
            section(&mut lines, "Annotation");
            let note = c.annotation.as_deref().unwrap_or("none given by the rule");
            for l in clean_multiline(note).lines() {
                lines.push(Line::styled(l.to_string(), t.text));
            }
            let others = app
                .store
                .compliance
                .items()
                .iter()
                .filter(|o| o.rule == c.rule)
                .count();
            field(
                &mut lines,
                "Same rule",
                &format!("{others} non-compliant resources"),
                t.muted,
            );
        }
        DetailTarget::Exposure(i) => {
            let Some(e) = app.store.exposures.get(i) else {
                return ("gone".into(), lines);
            };
            title = format!(
                "{} ({})",
                crate::model::finding::short_resource_id(&e.resource),
                e.short_type()
            );
            field(&mut lines, "Resource", &e.resource, t.text);
            field(&mut lines, "Type", &e.resource_type, t.text);
            field(&mut lines, "Account", &account(&e.account_id), t.text);
            field(&mut lines, "Region", &e.region, t.text);
            field(
                &mut lines,
                "Access",
                &e.grantee(),
                if e.is_public { t.critical } else { t.high },
            );
            field(&mut lines, "Principal", &e.principal, t.text);
            field(&mut lines, "Actions", &e.actions.join(", "), t.text);
            let conditions = if e.conditions.is_empty() {
                "none".into()
            } else {
                e.conditions.join(", ")
            };
            field(&mut lines, "Conditions", &conditions, t.text);
            field(&mut lines, "Status", &e.status, t.text);
            field(&mut lines, "Updated", &time(Some(e.updated_at)), t.text);
            let marks = app.exposure_marks().marks(e, &app.store.accounts);
            if !marks.is_empty() {
                field(&mut lines, "Marked", &marks.join(", "), t.critical);
            }
            // A control's row carries its finding's store key: id, unit separator, product.
            let id = e.id.split('\u{1f}').next().unwrap_or(&e.id);
            field(&mut lines, "Finding id", id, t.muted);
            let source = if e.is_control() {
                "Security Hub control (its finding is in the findings pane)"
            } else {
                &e.source
            };
            field(&mut lines, "Source", source, t.muted);
            if e.source == "access-analyzer" {
                let link =
                    crate::model::console::access_analyzer_finding(&e.resource, &e.region, &e.id);
                field(&mut lines, "Console", &link, t.accent);
            }
        }
    }
    let (tab, row) = target.pane_and_row();
    if let Some(note) = app.note_for(tab, row) {
        // The operator's own words first: it is why they came back to this row.
        let mut top = vec![Line::styled(
            clean(&format!(
                "Note by {}, {} (n edits)",
                note.author,
                app.settings.time.format(note.at)
            ))
            .into_owned(),
            t.accent,
        )];
        top.extend(
            clean_multiline(&note.text)
                .lines()
                .map(|l| Line::styled(l.to_string(), t.text)),
        );
        top.push(Line::raw(""));
        lines.splice(0..0, top);
    }
    (title, lines)
}

/// Total lines of the detail view, for clamping the scroll position.
pub fn content_len(app: &App, detail: &Detail) -> usize {
    let (_, fields) = field_lines(app, detail);
    fields.len() + raw_header_len(detail) + detail.raw_lines.len()
}

fn raw_header_len(detail: &Detail) -> usize {
    if detail.raw_lines.is_empty() {
        0
    } else {
        2
    }
}

/// Rows of text the detail view has on screen.
pub fn visible_rows(pane_height: u16) -> usize {
    pane_height.saturating_sub(1) as usize
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, detail: &Detail) {
    let t = &app.theme;
    let (title, mut lines) = field_lines(app, detail);
    if !detail.raw_lines.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Raw record (JSON, as read)", t.title));
    }
    let height = visible_rows(area.height);
    let fields_len = lines.len();
    let total = fields_len + detail.raw_lines.len();
    let scroll = detail.scroll.min(total.saturating_sub(height));
    // Only the visible slice of the (possibly long) raw record becomes lines.
    let mut visible: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    let raw_start = scroll.saturating_sub(fields_len);
    let raw_take = height - visible.len();
    visible.extend(
        detail
            .raw_lines
            .iter()
            .skip(raw_start)
            .take(raw_take)
            .map(|l| Line::styled(l.as_str(), t.muted)),
    );
    let pos = if total > height {
        format!(
            " {}-{} of {} ",
            scroll + 1,
            (scroll + height).min(total),
            total
        )
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border_focused)
        .title(Line::from(vec![
            Span::styled(format!(" {} ", clean(&title)), t.title_focused),
            Span::styled(pos, t.muted),
        ]));
    frame.render_widget(
        Paragraph::new(visible)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
