//! Security Hub GetFindings: 100 findings a page, active records in open workflow states,
//! paced under 3 requests/s. A first full sync, then incremental polls on `UpdatedAt`
//! (minus a skew margin), and a periodic full reconcile, because workflow changes made
//! elsewhere (BatchUpdateFindings) do not move `UpdatedAt`.
//!
//! Each page is parsed from the response body itself, by the same ASFF parser replay uses:
//! the SDK's typed output drops fields it does not model, and the raw record keeps them.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use crate::model::asff;
use crate::model::{Finding, RecordState, WorkflowStatus};
use aws_sdk_securityhub::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_securityhub::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, DateFilter, StringFilter, StringFilterComparison,
};
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

/// GetFindings' largest page.
pub const PAGE: i32 = 100;

/// What to ask for.
#[derive(Debug, Clone)]
pub struct Query {
    pub statuses: Vec<WorkflowStatus>,
    /// Only findings updated at or after this time (an incremental poll).
    pub since: Option<DateTime<Utc>>,
}

impl Query {
    fn filters(&self) -> AwsSecurityFindingFilters {
        let equals = |v: &str| {
            StringFilter::builder()
                .value(v)
                .comparison(StringFilterComparison::Equals)
                .build()
        };
        let mut f = AwsSecurityFindingFilters::builder().record_state(equals("ACTIVE"));
        for s in &self.statuses {
            f = f.workflow_status(equals(s.label()));
        }
        if let Some(since) = self.since {
            f = f.updated_at(
                DateFilter::builder()
                    .start(crate::export::json::time(since))
                    .end("2999-12-31T23:59:59Z")
                    .build(),
            );
        }
        f.build()
    }

    /// The same test, applied to what came back: emulators (and older endpoints) ignore
    /// filters, and a finding that does not match must not appear as if it did.
    fn keeps(&self, f: &Finding) -> bool {
        f.record_state == RecordState::Active
            && self.statuses.contains(&f.workflow_status)
            && self.since.is_none_or(|s| f.updated_at >= s)
    }
}

/// One sync's result.
#[derive(Debug, Default)]
pub struct Fetched {
    pub findings: Vec<Finding>,
    pub pages: usize,
    /// Records in the response that the ASFF parser could not read, with why.
    pub rejected: Vec<String>,
}

/// Keeps the body of the last response so the page is parsed from the bytes AWS sent.
#[derive(Debug, Default, Clone)]
struct RawBody(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for RawBody {
    fn name(&self) -> &'static str {
        "rampart-raw-body"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let bytes = context.response().body().bytes().map(<[u8]>::to_vec);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = bytes;
        Ok(())
    }
}

#[derive(serde::Deserialize)]
struct Page {
    #[serde(rename = "Findings", default)]
    findings: Vec<serde_json::Value>,
    #[serde(rename = "NextToken", default)]
    next_token: Option<String>,
}

/// Pages through GetFindings for one account and region.
pub async fn fetch(
    client: &aws_sdk_securityhub::Client,
    pacer: &Pacer,
    rate: pace::Rate,
    account: &str,
    region: &str,
    query: &Query,
) -> Result<Fetched, PollError> {
    let mut out = Fetched::default();
    let mut token: Option<String> = None;
    let filters = query.filters();
    loop {
        let _turn = pacer.turn(account, region, "GetFindings", rate).await;
        let body = RawBody::default();
        client
            .get_findings()
            .max_results(PAGE)
            .filters(filters.clone())
            .set_next_token(token.take())
            .customize()
            .interceptor(body.clone())
            .send()
            .await
            .map_err(|e| classify(e, "securityhub:GetFindings"))?;
        let bytes = body.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        let page: Page = serde_json::from_slice(bytes.as_deref().unwrap_or_default())
            .map_err(|e| PollError::Malformed(format!("GetFindings response: {e}")))?;
        out.pages += 1;
        for (i, v) in page.findings.iter().enumerate() {
            match asff::parse_value(v) {
                Ok(f) if query.keeps(&f) => out.findings.push(f),
                Ok(_) => {}
                Err(e) => out
                    .rejected
                    .push(format!("page {} finding {i}: {e}", out.pages)),
            }
        }
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::fixed_now;

    #[test]
    fn filters_and_the_client_side_check_agree() {
        let since = fixed_now();
        let q = Query {
            statuses: vec![WorkflowStatus::New, WorkflowStatus::Notified],
            since: Some(since),
        };
        let f = q.filters();
        assert_eq!(f.record_state()[0].value(), Some("ACTIVE"));
        let statuses: Vec<_> = f
            .workflow_status()
            .iter()
            .filter_map(|s| s.value())
            .collect();
        assert_eq!(statuses, ["NEW", "NOTIFIED"]);
        assert_eq!(f.updated_at()[0].start(), Some("2026-11-22T12:00:00Z"));
        let finding = |status: &str, state: &str, updated: &str| {
            asff::parse_value(&serde_json::json!({
                "Id": "f", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
                "AwsAccountId": "111111111111", "UpdatedAt": updated,
                "Severity": {"Label": "HIGH"}, "Title": "t",
                "Workflow": {"Status": status}, "RecordState": state
            }))
            .unwrap()
        };
        assert!(q.keeps(&finding("NEW", "ACTIVE", "2026-11-22T12:00:00Z")));
        assert!(!q.keeps(&finding("RESOLVED", "ACTIVE", "2026-11-22T13:00:00Z")));
        assert!(!q.keeps(&finding("NEW", "ARCHIVED", "2026-11-22T13:00:00Z")));
        assert!(!q.keeps(&finding("NEW", "ACTIVE", "2026-11-22T11:59:59Z")));
    }
}
