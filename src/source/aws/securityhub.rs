//! Security Hub GetFindings: 100 findings a page, active records in open workflow states,
//! paced under 3 requests/s. A first full sync, then incremental polls on `UpdatedAt`
//! (minus a skew margin), and a periodic full reconcile, because workflow changes made
//! elsewhere (BatchUpdateFindings) do not move `UpdatedAt`.
//!
//! Or the newer Security Hub's GetFindingsV2, whose findings are OCSF: the same filters
//! (status, `finding_info.modified_time_dt`) and the same paging, mapped into the same
//! finding by `model::ocsf`.
//!
//! Each page is parsed from the response body itself, by the same parser replay uses:
//! the SDK's typed output drops fields it does not model, and the raw record keeps them.
//! The SDK is handed an empty page, so it does not build the typed output at all.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::Pages;
use super::raw_body::RawBody;
use crate::model::asff;
use crate::model::{Finding, RecordState, WorkflowStatus};
use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, DateFilter, StringFilter, StringFilterComparison,
};
use chrono::{DateTime, Utc};

/// GetFindings' largest page.
pub const PAGE: i32 = 100;

/// Pages parsed at once while the next is fetched (see [`fetch`]). Three on two cores:
/// a parse that waits for a core is already queued when one frees, and the 10,000-finding
/// sync took 0.195 s instead of 0.23 s (medians of eight runs, in turn), for one more
/// page held (about 1 MB).
const PARSING: usize = 3;

/// Which API and format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Api {
    /// GetFindings, ASFF.
    #[default]
    Asff,
    /// GetFindingsV2, OCSF.
    Ocsf,
}

/// OCSF's name for a workflow status.
fn ocsf_status(s: WorkflowStatus) -> &'static str {
    match s {
        WorkflowStatus::New => "New",
        WorkflowStatus::Notified => "In Progress",
        WorkflowStatus::Resolved => "Resolved",
        WorkflowStatus::Suppressed => "Suppressed",
    }
}

/// What to ask for.
#[derive(Debug, Clone)]
pub struct Query {
    pub statuses: Vec<WorkflowStatus>,
    /// ACTIVE, and ARCHIVED too when asked for.
    pub record_states: Vec<RecordState>,
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
        let mut f = AwsSecurityFindingFilters::builder();
        for r in &self.record_states {
            f = f.record_state(equals(r.label()));
        }
        // GetFindings joins different fields with AND: archived findings are mostly
        // RESOLVED, so with ARCHIVED asked for, the statuses are checked here instead.
        if !self.record_states.contains(&RecordState::Archived) {
            for s in &self.statuses {
                f = f.workflow_status(equals(s.label()));
            }
        }
        if let Some(since) = self.since {
            f = f.updated_at(
                DateFilter::builder()
                    .start(crate::model::clock::format_rfc3339(since))
                    .end("2999-12-31T23:59:59Z")
                    .build(),
            );
        }
        f.build()
    }

    /// The same, for GetFindingsV2: (any of the statuses) and (modified since).
    fn ocsf_filters(&self) -> aws_sdk_securityhub::types::OcsfFindingFilters {
        use aws_sdk_securityhub::types::{
            AllowedOperators, CompositeFilter, OcsfDateField, OcsfDateFilter, OcsfFindingFilters,
            OcsfStringField, OcsfStringFilter,
        };
        let mut statuses = CompositeFilter::builder().operator(AllowedOperators::Or);
        // OCSF has no record state: an archived finding is one with status Archived.
        let archived = self
            .record_states
            .contains(&RecordState::Archived)
            .then_some("Archived");
        let names = self
            .statuses
            .iter()
            .map(|s| ocsf_status(*s))
            .chain(archived);
        for name in names {
            statuses = statuses.string_filters(
                OcsfStringFilter::builder()
                    .field_name(OcsfStringField::Status)
                    .filter(
                        StringFilter::builder()
                            .value(name)
                            .comparison(StringFilterComparison::Equals)
                            .build(),
                    )
                    .build(),
            );
        }
        let mut all = OcsfFindingFilters::builder()
            .composite_operator(AllowedOperators::And)
            .composite_filters(statuses.build());
        if let Some(since) = self.since {
            all = all.composite_filters(
                CompositeFilter::builder()
                    .date_filters(
                        OcsfDateFilter::builder()
                            .field_name(OcsfDateField::FindingInfoModifiedTimeDt)
                            .filter(
                                DateFilter::builder()
                                    .start(crate::model::clock::format_rfc3339(since))
                                    .end("2999-12-31T23:59:59Z")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            );
        }
        all.build()
    }

    /// The same test, applied to what came back: emulators (and older endpoints) ignore
    /// filters, and a finding that does not match must not appear as if it did.
    fn keeps(&self, f: &Finding) -> bool {
        self.record_states.contains(&f.record_state)
            && (f.record_state == RecordState::Archived
                || self.statuses.contains(&f.workflow_status))
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

#[derive(serde::Deserialize)]
struct Page {
    /// Each finding's own bytes: parsed once, and kept as the raw record as sent.
    #[serde(rename = "Findings", default)]
    findings: Vec<Box<serde_json::value::RawValue>>,
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
    api: Api,
) -> Result<Fetched, PollError> {
    let mut out = Fetched::default();
    let mut token: Option<String> = None;
    let mut paging = Pages::new(
        match api {
            Api::Asff => "GetFindings",
            Api::Ocsf => "GetFindingsV2",
        },
        100_000,
    );
    let filters = query.filters();
    let ocsf_filters = query.ocsf_filters();
    // Pages parse on blocking threads while the next one is fetched: the network and the
    // parses overlap. Parsing a page of findings takes longer than fetching one from a
    // near endpoint, so up to [`PARSING`] pages parse at once, on the machine's cores, and
    // are collected in page order; at most that many pages and the one being fetched are
    // held. A blocking task per page, not one for the whole fetch: the fetch's waits
    // (pacing, the SDK's backoff) hold no thread, and a test's paused clock can advance
    // through them (tokio does not move it while a blocking task runs).
    let mut parsing: std::collections::VecDeque<tokio::task::JoinHandle<Parsed>> =
        Default::default();
    let (mut kept, mut rejected) = (Vec::new(), Vec::new());
    let mut collect = |parsed: Result<Parsed, tokio::task::JoinError>| {
        let (k, r) = parsed.map_err(|e| PollError::Other(format!("parsing the pages: {e}")))?;
        kept.extend(k);
        rejected.extend(r);
        Ok::<(), PollError>(())
    };
    loop {
        let body = RawBody::default();
        let name = match api {
            Api::Asff => {
                let _turn = pacer.turn(account, region, "GetFindings", rate).await;
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
                "GetFindings"
            }
            Api::Ocsf => {
                let _turn = pacer.turn(account, region, "GetFindingsV2", rate).await;
                client
                    .get_findings_v2()
                    .max_results(PAGE)
                    .filters(ocsf_filters.clone())
                    .set_next_token(token.take())
                    .customize()
                    .interceptor(body.clone())
                    .send()
                    .await
                    .map_err(|e| classify(e, "securityhub:GetFindingsV2"))?;
                "GetFindingsV2"
            }
        };
        let page: Page = serde_json::from_slice(&body.take())
            .map_err(|e| PollError::Malformed(format!("{name} response: {e}")))?;
        out.pages += 1;
        if parsing.len() >= PARSING {
            if let Some(oldest) = parsing.pop_front() {
                collect(oldest.await)?;
            }
        }
        let (number, query) = (out.pages, query.clone());
        parsing.push_back(tokio::task::spawn_blocking(move || {
            parse_page(number, &page.findings, &query, api)
        }));
        match paging.next(page.next_token.as_deref())? {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    for page in parsing {
        collect(page.await)?;
    }
    out.findings = kept;
    out.rejected = rejected;
    Ok(out)
}

/// A page's findings and what could not be read.
type Parsed = (Vec<Finding>, Vec<String>);

/// One page's findings through the ASFF parser, with what could not be read.
fn parse_page(
    number: usize,
    findings: &[Box<serde_json::value::RawValue>],
    query: &Query,
    api: Api,
) -> (Vec<Finding>, Vec<String>) {
    let mut kept = Vec::with_capacity(findings.len());
    let mut rejected = Vec::new();
    for (i, v) in findings.iter().enumerate() {
        let bytes = v.get().as_bytes();
        let parsed = match api {
            Api::Asff => asff::parse_bytes(bytes),
            Api::Ocsf => crate::model::ocsf::parse_bytes(bytes),
        };
        match parsed {
            Ok(f) if query.keeps(&f) => kept.push(f),
            Ok(_) => {}
            Err(e) => rejected.push(format!("page {number} finding {i}: {e}")),
        }
    }
    (kept, rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::fixed_now;

    #[test]
    fn filters_and_the_client_side_check_agree() {
        let since = fixed_now();
        let q = Query {
            statuses: vec![WorkflowStatus::New, WorkflowStatus::Notified],
            record_states: vec![RecordState::Active],
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
        let with_archived = Query {
            record_states: vec![RecordState::Active, RecordState::Archived],
            ..q
        };
        let filters = with_archived.filters();
        let states: Vec<_> = filters
            .record_state()
            .iter()
            .filter_map(|s| s.value())
            .collect();
        assert_eq!(states, ["ACTIVE", "ARCHIVED"]);
        assert!(
            filters.workflow_status().is_empty(),
            "statuses AND archived would leave out the resolved archived findings"
        );
        assert!(with_archived.keeps(&finding("RESOLVED", "ARCHIVED", "2026-11-22T13:00:00Z")));
        assert!(!with_archived.keeps(&finding("RESOLVED", "ACTIVE", "2026-11-22T13:00:00Z")));
    }
}
