//! What the console's panes are called and what they offer, as far as the config needs to
//! know to check saved views and column choices. The console tells the config this
//! (`crate::app::pane::vocabulary`); the config never imports the panes themselves.

use crate::store::fields::Field;

/// One pane's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneWords {
    /// The pane's id: its key in `[columns]`, in notes and in snapshots.
    pub id: &'static str,
    /// Other names a user may write for it (old ids, a word of its title).
    pub aliases: &'static [&'static str],
    /// Its sort columns, by the names `s` shows.
    pub sorts: &'static [&'static str],
    /// The fields its filter may name.
    pub fields: &'static [Field],
    /// Its table's column titles.
    pub columns: Vec<&'static str>,
    /// Whether its summary can be grouped (`group` in a saved view).
    pub groups: bool,
}

/// Every pane's words, in tab order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    pub panes: Vec<PaneWords>,
}

impl Vocabulary {
    /// The pane a user means by `name`: its id or an alias.
    pub fn pane(&self, name: &str) -> Option<&PaneWords> {
        self.panes
            .iter()
            .find(|p| p.id == name || p.aliases.contains(&name))
    }

    /// `findings, credentials, public, activity or compliance`.
    pub fn pane_ids(&self) -> String {
        let ids: Vec<&str> = self.panes.iter().map(|p| p.id).collect();
        match ids.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}
