//! A pane's summary (`v`): one line per account, rule or resource type, a cursor, and
//! `Enter` to open the list filtered to the line. Columns that do not fit are left out
//! and counted in the title.

use crate::analysis::summary::{Summary, Tone};
use crate::app::App;
use crate::util::sanitize::clean;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The first column (names) may take this much; the others this much.
const NAME_MAX: usize = 34;
const CELL_MAX: usize = 24;

fn tone_style(app: &App, tone: Tone) -> Style {
    let t = &app.theme;
    match tone {
        Tone::Plain => t.text,
        Tone::Muted => t.muted,
        Tone::Good => t.ok,
        Tone::Warn => t.warning,
        Tone::Bad => t.failed,
    }
}

/// Each column's width: its widest text, capped.
fn widths(s: &Summary) -> Vec<usize> {
    (0..s.columns.len())
        .map(|i| {
            let cap = if i == 0 { NAME_MAX } else { CELL_MAX };
            s.rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .map(|c| c.text.chars().count())
                .chain([s.columns[i].chars().count()])
                .max()
                .unwrap_or(0)
                .min(cap)
        })
        .collect()
}

fn fit(text: &str, width: usize, right: bool) -> String {
    let text = clean(text);
    let n = text.chars().count();
    if n > width {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else if right {
        format!("{text:>width$}")
    } else {
        format!("{text:<width$}")
    }
}

/// Columns of counts read right-aligned; text columns left.
fn numeric(s: &Summary) -> Vec<bool> {
    (0..s.columns.len())
        .map(|i| {
            i > 0
                && s.rows.iter().filter_map(|r| r.cells.get(i)).all(|c| {
                    c.text == "—" || c.text.chars().next().is_some_and(|ch| ch.is_ascii_digit())
                })
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, pane_title: &str) {
    let t = &app.theme;
    let summary = app.summary();
    let widths = widths(&summary);
    let numeric = numeric(&summary);
    // Columns from the left while they fit, one space apart.
    let mut shown = 0;
    let mut used = 0;
    for w in &widths {
        if used + w + 1 > area.width.saturating_sub(2) as usize && shown > 0 {
            break;
        }
        used += w + 1;
        shown += 1;
    }
    let hidden = widths.len() - shown;
    let mut title = format!(
        " {pane_title} by {} · {} · Enter: the list of one · v: the whole list ",
        summary.of.trim_end_matches('s'),
        summary.rows.len()
    );
    if hidden > 0 {
        title.push_str(&format!("· {hidden} columns do not fit "));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(title, t.title_focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let line = |cells: Vec<(String, Style)>| {
        Line::from(
            cells
                .into_iter()
                .enumerate()
                .flat_map(|(i, (text, style))| {
                    let sep = Span::raw(if i == 0 { "" } else { " " });
                    [sep, Span::styled(text, style)]
                })
                .collect::<Vec<_>>(),
        )
    };
    let mut lines = vec![line(
        summary.columns[..shown]
            .iter()
            .enumerate()
            .map(|(i, c)| (fit(c, widths[i], numeric[i]), t.header))
            .collect(),
    )];
    if summary.rows.is_empty() {
        lines.push(Line::styled("nothing to summarise yet", t.muted));
    }
    let visible = (inner.height as usize).saturating_sub(1).max(1);
    let cursor = app
        .panes
        .summary_cursor
        .min(summary.rows.len().saturating_sub(1));
    let skip = (cursor + 1).saturating_sub(visible);
    for (i, row) in summary.rows.iter().enumerate().skip(skip).take(visible) {
        let mut l = line(
            row.cells
                .iter()
                .take(shown)
                .enumerate()
                .map(|(c, cell)| {
                    (
                        fit(&cell.text, widths[c], numeric[c]),
                        tone_style(app, cell.tone),
                    )
                })
                .collect(),
        );
        if i == cursor {
            l = l.patch_style(t.selection);
        }
        lines.push(l);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
