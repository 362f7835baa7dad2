//! The UI loop: updates, terminal events and a 1 s tick in; redraw only when dirty.
//!
//! Drains whatever is queued, then draws once, at most every [`FRAME`]. A clock tick only
//! marks the screen dirty when something visible changed (the minute, an expiring
//! message), so an idle console neither burns CPU nor sends bytes over SSH.

use crate::app::{keys, App, Request};
use crate::feed::{Command, Update};
use crate::ui;
use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::Terminal;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Minimum time between two frames (~60 frames/s).
pub const FRAME: Duration = Duration::from_millis(16);
/// How long a status-line message stays.
pub const FLASH_FOR: Duration = Duration::from_secs(4);
/// Updates applied before yielding to draw, so a flood of data cannot starve the keys.
const MAX_UPDATES_PER_TURN: usize = 256;

/// Statistics the loop keeps, for tests and the idle benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoopStats {
    pub frames: u64,
    pub updates: u64,
    pub events: u64,
}

pub struct Channels {
    pub updates: mpsc::Receiver<Update>,
    pub commands: Vec<mpsc::Sender<Command>>,
}

/// Runs until the operator quits, the token is cancelled, or the input stream ends.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut channels: Channels,
    mut input: S,
    cancel: CancellationToken,
) -> Result<LoopStats, B::Error>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut stats = LoopStats::default();
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let mut shown_minute = String::new();
    let mut updates_open = true;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    if let Ok(size) = terminal.size() {
        app.size = (size.width, size.height);
    }

    loop {
        let wait = last_draw.map_or(Duration::ZERO, |t| FRAME.saturating_sub(t.elapsed()));
        if dirty && wait.is_zero() {
            app.refresh_view();
            terminal.draw(|frame| ui::render(frame, app))?;
            stats.frames += 1;
            last_draw = Some(Instant::now());
            shown_minute = app.settings.time.format_clock(app.clock.now());
            dirty = false;
        }
        if app.should_quit {
            break;
        }
        tokio::select! {
            _ = cancel.cancelled() => break,
            update = channels.updates.recv(), if updates_open => match update {
                Some(update) => {
                    dirty |= app.apply(update).any();
                    stats.updates += 1;
                    for _ in 0..MAX_UPDATES_PER_TURN {
                        match channels.updates.try_recv() {
                            Ok(update) => {
                                dirty |= app.apply(update).any();
                                stats.updates += 1;
                            }
                            Err(_) => break,
                        }
                    }
                }
                // Every source ended (a finished replay): keep showing what we have.
                None => updates_open = false,
            },
            event = input.next() => match event {
                Some(Ok(Event::Paste(text))) => {
                    stats.events += 1;
                    app.paste(&text);
                    dirty = true;
                }
                Some(Ok(event)) => {
                    stats.events += 1;
                    let typing = app.panes.editing_filter || app.overlays.prompt.is_some();
                    if let Some(action) = keys::action_for(&event, typing) {
                        app.update(action);
                        let requests = std::mem::take(&mut app.outbox.requests);
                        if requests
                            .iter()
                            .any(|r| matches!(r, Request::Snapshot(_) | Request::Export(_)))
                        {
                            // Writing 100,000 findings takes a second or two: say so first.
                            app.say("writing…");
                            app.refresh_view();
                            terminal.draw(|frame| ui::render(frame, app))?;
                            stats.frames += 1;
                        }
                        for request in requests {
                            super::effects::perform(app, request);
                        }
                        dirty = true;
                    }
                }
                Some(Err(_)) | None => break,
            },
            _ = tick.tick() => {
                let minute = app.settings.time.format_clock(app.clock.now());
                // A running drill's clock ticks by the second while its view is up.
                if minute != shown_minute || (app.drills.running.is_some() && app.drill_view_shown()) {
                    dirty = true;
                }
                if app.flash.as_ref().is_some_and(|f| f.at.elapsed() >= FLASH_FOR) {
                    app.flash = None;
                    dirty = true;
                }
            },
            _ = tokio::time::sleep(wait), if dirty => {},
        }
        // What updates asked for (a drill's journal entries): written before the next frame.
        app.after_updates();
        if !app.outbox.requests.is_empty() {
            for request in std::mem::take(&mut app.outbox.requests) {
                super::effects::perform(app, request);
            }
            dirty = true;
        }
        for command in std::mem::take(&mut app.outbox.commands) {
            // Never block the UI on a source: a full queue undoes what the command showed.
            // Every source gets it (no short cut): each answers what is its own.
            let full = channels
                .commands
                .iter()
                .filter(|tx| {
                    matches!(
                        tx.try_send(command.clone()),
                        Err(mpsc::error::TrySendError::Full(_))
                    )
                })
                .count()
                > 0;
            if full {
                app.undeliverable(command);
                dirty = true;
            }
        }
        if app.outbox.refresh_requested {
            app.outbox.refresh_requested = false;
            for tx in &channels.commands {
                // A busy source will poll soon anyway; never block the UI on it.
                let _ = tx.try_send(Command::Refresh);
            }
        }
    }
    Ok(stats)
}
