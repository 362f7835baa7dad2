//! A CloudTrail delivery's records found by a scan of braces and strings instead of a
//! parse: each record is parsed on its own afterwards, and that parse checks it whole, so
//! a first parse only to find where it ends read every byte twice (a twelfth of a
//! replay's load, per perf).
//!
//! Only a document exactly as S3 delivers it, `{"Records":[{...},...]}` in UTF-8, is read
//! this way. Any other shape, or a record that is not valid JSON, gives `None` and the
//! file is read by serde as before, which says where the fault is; records that are JSON
//! but not events are rejected here as there, by their number.

use super::formats::Batch;
use crate::model::cloudtrail::{self, TrailError};

/// The delivery's records in a batch of at most `max_records`, or `None` when the
/// document is not a well-formed delivery.
pub(super) fn delivery(doc: &[u8], max_records: usize) -> Option<Batch> {
    let text = std::str::from_utf8(doc).ok()?;
    let mut scan = Scan { doc, at: 0 };
    for token in [&b"{"[..], b"\"Records\"", b":", b"["] {
        scan.eat(token)?;
    }
    let mut batch = Batch {
        max_records: Some(max_records),
        ..Batch::default()
    };
    if scan.eat(b"]").is_none() {
        for index in 0.. {
            scan.skip_space();
            let (start, end) = scan.object()?;
            if !batch.room() {
                // As serde's reading stops: the rest of the file is not read.
                return Some(batch);
            }
            // Both ends are ASCII braces, so both are character boundaries.
            match cloudtrail::parse_text(&text[start..end]) {
                Ok(e) => batch.events.push(e),
                Err(TrailError::Json(_)) => return None,
                Err(e) => batch.reject("record", index, e),
            }
            scan.skip_space();
            match scan.next()? {
                b',' => continue,
                b']' => break,
                _ => return None,
            }
        }
    }
    scan.eat(b"}")?;
    scan.skip_space();
    (scan.at == doc.len()).then_some(batch)
}

struct Scan<'a> {
    doc: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.doc.get(self.at) {
            self.at += 1;
        }
    }

    fn next(&mut self) -> Option<u8> {
        let b = *self.doc.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// `token` after any white space.
    fn eat(&mut self, token: &[u8]) -> Option<()> {
        self.skip_space();
        self.doc.get(self.at..)?.starts_with(token).then(|| {
            self.at += token.len();
        })
    }

    /// The object starting here, as its start and end: braces counted outside strings
    /// (brackets need no count: in valid JSON they nest within the braces, and the
    /// record's own parse finds any fault). A byte at a time between strings, which are
    /// a few bytes apart (`":"`, `","`): a search call for each was a third of the scan.
    fn object(&mut self) -> Option<(usize, usize)> {
        let doc = self.doc;
        let start = self.at;
        if doc.get(start) != Some(&b'{') {
            return None;
        }
        let mut depth = 0usize;
        let mut at = start;
        while let Some(&b) = doc.get(at) {
            at += 1;
            match b {
                b'"' => at = string_end(doc, at)?,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at = at;
                        return Some((start, at));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Just past the closing quote of the string whose opening quote is before `at`: eight
/// bytes at a time while neither a quote nor a backslash is among them.
fn string_end(doc: &[u8], mut at: usize) -> Option<usize> {
    loop {
        while let Some(chunk) = doc.get(at..at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            let found = bytes_equal(word, b'"') | bytes_equal(word, b'\\');
            if found != 0 {
                at += (found.trailing_zeros() / 8) as usize;
                break;
            }
            at += 8;
        }
        match doc.get(at)? {
            b'"' => return Some(at + 1),
            // An escape: the escaped character is skipped, quote or not.
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
}

/// The high bit of each byte of `word` equal to `b`, and maybe of bytes after such a one
/// (a borrow runs upwards), so the lowest bit set always marks the first equal byte.
fn bytes_equal(word: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = word ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> String {
        format!(
            r#"{{"eventID":"{id}","eventTime":"2026-11-22T10:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","requestParameters":{{"key":"a \"quoted\" {{brace}} \\","end":"\"}}","list":[{{"x":1}},[2]]}}}}"#
        )
    }

    /// A delivery of two records with one between them that is no event (no name).
    fn around_a_non_event(first: &str, last: &str) -> String {
        format!(
            r#"{{"Records":[{},{{"eventID":"x"}},{}]}}"#,
            record(first),
            record(last)
        )
    }

    fn ids(b: &Batch) -> Vec<&str> {
        b.events.iter().map(|e| e.event_id.as_str()).collect()
    }

    #[test]
    fn a_delivery_gives_every_record_whole() {
        let doc = format!(
            "{{ \"Records\" : [\n {} ,\n{}\r\n]\t}}\n",
            record("a"),
            record("b")
        );
        let b = delivery(doc.as_bytes(), 100).expect("a delivery");
        assert_eq!(ids(&b), ["a", "b"]);
        // The raw record is the record's own bytes, strings with braces and quotes kept.
        assert_eq!(b.events[0].raw.bytes(), record("a").as_bytes());
        assert!(b.rejected.is_empty());
        let empty = delivery(b"{\"Records\":[]}", 100).expect("no records");
        assert!(empty.events.is_empty());
    }

    #[test]
    fn records_that_are_not_events_are_rejected_by_number() {
        let doc = around_a_non_event("a", "c");
        let b = delivery(doc.as_bytes(), 100).expect("a delivery");
        assert_eq!(ids(&b), ["a", "c"]);
        assert_eq!(b.rejected.len(), 1);
        assert!(b.rejected[0].starts_with("record 2: "), "{:?}", b.rejected);
    }

    #[test]
    fn the_record_limit_stops_the_scan() {
        let doc = format!(
            r#"{{"Records":[{},{},{}]}}"#,
            record("a"),
            record("b"),
            record("c")
        );
        let b = delivery(doc.as_bytes(), 2).expect("a delivery");
        assert_eq!(ids(&b), ["a", "b"]);
        assert!(b.stopped.is_some());
    }

    /// What serde's reading of the same document gives.
    fn by_serde(doc: &[u8], max_records: usize) -> Option<Batch> {
        use super::super::read::{DeserializeDocument, Document};
        let mut read = Document::default();
        read.batch.max_records = Some(max_records);
        let parsed = serde_json::Deserializer::from_slice(doc).deserialize_document(&mut read);
        (parsed.is_ok() || read.batch.stopped.is_some()).then_some(read.batch)
    }

    fn same(a: &Batch, b: &Batch) -> bool {
        let raw = |b: &Batch| -> Vec<Vec<u8>> { b.events.iter().map(|e| e.raw.bytes()).collect() };
        ids(a) == ids(b) && raw(a) == raw(b) && a.rejected == b.rejected && a.stopped == b.stopped
    }

    /// Every delivery of a real attack's CloudTrail reads as serde reads it.
    #[test]
    fn real_deliveries_read_as_serde_reads_them() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/real/cloudtrail/invictus-aws_dataset"
        ));
        let mut files = 0;
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let doc = std::fs::read(entry.path()).unwrap();
            let ours = delivery(&doc, 1_000_000).expect("a delivery");
            let theirs = by_serde(&doc, 1_000_000).expect("serde reads it");
            assert!(same(&ours, &theirs), "{}", entry.path().display());
            assert!(!ours.events.is_empty());
            files += 1;
        }
        assert!(files >= 50, "{files} files");
    }

    /// A delivery cut, doubled or changed a byte at a time: whenever the scan reads it,
    /// serde reads the same records from it.
    #[test]
    fn a_damaged_delivery_is_read_as_serde_reads_it_or_left_to_serde() {
        let base = around_a_non_event("a", "b").into_bytes();
        let mut pseudo = 0x2545_f491_u32;
        let mut next = |n: usize| {
            pseudo ^= pseudo << 13;
            pseudo ^= pseudo >> 17;
            pseudo ^= pseudo << 5;
            pseudo as usize % n
        };
        let (mut read, mut left) = (0, 0);
        for _ in 0..3_000 {
            let mut doc = base.clone();
            let at = next(doc.len());
            match next(3) {
                0 => {
                    let bytes = br#"{}[]\",: a1"#;
                    doc[at] = bytes[next(bytes.len())];
                }
                1 => {
                    doc.remove(at);
                }
                _ => doc.insert(at, doc[next(doc.len())]),
            }
            match delivery(&doc, 2) {
                Some(ours) => {
                    read += 1;
                    let theirs = by_serde(&doc, 2);
                    assert!(
                        theirs.as_ref().is_some_and(|t| same(&ours, t)),
                        "{}",
                        String::from_utf8_lossy(&doc)
                    );
                }
                None => left += 1,
            }
        }
        assert!(
            read > 100 && left > 100,
            "{read} read, {left} left to serde"
        );
    }

    /// A string's end found eight bytes at a time, wherever its quote or escape falls.
    #[test]
    fn a_string_ends_at_its_first_unescaped_quote_wherever_it_falls() {
        fn naive(doc: &[u8], mut at: usize) -> Option<usize> {
            loop {
                match doc.get(at)? {
                    b'"' => return Some(at + 1),
                    b'\\' => at += 2,
                    _ => at += 1,
                }
            }
        }
        for len in 0..24 {
            for special in [&b"\""[..], b"\\\"", b"\\\\", b"\\", b"\x01", b"\xff"] {
                for at in 0..=len {
                    let mut doc = vec![b'a'; len];
                    doc.splice(at..at, special.iter().copied());
                    for tail in [&b""[..], b"\"", b"\"}", b"bcdefghij\""] {
                        let mut doc = doc.clone();
                        doc.extend_from_slice(tail);
                        assert_eq!(string_end(&doc, 0), naive(&doc, 0), "{doc:?}");
                    }
                }
            }
        }
    }

    /// Everything else is left to serde's reading, which says where the fault is.
    #[test]
    fn any_other_document_is_left_to_serde() {
        let a = record("a");
        for doc in [
            format!(r#"{{"Records":[{a},]}}"#),
            format!(r#"{{"Records":[{a}]"#),
            format!(r#"{{"Records":[{a} {a}]}}"#),
            format!(r#"{{"Records":[{a}],"Other":1}}"#),
            format!(r#"{{"Records":[{a}]}} x"#),
            format!(r#"{{"Records":[{a},1]}}"#),
            format!(r#"{{"Other":1,"Records":[{a}]}}"#),
            r#"{"Records":[{"eventName":tru}]}"#.to_string(),
            format!(r#"{{"Records":[{}]}}"#, &a[..a.len() - 1]),
            "{\"Records\":[{\"eventName\":\"\u{1}\"}]}".to_string(),
        ] {
            assert!(delivery(doc.as_bytes(), 100).is_none(), "{doc}");
        }
        let mut latin1 = format!(r#"{{"Records":[{a}]}}"#).into_bytes();
        latin1[30] = 0xe9;
        assert!(delivery(&latin1, 100).is_none());
    }
}
