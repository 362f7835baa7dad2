//! Security Hub in one account and region as a poller: a full sync, incremental polls on
//! `UpdatedAt`, and a full reconcile every so often that also removes the findings that
//! left the open set (resolved or suppressed elsewhere).

use super::errors::PollError;
use super::pace::Pacer;
use super::poller::{Known, PollFuture, Polled, Poller};
use super::securityhub;
use super::settings::{PollSettings, Resume};
use crate::feed::{Gone, SourceKey, Update};
use std::time::Duration;

/// Security Hub in one account and region: a full sync, incremental polls on
/// `UpdatedAt`, and a full reconcile every so often that also removes the findings that
/// left the open set (resolved or suppressed elsewhere).
pub struct HubPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub client: aws_sdk_securityhub::Client,
    pub pacer: Pacer,
    pub settings: PollSettings,
    newest: Option<chrono::DateTime<chrono::Utc>>,
    last_full: Option<tokio::time::Instant>,
    /// The findings on screen from this poller; the skew margin fetches some again every
    /// poll, and they must not count twice.
    known: Known,
}

impl HubPoller {
    pub fn new(
        account_id: String,
        region: String,
        profile: Option<String>,
        client: aws_sdk_securityhub::Client,
        pacer: Pacer,
        settings: PollSettings,
    ) -> HubPoller {
        let resumed = settings.resume_for(&account_id, &region, false);
        HubPoller::resuming(
            account_id, region, profile, client, pacer, settings, resumed,
        )
    }

    /// Resuming from the cache: the first poll asks only for what changed since, and the
    /// full reconcile comes on its usual schedule.
    pub fn resuming(
        account_id: String,
        region: String,
        profile: Option<String>,
        client: aws_sdk_securityhub::Client,
        pacer: Pacer,
        settings: PollSettings,
        resumed: Option<Resume>,
    ) -> HubPoller {
        let newest = resumed.as_ref().map(|r| r.newest);
        let last_full = resumed.as_ref().map(|_| tokio::time::Instant::now());
        let known = Known::from_keys(resumed.map(|r| r.keys).unwrap_or_default());
        HubPoller {
            account_id,
            region,
            profile,
            client,
            pacer,
            settings,
            newest,
            last_full,
            known,
        }
    }

    /// One sync: everything (`since` = None) or what changed since then.
    pub async fn sync(
        &self,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<securityhub::Fetched, PollError> {
        let query = securityhub::Query {
            statuses: self.settings.statuses.clone(),
            record_states: self.settings.record_states.clone(),
            since,
        };
        securityhub::fetch(
            &self.client,
            &self.pacer,
            self.settings.get_findings_rate,
            &self.account_id,
            &self.region,
            &query,
            self.settings.hub_api,
        )
        .await
        .map_err(|e| e.for_profile(self.profile.as_deref()))
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let full = self
            .last_full
            .is_none_or(|t| t.elapsed() >= self.settings.reconcile_every);
        let skew = chrono::Duration::from_std(self.settings.skew).unwrap_or_default();
        let since = if full {
            None
        } else {
            self.newest.map(|n| n - skew)
        };
        let fetched = self.sync(since).await?;
        if full {
            self.last_full = Some(tokio::time::Instant::now());
        }
        let latest = fetched.findings.iter().map(|f| f.updated_at).max();
        self.newest = self.newest.max(latest);
        if !fetched.rejected.is_empty() {
            tracing::warn!(source = %self.key(), rejected = ?fetched.rejected, "findings not read");
        }
        let keys = fetched.findings.iter().map(crate::store::row_hash);
        let gone = if full {
            self.known.replace(keys.collect())
        } else {
            self.known.extend(keys);
            Vec::new()
        };
        let mut updates: Vec<Update> = crate::source::batches(fetched.findings, super::BATCH)
            .map(Update::Findings)
            .collect();
        if !gone.is_empty() {
            updates.push(Update::Gone(Gone::Findings(gone)));
        }
        Ok(Polled {
            updates,
            note: None,
        })
    }
}

impl Poller for HubPoller {
    fn key(&self) -> SourceKey {
        SourceKey::at("securityhub", &self.account_id, &self.region)
    }

    fn every(&self) -> Duration {
        self.settings.securityhub_every
    }

    fn records(&self) -> usize {
        self.known.len()
    }

    fn poll(&mut self) -> PollFuture<'_> {
        Box::pin(self.fetch())
    }
}
