//! The standing administrator access list (Enter on the overview's "Standing admin
//! access"): each account's standing administrators, how they hold it (an Identity Center
//! user or group and its members, an IAM user, a role trusted from outside), and through
//! what (the permission set, the policy, the role).

use crate::app::App;
use crate::ui::layout::centered;
use crate::util::sanitize::{clean, truncate_to_width};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let list = crate::analysis::posture::standing_admins(&app.store);
    let width = area.width.min(120);
    let inner = width.saturating_sub(2) as usize;
    let height = u16::try_from(list.len() + 4)
        .unwrap_or(u16::MAX)
        .max(5)
        .min(area.height);
    let room = height.saturating_sub(4) as usize;
    let mut lines = vec![Line::styled(
        format!(
            " {:<16} {:<22} {:<24} {:<24} members",
            "account", "how", "who", "through"
        ),
        t.header,
    )];
    if list.is_empty() {
        lines.push(Line::styled(
            " no standing administrator access seen",
            t.muted,
        ));
    }
    let over = list.len() > room;
    for s in list
        .iter()
        .take(if over { room.saturating_sub(1) } else { room })
    {
        let account = clean(app.store.accounts.name(&s.account_id)).into_owned();
        let cut = |text: &str, w: usize| truncate_to_width(&clean(text), w).into_owned();
        let text = format!(
            " {:<16} {:<22} {:<24} {:<24} {}",
            cut(&account, 16),
            s.route.label(),
            // A group's size where the members' names do not fit.
            cut(
                &if s.members.is_empty() {
                    s.principal.clone()
                } else {
                    format!("{} ({})", s.principal, s.members.len())
                },
                24
            ),
            cut(&s.via, 24),
            clean(&s.members.join(", "))
        );
        lines.push(Line::styled(
            truncate_to_width(&text, inner).into_owned(),
            t.text,
        ));
    }
    if over {
        lines.push(Line::styled(
            format!(" … {} more (export lists them all)", list.len() - room + 1),
            t.muted,
        ));
    }
    lines.push(Line::styled(" any key closes this", t.muted));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let title = format!(" Standing admin access · {} grants ", list.len());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(ratatui::text::Span::styled(title, t.title_focused));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
