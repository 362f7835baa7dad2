//! Theme files: a built-in or `<config_dir>/themes/NAME.toml` over its `extends`, slots as
//! colour names, `#rrggbb`, 256-colour indexes or tables with modifiers; mistakes named
//! with file, line and column.

use super::*;
use crate::util::diagnostic::{diagnose, Diagnostic, Seg};
use crate::util::suggest::nearest;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

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
pub(super) struct ThemeFile {
    pub(super) name: Option<String>,
    pub(super) extends: Option<String>,
    #[serde(default)]
    pub(super) slots: Slots,
}

pub(super) fn parse_file(text: &str, path: &Path) -> Result<ThemeFile, ThemeError> {
    toml::from_str(text).map_err(|e| ThemeError::Invalid(diagnose(text, path, &e)))
}

/// A compiled-in theme; each names every slot (a unit test checks).
pub(super) fn builtin(name: &str) -> Result<Theme, ThemeError> {
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
pub(super) struct StyleSpec(pub(super) Style);

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
