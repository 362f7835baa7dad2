//! A soak: the demo organization runs for hours of its own time on tokio's paused clock,
//! its live updates taken by the console (the same `App` the event loop runs) with a
//! frame drawn after every batch, the pane changed every ten minutes and the overview
//! shown every other half hour. Live memory (counted by this test's allocator) and the
//! tokio task count are read every hour: the task count must not change, and memory must
//! stay within a band and not trend up once the steady state is reached. The demo's new
//! findings recur after an hour and CloudTrail events are kept for an hour here; the
//! findings' histories (20 changes a finding) take about two days to fill, so a long run
//! is judged over its second half.
//!
//! CI runs 6 hours of demo time (about 30 s). The long run, a week of demo time (about 4
//! minutes in release): `RAMPART_SOAK_HOURS=168 cargo test --release --test soak -- --nocapture`.
//! At a million findings for an hour of demo time, read every ten minutes:
//! `RAMPART_SOAK_SCALE=1000000 RAMPART_SOAK_MINUTES=60 cargo test --release --test soak --
//! --nocapture`. The UI thread's worst batch (apply, refresh, draw) is printed, not
//! asserted: timings belong to benchmarks, and a debug build on a shared runner says
//! nothing about them.

use rampart::app::{Action, App, Pane, Settings};
use rampart::model::Clock;
use rampart::source::demo::{DemoOptions, DemoSource};
use rampart::source::{Source, SourceContext};
use rampart::theme::Theme;
use rampart::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Counts the bytes allocated and not yet freed.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the shipped allocator unchanged; only counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { rampart::util::allocator::Allocator.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { rampart::util::allocator::Allocator.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { rampart::util::allocator::Allocator.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { rampart::util::allocator::Allocator.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// Memory and pauses are those of what ships: the binary's allocator, with its settings.
rampart::allocator_settings!();

/// One reading (every hour, or every ten minutes in a short run).
#[derive(Debug)]
struct Reading {
    index: u64,
    live_mb: f64,
    tasks: usize,
    findings: usize,
    events: usize,
    /// Changes kept in the findings' histories (at most 20 a finding).
    history: usize,
    frames: usize,
}

#[tokio::test(start_paused = true)]
async fn a_long_demo_run_holds_flat_memory_and_tasks() {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let hours: u64 = var("RAMPART_SOAK_HOURS").unwrap_or(6).max(3);
    let scale = var("RAMPART_SOAK_SCALE").map(|n| n as usize);
    // A run shorter than three hours is read every ten minutes instead of every hour.
    let minutes = var("RAMPART_SOAK_MINUTES").map_or(hours * 60, |m| m.max(30));
    let every = if minutes < 180 { 10 } else { 60 };
    let start = rampart::model::clock::parse_rfc3339("2026-11-23T12:00:00Z").unwrap();
    let clock = Clock::starting_at(start);
    let source = Box::new(DemoSource::new(
        DemoOptions::new(42, scale, start),
        clock.clone(),
    ));
    let (tx, mut updates) = tokio::sync::mpsc::channel(64);
    let (_commands, commands) = tokio::sync::mpsc::channel(4);
    let cancel = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(source.run(SourceContext {
        updates: tx,
        commands,
        cancel: cancel.clone(),
    }));
    let settings = Settings {
        events_keep: Some(chrono::Duration::hours(1)),
        ..Settings::default()
    };
    let mut app = App::new(clock, settings, Theme::default());
    app.update(Action::Resize(160, 48));
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let tabs = [
        Pane::Findings,
        Pane::Credentials,
        Pane::PublicAccess,
        Pane::Drills,
        Pane::Compliance,
    ];
    let metrics = tokio::runtime::Handle::current().metrics();
    let began = tokio::time::Instant::now();
    let mut readings = Vec::new();
    let mut frames = 0;
    let mut worst = Duration::ZERO;
    let mut costs: Vec<Duration> = Vec::new();
    // The worst batches and what was on screen, to say where the worst frame comes from.
    let mut worst_batches: Vec<(Duration, u64, String, usize, [Duration; 4])> = Vec::new();
    for minute in 1..=minutes {
        let deadline = began + Duration::from_secs(minute * 60);
        loop {
            tokio::select! {
                u = updates.recv() => {
                    let cost = std::time::Instant::now();
                    app.apply(u.expect("the demo runs"));
                    let mut batch = 1;
                    while let Ok(u) = updates.try_recv() {
                        app.apply(u);
                        batch += 1;
                    }
                    let applied = cost.elapsed();
                    app.after_updates();
                    let after = cost.elapsed();
                    app.refresh_view();
                    let refreshed = cost.elapsed();
                    terminal.draw(|f| ui::render(f, &app)).unwrap();
                    let parts = [
                        applied,
                        after - applied,
                        refreshed - after,
                        cost.elapsed() - refreshed,
                    ];
                    frames += 1;
                    // The first batches load the organization; the UI thread's cost of
                    // staying live is judged after the first reading.
                    if minute > every {
                        let cost = cost.elapsed();
                        worst = worst.max(cost);
                        costs.push(cost);
                        let shown = if app.panes.overview {
                            "overview".to_string()
                        } else {
                            app.panes.tab.title().to_string()
                        };
                        worst_batches.push((cost, minute, shown, batch, parts));
                        worst_batches.sort_by_key(|b| std::cmp::Reverse(b.0));
                        worst_batches.truncate(5);
                    }
                }
                _ = tokio::time::sleep_until(deadline) => break,
            }
        }
        if minute % 10 == 0 {
            app.update(Action::ShowTab(tabs[(minute / 10) as usize % tabs.len()]));
        }
        if minute % 30 == 0 {
            // The overview, on and off again.
            app.update(Action::Overview);
        }
        if minute % every == 0 {
            readings.push(Reading {
                index: minute / every,
                live_mb: LIVE.load(Ordering::Relaxed) as f64 / 1e6,
                tasks: metrics.num_alive_tasks(),
                findings: app.store.findings.len(),
                events: app.store.events.len(),
                history: app
                    .store
                    .findings
                    .items()
                    .iter()
                    .map(|f| app.store.history(rampart::store::row_hash(f)).len())
                    .sum(),
                frames,
            });
        }
    }
    cancel.cancel();
    task.await.unwrap();
    for r in &readings {
        eprintln!(
            "{} {:>3}: {:>7.2} MB live, {} tasks, {} findings, {} events, {} history entries, {} frames",
            if every == 60 { "hour" } else { "10 min" },
            r.index,
            r.live_mb,
            r.tasks, r.findings, r.events, r.history, r.frames
        );
    }
    // The findings' histories fill for about two days of demo time (20 changes a finding)
    // while every other cycle turns within an hour: the steady state is judged after the
    // first hour of a short run and over the second half of a long one.
    let from = if readings.len() > 24 {
        readings.len() / 2
    } else {
        1
    };
    let steady = &readings[from..];
    let low = steady.iter().map(|r| r.live_mb).fold(f64::MAX, f64::min);
    let high = steady.iter().map(|r| r.live_mb).fold(0.0, f64::max);
    // Events come and go within the hour they are kept, and tables grow their capacity
    // in steps: a tenth is noise; the trend over the hours is what a leak shows in.
    let n = steady.len() as f64;
    let mean_h = steady.iter().map(|r| r.index as f64).sum::<f64>() / n;
    let mean_mb = steady.iter().map(|r| r.live_mb).sum::<f64>() / n;
    let slope = steady
        .iter()
        .map(|r| (r.index as f64 - mean_h) * (r.live_mb - mean_mb))
        .sum::<f64>()
        / steady
            .iter()
            .map(|r| (r.index as f64 - mean_h).powi(2))
            .sum::<f64>();
    let slope = slope * 60.0 / every as f64;
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    for (cost, minute, shown, batch, [apply, after, refresh, draw]) in &worst_batches {
        eprintln!(
            "worst batch: {:.2} ms at minute {minute}, {batch} updates, {shown} shown \
             (apply {:.2}, after {:.2}, refresh {:.2}, draw {:.2})",
            ms(cost),
            ms(apply),
            ms(after),
            ms(refresh),
            ms(draw)
        );
    }
    costs.sort();
    let median = costs.get(costs.len() / 2).copied().unwrap_or_default();
    eprintln!(
        "after the warm-up: {low:.2} to {high:.2} MB, trend {slope:+.3} MB an hour; \
         UI thread per batch after the first reading: median {:.2} ms, worst {:.2} ms over {} batches",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        costs.len()
    );
    assert!(
        high <= low * 1.10 + 0.5,
        "memory grew from {low:.2} MB to {high:.2} MB after the warm-up"
    );
    // A leak of 300 KB an hour (60 bytes a frame) fails here at the default scale; the
    // week-long run shows a smaller one. A larger organization's demo adds new findings
    // and history in proportion during its first hours (at a million: 1,500 findings and
    // 1,100 history entries in the first hour, +3.7 MB of 2,216), so the bar is also a
    // share of what is held: 0.5% an hour.
    let bar = (low * 0.005).max(0.3);
    assert!(
        slope < bar,
        "memory trends up {slope:+.3} MB an hour (bar {bar:.3})"
    );
    assert!(
        steady.iter().all(|r| r.tasks == steady[0].tasks),
        "the number of tasks changed: {readings:?}"
    );
    assert!(
        frames > minutes as usize * 800 / 60,
        "{frames} frames drawn"
    );
}
