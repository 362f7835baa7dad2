//! JSON text made readable by serde_json when only its characters are at fault.
//!
//! A record can hold an escaped lone surrogate (`"\udc00"`, which JavaScript and Java
//! write for half of a character) or bytes that are not UTF-8. serde_json refuses either
//! in any string it reads, so such a record would decode to nothing: its detail empty and
//! every rule field read from it absent, while the parser, which skips the fields it does
//! not need, had accepted it. Here each such character becomes U+FFFD, as a browser or
//! `String::from_utf8_lossy` shows it; everything else is left byte for byte.

use std::borrow::Cow;

/// `json` with every byte sequence that is not UTF-8 and every lone surrogate escape
/// replaced by U+FFFD (an escape stays an escape: `\ufffd`).
pub fn lossy(json: &[u8]) -> Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(json);
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            _ if !in_string => in_string = b == b'"',
            b'"' => in_string = false,
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let unit = hex4(bytes, i + 2);
                let lone = match unit {
                    Some(0xD800..=0xDBFF) => {
                        let paired = bytes.get(i + 6) == Some(&b'\\')
                            && bytes.get(i + 7) == Some(&b'u')
                            && matches!(hex4(bytes, i + 8), Some(0xDC00..=0xDFFF));
                        !paired
                    }
                    Some(0xDC00..=0xDFFF) => true,
                    _ => false,
                };
                if lone {
                    let out = out.get_or_insert_with(|| bytes[..i].to_vec());
                    out.extend_from_slice(br"\ufffd");
                    i += 6;
                    continue;
                }
                // A pair, or any other escape: copied as it is (both units of a pair).
                let len = if matches!(unit, Some(0xD800..=0xDBFF)) {
                    12
                } else {
                    6
                };
                let end = (i + len).min(bytes.len());
                if let Some(out) = out.as_mut() {
                    out.extend_from_slice(&bytes[i..end]);
                }
                i = end;
                continue;
            }
            // Any other escape is two bytes; the escaped one is never a closing quote.
            b'\\' => {
                let end = (i + 2).min(bytes.len());
                if let Some(out) = out.as_mut() {
                    out.extend_from_slice(&bytes[i..end]);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        if let Some(out) = out.as_mut() {
            out.push(b);
        }
        i += 1;
    }
    match (out, text) {
        (Some(out), _) => Cow::Owned(out),
        (None, Cow::Owned(text)) => Cow::Owned(text.into_bytes()),
        (None, Cow::Borrowed(_)) => Cow::Borrowed(json),
    }
}

fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &[u8]) -> serde_json::Value {
        serde_json::from_slice(&lossy(json)).expect("readable once made lossy")
    }

    #[test]
    fn lone_surrogates_and_bad_bytes_become_replacement_characters() {
        assert!(serde_json::from_slice::<serde_json::Value>(br#"{"a":"x\udc00y"}"#).is_err());
        assert_eq!(read(br#"{"a":"x\udc00y"}"#)["a"], "x\u{fffd}y");
        assert_eq!(read(br#"{"a":"\ud800"}"#)["a"], "\u{fffd}");
        assert_eq!(read(br#"{"a":"\ud800\u0041"}"#)["a"], "\u{fffd}A");
        assert_eq!(
            read(br#"{"a":"\ud800\ud800\udc00"}"#)["a"],
            "\u{fffd}\u{10000}"
        );
        assert_eq!(read(b"{\"a\":\"x\xffy\"}")["a"], "x\u{fffd}y");
        assert_eq!(
            read(br#"{"k\udc00":[1,"\udfff"]}"#),
            serde_json::json!({"k\u{fffd}": [1, "\u{fffd}"]})
        );
    }

    #[test]
    fn sound_text_is_left_as_it_is() {
        for json in [
            &br#"{"a":"\ud83d\ude00 \\udc00 \" \n","b":[1,2,{"c":null}]}"#[..],
            br#""\\""#,
            b"{}",
            b"",
        ] {
            assert!(
                matches!(lossy(json), Cow::Borrowed(_)),
                "{}",
                String::from_utf8_lossy(json)
            );
        }
        // Text outside strings is copied too once something was replaced.
        let json = br#"{"a":"\udc00", "b" : [true, 1.5e3], "c":"\ud83d\ude00"}"#;
        assert_eq!(
            read(json),
            serde_json::json!({"a": "\u{fffd}", "b": [true, 1.5e3], "c": "\u{1f600}"})
        );
    }

    #[test]
    fn cut_text_does_not_panic() {
        for json in [
            &b"\"\\u"[..],
            b"\"\\ud800\\",
            b"\"\\ud800\\u12",
            b"\"\\",
            b"\"abc",
        ] {
            let _ = lossy(json);
        }
    }
}
