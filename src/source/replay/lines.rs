//! CloudTrail records one per line, as `jq -c`, Splunk, Elastic, CloudWatch Logs Insights
//! and most SIEMs export them, and the lines of a CloudWatch Logs export to S3, where each
//! record follows its time (`2024-01-15T10:30:00.000Z {...}`). Lines are independent: a
//! broken one is rejected with its number and the others load. A line may also be a SIEM's
//! event holding the record ([`super::wrapped`]).

use super::formats::Batch;
use crate::model::clock::parse_lenient;
use chrono::{DateTime, Utc};
use std::io::BufRead;

/// How many of the first lines are looked at to tell JSON lines with a broken line from a
/// broken JSON document.
const PROBE: usize = 8;

/// A line longer than this is rejected without being held whole: AWS caps a CloudTrail
/// event at 256 KB, so such a line is not one.
pub(super) const MAX_LINE: usize = 16 << 20;

/// What a line that is neither a record nor a time and a record gets.
const NOT_A_LINE: &str = "expected a JSON object, or a time then a JSON object (a CloudWatch \
Logs export line)";

/// The lines with something on them.
fn non_blank(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|l| !l.is_empty())
}

/// The JSON object of a line, and the time before it when the line starts with one.
fn split_line(line: &[u8]) -> Result<(Option<DateTime<Utc>>, &[u8]), &'static str> {
    if line.first() == Some(&b'{') {
        return Ok((None, line));
    }
    // A time is at most some 35 characters: anything longer before the `{` is not one.
    let at = memchr::memchr(b'{', &line[..line.len().min(64)]).ok_or(NOT_A_LINE)?;
    let time = std::str::from_utf8(&line[..at])
        .ok()
        .and_then(parse_lenient)
        .ok_or(NOT_A_LINE)?;
    Ok((Some(time), &line[at..]))
}

/// Whether a line is a whole JSON object with at least one key (after a time, if any).
fn is_object_line(line: &[u8]) -> bool {
    use std::collections::BTreeMap;
    split_line(line).is_ok_and(|(_, json)| {
        serde_json::from_slice::<BTreeMap<String, serde::de::IgnoredAny>>(json)
            .is_ok_and(|m| !m.is_empty())
    })
}

/// Whether a text starts as JSON lines do and one JSON document cannot: more follows a
/// first line that is a whole object, or the first line starts with a time.
pub(super) fn starts_like(text: &[u8]) -> bool {
    let mut lines = non_blank(trim_bom(text));
    let Some(first) = lines.next() else {
        return false;
    };
    // The second line first: a one-line document of any size costs nothing here.
    lines.next().is_some() && is_object_line(first)
}

/// For a text that did not parse as one document: whether it is JSON lines whose first
/// line is broken, that is, one of its first lines is a whole object. An indented document
/// never has an object with keys on one line; a document one record per line inside `[`
/// and `]` parsed, or failed on something other than its lines.
pub(super) fn may_be(text: &[u8]) -> bool {
    let text = trim_bom(text);
    non_blank(text).nth(1).is_some() && non_blank(text).take(PROBE).any(is_object_line)
}

/// Reads the lines of a text held in memory.
pub(super) fn read_slice(text: &[u8], batch: &mut Batch) {
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        if line.len() > MAX_LINE {
            batch.reject("line", i, too_long());
        } else {
            add_line(batch, i, line);
        }
        if batch.stopped.is_some() {
            return;
        }
    }
}

/// Reads lines from a stream, for files too large to hold; a line is never held past
/// [`MAX_LINE`]. An error (the byte limit, a cut gzip) ends the reading: the lines before
/// are kept, and the line it cut is not judged.
pub(super) fn read_stream(r: &mut dyn BufRead, batch: &mut Batch) -> std::io::Result<()> {
    let mut line = Vec::new();
    for i in 0.. {
        line.clear();
        let limit = MAX_LINE as u64 + 1;
        if std::io::Read::take(&mut *r, limit).read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
            batch.reject("line", i, too_long());
            skip_line(r)?;
        } else {
            let text = if i == 0 { trim_bom(&line) } else { &line };
            add_line(batch, i, text);
        }
        if batch.stopped.is_some() {
            return Ok(());
        }
    }
    Ok(())
}

fn too_long() -> String {
    format!(
        "longer than {} MiB: not a CloudTrail record",
        MAX_LINE >> 20
    )
}

fn trim_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
}

/// Reads past the rest of a line without keeping it.
fn skip_line(r: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', buf) {
            Some(at) => {
                r.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

/// One line (`index` from 0): blank lines are skipped.
fn add_line(batch: &mut Batch, index: usize, line: &[u8]) {
    let line = line.trim_ascii();
    if line.is_empty() {
        return;
    }
    match split_line(line) {
        Ok((time, json)) => batch.add_trail_line(index, json, time),
        Err(why) => batch.reject("line", index, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_told_from_documents() {
        let record = br#"{"eventVersion":"1.08","eventName":"ListBuckets"}"#;
        let two = [&record[..], b"\n", record, b"\n"].concat();
        assert!(starts_like(&two));
        assert!(!starts_like(record), "one line is a document");
        assert!(!starts_like(b"{\n  \"Records\": []\n}\n"));
        assert!(!starts_like(b"[\n{\"a\":1},\n{\"a\":2}\n]"));
        let stamped = [&b"2024-01-15T10:30:00.000Z "[..], record, b"\n", record].concat();
        assert!(starts_like(&stamped));
        let broken_first = [&b"{\"eventName\": \n"[..], record, b"\n", record].concat();
        assert!(!starts_like(&broken_first) && may_be(&broken_first));
        assert!(!may_be(b"{\n  \"Findings\": [\n    {\"Id\": }\n"));
        assert!(!may_be(b"user,arn\nalice,arn:aws:iam::1:user/alice\n"));
    }

    #[test]
    fn a_line_may_start_with_its_time() {
        let (t, json) = split_line(b"2024-01-15T10:30:00.000Z {\"a\":1}").unwrap();
        assert_eq!(json, b"{\"a\":1}");
        assert_eq!(
            t.map(crate::model::clock::format_rfc3339).as_deref(),
            Some("2024-01-15T10:30:00Z")
        );
        assert_eq!(split_line(b"hello {\"a\":1}").unwrap_err(), NOT_A_LINE);
        assert_eq!(split_line(b"[1, 2]").unwrap_err(), NOT_A_LINE);
    }
}
