//! The screen's areas as ratatui rectangles, from the console's own geometry
//! ([`crate::app::layout`]), so what is drawn is what the keys and clicks expect.

pub use crate::app::layout::*;
use ratatui::layout::Rect;

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
    let pane_h = pane_rows((area.width, area.height));
    Areas {
        tabs: row(0, 1.min(area.height)),
        counts: row(1, 1.min(area.height.saturating_sub(1))),
        pane: row(TOP_ROWS, pane_h),
        status: row(area.height.saturating_sub(1), 1.min(area.height)),
    }
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
    fn areas_do_not_overlap() {
        let a = areas(Rect::new(0, 0, 80, 24));
        assert_eq!(a.pane.y, 2);
        assert_eq!(a.pane.height, 21);
        assert_eq!(a.status.y, 23);
    }
}
