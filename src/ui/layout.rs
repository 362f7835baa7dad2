//! Where things go on screen, as pure functions of the terminal size.
//!
//! The renderer and the input side both use these, so a mouse click hits exactly what
//! was drawn and paging moves by exactly one screen of rows.

use crate::app::Tab;
use ratatui::layout::Rect;

/// Rows above the pane: the tab bar and the counts line.
pub const TOP_ROWS: u16 = 2;
/// Rows below the pane: the status line.
pub const BOTTOM_ROWS: u16 = 1;
pub const BRAND: &str = " rampart ";

/// The screen split into its areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    pub counts: Rect,
    pub pane: Rect,
    pub status: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let row = |y: u16, h: u16| Rect::new(area.x, area.y + y, area.width, h);
    let pane_h = area.height.saturating_sub(TOP_ROWS + BOTTOM_ROWS);
    Areas {
        tabs: row(0, 1.min(area.height)),
        counts: row(1, 1.min(area.height.saturating_sub(1))),
        pane: row(TOP_ROWS, pane_h),
        status: row(area.height.saturating_sub(1), 1.min(area.height)),
    }
}

/// Table body rows in a pane: the pane minus its title line, the column header, and the
/// filter line when one is shown.
pub fn table_rows(size: (u16, u16), filter_line: bool) -> usize {
    let pane = size.1.saturating_sub(TOP_ROWS + BOTTOM_ROWS);
    pane.saturating_sub(2 + u16::from(filter_line)) as usize
}

/// The label of a tab in the tab bar.
/// Below this width the tab bar uses the short titles.
pub const FULL_TITLES: u16 = 100;

pub fn tab_label(tab: Tab, width: u16) -> String {
    let title = if width >= FULL_TITLES {
        tab.title()
    } else {
        tab.short_title()
    };
    format!(" {} {title} ", tab.key())
}

/// Each tab's column range in the tab bar, left to right.
/// The overview's label in the tab bar, before the tabs.
pub const OVERVIEW_LABEL: &str = " 0 Overview ";

/// The columns of the overview's label.
pub fn overview_range() -> std::ops::Range<u16> {
    let x = BRAND.len() as u16 + 1;
    x..x + OVERVIEW_LABEL.chars().count() as u16
}

pub fn tab_ranges(width: u16) -> Vec<(u16, u16, Tab)> {
    // Labels carry their own padding: back to back, five fit in 80 columns.
    let mut x = overview_range().end;
    Tab::ALL
        .iter()
        .map(|&t| {
            let w = tab_label(t, width).chars().count() as u16;
            let r = (x, x + w, t);
            x += w;
            r
        })
        .collect()
}

/// The tab under a column of the tab bar.
pub fn tab_at(col: u16, width: u16) -> Option<Tab> {
    tab_ranges(width)
        .into_iter()
        .find(|(start, end, _)| (*start..*end).contains(&col))
        .map(|(_, _, t)| t)
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_at_80x24() {
        assert_eq!(table_rows((80, 24), false), 19);
        assert_eq!(table_rows((80, 24), true), 18);
        assert_eq!(table_rows((10, 2), true), 0);
    }

    #[test]
    fn clicks_hit_the_drawn_tabs() {
        let ranges = tab_ranges(80);
        assert_eq!(tab_at(ranges[0].0, 80), Some(Tab::Findings));
        assert_eq!(tab_at(ranges[2].1 - 1, 80), Some(Tab::Exposures));
        assert_eq!(tab_at(0, 80), None);
        assert_eq!(tab_at(overview_range().start, 80), None);
        assert!(overview_range().end <= ranges[0].0);
        assert!(ranges.last().unwrap().1 < 80, "the tab bar fits 80 columns");
        let wide = tab_ranges(FULL_TITLES);
        assert!(
            wide.last().unwrap().1 < FULL_TITLES,
            "full titles fit where they are used"
        );
        assert_eq!(tab_at(wide[4].0, FULL_TITLES), Some(Tab::Compliance));
    }

    #[test]
    fn areas_do_not_overlap() {
        let a = areas(Rect::new(0, 0, 80, 24));
        assert_eq!(a.pane.y, 2);
        assert_eq!(a.pane.height, 21);
        assert_eq!(a.status.y, 23);
    }
}
