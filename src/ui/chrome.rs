//! The frame around the panes: tab bar, counts line, status line, filter line.

use super::layout::{self, BRAND};
use crate::app::{App, Pane, Prompt, PromptKind};
use crate::feed::Status;
use crate::model::Severity;
use crate::store::query::View;
use crate::util::sanitize::{clean, truncate_to_width};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn tab_bar(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let overview_style = if app.panes.overview && app.overlays.detail.is_none() {
        t.tab_active
    } else {
        t.tab
    };
    let mut spans = vec![
        Span::styled(BRAND, t.title_focused),
        Span::styled("│", t.border),
        Span::styled(layout::OVERVIEW_LABEL, overview_style),
    ];
    for (_, _, tab) in layout::tab_ranges(area.width) {
        let style = if tab == app.panes.tab && !app.panes.overview && app.overlays.detail.is_none()
        {
            t.tab_active
        } else {
            t.tab
        };
        spans.push(Span::styled(layout::tab_label(tab, area.width), style));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let right = format!(
        "{} · {} accounts ",
        app.settings.mode_label,
        app.store.accounts.len()
    );
    let room = (area.width as usize).saturating_sub(used);
    if room > right.len() {
        spans.push(Span::raw(" ".repeat(room - right.len())));
        spans.push(Span::styled(right, t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Open findings by severity, then the accounts with the most critical and high ones.
pub fn counts_line(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let counts = app.store.counts();
    let mut spans = vec![Span::raw(" ")];
    for sev in Severity::ALL_DESC {
        spans.push(Span::styled(
            format!("{} {}", sev.short(), group(counts.severity(sev))),
            t.severity(sev),
        ));
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled("│ ", t.border));
    let mut ranked: Vec<(&String, &[usize; 5])> = counts.by_account.iter().collect();
    ranked.sort_by(|a, b| {
        let key = |c: &[usize; 5]| (c[Severity::Critical as usize], c[Severity::High as usize]);
        key(b.1).cmp(&key(a.1)).then_with(|| a.0.cmp(b.0))
    });
    let mut width: usize = spans.iter().map(|s| s.width()).sum();
    for (id, c) in ranked {
        let name = clean(app.store.accounts.name(id)).into_owned();
        let crit = c[Severity::Critical as usize];
        let high = c[Severity::High as usize];
        let text = format!("{name} {crit}C {high}H  ");
        if width + text.chars().count() > area.width as usize {
            break;
        }
        width += text.chars().count();
        let style = if crit > 0 { t.critical } else { t.text };
        spans.push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Source freshness on the left, a message or key hints on the right.
pub fn status_line(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    if let Some(prompt) = &app.overlays.prompt {
        frame.render_widget(Paragraph::new(prompt_line(app, prompt, area.width)), area);
        return;
    }
    let (text, style) = freshness(app);
    let mut spans = vec![Span::raw(" "), Span::styled(text, style)];
    let left: usize = spans.iter().map(|s| s.width()).sum();
    let right = match &app.flash {
        Some(f) => Span::styled(clean(&f.text).into_owned(), t.accent),
        None => Span::styled(hints(app), t.key_hint),
    };
    // One space at least between the freshness and a message that fills the line.
    let room = (area.width as usize).saturating_sub(left + 2);
    if room > 3 {
        let right_text = truncate_to_width(&right.content, room).into_owned();
        let pad = room.saturating_sub(right_text.chars().count());
        spans.push(Span::raw(" ".repeat(pad + 1)));
        spans.push(Span::styled(right_text, right.style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A command or note being typed, with the end of the text in view as it grows.
fn prompt_line(app: &App, prompt: &Prompt, width: u16) -> Line<'static> {
    let t = &app.theme;
    let (label, hint) = match &prompt.kind {
        PromptKind::Command => (":".to_string(), "  Enter run  Esc cancel"),
        PromptKind::Search => (
            " find in the raw JSON: ".to_string(),
            "  Enter next match  Esc cancel",
        ),
        PromptKind::DrillNote => (
            " drill note: ".to_string(),
            "  Enter journal it  Esc cancel",
        ),
        PromptKind::Note { pane, .. } => (
            format!(" note on this {}: ", pane.spec().noun),
            "  Enter save (empty removes)  Esc cancel",
        ),
    };
    let cursor = prompt.cursor.min(prompt.text.len());
    let (before, after) = prompt.text.split_at(cursor);
    let (before, after) = (clean(before).into_owned(), clean(after).into_owned());
    let len = before.chars().count() + after.chars().count();
    let width = width as usize;
    let label_len = label.chars().count();
    // Tab's choices take the hint's place until the next key.
    let choices = format!("  {}", clean(&prompt.choices));
    let hint = if prompt.choices.is_empty() {
        hint
    } else {
        choices.as_str()
    };
    // The hint goes once the text needs its room.
    let hint = if label_len + len + 1 + hint.chars().count() <= width {
        hint
    } else {
        ""
    };
    let room = width.saturating_sub(label_len + hint.chars().count() + 1);
    // Keep the cursor on screen: drop characters from the left of it first.
    let skip = before.chars().count().saturating_sub(room);
    let shown: String = before.chars().skip(skip).collect();
    let rest: String = after
        .chars()
        .take(room.saturating_sub(shown.chars().count()))
        .collect();
    Line::from(vec![
        Span::styled(label, t.accent),
        Span::styled(format!("{shown}▏{rest}"), t.filter),
        Span::styled(hint.to_string(), t.key_hint),
    ])
}

fn hints(app: &App) -> String {
    if app.panes.editing_filter {
        "Enter keep  Esc restore  ↑↓ history ".into()
    } else if app.overlays.detail.is_some() {
        "j/k scroll  g/G top/end  Esc back  ? help ".into()
    } else {
        "? help  / filter  s sort  Enter open  q quit ".into()
    }
}

/// "● demo ok · 15:50Z", or the worst source: "▲ securityhub 1111 us-east-1 stale since
/// 12:03Z (throttled)".
fn freshness(app: &App) -> (String, Style) {
    let t = &app.theme;
    let store = &app.store;
    if store.sources.is_empty() {
        return ("◌ waiting for sources".into(), t.muted);
    }
    let fmt = |time| app.settings.time.format_clock(time);
    if let Some((key, h)) = store.worst_source() {
        let since = h
            .last_success
            .map(|s| format!(" since {}", fmt(s)))
            .unwrap_or_default();
        let why = h
            .error
            .as_deref()
            .map(|e| format!(" ({})", clean(e)))
            .unwrap_or_default();
        // A long load (a big replay) shows that it is moving.
        let since = if h.status == Status::Loading && h.records > 0 {
            format!("{since} · {} records", group(h.records))
        } else {
            since
        };
        let (mark, style) = match h.status {
            Status::Loading => ("◌", t.muted),
            Status::Stale => ("▲", t.stale),
            _ => ("✖", t.failed),
        };
        let others = store.sources.len() - 1;
        let more = if others > 0 {
            format!(" +{others} sources")
        } else {
            String::new()
        };
        return (
            format!(
                "{mark} {} {}{since}{why}{more}",
                clean(&key.to_string()),
                h.status.label()
            ),
            style,
        );
    }
    let latest = store.sources.values().filter_map(|h| h.last_success).max();
    let at = latest.map(|l| format!(" · {}", fmt(l))).unwrap_or_default();
    // The demo's simulated services (its accounts' Security Hub, Config, CloudTrail) are
    // the demo's own: it says "demo ok", and the Sources view lists them.
    let demo = store.sources.keys().any(|k| k.service == "demo");
    let what = if demo {
        "demo".to_string()
    } else if store.sources.len() == 1 {
        store
            .sources
            .keys()
            .next()
            .map(|k| clean(&k.to_string()).into_owned())
            .unwrap_or_default()
    } else {
        format!("{} sources", store.sources.len())
    };
    (format!("● {what} ok{at}"), t.ok)
}

/// The filter line: what is typed, and a parse error in place with a caret.
pub fn filter_line(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let t = &app.theme;
    let line = &app.panes.filter_line;
    let text = if app.panes.editing_filter && line.text == view.filter_text {
        let (before, after) = line.split();
        format!("{}▏{}", clean(before), clean(after))
    } else {
        clean(&view.filter_text).into_owned()
    };
    let mut spans = vec![Span::styled("/", t.accent), Span::styled(text, t.filter)];
    if let Some(err) = &view.filter_error {
        let committed = view.committed_filter();
        // The rows are the committed filter's until the text parses.
        let showing = if committed.is_empty() {
            "rows: no filter".to_string()
        } else {
            format!("rows: /{}", clean(committed))
        };
        spans.push(Span::styled(
            format!("  ✖ {} ({showing})", clean(&err.to_string())),
            t.failed,
        ));
    } else {
        spans.push(Span::styled(
            format!(
                "  {} of {} rows",
                group(view.rows.len()),
                group(view.total_sorted())
            ),
            t.muted,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A pane's title: name, row counts and sort order.
pub fn pane_title(app: &App, tab: Pane, view: &View, extra: &str) -> Line<'static> {
    let names = tab.sort_names();
    let sort = names.get(view.sort_column).copied().unwrap_or("");
    let arrow = if view.reversed { "↑" } else { "↓" };
    let count = if let Some(scope) = view.scope() {
        // Counted as the header counts: the open ones, of all there are.
        let what = if scope == crate::app::pane::findings::OPEN_SCOPE {
            "open"
        } else {
            scope
        };
        format!(
            "{} {what} of {} (o: all)",
            group(view.rows.len()),
            group(view.total_sorted())
        )
    } else if tab == Pane::Findings {
        format!(
            "{} of {}, all statuses (o: open)",
            group(view.rows.len()),
            group(view.total_sorted())
        )
    } else if view.rows.len() == view.total_sorted() {
        group(view.rows.len())
    } else {
        format!(
            "{} of {}",
            group(view.rows.len()),
            group(view.total_sorted())
        )
    };
    let mut spans = vec![
        Span::styled(format!(" {} ", tab.title()), app.theme.title_focused),
        Span::styled(
            format!("{count} · sort {sort} {arrow}{extra} "),
            app.theme.muted,
        ),
    ];
    if view.is_frozen() {
        spans.push(Span::styled(
            format!(
                "FROZEN · {} updates waiting (f) ",
                group(view.waiting as usize)
            ),
            app.theme.warning,
        ));
    }
    Line::from(spans)
}

pub use crate::util::digits::group;

/// Splits a pane into the optional filter line and the table area.
pub fn split_filter(area: Rect, shown: bool) -> (Option<Rect>, Rect) {
    if shown && area.height > 1 {
        (
            Some(Rect::new(area.x, area.y + area.height - 1, area.width, 1)),
            Rect::new(area.x, area.y, area.width, area.height - 1),
        )
    } else {
        (None, area)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_loading_source_shows_how_far_it_got_and_a_failed_file_is_named() {
        use crate::app::{App, Settings};
        use crate::feed::{SourceHealth, SourceKey, Status, Update};
        let mut app = App::new(
            crate::model::Clock::Fixed(crate::model::clock::fixed_now()),
            Settings::default(),
            crate::theme::Theme::default(),
        );
        let health = |status, records, error: Option<&str>| SourceHealth {
            status,
            last_success: None,
            error: error.map(str::to_string),
            records,
            next_poll: None,
        };
        app.apply(Update::Health(
            SourceKey::service("replay"),
            health(Status::Loading, 12_345, None),
        ));
        assert_eq!(
            super::freshness(&app).0,
            "◌ replay loading · 12,345 records"
        );
        let file = SourceKey {
            file: Some("logs/broken.json".into()),
            ..SourceKey::service("replay")
        };
        app.apply(Update::Health(
            file,
            health(Status::Failed, 0, Some("line 2, column 16: expected value")),
        ));
        let text = super::freshness(&app).0;
        assert!(
            text.starts_with("✖ replay logs/broken.json failed (line 2, column 16"),
            "{text}"
        );
    }
}
