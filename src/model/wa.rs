//! The team's own Well-Architected Tool answers for the security pillar: per workload and
//! question, the best practices (choices) they selected and the risk the Tool records.
//! Read-only; shown beside what the evidence says.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaAnswer {
    pub workload_id: String,
    pub workload_name: String,
    /// The Tool's question id (`identities`, `permissions`, ...).
    pub question_id: String,
    /// The choice ids the team selected (best-practice page slugs).
    #[serde(default)]
    pub selected: Vec<String>,
    /// `UNANSWERED`, `HIGH`, `MEDIUM`, `NONE` or `NOT_APPLICABLE`.
    pub risk: String,
    #[serde(default = "yes")]
    pub applicable: bool,
    /// When rampart read it.
    pub read_at: Option<DateTime<Utc>>,
}

fn yes() -> bool {
    true
}

impl WaAnswer {
    pub fn key(&self) -> (&str, &str) {
        (&self.workload_id, &self.question_id)
    }

    /// The risk as people read it.
    pub fn risk_label(&self) -> &'static str {
        match self.risk.as_str() {
            "HIGH" => "high risk",
            "MEDIUM" => "medium risk",
            "NONE" => "no risk",
            "NOT_APPLICABLE" => "not applicable",
            _ => "unanswered",
        }
    }
}
