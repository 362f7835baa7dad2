//! The simulated organization's Security Hub, for triage in `--demo`: it takes
//! BatchUpdateFindings like the real one (one finding in 25 comes back unprocessed, so the
//! console's handling of that is there to see) and, a moment later, returns the changed
//! records as the next reconcile would.

use crate::model::triage::{Change, Target};
use crate::model::{asff, Finding};
use crate::source::write::{BatchResult, FindingsWriter, Route};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::future::Future;

/// The simulated Security Hub for one request (which findings it refuses depends on the
/// request too, so trying again can work, as it would).
pub struct DemoHub {
    pub request: u64,
}

impl DemoHub {
    /// The simulated concurrent update: the findings the demo's Security Hub does not take.
    fn busy(&self, t: &Target) -> bool {
        (t.key_hash() ^ self.request.wrapping_mul(0x9e37_79b9_7f4a_7c15)).is_multiple_of(25)
    }
}

impl FindingsWriter for DemoHub {
    fn route(&self, t: &Target) -> Route {
        Route {
            account_id: t.account_id.clone(),
            region: t.region.clone(),
        }
    }

    fn import<'a>(
        &'a self,
        _route: &'a Route,
        _finding: &'a crate::model::triage::DrillFinding,
    ) -> impl Future<Output = Result<Option<String>, String>> + Send + 'a {
        std::future::ready(Ok(None))
    }

    fn audit_file(&self) -> &'static str {
        crate::source::write::DEMO_AUDIT_FILE
    }

    fn caller(&self, route: &Route) -> String {
        format!(
            "arn:aws:sts::{}:assumed-role/SecurityResponder/demo (simulated)",
            route.account_id
        )
    }

    fn update<'a>(
        &'a self,
        _route: &'a Route,
        batch: &'a [Target],
        _change: &'a Change,
        _updated_by: &'a str,
    ) -> impl Future<Output = Result<BatchResult, String>> + Send + 'a {
        let result = BatchResult::split(
            batch,
            |t| self.busy(t),
            "ConcurrentUpdateError",
            "another request is updating this finding; try again (simulated)",
        );
        std::future::ready(Ok(result))
    }
}

/// The records as Security Hub holds them after the change: status and note set, the
/// note signed; `UpdatedAt` unmoved, as BatchUpdateFindings leaves it.
pub fn applied(
    records: &[Finding],
    change: &Change,
    updated_by: &str,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    records
        .iter()
        .filter_map(|f| {
            let mut v: serde_json::Value = serde_json::from_slice(&f.raw.bytes()).ok()?;
            if let Some(s) = change.status {
                v["Workflow"] = json!({"Status": s.label()});
                v["WorkflowState"] = json!(if s.is_open() { "NEW" } else { "RESOLVED" });
            }
            if let Some(text) = &change.note {
                v["Note"] = json!({
                    "Text": text,
                    "UpdatedBy": updated_by,
                    "UpdatedAt": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                });
            }
            asff::parse_value(&v).ok()
        })
        .collect()
}
