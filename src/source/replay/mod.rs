//! `--replay PATH...`: evidence files as a source, for responders on an isolated box.
//!
//! Paths are files or directories (walked recursively, in name order). Each file is
//! recognised by its content ([`formats`]); gzip is recognised by its magic bytes. CloudTrail
//! log files are streamed record by record, so a large delivery never sits in memory as
//! text. A file that cannot be read or recognised is reported with its position and what
//! was expected, and the others still load. Every file gets its own health entry.

pub mod export_in;
pub mod formats;

use super::{Source, SourceContext, SourceFuture};
use crate::feed::{Command, SourceHealth, SourceKey, Status, Update};
use crate::model::Clock;
use chrono::{DateTime, Utc};
use formats::{Batch, EvidenceError, Format};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Rows per update, so the console stays responsive while a large replay loads.
const BATCH: usize = 5_000;

/// How one file went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    pub format: Option<Format>,
    pub records: usize,
    /// Why the file, or some of its records, did not load.
    pub error: Option<String>,
}

impl FileReport {
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// Every file under `paths`, directories walked recursively in name order.
pub fn files(paths: &[PathBuf]) -> Vec<Result<PathBuf, FileReport>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out);
    }
    out
}

fn walk(path: &Path, out: &mut Vec<Result<PathBuf, FileReport>>) {
    let unreadable = |e: std::io::Error| FileReport {
        path: path.display().to_string(),
        format: None,
        records: 0,
        error: Some(format!("cannot read: {e}")),
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut children: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                for c in children {
                    walk(&c, out);
                }
            }
            Err(e) => out.push(Err(unreadable(e))),
        },
        Ok(_) => out.push(Ok(path.to_path_buf())),
        Err(e) => out.push(Err(unreadable(e))),
    }
}

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
struct Document {
    batch: Batch,
    rest: export_in::Rest,
}

trait DeserializeDocument {
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

/// The CloudTrail digest files that sit beside the logs: not evidence of activity.
fn is_digest(path: &Path) -> bool {
    path.to_string_lossy().contains("CloudTrail-Digest")
}

/// One file read, recognised and judged, ready to send.
struct Processed {
    report: FileReport,
    batch: Option<(Batch, DateTime<Utc>)>,
}

/// Reads one file (in a worker thread): parse, and run the detections over its events.
fn process(entry: Result<PathBuf, FileReport>, now: DateTime<Utc>) -> Processed {
    let path = match entry {
        Err(report) => {
            return Processed {
                report,
                batch: None,
            }
        }
        Ok(path) => path,
    };
    let name = path.display().to_string();
    if is_digest(&path) {
        let report = FileReport {
            path: name,
            format: None,
            records: 0,
            error: None,
        };
        return Processed {
            report,
            batch: None,
        };
    }
    match read_file(&path) {
        Ok((format, mut batch)) => {
            crate::drill::detect::detect_all(&mut batch.events);
            let records = batch.records();
            let error = (!batch.rejected.is_empty()).then(|| {
                let first: Vec<&str> = batch.rejected.iter().take(3).map(String::as_str).collect();
                format!(
                    "{} of {} records rejected: {}",
                    batch.rejected.len(),
                    records + batch.rejected.len(),
                    first.join("; ")
                )
            });
            let mtime = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .map(DateTime::<Utc>::from);
            Processed {
                report: FileReport {
                    path: name,
                    format: Some(format),
                    records,
                    error,
                },
                batch: Some((batch, mtime.unwrap_or(now))),
            }
        }
        Err(e) => Processed {
            report: FileReport {
                path: name,
                format: None,
                records: 0,
                error: Some(e.to_string()),
            },
            batch: None,
        },
    }
}

/// Runs `work` over `items` on a few threads and hands the results to `each` in the
/// items' order; stops when `each` returns false. Workers run at most a small window
/// ahead of the consumer, so one slow (large) file does not let finished results pile up.
fn in_order<T: Send, R: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    mut each: impl FnMut(R) -> bool,
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let window = threads * 2;
    let gate = Gate {
        state: std::sync::Mutex::new(GateState {
            items: items.into_iter().enumerate(),
            taken: 0,
            delivered: 0,
            stopped: false,
        }),
        moved: std::sync::Condvar::new(),
    };
    // A worker that panics sends `None` for its item, so the consumer stops instead of
    // waiting forever for that item.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Option<R>)>(window);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (tx, gate, work) = (tx.clone(), &gate, &work);
            s.spawn(move || {
                while let Some((i, item)) = gate.take(window) {
                    let done =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(item))).ok();
                    let failed = done.is_none();
                    if tx.send((i, done)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // Owned here so that returning early drops it and unblocks any sender.
        let rx = rx;
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (i, r) in rx.iter() {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&next) {
                next += 1;
                let Some(r) = r else {
                    gate.delivered(false);
                    return;
                };
                let go_on = each(r);
                gate.delivered(go_on);
                if !go_on {
                    return;
                }
            }
        }
    });
}

struct GateState<I> {
    items: I,
    taken: usize,
    delivered: usize,
    stopped: bool,
}

struct Gate<I> {
    state: std::sync::Mutex<GateState<I>>,
    moved: std::sync::Condvar,
}

impl<T, I: Iterator<Item = (usize, T)>> Gate<I> {
    fn take(&self, window: usize) -> Option<(usize, T)> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !st.stopped && st.taken >= st.delivered + window {
            st = self.moved.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        if st.stopped {
            return None;
        }
        let next = st.items.next()?;
        st.taken += 1;
        Some(next)
    }

    fn delivered(&self, go_on: bool) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.delivered += 1;
        st.stopped |= !go_on;
        self.moved.notify_all();
    }
}

/// Loads every file under `paths`, calling `send` with the updates in file order;
/// returns a report per file. Stops early when `send` returns false.
pub fn load(
    paths: &[PathBuf],
    now: DateTime<Utc>,
    mut send: impl FnMut(Update) -> bool,
) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let mut total = 0usize;
    let all = files(paths);
    let count = all.len();
    if count == 0 {
        let none = SourceHealth {
            status: Status::Failed,
            last_success: None,
            error: Some("no files found under the given paths".into()),
            records: 0,
            next_poll: None,
        };
        send(Update::Health(SourceKey::service("replay"), none));
        return reports;
    }
    // "Outside the organization" means outside every account of the evidence, which is
    // known only at the end: AssumeRole calls one file judged outside are judged again then.
    let mut recipients: std::collections::HashSet<String> = Default::default();
    let mut outside: Vec<crate::model::TrailEvent> = Vec::new();
    in_order(
        all,
        |entry| process(entry, now),
        |Processed { report, batch }| {
            if let Some((batch, report_time)) = batch {
                for e in &batch.events {
                    recipients.insert(e.account_id.to_string());
                    if e.detections.iter().any(|d| d == "assume-role-from-outside") {
                        outside.push(e.clone());
                    }
                }
                if !send_batch(batch, report_time, &mut send) {
                    return false;
                }
            }
            total += report.records;
            let last = reports.len() + 1 == count;
            let progress = SourceHealth {
                status: if last { Status::Ok } else { Status::Loading },
                last_success: last.then_some(now),
                error: None,
                records: total,
                next_poll: None,
            };
            let file_health = Update::Health(file_key(&report.path), health_of(&report, now));
            reports.push(report);
            send(file_health) && send(Update::Health(SourceKey::service("replay"), progress))
        },
    );
    let inside: Vec<crate::model::TrailEvent> = outside
        .into_iter()
        .filter_map(|mut e| {
            let caller = e.raw.to_value();
            let caller = caller
                .pointer("/userIdentity/accountId")?
                .as_str()?
                .to_string();
            recipients.contains(&caller).then(|| {
                e.detections.retain(|d| d != "assume-role-from-outside");
                e
            })
        })
        .collect();
    if !inside.is_empty() {
        send(Update::Events(inside));
    }
    reports
}

fn file_key(path: &str) -> SourceKey {
    SourceKey {
        file: Some(path.to_string()),
        ..SourceKey::service("replay")
    }
}

fn health_of(r: &FileReport, now: DateTime<Utc>) -> SourceHealth {
    SourceHealth {
        status: if r.failed() {
            Status::Failed
        } else {
            Status::Ok
        },
        last_success: (!r.failed()).then_some(now),
        error: r.error.clone(),
        records: r.records,
        next_poll: None,
    }
}

/// Sends a file's rows in batches. Detections were judged per file, so bursts are
/// judged within one delivery.
pub(crate) fn send_batch(
    b: Batch,
    report_time: DateTime<Utc>,
    send: &mut impl FnMut(Update) -> bool,
) -> bool {
    let Batch {
        findings,
        events,
        credentials,
        report_generated_at,
        exposures,
        compliance,
        handoff,
        ..
    } = b;
    let mut by_account: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for c in credentials {
        by_account.entry(c.account_id.clone()).or_default().push(c);
    }
    let credential_updates =
        by_account
            .into_iter()
            .map(|(account_id, records)| Update::Credentials {
                account_id,
                generated_at: report_generated_at.unwrap_or(report_time),
                records,
            });
    super::batches(findings, BATCH)
        .map(Update::Findings)
        .chain(super::batches(events, BATCH).map(Update::Events))
        .chain(credential_updates)
        .chain((!exposures.is_empty()).then_some(Update::Exposures(exposures)))
        .chain((!compliance.is_empty()).then_some(Update::Compliance(compliance)))
        .chain(handoff.map(Update::Handoff))
        .all(send)
}

/// Loads the evidence into a fresh store, for `rampart export --replay`.
pub fn load_store(paths: &[PathBuf], now: DateTime<Utc>) -> (crate::store::Store, Vec<FileReport>) {
    let mut store = crate::store::Store::new();
    let reports = load(paths, now, |u| {
        store.apply(u);
        true
    });
    (store, reports)
}

/// One line per file for the operator: what it was and how many records it gave.
pub fn summary(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let what = match (r.format, &r.error) {
            (Some(f), None) => format!("{} records ({})", r.records, f.label()),
            (Some(f), Some(e)) => format!("{} records ({}); {e}", r.records, f.label()),
            (None, Some(e)) => e.clone(),
            (None, None) => "skipped (CloudTrail digest file)".into(),
        };
        out.push_str(&format!("{}: {what}\n", r.path));
    }
    out
}

pub struct ReplaySource {
    paths: Vec<PathBuf>,
    clock: Clock,
}

impl ReplaySource {
    pub fn new(paths: Vec<PathBuf>, clock: Clock) -> ReplaySource {
        ReplaySource { paths, clock }
    }
}

impl Source for ReplaySource {
    fn name(&self) -> String {
        format!("replay ({} paths)", self.paths.len())
    }

    fn run(self: Box<Self>, mut ctx: SourceContext) -> SourceFuture {
        Box::pin(async move {
            let ReplaySource { paths, clock } = *self;
            let loading = SourceHealth::loading();
            if ctx
                .updates
                .send(Update::Health(SourceKey::service("replay"), loading))
                .await
                .is_err()
            {
                return;
            }
            let (tx, cancel, now) = (ctx.updates.clone(), ctx.cancel.clone(), clock.now());
            let loaded = tokio::task::spawn_blocking(move || {
                load(&paths, now, |u| {
                    !cancel.is_cancelled() && tx.blocking_send(u).is_ok()
                })
            });
            tokio::select! {
                _ = ctx.cancel.cancelled() => return,
                done = loaded => match done {
                    Ok(reports) => tracing::info!("replay loaded:\n{}", summary(&reports)),
                    Err(e) => tracing::error!("replay failed: {e}"),
                },
            }
            // Evidence does not change: wait for the console to close.
            loop {
                tokio::select! {
                    _ = ctx.cancel.cancelled() => return,
                    cmd = ctx.commands.recv() => match cmd {
                        Some(cmd) => {
                            if let Some(answer) = offline_answer(cmd) {
                                if ctx.updates.send(answer).await.is_err() {
                                    return;
                                }
                            }
                        }
                        None => return,
                    },
                }
            }
        })
    }
}

/// Evidence files are not Security Hub or CloudTrail: a triage is refused before anything
/// is sent, and a lookup has only the events of the files.
fn offline_answer(cmd: Command) -> Option<Update> {
    Some(match cmd {
        Command::Triage(req) => Update::Triaged(crate::model::triage::Outcome {
            request: req.id,
            results: req
                .targets
                .iter()
                .map(|t| {
                    let why = "replay is read-only: evidence files are not Security Hub";
                    (t.key_hash(), Err(why.to_string()))
                })
                .collect(),
            calls: 0,
        }),
        Command::Lookup(l) => Update::Looked(crate::model::lookup::Looked {
            id: l.id,
            event_ids: Vec::new(),
            error: None,
            offline: Some("replay: the events of the evidence files only".into()),
        }),
        Command::Import(f) => Update::Imported(crate::model::triage::Outcome {
            request: f.request,
            results: vec![(
                0,
                Err("replay is read-only: evidence files are not Security Hub".into()),
            )],
            calls: 0,
        }),
        Command::Refresh | Command::Drill(_) => return None,
    })
}

#[cfg(test)]
mod tests;
