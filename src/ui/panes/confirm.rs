//! The triage confirmation: what will be sent to Security Hub, and `y` to send it.

use crate::app::triage::Confirm;
use crate::app::App;
use crate::ui::layout::centered;
use crate::ui::sanitize::clean;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, confirm: &Confirm) {
    let t = &app.theme;
    let width = area.width.min(78);
    let inner = width.saturating_sub(2).max(1) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut height = 4u16;
    for text in &confirm.lines {
        let text = clean(text).into_owned();
        height += text.chars().count().div_ceil(inner).max(1) as u16;
        lines.push(Line::styled(text, t.text));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("y", t.key_hint),
        Span::styled(": send    ", t.text),
        Span::styled("any other key", t.key_hint),
        Span::styled(": cancel, nothing is sent", t.text),
    ]));
    let popup = centered(area, width, height.min(area.height));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.warning)
        .title(Span::styled(
            " Write to Security Hub? (BatchUpdateFindings) ",
            t.title_focused,
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
