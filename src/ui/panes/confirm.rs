//! The triage confirmation: what will be sent to Security Hub, and `y` to send it.

use crate::app::triage::Confirm;
use crate::app::App;
use crate::ui::layout::centered;
use crate::util::sanitize::clean;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, confirm: &Confirm) {
    let t = &app.theme;
    let width = area.width.min(78);
    let inner = width.saturating_sub(2).max(1) as usize;
    let mut lines: Vec<Line> = Vec::new();
    // Borders, the blank line and the key line; a spare line for what word wrapping adds.
    let mut height = 5usize;
    for text in &confirm.lines {
        let text = clean(text).into_owned();
        height += unicode_width::UnicodeWidthStr::width(text.as_str())
            .div_ceil(inner)
            .max(1);
        lines.push(Line::styled(text, t.text));
    }
    let closing = matches!(confirm.sends, crate::app::triage::Sends::CloseDrill);
    let keys = Line::from(vec![
        Span::styled("y", t.key_hint),
        Span::styled(if closing { ": close    " } else { ": send    " }, t.text),
        Span::styled("any other key", t.key_hint),
        Span::styled(
            if closing {
                ": the drill goes on"
            } else {
                ": cancel, nothing is sent"
            },
            t.text,
        ),
    ]);
    let height = u16::try_from(height).unwrap_or(u16::MAX);
    let popup = centered(area, width, height.min(area.height));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.warning)
        .title(Span::styled(
            match confirm.sends {
                crate::app::triage::Sends::Triage(_) => {
                    " Write to Security Hub? (BatchUpdateFindings) "
                }
                crate::app::triage::Sends::Import(_) => {
                    " Write to Security Hub? (BatchImportFindings) "
                }
                crate::app::triage::Sends::CloseDrill => " Close the drill? ",
            },
            t.title_focused,
        ));
    let inside = block.inner(popup);
    frame.render_widget(block, popup);
    // The key line always on the last row: a long change never pushes it out of sight.
    let text_area = Rect {
        height: inside.height.saturating_sub(2),
        ..inside
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
    if inside.height > 0 {
        let keys_area = Rect {
            y: inside.y + inside.height - 1,
            height: 1,
            ..inside
        };
        frame.render_widget(Paragraph::new(keys), keys_area);
    }
}
