//! IAM Access Analyzer. External access: who outside an account can reach its resources.
//! The account's active external-access analyzer (its organization analyzer when it has
//! one, which covers every member) is asked for active findings with ListFindingsV2; the
//! summaries do not say whether access is public, so each new or changed finding is read
//! with GetFindingV2 and parsed by the same code replay uses. Unchanged findings are not
//! asked for again. Unused access (roles, keys, passwords, permissions nobody uses): the
//! unused-access analyzer's summaries become findings, as Access Analyzer sends them to
//! Security Hub. Internal-access analyzers are not read.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{Known, Pages, PollFuture, Polled, Poller};
use super::raw_body::RawBody;
use crate::feed::{Gone, SourceKey, Update};
use crate::model::{access_analyzer, Exposure, Finding};
use aws_sdk_accessanalyzer::types::{AnalyzerStatus, Criterion, Type};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// Access Analyzer's read APIs, paced well under its quotas.
pub const RATE: pace::Rate = pace::Rate {
    per_second: 5.0,
    burst: 10.0,
};
const PAGE: i32 = 100;

pub struct AnalyzerPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub client: aws_sdk_accessanalyzer::Client,
    pub pacer: Pacer,
    pub every: Duration,
    known: Known,
    /// Finding id -> (its `updatedAt`, the exposure read from its details).
    details: HashMap<String, (String, Exposure)>,
    /// Unused-access finding id -> its `updatedAt`, and their store keys.
    unused: HashMap<String, String>,
    unused_known: Known,
}

/// The analyzers to read in an account and region.
#[derive(Debug, Default)]
struct Analyzers {
    external: Option<String>,
    unused: Option<String>,
}

#[derive(serde::Deserialize)]
struct SummaryPage {
    #[serde(default)]
    findings: Vec<Value>,
    #[serde(rename = "nextToken", default)]
    next_token: Option<String>,
}

impl AnalyzerPoller {
    pub fn new(
        account_id: String,
        region: String,
        profile: Option<String>,
        client: aws_sdk_accessanalyzer::Client,
        pacer: Pacer,
        every: Duration,
    ) -> AnalyzerPoller {
        AnalyzerPoller {
            account_id,
            region,
            profile,
            client,
            pacer,
            every,
            known: Known::default(),
            details: HashMap::new(),
            unused: HashMap::new(),
            unused_known: Known::default(),
        }
    }

    /// Starts from what the warm-start cache holds here (key hashes of exposures and of
    /// unused-access findings), so the first poll retires what left while rampart was off.
    pub fn resuming(mut self, exposures: Vec<u64>, unused: Vec<u64>) -> AnalyzerPoller {
        self.known = Known::from_keys(exposures);
        self.unused_known = Known::from_keys(unused);
        self
    }

    async fn turn(&self, api: &'static str) -> pace::Turn {
        self.pacer
            .turn(&self.account_id, &self.region, api, RATE)
            .await
    }

    /// The analyzers to read: of each kind, the organization's if this account has one,
    /// else its own.
    async fn analyzers(&self) -> Result<Analyzers, PollError> {
        let mut token = None;
        let mut pages = Pages::new("ListAnalyzers", 1_000);
        let mut found: HashMap<&'static str, (bool, String)> = HashMap::new();
        loop {
            let _turn = self.turn("ListAnalyzers").await;
            let out = self
                .client
                .list_analyzers()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "access-analyzer:ListAnalyzers"))?;
            for a in out.analyzers() {
                if *a.status() != AnalyzerStatus::Active {
                    continue;
                }
                let (kind, organization) = match a.r#type() {
                    Type::Organization => ("external", true),
                    Type::Account => ("external", false),
                    Type::OrganizationUnusedAccess => ("unused", true),
                    Type::AccountUnusedAccess => ("unused", false),
                    _ => continue,
                };
                let better = found.get(kind).is_none_or(|(org, _)| organization && !org);
                if better {
                    found.insert(kind, (organization, a.arn().to_string()));
                }
            }
            match pages.next(out.next_token())? {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let mut take = |k| found.remove(k).map(|(_, arn)| arn);
        let analyzers = Analyzers {
            external: take("external"),
            unused: take("unused"),
        };
        if analyzers.external.is_none() && analyzers.unused.is_none() {
            return Err(PollError::NotEnabled(
                "no active external access analyzer in this region".into(),
            ));
        }
        Ok(analyzers)
    }

    /// An analyzer's active findings, as the summaries ListFindingsV2 sends.
    async fn summaries(&self, analyzer: &str) -> Result<Vec<Value>, PollError> {
        let mut token = None;
        let mut pages = Pages::new("ListFindingsV2", 100_000);
        let mut out = Vec::new();
        loop {
            let _turn = self.turn("ListFindingsV2").await;
            let body = RawBody::default();
            self.client
                .list_findings_v2()
                .analyzer_arn(analyzer)
                .filter("status", Criterion::builder().eq("ACTIVE").build())
                .max_results(PAGE)
                .set_next_token(token.take())
                .customize()
                .interceptor(body.clone())
                .send()
                .await
                .map_err(|e| classify(e, "access-analyzer:ListFindingsV2"))?;
            let page: SummaryPage = serde_json::from_slice(&body.take())
                .map_err(|e| PollError::Malformed(format!("ListFindingsV2 response: {e}")))?;
            out.extend(page.findings);
            match pages.next(page.next_token.as_deref())? {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(out)
    }

    /// One finding as GetFindingV2 returns it.
    async fn detail_body(&self, analyzer: &str, id: &str) -> Result<Value, PollError> {
        let _turn = self.turn("GetFindingV2").await;
        let body = RawBody::default();
        self.client
            .get_finding_v2()
            .analyzer_arn(analyzer)
            .id(id)
            .customize()
            .interceptor(body.clone())
            .send()
            .await
            .map_err(|e| classify(e, "access-analyzer:GetFindingV2"))?;
        serde_json::from_slice(&body.take())
            .map_err(|e| PollError::Malformed(format!("GetFindingV2 {id}: {e}")))
    }

    /// One finding's details, as an exposure.
    async fn detail(&self, analyzer: &str, id: &str) -> Result<Exposure, PollError> {
        let v = self.detail_body(analyzer, id).await?;
        let mut exposure = access_analyzer::parse_value(&v, Some(&self.region))
            .map_err(|e| PollError::Malformed(format!("GetFindingV2 {id}: {e}")))?;
        if exposure.account_id.is_empty() {
            exposure.account_id = self.account_id.clone();
        }
        Ok(exposure)
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let analyzers = self.analyzers().await?;
        let mut updates = Vec::new();
        if let Some(analyzer) = &analyzers.external {
            updates.extend(self.external(analyzer).await?);
        }
        if let Some(analyzer) = &analyzers.unused {
            updates.extend(self.unused(analyzer).await?);
        }
        let note = analyzers
            .external
            .is_none()
            .then(|| "no external access analyzer: public and cross-account access unknown".into());
        Ok(Polled { updates, note })
    }

    /// External access: new or changed findings read in full, archived ones gone.
    async fn external(&mut self, analyzer: &str) -> Result<Vec<Update>, PollError> {
        let summaries = self.summaries(analyzer).await?;
        let mut changed = Vec::new();
        let mut now = HashSet::with_capacity(summaries.len());
        let mut details = HashMap::with_capacity(summaries.len());
        for summary in summaries {
            let external = summary
                .get("findingType")
                .and_then(Value::as_str)
                .is_none_or(|t| t == "ExternalAccess");
            let (Some(id), true) = (summary.get("id").and_then(Value::as_str), external) else {
                continue;
            };
            let updated = summary["updatedAt"].to_string();
            // A failed read below leaves the details of the last good poll as they were.
            let exposure = match self.details.get(id) {
                Some((at, e)) if *at == updated => e.clone(),
                _ => {
                    let e = self.detail(analyzer, id).await?;
                    changed.push(e.clone());
                    e
                }
            };
            now.insert(crate::store::row_hash(&exposure));
            details.insert(id.to_string(), (updated, exposure));
        }
        self.details = details;
        let gone = self.known.replace(now);
        let mut updates = Vec::new();
        if !changed.is_empty() {
            updates.push(Update::Exposures(changed));
        }
        if !gone.is_empty() {
            updates.push(Update::Gone(Gone::Exposures(gone)));
        }
        Ok(updates)
    }

    /// Unused access: findings from the summaries; new or changed ones read in full for
    /// their last use (best effort: without it the finding still says what is unused).
    async fn unused(&mut self, analyzer: &str) -> Result<Vec<Update>, PollError> {
        let summaries = self.summaries(analyzer).await?;
        let mut changed: Vec<Finding> = Vec::new();
        let mut keys = HashSet::with_capacity(summaries.len());
        let mut seen = HashMap::with_capacity(summaries.len());
        for (i, summary) in summaries.iter().enumerate() {
            if !access_analyzer::is_unused(summary) {
                continue;
            }
            let id = summary["id"].as_str().unwrap_or_default().to_string();
            let updated = summary["updatedAt"].to_string();
            let fresh = self.unused.get(&id) != Some(&updated);
            let mut record = summary.clone();
            if fresh {
                match self.detail_body(analyzer, &id).await {
                    Ok(full) if full.get("findingDetails").is_some() => {
                        record["findingDetails"] = full["findingDetails"].clone();
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(finding = i, error = %e, "unused-access details not read")
                    }
                }
            }
            let f = match access_analyzer::unused_finding(&record, &self.region) {
                Ok(f) => f,
                Err(e) => {
                    tracing::warn!(finding = i, error = %e, "unused-access finding not read");
                    continue;
                }
            };
            keys.insert(crate::store::row_hash(&f));
            if fresh {
                changed.push(f);
            }
            seen.insert(id, updated);
        }
        self.unused = seen;
        let gone = self.unused_known.replace(keys);
        let mut updates = Vec::new();
        if !changed.is_empty() {
            updates.push(Update::Findings(changed));
        }
        if !gone.is_empty() {
            updates.push(Update::Gone(Gone::Findings(gone)));
        }
        Ok(updates)
    }
}

impl Poller for AnalyzerPoller {
    fn key(&self) -> SourceKey {
        SourceKey::at("accessanalyzer", &self.account_id, &self.region)
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn records(&self) -> usize {
        self.details.len() + self.unused.len()
    }

    fn poll(&mut self) -> PollFuture<'_> {
        Box::pin(async move {
            let profile = self.profile.clone();
            self.fetch()
                .await
                .map_err(|e| e.for_profile(profile.as_deref()))
        })
    }
}
