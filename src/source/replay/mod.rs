//! `--replay PATH...`: evidence files as a source, for responders on an isolated box.
//!
//! Paths are files or directories (walked recursively, in name order). Each file is
//! recognised by its content ([`formats`]); gzip is recognised by its magic bytes. CloudTrail
//! log files are streamed record by record, and large JSON lines line by line, so a large
//! delivery never sits in memory as text. CloudTrail records are also read as SIEMs, log
//! services and detonation tools pass them on (`lines`, `wrapped`, `lake`), one record at a
//! time: a bad record is rejected with its position and the others load. A file that
//! cannot be read or recognised is reported with its position and what was expected, and
//! the others still load. Every file gets its own health entry.

pub mod export_in;
pub mod formats;
mod lake;
mod lines;
mod order;
mod read;
mod split;
mod walk;
mod wrapped;

pub use read::{read_file, read_file_within};
pub use walk::files;

use super::{Source, SourceContext, SourceFuture};
use crate::drill::detect::{Carry, Detector};
use crate::feed::{Command, SourceHealth, SourceKey, Status, Update};
use crate::model::Clock;
use chrono::{DateTime, Utc};
use formats::{Batch, Format};
use order::in_order;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use walk::is_digest;

/// How a replay reads its evidence.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    /// Judges the CloudTrail records (the configured thresholds and accounts).
    pub detector: Arc<Detector>,
    pub limits: Limits,
}

/// What one evidence file may cost (`[replay]` in the config): a file that reaches a limit
/// keeps the records before it and says which limit stopped it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Content read from one file, after decompression.
    pub max_bytes: u64,
    /// Records kept from one file.
    pub max_records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 4 << 30,
            max_records: 5_000_000,
        }
    }
}

/// Rows per update, so the console stays responsive while a large replay loads.
const BATCH: usize = 5_000;

/// The most a reading thread keeps of a file's content for the next file (CloudTrail
/// delivers files of a few MB at most).
const KEPT_CONTENT: usize = 32 << 20;

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

/// One file read, recognised and judged, ready to send.
struct Processed {
    report: FileReport,
    batch: Option<(Batch, DateTime<Utc>)>,
    /// The file's correlation matches, settled with every other file's at the end.
    carry: Carry,
}

/// Reads one file (in a worker thread): parse, and run the detections over its events.
fn process(
    entry: Result<PathBuf, FileReport>,
    now: DateTime<Utc>,
    options: &ReplayOptions,
) -> Processed {
    let path = match entry {
        Err(report) => {
            return Processed {
                report,
                batch: None,
                carry: Carry::default(),
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
            carry: Carry::default(),
        };
    }
    thread_local! {
        // The file's content, kept from file to file on this (worker) thread.
        static CONTENT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let read = CONTENT.with_borrow_mut(|bytes| {
        let read = read::read_file_reusing(&path, &options.limits, bytes);
        // A rare large file does not keep its megabytes for the thread's life.
        if bytes.capacity() > KEPT_CONTENT {
            *bytes = Vec::new();
        }
        read
    });
    match read {
        Ok((format, mut batch)) => {
            let mut carry = Carry::default();
            options
                .detector
                .run_carrying(&mut batch.events, Some(&mut carry));
            if let Some(h) = &mut batch.handoff {
                h.file = Some(name.clone());
            }
            let records = batch.records();
            let rejected = (!batch.rejected.is_empty()).then(|| {
                let first: Vec<&str> = batch.rejected.iter().take(3).map(String::as_str).collect();
                format!(
                    "{} of {} records rejected: {}",
                    batch.rejected.len(),
                    records + batch.rejected.len(),
                    first.join("; ")
                )
            });
            let error = match (batch.stopped.take(), rejected) {
                (Some(stop), Some(r)) => Some(format!("{stop}; {r}")),
                (stop, r) => stop.or(r),
            };
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
                carry,
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
            carry: Carry::default(),
        },
    }
}

/// Loads every file under `paths`, calling `send` with the updates in file order;
/// returns a report per file. Stops early when `send` returns false.
pub fn load(
    paths: &[PathBuf],
    now: DateTime<Utc>,
    options: &ReplayOptions,
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
    let mut recipients: std::collections::HashSet<crate::model::intern::Shared> =
        Default::default();
    let mut outside: Vec<crate::model::TrailEvent> = Vec::new();
    // A burst split over files (S3 delivers a file every five minutes per region) is
    // seen whole once every file is in.
    let mut carry = Carry::default();
    in_order(
        all,
        |entry| process(entry, now, options),
        |Processed {
             report,
             batch,
             carry: file_carry,
         }| {
            carry.merge(file_carry);
            if let Some((batch, report_time)) = batch {
                for e in &batch.events {
                    // Shared text: a copy per event was a million allocations.
                    if !recipients.contains(&e.account_id) {
                        recipients.insert(e.account_id.clone());
                    }
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
            recipients.contains(caller.as_str()).then(|| {
                e.detections.retain(|d| d != "assume-role-from-outside");
                e
            })
        })
        .collect();
    if !inside.is_empty() {
        send(Update::Events(inside));
    }
    let marks = options.detector.settle(&mut carry);
    if !marks.is_empty() {
        send(Update::Marked(marks));
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
        standing,
        wa_answers,
        handoff,
        ..
    } = b;
    // A scope's records and a workload's answers replace the previous ones as a whole.
    let mut scopes: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for r in standing {
        scopes.entry(r.scope.clone()).or_default().push(r);
    }
    let mut workloads: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for a in wa_answers {
        workloads.entry(a.workload_id.clone()).or_default().push(a);
    }
    let pillar_updates = scopes
        .into_iter()
        .map(|(scope, records)| Update::Standing { scope, records })
        .chain(
            workloads
                .into_iter()
                .map(|(workload_id, answers)| Update::WaAnswers {
                    workload_id,
                    answers,
                }),
        );
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
        .chain(pillar_updates)
        .chain(handoff.map(Update::Handoff))
        .all(send)
}

/// Loads the evidence into a fresh store, for `rampart export --replay`.
pub fn load_store(
    paths: &[PathBuf],
    now: DateTime<Utc>,
    options: &ReplayOptions,
) -> (crate::store::Store, Vec<FileReport>) {
    let mut store = crate::store::Store::new();
    let reports = load(paths, now, options, |u| {
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
    options: ReplayOptions,
}

impl ReplaySource {
    pub fn new(paths: Vec<PathBuf>, clock: Clock, options: ReplayOptions) -> ReplaySource {
        ReplaySource {
            paths,
            clock,
            options,
        }
    }
}

impl Source for ReplaySource {
    fn name(&self) -> String {
        format!("replay ({} paths)", self.paths.len())
    }

    fn run(self: Box<Self>, mut ctx: SourceContext) -> SourceFuture {
        Box::pin(async move {
            let ReplaySource {
                paths,
                clock,
                options,
            } = *self;
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
                load(&paths, now, &options, |u| {
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
mod evidence_tests;
#[cfg(test)]
mod tests;
