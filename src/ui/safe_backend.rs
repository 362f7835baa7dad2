//! The last gate before the terminal: a backend that hands the real one only cells without
//! unsafe characters. Every pane already cleans what it draws; this catches what a future
//! pane forgets, so an escape sequence in data can never reach the terminal as one.

use crate::util::sanitize::is_unsafe;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::borrow::Cow;

/// `B`, with every cell's symbol checked on its way out.
pub struct SafeBackend<B>(pub B);

/// What an unsafe symbol is drawn as.
const REPLACEMENT: &str = "\u{FFFD}";

impl<B: Backend> Backend for SafeBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, Cow<'a, Cell>)> = content
            .map(|(x, y, cell)| {
                if cell.symbol().chars().any(is_unsafe) {
                    let mut safe = cell.clone();
                    safe.set_symbol(REPLACEMENT);
                    (x, y, Cow::Owned(safe))
                } else {
                    (x, y, Cow::Borrowed(cell))
                }
            })
            .collect();
        self.0
            .draw(cells.iter().map(|(x, y, c)| (*x, *y, c.as_ref())))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.0.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.0.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::text::Line;
    use ratatui::Terminal;

    /// Hardening 10: text drawn without the sanitizer still never reaches the terminal raw.
    #[test]
    fn hardening_10_the_backend_never_passes_an_unsafe_cell() {
        let mut terminal = Terminal::new(SafeBackend(TestBackend::new(20, 1))).unwrap();
        terminal
            .draw(|f| {
                let raw = Line::raw("a\u{1b}]52;c;x\u{7}\u{202E}\u{E0041}b");
                f.render_widget(raw, f.area());
            })
            .unwrap();
        let buffer = terminal.backend().0.buffer();
        for cell in buffer.content() {
            assert!(!cell.symbol().chars().any(is_unsafe), "{:?}", cell.symbol());
        }
        assert!(buffer.content()[0].symbol() == "a");
    }
}
