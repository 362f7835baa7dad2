//! How often and what the live source polls: the config's `[securityhub]`, `[cloudtrail]`,
//! `[access_analyzer]`, `[aws_config]` and `[organization]` as the pollers use them, and
//! where they resume from the warm-start cache.

use super::session::AccountAccess;
use super::{cloudtrail, config_rules, discover, pace, securityhub};
use crate::model::WorkflowStatus;
use std::collections::HashMap;
use std::time::Duration;

/// Where a Security Hub poller resumes after a restart, from the warm-start cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resume {
    /// The newest `UpdatedAt` the cache holds for the account and region.
    pub newest: chrono::DateTime<chrono::Utc>,
    /// The cached findings' key hashes: the first full reconcile removes those that left.
    pub keys: Vec<u64>,
}

/// Key hashes of cached records per (account, region), by the poller that owns them.
#[derive(Debug, Clone, Default)]
pub struct Cached {
    pub exposures: HashMap<(String, String), Vec<u64>>,
    /// Access Analyzer's unused-access findings (not Security Hub's to retire).
    pub unused: HashMap<(String, String), Vec<u64>>,
    pub compliance: HashMap<(String, String), Vec<u64>>,
}

impl Cached {
    /// What one account and region holds, or for an aggregator everything.
    pub(super) fn take(
        map: &HashMap<(String, String), Vec<u64>>,
        at: Option<(&str, &str)>,
    ) -> Vec<u64> {
        match at {
            Some((a, r)) => map
                .get(&(a.to_string(), r.to_string()))
                .cloned()
                .unwrap_or_default(),
            None => map.values().flatten().copied().collect(),
        }
    }
}

/// How often, and what, to poll.
#[derive(Debug, Clone)]
pub struct PollSettings {
    pub securityhub_every: Duration,
    /// A full sync this often: workflow changes made elsewhere do not move `UpdatedAt`.
    pub reconcile_every: Duration,
    /// Incremental polls ask from the newest `UpdatedAt` seen minus this margin.
    pub skew: Duration,
    pub statuses: Vec<WorkflowStatus>,
    /// Record states fetched: ACTIVE, and ARCHIVED when asked for.
    pub record_states: Vec<crate::model::RecordState>,
    /// Requests in flight at once, across every account, region and service.
    pub max_in_flight: usize,
    /// GetFindings pacing per account and region.
    pub get_findings_rate: pace::Rate,
    /// GetFindings (ASFF) or GetFindingsV2 (OCSF).
    pub hub_api: securityhub::Api,
    /// From the warm-start cache, per (account, region).
    pub resume: HashMap<(String, String), Resume>,
    /// The other sources' cached records, for their first poll to retire what left.
    pub cached: Cached,
    /// Access Analyzer; `None` leaves it out.
    pub analyzer_every: Option<Duration>,
    /// Config; `None` leaves it out.
    pub config_every: Option<Duration>,
    /// Config through an aggregator instead of per account and region.
    pub config_aggregator: Option<config_rules::Aggregator>,
    /// CloudTrail; `None` leaves it out.
    pub cloudtrail_every: Option<Duration>,
    pub cloudtrail_window: cloudtrail::Window,
    /// LookupEvents pacing per account and region.
    pub lookup_events_rate: pace::Rate,
    /// Security Hub through its delegated administrator only.
    pub hub_aggregator: Option<HubAggregator>,
    /// More accounts from AWS Organizations.
    pub discovery: Option<discover::Discovery>,
    /// IAM Identity Center's standing administrators, read in one account and region.
    pub identity_center: Option<Placed>,
    /// The Well-Architected Tool's answers for these workloads, read in one account and
    /// region.
    pub wellarchitected: Option<(Placed, Vec<String>)>,
}

/// A feed read in one configured account (id or name) and region, this often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub account: String,
    pub region: String,
    pub every: Duration,
}

impl Placed {
    pub fn is_in(&self, access: &super::AccountAccess, account_id: &str, region: &str) -> bool {
        region == self.region && (self.account == account_id || self.account == access.name)
    }
}

/// Security Hub's aggregator mode: the delegated administrator (a configured account's
/// id or name) in the aggregation home region answers for every member account and
/// linked region, so no other account or region is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubAggregator {
    pub account: String,
    pub region: String,
}

impl HubAggregator {
    pub fn is_in(&self, access: &AccountAccess, account_id: &str, region: &str) -> bool {
        region == self.region && (self.account == account_id || self.account == access.name)
    }
}

impl PollSettings {
    /// Where a Security Hub poller resumes: its own account and region, or for the
    /// aggregator every cached finding (it answers for all of them).
    pub(super) fn resume_for(
        &self,
        account_id: &str,
        region: &str,
        aggregator: bool,
    ) -> Option<Resume> {
        if !aggregator {
            return self
                .resume
                .get(&(account_id.to_string(), region.to_string()))
                .cloned();
        }
        self.resume.values().cloned().reduce(|mut all, r| {
            all.newest = all.newest.max(r.newest);
            all.keys.extend(r.keys);
            all
        })
    }
}

impl Default for PollSettings {
    fn default() -> Self {
        PollSettings {
            securityhub_every: Duration::from_secs(60),
            reconcile_every: Duration::from_secs(30 * 60),
            skew: Duration::from_secs(5 * 60),
            statuses: vec![WorkflowStatus::New, WorkflowStatus::Notified],
            record_states: vec![crate::model::RecordState::Active],
            max_in_flight: 16,
            // 95% of the documented 3/s: a clock edge never meets AWS's own limit.
            get_findings_rate: pace::Rate {
                per_second: pace::GET_FINDINGS.per_second * 0.95,
                burst: pace::GET_FINDINGS.burst,
            },
            resume: Default::default(),
            cached: Cached::default(),
            hub_api: securityhub::Api::Asff,
            analyzer_every: Some(Duration::from_secs(10 * 60)),
            config_every: Some(Duration::from_secs(15 * 60)),
            config_aggregator: None,
            cloudtrail_every: Some(Duration::from_secs(60)),
            cloudtrail_window: cloudtrail::Window::default(),
            lookup_events_rate: pace::Rate {
                per_second: pace::LOOKUP_EVENTS.per_second * 0.95,
                burst: pace::LOOKUP_EVENTS.burst,
            },
            hub_aggregator: None,
            discovery: None,
            identity_center: None,
            wellarchitected: None,
        }
    }
}
