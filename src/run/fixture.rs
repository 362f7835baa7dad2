//! A populated console with a fixed seed and a fixed clock, shared by the snapshot tests,
//! the benchmarks and the screenshot generator so they all show the same organization.

use crate::app::{App, Settings};
use crate::model::Clock;
use crate::source::demo::{self, initial_updates, DemoOptions};
use crate::theme::Theme;

pub use crate::model::clock::fixed_now;

/// An app filled with the demo organization (seed, number of findings), frozen at
/// [`fixed_now`], sized `width` x `height`.
pub fn demo_app(seed: u64, findings: Option<usize>, theme: Theme, size: (u16, u16)) -> App {
    let now = fixed_now();
    let org = demo::generate(&DemoOptions::new(seed, findings, now));
    let mut app = App::new(Clock::Fixed(now), Settings::default(), theme);
    for u in initial_updates(org, now) {
        app.apply(u);
    }
    app.update(crate::app::Action::Resize(size.0, size.1));
    app.refresh_view();
    app
}
