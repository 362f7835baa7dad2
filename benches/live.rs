//! `cargo bench --bench live`: a full Security Hub sync of 10,000 findings from a local
//! endpoint (127.0.0.1, `tests/support/fake_hub.rs`), by `rampart export` and, side by side
//! in the same run, by `aws securityhub get-findings` (the AWS CLI, from PyPI) paging the
//! same endpoint, each printing what it read to standard output: wall time and peak memory
//! of each process, the medians of several runs taken in turn; then rampart's export to a
//! file. Then rampart against an endpoint that enforces 3 requests/s: the rate it
//! sustains and how often it was throttled.
//!
//! Pacing is off (`pace_percent = 0`) for the side-by-side run (a local endpoint has no
//! AWS limits, and the CLI does not pace); the second run uses the default pacing.
//!
//! `RAMPART_BENCH_SERVE=10000` only serves that many findings and prints the endpoint's
//! address and a home directory with the configs, for a profiler or `massif` to watch
//! `rampart export` by hand.

#[path = "../tests/support/fake_hub.rs"]
mod fake_hub;

use fake_hub::{findings, Behaviour, FakeHub};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Runs a command to its end; returns (wall time, peak resident memory in MB, success).
// The child is reaped by wait4, which also reports its peak memory; std's wait cannot.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> (Duration, f64, bool) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the command");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold; `usage` outlives the call.
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let took = start.elapsed();
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (took, usage.ru_maxrss as f64 / 1024.0, ok)
}

/// Runs of `rampart export`, and of the CLI (slower: fewer).
const RUNS: usize = 5;
const CLI_RUNS: usize = 3;

/// The median time and memory of runs (each sorted on its own), and whether all succeeded.
fn median(runs: &[(f64, f64, bool)]) -> (f64, f64, bool) {
    let mut times: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let mut mems: Vec<f64> = runs.iter().map(|r| r.1).collect();
    times.sort_by(f64::total_cmp);
    mems.sort_by(f64::total_cmp);
    (
        times[times.len() / 2],
        mems[mems.len() / 2],
        runs.iter().all(|r| r.2),
    )
}

/// "0.26-0.31 s": the fastest and slowest of the runs.
fn range(runs: &[(f64, f64, bool)]) -> String {
    let fastest = runs.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let slowest = runs.iter().map(|r| r.0).fold(0.0, f64::max);
    format!("{fastest:.2}-{slowest:.2} s")
}

fn env<'a>(cmd: &'a mut Command, home: &std::path::Path) -> &'a mut Command {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_ACCESS_KEY_ID", "AKIABENCHBENCHBENCH0")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "benchbenchbenchbenchbenchbenchbenchbench",
        )
        .env("AWS_DEFAULT_REGION", "us-east-1")
}

fn main() {
    let home = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_rampart");
    let fast = home.path().join("fast.toml");
    // Security Hub (and the credential report) only: the other pollers are what the CLI
    // run does not do.
    let only_hub = "[access_analyzer]\nenabled = false\n[aws_config]\nenabled = false\n[cloudtrail]\nenabled = false\n";
    std::fs::write(
        &fast,
        format!("{only_hub}[securityhub]\npace_percent = 0\n"),
    )
    .unwrap();
    let paced = home.path().join("paced.toml");
    std::fs::write(&paced, only_hub).unwrap();
    if let Ok(n) = std::env::var("RAMPART_BENCH_SERVE") {
        let hub = FakeHub::start(
            findings(n.parse().unwrap(), "111111111111"),
            Behaviour::default(),
        );
        println!("{}", hub.url);
        println!("{}", home.path().display());
        std::thread::sleep(Duration::from_secs(3000));
        return;
    }
    println!("rampart live benchmark (local Security Hub endpoint on 127.0.0.1)");

    let hub = FakeHub::start(findings(10_000, "111111111111"), Behaviour::default());
    // Each side several times, alternating, and the medians compared: on this shared
    // machine one run of either moves by a quarter or more. The CLI prints the findings to
    // standard output (here /dev/null); rampart is measured doing the same, and also
    // writing a file (written, fsynced, then renamed over the last run's file).
    let (mut printed, mut filed, mut cli) = (Vec::new(), Vec::new(), Vec::new());
    let (mut r_pages, mut c_pages) = (0, 0);
    let rampart = |output: Option<&std::path::Path>| {
        let mut cmd = Command::new(bin);
        env(&mut cmd, home.path())
            .args(["export", "--region", "us-east-1", "--config"])
            .arg(&fast)
            .args(["--endpoint-url", &hub.url]);
        if let Some(path) = output {
            cmd.arg("--output").arg(path);
        }
        let (time, mem, ok) = measure(&mut cmd);
        (time.as_secs_f64(), mem, ok)
    };
    for round in 0..RUNS {
        printed.push(rampart(None));
        r_pages = hub.stats.served.swap(0, Ordering::SeqCst);
        filed.push(rampart(Some(&home.path().join("out.json"))));
        hub.stats.served.swap(0, Ordering::SeqCst);
        if round < CLI_RUNS {
            let (time, mem, ok) = measure(
                env(&mut Command::new("aws"), home.path())
                    .args(["securityhub", "get-findings", "--endpoint-url", &hub.url])
                    .args(["--region", "us-east-1", "--output", "json"]),
            );
            c_pages = hub.stats.served.swap(0, Ordering::SeqCst);
            cli.push((time.as_secs_f64(), mem, ok));
        }
    }
    let failed = |ok: bool| if ok { "" } else { ", FAILED" };
    let (r_time, r_mem, r_ok) = median(&printed);
    let (f_time, f_mem, f_ok) = median(&filed);
    let (c_time, c_mem, c_ok) = median(&cli);
    println!(
        "full sync of 10,000 findings printed to standard output, median of {RUNS} and {CLI_RUNS} runs: rampart export {r_time:.2} s ({}), peak {r_mem:.0} MB ({r_pages} pages{}); aws securityhub get-findings {c_time:.2} s ({}), peak {c_mem:.0} MB ({c_pages} pages{})",
        range(&printed),
        failed(r_ok),
        range(&cli),
        failed(c_ok),
    );
    println!(
        "rampart is {:.1}x faster and uses {:.0}% of the CLI's memory (targets: 10x, 25%)",
        c_time / r_time,
        100.0 * r_mem / c_mem
    );
    println!(
        "the same sync written to a file with --output (written, fsynced, renamed), median of {RUNS}: {f_time:.2} s ({}), peak {f_mem:.0} MB{}; {:.1}x the CLI's speed",
        range(&filed),
        failed(f_ok),
        c_time / f_time,
    );

    let limited = FakeHub::start(
        findings(3_000, "111111111111"),
        Behaviour::limited(3.0, 6.0),
    );
    let (time, _, ok) = measure(
        env(&mut Command::new(bin), home.path())
            .args([
                "export",
                "--region",
                "us-east-1",
                "--endpoint-url",
                &limited.url,
                "--config",
            ])
            .arg(&paced)
            .arg("--output")
            .arg(home.path().join("out2.json")),
    );
    let times = limited.stats.times.lock().unwrap().clone();
    // The steady rate: after the burst of 6, pages per second.
    let steady = if times.len() > 8 {
        (times.len() - 7) as f64
            / times[times.len() - 1]
                .duration_since(times[6])
                .as_secs_f64()
    } else {
        f64::NAN
    };
    println!(
        "endpoint enforcing 3 requests/s: {} pages in {:.1} s, steady {:.2} requests/s ({:.0}% of the allowed rate), throttled {} times, export {}",
        times.len(),
        time.as_secs_f64(),
        steady,
        100.0 * steady / 3.0,
        limited.stats.throttled.load(Ordering::SeqCst),
        if ok { "ok" } else { "FAILED" }
    );
}
