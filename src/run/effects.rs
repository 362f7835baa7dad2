//! The file work that actions ask for ([`Request`]): saving notes, writing hand-off
//! snapshots, exports, drill journals and after-action reports. The only place in the app
//! that touches files; results and errors become a status-line message, and the console
//! keeps running either way.

use crate::app::{App, Request};
use std::io::Write;
use std::path::PathBuf;

pub fn perform(app: &mut App, request: Request) {
    match request {
        Request::SaveNotes => save_notes(app),
        Request::Snapshot(path) => snapshot(app, path),
        Request::Export(path) => export(app, path),
        Request::Journal(id, entry) => journal(app, &id, &entry),
        Request::DrillReport(drill) => drill_report(app, &drill),
        Request::OpenReport(id) => open_report(app, &id),
        Request::Copy(text) => copy(app, &text),
        Request::SaveWatermarks => save_watermarks(app),
        Request::SaveHistory => save_history(app),
    }
}

/// The prompts' history, 0600 under the state directory (kept small by the app).
fn save_history(app: &mut App) {
    let Some(dir) = app.settings.state_dir.clone() else {
        return;
    };
    let path = dir.join(crate::app::line::FILE);
    if let Err(e) =
        crate::util::files::write_private_atomic(&path, app.history.to_text().as_bytes())
    {
        tracing::warn!(error = %e, "history not saved");
    }
}

fn save_watermarks(app: &mut App) {
    let Some(dir) = app.settings.state_dir.clone() else {
        return;
    };
    if let Err(e) = app
        .watermarks
        .save(&crate::model::watermarks::path_in(&dir))
    {
        app.say(format!("what you have seen is not saved: {e}"));
    }
}

fn copy(app: &mut App, text: &str) {
    let seq = crate::ui::clipboard::osc52(text, app.in_tmux);
    let Some(out) = app.terminal_out.as_mut() else {
        app.say("no terminal to copy through");
        return;
    };
    let written = out.write_all(&seq).and_then(|()| out.flush());
    let shown: String = crate::util::sanitize::clean(text)
        .chars()
        .take(60)
        .collect();
    match written {
        Ok(()) => {
            let said = crate::ui::clipboard::copied_message(&shown, app.in_tmux);
            app.say(said)
        }
        Err(e) => app.say(format!("copy failed: {e}")),
    }
}

fn save_notes(app: &mut App) {
    let Some(dir) = app.settings.state_dir.clone() else {
        app.say("note kept in memory only: there is no state directory to save it in");
        return;
    };
    let path = crate::model::notes::path_in(&dir);
    let mut aside = None;
    if app.notes_unreadable && path.exists() {
        match crate::model::notes::set_aside(&path, app.clock.now()) {
            Ok(p) => aside = Some(p),
            Err(e) => {
                // Never overwrite notes we could not read.
                app.say(format!(
                    "note kept in memory only: cannot move the unreadable {} aside: {e}",
                    path.display()
                ));
                return;
            }
        }
    }
    match app.notes.save(&path) {
        Ok(()) => {
            app.notes_unreadable = false;
            let kept = aside
                .map(|p| format!("; the unreadable old file is kept as {}", p.display()))
                .unwrap_or_default();
            app.say(format!("note saved ({} notes){kept}", app.notes.len()));
        }
        Err(e) => app.say(format!("note kept in memory only: {e}")),
    }
}

fn journal(app: &mut App, id: &str, entry: &crate::drill::exercise::Entry) {
    let Some(dir) = app.settings.state_dir.clone() else {
        app.say("drill kept in memory only: there is no state directory for its journal");
        return;
    };
    if let Err(e) = crate::drill::journal::append(&crate::drill::journal::dir_in(&dir), id, entry) {
        app.say(format!("drill journal not written: {e}"));
    }
}

/// A past drill's Markdown report, into the drill view.
fn open_report(app: &mut App, id: &str) {
    let Some(dir) = app.settings.data_dir.clone() else {
        return app.say("no data directory: past drills' reports are not kept");
    };
    // The id comes from the reports' own JSON: a path in it would read another file.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return app.say("that drill's id is not a plain name: its report is not opened");
    }
    let path = crate::drill::report::dir_in(&dir).join(format!("{id}.md"));
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let lines = text.lines().map(str::to_string).collect();
            app.drills.report = Some((id.to_string(), lines, 0));
        }
        Err(e) => app.say(format!("report {} not read: {e}", path.display())),
    }
}

fn drill_report(app: &mut App, drill: &crate::drill::exercise::Drill) {
    let Some(dir) = app.settings.data_dir.clone() else {
        app.say("no data directory for the after-action report; the journal keeps the drill");
        return;
    };
    let dir = crate::drill::report::dir_in(&dir);
    match crate::drill::report::write(&dir, drill) {
        Ok(path) => {
            app.drills.history = crate::drill::report::history(&dir);
            // The overview's last-drill indicator reads the history.
            app.posture = None;
            app.say(format!(
                "drill closed: detected in {}, report {}",
                crate::drill::report::span(drill.time_to_detect()),
                path.display()
            ));
        }
        Err(e) => app.say(format!(
            "after-action report not written: {}: {e}",
            dir.display()
        )),
    }
}

fn export(app: &mut App, path: Option<PathBuf>) {
    let now = app.clock.now();
    let Some(path) = path.or_else(|| {
        let dir = app.settings.state_dir.as_ref()?;
        Some(crate::export::default_path(dir, now))
    }) else {
        app.say("no state directory for exports: give a path, e.g. :export /tmp/findings.csv");
        return;
    };
    match crate::export::write_file(&app.store, &path, now) {
        Ok(format) => {
            let what = match format {
                crate::export::Format::Csv => "findings as CSV",
                crate::export::Format::Json => "every dataset as JSON",
            };
            app.say(format!("exported {what}: {}", path.display()));
        }
        Err(e) => app.say(format!("export not written: {}: {e}", path.display())),
    }
}

fn snapshot(app: &mut App, path: Option<PathBuf>) {
    let now = app.clock.now();
    let Some(path) = path.or_else(|| {
        let dir = app.settings.state_dir.as_ref()?;
        Some(crate::export::snapshot::default_path(dir, now))
    }) else {
        app.say("no state directory for snapshots: give a path, e.g. :snapshot /tmp/incident.json");
        return;
    };
    app.catch_up_views();
    let handoff = app.handoff();
    let t = std::time::Instant::now();
    match crate::export::snapshot::write(&path, &app.store, &handoff, now) {
        Ok(bytes) => {
            tracing::info!(
                path = %path.display(),
                bytes,
                ms = t.elapsed().as_millis() as u64,
                "snapshot written"
            );
            app.say(format!(
                "snapshot written ({} findings, {} events, {} notes): {} · open it with rampart --replay",
                app.store.findings.len(),
                app.store.events.len(),
                handoff.notes.len(),
                path.display()
            ));
        }
        Err(e) => app.say(format!("snapshot not written: {}: {e}", path.display())),
    }
}
