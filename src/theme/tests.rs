//! Themes: the built-in files parse, user files override only what they name, mistakes are named.

use super::file::*;
use super::*;
use std::path::Path;

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
    let theme =
        user("name = \"paper\"\nextends = \"light\"\n[slots]\nmuted = \"dark-gray\"\n").unwrap();
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
