//! Reading the warm-start cache of the live console: the store the last session wrote on
//! exit ([`crate::export::cache`]), shown at once on the next start, marked with its age,
//! while the pollers sync.

use crate::feed::{SourceHealth, SourceKey, Status, Update, CACHE};
use crate::source::replay::{self, formats::Format};
use std::path::Path;

/// Reads a cache into updates, ending with the `cache` source marked stale since it was
/// written. `None` when there is no cache; an error names the file and what is wrong.
pub fn read(path: &Path) -> Option<Result<Vec<Update>, String>> {
    if !path.exists() {
        return None;
    }
    let loaded = match replay::read_file(path) {
        Ok((Format::RampartExport, batch)) => batch,
        Ok((other, _)) => {
            return Some(Err(format!(
                "{}: expected a rampart export, found {}",
                path.display(),
                other.label()
            )))
        }
        Err(e) => return Some(Err(format!("{}: {e}", path.display()))),
    };
    let written = loaded.report_generated_at;
    let mut updates = Vec::new();
    let records = loaded.records();
    replay::send_batch(loaded, written.unwrap_or_default(), &mut |u| {
        updates.push(u);
        true
    });
    updates.push(Update::Health(
        SourceKey::service(CACHE),
        SourceHealth {
            status: Status::Stale,
            last_success: written,
            error: Some("the last session's data, until the first sync".into()),
            records,
            next_poll: None,
        },
    ));
    Some(Ok(updates))
}
