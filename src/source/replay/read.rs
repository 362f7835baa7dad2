//! Reading one evidence file: gzip or plain, recognised by content, CloudTrail deliveries
//! and rampart exports streamed record by record, anything else parsed whole.

use super::export_in;
use super::formats::{self, Batch, EvidenceError, Format};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Opens a file, decompressing gzip when its first bytes say so.
fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let gz = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(file)
    })
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

/// Reads one file into a batch.
pub fn read_file(path: &Path) -> Result<(Format, Batch), EvidenceError> {
    let io = |e: std::io::Error| EvidenceError::Io(e.to_string());
    let mut r = open(path).map_err(io)?;
    let shape = streamed_shape(&mut r).map_err(io)?;
    let mut bytes = Vec::new();
    // A truncated gzip fails mid-read; what came before the cut is still evidence.
    let cut = (&mut r).take(IN_MEMORY + 1).read_to_end(&mut bytes).err();
    let whole = bytes.len() as u64 <= IN_MEMORY;
    if let Some(e) = cut.filter(|_| shape.is_none() || bytes.is_empty()) {
        return Err(io(e));
    }
    let Some(shape) = shape else {
        if !whole {
            return Err(EvidenceError::Io(format!(
                "larger than {} MiB: expected a CloudTrail log file or a rampart export, the formats read as a stream",
                IN_MEMORY >> 20
            )));
        }
        return formats::read(&bytes);
    };
    let mut doc = Document::default();
    let parsed = if whole {
        serde_json::Deserializer::from_slice(&bytes).deserialize_document(&mut doc)
    } else {
        drop(bytes);
        let reader = open(path).map_err(io)?;
        serde_json::Deserializer::from_reader(reader).deserialize_document(&mut doc)
    };
    let Document { mut batch, rest } = doc;
    if let Err(e) = parsed {
        // A truncated file still gives the records before the cut.
        if batch.records() == 0 {
            return Err(EvidenceError::json(&e));
        }
        batch
            .rejected
            .push(format!("the rest of the file: {}", EvidenceError::json(&e)));
    }
    match shape {
        Streamed::TrailLog => Ok((Format::CloudTrailLog, batch)),
        Streamed::Export => export_in::finish(batch, rest).map(|b| (Format::RampartExport, b)),
    }
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
                }
            }
            RowKind::ExportEvent => {
                while let Some(row) = seq.next_element::<EventRow>()? {
                    let raw = row.raw.as_ref().map_or("null", |r| r.get());
                    self.batch.add_trail_bytes(i, raw.as_bytes());
                    i += 1;
                }
            }
            RowKind::ExportFinding => {
                while let Some(row) = seq.next_element::<FindingRow>()? {
                    self.batch
                        .add_finding_in(i, &row.raw, row.region.as_deref());
                    i += 1;
                }
            }
        }
        Ok(())
    }
}
