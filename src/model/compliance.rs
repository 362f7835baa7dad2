//! One AWS Config evaluation: a rule's verdict on one resource.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceResult {
    /// `None` when the evidence does not say (a per-account API answer).
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub rule: String,
    /// `COMPLIANT`, `NON_COMPLIANT`, `NOT_APPLICABLE` or `INSUFFICIENT_DATA`.
    pub compliance_type: String,
    pub resource_type: String,
    pub resource_id: String,
    pub annotation: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
}

impl ComplianceResult {
    pub fn key(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.account_id.as_deref().unwrap_or(""),
            self.region.as_deref().unwrap_or(""),
            self.rule,
            self.resource_type,
            self.resource_id
        )
    }
}
