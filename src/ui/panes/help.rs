//! The help overlay: every key binding, from the same table the key handler uses.

use crate::app::keys::BINDINGS;
use crate::app::App;
use crate::ui::layout::centered;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let key_width = BINDINGS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:>key_width$}  "), t.key_hint),
                Span::styled(*what, t.text),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            " theme {} · times in {} · any key closes this",
            app.theme.name,
            match app.settings.time {
                crate::model::age::TimeDisplay::Utc => "UTC",
                crate::model::age::TimeDisplay::Local => "local time",
            }
        ),
        t.muted,
    ));
    let width = 96.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(" Keys ", t.title_focused));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
