//! The sources overlay (`i`): every feed the store has heard from (a service in an account
//! and region, the demo, each replayed file), worst first, with its status, when it last
//! succeeded, when it polls next, how many records it gave and its last error in words.

use crate::app::App;
use crate::feed::{SourceHealth, SourceKey, Status};
use crate::ui::chrome::group;
use crate::ui::layout::centered;
use crate::util::sanitize::{clean, truncate_to_width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Failed first, then stale, loading, not enabled, ok; by name within each.
fn rank(status: Status) -> u8 {
    match status {
        Status::Failed => 0,
        Status::Stale => 1,
        Status::Loading => 2,
        Status::NotEnabled => 3,
        Status::Ok => 4,
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut rows: Vec<(&SourceKey, &SourceHealth)> = app.store.sources.iter().collect();
    rows.sort_by_key(|(k, h)| (rank(h.status), *k));
    let width = area.width.min(100);
    let inner = width.saturating_sub(2) as usize;
    // A source takes a line, and a second for its error: errors are why one opens this.
    let error_lines = |h: &SourceHealth| {
        h.error
            .as_deref()
            .map_or(Vec::new(), |e| wrap(&clean(e), inner.saturating_sub(5), 2))
    };
    // Which accounts writes leave alone: worth checking before any write.
    let writes = app
        .writes_summary()
        .map(|w| wrap(&w, inner.saturating_sub(2), 3));
    // What judges CloudTrail, and any rule file that did not load.
    let rules = {
        let mut text = format!("detections: {}", app.rules.summary());
        if let Some(p) = app.rules.problems.first() {
            text.push_str(&format!("; first: {}", clean(&p.to_string())));
        }
        wrap(&text, inner.saturating_sub(2), 2)
    };
    let writes_len = writes.as_ref().map_or(0, Vec::len) + rules.len();
    let needed: usize = rows
        .iter()
        .map(|(_, h)| 1 + error_lines(h).len())
        .sum::<usize>()
        + writes_len;
    // Never a panic on a tiny terminal or an absurd number of sources.
    let height = u16::try_from(needed + 4)
        .unwrap_or(u16::MAX)
        .max(5)
        .min(area.height);
    let room = (height.saturating_sub(4) as usize).saturating_sub(writes_len);
    let mut lines = vec![Line::styled(
        format!(
            " {:<38} {:<11} {:<8} {:<8} {:>8}",
            "source", "status", "last ok", "next", "records"
        ),
        t.header,
    )];
    if rows.is_empty() {
        lines.push(Line::styled(" no source has reported yet", t.muted));
    }
    let mut used = 0;
    let mut shown = 0;
    for (key, h) in &rows {
        let errors = error_lines(h);
        let take = 1 + errors.len();
        let last_row = shown + 1 == rows.len();
        // Keep a line for "… more" unless this is the last source.
        if used + take + usize::from(!last_row) > room {
            break;
        }
        used += take;
        shown += 1;
        let style = match h.status {
            Status::Failed => t.failed,
            Status::Stale => t.stale,
            Status::Ok => t.ok,
            _ => t.muted,
        };
        let name = truncate_to_width(&clean(&key.to_string()), 38).into_owned();
        let last = h
            .last_success
            .map(|l| app.settings.time.format_clock(l))
            .unwrap_or_else(|| "never".into());
        let next = h
            .next_poll
            .map(|n| app.settings.time.format_clock(n))
            .unwrap_or_else(|| "—".into());
        let text = format!(
            " {name:<38} {:<11} {last:<8} {next:<8} {:>8}",
            h.status.label(),
            group(h.records)
        );
        lines.push(Line::styled(
            truncate_to_width(&text, inner).into_owned(),
            style,
        ));
        for (i, part) in errors.into_iter().enumerate() {
            let lead = if i == 0 { "   ↳ " } else { "     " };
            lines.push(Line::styled(format!("{lead}{part}"), t.text));
        }
    }
    if shown < rows.len() {
        lines.push(Line::styled(
            format!(" … {} more (export lists them all)", rows.len() - shown),
            t.muted,
        ));
    }
    for line in writes.into_iter().flatten() {
        lines.push(Line::styled(format!(" {line}"), t.accent));
    }
    let rules_style = if app.rules.problems.is_empty() {
        t.muted
    } else {
        t.warning
    };
    for line in rules {
        lines.push(Line::styled(format!(" {line}"), rules_style));
    }
    lines.push(Line::styled(" any key closes this", t.muted));
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(
            format!(" Sources ({}) ", rows.len()),
            t.title_focused,
        ));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// Splits `text` into at most `max` lines of `width` characters, at spaces where it can;
/// the last line ends in `…` when text is left over.
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() && out.len() < max {
        if rest.chars().count() <= width {
            out.push(rest.to_string());
            return out;
        }
        let cut = rest
            .char_indices()
            .nth(width)
            .map_or(rest.len(), |(i, _)| i);
        let at = rest[..cut]
            .rfind(' ')
            .filter(|&i| i > width / 2)
            .unwrap_or(cut);
        out.push(rest[..at].to_string());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        if let Some(last) = out.last_mut() {
            *last = format!("{}…", truncate_to_width(last, width.saturating_sub(1)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn errors_wrap_at_spaces_into_two_lines_at_most() {
        assert_eq!(wrap("throttled", 40, 2), ["throttled"]);
        assert_eq!(
            wrap(
                "the SSO session token has expired; run `aws sso login --profile p`",
                36,
                2
            ),
            [
                "the SSO session token has expired;",
                "run `aws sso login --profile p`"
            ]
        );
        let long = wrap(&"word ".repeat(40), 20, 2);
        assert_eq!(long.len(), 2);
        assert!(long[1].ends_with('…'));
    }
}
