//! Editing a line of input as a shell does: the `/` filter, `:` commands and notes share
//! one editor (cursor, Ctrl-U/W/A/E, Home/End, Alt-B/F) and a history per kind of prompt,
//! kept across sessions in a bounded file under the state directory.

use std::collections::VecDeque;

/// A key that edits a line, whatever prompt it is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    /// Backspace: the character before the cursor.
    Backspace,
    /// Delete: the character under the cursor.
    Delete,
    Left,
    Right,
    /// Home, Ctrl-A.
    Start,
    /// End, Ctrl-E.
    End,
    /// Alt-B.
    WordLeft,
    /// Alt-F.
    WordRight,
    /// Ctrl-U: everything before the cursor.
    KillStart,
    /// Ctrl-W: the word before the cursor.
    KillWord,
    /// Up: the previous line of the history.
    Older,
    /// Down: the next one, back to what was being typed.
    Newer,
}

/// A line and the cursor in it (a byte offset at a character boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub cursor: usize,
}

impl Line {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Line {
        Line {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    fn prev(&self, at: usize) -> usize {
        self.text[..at].char_indices().last().map_or(0, |(i, _)| i)
    }

    fn next(&self, at: usize) -> usize {
        self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8())
    }

    /// The start of the word before `at` (skipping spaces first), as Alt-B and Ctrl-W go.
    fn word_start(&self, mut at: usize) -> usize {
        while at > 0 && self.text[..at].ends_with(char::is_whitespace) {
            at = self.prev(at);
        }
        while at > 0 && !self.text[..at].ends_with(char::is_whitespace) {
            at = self.prev(at);
        }
        at
    }

    fn word_end(&self, mut at: usize) -> usize {
        while at < self.text.len() && self.text[at..].starts_with(char::is_whitespace) {
            at = self.next(at);
        }
        while at < self.text.len() && !self.text[at..].starts_with(char::is_whitespace) {
            at = self.next(at);
        }
        at
    }

    /// Applies an edit that does not need the history; false for one that does.
    /// Inserting stops at `max` characters.
    pub fn apply(&mut self, edit: Edit, max: usize) -> bool {
        self.cursor = self.cursor.min(self.text.len());
        match edit {
            Edit::Insert(c) if self.text.chars().count() < max => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            Edit::Insert(_) => {}
            Edit::Backspace if self.cursor > 0 => {
                let from = self.prev(self.cursor);
                self.text.replace_range(from..self.cursor, "");
                self.cursor = from;
            }
            Edit::Backspace => {}
            Edit::Delete => {
                let to = self.next(self.cursor);
                self.text.replace_range(self.cursor..to, "");
            }
            Edit::Left => self.cursor = self.prev(self.cursor),
            Edit::Right => self.cursor = self.next(self.cursor),
            Edit::Start => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::WordLeft => self.cursor = self.word_start(self.cursor),
            Edit::WordRight => self.cursor = self.word_end(self.cursor),
            Edit::KillStart => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            Edit::KillWord => {
                let from = self.word_start(self.cursor);
                self.text.replace_range(from..self.cursor, "");
                self.cursor = from;
            }
            Edit::Older | Edit::Newer => return false,
        }
        true
    }

    /// Inserts text at the cursor (a paste), up to `max` characters in all.
    pub fn insert_str(&mut self, text: &str, max: usize) {
        let room = max.saturating_sub(self.text.chars().count());
        let text: String = text.chars().take(room).collect();
        self.cursor = self.cursor.min(self.text.len());
        self.text.insert_str(self.cursor, &text);
        self.cursor += text.len();
    }

    /// The text before and after the cursor, for drawing it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.cursor.min(self.text.len()))
    }
}

/// The kinds of prompt that keep a history of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Filter,
    Command,
    Note,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Filter, Kind::Command, Kind::Note];

    fn tag(self) -> &'static str {
        match self {
            Kind::Filter => "/",
            Kind::Command => ":",
            Kind::Note => "n",
        }
    }
}

/// Lines entered, oldest first, per kind; Up and Down walk them.
#[derive(Debug, Clone, Default)]
pub struct History {
    lines: [VecDeque<String>; 3],
    /// While walking: the kind, how far back, and the line being typed before.
    walking: Option<(Kind, usize, String)>,
}

/// Lines kept per kind: enough for a week of shifts, small enough to read at each start.
pub const KEEP: usize = 200;
/// The file under the state directory.
pub const FILE: &str = "history";

impl History {
    fn of(&self, kind: Kind) -> &VecDeque<String> {
        &self.lines[kind as usize]
    }

    /// Remembers an entered line (not a blank one, nor the same as the last).
    pub fn push(&mut self, kind: Kind, line: &str) {
        self.walking = None;
        let line = line.trim();
        // A line is one line in the file: a newline would end it there.
        if line.is_empty() || line.contains(['\n', '\r']) {
            return;
        }
        let list = &mut self.lines[kind as usize];
        if list.back().map(String::as_str) == Some(line) {
            return;
        }
        list.push_back(line.to_string());
        while list.len() > KEEP {
            list.pop_front();
        }
    }

    /// Up or Down in a prompt of `kind`: the line to show, or `None` at either end.
    pub fn walk(&mut self, kind: Kind, line: &mut Line, older: bool) -> bool {
        let (back, typed) = match self.walking.take() {
            Some((k, back, typed)) if k == kind => (back, typed),
            _ => (0, line.text.clone()),
        };
        let len = self.of(kind).len();
        let back = if older {
            (back + 1).min(len)
        } else {
            back.saturating_sub(1)
        };
        *line = if back == 0 {
            Line::new(&typed)
        } else {
            Line::new(&self.of(kind)[len - back])
        };
        self.walking = Some((kind, back, typed));
        len > 0
    }

    /// Forgets where a walk was (a new prompt opens).
    pub fn reset(&mut self) {
        self.walking = None;
    }

    /// The file's text: a line per entry, its kind's tag, a tab, the text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for kind in Kind::ALL {
            for l in self.of(kind) {
                out.push_str(kind.tag());
                out.push('\t');
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }

    /// Reads a history file's text; lines that are not entries are skipped.
    pub fn from_text(text: &str) -> History {
        let mut h = History::default();
        for l in text.lines() {
            let Some((tag, line)) = l.split_once('\t') else {
                continue;
            };
            if let Some(kind) = Kind::ALL.into_iter().find(|k| k.tag() == tag) {
                h.push(kind, line);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str, edits: &[Edit]) -> Line {
        let mut l = Line::new(text);
        for e in edits {
            l.apply(*e, 100);
        }
        l
    }

    #[test]
    fn issue21_item5_shell_keys_edit_the_line() {
        use Edit::*;
        assert_eq!(typed("sev>=high acct:prod", &[KillWord]).text, "sev>=high ");
        assert_eq!(typed("sev>=high acct:prod", &[KillStart]).text, "");
        let l = typed("sev>=high acct:prod", &[WordLeft, KillStart]);
        assert_eq!((l.text.as_str(), l.cursor), ("acct:prod", 0));
        let l = typed("abc", &[Start, Insert('x'), End, Insert('y')]);
        assert_eq!(l.text, "xabcy");
        let l = typed("héllo", &[Left, Left, Backspace, Right, Delete]);
        assert_eq!(l.text, "hél");
        let l = typed("one two", &[Start, WordRight, Insert('!')]);
        assert_eq!(l.text, "one! two");
        assert_eq!(l.split(), ("one!", " two"));
    }

    #[test]
    fn issue21_item5_history_walks_back_and_returns_to_the_typed_line() {
        let mut h = History::default();
        h.push(Kind::Filter, "sev:critical");
        h.push(Kind::Filter, "risk:no-mfa");
        h.push(Kind::Command, "theme dark");
        let mut l = Line::new("half");
        assert!(h.walk(Kind::Filter, &mut l, true));
        assert_eq!(l.text, "risk:no-mfa");
        h.walk(Kind::Filter, &mut l, true);
        h.walk(Kind::Filter, &mut l, true);
        assert_eq!(l.text, "sev:critical", "stops at the oldest");
        h.walk(Kind::Filter, &mut l, false);
        h.walk(Kind::Filter, &mut l, false);
        assert_eq!(l.text, "half", "back to what was typed");
        let back = History::from_text(&h.to_text());
        assert_eq!(back.to_text(), h.to_text());
        for i in 0..KEEP + 10 {
            h.push(Kind::Note, &format!("note {i}"));
        }
        assert_eq!(h.of(Kind::Note).len(), KEEP, "bounded");
    }
}
