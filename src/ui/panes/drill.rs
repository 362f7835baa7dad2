//! The drill view on the Drills pane (`d`): the running drill's clock, milestones, what it
//! waits for, the runbook as a checklist and the notes; without one, the scenarios to start
//! and the drill history.

use crate::app::App;
use crate::drill::exercise::{Drill, Kind, Milestone};
use crate::drill::report::span;
use crate::util::sanitize::{clean, truncate_to_width};
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let width = area.width as usize;
    let now = app.clock.now();
    let (title, mut lines, cursor_line) = match &app.drills.running {
        Some(d) => {
            let (lines, cursor) = running(app, d, now, width);
            (
                format!(" Drill: {} · {} ", clean(&d.title), d.kind.label()),
                lines,
                cursor,
            )
        }
        None => match &app.drills.report {
            Some((id, text, scroll)) => (
                format!(" Drill report: {} ", clean(id)),
                text.iter()
                    .skip(*scroll)
                    .map(|l| Line::styled(truncate_to_width(&clean(l), width).into_owned(), t.text))
                    .collect(),
                0,
            ),
            None => {
                let (lines, cursor) = idle(app, width);
                (" Drills ".to_string(), lines, cursor)
            }
        },
    };
    let hint = if app.drills.running.is_some() {
        "j k: a step · space: tick · n: note · a: acknowledged · c: contained · x: close · D: activity"
    } else if app.drills.report.is_some() {
        "j k PgDn PgUp: read · Esc: the list of drills · D: activity"
    } else {
        "j k: a past drill · Enter: its report · :drill start RUNBOOK [tabletop|detection] · D: activity"
    };
    let room = (area.height as usize).saturating_sub(2);
    // The first line (the clock) stays; below it, scrolled so the selected step shows.
    if lines.len() > room && cursor_line >= room {
        let skip = (cursor_line + 2).min(lines.len()) - room;
        lines.drain(1..(1 + skip).min(lines.len()));
    }
    lines.truncate(room);
    while lines.len() < room {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        truncate_to_width(hint, width).into_owned(),
        t.key_hint,
    ));
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border_focused)
        .title(Span::styled(title, t.title_focused));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The running drill's lines, and the line of the selected step.
fn running(app: &App, d: &Drill, now: DateTime<Utc>, width: usize) -> (Vec<Line<'static>>, usize) {
    let t = &app.theme;
    let clock = |at: DateTime<Utc>| app.settings.time.format_clock(at);
    let cut = |s: String| truncate_to_width(&s, width).into_owned();
    let mut lines = Vec::new();
    let elapsed = span(Some(now - d.started()));
    let deadline = if d.kind == Kind::Detection {
        let left = d.deadline - now;
        if left.num_seconds() > 0 {
            format!(
                " · deadline {} ({} left)",
                clock(d.deadline),
                span(Some(left))
            )
        } else {
            format!(" · deadline {} passed", clock(d.deadline))
        }
    } else {
        String::new()
    };
    lines.push(Line::styled(
        cut(format!(
            "{elapsed} elapsed{deadline} · runbook {} · by {}",
            clean(&d.runbook),
            clean(&d.by)
        )),
        t.accent,
    ));
    if let Some(technique) = &d.stratus {
        lines.push(Line::styled(
            cut(format!("plays Stratus Red Team {}", clean(technique))),
            t.muted,
        ));
        // Said before the clock runs out: management events alone cannot show it.
        if let Some(why) = crate::drill::scenario::by_stratus(technique).and_then(|s| s.blind) {
            for part in words_to_width(why, width.saturating_sub(2).max(20)) {
                lines.push(Line::styled(cut(format!("! {part}")), t.warning));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Timeline", t.title));
    for m in Milestone::ALL {
        let (text, style) = match d.at(m) {
            Some(at) => (
                format!(
                    "  ✓ {:<14} {}  +{}",
                    m.label(),
                    clock(at),
                    span(Some(at - d.started()))
                ),
                t.ok,
            ),
            None => (format!("  · {:<14} —", m.label()), t.muted),
        };
        lines.push(Line::styled(cut(text), style));
    }
    if !d.detections.is_empty() || !d.findings.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Waiting for", t.title));
        let expected = d
            .detections
            .iter()
            .map(|x| format!("detection {x}"))
            .chain(d.findings.iter().map(|x| format!("finding {x}")));
        for what in expected {
            let seen = d.seen.iter().find(|(w, _, _)| *w == what);
            let (text, style) = match seen {
                Some((_, at, _)) => (
                    format!("  ✓ {what}  arrived +{}", span(Some(*at - d.started()))),
                    t.ok,
                ),
                None if now > d.deadline => (format!("  ✗ {what}  missed"), t.failed),
                None => (format!("  … {what}"), t.warning),
            };
            lines.push(Line::styled(cut(clean(&text).into_owned()), style));
        }
    }
    lines.push(Line::raw(""));
    let done = d.steps.iter().filter(|s| s.done.is_some()).count();
    lines.push(Line::styled(
        format!("Checklist ({done}/{})", d.steps.len()),
        t.title,
    ));
    let mut cursor_line = 0;
    for (i, s) in d.steps.iter().enumerate() {
        let mark = match s.done {
            Some(at) => format!("[x] +{}", span(Some(at - d.started()))),
            None => "[ ]".into(),
        };
        let text = cut(format!("  {mark} {}", clean(&s.text)));
        let style = if i == app.drills.cursor {
            cursor_line = lines.len();
            t.selection
        } else if s.done.is_some() {
            t.muted
        } else {
            t.text
        };
        lines.push(Line::styled(text, style));
    }
    if !d.notes.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Notes", t.title));
        for (at, n) in d.notes.iter().rev().take(5) {
            lines.push(Line::styled(
                cut(format!("  {} {}", clock(*at), clean(n))),
                t.text,
            ));
        }
    }
    (lines, cursor_line)
}

/// The view without a running drill, and the line of the selected past drill.
fn idle(app: &App, width: usize) -> (Vec<Line<'static>>, usize) {
    let t = &app.theme;
    let cut = |s: String| truncate_to_width(&s, width).into_owned();
    let mut lines = vec![
        Line::styled(
            "No drill is running. Every runbook is a tabletop drill.",
            t.text,
        ),
        Line::raw(""),
        Line::styled("History", t.title),
    ];
    if app.drills.history.is_empty() {
        lines.push(Line::styled("  no drill closed yet", t.muted));
    }
    let mut cursor = 0;
    for (i, p) in app.drills.history.iter().enumerate() {
        let secs = |s: Option<i64>| span(s.map(chrono::Duration::seconds));
        let style = if i == app.drills.past {
            cursor = lines.len();
            t.selection
        } else if p.missed > 0 {
            t.warning
        } else {
            t.text
        };
        lines.push(Line::styled(
            cut(format!(
                "  {}  {:<9} detect {:>8}  contain {:>8}  missed {}  {}",
                app.settings.time.format(p.started),
                clean(&p.kind),
                secs(p.detect),
                secs(p.contain),
                p.missed,
                clean(&p.title)
            )),
            style,
        ));
    }
    lines.push(Line::raw(""));
    // Which detections a drill has proven, which failed, which are only assumed.
    let coverage = crate::drill::report::coverage(&app.drills.history);
    let proven = coverage
        .iter()
        .filter(|(_, p)| p.is_some_and(|p| p.missed == 0))
        .count();
    let failed = coverage
        .iter()
        .filter(|(_, p)| p.is_some_and(|p| p.missed > 0))
        .count();
    lines.push(Line::styled(
        cut(format!(
            "Detection coverage: {proven} proven · {failed} missed · {} assumed (never drilled)",
            coverage.len() - proven - failed
        )),
        t.title,
    ));
    for (technique, last) in coverage.iter().filter(|(_, p)| p.is_some()) {
        let Some(p) = last else { continue };
        let (mark, style) = if p.missed == 0 {
            ("✓ proven", t.ok)
        } else {
            ("✗ missed", t.failed)
        };
        lines.push(Line::styled(
            cut(format!(
                "  {mark} {}  {}",
                app.settings.time.format(p.started),
                technique.trim_start_matches("aws.")
            )),
            style,
        ));
    }
    lines.push(Line::raw(""));
    let scenarios = crate::drill::scenario::SCENARIOS;
    // One line per runbook, its techniques after it (the first is what RUNBOOK plays).
    let mut runbooks: Vec<&str> = Vec::new();
    for s in scenarios {
        if !runbooks.contains(&s.runbook) {
            runbooks.push(s.runbook);
        }
    }
    lines.push(Line::styled(
        cut(format!(
            "Detection drills: {} Stratus Red Team techniques, {} runbooks",
            scenarios.len(),
            runbooks.len()
        )),
        t.title,
    ));
    lines.push(Line::styled(
        cut(":drill start RUNBOOK (its first technique) or :drill start TECHNIQUE".into()),
        t.muted,
    ));
    for rb in runbooks {
        let techniques: Vec<&str> = scenarios
            .iter()
            .filter(|s| s.runbook == rb)
            .map(|s| s.stratus.trim_start_matches("aws."))
            .collect();
        lines.push(Line::styled(
            cut(format!("  {rb:<34} {}", techniques.join(", "))),
            t.muted,
        ));
    }
    (lines, cursor)
}

/// Words into lines of at most `width` columns (a word longer than that gets its own).
fn words_to_width(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l)
                if unicode_width::UnicodeWidthStr::width(l.as_str()) + 1 + word.len() <= width =>
            {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}
