//! `--replay PATH...`: evidence files as a source, for responders on an isolated box.
//!
//! Paths are files or directories (walked recursively, in name order). Each file is
//! recognised by its content ([`formats`]); gzip is recognised by its magic bytes. CloudTrail
//! log files are streamed record by record, so a large delivery never sits in memory as
//! text. A file that cannot be read or recognised is reported with its position and what
//! was expected, and the others still load. Every file gets its own health entry.

pub mod export_in;
pub mod formats;

use super::{
    Command, Source, SourceContext, SourceFuture, SourceHealth, SourceKey, Status, Update,
};
use crate::model::Clock;
use chrono::{DateTime, Utc};
use formats::{Batch, EvidenceError, Format};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
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

/// True when the stream starts like a CloudTrail delivery: `{"Records":`.
fn starts_like_trail_log(r: &mut dyn BufRead) -> std::io::Result<bool> {
    let head = r.fill_buf()?;
    let compact: Vec<u8> = head
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take(11)
        .collect();
    Ok(compact.starts_with(b"{\"Records\""))
}

/// Reads one file into a batch.
pub fn read_file(path: &Path) -> Result<(Format, Batch), EvidenceError> {
    let io = |e: std::io::Error| EvidenceError::Io(e.to_string());
    let mut r = open(path).map_err(io)?;
    if starts_like_trail_log(&mut r).map_err(io)? {
        let mut batch = Batch::default();
        let mut de = serde_json::Deserializer::from_reader(r);
        if let Err(e) = de.deserialize_map_seed(&mut batch) {
            // A truncated delivery still gives the records before the cut.
            if batch.events.is_empty() {
                return Err(EvidenceError::json(&e));
            }
            batch
                .rejected
                .push(format!("the rest of the file: {}", EvidenceError::json(&e)));
        }
        return Ok((Format::CloudTrailLog, batch));
    }
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(io)?;
    formats::read(&bytes)
}

/// Streams `{"Records": [...]}` one record at a time into the batch.
struct TrailLog<'a>(&'a mut Batch);

trait DeserializeMapSeed {
    fn deserialize_map_seed(&mut self, batch: &mut Batch) -> Result<(), serde_json::Error>;
}

impl<R: serde_json::de::Read<'static>> DeserializeMapSeed for serde_json::Deserializer<R> {
    fn deserialize_map_seed(&mut self, batch: &mut Batch) -> Result<(), serde_json::Error> {
        serde::Deserializer::deserialize_map(&mut *self, TrailLog(batch))?;
        self.end()
    }
}

impl<'de> Visitor<'de> for TrailLog<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a CloudTrail log file: {\"Records\": [...]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "Records" {
                map.next_value_seed(Records(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Records<'a>(&'a mut Batch);

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of CloudTrail records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(record) = seq.next_element::<Value>()? {
            self.0.add_trail_record(i, &record);
            i += 1;
        }
        Ok(())
    }
}

/// The CloudTrail digest files that sit beside the logs: not evidence of activity.
fn is_digest(path: &Path) -> bool {
    path.to_string_lossy().contains("CloudTrail-Digest")
}

/// Loads every file under `paths`, calling `send` with the updates in order; returns a
/// report per file. Stops early when `send` returns false.
pub fn load(
    paths: &[PathBuf],
    now: DateTime<Utc>,
    mut send: impl FnMut(Update) -> bool,
) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let mut total = 0usize;
    let all = files(paths);
    let count = all.len();
    for (n, entry) in all.into_iter().enumerate() {
        let report = match entry {
            Err(report) => report,
            Ok(path) if is_digest(&path) => FileReport {
                path: path.display().to_string(),
                format: None,
                records: 0,
                error: None,
            },
            Ok(path) => {
                let name = path.display().to_string();
                match read_file(&path) {
                    Ok((format, batch)) => {
                        let records = batch.records();
                        let error = (!batch.rejected.is_empty()).then(|| {
                            let first: Vec<&str> =
                                batch.rejected.iter().take(3).map(String::as_str).collect();
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
                        if !send_batch(batch, mtime.unwrap_or(now), &mut send) {
                            return reports;
                        }
                        total += records;
                        FileReport {
                            path: name,
                            format: Some(format),
                            records,
                            error,
                        }
                    }
                    Err(e) => FileReport {
                        path: name,
                        format: None,
                        records: 0,
                        error: Some(e.to_string()),
                    },
                }
            }
        };
        let progress = SourceHealth {
            status: if n + 1 == count {
                Status::Ok
            } else {
                Status::Loading
            },
            last_success: (n + 1 == count).then_some(now),
            error: None,
            records: total,
        };
        let file_health = Update::Health(file_key(&report.path), health_of(&report, now));
        if !send(file_health) || !send(Update::Health(SourceKey::service("replay"), progress)) {
            return reports;
        }
        reports.push(report);
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
    }
}

/// Sends a file's rows in batches; detections run over the file's events first, so
/// bursts are judged within one delivery.
fn send_batch(b: Batch, report_time: DateTime<Utc>, send: &mut impl FnMut(Update) -> bool) -> bool {
    let Batch {
        findings,
        mut events,
        credentials,
        report_generated_at,
        exposures,
        compliance,
        ..
    } = b;
    crate::drill::detect::detect_all(&mut events);
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
    chunks(findings)
        .map(Update::Findings)
        .chain(chunks(events).map(Update::Events))
        .chain(credential_updates)
        .chain((!exposures.is_empty()).then_some(Update::Exposures(exposures)))
        .chain((!compliance.is_empty()).then_some(Update::Compliance(compliance)))
        .all(send)
}

fn chunks<T>(rows: Vec<T>) -> impl Iterator<Item = Vec<T>> {
    let mut rows = rows.into_iter().peekable();
    std::iter::from_fn(move || {
        rows.peek()?;
        Some(rows.by_ref().take(BATCH).collect())
    })
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
            let loading = SourceHealth {
                status: Status::Loading,
                last_success: None,
                error: None,
                records: 0,
            };
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
                        Some(Command::Refresh) => {}
                        None => return,
                    },
                }
            }
        })
    }
}

#[cfg(test)]
mod tests;
