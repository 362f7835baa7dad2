//! `cargo bench --bench console`: prints the console's figures at `--demo-scale 100000`
//! and for the real binary. Figures, not assertions: the README quotes them.
//!
//! - building the store (generate the organization, apply every update)
//! - re-filtering on one keystroke, and re-sorting
//! - one full frame at 200x50
//! - peak memory of this process (VmHWM)
//! - the real binary: time to first frame and to the first frame with data, and CPU
//!   and bytes written while idle
//!
//! `RAMPART_BENCH_SCALE=1000000` for the million-finding case (building it prints its
//! progress); `RAMPART_BENCH_QUICK=1` stops after the in-process figures;
//! `RAMPART_BENCH_ROUNDS=400` runs the poll and the detail that many times (20) for a
//! profiler to watch.

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use rampart::app::{Action, App, Pane, Settings};
use rampart::model::Clock;
use rampart::run::fixture::fixed_now;
use rampart::source::demo::initial_updates;
use rampart::source::demo::{self, DemoOptions};
use rampart::theme::Theme;
use rampart::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

rampart::shipped_allocator!();

fn main() {
    let scale = std::env::var("RAMPART_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    // More rounds of the poll and the detail, to profile them alone (`perf record -p`
    // while they run).
    let rounds: usize = std::env::var("RAMPART_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    println!("rampart console benchmark, --demo-scale {scale}");
    // Raw records to a spill file, as the binary keeps them.
    let spill = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-spill");
    if let Err(e) = rampart::model::RawRecord::spill_to(&spill) {
        println!("(no spill file: {e})");
    }
    println!("generating the organization...");

    let t = Instant::now();
    let org = demo::generate(&DemoOptions::new(42, Some(scale), fixed_now()));
    let generated = t.elapsed();
    let counts = (
        org.findings.len(),
        org.credentials
            .iter()
            .map(|c| c.records.len())
            .sum::<usize>(),
        org.exposures.len(),
        org.events.len(),
    );
    println!("generated in {}; applying...", ms(generated));
    let t = Instant::now();
    let mut app = App::new(
        Clock::Fixed(fixed_now()),
        Settings::default(),
        Theme::default(),
    );
    for u in initial_updates(org, fixed_now()) {
        app.apply(u);
    }
    app.update(Action::Resize(200, 50));
    let applied = t.elapsed();
    let t = Instant::now();
    app.refresh_view();
    let first_sort = t.elapsed();
    println!(
        "store: {} findings, {} credential rows, {} exposures, {} events",
        counts.0, counts.1, counts.2, counts.3
    );
    println!(
        "build store: generate {} + apply {} = {}",
        ms(generated),
        ms(applied),
        ms(generated + applied)
    );
    println!(
        "sort all findings (newest critical first): {}",
        ms(first_sort)
    );

    // One keystroke = the filter grows by one character; the view re-filters the sorted
    // order (no re-sort).
    let typed = "guardduty ssh";
    let mut times = Vec::new();
    for round in 0..5 {
        app.update(Action::FilterStart);
        for c in typed.chars() {
            app.update(Action::FilterChar(c));
            let t = Instant::now();
            app.refresh_view();
            if round > 0 {
                times.push(t.elapsed());
            }
        }
        app.update(Action::FilterCancel);
        app.refresh_view();
    }
    let worst = *times.iter().max().unwrap();
    println!(
        "re-filter on one keystroke: median {}, worst {} ({} samples)",
        ms(median(times.clone())),
        ms(worst),
        times.len()
    );

    // Issue 5's bar: a five-term query with fields re-evaluates over 100,000 findings in
    // under 10 ms, and grouping them takes under 20 ms.
    let query = "sev>=medium acct:prod region:us- !status:resolved age<90d";
    let mut times = Vec::new();
    for _ in 0..10 {
        app.view_mut(Pane::Findings).set_filter(query);
        let t = Instant::now();
        app.refresh_view();
        times.push(t.elapsed());
        app.view_mut(Pane::Findings).set_filter("");
        app.refresh_view();
    }
    app.view_mut(Pane::Findings).set_filter(query);
    app.refresh_view();
    println!(
        "five-term query `{query}`: median {}, worst {} ({} of {} rows)",
        ms(median(times.clone())),
        ms(*times.iter().max().unwrap()),
        app.view(Pane::Findings).rows.len(),
        app.store.findings.len()
    );
    app.view_mut(Pane::Findings).set_filter("");
    app.refresh_view();
    // After a finding changes, only its row of the facets is redone.
    let q =
        rampart::store::query::TextQuery::parse_for(query, rampart::store::fields::FINDING_FIELDS)
            .unwrap();
    let mut times = Vec::new();
    for i in 0..10 {
        let mut f = app.store.findings.items()[i * 1000].clone();
        f.updated_at += chrono::Duration::seconds(1);
        app.apply(rampart::feed::Update::Findings(vec![f]));
        let t = Instant::now();
        let keep = app
            .store
            .findings
            .matching(&q, &app.store.accounts, fixed_now());
        times.push(t.elapsed());
        assert!(keep.len() == app.store.findings.len());
    }
    println!(
        "five-term query right after one finding changed: median {}, worst {}",
        ms(median(times.clone())),
        ms(*times.iter().max().unwrap())
    );
    let all: Vec<u32> = (0..app.store.findings.len() as u32).collect();
    for by in rampart::analysis::summary::GroupBy::ALL {
        let mut times = Vec::new();
        let mut groups = 0;
        for _ in 0..5 {
            let t = Instant::now();
            groups = rampart::analysis::summary::findings(&app.store, &all, by, "")
                .rows
                .len();
            times.push(t.elapsed());
        }
        println!(
            "group {} findings by {}: median {}, worst {} ({groups} groups)",
            all.len(),
            by.name(),
            ms(median(times.clone())),
            ms(*times.iter().max().unwrap())
        );
    }

    let mut times = Vec::new();
    for _ in 0..5 {
        app.update(Action::SortNext);
        let t = Instant::now();
        app.refresh_view();
        times.push(t.elapsed());
    }
    println!("re-sort on `s`: median {}", ms(median(times)));
    while app.view(Pane::Findings).sort_column != 0 {
        app.update(Action::SortNext);
    }
    app.refresh_view();

    // The operator has looked (`N`): from here the title counts the findings updated
    // since, as the console does once the findings pane was left or `N` pressed. Counted
    // afresh, as every poll used to count it:
    app.update(Action::MarkSeen);
    app.refresh_view();
    if let Some(since) = app.new_since() {
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = app
                .store
                .findings
                .flags_after(app.view(Pane::Findings).kept(), since.timestamp_millis())
                .iter()
                .filter(|&&new| new)
                .count();
            times.push(t.elapsed());
        }
        println!(
            "the title's new count afresh (each poll's cost before it was kept up): median {} ({n} new)",
            ms(median(times))
        );
    }

    // One poll's worth of changes (500 findings re-rated or updated, as a live poll or a
    // demo tick brings), on the UI thread: the store takes them in, then the findings view
    // and the title's new count catch up on those rows alone. Without a filter, then with
    // the five-term one.
    for filter in ["", query] {
        app.view_mut(Pane::Findings).set_filter(filter);
        app.refresh_view();
        let (mut applies, mut refreshes, mut totals) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let batch = poll_batch(&app, round);
            let t = Instant::now();
            app.apply(batch);
            let applied = t.elapsed();
            let t = Instant::now();
            app.refresh_view();
            let refreshed = t.elapsed();
            applies.push(applied);
            refreshes.push(refreshed);
            totals.push(applied + refreshed);
        }
        println!(
            "update batch of 500 findings{}: UI thread median {} (apply {}, view {}), worst {}",
            if filter.is_empty() {
                String::new()
            } else {
                format!(" under `{filter}`")
            },
            ms(median(totals.clone())),
            ms(median(applies)),
            ms(median(refreshes)),
            ms(*totals.iter().max().unwrap())
        );
    }
    app.view_mut(Pane::Findings).set_filter("");
    app.refresh_view();

    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut times = Vec::new();
    for i in 0..200 {
        app.update(if i % 2 == 0 {
            Action::Down
        } else {
            Action::PageDown
        });
        app.refresh_view();
        let t = Instant::now();
        terminal.draw(|f| ui::render(f, &app)).unwrap();
        times.push(t.elapsed());
    }
    println!(
        "full frame at 200x50: median {}, worst {}",
        ms(median(times.clone())),
        ms(*times.iter().max().unwrap())
    );
    // Enter on a finding: its detail (the raw record decompressed from the spill file, the
    // related records looked up) worked out and drawn.
    let mut times = Vec::new();
    for _ in 0..rounds {
        app.update(Action::PageDown);
        app.refresh_view();
        let t = Instant::now();
        app.update(Action::Open);
        app.refresh_view();
        terminal.draw(|f| ui::render(f, &app)).unwrap();
        times.push(t.elapsed());
        assert!(app.overlays.detail.is_some(), "Enter opens the detail");
        app.update(Action::Back);
    }
    // What else the store knows of a finding's resources, alone, over findings across the
    // table: the slowest is on a resource that thousands of findings name.
    let (mut worst, mut others) = (Duration::ZERO, 0);
    for &row in app
        .view(Pane::Findings)
        .rows
        .iter()
        .step_by(997)
        .take(rounds * 10)
    {
        let t = Instant::now();
        let c = rampart::store::related::finding_context(
            &app.store,
            row,
            fixed_now(),
            app.settings.thresholds,
        );
        if t.elapsed() > worst {
            (worst, others) = (t.elapsed(), c.same_resource_total);
        }
    }
    println!(
        "a finding's related records, slowest of {}: {} ({others} others on its resources)",
        rounds * 10,
        ms(worst)
    );
    println!(
        "open a finding's detail and draw it at 200x50: median {}, worst {}",
        ms(median(times.clone())),
        ms(*times.iter().max().unwrap())
    );
    // The overview computes its indicators and grid from the whole store when it changes,
    // and draws them from that until it changes again.
    // The credential rows' risks are worked out once per report change or minute, not per
    // store change: kept, as the console keeps them.
    let keys = rampart::store::sort::CredentialKeys::of(
        None,
        &app.store,
        fixed_now(),
        app.settings.thresholds,
    );
    let indicators = rampart::analysis::posture::indicators(&app.store, &keys, &app.settings.bars);
    let grid = rampart::analysis::posture::grid(&app.store);
    // As the console does it after a poll of findings: what the memo holds of the other
    // tables (Config results, the credential report, runbook matches) read again.
    let mut memo = rampart::analysis::posture::Memo::default();
    let mut list = Vec::new();
    let mut overview = |memo: &mut rampart::analysis::posture::Memo| {
        let t = Instant::now();
        list = rampart::analysis::posture::indicators_with(
            &app.store,
            &keys,
            &app.settings.bars,
            memo,
        );
        rampart::analysis::posture::runbook_coverage(&mut list, &app.store, &app.runbooks, memo);
        rampart::analysis::posture::grid(&app.store);
        t.elapsed()
    };
    let afresh = overview(&mut memo);
    let remembered = overview(&mut memo);
    println!(
        "overview recompute (after a store change): afresh {}, with its memo {} ({} indicators, {} grid cells)",
        ms(afresh),
        ms(remembered),
        indicators.len(),
        grid.cells.len()
    );
    {
        let time = |f: &mut dyn FnMut()| {
            let t = Instant::now();
            f();
            ms(t.elapsed())
        };
        let store = &app.store;
        let mut list = indicators.clone();
        println!(
            "  of which: standing admins {} ({} rows), runbook coverage {}, grid {}",
            time(&mut || {
                rampart::analysis::posture::standing_admins(store);
            }),
            rampart::analysis::posture::standing_admins(store).len(),
            time(&mut || rampart::analysis::posture::runbook_coverage(
                &mut list,
                store,
                &app.runbooks,
                &mut Default::default(),
            )),
            time(&mut || {
                rampart::analysis::posture::grid(store);
            }),
        );
    }
    app.update(Action::Overview);
    let mut times = Vec::new();
    for _ in 0..50 {
        app.refresh_view();
        let t = Instant::now();
        terminal.draw(|f| ui::render(f, &app)).unwrap();
        times.push(t.elapsed());
    }
    println!(
        "overview frame at 200x50: median {}, worst {}",
        ms(median(times.clone())),
        ms(*times.iter().max().unwrap())
    );
    // The public-access marks and the pane summaries (`v`) are computed once per change:
    // the marks from the exposures and the store's tally of open Macie findings.
    let t = Instant::now();
    let first = rampart::store::related::ExposureMarks::of(&app.store);
    let marks_time = t.elapsed();
    // After a poll of 500 findings (the tally kept up as they were written).
    let batch: Vec<_> = (0..500usize)
        .map(|k| {
            let mut f = app.store.findings.items()[k * 1999 % app.store.findings.len()].clone();
            f.updated_at += chrono::Duration::seconds(3600);
            f
        })
        .collect();
    app.apply(rampart::feed::Update::Findings(batch));
    let t = Instant::now();
    let marks = rampart::store::related::ExposureMarks::of(&app.store);
    assert!(
        marks.same_scores(&first),
        "the poll re-dated findings, nothing else"
    );
    println!(
        "public-access marks after a poll of 500 findings: {}",
        ms(t.elapsed())
    );
    // A Macie finding opened on a public bucket: the marks caught up (each public row's
    // Macie mark looked up from its kept hash) and worked out afresh.
    let inputs = rampart::store::related::ExposureMarks::inputs(&app.store);
    let public = app.store.exposures.items().iter().find(|e| e.is_public);
    if let Some(resource) = public.map(|e| e.resource.clone()) {
        let macie = rampart::model::asff::parse_value(&serde_json::json!({
            "Id": "bench-macie", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/macie",
            "ProductName": "Macie", "AwsAccountId": "111111111111",
            "UpdatedAt": "2026-11-21T00:00:00Z", "Severity": {"Label": "HIGH"},
            "Title": "PII", "Resources": [{"Type": "AwsS3Bucket", "Id": resource}]
        }))
        .expect("a Macie finding");
        app.apply(rampart::feed::Update::Findings(vec![macie]));
        let t = Instant::now();
        let caught = rampart::store::related::ExposureMarks::caught_up(
            Some((inputs, marks.clone())),
            &app.store,
        );
        let caught_time = t.elapsed();
        let t = Instant::now();
        let fresh = rampart::store::related::ExposureMarks::of(&app.store);
        let fresh_time = t.elapsed();
        assert!(caught.same_scores(&fresh), "caught up equals afresh");
        println!(
            "public-access marks after a Macie finding opened: {} caught up, {} afresh",
            ms(caught_time),
            ms(fresh_time)
        );
    }
    let t = Instant::now();
    let now = fixed_now();
    let sums = [
        rampart::analysis::summary::credentials(&app.store, app.settings.thresholds, now),
        rampart::analysis::summary::exposures(&app.store, &marks),
        rampart::analysis::summary::compliance(&app.store),
    ];
    println!(
        "exposure marks: {}; the three summaries: {} ({} lines)",
        ms(marks_time),
        ms(t.elapsed()),
        sums.iter().map(|s| s.rows.len()).sum::<usize>()
    );
    for tab in [
        rampart::app::Pane::Credentials,
        rampart::app::Pane::PublicAccess,
        rampart::app::Pane::Compliance,
    ] {
        app.update(Action::ShowTab(tab));
        app.update(Action::ToggleSummary);
        let mut times = Vec::new();
        for _ in 0..20 {
            app.refresh_view();
            let t = Instant::now();
            terminal.draw(|f| ui::render(f, &app)).unwrap();
            times.push(t.elapsed());
        }
        app.update(Action::ToggleSummary);
        println!(
            "{} summary frame at 200x50: median {}, worst {}",
            tab.title(),
            ms(median(times.clone())),
            ms(*times.iter().max().unwrap())
        );
    }
    app.update(Action::ShowTab(rampart::app::Pane::Findings));
    pane_switches(&mut app, &mut terminal, rounds);
    println!(
        "peak memory (VmHWM) of this process: {:.0} MB",
        peak_rss_mb()
    );
    if std::env::var_os("RAMPART_BENCH_QUICK").is_some() {
        // The in-process figures only: no snapshot round trip, no binary runs.
        return;
    }

    // `w` in the console: the hand-off snapshot of everything, written record by record.
    let dir = std::env::temp_dir().join(format!("rampart-bench-{}", std::process::id()));
    let path = dir.join("snapshot.json");
    let t = Instant::now();
    let bytes =
        rampart::export::snapshot::write(&path, &app.store, &app.handoff(), fixed_now()).unwrap();
    let took = t.elapsed();
    println!(
        "hand-off snapshot (`w`): {} for {:.0} MB; peak memory after it {:.0} MB",
        ms(took),
        bytes as f64 / 1e6,
        peak_rss_mb()
    );
    let t = Instant::now();
    let (store, _) = rampart::source::replay::load_store(
        std::slice::from_ref(&path),
        fixed_now(),
        &Default::default(),
    );
    println!(
        "replay of that snapshot: {} findings in {}",
        store.findings.len(),
        ms(t.elapsed())
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);

    binary_figures(None, true);
    binary_figures(Some(scale), true);
}

/// One poll's worth of changes, number `round`: 500 findings re-dated, a third of them
/// re-rated.
fn poll_batch(app: &App, round: usize) -> rampart::feed::Update {
    let n = app.store.findings.len();
    let batch = (0..500usize)
        .map(|k| {
            let mut f = app.store.findings.items()[(k * 7919 + round * 104_729) % n].clone();
            f.updated_at += chrono::Duration::seconds(60 + round as i64);
            if k % 3 == 0 {
                f.severity = rampart::model::Severity::ALL_DESC[(k + round) % 5];
            }
            f
        })
        .collect();
    rampart::feed::Update::Findings(batch)
}

/// The UI thread's batch as the event loop runs it (apply a poll, the work after updates,
/// refresh, draw), a minute of the clock after the last: the first batch on each pane
/// after a few minutes on the findings, then the next few on it (each minute re-works
/// what depends on the clock). The soak's worst batches are these first ones.
fn pane_switches(app: &mut App, terminal: &mut Terminal<TestBackend>, rounds: usize) {
    let mut now = fixed_now();
    let mut round = 1_000;
    let mut batch = |app: &mut App, terminal: &mut Terminal<TestBackend>| {
        now += chrono::Duration::minutes(1);
        round += 1;
        app.clock = Clock::Fixed(now);
        let update = poll_batch(app, round);
        let t = Instant::now();
        app.apply(update);
        app.after_updates();
        app.refresh_view();
        terminal.draw(|f| ui::render(f, app)).unwrap();
        t.elapsed()
    };
    let panes = [
        Some(Pane::Credentials),
        Some(Pane::PublicAccess),
        Some(Pane::Compliance),
        Some(Pane::Drills),
        None,
    ];
    for pane in panes {
        let (mut first, mut later) = (Vec::new(), Vec::new());
        for _ in 0..rounds.div_ceil(4) {
            app.update(Action::ShowTab(Pane::Findings));
            for _ in 0..3 {
                batch(app, terminal);
            }
            app.update(pane.map_or(Action::Overview, Action::ShowTab));
            first.push(batch(app, terminal));
            for _ in 0..3 {
                later.push(batch(app, terminal));
            }
            if pane.is_none() {
                app.update(Action::Overview);
            }
        }
        println!(
            "first batch on {} after the findings: median {}, worst {}; the next ones (a minute apart): median {}, worst {}",
            pane.map_or("the overview", |p| p.title()),
            ms(median(first.clone())),
            ms(*first.iter().max().unwrap()),
            ms(median(later.clone())),
            ms(*later.iter().max().unwrap())
        );
    }
    app.clock = Clock::Fixed(fixed_now());
    app.update(Action::ShowTab(Pane::Findings));
}

/// What the release binary showed, and when, in a pseudo-terminal.
struct Screen {
    parser: vt100::Parser,
    bytes: usize,
    first_frame: Option<Duration>,
    first_findings: Option<Duration>,
    loaded: Option<Duration>,
}

/// Starts the release binary on the demo in a pseudo-terminal and reports the times to
/// its first frame, to findings on screen and to the whole demo loaded; with `idle`, also
/// the CPU and bytes it uses while nothing changes.
fn binary_figures(scale: Option<usize>, idle: bool) {
    let bin = env!("CARGO_BIN_EXE_rampart");
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    // No live demo updates during the idle window: only the clock may redraw.
    std::fs::write(&config, "[demo]\ntick_seconds = 3600\n").unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.args(["--demo", "--config"]);
    cmd.arg(&config);
    if let Some(n) = scale {
        cmd.args(["--demo-scale", &n.to_string()]);
    }
    cmd.env("HOME", home.path());
    cmd.env("XDG_STATE_HOME", home.path());
    cmd.env("TERM", "xterm-256color");
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    let start = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let size = std::num::NonZeroU16::new;
    let out = Arc::new(Mutex::new(Screen {
        parser: vt100::Parser::new(size(50).unwrap(), size(200).unwrap(), 0),
        bytes: 0,
        first_frame: None,
        first_findings: None,
        loaded: None,
    }));
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut s = sink.lock().unwrap();
            s.bytes += n;
            s.parser.process(&buf[..n]);
            let text = s.parser.screen().contents();
            let at = start.elapsed();
            if s.first_frame.is_none() && text.contains("rampart") {
                s.first_frame = Some(at);
            }
            // The console opens on the overview: data is on screen once the counts line
            // shows open critical findings.
            let counted = text
                .lines()
                .any(|l| l.starts_with(" CRIT ") && !l.starts_with(" CRIT 0 "));
            if s.first_findings.is_none() && counted {
                s.first_findings = Some(at);
            }
            if s.loaded.is_none() && text.contains("demo ok") {
                s.loaded = Some(at);
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while out.lock().unwrap().loaded.is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let label = match scale {
        Some(n) => format!("binary --demo-scale {n}"),
        None => "binary, default demo".to_string(),
    };
    {
        let s = out.lock().unwrap();
        let show = |d: Option<Duration>| d.map(ms).unwrap_or_else(|| "n/a".into());
        println!(
            "{label}: first frame {}, findings counted on screen {}, everything loaded {} (after start)",
            show(s.first_frame),
            show(s.first_findings),
            show(s.loaded)
        );
    }
    let pid = child.process_id().unwrap_or(0);
    if idle {
        std::thread::sleep(Duration::from_secs(2));
        let cpu = |pid: u32| -> f64 {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let fields: Vec<&str> = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let ticks: f64 = fields
                .get(11)
                .and_then(|u| u.parse::<f64>().ok())
                .unwrap_or(0.0)
                + fields
                    .get(12)
                    .and_then(|s| s.parse::<f64>().ok())
                    .unwrap_or(0.0);
            ticks / 100.0
        };
        let idle_secs = 10.0;
        let (cpu0, bytes0) = (cpu(pid), out.lock().unwrap().bytes);
        std::thread::sleep(Duration::from_secs_f64(idle_secs));
        let (cpu1, bytes1) = (cpu(pid), out.lock().unwrap().bytes);
        println!(
            "{label} idle for {idle_secs:.0} s: {:.2}% of a core, {} bytes written to the terminal",
            (cpu1 - cpu0) / idle_secs * 100.0,
            bytes1 - bytes0
        );
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        let kb: f64 = hwm
            .trim_start_matches("VmHWM:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap_or(f64::NAN);
        println!("{label}: peak memory {:.0} MB", kb / 1024.0);
    }
    use std::io::Write;
    let _ = writer.write_all(b"q");
    let _ = child.wait();
}
