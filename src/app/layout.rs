//! Where things go on screen, as pure functions of the terminal size: the rows a pane's
//! table has and the tab bar's labels. The renderer ([`crate::ui::layout`]) and the input
//! side both use these, so a mouse click hits exactly what was drawn and paging moves by
//! exactly one screen of rows.

use super::Pane;

/// Rows above the pane: the tab bar and the counts line.
pub const TOP_ROWS: u16 = 2;

/// Rows below the pane: the status line.
pub const BOTTOM_ROWS: u16 = 1;

pub const BRAND: &str = " rampart ";

/// Table body rows in a pane: the pane minus its title line, the column header, and the
/// filter line when one is shown.
pub fn table_rows(size: (u16, u16), filter_line: bool) -> usize {
    pane_rows(size).saturating_sub(2 + u16::from(filter_line)) as usize
}

/// The label of a tab in the tab bar.
/// Below this width the tab bar uses the short titles.
pub const FULL_TITLES: u16 = 100;

pub fn tab_label(tab: Pane, width: u16) -> String {
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

pub fn tab_ranges(width: u16) -> Vec<(u16, u16, Pane)> {
    // Labels carry their own padding: back to back, five fit in 80 columns.
    let mut x = overview_range().end;
    Pane::ALL
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
pub fn tab_at(col: u16, width: u16) -> Option<Pane> {
    tab_ranges(width)
        .into_iter()
        .find(|(start, end, _)| (*start..*end).contains(&col))
        .map(|(_, _, t)| t)
}

/// Rows of the pane between the counts line and the status line.
pub fn pane_rows(size: (u16, u16)) -> u16 {
    size.1.saturating_sub(TOP_ROWS + BOTTOM_ROWS)
}

/// Rows of text the detail view has on screen: the pane minus its title line.
pub fn detail_rows(size: (u16, u16)) -> usize {
    pane_rows(size).saturating_sub(1) as usize
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
        assert_eq!(tab_at(ranges[0].0, 80), Some(Pane::Findings));
        assert_eq!(tab_at(ranges[2].1 - 1, 80), Some(Pane::PublicAccess));
        assert_eq!(tab_at(0, 80), None);
        assert_eq!(tab_at(overview_range().start, 80), None);
        assert!(overview_range().end <= ranges[0].0);
        assert!(ranges.last().unwrap().1 < 80, "the tab bar fits 80 columns");
        let wide = tab_ranges(FULL_TITLES);
        assert!(
            wide.last().unwrap().1 < FULL_TITLES,
            "full titles fit where they are used"
        );
        assert_eq!(tab_at(wide[4].0, FULL_TITLES), Some(Pane::Compliance));
    }
}
