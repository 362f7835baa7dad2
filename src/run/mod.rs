//! The composition root: from the command line to a running console (or an export), and
//! back to an exit code. It loads the config (telling it the panes' vocabulary), builds the
//! detector and the sources, owns the terminal ([`tui`]) and the event loop
//! ([`event_loop`]), performs what the console asks for ([`effects`]), and runs
//! `rampart export` ([`export`]).
//!
//! This is the edge where errors become the one user-facing message style:
//! `rampart: <what went wrong>` on stderr, with what to do about it.
//!
//! May import: every layer.

pub mod cli;
pub mod effects;
pub mod event_loop;
pub mod export;
pub mod fixture;
pub mod logging;
pub mod tui;

use crate::app::{App, Settings};
use crate::config::{self, Config};
use crate::model::age::TimeDisplay;
use crate::model::Clock;
use crate::run::cli::{Cli, Command};
use crate::source::aws::session::{AccountAccess, SessionOptions};
use crate::source::aws::AwsSource;
use crate::source::demo::{DemoOptions, DemoSource};
use crate::source::replay::ReplaySource;
use crate::source::{Source, SourceContext};
use crate::theme::{self, Theme};
use event_loop::Channels;
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Exit status for usage and configuration problems (and "nothing configured").
pub const EXIT_USAGE: u8 = 2;

/// What feeds the store this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Replay,
    Live,
}

/// The first line of every error message the user sees. Messages carry file names, config
/// text and AWS's words: they go through the sanitizer like everything on screen.
fn fail(message: impl std::fmt::Display, code: u8) -> ExitCode {
    say(&message.to_string());
    ExitCode::from(code)
}

/// Raw records to the cache directory's spill file, before any source makes one; when
/// that cannot be, what to tell the user (the records then stay in memory).
fn spill_raw_records() -> Result<(), String> {
    let Some(dir) =
        directories::ProjectDirs::from("", "", "rampart").map(|d| d.cache_dir().join("spill"))
    else {
        return Ok(());
    };
    crate::model::RawRecord::spill_to(&dir).map_err(|e| {
        tracing::warn!(error = %e, "raw records kept in memory");
        format!(
            "raw records kept in memory: no spill file in {}: {e}",
            dir.display()
        )
    })
}

/// `rampart: <message>` on stderr, sanitized.
pub fn say(message: &str) {
    eprintln!(
        "rampart: {}",
        crate::util::sanitize::clean_multiline(message)
    );
}

pub fn main(cli: Cli) -> ExitCode {
    let loaded = match config::load(
        cli.options.config.as_deref(),
        &crate::app::pane::vocabulary(),
    ) {
        Ok(l) => l,
        Err(e) => return fail(e, EXIT_USAGE),
    };
    for note in &loaded.config.deprecations {
        say(note);
    }
    let mode = match decide_mode(&cli, &loaded.config) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let live = match mode {
        Mode::Live => match live_accounts(&cli, &loaded.config) {
            Ok(accounts) => Some(accounts),
            Err(e) => return fail(e, EXIT_USAGE),
        },
        _ => None,
    };
    let log = crate::run::logging::init(None);
    tracing::info!(?mode, config = ?loaded.path, "starting");
    // rampart's own directories: 0700, and named when they belong to someone else.
    let dir_warnings: Vec<String> = [logging::state_dir(), logging::data_dir()]
        .into_iter()
        .flatten()
        .filter(|d| d.exists())
        .filter_map(|d| crate::util::files::ensure_private_dir(&d).ok().flatten())
        .collect();
    for w in &dir_warnings {
        tracing::warn!("{w}");
        say(w);
    }
    // Every source judges CloudTrail with the configured thresholds and accounts.
    let detector = std::sync::Arc::new(loaded.config.detector());
    // Rule files that did not load are named, with why; the rest run.
    let rule_problems: Vec<String> = detector
        .rules
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect();
    for p in &rule_problems {
        tracing::warn!(problem = %p, "detection rule not loaded");
    }
    if !loaded.config.rule_dirs().is_empty() || !rule_problems.is_empty() {
        say(&format!("rampart: {}", detector.rules.summary()));
        for p in rule_problems.iter().take(20) {
            say(&format!("rampart: rule not loaded: {p}"));
        }
    }
    let replay = crate::source::replay::ReplayOptions {
        detector: detector.clone(),
        limits: loaded.config.replay_limits(),
    };
    let theme = match load_theme(&cli, &loaded.config) {
        Ok(t) => t,
        Err(e) => return fail(e, EXIT_USAGE),
    };
    let clock = match cli.options.now {
        Some(now) => Clock::starting_at(now),
        None => Clock::System,
    };
    let demo = demo_options(&cli, &loaded.config, clock.now(), detector.clone());
    let session = match session_options(&cli, &mode) {
        Ok(s) => s,
        Err(e) => return fail(e, EXIT_USAGE),
    };
    match cli.command {
        Some(Command::Export(args)) => {
            // An export holds every record until it is written, as the console does.
            if let Err(why) = spill_raw_records() {
                say(&why);
            }
            // Export sees the store as of `--now` exactly, so output is reproducible.
            let clock = cli.options.now.map(Clock::Fixed).unwrap_or(clock);
            match (&mode, live) {
                (Mode::Replay, _) => {
                    export::run_replay(&args, &cli.options.replay, &replay, &clock)
                }
                (Mode::Live, Some(accounts)) => {
                    export::run_live(&args, &accounts, &session, &loaded.config.polling(), &clock)
                }
                _ => export::run_demo(&args, &demo, &clock),
            }
        }
        None => {
            let settings = Settings {
                time: match loaded.config.timezone() {
                    config::Timezone::Utc => TimeDisplay::Utc,
                    config::Timezone::Local => TimeDisplay::Local,
                },
                thresholds: crate::model::Thresholds {
                    age_days: loaded.config.credential_age_days(),
                    unused_days: loaded.config.unused_days(),
                },
                bars: loaded.config.overview,
                views: loaded.config.views.clone(),
                columns: loaded.config.pane_columns(),
                mode_label: match mode {
                    Mode::Replay => "replay",
                    Mode::Live => "live",
                    Mode::Demo => "demo",
                }
                .into(),
                state_dir: crate::run::logging::state_dir(),
                user: login_name(),
                data_dir: crate::run::logging::data_dir(),
                writes: match mode {
                    Mode::Replay => Default::default(),
                    _ => loaded
                        .config
                        .write_policy(cli.options.allow_writes, crate::run::logging::state_dir()),
                },
                timeline: loaded.config.timeline_window(),
                events_keep: (mode != Mode::Replay)
                    .then(|| chrono::Duration::hours(loaded.config.cloudtrail.keep_hours.into())),
            };
            let mut app = App::new(clock.clone(), settings, theme);
            if let Err(why) = spill_raw_records() {
                app.say(crate::util::sanitize::clean(&why));
            }
            if let Some(w) = dir_warnings.first() {
                app.say(crate::util::sanitize::clean(w));
            }
            // The built-in runbooks came with the app; the team's own add to them.
            if let Some(dir) = loaded.config.runbook_dir() {
                app.runbooks.add_dir(&dir);
            }
            for e in &app.runbooks.errors {
                tracing::warn!(error = %e, "runbook not loaded");
            }
            app.rules = detector.rules.clone();
            if let Some(unknown) = app.runbooks.unknown_detections(&app.rules).first() {
                tracing::warn!("{unknown}");
                app.say(crate::util::sanitize::clean(unknown));
            }
            if let Some(first) = rule_problems.first() {
                let more = rule_problems.len() - 1;
                app.say(format!(
                    "rule not loaded: {first}{}",
                    if more > 0 {
                        format!(" (and {more} more)")
                    } else {
                        String::new()
                    }
                ));
            }
            if let Some(first) = app.runbooks.errors.first() {
                let more = app.runbooks.errors.len() - 1;
                let more = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                app.say(format!("runbook not loaded: {first}{more}"));
            }
            // The posture first; a replayed snapshot's view replaces it.
            app.panes.overview = true;
            load_notes(&mut app);
            load_watermarks(&mut app);
            load_history(&mut app);
            load_drills(&mut app);
            let cache = (mode == Mode::Live && loaded.config.cache.enabled)
                .then(crate::export::cache::default_path)
                .flatten();

            let writes = loaded
                .config
                .write_policy(cli.options.allow_writes, crate::run::logging::state_dir());
            let source: Box<dyn Source> = match (mode, live) {
                (Mode::Replay, _) => {
                    Box::new(ReplaySource::new(cli.options.replay.clone(), clock, replay))
                }
                (Mode::Live, Some(accounts)) => Box::new(AwsSource {
                    accounts,
                    session,
                    settings: loaded.config.polling(),
                    clock,
                    cache: cache.clone(),
                    writes,
                }),
                _ => Box::new(DemoSource::new(demo, clock).with_writes(writes)),
            };
            let on_exit = move |app: &App| {
                if let Some(path) = &cache {
                    if let Err(e) = crate::export::cache::write(path, &app.store, app.clock.now()) {
                        tracing::warn!(path = %path.display(), error = %e, "cache not written");
                    }
                }
            };
            match console(app, vec![source], loaded.config.mouse(), on_exit) {
                Ok(code) => code,
                Err(e) => {
                    let hint = log
                        .map(|p| format!(" (log: {})", p.display()))
                        .unwrap_or_default();
                    fail(format!("{e}{hint}"), 1)
                }
            }
        }
    }
}

/// The accounts to poll: the configured ones, or with none configured, the one that
/// `--profile` (or the default credential chain) reaches. `--region` replaces every
/// account's regions for a quick look.
fn live_accounts(cli: &Cli, config: &Config) -> Result<Vec<AccountAccess>, String> {
    let o = &cli.options;
    let regions_for = |own: &[String], what: &str| -> Result<Vec<String>, String> {
        match &o.region {
            Some(r) => Ok(vec![r.clone()]),
            None if !own.is_empty() => Ok(own.to_vec()),
            None => Err(format!(
                "{what} has no region to poll: pass --region R, or set `regions` in the config (top level or in its [[accounts]] entry)"
            )),
        }
    };
    if config.accounts.is_empty() {
        return Ok(vec![AccountAccess {
            account_id: None,
            name: String::new(),
            environment: "unknown".into(),
            profile: o.profile.clone(),
            role_arn: None,
            external_id: None,
            session_name: None,
            regions: regions_for(&config.regions, "the account")?,
        }]);
    }
    config
        .accounts
        .iter()
        .map(|a| {
            Ok(AccountAccess {
                account_id: Some(a.id.clone()),
                name: a.name.clone(),
                environment: a.environment.clone(),
                profile: a.profile.clone().or_else(|| o.profile.clone()),
                role_arn: a.role_arn.clone(),
                external_id: a.external_id.clone(),
                session_name: a.session_name.clone(),
                regions: regions_for(config.regions_for(a), &format!("account {}", a.id))?,
            })
        })
        .collect()
}

/// What every AWS session of a live run shares; demo and replay read nothing here.
fn session_options(cli: &Cli, mode: &Mode) -> Result<SessionOptions, String> {
    let ca_bundle = match std::env::var_os("AWS_CA_BUNDLE").filter(|_| *mode == Mode::Live) {
        Some(path) if !path.is_empty() => {
            let path = std::path::PathBuf::from(path);
            let bytes = crate::source::aws::session::read_ca_bundle(&path)
                .map_err(|e| format!("AWS_CA_BUNDLE {}: {e}", path.display()))?;
            Some(bytes)
        }
        _ => None,
    };
    if *mode == Mode::Live {
        let from_env = std::env::var("AWS_ENDPOINT_URL")
            .ok()
            .filter(|u| !u.is_empty());
        for url in cli.options.endpoint_url.iter().chain(from_env.iter()) {
            crate::source::aws::session::check_endpoint(url, cli.options.insecure_endpoint)?;
        }
    }
    Ok(SessionOptions {
        endpoint_url: cli.options.endpoint_url.clone(),
        ca_bundle,
        credentials: None,
        http_client: None,
    })
}

/// Who signs notes and snapshots: the login name, as `who` would say.
fn login_name() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "operator".into())
}

/// Reads what the operator saw last time; an unreadable file is reported and replaced
/// by new marks (it holds nothing that cannot be seen again).
/// The prompts' history from an earlier session; a missing or unreadable file is an empty
/// history (it is only a convenience), and an oversized one is not read.
fn load_history(app: &mut App) {
    let Some(dir) = &app.settings.state_dir else {
        return;
    };
    let path = dir.join(crate::app::line::FILE);
    let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
    if let (true, Ok(text)) = (small, std::fs::read_to_string(&path)) {
        app.history = crate::app::line::History::from_text(&text);
    }
}

fn load_watermarks(app: &mut App) {
    let Some(dir) = &app.settings.state_dir else {
        return;
    };
    match crate::model::watermarks::Watermarks::load(&crate::model::watermarks::path_in(dir)) {
        Ok(w) => app.watermarks = w,
        Err(e) => {
            tracing::warn!(error = %e, "watermarks not loaded");
            app.say(format!("new-since marks not loaded: {e}"));
        }
    }
}

/// Reads the operator's notes; an unreadable file is reported and kept (set aside before
/// the first save), and the console starts anyway.
fn load_notes(app: &mut App) {
    let Some(dir) = &app.settings.state_dir else {
        return;
    };
    match crate::model::notes::Notes::load(&crate::model::notes::path_in(dir)) {
        Ok(notes) => app.notes = notes,
        Err(e) => {
            tracing::warn!(error = %e, "notes not loaded");
            app.notes_unreadable = true;
            app.say(format!("notes not loaded: {e}"));
        }
    }
}

/// Demo and replay never look for AWS credentials; without them, and without configured
/// accounts, explain how to start instead of guessing (and touching the network).
fn decide_mode(cli: &Cli, config: &Config) -> Result<Mode, ExitCode> {
    let o = &cli.options;
    if o.demo && !o.replay.is_empty() {
        return Err(fail(
            "--demo and --replay cannot be combined: pick one source",
            EXIT_USAGE,
        ));
    }
    if o.demo {
        return Ok(Mode::Demo);
    }
    if !o.replay.is_empty() {
        return Ok(Mode::Replay);
    }
    if !config.accounts.is_empty() || o.profile.is_some() || o.region.is_some() {
        return Ok(Mode::Live);
    }
    let where_ = config::config_dir()
        .map(|d| d.join("config.toml").display().to_string())
        .unwrap_or_else(|| "a file given with --config".into());
    eprintln!(
        "rampart: no AWS accounts are configured, so there is nothing to watch yet.\n\
         \n\
         \x20 See the console on a simulated organization:  rampart --demo\n\
         \x20 Configure accounts: copy config.example.toml to {where_}\n\
         \x20   (or pass --config PATH, or set RAMPART_CONFIG) and add [[accounts]] entries\n\
         \x20   with an AWS profile or a role_arn.\n\
         \x20 Look at one account: rampart --profile NAME --region us-east-1"
    );
    Err(ExitCode::from(EXIT_USAGE))
}

fn demo_options(
    cli: &Cli,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
    detector: std::sync::Arc<crate::drill::detect::Detector>,
) -> DemoOptions {
    let seed = cli.options.seed.unwrap_or(config.demo_seed());
    let mut opts = DemoOptions::new(seed, cli.options.demo_scale.map(|n| n as usize), now);
    opts.tick = config.tick();
    opts.detector = detector;
    opts
}

fn load_theme(cli: &Cli, config: &Config) -> Result<Theme, theme::ThemeError> {
    let name = cli.options.theme.as_deref().unwrap_or(config.theme_name());
    theme::load(name, &config::user_theme_dirs(), theme::no_color_from_env())
}

/// Past drills for the history, and an open drill's journal to resume.
fn load_drills(app: &mut App) {
    if let Some(dir) = &app.settings.data_dir {
        app.drills.history = crate::drill::report::history(&crate::drill::report::dir_in(dir));
    }
    if let Some(dir) = &app.settings.state_dir {
        let (drills, problems) =
            crate::drill::journal::load_all(&crate::drill::journal::dir_in(dir));
        app.resume_drills(drills, problems);
    }
}

/// Runs the console until the operator quits or a signal arrives.
fn console(
    mut app: App,
    sources: Vec<Box<dyn Source>>,
    mouse: bool,
    on_exit: impl FnOnce(&App) + Send + 'static,
) -> std::io::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let code = runtime.block_on(async move {
        let cancel = CancellationToken::new();
        let (tx, rx) = mpsc::channel(1024);
        let mut commands = Vec::new();
        for source in sources {
            let (ctx_tx, ctx_rx) = mpsc::channel(8);
            commands.push(ctx_tx);
            let ctx = SourceContext {
                updates: tx.clone(),
                commands: ctx_rx,
                cancel: cancel.clone(),
            };
            tracing::info!(source = %source.name(), "source started");
            tokio::spawn(source.run(ctx));
        }
        drop(tx);
        let signal = watch_signals(cancel.clone());
        let (guard, mut terminal) = crate::run::tui::TerminalGuard::enter(mouse)?;
        // The clipboard (OSC 52) goes to the same terminal, between frames.
        app.terminal_out = Some(Box::new(std::io::stdout()));
        app.in_tmux = std::env::var_os("TMUX").is_some();
        let input = crossterm::event::EventStream::new();
        // Debug builds only: the test suite proves that a panic restores the terminal.
        let panic_on_key =
            cfg!(debug_assertions) && std::env::var_os("RAMPART_TEST_PANIC_ON_KEY").is_some();
        let input = futures_util::StreamExt::inspect(input, move |_| {
            if panic_on_key {
                panic!("RAMPART_TEST_PANIC_ON_KEY is set");
            }
        });
        let result = event_loop::run(
            &mut terminal,
            &mut app,
            Channels {
                updates: rx,
                commands,
            },
            input,
            cancel.clone(),
        )
        .await;
        drop(guard);
        cancel.cancel();
        // After the terminal is restored: a slow write never holds a broken screen.
        on_exit(&app);
        let stats = result?;
        tracing::info!(
            frames = stats.frames,
            updates = stats.updates,
            "console closed"
        );
        let code = match signal.await.ok().flatten() {
            Some(sig) => 128 + sig as u8,
            None => 0,
        };
        Ok::<_, std::io::Error>(ExitCode::from(code))
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    code
}

/// Cancels the token on SIGTERM or SIGHUP (a dropped SSH session); resolves to the
/// signal number, or `None` when the console ended first.
fn watch_signals(cancel: CancellationToken) -> tokio::task::JoinHandle<Option<i32>> {
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            cancel.cancelled().await;
            return None;
        };
        let got = tokio::select! {
            _ = term.recv() => Some(libc::SIGTERM),
            _ = hup.recv() => Some(libc::SIGHUP),
            _ = cancel.cancelled() => None,
        };
        if let Some(sig) = got {
            tracing::info!(signal = sig, "signal received, restoring the terminal");
            cancel.cancel();
        }
        got
    })
}
