//! One module per pane, plus the detail view and the help overlay.

pub mod activity;
pub mod compliance;
pub mod credentials;
pub mod detail;
pub mod exposures;
pub mod findings;
pub mod help;
pub mod overview;
pub mod sources;
pub mod summary;

use crate::app::App;
use crate::ui::widgets::table::TableStyle;

pub(crate) fn table_style(app: &App) -> TableStyle {
    let t = &app.theme;
    TableStyle {
        header: t.header,
        selection: t.selection,
        border: t.border_focused,
        title: t.title_focused,
    }
}
