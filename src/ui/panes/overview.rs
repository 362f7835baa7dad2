//! The overview (`0`): the security pillar at a glance. Indicators under the pillar's
//! questions SEC1..SEC11 with the team's Well-Architected answers beside them, each with
//! its evidence one key away (Enter); beside them when there is room, an accounts-by-regions
//! grid of open findings (worst severity, count, data age) and the trend of open critical
//! and high findings since the console started.

use crate::analysis::posture::Level;
use crate::app::App;
use crate::model::age::format_age;
use crate::model::Severity;
use crate::ui::chrome;
use crate::util::sanitize::clean;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline};
use ratatui::Frame;

/// Below this width the grid and trend give way to the indicators.
const SIDE_BY_SIDE: u16 = 110;

fn mark(level: Level) -> &'static str {
    match level {
        Level::Good => "✓",
        Level::Warn => "!",
        Level::Bad => "✗",
        Level::Unknown => "?",
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    if area.width < SIDE_BY_SIDE && app.panes.grid_cursor.is_some() {
        // Too narrow for both: the grid has the screen while it has the keys.
        grid(frame, area, app);
        return;
    }
    let (left, right) = if area.width >= SIDE_BY_SIDE {
        let [l, r] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
            .areas(area);
        (l, Some(r))
    } else {
        (area, None)
    };
    indicators(frame, left, app);
    if let Some(r) = right {
        let trend_h = 8.min(r.height / 2);
        let [g, tr] = Layout::vertical([Constraint::Min(3), Constraint::Length(trend_h)]).areas(r);
        grid(frame, g, app);
        trend(frame, tr, app);
    }
}

fn block<'a>(app: &App, title: String) -> Block<'a> {
    let t = &app.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(title, t.title_focused))
}

fn style_of(app: &App, level: Level) -> ratatui::style::Style {
    let t = &app.theme;
    match level {
        Level::Good => t.ok,
        Level::Warn => t.warning,
        Level::Bad => t.failed,
        Level::Unknown => t.muted,
    }
}

/// The indicators under their questions (SEC1..SEC11). With room: a heading per question
/// with the team's Well-Architected answer, each indicator with the practices it speaks
/// to, and what rampart cannot see. Without: one line per indicator led by its question.
/// A disagreement between an answer and the evidence is always shown.
fn indicators(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let list = app.indicators();
    let questions = app.questions(&list);
    let bad = list.iter().filter(|i| i.level == Level::Bad).count();
    let split = questions.iter().filter(|q| q.disagrees()).count();
    let mut title = format!(" Overview · security pillar SEC1-SEC11 · {bad} to act on ");
    if split > 0 {
        title.push_str(&format!("· {split} answers disagree "));
    }
    title.push_str("· Enter: evidence · l: grid ");
    let b = block(app, title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let height = inner.height as usize;
    let width = inner.width as usize;
    let disagreements: usize = questions
        .iter()
        .flat_map(|q| &q.answers)
        .filter(|a| !a.disagreements.is_empty())
        .count();
    let unseen = questions
        .iter()
        .filter(|q| !q.unobservable.is_empty())
        .count();
    // Headings when they fit, or when the pane is wide enough that scrolling to the last
    // questions is the lesser cost; the unobservable practices by title only when all fits.
    let fits = list.len() + questions.len() + unseen + disagreements <= height;
    let roomy = fits || (width >= 80 && list.len() + questions.len() <= height * 2);
    let value_w = 22usize.min(width / 3);
    // The practices' ids when there is room for them beside a readable label.
    let practice_w = if width >= 88 { 14 } else { 0 };
    let lead_w = if roomy { 0 } else { 5 };
    let label_w = width.saturating_sub(value_w + practice_w + lead_w + 4);
    let mut lines: Vec<(Option<usize>, Line)> = Vec::new();
    for q in &questions {
        if roomy {
            let mut spans = vec![
                Span::styled(format!("{} ", mark(q.level)), style_of(app, q.level)),
                Span::styled(format!("{:<6}{}", q.id, q.short), t.header),
            ];
            if !q.unobservable.is_empty() {
                let claimed = q
                    .unobservable
                    .iter()
                    .filter(|(.., c)| *c == Some(true))
                    .count();
                let wa = if q.answers.is_empty() {
                    String::new()
                } else {
                    format!(", {claimed} claimed")
                };
                spans.push(Span::styled(
                    format!("  · {} not observable{wa}", q.unobservable.len()),
                    t.muted,
                ));
            }
            for a in &q.answers {
                let text = format!(
                    "  · WA {}: {}, {}/{} practices",
                    clean(&a.workload),
                    a.risk,
                    a.selected,
                    a.of
                );
                let role = if a.disagreements.is_empty() {
                    t.muted
                } else {
                    t.warning
                };
                spans.push(Span::styled(text, role));
            }
            lines.push((None, Line::from(spans)));
        }
        for &i in &q.indicators {
            let ind = &list[i];
            let style = style_of(app, ind.level);
            let label: String = ind.label.chars().take(label_w).collect();
            let value: String = clean(&ind.value).chars().take(value_w).collect();
            let mut spans = vec![Span::styled(format!(" {} ", mark(ind.level)), style)];
            if !roomy {
                spans.push(Span::styled(format!("{:<5}", q.id), t.muted));
            }
            spans.push(Span::styled(format!("{label:<label_w$}"), t.text));
            if practice_w > 0 {
                // The first practice, and how many more it speaks to.
                let ids = match ind.practices {
                    [] => String::new(),
                    [one] => one.to_string(),
                    [one, rest @ ..] => format!("{one} +{}", rest.len()),
                };
                spans.push(Span::styled(
                    format!(" {ids:<w$}", w = practice_w - 1),
                    t.muted,
                ));
            }
            spans.push(Span::styled(format!(" {value:>value_w$}"), style));
            let mut line = Line::from(spans);
            if i == app.panes.overview_cursor {
                line = line.patch_style(t.selection);
            }
            lines.push((Some(i), line));
        }
        if fits && !q.unobservable.is_empty() {
            let parts: Vec<String> = q
                .unobservable
                .iter()
                .map(|(id, title, claimed)| {
                    let wa = match claimed {
                        Some(true) => "WA: yes",
                        Some(false) => "WA: no",
                        None => "WA: not read",
                    };
                    format!("{id} {title} ({wa})")
                })
                .collect();
            let text: String = format!("   not observable: {}", parts.join("; "))
                .chars()
                .take(width)
                .collect();
            lines.push((None, Line::styled(text, t.muted)));
        }
        // The first disagreement of each answer, and how many more: the rest would crowd
        // out the indicators (the export carries the answers in full).
        for a in &q.answers {
            if let Some(d) = a.disagreements.first() {
                let more = match a.disagreements.len() - 1 {
                    0 => String::new(),
                    n => format!(" (+{n} more)"),
                };
                let text: String = format!(
                    "   ≠ {} WA {}{more}: {}",
                    q.id,
                    clean(&a.workload),
                    clean(d)
                )
                .chars()
                .take(width)
                .collect();
                lines.push((None, Line::styled(text, t.warning)));
            }
        }
    }
    // Keep the cursor's line on screen.
    let at = lines
        .iter()
        .position(|(i, _)| *i == Some(app.panes.overview_cursor))
        .unwrap_or(0);
    let skip = (at + 1).saturating_sub(height);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(skip)
        .map(|(_, l)| l)
        .take(height)
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn grid(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let g = app.posture_grid();
    let focused = app.panes.grid_cursor;
    let hint = if focused.is_some() {
        "Enter opens, h back"
    } else {
        "l: select"
    };
    // Read as the header reads: `CRIT 3` is three critical findings open; then all open.
    let b = block(app, format!(" Open findings: worst n / all · {hint} "));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if g.accounts.is_empty() {
        let text = Line::styled("no open findings", t.muted);
        frame.render_widget(Paragraph::new(text), inner);
        return;
    }
    let name_w = 14usize;
    // Room for the data's age only where a source says how old it is (live).
    let cell_w = if g.cells.values().any(|c| c.synced.is_some()) {
        17
    } else {
        12
    };
    let cols = ((inner.width as usize).saturating_sub(name_w + 3) / cell_w).max(1);
    let rows = (inner.height as usize).saturating_sub(1).max(1);
    let (sel_row, sel_col) = focused.unwrap_or((0, 0));
    let sel_row = sel_row.min(g.accounts.len() - 1);
    let sel_col = sel_col.min(g.regions.len().saturating_sub(1));
    // Every region is reachable: the columns and rows scroll to keep the cursor on screen.
    let first_col = (sel_col + 1).saturating_sub(cols);
    let first_row = (sel_row + 1).saturating_sub(rows);
    let now = app.clock.now();
    let mut lines = Vec::new();
    let mut header = vec![Span::styled(format!("{:<name_w$}", "account"), t.header)];
    if first_col > 0 {
        header[0] = Span::styled(
            format!("{:<name_w$}", format!("‹{first_col} account")),
            t.header,
        );
    }
    for r in g.regions.iter().skip(first_col).take(cols) {
        // A region name comes from the data like any other field.
        let r: String = clean(r).chars().take(cell_w - 1).collect();
        header.push(Span::styled(format!("{r:<cell_w$}"), t.header));
    }
    let after = g.regions.len().saturating_sub(first_col + cols);
    if after > 0 {
        header.push(Span::styled(format!("+{after}›"), t.muted));
    }
    lines.push(Line::from(header));
    for (i, account) in g.accounts.iter().enumerate().skip(first_row).take(rows) {
        let name: String = clean(app.store.accounts.name(account))
            .chars()
            .take(name_w - 1)
            .collect();
        let mut spans = vec![Span::styled(format!("{name:<name_w$}"), t.text)];
        for (j, r) in g.regions.iter().enumerate().skip(first_col).take(cols) {
            let at = focused.is_some() && (i, j) == (sel_row, sel_col);
            let mut cell = match g.cells.get(&(account.clone(), r.clone())) {
                Some(c) => {
                    let age = c.synced.map(|s| format_age(s, now)).unwrap_or_default();
                    let text = format!(
                        "{} {}/{}",
                        c.worst.short(),
                        chrome::group(c.worst_open),
                        chrome::group(c.open)
                    );
                    let rest = cell_w.saturating_sub(text.chars().count());
                    // The cursor is seen without colour too: a mark after the numbers.
                    let gap = if at { "◂" } else { " " };
                    vec![
                        Span::styled(text, t.severity(c.worst)),
                        Span::styled(
                            format!("{gap}{age:<w$}", w = rest.saturating_sub(1)),
                            t.muted,
                        ),
                    ]
                }
                None if at => vec![Span::styled(format!("{:<cell_w$}", "·◂"), t.muted)],
                None => vec![Span::styled(format!("{:<cell_w$}", "·"), t.muted)],
            };
            if at {
                cell = cell
                    .into_iter()
                    .map(|s| s.patch_style(t.selection))
                    .collect();
            }
            spans.extend(cell);
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn trend(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let minutes = app.trend.len();
    let b = block(
        app,
        format!(" Open critical and high, {minutes} min since start "),
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let rows =
        Layout::vertical([Constraint::Length(inner.height / 2), Constraint::Min(1)]).split(inner);
    for (row, sev) in rows.iter().zip([Severity::Critical, Severity::High]) {
        let [label, spark] =
            Layout::horizontal([Constraint::Length(6), Constraint::Min(1)]).areas(*row);
        let series = app.trend.series(sev, spark.width as usize);
        let now = series.last().copied().unwrap_or(0);
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(sev.short(), t.severity(sev)),
                Line::styled(now.to_string(), t.muted),
            ]),
            label,
        );
        frame.render_widget(
            Sparkline::default()
                .data(&series)
                .style(t.severity(sev).remove_modifier(Modifier::REVERSED))
                .max(series.iter().copied().max().unwrap_or(1).max(1)),
            spark,
        );
    }
}
