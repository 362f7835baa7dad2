//! The panes, each described once, in its own file: its id, title and key, its sort
//! columns and filter fields, its table's columns and cells, its detail view, and what its
//! rows do (their keys, what `y` copies, which runbook `r` opens).
//!
//! A new pane is a new file here with a [`PaneKind`] and one line in the `panes!` list
//! below. Cells and detail lines say which theme slot they are drawn in ([`Role`]); only
//! the renderer turns that into colours, so nothing here knows ratatui.

pub mod compliance;
pub mod credentials;
pub mod doc;
pub mod drills;
pub mod findings;
pub mod new_count;
pub mod public_access;
pub mod shown_count;

use super::{App, Detail};
use crate::config::{PaneWords, Vocabulary};
use crate::store::fields::Field;
use crate::store::query::View;
use crate::store::Store;
use crate::theme::Role;
use std::borrow::Cow;

/// Declares the panes once: the enum, their tab order and where each is described.
macro_rules! panes {
    ($($(#[doc = $doc:literal])* $variant:ident => $kind:path,)*) => {
        /// A pane, in tab order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Pane {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Pane {
            /// How many panes there are.
            pub const COUNT: usize = [$(stringify!($variant)),*].len();
            /// Every pane, in tab order.
            pub const ALL: [Pane; Pane::COUNT] = [$(Pane::$variant),*];

            /// What the pane is and does.
            pub fn kind(self) -> &'static dyn PaneKind {
                match self {
                    $(Pane::$variant => &$kind,)*
                }
            }
        }
    };
}

panes! {
    /// Security Hub findings from every product.
    Findings => findings::Findings,
    /// The IAM credential reports: key age, MFA, passwords.
    Credentials => credentials::Credentials,
    /// Who outside an account can reach which resource.
    PublicAccess => public_access::PublicAccess,
    /// CloudTrail activity with detections, and the drill view.
    Drills => drills::Drills,
    /// AWS Config rule evaluations.
    Compliance => compliance::Compliance,
}

/// What a pane is, as data.
#[derive(Debug)]
pub struct PaneSpec {
    /// Its id: in commands, `[columns]`, saved views and snapshots.
    pub id: &'static str,
    /// The dataset its rows are (the export's name for them): notes are kept by it.
    pub dataset: &'static str,
    pub title: &'static str,
    /// The title when the tab bar is short of room.
    pub short_title: &'static str,
    /// The key that shows it.
    pub key: char,
    /// Other names users may write for it (`:public`, `[[views]] pane`), and the ids older
    /// versions wrote into notes and snapshots.
    pub aliases: &'static [&'static str],
    /// One of its rows, in words ("note on this finding").
    pub noun: &'static str,
    /// Its sort columns, in the order `s` cycles them.
    pub sorts: &'static [&'static str],
    /// The fields its filter may name.
    pub fields: &'static [Field],
    pub columns: &'static [Column],
    /// Whether `v` shows a summary of it.
    pub summary: bool,
}

/// A table column: its title, widths and how soon it drops on a narrow screen.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub min: u16,
    /// 0: takes a share of whatever width is left.
    pub max: u16,
    /// Lower is more important; the highest numbers drop first.
    pub priority: u8,
}

impl Column {
    pub const fn new(title: &'static str, min: u16, max: u16, priority: u8) -> Column {
        Column {
            title,
            min,
            max,
            priority,
        }
    }
}

/// One cell's text and how it is drawn. Text is sanitized by the renderer, so panes pass
/// external strings straight in.
pub struct Cell<'a> {
    pub text: Cow<'a, str>,
    pub role: Role,
}

impl<'a> Cell<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>, role: impl Into<Role>) -> Cell<'a> {
        Cell {
            text: text.into(),
            role: role.into(),
        }
    }
}

/// A pane's table for one frame: what its title adds, and its cells (asked only for the
/// rows on screen).
pub struct Table<'a> {
    pub extra: String,
    pub cell: Box<dyn Fn(u32, usize) -> Cell<'a> + 'a>,
}

/// What a pane does: the per-pane part of the console's behaviour and drawing.
pub trait PaneKind: Sync {
    fn spec(&self) -> &'static PaneSpec;

    /// The store key of a row of its table.
    fn key(&self, store: &Store, row: u32) -> Option<String>;

    /// The row of a store key.
    fn position(&self, store: &Store, key: &str) -> Option<u32>;

    /// Its table's count of removals (rows moving to other positions).
    fn moves(&self, store: &Store) -> u64;

    /// A fresh view of its table, sorted by its first sort column.
    fn new_view(&self) -> View;

    /// Brings its view up to date with the store: sorts (when data or sort changed) and
    /// filters.
    fn refresh(&self, app: &mut App);

    /// [`PaneKind::refresh`] while another pane is shown, after each batch of updates: the
    /// first look at the pane then catches up on a few rows instead of sorting them all
    /// (at a million findings, 86,231 exposures took 14 ms of one frame, 666,697 events
    /// 123 ms).
    fn keep_up(&self, app: &mut App) {
        self.refresh(app);
    }

    /// Works out what its title counts over the rows shown, after [`PaneKind::refresh`]:
    /// only for the pane on screen.
    fn count(&self, _app: &mut App) {}

    /// Its table on this frame.
    fn table<'a>(&self, app: &'a App) -> Table<'a>;

    /// The detail view of `row`: its fields into `doc`; returns the view's title.
    fn detail(&self, app: &App, detail: &Detail, doc: &mut doc::Doc) -> String;

    /// The raw record of `row`, pretty-printed, for the detail view.
    fn raw(&self, _store: &Store, _row: u32) -> Option<String> {
        None
    }

    /// What else the detail of `row` shows that is worked out when it opens.
    fn context(&self, _app: &App, _row: u32) -> Option<crate::store::related::FindingContext> {
        None
    }

    /// What `y` (the id or ARN) or `Y` (the console link) copies of a row.
    fn copy(&self, store: &Store, row: u32, link: bool) -> Option<String>;

    /// The runbook `r` opens on a row (its id, and what opened it in words), or why none.
    fn runbook(&self, _app: &App, _row: u32) -> Result<(String, String), String> {
        Err("runbooks open from findings, detections, credentials and public access".into())
    }

    /// Its summary (`v`), for the panes that have one.
    fn summary(&self, _app: &App) -> crate::analysis::summary::Summary {
        crate::analysis::summary::Summary::default()
    }
}

impl Pane {
    pub fn spec(self) -> &'static PaneSpec {
        self.kind().spec()
    }

    pub fn id(self) -> &'static str {
        self.spec().id
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    pub fn short_title(self) -> &'static str {
        self.spec().short_title
    }

    pub fn key(self) -> char {
        self.spec().key
    }

    /// The fields its filter may name.
    pub fn fields(self) -> &'static [Field] {
        self.spec().fields
    }

    /// The sort columns it offers, in the order `s` cycles them.
    pub fn sort_names(self) -> &'static [&'static str] {
        self.spec().sorts
    }

    /// A pane by its id, or an id an older version wrote (notes, snapshots).
    pub fn from_id(id: &str) -> Option<Pane> {
        Pane::from_name(id)
    }

    /// A pane as users name it in commands and the config: its id or an alias.
    pub fn from_name(name: &str) -> Option<Pane> {
        Pane::ALL
            .iter()
            .copied()
            .find(|p| p.id() == name || p.spec().aliases.contains(&name))
    }

    /// The pane a key shows.
    pub fn from_key(key: char) -> Option<Pane> {
        Pane::ALL.iter().copied().find(|p| p.key() == key)
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// What the config needs to know of the panes to check saved views and `[columns]`.
pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        panes: Pane::ALL
            .iter()
            .map(|p| {
                let s = p.spec();
                PaneWords {
                    id: s.id,
                    aliases: s.aliases,
                    sorts: s.sorts,
                    fields: s.fields,
                    columns: s.columns.iter().map(|c| c.title).collect(),
                    groups: *p == Pane::Findings,
                }
            })
            .collect(),
    }
}
