//! A runbook over the pane: what it covers, its six sections, the commands numbered with
//! the selected one highlighted (`y` copies it), and any runbook file that did not load.

use crate::app::runbook::RunbookView;
use crate::app::App;
use crate::util::sanitize::{clean, truncate_to_width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, view: &RunbookView) {
    let t = &app.theme;
    let Some(rb) = app.book(&view.id) else {
        return;
    };
    let width = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut covers = Vec::new();
    for (what, list) in [
        ("controls", &rb.controls),
        ("detections", &rb.detections),
        ("types", &rb.types),
        ("resources", &rb.resources),
        ("credentials", &rb.credentials),
    ] {
        if !list.is_empty() {
            covers.push(format!("{what} {}", list.join(", ")));
        }
    }
    lines.push(Line::styled(
        truncate_to_width(&clean(&format!("for {}", view.opened_for)), width).into_owned(),
        t.muted,
    ));
    lines.push(Line::styled(
        truncate_to_width(&clean(&format!("covers {}", covers.join(" · "))), width).into_owned(),
        t.muted,
    ));
    let mut n = 0;
    // The selected command's line, to keep it in sight.
    let mut selected_line = None;
    for (name, body) in &rb.sections {
        lines.push(Line::raw(""));
        lines.push(Line::styled(*name, t.title));
        for l in body {
            let l = clean(l);
            // Only the Commands section's commands are numbered and copied.
            match l.strip_prefix("$ ").filter(|_| *name == "Commands") {
                Some(cmd) => {
                    let style = if Some(n) == view.command {
                        selected_line = Some(lines.len());
                        t.selection
                    } else {
                        t.accent
                    };
                    n += 1;
                    // Filled with the selection's values (and cleaned again: they are data).
                    let cmd = clean(&crate::drill::fill::fill(cmd, &view.values)).into_owned();
                    lines.push(Line::from(vec![
                        Span::styled(format!("[{n}] "), t.muted),
                        Span::styled(format!("$ {cmd}"), style),
                    ]));
                }
                None if l.starts_with("# ") => lines.push(Line::styled(l.into_owned(), t.muted)),
                None => lines.push(Line::styled(l.into_owned(), t.text)),
            }
        }
    }
    if !app.runbooks.errors.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Runbook files not loaded", t.failed));
        for e in &app.runbooks.errors {
            lines.push(Line::styled(clean(&e.to_string()).into_owned(), t.failed));
        }
    }
    let height = (area.height as usize).saturating_sub(2);
    // Scrolling counts screen rows: a long line wraps onto several.
    let rows = |l: &Line| l.width().div_ceil(width.max(1)).max(1);
    let total: usize = lines.iter().map(rows).sum();
    // The page keys scroll; moving between commands brings the selected one into view.
    let mut scroll = view.scroll.min(total.saturating_sub(height));
    if let Some(line) = selected_line {
        let row: usize = lines[..line.min(lines.len())].iter().map(rows).sum();
        if row < scroll || row >= scroll + height {
            scroll = row.saturating_sub(height / 2);
        }
    }
    let source = if rb.origin == "built-in" {
        String::new()
    } else {
        format!(" · {}", clean(&rb.origin))
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border_focused)
        .title(Line::from(vec![
            Span::styled(format!(" Runbook: {} ", clean(&rb.title)), t.title_focused),
            Span::styled(
                format!("· {}{source} ", rb.severity.label().to_lowercase()),
                t.severity(rb.severity),
            ),
        ]));
    let hint = Line::styled(
        "j k: a command · y: copy it (never run by rampart) · PgDn PgUp: read · Esc: back",
        t.key_hint,
    );
    let body_area = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(u16::MAX as usize) as u16, 0)),
        body_area,
    );
    if area.height > 2 {
        let hint_area = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        frame.render_widget(Paragraph::new(hint), hint_area);
    }
}
