//! Themes: every colour the UI uses, named by what it means rather than what it looks like.
//!
//! Panes ask for `theme.critical` or `theme.border_focused`, never for `Color::Red`, so a
//! theme file can restyle the whole console. Five themes are compiled in (see
//! [`builtin_names`]); a user theme in `<config_dir>/themes/NAME.toml` starts from a built-in
//! (`extends`, default `dark`) and overrides only the slots it names. `NO_COLOR` selects
//! `monochrome`, which uses no colour at all.
//!
//! File format:
//! ```toml
//! name = "mine"
//! extends = "dark"
//! [slots]
//! critical = { fg = "#ff5f5f", bold = true }
//! muted = "dark-gray"            # shorthand for { fg = "dark-gray" }
//! ```

use crate::model::Severity;
use crate::util::diagnostic::{diagnose, Diagnostic, Seg};
use crate::util::suggest::nearest;
use ratatui::style::{Color, Modifier, Style};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

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
    ("dark", include_str!("../themes/dark.toml")),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
    ("ansi16", include_str!("../themes/ansi16.toml")),
    ("monochrome", include_str!("../themes/monochrome.toml")),
];

/// Names of the themes compiled into the binary.
pub fn builtin_names() -> &'static [&'static str] {
    &["dark", "light", "high-contrast", "ansi16", "monochrome"]
}

/// True when `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn no_color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme `{name}`; available themes: {}", available.join(", "))]
    Unknown {
        name: String,
        available: Vec<String>,
    },
    #[error("{}: cannot read theme file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostic),
}

/// Loads theme `name`: monochrome when `no_color`; else `<dir>/<name>.toml` from the first
/// of `user_theme_dirs` that has it (over its `extends` built-in); else a built-in.
pub fn load(name: &str, user_theme_dirs: &[PathBuf], no_color: bool) -> Result<Theme, ThemeError> {
    if no_color {
        return builtin("monochrome");
    }
    // Names become file names: anything path-like is simply not found.
    if check_theme_name(name).is_ok() {
        for dir in user_theme_dirs {
            let path = dir.join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => return parse_user(&text, &path, name),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(ThemeError::Read { path, source }),
            }
        }
    }
    if builtin_names().contains(&name) {
        return builtin(name);
    }
    Err(ThemeError::Unknown {
        name: name.to_string(),
        available: available(user_theme_dirs),
    })
}

/// Built-in names, then the user themes found in `dirs`, without duplicates.
fn available(dirs: &[PathBuf]) -> Vec<String> {
    let mut names: Vec<String> = builtin_names().iter().map(|s| (*s).to_string()).collect();
    let mut user: Vec<String> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    user.sort();
    for name in user {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// A theme file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    extends: Option<String>,
    #[serde(default)]
    slots: Slots,
}

fn parse_file(text: &str, path: &Path) -> Result<ThemeFile, ThemeError> {
    toml::from_str(text).map_err(|e| ThemeError::Invalid(diagnose(text, path, &e)))
}

/// A compiled-in theme; each names every slot (a unit test checks).
fn builtin(name: &str) -> Result<Theme, ThemeError> {
    let Some(&(_, text)) = BUILTINS.iter().find(|(n, _)| *n == name) else {
        return Err(ThemeError::Unknown {
            name: name.to_string(),
            available: available(&[]),
        });
    };
    let path = PathBuf::from(format!("themes/{name}.toml"));
    let file = parse_file(text, &path)?;
    Ok(file.slots.build(name.to_string()))
}

/// Parses a user theme file and applies it over its base built-in.
pub fn parse_user(text: &str, path: &Path, default_name: &str) -> Result<Theme, ThemeError> {
    let file = parse_file(text, path)?;
    let base_name = file.extends.as_deref().unwrap_or("dark");
    if !builtin_names().contains(&base_name) {
        let valid: Vec<String> = builtin_names().iter().map(|s| (*s).to_string()).collect();
        let hint = match nearest(base_name, &valid) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("built-in themes: {}", valid.join(", ")),
        };
        let offset =
            crate::util::diagnostic::span_of(text, &[Seg::Key("extends")]).map(|s| s.start);
        let message = format!("`extends` must name a built-in theme, not `{base_name}`; {hint}");
        return Err(ThemeError::Invalid(Diagnostic::at(
            path, text, offset, message,
        )));
    }
    let mut theme = builtin(base_name)?;
    file.slots.apply(&mut theme);
    theme.name = file.name.unwrap_or_else(|| default_name.to_string());
    Ok(theme)
}

/// One slot's style: a colour string (the foreground) or a table of colours and modifiers.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StyleSpec(Style);

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StyleTable {
    fg: Option<ColorSpec>,
    bg: Option<ColorSpec>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
    dim: Option<bool>,
}

impl StyleTable {
    fn style(&self) -> Style {
        let mut style = Style::new();
        style.fg = self.fg.map(|c| c.0);
        style.bg = self.bg.map(|c| c.0);
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ];
        for (flag, modifier) in flags {
            // An explicit `false` removes the modifier when the style is patched over
            // another (a selection bar over a bold row), which is what such a line means.
            match flag {
                Some(true) => style = style.add_modifier(modifier),
                Some(false) => style = style.remove_modifier(modifier),
                None => {}
            }
        }
        style
    }
}

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpecVisitor;
        impl<'v> Visitor<'v> for SpecVisitor {
            type Value = StyleSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour or a table such as { fg = \"red\", bold = true }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StyleSpec, E> {
                let color = parse_color(v).map_err(E::custom)?;
                Ok(StyleSpec(Style::new().fg(color)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StyleSpec, E> {
                let color = indexed(v).map_err(E::custom)?;
                Ok(StyleSpec(Style::new().fg(color)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StyleSpec, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_map<A: MapAccess<'v>>(self, map: A) -> Result<StyleSpec, A::Error> {
                let table = StyleTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(StyleSpec(table.style()))
            }
        }
        deserializer.deserialize_any(SpecVisitor)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct ColorSpec(Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ColorVisitor;
        impl Visitor<'_> for ColorVisitor {
            type Value = ColorSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour name, \"#rrggbb\" or an index 0-255")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColorSpec, E> {
                parse_color(v).map(ColorSpec).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ColorSpec, E> {
                indexed(v).map(ColorSpec).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ColorSpec, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
        deserializer.deserialize_any(ColorVisitor)
    }
}

/// The colour names a theme may use, with the colour each means.
const COLOR_NAMES: &[(&str, Color)] = &[
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark-gray", Color::DarkGray),
    ("light-red", Color::LightRed),
    ("light-green", Color::LightGreen),
    ("light-yellow", Color::LightYellow),
    ("light-blue", Color::LightBlue),
    ("light-magenta", Color::LightMagenta),
    ("light-cyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
    ("default", Color::Reset),
];

/// Parses `red`, `light-blue`, `reset`, `#rrggbb`. Case, `_` for `-` and `grey` are
/// forgiven because they are how people remember the names.
pub fn parse_color(text: &str) -> Result<Color, String> {
    if let Some(hex) = text.strip_prefix('#') {
        return parse_hex(hex).ok_or_else(|| {
            format!("expected a colour \"#rrggbb\" with six hex digits, found \"{text}\"")
        });
    }
    let normal = text
        .trim()
        .to_lowercase()
        .replace('_', "-")
        .replace("grey", "gray");
    if let Some(&(_, color)) = COLOR_NAMES.iter().find(|(n, _)| *n == normal) {
        return Ok(color);
    }
    let names: Vec<String> = COLOR_NAMES.iter().map(|(n, _)| n.to_string()).collect();
    let hint = match nearest(&normal, &names) {
        Some(best) => format!("did you mean \"{best}\"?"),
        None => format!("expected \"#rrggbb\", 0-255 or one of {}", names.join(", ")),
    };
    Err(format!("unknown colour \"{text}\"; {hint}"))
}

/// A colour of the terminal's 256-colour palette.
fn indexed(index: i64) -> Result<Color, String> {
    u8::try_from(index)
        .map(Color::Indexed)
        .map_err(|_| format!("expected a colour index 0-255, found {index}"))
}

fn parse_hex(hex: &str) -> Option<Color> {
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?))
}

/// Theme names become file names, so nothing that could leave the themes directory.
pub fn check_theme_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a theme name made of letters, digits, `-`, `_` or `.`, found {name:?}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Result<Theme, String> {
        parse_user(text, Path::new("mine.toml"), "mine").map_err(|e| e.to_string())
    }

    fn all_builtins() -> Vec<Theme> {
        builtin_names()
            .iter()
            .map(|n| builtin(n).unwrap())
            .collect()
    }

    #[test]
    fn every_builtin_parses_and_names_every_slot() {
        assert_eq!(builtin_names().len(), BUILTINS.len());
        for (name, text) in BUILTINS {
            let file = parse_file(text, Path::new(name)).unwrap();
            assert_eq!(file.name.as_deref(), Some(*name), "name inside {name}.toml");
            assert!(file.extends.is_none(), "{name} must stand alone");
            assert_eq!(
                file.slots.missing(),
                Vec::<&str>::new(),
                "{name} misses slots"
            );
            assert_eq!(builtin(name).unwrap().name, *name);
        }
        assert_eq!(SLOT_NAMES.len(), 24);
    }

    #[test]
    fn default_is_dark() {
        assert_eq!(Theme::default(), load("dark", &[], false).unwrap());
        assert_eq!(Theme::default().name, "dark");
    }

    #[test]
    fn coloured_builtins_tell_severities_apart() {
        for theme in all_builtins() {
            let styles: Vec<Style> = Severity::ALL_DESC
                .iter()
                .map(|&s| theme.severity(s))
                .collect();
            for (i, a) in styles.iter().enumerate() {
                for b in &styles[i + 1..] {
                    assert_ne!(a, b, "{}: two severities look the same", theme.name);
                }
            }
        }
    }

    fn is_ansi16(color: Option<Color>) -> bool {
        !matches!(color, Some(Color::Rgb(..) | Color::Indexed(_)))
    }

    #[test]
    fn ansi16_uses_only_the_sixteen_terminal_colours() {
        let theme = builtin("ansi16").unwrap();
        for (slot, style) in theme.slots() {
            assert!(
                is_ansi16(style.fg) && is_ansi16(style.bg),
                "ansi16.{slot}: {style:?}"
            );
            assert!(is_ansi16(style.underline_color), "ansi16.{slot}");
        }
    }

    #[test]
    fn monochrome_has_no_colour_at_all() {
        let theme = builtin("monochrome").unwrap();
        let none = |c: Option<Color>| matches!(c, None | Some(Color::Reset));
        for (slot, style) in theme.slots() {
            assert!(
                none(style.fg) && none(style.bg),
                "monochrome.{slot}: {style:?}"
            );
            assert!(none(style.underline_color), "monochrome.{slot}");
        }
        assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn no_color_gives_monochrome_whatever_the_name() {
        assert_eq!(load("dark", &[], true).unwrap().name, "monochrome");
        assert_eq!(load("no-such-theme", &[], true).unwrap().name, "monochrome");
    }

    #[test]
    fn a_user_theme_changes_only_the_slots_it_names() {
        let theme = user("[slots]\ncritical = { fg = \"#010203\", underline = true }\n").unwrap();
        let dark = Theme::default();
        let expected = Style::new()
            .fg(Color::Rgb(1, 2, 3))
            .add_modifier(Modifier::UNDERLINED);
        assert_eq!(theme.critical, expected);
        for ((slot, mine), (_, base)) in theme.slots().into_iter().zip(dark.slots()) {
            if slot != "critical" {
                assert_eq!(mine, base, "{slot} changed");
            }
        }
        assert_eq!(theme.name, "mine");
    }

    #[test]
    fn a_user_theme_extends_the_builtin_it_names() {
        let theme = user("name = \"paper\"\nextends = \"light\"\n[slots]\nmuted = \"dark-gray\"\n")
            .unwrap();
        let light = builtin("light").unwrap();
        assert_eq!(theme.name, "paper");
        assert_eq!(theme.muted, Style::new().fg(Color::DarkGray));
        assert_eq!(theme.critical, light.critical);
        let err = user("extends = \"drak\"\n").unwrap_err();
        assert_eq!(
            err,
            "mine.toml:1:11: `extends` must name a built-in theme, not `drak`; did you mean `dark`?"
        );
    }

    #[test]
    fn unknown_slot_names_line_and_suggestion() {
        let err = user("[slots]\ntext = \"white\"\ncritcal = \"red\"\n").unwrap_err();
        assert_eq!(
            err,
            "mine.toml:3:1: unknown key `critcal` in [slots]; did you mean `critical`?"
        );
    }

    #[test]
    fn unknown_style_key_names_line_and_suggestion() {
        let err = user("[slots]\nhigh = { fg = \"red\", bodl = true }\n").unwrap_err();
        assert_eq!(
            err,
            "mine.toml:2:22: unknown key `bodl` in [slots.high]; did you mean `bold`?"
        );
    }

    #[test]
    fn bad_hex_colour_is_explained() {
        let err = user("[slots]\ncritical = { fg = \"#zz0000\" }\n").unwrap_err();
        assert!(err.starts_with("mine.toml:2:"), "{err}");
        assert!(
            err.contains("invalid value for `fg`: expected a colour \"#rrggbb\" with six hex digits, found \"#zz0000\""),
            "{err}"
        );
    }

    #[test]
    fn colour_forms() {
        assert_eq!(parse_color("#FF8000"), Ok(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("light_blue"), Ok(Color::LightBlue));
        assert_eq!(parse_color("Dark-Grey"), Ok(Color::DarkGray));
        assert_eq!(parse_color("default"), Ok(Color::Reset));
        assert_eq!(
            parse_color("purpel").unwrap_err(),
            "unknown colour \"purpel\"; expected \"#rrggbb\", 0-255 or one of black, red, green, \
             yellow, blue, magenta, cyan, gray, dark-gray, light-red, light-green, light-yellow, \
             light-blue, light-magenta, light-cyan, white, reset, default"
        );
        assert_eq!(
            parse_color("yelow").unwrap_err(),
            "unknown colour \"yelow\"; did you mean \"yellow\"?"
        );
        let theme = user("[slots]\naccent = { fg = 208, bg = 0 }\n").unwrap();
        assert_eq!(
            theme.accent,
            Style::new().fg(Color::Indexed(208)).bg(Color::Indexed(0))
        );
        assert_eq!(
            user("[slots]\nlow = 33\n").unwrap().low,
            Style::new().fg(Color::Indexed(33))
        );
        let err = user("[slots]\naccent = 300\n").unwrap_err();
        assert_eq!(
            err,
            "mine.toml:2:10: invalid value for `accent`: expected a colour index 0-255, found 300"
        );
    }

    #[test]
    fn explicit_false_removes_a_modifier() {
        let theme = user("[slots]\nselection = { bg = \"blue\", reversed = false }\n").unwrap();
        assert!(theme.selection.sub_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn user_dirs_come_first_and_unknown_names_list_what_exists() {
        let dir = std::env::temp_dir().join(format!("rampart-theme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("dark.toml"), "[slots]\ntext = \"red\"\n").unwrap();
        std::fs::write(dir.join("solar.toml"), "extends = \"light\"\n").unwrap();
        let dirs = [dir.clone()];

        assert_eq!(
            load("dark", &dirs, false).unwrap().text,
            Style::new().fg(Color::Red)
        );
        assert_eq!(load("solar", &dirs, false).unwrap().name, "solar");
        assert_eq!(load("ansi16", &dirs, false).unwrap().name, "ansi16");
        let err = load("nope", &dirs, false).unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown theme `nope`; available themes: dark, light, high-contrast, ansi16, monochrome, solar"
        );
        assert!(load("../dark", &dirs, false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
