//! The one gate between external text and the terminal.
//!
//! Finding titles, resource tags, user names and CloudTrail fields are written by anyone
//! who can call an AWS API. Before any of it is drawn, control characters (C0, DEL, C1,
//! hence ESC/CSI/OSC/DCS introducers), bidi overrides and zero-width characters are made
//! visible (`^[`, `<U+202E>`), and very long values are cut with a mark.

use std::borrow::Cow;

/// Longest value a cell or line shows; more is cut and marked.
pub const MAX_CHARS: usize = 4096;

/// One-line text: newlines and tabs become spaces.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_with(s, false, MAX_CHARS)
}

/// Multi-line text: newlines are kept (split the result on `\n`), tabs become spaces.
pub fn clean_multiline(s: &str) -> Cow<'_, str> {
    clean_with(s, true, usize::MAX / 2)
}

/// Whether a character must not reach the terminal, stderr or the clipboard as itself:
/// controls (C0, DEL, C1), bidi and other format characters, the default-ignorable code
/// points (zero-width, variation selectors, tag characters that smuggle ASCII, Hangul
/// fillers that draw blanks), line and paragraph separators, noncharacters, and the blank
/// braille pattern.
pub fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    c.is_control() // C0, DEL, C1
        || matches!(u,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4..=0x17B5
            | 0x180B..=0x180F | 0x200B..=0x200F | 0x2028 | 0x2029 | 0x202A..=0x202E
            | 0x2060..=0x206F | 0x2800 | 0x3164 | 0xFDD0..=0xFDEF | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF)
        || u & 0xFFFE == 0xFFFE
}

fn clean_with(s: &str, keep_newlines: bool, max_chars: usize) -> Cow<'_, str> {
    let within = s.len() <= max_chars;
    // Printable ASCII first, a byte at a time (most text is): decoding every character
    // for the full test was a twentieth of generating the demo's findings (perf).
    let printable = || s.bytes().all(|b| (b' '..=b'~').contains(&b));
    if within && (printable() || !s.chars().any(is_unsafe)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max_chars) + 16);
    for (taken, (pos, c)) in s.char_indices().enumerate() {
        if taken >= max_chars {
            out.push_str(&format!("…[+{} bytes]", s.len() - pos));
            break;
        }
        match c {
            '\n' | '\u{2028}' | '\u{2029}' if keep_newlines => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            '\u{1b}' => out.push_str("^["),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            '\u{7f}' => out.push_str("^?"),
            c if is_unsafe(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A spreadsheet cell or a copied value: one line, every unsafe character made visible,
/// never cut.
pub fn clean_cell(s: &str) -> Cow<'_, str> {
    clean_with(s, false, usize::MAX / 2)
}

/// Cuts `s` to at most `width` display columns, ending with `…` when cut.
pub fn truncate_to_width(s: &str, width: usize) -> Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            let mut cut = String::with_capacity(i + 3);
            // Leave room for the ellipsis.
            let mut back = used;
            let mut end = i;
            for (j, pc) in s[..i].char_indices().rev() {
                if back < width {
                    break;
                }
                back -= pc.width().unwrap_or(0);
                end = j;
            }
            cut.push_str(&s[..end]);
            if width > 0 {
                cut.push('…');
            }
            return Cow::Owned(cut);
        }
        used += w;
    }
    Cow::Borrowed(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            clean("EC2.19 Security groups — ok"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn every_ascii_byte_is_judged_as_the_full_test_would() {
        for b in 0u8..0x80 {
            let text = format!("ok {} ok", b as char);
            let borrowed = matches!(clean(&text), Cow::Borrowed(_));
            assert_eq!(borrowed, !is_unsafe(b as char), "byte {b:#04x}");
        }
    }

    #[test]
    fn escape_sequences_are_made_visible() {
        let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m title";
        let c = clean(hostile);
        assert_eq!(c, "^[]0;pwned^G^[[2J<U+009B>31m title");
        assert!(!c.chars().any(is_unsafe));
    }

    #[test]
    fn bidi_and_zero_width_are_made_visible() {
        let c = clean("admin\u{202E}gpj.exe\u{200B}");
        assert_eq!(c, "admin<U+202E>gpj.exe<U+200B>");
    }

    #[test]
    fn newlines_and_tabs() {
        assert_eq!(clean("a\nb\tc\r"), "a b c ");
        assert_eq!(clean_multiline("a\nb\tc"), "a\nb c");
    }

    #[test]
    fn long_values_are_cut_with_a_mark() {
        let long = "x".repeat(MAX_CHARS + 100);
        let c = clean(&long);
        assert!(c.ends_with("…[+100 bytes]"));
        assert!(c.len() < MAX_CHARS + 20);
    }

    /// Hardening 10: the characters the first sanitizer let through.
    #[test]
    fn hardening_10_tags_separators_soft_hyphens_and_fillers_are_unsafe() {
        let smuggled: String = "ignore previous"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        for hostile in [
            format!("title{smuggled}"),
            "line\u{2028}forged".to_string(),
            "para\u{2029}graph".to_string(),
            "pay\u{AD}pal".to_string(),
            "blank\u{3164}name".to_string(),
            "\u{115F}\u{1160}\u{FFA0}".to_string(),
            "g\u{FE01}".to_string(),
            "\u{2800}".to_string(),
            "x\u{206A}y".to_string(),
            "nonchar\u{FFFE}".to_string(),
        ] {
            let c = clean(&hostile);
            assert!(!c.chars().any(is_unsafe), "{hostile:?} -> {c:?}");
            assert!(c.contains("<U+"), "{hostile:?} -> {c:?}");
        }
        assert_eq!(clean_multiline("a\u{2028}b"), "a\nb");
        assert_eq!(clean("plain ascii, é, 日本"), "plain ascii, é, 日本");
    }

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncate_to_width("abcdef", 4), "abc…");
        assert_eq!(truncate_to_width("abc", 4), "abc");
        assert_eq!(truncate_to_width("日本語テキスト", 5), "日本…");
    }
}
