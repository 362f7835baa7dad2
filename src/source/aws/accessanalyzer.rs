//! IAM Access Analyzer: who outside an account can reach its resources. The account's
//! active external-access analyzer (its organization analyzer when it has one, which covers
//! every member) is asked for active findings with ListFindingsV2; the summaries do not say
//! whether access is public, so each new or changed finding is read with GetFindingV2 and
//! parsed by the same code replay uses. Unchanged findings are not asked for again.
//!
//! Unused-access and internal-access analyzers are not read yet: their findings are about
//! identities, not exposure, and have no pane of their own.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{Known, PollFuture, Polled, Poller};
use super::raw_body::RawBody;
use crate::model::{access_analyzer, Exposure};
use crate::source::{Gone, SourceKey, Update};
use aws_sdk_accessanalyzer::types::{AnalyzerStatus, Criterion, FindingType, Type};
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
    details: HashMap<String, (i64, Exposure)>,
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
        }
    }

    async fn turn(&self, api: &'static str) -> pace::Turn {
        self.pacer
            .turn(&self.account_id, &self.region, api, RATE)
            .await
    }

    /// The analyzer to read: the organization's if this account has one, else its own.
    async fn analyzer(&self) -> Result<String, PollError> {
        let mut token = None;
        let (mut account, mut organization) = (None, None);
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
                match a.r#type() {
                    Type::Organization => organization = Some(a.arn().to_string()),
                    Type::Account => account = Some(a.arn().to_string()),
                    _ => {}
                }
            }
            match out.next_token().filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        organization.or(account).ok_or_else(|| {
            PollError::NotEnabled("no active external access analyzer in this region".into())
        })
    }

    /// Active external-access findings: (id, updatedAt in seconds).
    async fn summaries(&self, analyzer: &str) -> Result<Vec<(String, i64)>, PollError> {
        let mut token = None;
        let mut out = Vec::new();
        loop {
            let _turn = self.turn("ListFindingsV2").await;
            let page = self
                .client
                .list_findings_v2()
                .analyzer_arn(analyzer)
                .filter("status", Criterion::builder().eq("ACTIVE").build())
                .max_results(PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "access-analyzer:ListFindingsV2"))?;
            for f in page.findings() {
                let external = f
                    .finding_type()
                    .is_none_or(|t| *t == FindingType::ExternalAccess);
                if external {
                    out.push((f.id().to_string(), f.updated_at().secs()));
                }
            }
            match page.next_token().filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        Ok(out)
    }

    /// One finding's details, as an exposure.
    async fn detail(&self, analyzer: &str, id: &str) -> Result<Exposure, PollError> {
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
        let v: serde_json::Value = serde_json::from_slice(&body.take())
            .map_err(|e| PollError::Malformed(format!("GetFindingV2 {id}: {e}")))?;
        let mut exposure = access_analyzer::parse_value(&v, Some(&self.region))
            .map_err(|e| PollError::Malformed(format!("GetFindingV2 {id}: {e}")))?;
        if exposure.account_id.is_empty() {
            exposure.account_id = self.account_id.clone();
        }
        Ok(exposure)
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let analyzer = self.analyzer().await?;
        let summaries = self.summaries(&analyzer).await?;
        let mut changed = Vec::new();
        let mut now = HashSet::with_capacity(summaries.len());
        let mut details = HashMap::with_capacity(summaries.len());
        for (id, updated) in summaries {
            // A failed read below leaves the details of the last good poll as they were.
            let exposure = match self.details.get(&id) {
                Some((at, e)) if *at == updated => e.clone(),
                _ => {
                    let e = self.detail(&analyzer, &id).await?;
                    changed.push(e.clone());
                    e
                }
            };
            now.insert(exposure.id.clone());
            details.insert(id, (updated, exposure));
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
        Ok(Polled {
            updates,
            note: None,
        })
    }
}

impl Poller for AnalyzerPoller {
    fn key(&self) -> SourceKey {
        SourceKey {
            service: "accessanalyzer".into(),
            account_id: Some(self.account_id.clone()),
            region: Some(self.region.clone()),
            file: None,
        }
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn records(&self) -> usize {
        self.details.len()
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
