//! A line of input in the status line: a `:` command, a note on a row, a search in a
//! detail's raw JSON, a drill note; Tab completes commands and what they take.

use super::line::{Edit, Line};
use super::{Action, App, Pane, Request};

/// A line of input in the status line: a `:` command or a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// Where the cursor is in `text` (a byte offset).
    pub cursor: usize,
    /// What Tab found to choose from, shown in the prompt line until the next key.
    pub choices: String,
}

impl Prompt {
    /// A prompt holding `text`, the cursor at its end.
    pub fn new(kind: PromptKind, text: String) -> Prompt {
        Prompt {
            kind,
            cursor: text.len(),
            text,
            choices: String::new(),
        }
    }

    /// Which history the prompt's lines go to.
    pub fn history_kind(&self) -> super::line::Kind {
        match self.kind {
            PromptKind::Command => super::line::Kind::Command,
            PromptKind::Search => super::line::Kind::Filter,
            PromptKind::Note { .. } | PromptKind::DrillNote => super::line::Kind::Note,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Command,
    Note {
        pane: Pane,
        key: String,
    },
    /// `/` in a detail view: find text in the raw JSON.
    Search,
    /// `n` in the drill view: a timestamped note, journalled.
    DrillNote,
}

impl App {
    pub(super) fn start_note(&mut self) {
        let Some((pane, key)) = self
            .current_row()
            .and_then(|(tab, row)| Some((tab, self.row_key(tab, row)?)))
        else {
            self.say("no row selected to write a note on");
            return;
        };
        let text = self
            .notes
            .get(pane.spec().dataset, &key)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        self.history.reset();
        self.overlays.prompt = Some(Prompt::new(PromptKind::Note { pane, key }, text));
    }

    /// The note of the row on screen, if any.
    pub fn note_for(&self, tab: Pane, row: u32) -> Option<&crate::model::notes::Note> {
        self.notes.get(tab.spec().dataset, &self.row_key(tab, row)?)
    }

    pub(super) fn update_prompt(&mut self, action: Action) {
        let Some(prompt) = &mut self.overlays.prompt else {
            return;
        };
        let edit = match action {
            Action::FilterChar(c) => Some(Edit::Insert(c)),
            Action::FilterBackspace => Some(Edit::Backspace),
            Action::Edit(e) => Some(e),
            _ => None,
        };
        if let Some(edit) = edit {
            prompt.choices.clear();
            let mut line = Line {
                text: std::mem::take(&mut prompt.text),
                cursor: prompt.cursor,
            };
            if !line.apply(edit, crate::model::notes::MAX_CHARS) {
                let kind = prompt.history_kind();
                self.history.walk(kind, &mut line, edit == Edit::Older);
            }
            prompt.text = line.text;
            prompt.cursor = line.cursor;
            return;
        }
        match action {
            Action::FilterCancel => self.overlays.prompt = None,
            Action::FilterAccept => {
                if let Some(prompt) = self.overlays.prompt.take() {
                    self.history.push(prompt.history_kind(), &prompt.text);
                    self.outbox.requests.push(Request::SaveHistory);
                    self.accept_prompt(prompt);
                }
            }
            Action::Complete if prompt.kind == PromptKind::Command => {
                let views: Vec<&str> = self
                    .settings
                    .views
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect();
                let runbooks: Vec<&str> =
                    self.runbooks.all().iter().map(|r| r.id.as_str()).collect();
                let (line, choices) = complete_command(&prompt.text, &views, &runbooks);
                // Shown in the prompt line itself: the status line is the prompt now.
                prompt.choices = if choices.len() > 1 {
                    choices.join("  ")
                } else {
                    String::new()
                };
                prompt.cursor = line.len();
                prompt.text = line;
            }
            Action::Quit => self.should_quit = true,
            Action::Resize(w, h) => self.size = (w, h),
            _ => {}
        }
    }

    pub(super) fn accept_prompt(&mut self, prompt: Prompt) {
        match prompt.kind {
            PromptKind::Note { pane, key } => {
                let now = self.clock.now();
                let user = self.settings.user.clone();
                self.notes
                    .set(pane.spec().dataset, &key, &prompt.text, &user, now);
                self.outbox.requests.push(Request::SaveNotes);
            }
            PromptKind::Command => self.run_command(prompt.text.trim()),
            PromptKind::Search => self.search_raw(&prompt.text),
            PromptKind::DrillNote => self.drill_note(&prompt.text),
        }
    }
}

/// The commands `:` knows, for completion.
const COMMANDS: [&str; 24] = [
    "activity",
    "comment",
    "compliance",
    "credentials",
    "drill",
    "drills",
    "export",
    "findings",
    "freeze",
    "group",
    "help",
    "note",
    "notify",
    "public",
    "quit",
    "reopen",
    "resolve",
    "snapshot",
    "sources",
    "suppress",
    "theme",
    "timeline",
    "unmark",
    "view",
];

/// Completes a command line: its command word, or what `group` takes. Returns the line and,
/// when the word is ambiguous, the choices.
pub fn complete_command<'a>(
    line: &str,
    views: &[&'a str],
    runbooks: &[&'a str],
) -> (String, Vec<&'a str>) {
    if line.starts_with("drill start ") && line.matches(' ').count() == 2 {
        return complete_last_word(line, runbooks, " ");
    }
    match line.split_once(' ') {
        Some(("drill", rest)) if !rest.contains(' ') => {
            complete_last_word(line, &["start", "close"], " ")
        }
        Some(("group", _)) => {
            let names: Vec<&str> = crate::analysis::summary::GroupBy::ALL
                .map(|g| g.name())
                .to_vec();
            complete_last_word(line, &names, "")
        }
        Some(("view", _)) => complete_last_word(line, views, ""),
        Some(("theme", _)) => complete_last_word(line, crate::theme::builtin_names(), ""),
        Some(_) => (line.to_string(), Vec::new()),
        None => complete_last_word(line, &COMMANDS, " "),
    }
}

/// Completes the last word of `line` from `words`: in full when one fits (followed by
/// `then`), else to the choices' common prefix. Returns the line and the choices.
pub fn complete_last_word<'a>(line: &str, words: &[&'a str], then: &str) -> (String, Vec<&'a str>) {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    let word = word.trim_start_matches(['!', '-']);
    let negation = &line[start..start + (line.len() - start - word.len())];
    let choices: Vec<&'a str> = words
        .iter()
        .copied()
        .filter(|w| w.starts_with(word))
        .collect();
    let done = match choices.as_slice() {
        [] => return (line.to_string(), Vec::new()),
        [one] => format!("{head}{negation}{one}{then}"),
        many => {
            let mut prefix = many[0].to_string();
            for w in &many[1..] {
                // The common prefix in bytes, counted over whole characters: names may
                // hold any character (a view called `aé1`).
                let common: usize = prefix
                    .chars()
                    .zip(w.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum();
                prefix.truncate(common);
            }
            format!("{head}{negation}{prefix}")
        }
    };
    (done, choices)
}

impl App {
    /// A bracketed paste: literal text in a prompt or the filter being typed, on one line,
    /// its unsafe characters made visible; nothing anywhere else. It never answers a
    /// confirmation or presses a key: only a typed key does that.
    pub fn paste(&mut self, text: &str) {
        let text = crate::util::sanitize::clean_cell(text);
        if let Some(prompt) = &mut self.overlays.prompt {
            let mut line = Line {
                text: std::mem::take(&mut prompt.text),
                cursor: prompt.cursor,
            };
            line.insert_str(&text, crate::model::notes::MAX_CHARS);
            prompt.text = line.text;
            prompt.cursor = line.cursor;
            return;
        }
        if self.overlays.confirm.is_some() {
            self.say("a paste does not answer: type y to send, any other key to cancel");
            return;
        }
        if self.panes.editing_filter {
            let tab = self.panes.tab;
            self.panes
                .filter_line
                .insert_str(&text, crate::model::notes::MAX_CHARS);
            let filter = self.panes.filter_line.text.clone();
            self.view_mut(tab).edit_filter(&filter);
            return;
        }
        self.say("a paste goes into a prompt: / to filter, : for a command, n for a note");
    }
}

#[cfg(test)]
mod hardening {
    use super::*;

    /// Hardening 11: completion cuts at a character, never inside one.
    #[test]
    fn hardening_11_completion_of_names_with_accents_does_not_panic() {
        let (line, choices) = complete_last_word("view a", &["aé1", "aé2"], "");
        assert_eq!(line, "view aé");
        assert_eq!(choices, ["aé1", "aé2"]);
        let (line, _) = complete_last_word("view ", &["日本1", "日本語"], "");
        assert_eq!(line, "view 日本");
        let (line, _) = complete_last_word("view é", &["éa", "eb"], "");
        assert_eq!(line, "view éa");
    }
}
