//! `cargo run --example screenshots`: writes `screenshots/*.svg`, one per pane plus the
//! detail view and the help overlay, drawn by the real renderer on the demo organization
//! (seed 42, clock fixed at 2026-11-22T12:00:00Z, 160x48, dark theme).

use rampart::app::{Action, Pane};
use rampart::run::fixture::demo_app;
use rampart::theme;
use rampart::ui::{self, svg::buffer_to_svg};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&out)?;
    let size = (160, 48);
    let shots: Vec<(&str, Vec<Action>, &str)> = vec![
        ("overview", vec![Action::Overview], "dark"),
        ("findings", vec![Action::ShowTab(Pane::Findings)], "dark"),
        (
            "credentials",
            vec![Action::ShowTab(Pane::Credentials)],
            "dark",
        ),
        (
            "public-access",
            vec![Action::ShowTab(Pane::PublicAccess)],
            "dark",
        ),
        ("drills", vec![Action::ShowTab(Pane::Drills)], "dark"),
        (
            "compliance",
            vec![Action::ShowTab(Pane::Compliance)],
            "dark",
        ),
        ("finding-detail", vec![Action::Open], "dark"),
        ("help", vec![Action::ToggleHelp], "dark"),
        ("findings-ansi16", vec![], "ansi16"),
        ("findings-light", vec![], "light"),
    ];
    for (name, actions, theme_name) in shots {
        let theme = theme::load(theme_name, &[], false).map_err(std::io::Error::other)?;
        let mut app = demo_app(42, None, theme, size);
        for a in actions {
            app.update(a);
            app.refresh_view();
        }
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1))
            .map_err(|e| -> std::io::Error { match e {} })?;
        terminal
            .draw(|f| ui::render(f, &app))
            .map_err(|e| -> std::io::Error { match e {} })?;
        let path = out.join(format!("{name}.svg"));
        std::fs::write(&path, buffer_to_svg(terminal.backend().buffer()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
