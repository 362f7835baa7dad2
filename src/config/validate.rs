//! What the types cannot say: ranges, account ids, region names, saved views against the
//! panes' vocabulary, theme names. Each mistake is named with its file, line and column.

use super::*;
use crate::util::diagnostic::{render_path, span_of, Diagnostic, Seg};
use std::path::Path;

/// A saved view names a pane, that pane's sort column and fields, and a grouping.
fn check_view(
    view: &SavedView,
    before: &[SavedView],
    vocabulary: &Vocabulary,
) -> Result<(), (&'static str, String)> {
    if view.name.trim().is_empty() || view.name.contains(char::is_whitespace) {
        return Err(("name", "expected a name without spaces".into()));
    }
    if before.iter().any(|v| v.name == view.name) {
        return Err(("name", format!("`{}` is already a view's name", view.name)));
    }
    let Some(pane) = vocabulary.pane(&view.pane) else {
        return Err((
            "pane",
            format!("expected {}, found {:?}", vocabulary.pane_ids(), view.pane),
        ));
    };
    crate::store::query::TextQuery::parse_for(&view.filter, pane.fields)
        .map_err(|e| ("filter", e.to_string()))?;
    if let Some(sort) = &view.sort {
        if !pane.sorts.contains(&sort.as_str()) {
            return Err((
                "sort",
                format!("expected one of {}, found {sort:?}", pane.sorts.join(", ")),
            ));
        }
    }
    if let Some(group) = &view.group {
        if !pane.groups {
            return Err(("group", "only the findings pane groups".into()));
        }
        if crate::analysis::summary::GroupBy::parse(group).is_none() {
            return Err((
                "group",
                format!("expected account, resource, type, product or control, found {group:?}"),
            ));
        }
    }
    Ok(())
}

/// Inclusive bounds of the numeric settings; days beyond ten years are surely a typo.
const DAYS_RANGE: (u32, u32) = (1, 3650);

const TICK_RANGE: (u32, u32) = (1, 3600);

/// Checks what the types cannot express, and fills derived defaults (account names).
pub(crate) fn validate(
    config: &mut Config,
    text: &str,
    file: &Path,
    vocabulary: &Vocabulary,
) -> Result<(), Diagnostic> {
    let fail = |path: &[Seg], message: String| {
        let offset = span_of(text, path).map(|s| s.start);
        Diagnostic::at(
            file,
            text,
            offset,
            format!("{}: {message}", render_path(path)),
        )
    };
    let days = [
        ("credential_age_days", config.thresholds.credential_age_days),
        ("unused_days", config.thresholds.unused_days),
    ];
    for (key, value) in days {
        check_range(value, DAYS_RANGE, "days")
            .map_err(|m| fail(&[Seg::Key("thresholds"), Seg::Key(key)], m))?;
    }
    for (key, bar) in config.overview.named() {
        if bar.act > 0 && bar.look > bar.act {
            return Err(fail(
                &[Seg::Key("overview"), Seg::Key(key)],
                format!(
                    "expected [look, act] with look at most act (0 turns a level off), found [{}, {}]",
                    bar.look, bar.act
                ),
            ));
        }
    }
    let d = &config.detections;
    for (key, value, range, unit) in [
        ("failed_logins", d.failed_logins, (2, 1000), "failures"),
        (
            "failed_login_minutes",
            d.failed_login_minutes,
            (1, 1440),
            "minutes",
        ),
        ("access_denied", d.access_denied, (2, 10_000), "errors"),
        (
            "access_denied_minutes",
            d.access_denied_minutes,
            (1, 1440),
            "minutes",
        ),
    ] {
        check_range(value, range, unit)
            .map_err(|m| fail(&[Seg::Key("detections"), Seg::Key(key)], m))?;
    }
    // CloudTrail keeps 90 days; a window beyond that asks for nothing it has.
    for (key, value) in [
        ("before_minutes", config.timeline.before_minutes),
        ("after_minutes", config.timeline.after_minutes),
    ] {
        check_range(value, (0, 90 * 24 * 60), "minutes")
            .map_err(|m| fail(&[Seg::Key("timeline"), Seg::Key(key)], m))?;
    }
    for (i, pattern) in config.writes.read_only.iter().enumerate() {
        let at = [Seg::Key("writes"), Seg::Key("read_only"), Seg::Index(i)];
        if pattern.trim().is_empty() {
            return Err(fail(
                &at,
                "expected an account id or name (globs like \"prod-*\"), found a blank one".into(),
            ));
        }
        if pattern.trim() != pattern {
            // A padded id would silently protect nothing: refuse it rather than guess.
            return Err(fail(
                &at,
                format!(
                    "{pattern:?} has spaces around it: write {:?}",
                    pattern.trim()
                ),
            ));
        }
    }
    check_range(config.replay.max_file_mb, (1, 1 << 20), "MiB")
        .map_err(|m| fail(&[Seg::Key("replay"), Seg::Key("max_file_mb")], m))?;
    check_range(
        config.replay.max_records_per_file,
        (1, 1_000_000_000),
        "records",
    )
    .map_err(|m| fail(&[Seg::Key("replay"), Seg::Key("max_records_per_file")], m))?;
    check_range(config.demo.tick_seconds, TICK_RANGE, "seconds")
        .map_err(|m| fail(&[Seg::Key("demo"), Seg::Key("tick_seconds")], m))?;
    let hub = &config.securityhub;
    let at = |key: &'static str| [Seg::Key("securityhub"), Seg::Key(key)];
    check_range(hub.poll_seconds, (10, 86_400), "seconds")
        .map_err(|m| fail(&at("poll_seconds"), m))?;
    check_range(hub.reconcile_minutes, (1, 1440), "minutes")
        .map_err(|m| fail(&at("reconcile_minutes"), m))?;
    // 0 (off) and over 100 only make sense against a local emulator, which has no AWS limits.
    check_range(hub.pace_percent, (0, 1000), "percent")
        .map_err(|m| fail(&at("pace_percent"), m))?;
    if hub.statuses.is_empty() {
        return Err(fail(
            &at("statuses"),
            "must name at least one workflow status".into(),
        ));
    }
    for (i, status) in hub.statuses.iter().enumerate() {
        if crate::model::WorkflowStatus::parse(status).is_none() {
            return Err(fail(
                &[Seg::Key("securityhub"), Seg::Key("statuses"), Seg::Index(i)],
                format!("expected NEW, NOTIFIED, RESOLVED or SUPPRESSED, found {status:?}"),
            ));
        }
    }
    let ranges = [
        (
            "access_analyzer",
            "poll_minutes",
            config.access_analyzer.poll_minutes,
            (1, 1440),
            "minutes",
        ),
        (
            "aws_config",
            "poll_minutes",
            config.aws_config.poll_minutes,
            (1, 1440),
            "minutes",
        ),
        (
            "cloudtrail",
            "poll_seconds",
            config.cloudtrail.poll_seconds,
            (10, 86_400),
            "seconds",
        ),
        // LookupEvents keeps 90 days.
        (
            "cloudtrail",
            "lookback_hours",
            config.cloudtrail.lookback_hours,
            (1, 90 * 24),
            "hours",
        ),
        (
            "cloudtrail",
            "max_pages",
            config.cloudtrail.max_pages,
            (1, 10_000),
            "pages",
        ),
        (
            "cloudtrail",
            "keep_hours",
            config.cloudtrail.keep_hours,
            (1, 90 * 24),
            "hours",
        ),
    ];
    for (table, key, value, range, unit) in ranges {
        check_range(value, range, unit).map_err(|m| fail(&[Seg::Key(table), Seg::Key(key)], m))?;
    }
    let trail = &config.cloudtrail;
    if trail.keep_hours < trail.lookback_hours {
        return Err(fail(
            &[Seg::Key("cloudtrail"), Seg::Key("keep_hours")],
            format!(
                "expected at least lookback_hours ({}), found {}: the first poll's events would be dropped",
                trail.lookback_hours, trail.keep_hours
            ),
        ));
    }
    if !matches!(hub.api.as_str(), "asff" | "ocsf") {
        return Err(fail(
            &[Seg::Key("securityhub"), Seg::Key("api")],
            format!("expected \"asff\" or \"ocsf\", found {:?}", hub.api),
        ));
    }
    let configured = |who: &str| config.accounts.iter().any(|a| a.id == who || a.name == who);
    let expected_account =
        |who: &str| format!("expected the id or name of a configured account, found {who:?}");
    // An aggregator lives in one region that its account polls: not "all", and in that
    // account's regions (unless they are all), or nothing would ask it.
    let aggregator_region = |who: &str, region: &str| -> Result<(), String> {
        if region == ALL_REGIONS {
            return Err(
                "expected the aggregator's one region, such as \"us-east-1\", not \"all\"".into(),
            );
        }
        check_region(region)?;
        let account = config
            .accounts
            .iter()
            .find(|a| a.id == who || a.name == who);
        let regions = account.map_or(&config.regions, |a| {
            if a.regions.is_empty() {
                &config.regions
            } else {
                &a.regions
            }
        });
        if regions.is_empty() || regions.iter().any(|r| r == region || r == ALL_REGIONS) {
            Ok(())
        } else {
            Err(format!(
                "{region:?} is not among the regions polled in {who} ({})",
                regions.join(", ")
            ))
        }
    };
    if !hub.aggregator_account.is_empty() {
        let at = |key: &'static str| [Seg::Key("securityhub"), Seg::Key(key)];
        if !configured(&hub.aggregator_account) {
            return Err(fail(
                &at("aggregator_account"),
                expected_account(&hub.aggregator_account),
            ));
        }
        aggregator_region(&hub.aggregator_account, &hub.aggregator_region)
            .map_err(|m| fail(&at("aggregator_region"), m))?;
    }
    let org = &config.organization;
    if !org.discover_from.is_empty() {
        let at = |key: &'static str| [Seg::Key("organization"), Seg::Key(key)];
        if !configured(&org.discover_from) {
            return Err(fail(
                &at("discover_from"),
                expected_account(&org.discover_from),
            ));
        }
        let name_ok = !org.role_name.is_empty()
            && org
                .role_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
        if !name_ok {
            return Err(fail(
                &at("role_name"),
                format!(
                    "expected the name of the role to assume in each account, such as \"SecurityAudit\", found {:?}",
                    org.role_name
                ),
            ));
        }
    }
    let agg = &config.aws_config;
    if !agg.aggregator.is_empty() {
        let at = |key: &'static str| [Seg::Key("aws_config"), Seg::Key(key)];
        if !configured(&agg.aggregator_account) {
            return Err(fail(
                &at("aggregator_account"),
                expected_account(&agg.aggregator_account),
            ));
        }
        aggregator_region(&agg.aggregator_account, &agg.aggregator_region)
            .map_err(|m| fail(&at("aggregator_region"), m))?;
    }
    // Identity Center and the WA Tool are read in one account and region each.
    let placed = [
        (
            "identity_center",
            &config.identity_center.account,
            &config.identity_center.region,
        ),
        (
            "wellarchitected",
            &config.wellarchitected.account,
            &config.wellarchitected.region,
        ),
    ];
    for (table, account, region) in placed {
        if account.is_empty() {
            continue;
        }
        if !configured(account) {
            return Err(fail(
                &[Seg::Key(table), Seg::Key("account")],
                expected_account(account),
            ));
        }
        aggregator_region(account, region)
            .map_err(|m| fail(&[Seg::Key(table), Seg::Key("region")], m))?;
    }
    if let Err(m) = config.wellarchitected.check() {
        return Err(fail(
            &[Seg::Key("wellarchitected"), Seg::Key("workloads")],
            m,
        ));
    }
    if hub.record_states.is_empty() {
        return Err(fail(
            &[Seg::Key("securityhub"), Seg::Key("record_states")],
            "must name at least one record state".into(),
        ));
    }
    for (i, state) in hub.record_states.iter().enumerate() {
        if record_state(state).is_none() {
            return Err(fail(
                &[
                    Seg::Key("securityhub"),
                    Seg::Key("record_states"),
                    Seg::Index(i),
                ],
                format!("expected ACTIVE or ARCHIVED, found {state:?}"),
            ));
        }
    }
    if let Some(theme) = &config.display.theme {
        crate::theme::check_theme_name(theme)
            .map_err(|m| fail(&[Seg::Key("display"), Seg::Key("theme")], m))?;
    }
    for (i, region) in config.regions.iter().enumerate() {
        check_region(region).map_err(|m| fail(&[Seg::Key("regions"), Seg::Index(i)], m))?;
    }
    let mut columns = std::collections::BTreeMap::new();
    for (key, chosen) in &config.columns.0 {
        let Some(pane) = vocabulary.pane(key) else {
            let ids: Vec<String> = vocabulary.panes.iter().map(|p| p.id.to_string()).collect();
            return Err(fail(
                &[Seg::Key("columns"), Seg::Key(key)],
                format!(
                    "unknown pane `{key}`: {}",
                    crate::util::suggest::suggest(key, &ids).replace("valid keys", "the panes are")
                ),
            ));
        };
        if pane.id != key {
            config.deprecations.push(format!(
                "{}: [columns] {key} is an old name: write {} instead",
                file.display(),
                pane.id
            ));
        }
        let titles = &pane.columns;
        if chosen.is_empty() {
            return Err(fail(
                &[Seg::Key("columns"), Seg::Key(key)],
                format!("expected at least one of {}", titles.join(", ")),
            ));
        }
        for (i, name) in chosen.iter().enumerate() {
            if !titles.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                return Err(fail(
                    &[Seg::Key("columns"), Seg::Key(key), Seg::Index(i)],
                    format!("expected one of {}, found {name:?}", titles.join(", ")),
                ));
            }
        }
        columns.insert(pane.id.to_string(), chosen.clone());
    }
    config.columns.0 = columns;
    for (i, view) in config.views.iter().enumerate() {
        let at = |key: &'static str| [Seg::Key("views"), Seg::Index(i), Seg::Key(key)];
        check_view(view, &config.views[..i], vocabulary).map_err(|(key, m)| fail(&at(key), m))?;
    }
    for i in 0..config.accounts.len() {
        let at = |key: &'static str| [Seg::Key("accounts"), Seg::Index(i), Seg::Key(key)];
        let account = &config.accounts[i];
        check_account_id(&account.id).map_err(|m| fail(&at("id"), m))?;
        if let Some(j) = config.accounts[..i].iter().position(|a| a.id == account.id) {
            return Err(fail(&at("id"), format!("duplicate of accounts[{j}].id")));
        }
        check_account(account).map_err(|(key, m)| fail(&at(key), m))?;
        for (r, region) in account.regions.iter().enumerate() {
            let path = [
                Seg::Key("accounts"),
                Seg::Index(i),
                Seg::Key("regions"),
                Seg::Index(r),
            ];
            check_region(region).map_err(|m| fail(&path, m))?;
        }
        let account = &mut config.accounts[i];
        if account.name.is_empty() {
            account.name = account.id.clone();
        }
    }
    Ok(())
}

pub(crate) fn record_state(s: &str) -> Option<crate::model::RecordState> {
    match s.trim().to_ascii_uppercase().as_str() {
        "ACTIVE" => Some(crate::model::RecordState::Active),
        "ARCHIVED" => Some(crate::model::RecordState::Archived),
        _ => None,
    }
}

fn check_range(value: u32, (lo, hi): (u32, u32), unit: &str) -> Result<(), String> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("must be {lo} to {hi} {unit}, found {value}"))
    }
}

fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "expected a 12-digit AWS account id, found {id:?} (quote it to keep leading zeros)"
        ))
    }
}

/// Per-account rules other than the id; the error names the offending key.
fn check_account(account: &Account) -> Result<(), (&'static str, String)> {
    if let Some(arn) = &account.role_arn {
        if !arn.starts_with("arn:") {
            return Err((
                "role_arn",
                format!("expected an IAM role ARN starting with `arn:`, found {arn:?}"),
            ));
        }
    }
    if account.external_id.is_some() && account.role_arn.is_none() {
        return Err((
            "external_id",
            "is only used when assuming a role: set `role_arn` too".into(),
        ));
    }
    Ok(())
}

/// Loose on purpose: new regions appear every year, so only the shape is checked.
fn check_region(region: &str) -> Result<(), String> {
    if region == ALL_REGIONS {
        return Ok(());
    }
    if crate::model::region::is_region_name(region) {
        Ok(())
    } else {
        Err(format!(
            "expected a region name such as \"us-east-1\", or \"all\", found {region:?}"
        ))
    }
}
