//! The CloudTrail timeline around a finding (`t`): the window and what was asked, then the
//! events oldest first with their offset from the first observation; `Enter` opens an event's
//! JSON under it.

use crate::app::timeline::{Asking, TimelineView};
use crate::app::App;
use crate::model::TrailEvent;
use crate::util::sanitize::{clean, truncate_to_width};
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// `+1:05` or `-0:20`: hours and minutes from the first observation.
fn offset(at: DateTime<Utc>, first: DateTime<Utc>) -> String {
    let mins = (at - first).num_minutes();
    let sign = if mins < 0 { '-' } else { '+' };
    let m = mins.abs();
    if m >= 48 * 60 {
        format!("{sign}{}d", m / (24 * 60))
    } else {
        format!("{sign}{}:{:02}", m / 60, m % 60)
    }
}

/// Column widths for the terminal's width: the source IP stays from 80 columns (where
/// a call came from is what a responder asks first); the result (what failed) never goes.
struct Cols {
    /// 6 for a clock time, 12 when the window reaches another day (`11-20 14:03Z`).
    time: usize,
    event: usize,
    who: usize,
    ip: usize,
}

impl Cols {
    fn for_width(width: usize, dated: bool) -> Cols {
        let time = if dated { 12 } else { 6 };
        // What the date takes comes out of the event's width.
        let less = time - 6;
        match width {
            w if w >= 110 => Cols {
                time,
                event: 34 - less,
                who: 22,
                ip: 15,
            },
            w if w >= 80 => Cols {
                time,
                event: 22 - less,
                who: 14,
                ip: 15,
            },
            _ => Cols {
                time,
                event: 22 - less,
                who: 12,
                ip: 0,
            },
        }
    }

    fn line(&self, time: &str, from: &str, event: &str, who: &str, ip: &str, rest: &str) -> String {
        let ip = if self.ip > 0 {
            format!("{:<w$} ", truncate_to_width(ip, self.ip), w = self.ip)
        } else {
            String::new()
        };
        format!(
            " {time:<tw$} {from:>6}  {:<ew$} {:<ww$} {ip}{rest}",
            truncate_to_width(event, self.event),
            truncate_to_width(who, self.who),
            tw = self.time,
            ew = self.event,
            ww = self.who,
        )
    }
}

/// Whether the timeline's window reaches a day other than today: its times carry dates.
fn dated(app: &App, tl: &TimelineView) -> bool {
    let now = app.clock.now();
    tl.lookup.start.date_naive() != now.date_naive()
}

fn event_line(
    app: &App,
    e: &TrailEvent,
    first: DateTime<Utc>,
    width: usize,
    dated: bool,
) -> (String, Style) {
    let t = &app.theme;
    let result = e.error_code.as_deref().unwrap_or("ok");
    let what = format!("{} ({})", e.event_name, e.service());
    let rest = format!(
        "{}{}",
        clean(result),
        if e.detections.is_empty() {
            String::new()
        } else {
            format!("  ⚑ {}", clean(&e.detections.join(" ")))
        }
    );
    let time = app.settings.time;
    let when = if dated {
        time.format_when(e.event_time, app.clock.now())
    } else {
        time.format_clock(e.event_time)
    };
    let text = Cols::for_width(width, dated).line(
        &when,
        &offset(e.event_time, first),
        &clean(&what),
        &clean(&e.username),
        &clean(e.source_ip.as_deref().unwrap_or("—")),
        &rest,
    );
    let style = if !e.detections.is_empty() {
        t.detection
    } else if e.failed() {
        t.high
    } else {
        t.text
    };
    (truncate_to_width(&text, width).into_owned(), style)
}

fn state_line(app: &App, tl: &TimelineView) -> Line<'static> {
    let t = &app.theme;
    let n = tl.rows.len();
    let events = format!("{n} event{}", if n == 1 { "" } else { "s" });
    match &tl.state {
        Asking::Waiting => Line::styled(
            format!("{events} so far · asking CloudTrail (LookupEvents, paced like the poller)…"),
            t.warning,
        ),
        Asking::Done => Line::styled(
            format!("{events} · {} from CloudTrail", tl.found.len()),
            t.ok,
        ),
        Asking::Failed(why) => Line::styled(
            format!("{events} · lookup failed: {} (R: ask again)", clean(why)),
            t.failed,
        ),
        Asking::Offline(why) => Line::styled(format!("{events} · {}", clean(why)), t.muted),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, tl: &TimelineView) {
    let t = &app.theme;
    let width = area.width as usize;
    let l = &tl.lookup;
    let time = &app.settings.time;
    let mut head = vec![
        Line::styled(
            truncate_to_width(
                &format!(
                    "{} ({}) · {} · {} {} · window {} to {}",
                    clean(app.store.accounts.name(&l.account_id)),
                    clean(&l.account_id),
                    clean(&l.region),
                    tl.anchor,
                    time.format_when(tl.first_seen, app.clock.now()),
                    time.format_when(l.start, app.clock.now()),
                    time.format_when(l.end, app.clock.now()),
                ),
                width,
            )
            .into_owned(),
            t.muted,
        ),
        Line::styled(
            truncate_to_width(
                &format!(
                    "asked by {}",
                    l.names
                        .iter()
                        .map(|(a, v)| format!("{} {}", a.label(), clean(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                width,
            )
            .into_owned(),
            t.muted,
        ),
        state_line(app, tl),
        Line::styled(
            truncate_to_width(
                &Cols::for_width(width, dated(app, tl)).line(
                    "Time",
                    "±1st",
                    "Event",
                    "Who",
                    "Source IP",
                    "Result",
                ),
                width,
            )
            .into_owned(),
            t.header,
        ),
    ];
    let hint = Line::styled(
        "Enter: the event's JSON · PgDn/PgUp: read it · r: runbook · R: ask again · Esc",
        t.key_hint,
    );
    let room = (area.height as usize).saturating_sub(head.len() + 2);
    // The list with the expanded JSON under its event; the cursor's row kept in sight.
    let json = tl.expanded_here().unwrap_or(&[]);
    let top = if json.is_empty() {
        tl.cursor.saturating_sub(room.saturating_sub(1))
    } else {
        // Room for the JSON under the cursor: the cursor near the top.
        tl.cursor.saturating_sub(1)
    };
    // The rows from the top to the cursor come first; the JSON gets what is left.
    let json_shown = json
        .len()
        .saturating_sub(tl.scroll)
        .min(room.saturating_sub(tl.cursor - top + 1));
    let mut body: Vec<Line> = Vec::new();
    for (i, &row) in tl.rows.iter().enumerate().skip(top) {
        if body.len() >= room {
            break;
        }
        let Some(e) = app.store.events.get(row) else {
            continue;
        };
        let (text, style) = event_line(app, e, tl.first_seen, width, dated(app, tl));
        let style = if i == tl.cursor { t.selection } else { style };
        body.push(Line::styled(text, style));
        if i == tl.cursor {
            for j in json.iter().skip(tl.scroll).take(json_shown) {
                body.push(Line::styled(
                    truncate_to_width(&format!("    {j}"), width).into_owned(),
                    t.muted,
                ));
            }
        }
    }
    if tl.rows.is_empty() && tl.state != Asking::Waiting {
        body.push(Line::styled(
            " no CloudTrail event about these names in the window",
            t.muted,
        ));
    }
    head.extend(body);
    while head.len() + 2 < area.height as usize {
        head.push(Line::raw(""));
    }
    head.push(hint);
    let pos = if tl.rows.is_empty() {
        String::new()
    } else {
        format!(" {} of {} ", tl.cursor + 1, tl.rows.len())
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border_focused)
        .title(Line::from(vec![
            Span::styled(
                format!(" CloudTrail around: {} ", clean(&tl.title)),
                t.title_focused,
            ),
            Span::styled(pos, t.muted),
        ]));
    frame.render_widget(Paragraph::new(head).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::offset;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn offsets_from_the_first_observation() {
        let first = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(offset(first - Duration::minutes(75), first), "-1:15");
        assert_eq!(offset(first + Duration::minutes(5), first), "+0:05");
        assert_eq!(offset(first + Duration::days(3), first), "+3d");
    }
}
