//! Themes: every colour the UI uses, named by what it means rather than what it looks like.
//!
//! Panes ask for `theme.critical` or `theme.border_focused`, never for `Color::Red`, so a
//! theme file can restyle the whole console. Five themes are compiled in (see
//! [`builtin_names`]); a user theme in `<config_dir>/themes/NAME.toml` starts from a built-in
//! (`extends`, default `dark`) and overrides only the slots it names. `NO_COLOR` selects
//! `monochrome`, which uses no colour at all. The console's panes choose a [`Slot`] (or a
//! [`Role`]: a slot, maybe bold) for each piece of text; only the renderer looks it up.
//!
//! May import: `util`, `model`.
//!
//! File format:
//! ```toml
//! name = "mine"
//! extends = "dark"
//! [slots]
//! critical = { fg = "#ff5f5f", bold = true }
//! muted = "dark-gray"            # shorthand for { fg = "dark-gray" }
//! ```

mod file;

pub use file::{check_theme_name, load, no_color_from_env, parse_color, parse_user, ThemeError};

use crate::model::Severity;
use file::{builtin, StyleSpec};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// Declares the slots once: the `Theme` fields, the file's `[slots]` table and the list of
/// slot names cannot drift apart.
macro_rules! slots {
    ($($(#[doc = $doc:literal])* $slot:ident => $variant:ident,)*) => {
        /// A complete set of styles, one per meaning.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            /// The theme's name, shown in the help overlay.
            pub name: String,
            $($(#[doc = $doc])* pub $slot: Style,)*
        }

        /// Every slot name, in declaration order.
        pub const SLOT_NAMES: &[&str] = &[$(stringify!($slot)),*];

        /// A slot by meaning, for what chooses a style without holding one: the panes say
        /// which slot a cell is drawn in, the renderer looks it up in the theme.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Slot {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Theme {
            /// The style of a slot.
            pub fn get(&self, slot: Slot) -> Style {
                match slot {
                    $(Slot::$variant => self.$slot,)*
                }
            }
        }

        /// The `[slots]` table of a theme file; `None` leaves the base theme's slot alone.
        #[derive(Debug, Default, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        struct Slots {
            $($slot: Option<StyleSpec>,)*
        }

        impl Slots {
            fn apply(&self, theme: &mut Theme) {
                $(if let Some(spec) = &self.$slot { theme.$slot = spec.0; })*
            }

            #[cfg(test)]
            fn missing(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if self.$slot.is_none() { out.push(stringify!($slot)); })*
                out
            }

            fn build(&self, name: String) -> Theme {
                Theme {
                    name,
                    $($slot: self.$slot.as_ref().map_or_else(Style::default, |s| s.0),)*
                }
            }
        }

        impl Theme {
            /// Every slot with its name (for tests and previews).
            pub fn slots(&self) -> Vec<(&'static str, Style)> {
                vec![$((stringify!($slot), self.$slot)),*]
            }
        }
    };
}

slots! {
    /// Ordinary text.
    text => Text,
    /// Secondary text: ages, counts, hints that should not draw the eye.
    muted => Muted,
    /// Pane borders.
    border => Border,
    /// The border of the pane that has the keyboard.
    border_focused => BorderFocused,
    /// Pane titles.
    title => Title,
    /// The title of the focused pane.
    title_focused => TitleFocused,
    /// Inactive tabs.
    tab => Tab,
    /// The current tab.
    tab_active => TabActive,
    /// Table column headers.
    header => Header,
    /// The cursor row; patched over the row's own style, so keep it readable.
    selection => Selection,
    /// Rows marked for a bulk action.
    marked => Marked,
    /// Severity: critical.
    critical => Critical,
    /// Severity: high.
    high => High,
    /// Severity: medium.
    medium => Medium,
    /// Severity: low.
    low => Low,
    /// Severity: informational.
    informational => Informational,
    /// A source or check that is healthy.
    ok => Ok,
    /// Data kept from an earlier poll because the latest one failed.
    stale => Stale,
    /// A source that failed.
    failed => Failed,
    /// Something to look at that is not (yet) a failure.
    warning => Warning,
    /// Emphasis that carries no judgement: counts, the mode label.
    accent => Accent,
    /// Key names in hints (`q`, `/`).
    key_hint => KeyHint,
    /// The active filter text.
    filter => Filter,
    /// Detection rule hits in `CloudTrail` activity.
    detection => Detection,
}

impl Theme {
    /// The style of a severity label or count.
    pub fn severity(&self, s: Severity) -> Style {
        self.get(Slot::severity(s))
    }

    /// The style a role is drawn in.
    pub fn role(&self, role: Role) -> Style {
        let style = self.get(role.slot);
        if role.bold {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }
}

impl Slot {
    /// The slot of a severity label or count.
    pub fn severity(s: Severity) -> Slot {
        match s {
            Severity::Critical => Slot::Critical,
            Severity::High => Slot::High,
            Severity::Medium => Slot::Medium,
            Severity::Low => Slot::Low,
            Severity::Informational => Slot::Informational,
        }
    }
}

/// How a piece of text is drawn, by meaning: a theme slot, in bold when it is new to the
/// operator. The console's panes choose roles; only the renderer turns them into styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Role {
    pub slot: Slot,
    pub bold: bool,
}

impl Role {
    pub fn bold(slot: Slot) -> Role {
        Role { slot, bold: true }
    }
}

impl From<Slot> for Role {
    fn from(slot: Slot) -> Role {
        Role { slot, bold: false }
    }
}

impl Default for Theme {
    fn default() -> Self {
        // The built-in files are part of the binary and a unit test parses each of them.
        builtin("dark").expect("the built-in dark theme is valid")
    }
}

/// The built-in themes, in the order they are offered.
const BUILTINS: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

/// Names of the themes compiled into the binary.
pub fn builtin_names() -> &'static [&'static str] {
    &["dark", "light", "high-contrast", "ansi16", "monochrome"]
}

#[cfg(test)]
mod tests;
