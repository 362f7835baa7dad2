//! The detail view: every field of one row (as its pane writes them), then its raw
//! record, scrollable.

use crate::app::pane::doc::DocLine;
use crate::app::{App, Detail};
use crate::theme::Theme;
use crate::util::sanitize::clean;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// A line of the detail's document in the theme's styles.
fn line(t: &Theme, l: DocLine) -> Line<'static> {
    let mut spans = l.spans;
    match spans.len() {
        0 => Line::raw(""),
        1 => {
            let s = spans.remove(0);
            Line::styled(s.text, t.role(s.role))
        }
        _ => Line::from(
            spans
                .into_iter()
                .map(|s| Span::styled(s.text, t.role(s.role)))
                .collect::<Vec<_>>(),
        ),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, detail: &Detail) {
    let t = &app.theme;
    let (title, doc) = app.detail_doc(detail);
    let mut lines: Vec<Line> = doc.lines.into_iter().map(|l| line(t, l)).collect();
    if !detail.raw_lines.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Raw record (JSON, as read)", t.title));
    }
    let height = area.height.saturating_sub(1) as usize;
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
