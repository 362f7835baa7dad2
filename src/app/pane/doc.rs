//! The detail view's text as data: labelled fields, sections and lines, each with the role
//! it is drawn in. A pane fills a [`Doc`]; the renderer draws it, and the console knows how
//! long it is without drawing it (to clamp scrolling and find text).

use crate::theme::{Role, Slot};
use crate::util::sanitize::{clean, clean_multiline};

/// A run of text in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub role: Role,
}

/// One line: its spans, or blank.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocLine {
    pub spans: Vec<Span>,
}

/// The lines of a detail view, above its raw record. Everything pushed is sanitized here.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub lines: Vec<DocLine>,
}

impl Doc {
    /// `      Severity  HIGH`: a right-aligned label (labels can be external too: a
    /// resource's type) and its value.
    pub fn field(&mut self, label: &str, value: &str, role: impl Into<Role>) {
        self.lines.push(DocLine {
            spans: vec![
                Span {
                    text: format!("{:>14}  ", clean(label)),
                    role: Slot::Muted.into(),
                },
                Span {
                    text: clean(value).into_owned(),
                    role: role.into(),
                },
            ],
        });
    }

    /// A blank line, then the section's name as a title.
    pub fn section(&mut self, name: &str) {
        self.blank();
        self.line(name, Slot::Title);
    }

    /// One line of text.
    pub fn line(&mut self, text: &str, role: impl Into<Role>) {
        self.lines.push(DocLine {
            spans: vec![Span {
                text: clean(text).into_owned(),
                role: role.into(),
            }],
        });
    }

    /// Text that may hold newlines: one line each.
    pub fn text(&mut self, text: &str, role: impl Into<Role> + Copy) {
        for l in clean_multiline(text).lines() {
            self.lines.push(DocLine {
                spans: vec![Span {
                    text: l.to_string(),
                    role: role.into(),
                }],
            });
        }
    }

    pub fn blank(&mut self) {
        self.lines.push(DocLine::default());
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}
