//! Copying to the clipboard of the terminal the operator sits at, through OSC 52: it works
//! over SSH and, wrapped for passthrough, inside tmux. The text is data from AWS, so it
//! loses its control characters first: a pasted newline would run a command.

use base64::Engine as _;

/// The escape sequence that puts `text` on the clipboard; `tmux` wraps it so that tmux
/// hands it to the outer terminal.
pub fn osc52(text: &str, tmux: bool) -> Vec<u8> {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
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
            osc52("ab[2J", false),
            "a newline or an escape never reaches the clipboard"
        );
        assert_eq!(
            osc52("arn:aws:x", true),
            b"\x1bPtmux;\x1b\x1b]52;c;YXJuOmF3czp4\x07\x1b\\"
        );
    }
}
