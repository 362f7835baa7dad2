//! AWS Config: which resources break which rules. Per account and region, or through an
//! aggregator (one account and region that sees every member and region). The rules that
//! are non-compliant come from the compliance summary; each rule's non-compliant resources
//! are read from the response body by the same parser replay uses. Per account it also
//! says whether the configuration recorder is on: with it off, no evaluation changes.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{Known, Pages, PollFuture, Polled, Poller};
use super::raw_body::RawBody;
use crate::feed::{Gone, SourceKey, Update};
use crate::model::{config_rules, ComplianceResult};
use aws_sdk_config::types::{ComplianceType, ConfigRuleComplianceFilters};
use std::collections::HashSet;
use std::time::Duration;

/// Config's read APIs, paced well under their quotas.
pub const RATE: pace::Rate = pace::Rate {
    per_second: 4.0,
    burst: 8.0,
};
/// The largest page the detail calls give.
const PAGE: i32 = 100;
/// Config answers a page that is empty but has a next token now and then (the aggregator
/// especially); paging goes on, up to this many pages: past them (or on a repeated token)
/// the poll fails rather than pass a partial result for a complete one.
const MAX_PAGES: usize = 10_000;

/// Where the evaluations come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The account and region the poller is for.
    Account,
    /// An aggregator in the poller's account and region, which answers for every account
    /// and region it aggregates.
    Aggregator(String),
}

/// A Config aggregator: its name, and the account (id or configured name) and region that
/// hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregator {
    pub name: String,
    pub account: String,
    pub region: String,
}

impl Aggregator {
    /// Whether the aggregator lives in this account and region.
    pub fn is_in(&self, access: &super::AccountAccess, account_id: &str, region: &str) -> bool {
        region == self.region && (self.account == account_id || self.account == access.name)
    }
}

pub struct ConfigPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub client: aws_sdk_config::Client,
    pub pacer: Pacer,
    pub every: Duration,
    pub scope: Scope,
    known: Known,
}

#[derive(serde::Deserialize)]
struct DetailsPage {
    #[serde(
        rename = "EvaluationResults",
        alias = "AggregateEvaluationResults",
        default
    )]
    results: Vec<serde_json::Value>,
    #[serde(rename = "NextToken", default)]
    next_token: Option<String>,
}

impl ConfigPoller {
    pub fn new(
        account_id: String,
        region: String,
        profile: Option<String>,
        client: aws_sdk_config::Client,
        pacer: Pacer,
        every: Duration,
        scope: Scope,
    ) -> ConfigPoller {
        ConfigPoller {
            account_id,
            region,
            profile,
            client,
            pacer,
            every,
            scope,
            known: Known::default(),
        }
    }

    /// Starts from the cached results' key hashes, so the first poll retires what was
    /// fixed while rampart was off.
    pub fn resuming(mut self, keys: Vec<u64>) -> ConfigPoller {
        self.known = Known::from_keys(keys);
        self
    }

    async fn turn(&self, api: &'static str) -> pace::Turn {
        self.pacer
            .turn(&self.account_id, &self.region, api, RATE)
            .await
    }

    /// None when a recorder is recording; otherwise what the operator should know.
    async fn recorder(&self) -> Result<Option<String>, PollError> {
        let _turn = self.turn("DescribeConfigurationRecorderStatus").await;
        let out = self
            .client
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| classify(e, "config:DescribeConfigurationRecorderStatus"))?;
        let recorders = out.configuration_recorders_status();
        if recorders.is_empty() {
            return Err(PollError::NotEnabled(
                "no configuration recorder in this region".into(),
            ));
        }
        if recorders.iter().any(|r| r.recording()) {
            return Ok(None);
        }
        let name = recorders[0].name().unwrap_or("the recorder");
        Ok(Some(format!(
            "configuration recorder {name} is off: evaluations are not being updated"
        )))
    }

    /// The non-compliant rules of this account and region.
    async fn rules(&self) -> Result<Vec<String>, PollError> {
        let mut token = None;
        let mut pages = Pages::new("DescribeComplianceByConfigRule", MAX_PAGES);
        let mut rules = Vec::new();
        loop {
            let _turn = self.turn("DescribeComplianceByConfigRule").await;
            let out = self
                .client
                .describe_compliance_by_config_rule()
                .compliance_types(ComplianceType::NonCompliant)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "config:DescribeComplianceByConfigRule"))?;
            rules.extend(
                out.compliance_by_config_rules()
                    .iter()
                    .filter_map(|r| r.config_rule_name().map(str::to_string)),
            );
            match pages.next(out.next_token())? {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(rules)
    }

    /// The aggregator's non-compliant (rule, account, region) triples.
    async fn aggregate_rules(
        &self,
        aggregator: &str,
    ) -> Result<Vec<(String, String, String)>, PollError> {
        let mut token = None;
        let mut pages = Pages::new("DescribeAggregateComplianceByConfigRules", MAX_PAGES);
        let mut rules = Vec::new();
        loop {
            let _turn = self.turn("DescribeAggregateComplianceByConfigRules").await;
            let out = self
                .client
                .describe_aggregate_compliance_by_config_rules()
                .configuration_aggregator_name(aggregator)
                .filters(
                    ConfigRuleComplianceFilters::builder()
                        .compliance_type(ComplianceType::NonCompliant)
                        .build(),
                )
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "config:DescribeAggregateComplianceByConfigRules"))?;
            for r in out.aggregate_compliance_by_config_rules() {
                if let (Some(rule), Some(account), Some(region)) =
                    (r.config_rule_name(), r.account_id(), r.aws_region())
                {
                    rules.push((rule.to_string(), account.to_string(), region.to_string()));
                }
            }
            match pages.next(out.next_token())? {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(rules)
    }

    /// One rule's non-compliant resources, here or (with `at`) through the aggregator.
    async fn details(
        &self,
        rule: &str,
        at: Option<(&str, &str, &str)>,
        out: &mut Vec<ComplianceResult>,
    ) -> Result<(), PollError> {
        let mut token = None;
        let mut pages = Pages::new("GetComplianceDetailsByConfigRule", MAX_PAGES);
        loop {
            let body = RawBody::default();
            let what = match at {
                None => {
                    let _turn = self.turn("GetComplianceDetailsByConfigRule").await;
                    self.client
                        .get_compliance_details_by_config_rule()
                        .config_rule_name(rule)
                        .compliance_types(ComplianceType::NonCompliant)
                        .limit(PAGE)
                        .set_next_token(token.take())
                        .customize()
                        .interceptor(body.clone())
                        .send()
                        .await
                        .map_err(|e| classify(e, "config:GetComplianceDetailsByConfigRule"))?;
                    "GetComplianceDetailsByConfigRule"
                }
                Some((aggregator, account, region)) => {
                    let _turn = self.turn("GetAggregateComplianceDetailsByConfigRule").await;
                    self.client
                        .get_aggregate_compliance_details_by_config_rule()
                        .configuration_aggregator_name(aggregator)
                        .config_rule_name(rule)
                        .account_id(account)
                        .aws_region(region)
                        .compliance_type(ComplianceType::NonCompliant)
                        .limit(PAGE)
                        .set_next_token(token.take())
                        .customize()
                        .interceptor(body.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            classify(e, "config:GetAggregateComplianceDetailsByConfigRule")
                        })?;
                    "GetAggregateComplianceDetailsByConfigRule"
                }
            };
            let page: DetailsPage = serde_json::from_slice(&body.take())
                .map_err(|e| PollError::Malformed(format!("{what} {rule}: {e}")))?;
            for (i, v) in page.results.iter().enumerate() {
                match config_rules::parse_evaluation(v) {
                    Ok(mut c) => {
                        // A per-account answer does not name its account and region.
                        let (account, region) = at
                            .map(|(_, a, r)| (a, r))
                            .unwrap_or((&self.account_id, &self.region));
                        c.account_id.get_or_insert_with(|| account.to_string());
                        c.region.get_or_insert_with(|| region.to_string());
                        out.push(c);
                    }
                    Err(e) => tracing::warn!(rule, result = i, error = %e, "evaluation not read"),
                }
            }
            match pages.next(page.next_token.as_deref())? {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(())
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let mut results = Vec::new();
        let note = match &self.scope {
            Scope::Account => {
                let note = self.recorder().await?;
                for rule in self.rules().await? {
                    self.details(&rule, None, &mut results).await?;
                }
                note
            }
            Scope::Aggregator(name) => {
                for (rule, account, region) in self.aggregate_rules(name).await? {
                    self.details(&rule, Some((name, &account, &region)), &mut results)
                        .await?;
                }
                None
            }
        };
        let now: HashSet<u64> = results.iter().map(crate::store::row_hash).collect();
        let gone = self.known.replace(now);
        let mut updates = Vec::new();
        if !results.is_empty() {
            updates.push(Update::Compliance(results));
        }
        if !gone.is_empty() {
            updates.push(Update::Gone(Gone::Compliance(gone)));
        }
        Ok(Polled { updates, note })
    }
}

impl Poller for ConfigPoller {
    fn key(&self) -> SourceKey {
        SourceKey::at("config", &self.account_id, &self.region)
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn records(&self) -> usize {
        self.known.len()
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
