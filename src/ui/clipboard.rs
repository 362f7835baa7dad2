//! Copying to the clipboard of the terminal the operator sits at, through OSC 52: it works
//! over SSH and, wrapped for passthrough, inside tmux. The text is data from AWS, so it goes
//! through the same sanitizer as the screen first: a pasted newline would run a command,
//! and a bidi override or a zero-width character would make a pasted command other than
//! what it looks like, so they arrive visible (`<U+202E>`), never as themselves.

use base64::Engine as _;

/// The escape sequence that puts `text` on the clipboard; `tmux` wraps it so that tmux
/// hands it to the outer terminal.
pub fn osc52(text: &str, tmux: bool) -> Vec<u8> {
    let clean = crate::util::sanitize::clean_cell(text);
    let payload = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    let inner = format!("\x1b]52;c;{payload}\x07");
    if tmux {
        // Inside the passthrough, every ESC of the inner sequence is doubled.
        format!("\x1bPtmux;{}\x1b\\", inner.replace('\x1b', "\x1b\x1b")).into_bytes()
    } else {
        inner.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_through_tmux_without_control_characters() {
        assert_eq!(osc52("arn:aws:x", false), b"\x1b]52;c;YXJuOmF3czp4\x07");
        assert_eq!(
            osc52("a\nb\x1b[2J", false),
            osc52("a b^[[2J", false),
            "a newline or an escape never reaches the clipboard"
        );
        assert_eq!(
            osc52("arn:aws:x", true),
            b"\x1bPtmux;\x1b\x1b]52;c;YXJuOmF3czp4\x07\x1b\\"
        );
    }

    /// Hardening 10: bidi and zero-width characters never reach a pasted command.
    #[test]
    fn hardening_10_copy_uses_the_one_sanitizer() {
        use base64::Engine as _;
        let seq = osc52("aws s3 rm s3://x\u{202E}\u{200B}\u{E0041}", false);
        let text = String::from_utf8(seq).unwrap();
        let payload = text
            .strip_prefix("\x1b]52;c;")
            .and_then(|t| t.strip_suffix('\x07'))
            .unwrap();
        let copied = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        let copied = String::from_utf8(copied).unwrap();
        assert_eq!(copied, "aws s3 rm s3://x<U+202E><U+200B><U+E0041>");
    }
}
