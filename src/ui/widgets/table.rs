//! A table that drops columns by priority when the terminal is narrow and builds rows
//! only for what is on screen, so a frame costs the same with 100 rows or 100,000.

pub use crate::app::pane::Column;
use crate::store::query::View;
use crate::util::sanitize::{clean, truncate_to_width};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;
use std::borrow::Cow;

/// The columns that fit in `width` (one space between columns), in their original order,
/// with the width each gets.
pub fn fit(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    let mut by_priority: Vec<usize> = (0..columns.len()).collect();
    by_priority.sort_by_key(|&i| (columns[i].priority, i));
    let mut chosen = Vec::new();
    let mut used = 0u16;
    for i in by_priority {
        let gap = u16::from(!chosen.is_empty());
        if used + gap + columns[i].min <= width {
            used += gap + columns[i].min;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    let mut widths: Vec<(usize, u16)> = chosen.iter().map(|&i| (i, columns[i].min)).collect();
    let mut spare = width.saturating_sub(used);
    // Bounded columns grow to their max first, most important first; then flexible
    // ones share the rest.
    let mut growth_order: Vec<usize> = (0..widths.len()).collect();
    growth_order.sort_by_key(|&k| (columns[widths[k].0].priority, k));
    for k in growth_order {
        let (i, w) = &mut widths[k];
        let max = columns[*i].max;
        if max > *w && spare > 0 {
            let grow = (max - *w).min(spare);
            *w += grow;
            spare -= grow;
        }
    }
    let flexible = widths.iter().filter(|(i, _)| columns[*i].max == 0).count() as u16;
    if let Some(share) = spare.checked_div(flexible) {
        let mut extra = spare % flexible;
        for (i, w) in widths.iter_mut() {
            if columns[*i].max == 0 {
                *w += share + u16::from(extra > 0);
                extra = extra.saturating_sub(1);
            }
        }
    }
    widths
}

pub struct TableStyle {
    pub header: Style,
    pub selection: Style,
    pub border: Style,
    pub title: Style,
    /// Columns left out by the config, one bit per column index.
    pub hidden: u32,
}

/// Draws `view`'s visible rows. `cell(row, column)` (its text and style) is called only
/// for rows on screen; the text is sanitized here.
pub fn render<'a>(
    frame: &mut Frame,
    area: Rect,
    title: Line<'a>,
    columns: &[Column],
    view: &View,
    styles: &TableStyle,
    cell: impl Fn(u32, usize) -> (Cow<'a, str>, Style),
) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(styles.border)
        .title(title)
        .title_style(styles.title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let fitted: Vec<(usize, u16)> = if styles.hidden == 0 {
        fit(columns, inner.width)
    } else {
        // Fit only the chosen columns, then map back to the pane's column numbers.
        let shown: Vec<usize> = (0..columns.len())
            .filter(|i| styles.hidden & (1 << i) == 0)
            .collect();
        let chosen: Vec<Column> = shown.iter().map(|&i| columns[i]).collect();
        fit(&chosen, inner.width)
            .into_iter()
            .map(|(j, w)| (shown[j], w))
            .collect()
    };
    let header =
        Row::new(fitted.iter().map(|&(i, w)| {
            Cell::from(truncate_to_width(columns[i].title, w as usize).into_owned())
        }))
        .style(styles.header);
    let body_rows = inner.height.saturating_sub(1) as usize;
    let start = view.offset.min(view.rows.len());
    let end = (start + body_rows).min(view.rows.len());
    let rows = view.rows[start..end].iter().enumerate().map(|(n, &row)| {
        let cells = fitted.iter().map(|&(i, w)| {
            let (text, style) = cell(row, i);
            let text = clean(&text);
            Cell::from(Span::styled(
                truncate_to_width(&text, w as usize).into_owned(),
                style,
            ))
        });
        let r = Row::new(cells);
        if start + n == view.selected {
            r.style(styles.selection)
        } else {
            r
        }
    });
    let widths: Vec<Constraint> = fitted.iter().map(|&(_, w)| Constraint::Length(w)).collect();
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 4] = [
        Column::new("Sev", 4, 4, 0),
        Column::new("Title", 10, 0, 0),
        Column::new("Account", 8, 16, 1),
        Column::new("Updated", 7, 7, 2),
    ];

    #[test]
    fn everything_fits_when_wide() {
        let f = fit(&COLS, 80);
        assert_eq!(f.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 1, 2, 3]);
        let total: u16 = f.iter().map(|c| c.1).sum::<u16>() + 3;
        assert_eq!(total, 80);
        assert_eq!(f[2].1, 16, "bounded columns stop at their max");
    }

    #[test]
    fn low_priority_columns_drop_first() {
        let f = fit(&COLS, 24);
        assert_eq!(f.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 1, 2]);
        let f = fit(&COLS, 15);
        assert_eq!(f.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn important_columns_grow_first() {
        let cols = [Column::new("a", 4, 20, 2), Column::new("b", 4, 20, 0)];
        assert_eq!(fit(&cols, 20), vec![(0, 4), (1, 15)]);
    }

    #[test]
    fn never_wider_than_the_area() {
        for w in 0..100 {
            let f = fit(&COLS, w);
            let total: u16 = f.iter().map(|c| c.1).sum::<u16>() + f.len().saturating_sub(1) as u16;
            assert!(total <= w, "width {w}: {total}");
        }
    }
}
