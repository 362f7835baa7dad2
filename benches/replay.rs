//! `cargo bench --bench replay`: loading evidence as `--replay` does. Prints the time and
//! peak memory to load 1,000,000 CloudTrail events in gzip log files (with the built-in
//! detection rules, then with SigmaHQ's 57 CloudTrail rules loaded too, and the share of
//! the time the rules took), and 100,000 findings from `get-findings` output. Figures,
//! not assertions: the README quotes them.
//!
//! The evidence is written once to `target/bench-evidence/` (generated from the demo's
//! own record shapes); each load runs in a fresh child process so that its peak memory is
//! the loader's alone.

use rampart::run::fixture::fixed_now;
use rampart::source::demo::{activity, findings};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

const EVENTS: u64 = 1_000_000;
const EVENTS_PER_FILE: u64 = 5_000;
const FINDINGS: u64 = 100_000;
const FINDINGS_PER_FILE: u64 = 100;

rampart::shipped_allocator!();

fn main() {
    if let Ok(dir) = std::env::var("RAMPART_BENCH_LOAD") {
        load(Path::new(&dir));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-evidence");
    let trail = root.join("cloudtrail");
    let hub = root.join("securityhub");
    if !root.join("cloudtrail.done").exists() {
        write_trail(&trail);
    }
    if !root.join("securityhub.done").exists() {
        write_findings(&hub);
    }
    println!("rampart replay benchmark");
    let sigma =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sigma/aws_cloudtrail");
    let files = EVENTS / EVENTS_PER_FILE;
    for (what, dir, rules) in [
        (
            format!("{EVENTS} CloudTrail events in {files} gzip log files, built-in rules"),
            &trail,
            None,
        ),
        (
            format!("{EVENTS} CloudTrail events in {files} gzip log files, built-in and SigmaHQ's 57 rules"),
            &trail,
            sigma.exists().then_some(&sigma),
        ),
        (
            format!(
                "{FINDINGS} findings in {} get-findings pages",
                FINDINGS / FINDINGS_PER_FILE
            ),
            &hub,
            None,
        ),
    ] {
        let bytes: u64 = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child.env("RAMPART_BENCH_LOAD", dir);
        if let Some(rules) = rules {
            child.env("RAMPART_BENCH_RULES", rules);
        }
        let out = child.output().unwrap();
        print!(
            "{what} ({:.0} MB on disk): {}",
            bytes as f64 / 1e6,
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// In the child: load, then print the time and this process's peak memory.
fn load(dir: &Path) {
    use rampart::drill::detect::{Detector, RuleSet};
    let detector = match std::env::var_os("RAMPART_BENCH_RULES") {
        Some(rules) => Detector {
            rules: std::sync::Arc::new(RuleSet::load(&[rules.into()], &[])),
            ..Detector::default()
        },
        None => Detector::default(),
    };
    let (singles, windows) = detector.rules.compiled();
    let kb = |key: &str| {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let options = rampart::source::replay::ReplayOptions {
        detector: std::sync::Arc::new(detector.clone()),
        ..Default::default()
    };
    // Raw records to a spill file, as the binary keeps them.
    let spill = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-spill");
    if let Err(e) = rampart::model::RawRecord::spill_to(&spill) {
        println!("(no spill file: {e})");
    }
    let t = Instant::now();
    let (store, reports) =
        rampart::source::replay::load_store(&[dir.to_path_buf()], fixed_now(), &options);
    let took = t.elapsed();
    let loaded_peak = kb("VmHWM:");
    let loaded_rss = kb("VmRSS:");
    // The rules' share: the same events judged again, alone, in file-sized batches on as
    // many threads as the loader reads with.
    let mut events: Vec<_> = store.events.items().to_vec();
    let fired = events.iter().filter(|e| !e.detections.is_empty()).count();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4);
    let t = Instant::now();
    let costs: Vec<rampart::drill::detect::Cost> = std::thread::scope(|scope| {
        let detector = &detector;
        let per = events.len().div_ceil(threads).max(1);
        let parts: Vec<_> = events
            .chunks_mut(per)
            .map(|part| {
                scope.spawn(move || {
                    let mut cost = rampart::drill::detect::Cost::default();
                    for batch in part.chunks_mut(EVENTS_PER_FILE as usize) {
                        let c = detector.run_counted(batch);
                        cost.evaluations += c.evaluations;
                        cost.decoded += c.decoded;
                    }
                    cost
                })
            })
            .collect();
        parts.into_iter().map(|p| p.join().unwrap()).collect()
    });
    let judging = t.elapsed();
    let cost = costs
        .iter()
        .fold(rampart::drill::detect::Cost::default(), |mut a, c| {
            a.evaluations += c.evaluations;
            a.decoded += c.decoded;
            a
        });
    drop(events);
    let mut rules_line = String::new();
    if !store.events.is_empty() {
        rules_line = format!(
            "  rules: {singles} single-event and {windows} correlation rules; judging alone took {:.2} s on {threads} threads ({:.0}% of the load, {} rule evaluations, {} records decoded, {fired} events fired)",
            judging.as_secs_f64(),
            100.0 * judging.as_secs_f64() / took.as_secs_f64(),
            cost.evaluations,
            cost.decoded,
        );
    }
    // Where the memory goes: the compressed raw records and the search text.
    let raw: usize = store
        .events
        .items()
        .iter()
        .map(|e| e.raw.stored_len())
        .sum::<usize>()
        + store
            .findings
            .items()
            .iter()
            .map(|f| f.raw.stored_len())
            .sum::<usize>();
    let text: usize = (0..store.events.len() as u32)
        .map(|i| store.events.search_text(i).len())
        .chain((0..store.findings.len() as u32).map(|i| store.findings.search_text(i).len()))
        .sum();
    let failed = reports.iter().filter(|r| r.failed()).count();
    let (hwm, rss) = (loaded_peak, loaded_rss);
    println!(
        "loaded {} events and {} findings in {:.2} s, peak memory {:.0} MB ({:.0} MB held after: raw records {} MB in memory and {} MB in the spill file, search text {} MB), {failed} files failed",
        store.events.len(),
        store.findings.len(),
        took.as_secs_f64(),
        hwm / 1024.0,
        rss / 1024.0,
        raw / 1_000_000,
        rampart::model::RawRecord::spill_usage().map_or(0, |(live, _)| live / 1_000_000),
        text / 1_000_000
    );
    if !rules_line.is_empty() {
        println!("{rules_line}");
    }
}

fn gz_file(path: PathBuf, json: &[u8]) {
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    e.write_all(json).unwrap();
    e.finish().unwrap();
}

fn write_trail(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let now = fixed_now();
    for f in 0..EVENTS / EVENTS_PER_FILE {
        let records: Vec<serde_json::Value> = (0..EVENTS_PER_FILE)
            .map(|i| {
                let mut v = activity::routine(42, f * EVENTS_PER_FILE + i, now);
                // Unique ids: the demo's generator repeats its pattern beyond its scale.
                v["eventID"] = serde_json::json!(format!("bench-{f}-{i}"));
                v
            })
            .collect();
        let body = serde_json::to_vec(&serde_json::json!({ "Records": records })).unwrap();
        gz_file(
            dir.join(format!("111122223333_CloudTrail_us-east-1_{f:05}.json.gz")),
            &body,
        );
    }
    std::fs::write(dir.with_extension("done"), "").unwrap();
}

fn write_findings(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let now = fixed_now();
    for p in 0..FINDINGS / FINDINGS_PER_FILE {
        let page: Vec<serde_json::Value> = (0..FINDINGS_PER_FILE)
            .map(|i| findings::asff_value(42, p * FINDINGS_PER_FILE + i, now))
            .collect();
        let body = serde_json::to_vec_pretty(&serde_json::json!({ "Findings": page })).unwrap();
        std::fs::write(dir.join(format!("page-{p:04}.json")), body).unwrap();
    }
    std::fs::write(dir.with_extension("done"), "").unwrap();
}
