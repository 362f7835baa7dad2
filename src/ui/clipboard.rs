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
        // Both forms: tmux with `set-clipboard on` takes the plain one itself (and passes
        // it on), with `allow-passthrough on` only the wrapped one reaches the outer
        // terminal. Inside the passthrough, every ESC of the inner sequence is doubled.
        let wrapped = format!("\x1bPtmux;{}\x1b\\", inner.replace('\x1b', "\x1b\x1b"));
        format!("{inner}{wrapped}").into_bytes()
    } else {
        inner.into_bytes()
    }
}

/// What the status line says after a copy: OSC 52 has no answer, so rampart cannot know
/// whether the terminal (or tmux) let it through.
pub fn copied_message(shown: &str, tmux: bool) -> String {
    let how = if tmux {
        "OSC 52, plain and through tmux"
    } else {
        "OSC 52"
    };
    format!("sent {shown} to the clipboard ({how}); the terminal does not confirm: paste to check")
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
            b"\x1b]52;c;YXJuOmF3czp4\x07\x1bPtmux;\x1b\x1b]52;c;YXJuOmF3czp4\x07\x1b\\"
        );
    }

    /// Issue 21 item 10: inside tmux the plain sequence goes too (for `set-clipboard on`),
    /// and the message never claims the copy arrived.
    #[test]
    fn item10_copy_sends_plain_osc52_with_the_tmux_form_and_says_it_cannot_know() {
        let seq = String::from_utf8(osc52("i-0abc", true)).unwrap();
        assert!(seq.starts_with("\x1b]52;c;aS0wYWJj\x07"), "{seq:?}");
        assert!(seq.contains("\x1bPtmux;\x1b\x1b]52;c;aS0wYWJj\x07\x1b\\"));
        let said = copied_message("i-0abc", true);
        assert!(said.contains("does not confirm"), "{said}");
        assert!(said.contains("plain and through tmux"), "{said}");
        assert!(!copied_message("x", false).contains("tmux"));
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
