//! Reading one evidence file: gzip or plain, recognised by content, CloudTrail deliveries
//! and rampart exports streamed record by record, JSON lines line by line when they are
//! large, anything else parsed whole.

use super::export_in;
use super::formats::{self, Batch, EvidenceError, Format};
use super::Limits;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Opens a file, decompressing gzip when its first bytes say so; at most `max_bytes` of
/// (decompressed) content are read, so a small gzip cannot grow into gigabytes.
fn open(path: &Path, max_bytes: u64) -> std::io::Result<Box<dyn BufRead>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Opening a FIFO put in a file's place after the walk must not block.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut file = BufReader::with_capacity(1 << 16, file);
    let gz = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let content: Box<dyn Read> = if gz {
        Box::new(flate2::bufread::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(
        1 << 16,
        Capped {
            inner: content,
            left: max_bytes,
        },
    )))
}

/// Why reading stopped at the byte limit, as the error a capped reader returns.
const BYTE_LIMIT: &str = "the [replay] max_file_mb limit";

/// A reader that fails once `left` bytes have been read.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // Only an error if there is more to read.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(BYTE_LIMIT)),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

fn hit_byte_limit(e: &std::io::Error) -> bool {
    e.to_string().contains(BYTE_LIMIT)
}

fn byte_limit_note(limits: &Limits) -> String {
    format!(
        "stopped at {} MiB ([replay] max_file_mb); the records before are kept",
        limits.max_bytes >> 20
    )
}

/// The documents read as a stream, record by record, whatever their size: a CloudTrail
/// delivery and rampart's own export (or hand-off snapshot), the two that grow large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Streamed {
    TrailLog,
    Export,
}

/// Looks at the first key of the document: `{"Records":` is a CloudTrail delivery;
/// `{"schema_version":` (how rampart writes) or `{"compliance":` (an export written with
/// sorted keys) is a rampart export.
fn streamed_shape(r: &mut dyn BufRead) -> std::io::Result<Option<Streamed>> {
    let head = r.fill_buf()?;
    let compact: Vec<u8> = head
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take(20)
        .collect();
    Ok(if compact.starts_with(b"{\"Records\":") {
        Some(Streamed::TrailLog)
    } else if compact.starts_with(b"{\"schema_version\":")
        || compact.starts_with(b"{\"compliance\":")
    {
        Some(Streamed::Export)
    } else {
        None
    })
}

/// Files up to this size (decompressed) are parsed from memory, several times faster
/// than from a reader; larger CloudTrail logs and exports are streamed record by record.
const IN_MEMORY: u64 = 256 << 20;

/// Reads one file into a batch, with the default limits.
pub fn read_file(path: &Path) -> Result<(Format, Batch), EvidenceError> {
    read_file_within(path, &Limits::default())
}

/// Reads one file into a batch, at most `limits.max_bytes` of content and
/// `limits.max_records` records; a limit reached is said in the batch (`stopped`).
pub fn read_file_within(path: &Path, limits: &Limits) -> Result<(Format, Batch), EvidenceError> {
    read_file_reusing(path, limits, &mut Vec::new())
}

/// [`read_file_within`], the file's content read into `bytes` (cleared first) so that a
/// reader of many files keeps one buffer: a fresh one for each file was a page fault
/// per 4 KiB of content, an eighth of a replay's reading (perf).
pub(super) fn read_file_reusing(
    path: &Path,
    limits: &Limits,
    bytes: &mut Vec<u8>,
) -> Result<(Format, Batch), EvidenceError> {
    let io = |e: std::io::Error| EvidenceError::Io(e.to_string());
    let mut r = open(path, limits.max_bytes).map_err(io)?;
    let shape = streamed_shape(&mut r).map_err(io)?;
    bytes.clear();
    // A truncated gzip fails mid-read; what came before the cut is still evidence.
    let cut = (&mut r).take(IN_MEMORY + 1).read_to_end(bytes).err();
    let whole = bytes.len() as u64 <= IN_MEMORY;
    let capped = cut.as_ref().is_some_and(hit_byte_limit);
    if let Some(e) = cut.as_ref().filter(|_| shape.is_some() && bytes.is_empty()) {
        return Err(EvidenceError::Io(e.to_string()));
    }
    let Some(shape) = shape else {
        // JSON lines too large to hold, or cut short, are read line by line: the lines
        // before the limit or the cut are evidence.
        if (cut.is_some() || !whole) && super::lines::starts_like(bytes) {
            return json_lines(path, std::mem::take(bytes), cut, limits)
                .map(|b| (Format::JsonLines, b));
        }
        if let Some(e) = cut {
            if capped {
                return Err(EvidenceError::Io(format!(
                    "larger than {} MiB ([replay] max_file_mb), and not a format read as a stream",
                    limits.max_bytes >> 20
                )));
            }
            return Err(io(e));
        }
        if !whole {
            return Err(EvidenceError::Io(format!(
                "larger than {} MiB: expected a CloudTrail log file, JSON lines or a rampart export, the formats read as a stream",
                IN_MEMORY >> 20
            )));
        }
        let (format, mut batch) = formats::read(bytes)?;
        batch.cap(limits.max_records);
        return Ok((format, batch));
    };
    if shape == Streamed::TrailLog && whole && cut.is_none() {
        if let Some(batch) = super::split::delivery(bytes, limits.max_records) {
            return Ok((Format::CloudTrailLog, batch));
        }
    }
    let mut doc = Document::default();
    doc.batch.max_records = Some(limits.max_records);
    let parsed = if whole {
        let parsed = serde_json::Deserializer::from_slice(bytes).deserialize_document(&mut doc);
        if capped && doc.batch.stopped.is_none() {
            doc.batch.stopped = Some(byte_limit_note(limits));
        }
        parsed
    } else {
        *bytes = Vec::new();
        let reader = open(path, limits.max_bytes).map_err(io)?;
        serde_json::Deserializer::from_reader(reader).deserialize_document(&mut doc)
    };
    let Document { mut batch, rest } = doc;
    if let Err(e) = parsed {
        let at_limit = e.is_io() && e.to_string().contains(BYTE_LIMIT);
        if at_limit && batch.stopped.is_none() {
            batch.stopped = Some(byte_limit_note(limits));
        }
        // A truncated file still gives the records before the cut.
        if batch.records() == 0 && batch.stopped.is_none() {
            return Err(EvidenceError::json(&e));
        }
        if batch.stopped.is_none() {
            batch
                .rejected
                .push(format!("the rest of the file: {}", EvidenceError::json(&e)));
        }
    }
    match shape {
        Streamed::TrailLog => Ok((Format::CloudTrailLog, batch)),
        Streamed::Export => export_in::finish(batch, rest).map(|b| (Format::RampartExport, b)),
    }
}

/// JSON lines that were cut short (`cut`: the error that stopped the first read) or are
/// larger than [`IN_MEMORY`]: the first are read from `bytes` up to the last whole line,
/// the second again from the file, a line at a time.
fn json_lines(
    path: &Path,
    bytes: Vec<u8>,
    cut: Option<std::io::Error>,
    limits: &Limits,
) -> Result<Batch, EvidenceError> {
    let mut batch = Batch {
        max_records: Some(limits.max_records),
        ..Batch::default()
    };
    let stopped_by = match cut {
        Some(e) => {
            let whole_lines = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |n| n + 1);
            let text = &bytes[..whole_lines];
            super::lines::read_slice(
                text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text),
                &mut batch,
            );
            Some(e)
        }
        None => {
            drop(bytes);
            let mut reader =
                open(path, limits.max_bytes).map_err(|e| EvidenceError::Io(e.to_string()))?;
            super::lines::read_stream(&mut reader, &mut batch).err()
        }
    };
    if let Some(e) = stopped_by.filter(|_| batch.stopped.is_none()) {
        if hit_byte_limit(&e) {
            batch.stopped = Some(byte_limit_note(limits));
        } else {
            batch
                .rejected
                .push(format!("the rest of the file: cannot read: {e}"));
        }
    }
    Ok(batch)
}

/// What a streamed document gave: records as they were read, and an export's parts
/// that wait for the end.
#[derive(Default)]
pub(super) struct Document {
    pub(super) batch: Batch,
    pub(super) rest: export_in::Rest,
}

pub(super) trait DeserializeDocument {
    fn deserialize_document(&mut self, doc: &mut Document) -> Result<(), serde_json::Error>;
}

impl<'de, R: serde_json::de::Read<'de>> DeserializeDocument for serde_json::Deserializer<R> {
    fn deserialize_document(&mut self, doc: &mut Document) -> Result<(), serde_json::Error> {
        serde::Deserializer::deserialize_map(&mut *self, doc)?;
        self.end()
    }
}

impl<'de> Visitor<'de> for &mut Document {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a CloudTrail log file {\"Records\": [...]} or a rampart export")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let rest = &mut self.rest;
            match key.as_str() {
                // Only a document whose first key is `Records`, `schema_version` or
                // `compliance` is streamed, so `events` here is an export's: CloudWatch
                // Logs output (`events` of log events) is read whole, by `wrapped`.
                "Records" | "findings" | "events" => {
                    let kind = match key.as_str() {
                        "Records" => RowKind::TrailRecord,
                        "findings" => RowKind::ExportFinding,
                        _ => RowKind::ExportEvent,
                    };
                    map.next_value_seed(Rows {
                        batch: &mut self.batch,
                        kind,
                    })?
                }
                "schema_version" => rest.schema_version = Some(map.next_value()?),
                "generated_at" => rest.generated_at = Some(map.next_value()?),
                "credentials" => rest.credentials = map.next_value()?,
                "exposures" => rest.exposures = map.next_value()?,
                "compliance" => rest.compliance = map.next_value()?,
                "standing_access" => rest.standing = map.next_value()?,
                "wa_answers" => rest.wa_answers = map.next_value()?,
                crate::model::handoff::MEMBER => rest.handoff = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// What the rows of a streamed array are.
#[derive(Clone, Copy)]
enum RowKind {
    /// A CloudTrail log's `Records`: each row is a record.
    TrailRecord,
    /// An export's `events` or `findings`: only the row's `raw` record is read, through
    /// the same parsers as live data.
    ExportEvent,
    ExportFinding,
}

/// One array of a streamed document, read a row at a time.
struct Rows<'a> {
    batch: &'a mut Batch,
    kind: RowKind,
}

#[derive(serde::Deserialize)]
struct FindingRow {
    #[serde(default)]
    raw: serde_json::Value,
    /// An unused-access finding's raw record does not carry its region.
    #[serde(default)]
    region: Option<String>,
}

#[derive(serde::Deserialize)]
struct EventRow {
    raw: Option<Box<serde_json::value::RawValue>>,
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match self.kind {
            RowKind::TrailRecord => "an array of CloudTrail records",
            _ => "an array of rows with a `raw` record",
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        match self.kind {
            // Each record's own bytes: the typed parse reads only the fields the console
            // uses, and the raw record keeps the bytes as delivered.
            RowKind::TrailRecord => {
                while let Some(record) = seq.next_element::<Box<serde_json::value::RawValue>>()? {
                    self.batch.add_trail_bytes(i, record.get().as_bytes());
                    i += 1;
                    stop_when_full(self.batch)?;
                }
            }
            RowKind::ExportEvent => {
                while let Some(row) = seq.next_element::<EventRow>()? {
                    let raw = row.raw.as_ref().map_or("null", |r| r.get());
                    self.batch.add_trail_bytes(i, raw.as_bytes());
                    i += 1;
                    stop_when_full(self.batch)?;
                }
            }
            RowKind::ExportFinding => {
                while let Some(row) = seq.next_element::<FindingRow>()? {
                    self.batch
                        .add_finding_in(i, &row.raw, row.region.as_deref());
                    i += 1;
                    stop_when_full(self.batch)?;
                }
            }
        }
        Ok(())
    }
}

/// Ends the stream once a record beyond the limit was refused: the rest of the file is
/// not read.
fn stop_when_full<E: serde::de::Error>(batch: &mut Batch) -> Result<(), E> {
    match batch.stopped {
        None => Ok(()),
        Some(_) => Err(E::custom("record limit reached")),
    }
}
