//! Live AWS: a task per account and region that polls Security Hub into the same updates
//! the demo and replay send, paced under AWS's documented rates, with its health reported
//! in words and its last good data kept when a poll fails.
//!
//! Per account: its identity (STS, at start), then a poller per service and region:
//! Security Hub findings (ASFF GetFindings), Access Analyzer exposures, Config rule
//! compliance, CloudTrail events and trail status, and the IAM credential report.

pub mod accessanalyzer;
pub mod cloudtrail;
pub mod config_rules;
pub mod desk;
pub mod discover;
pub mod errors;
pub mod iam;
pub mod pace;
pub mod poller;
mod raw_body;
pub mod securityhub;
pub mod session;

use super::{Source, SourceContext, SourceFuture};
use crate::feed::{Command, Gone, SourceHealth, SourceKey, Status, Update};
use crate::model::{Account, Clock, WorkflowStatus};
use errors::{classify, PollError};
use pace::Pacer;
use poller::{failed, Known, PollFuture, Polled, Poller, Wires};
use session::{AccountAccess, SessionOptions};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

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
    fn take(map: &HashMap<(String, String), Vec<u64>>, at: Option<(&str, &str)>) -> Vec<u64> {
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
    fn resume_for(&self, account_id: &str, region: &str, aggregator: bool) -> Option<Resume> {
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
        }
    }
}

/// Findings are sent in batches of this many, so a big first sync reaches the screen in
/// steps and the UI loop stays responsive.
const BATCH: usize = 500;

pub struct AwsSource {
    pub accounts: Vec<AccountAccess>,
    pub session: SessionOptions,
    pub settings: PollSettings,
    pub clock: Clock,
    /// The warm-start cache to show first (and resume the pollers from), if any.
    pub cache: Option<std::path::PathBuf>,
    /// Triage writes as the operator allowed them.
    pub writes: crate::model::triage::WritePolicy,
}

/// Adds findings to the resume points: per account and region, the newest `UpdatedAt`
/// and the findings' keys.
fn add_resume_points(
    points: &mut HashMap<(String, String), Resume>,
    cached: &mut Cached,
    findings: &[crate::model::Finding],
) {
    for f in findings {
        if crate::model::access_analyzer::is_unused_finding(f) {
            cached
                .unused
                .entry((f.account_id.to_string(), f.region.to_string()))
                .or_default()
                .push(crate::store::row_hash(f));
            continue;
        }
        let entry = points
            .entry((f.account_id.to_string(), f.region.to_string()))
            .or_insert_with(|| Resume {
                newest: f.updated_at,
                keys: Vec::new(),
            });
        entry.newest = entry.newest.max(f.updated_at);
        entry.keys.push(crate::store::row_hash(f));
    }
}

/// Sends the cached store (read off the UI thread: a big cache takes seconds) and fills in
/// where the pollers resume; false when the console is gone.
async fn send_cache(
    path: std::path::PathBuf,
    settings: &mut PollSettings,
    ctx: &SourceContext,
) -> bool {
    let read = tokio::task::spawn_blocking(move || crate::source::cache::read(&path));
    let loaded = tokio::select! {
        _ = ctx.cancel.cancelled() => return false,
        r = read => r.ok().flatten(),
    };
    match loaded {
        Some(Ok(updates)) => {
            for u in updates {
                match &u {
                    Update::Findings(list) => {
                        add_resume_points(&mut settings.resume, &mut settings.cached, list)
                    }
                    Update::Exposures(list) => {
                        for e in list {
                            let at = (e.account_id.clone(), e.region.clone());
                            let hash = crate::store::row_hash(e);
                            settings.cached.exposures.entry(at).or_default().push(hash);
                        }
                    }
                    Update::Compliance(list) => {
                        for c in list {
                            let at = (
                                c.account_id.clone().unwrap_or_default(),
                                c.region.clone().unwrap_or_default(),
                            );
                            let hash = crate::store::row_hash(c);
                            settings.cached.compliance.entry(at).or_default().push(hash);
                        }
                    }
                    _ => {}
                }
                if ctx.updates.send(u).await.is_err() {
                    return false;
                }
            }
            true
        }
        Some(Err(e)) => {
            tracing::warn!(error = %e, "cache not read");
            let health = SourceHealth {
                status: Status::Failed,
                error: Some(format!("not read: {e}")),
                ..SourceHealth::loading()
            };
            let key = SourceKey::service(crate::feed::CACHE);
            ctx.updates.send(Update::Health(key, health)).await.is_ok()
        }
        None => true,
    }
}

impl Source for AwsSource {
    fn name(&self) -> String {
        format!("aws ({} accounts)", self.accounts.len())
    }

    fn run(self: Box<Self>, mut ctx: SourceContext) -> SourceFuture {
        Box::pin(async move {
            let AwsSource {
                accounts,
                session,
                mut settings,
                clock,
                cache,
                writes,
            } = *self;
            if let Some(path) = cache {
                if !send_cache(path, &mut settings, &ctx).await {
                    return;
                }
            }
            let pacer = Pacer::new(settings.max_in_flight);
            let (accounts, discovered) = tokio::select! {
                _ = ctx.cancel.cancelled() => return,
                r = with_discovered(&accounts, &settings, &session, &pacer, &clock) => r,
            };
            if let Some(health) = discovered {
                if ctx.updates.send(health).await.is_err() {
                    return;
                }
            }
            let (refresh_tx, refresh_rx) = watch::channel(0u64);
            let mut tasks = tokio::task::JoinSet::new();
            let wires = Wires {
                updates: ctx.updates.clone(),
                cancel: ctx.cancel.clone(),
                refresh: refresh_rx,
            };
            let desks = desk::Desks::default();
            for access in accounts {
                let job = AccountJob {
                    access,
                    session: session.clone(),
                    settings: settings.clone(),
                    clock: clock.clone(),
                    pacer: pacer.clone(),
                    desks: desks.clone(),
                };
                tasks.spawn(job.run(wires.clone()));
            }
            drop(wires);
            let mut asked = 0u64;
            loop {
                tokio::select! {
                    _ = ctx.cancel.cancelled() => break,
                    cmd = ctx.commands.recv() => match cmd {
                        Some(Command::Refresh) => {
                            asked += 1;
                            let _ = refresh_tx.send(asked);
                        }
                        Some(Command::Triage(req)) => {
                            let (desks, pacer, settings, writes, clock, tx) = (
                                desks.clone(),
                                pacer.clone(),
                                settings.clone(),
                                writes.clone(),
                                clock.clone(),
                                ctx.updates.clone(),
                            );
                            tasks.spawn(async move {
                                let aggregator = settings.hub_aggregator.as_ref();
                                let outcome =
                                    desk::triage(&req, &desks, &pacer, aggregator, &writes, &clock)
                                        .await;
                                let _ = tx.send(Update::Triaged(outcome)).await;
                            });
                        }
                        // Live, the team runs the attack simulation itself.
                        Some(Command::Drill(_)) => {}
                        Some(Command::Import(f)) => {
                            let (desks, pacer, writes, clock, tx) = (
                                desks.clone(),
                                pacer.clone(),
                                writes.clone(),
                                clock.clone(),
                                ctx.updates.clone(),
                            );
                            tasks.spawn(async move {
                                let outcome =
                                    desk::import(&f, &desks, &pacer, &writes, &clock).await;
                                let _ = tx.send(Update::Imported(outcome)).await;
                            });
                        }
                        Some(Command::Lookup(lookup)) => {
                            let (desks, pacer, tx) =
                                (desks.clone(), pacer.clone(), ctx.updates.clone());
                            let (rate, window) = (
                                settings.lookup_events_rate,
                                settings.cloudtrail_window.clone(),
                            );
                            tasks.spawn(async move {
                                let (events, looked) =
                                    desk::lookup(&lookup, &desks, &pacer, rate, &window).await;
                                if !events.is_empty() {
                                    let _ = tx.send(Update::Events(events)).await;
                                }
                                let _ = tx.send(Update::Looked(looked)).await;
                            });
                        }
                        None => break,
                    },
                }
            }
            tasks.shutdown().await;
        })
    }
}

/// The configured accounts and, with `[organization]` discovery, the organization's
/// wanted accounts; and the discovery's health. A failed discovery leaves the
/// configured accounts to poll, and says why.
async fn with_discovered(
    accounts: &[AccountAccess],
    settings: &PollSettings,
    session: &SessionOptions,
    pacer: &Pacer,
    clock: &Clock,
) -> (Vec<AccountAccess>, Option<Update>) {
    let Some(d) = &settings.discovery else {
        return (accounts.to_vec(), None);
    };
    let Some(from) = accounts
        .iter()
        .find(|a| a.account_id.as_deref() == Some(d.from.as_str()) || a.name == d.from)
    else {
        return (accounts.to_vec(), None);
    };
    let key = SourceKey {
        service: "organizations".into(),
        account_id: from.account_id.clone(),
        region: None,
        file: None,
    };
    match discover::list_accounts(from, session, pacer).await {
        Ok(found) => {
            let all = d.expand(accounts, &found);
            let health = SourceHealth {
                status: Status::Ok,
                last_success: Some(clock.now()),
                error: None,
                records: all.len() - accounts.len(),
                next_poll: None,
            };
            (all, Some(Update::Health(key, health)))
        }
        Err(e) => (accounts.to_vec(), Some(Update::Health(key, failed(&e)))),
    }
}

/// One account: its identity, then a poller per service and region.
struct AccountJob {
    access: AccountAccess,
    session: SessionOptions,
    settings: PollSettings,
    clock: Clock,
    pacer: Pacer,
    desks: desk::Desks,
}

/// What an account's identity check gave.
enum Reached {
    /// The account, the session to poll it with, and the ARN it calls as.
    Account(Account, Box<aws_config::SdkConfig>, String),
    /// The health to show. Its pollers are not started: with no working credentials
    /// they would all fail the same way, and say it less clearly.
    Failed(Update),
}

/// How soon a failed identity check is tried again (or on `r`).
const IDENTITY_RETRY: Duration = Duration::from_secs(5 * 60);

impl AccountJob {
    async fn reach(&self) -> Option<Reached> {
        self.access.regions.first()?;
        let first_region = discover::home_region(&self.access.regions);
        let sdk = session::sdk_config(&self.access, &first_region, &self.session).await;
        Some(match identity(&sdk, &self.access, &self.pacer).await {
            Ok((id, arn)) => {
                let name = if self.access.name.is_empty() {
                    id.clone()
                } else {
                    self.access.name.clone()
                };
                let account = Account::new(id, name, self.access.environment.clone());
                Reached::Account(account, Box::new(sdk), arn)
            }
            Err(e) => {
                let key = SourceKey {
                    service: "sts".into(),
                    account_id: self.access.account_id.clone(),
                    region: Some(first_region),
                    file: None,
                };
                Reached::Failed(Update::Health(key, failed(&e)))
            }
        })
    }

    /// The account with its regions resolved: `"all"` becomes the regions enabled in it.
    /// If they cannot be listed, the home region is polled and the reason shown.
    async fn resolved(
        &self,
        sdk: &aws_config::SdkConfig,
        account_id: &str,
    ) -> (AccountAccess, Option<Update>) {
        let mut access = self.access.clone();
        if !access.regions.iter().any(|r| r == discover::ALL) {
            return (access, None);
        }
        let key = SourceKey {
            service: "account".into(),
            account_id: Some(account_id.to_string()),
            region: None,
            file: None,
        };
        let home = discover::home_region(&access.regions);
        let (regions, health) = match discover::enabled_regions(sdk, account_id, &self.pacer).await
        {
            Ok(list) if !list.is_empty() => {
                let health = SourceHealth {
                    status: Status::Ok,
                    last_success: Some(self.clock.now()),
                    error: None,
                    records: list.len(),
                    next_poll: None,
                };
                (list, health)
            }
            Ok(_) => (
                vec![home.clone()],
                SourceHealth {
                    error: Some(format!("ListRegions named no region; polling {home} only")),
                    ..failed(&PollError::Other(String::new()))
                },
            ),
            Err(e) => {
                let e = e.for_profile(access.profile.as_deref());
                (
                    vec![home.clone()],
                    SourceHealth {
                        error: Some(format!("{e}; polling {home} only")),
                        ..failed(&e)
                    },
                )
            }
        };
        // Every other region of the list too, if it named any besides "all".
        let mut all = regions;
        for r in &access.regions {
            if r != discover::ALL && !all.contains(r) {
                all.push(r.clone());
            }
        }
        access.regions = all;
        (access, Some(Update::Health(key, health)))
    }

    async fn run(self, mut wires: Wires) {
        let mut failed_before = false;
        let (account, sdk) = loop {
            let Some(reached) = self.reach().await else {
                return;
            };
            match reached {
                Reached::Account(a, sdk, caller) => {
                    let desk = desk::Desk {
                        sdk: (*sdk).clone(),
                        caller,
                        name: a.name.clone(),
                    };
                    self.desks
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(a.id.clone(), desk);
                    break (a, sdk);
                }
                Reached::Failed(Update::Health(key, health)) => {
                    failed_before = true;
                    let wait = chrono::Duration::from_std(IDENTITY_RETRY).unwrap_or_default();
                    let health = SourceHealth {
                        next_poll: Some(self.clock.now() + wait),
                        ..health
                    };
                    if wires
                        .updates
                        .send(Update::Health(key, health))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Reached::Failed(other) => {
                    if wires.updates.send(other).await.is_err() {
                        return;
                    }
                }
            }
            tokio::select! {
                _ = wires.cancel.cancelled() => return,
                _ = tokio::time::sleep(IDENTITY_RETRY) => {}
                changed = wires.refresh.changed() => if changed.is_err() { return },
            }
        };
        if failed_before {
            // Said once it works, under the failure's key, so that it does not linger.
            let key = SourceKey {
                service: "sts".into(),
                account_id: self.access.account_id.clone(),
                region: Some(discover::home_region(&self.access.regions)),
                file: None,
            };
            let ok = SourceHealth {
                status: Status::Ok,
                last_success: Some(self.clock.now()),
                ..SourceHealth::loading()
            };
            if wires.updates.send(Update::Health(key, ok)).await.is_err() {
                return;
            }
        }
        if wires
            .updates
            .send(Update::Accounts(vec![account.clone()]))
            .await
            .is_err()
        {
            return;
        }
        let (access, regions_health) = self.resolved(&sdk, &account.id).await;
        if let Some(h) = regions_health {
            if wires.updates.send(h).await.is_err() {
                return;
            }
        }
        let mut tasks = tokio::task::JoinSet::new();
        let all = pollers(
            &access,
            &account.id,
            &sdk,
            &self.settings,
            &self.pacer,
            &self.clock,
        );
        for p in all {
            tasks.spawn(poller::run(p, self.clock.clone(), wires.clone()));
        }
        while tasks.join_next().await.is_some() {}
    }
}

/// Every poller of one account: its credential report, then per region Security Hub,
/// Access Analyzer, Config and CloudTrail (as the settings ask). The regions share the
/// account's credentials (one assumed-role session, refreshed once for all).
fn pollers(
    access: &AccountAccess,
    account_id: &str,
    sdk: &aws_config::SdkConfig,
    settings: &PollSettings,
    pacer: &Pacer,
    clock: &Clock,
) -> Vec<Box<dyn Poller>> {
    let profile = access.profile.clone();
    let mut out: Vec<Box<dyn Poller>> = vec![Box::new(CredentialPoller {
        account_id: account_id.to_string(),
        profile: profile.clone(),
        client: iam_client(sdk, account_id),
        pacer: pacer.clone(),
        clock: clock.clone(),
        records: 0,
    })];
    for region in &access.regions {
        let sdk = sdk
            .clone()
            .into_builder()
            .region(aws_config::Region::new(region.clone()))
            .build();
        let aggregator = settings.hub_aggregator.as_ref();
        let hub_here = aggregator.is_none_or(|a| a.is_in(access, account_id, region));
        if hub_here {
            out.push(Box::new(HubPoller::resuming(
                account_id.to_string(),
                region.clone(),
                profile.clone(),
                hub_client(&sdk, account_id),
                pacer.clone(),
                settings.clone(),
                settings.resume_for(account_id, region, aggregator.is_some()),
            )));
        }
        if let Some(every) = settings.analyzer_every {
            let here = Some((account_id, region.as_str()));
            out.push(Box::new(
                accessanalyzer::AnalyzerPoller::new(
                    account_id.to_string(),
                    region.clone(),
                    profile.clone(),
                    session::client_for!(aws_sdk_accessanalyzer, &sdk, account_id),
                    pacer.clone(),
                    every,
                )
                .resuming(
                    Cached::take(&settings.cached.exposures, here),
                    Cached::take(&settings.cached.unused, here),
                ),
            ));
        }
        if let Some(every) = settings.config_every {
            let scope = match &settings.config_aggregator {
                None => Some(config_rules::Scope::Account),
                Some(a) if a.is_in(access, account_id, region) => {
                    Some(config_rules::Scope::Aggregator(a.name.clone()))
                }
                // The aggregator answers for this account and region.
                Some(_) => None,
            };
            if let Some(scope) = scope {
                out.push(Box::new(
                    config_rules::ConfigPoller::new(
                        account_id.to_string(),
                        region.clone(),
                        profile.clone(),
                        session::client_for!(aws_sdk_config, &sdk, account_id),
                        pacer.clone(),
                        every,
                        scope.clone(),
                    )
                    .resuming(Cached::take(
                        &settings.cached.compliance,
                        match scope {
                            config_rules::Scope::Account => Some((account_id, region.as_str())),
                            config_rules::Scope::Aggregator(_) => None,
                        },
                    )),
                ));
            }
        }
        if let Some(every) = settings.cloudtrail_every {
            let mut trail = cloudtrail::TrailPoller::new(
                account_id.to_string(),
                region.clone(),
                profile.clone(),
                session::client_for!(aws_sdk_cloudtrail, &sdk, account_id),
                pacer.clone(),
                every,
                clock.clone(),
            );
            trail.window = settings.cloudtrail_window.clone();
            trail.rate = settings.lookup_events_rate;
            out.push(Box::new(trail));
        }
    }
    out
}

/// Who the credentials are: GetCallerIdentity, which needs no permission.
async fn identity(
    sdk: &aws_config::SdkConfig,
    access: &AccountAccess,
    pacer: &Pacer,
) -> Result<(String, String), PollError> {
    let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
    let key = access.account_id.as_deref().unwrap_or("default");
    let _turn = pacer
        .turn(key, &region, "GetCallerIdentity", pace::ONCE_IN_A_WHILE)
        .await;
    let sts = session::client_for!(aws_sdk_sts, sdk, key);
    let out = sts.get_caller_identity().send().await.map_err(|e| {
        // Whether to say `aws sso login` is judged on the SDK's words, not the role's name.
        let e = classify(e, "sts:GetCallerIdentity").for_profile(access.profile.as_deref());
        match (e, &access.role_arn) {
            // The role is what failed, not the profile's own keys.
            (PollError::Credentials(why), Some(role)) => {
                PollError::Credentials(format!("assuming {role}: {why}"))
            }
            (e, _) => e,
        }
    })?;
    let account = out
        .account()
        .map(str::to_string)
        .ok_or_else(|| PollError::Malformed("GetCallerIdentity gave no account".into()))?;
    Ok((account, out.arn().unwrap_or_default().to_string()))
}

fn iam_client(sdk: &aws_config::SdkConfig, account_id: &str) -> aws_sdk_iam::Client {
    session::client_for!(aws_sdk_iam, sdk, account_id)
}

fn hub_client(sdk: &aws_config::SdkConfig, account_id: &str) -> aws_sdk_securityhub::Client {
    session::client_for!(aws_sdk_securityhub, sdk, account_id)
}

/// An account's IAM credential report, every [`iam::EVERY`]; a failed one again after
/// [`iam::RETRY`] or on `r`.
struct CredentialPoller {
    account_id: String,
    profile: Option<String>,
    client: aws_sdk_iam::Client,
    pacer: Pacer,
    clock: Clock,
    records: usize,
}

impl Poller for CredentialPoller {
    fn key(&self) -> SourceKey {
        SourceKey {
            service: "iam".into(),
            account_id: Some(self.account_id.clone()),
            region: None,
            file: None,
        }
    }

    fn every(&self) -> Duration {
        iam::EVERY
    }

    fn retry(&self) -> Duration {
        iam::RETRY
    }

    fn refresh_when_ok(&self) -> bool {
        false
    }

    fn records(&self) -> usize {
        self.records
    }

    fn poll(&mut self) -> PollFuture<'_> {
        Box::pin(async move {
            let (generated, records) =
                iam::credential_report(&self.client, &self.pacer, &self.account_id)
                    .await
                    .map_err(|e| e.for_profile(self.profile.as_deref()))?;
            self.records = records.len();
            Ok(Polled {
                updates: vec![Update::Credentials {
                    account_id: self.account_id.clone(),
                    generated_at: generated.unwrap_or_else(|| self.clock.now()),
                    records,
                }],
                note: None,
            })
        })
    }
}

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
        let mut updates: Vec<Update> = super::batches(fetched.findings, BATCH)
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

/// Runs each poller once, at the same time, and gives their updates in the pollers' order
/// (so an export's sources read the same run after run). A poll that panics is a failed
/// source, said as such.
async fn each_once(all: Vec<Box<dyn Poller>>, clock: &Clock) -> Vec<Update> {
    let mut polls = tokio::task::JoinSet::new();
    let mut keys = HashMap::new();
    for (i, p) in all.into_iter().enumerate() {
        let clock = clock.clone();
        let key = p.key();
        let task = polls.spawn(async move { (i, poller::once(p, &clock).await) });
        keys.insert(task.id(), (i, key));
    }
    let mut done = Vec::new();
    while let Some(r) = polls.join_next().await {
        match r {
            Ok(d) => done.push(d),
            Err(e) => {
                tracing::error!(error = %e, "a poll stopped");
                if let Some((i, key)) = keys.remove(&e.id()) {
                    let why = PollError::Other(format!("the poll stopped: {e}"));
                    done.push((i, vec![Update::Health(key, failed(&why))]));
                }
            }
        }
    }
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, u)| u).collect()
}

/// One complete poll of every account, service and region, for `rampart export`: the
/// updates it gave, health included.
pub async fn poll_once(
    accounts: &[AccountAccess],
    session_opts: &SessionOptions,
    settings: &PollSettings,
    clock: &Clock,
) -> Vec<Update> {
    let pacer = Pacer::new(settings.max_in_flight);
    let (accounts, discovered) =
        with_discovered(accounts, settings, session_opts, &pacer, clock).await;
    let mut jobs = tokio::task::JoinSet::new();
    for access in accounts {
        let job = AccountJob {
            access,
            session: session_opts.clone(),
            settings: settings.clone(),
            clock: clock.clone(),
            pacer: pacer.clone(),
            desks: Default::default(),
        };
        jobs.spawn(async move {
            let mut out = Vec::new();
            let Some(reached) = job.reach().await else {
                return out;
            };
            let (account, sdk) = match reached {
                Reached::Account(a, sdk, _) => (a, sdk),
                Reached::Failed(health) => {
                    out.push(health);
                    return out;
                }
            };
            out.push(Update::Accounts(vec![account.clone()]));
            let (access, regions_health) = job.resolved(&sdk, &account.id).await;
            out.extend(regions_health);
            let all = pollers(
                &access,
                &account.id,
                &sdk,
                &job.settings,
                &job.pacer,
                &job.clock,
            );
            out.extend(each_once(all, &job.clock).await);
            out
        });
    }
    let mut all: Vec<Update> = discovered.into_iter().collect();
    while let Some(done) = jobs.join_next().await {
        match done {
            Ok(updates) => all.extend(updates),
            Err(e) => tracing::error!(error = %e, "an account's poll stopped"),
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::asff;

    /// A poller that answers with one note, or panics.
    struct Fixed(&'static str, bool);

    impl Poller for Fixed {
        fn key(&self) -> SourceKey {
            SourceKey::service(self.0)
        }
        fn every(&self) -> Duration {
            Duration::from_secs(60)
        }
        fn records(&self) -> usize {
            0
        }
        fn poll(&mut self) -> PollFuture<'_> {
            let panics = self.1;
            Box::pin(async move {
                if panics {
                    panic!("a bug in a poller");
                }
                Ok(Polled::default())
            })
        }
    }

    #[tokio::test]
    async fn each_once_keeps_order_and_names_a_poll_that_panicked() {
        let all: Vec<Box<dyn Poller>> = vec![
            Box::new(Fixed("first", false)),
            Box::new(Fixed("broken", true)),
            Box::new(Fixed("last", false)),
        ];
        let updates = each_once(all, &Clock::System).await;
        let health: Vec<(String, Status, Option<String>)> = updates
            .into_iter()
            .filter_map(|u| match u {
                Update::Health(k, h) => Some((k.service, h.status, h.error)),
                _ => None,
            })
            .collect();
        assert_eq!(health.len(), 3);
        assert_eq!(health[0].0, "first");
        assert_eq!(
            (health[1].0.as_str(), health[1].1),
            ("broken", Status::Failed)
        );
        assert!(health[1]
            .2
            .as_deref()
            .unwrap()
            .starts_with("the poll stopped"));
        assert_eq!(health[2].0, "last");
    }

    #[test]
    fn resume_points_are_the_newest_update_and_count_per_account_and_region() {
        let finding = |id: &str, account: &str, region: &str, updated: &str| {
            asff::parse_value(&serde_json::json!({
                "Id": id, "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
                "AwsAccountId": account, "Region": region, "UpdatedAt": updated,
                "Severity": {"Label": "LOW"}, "Title": "t"
            }))
            .unwrap()
        };
        let mut points = HashMap::new();
        let mut cached = Cached::default();
        add_resume_points(
            &mut points,
            &mut cached,
            &[
                finding("a", "1", "us-east-1", "2026-11-21T10:00:00Z"),
                finding("b", "1", "us-east-1", "2026-11-21T12:00:00Z"),
                finding("c", "1", "eu-west-1", "2026-11-20T00:00:00Z"),
            ],
        );
        let mut cached = Cached::default();
        add_resume_points(
            &mut points,
            &mut cached,
            &[finding("d", "1", "us-east-1", "2026-11-21T11:00:00Z")],
        );
        let at = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        let east = &points[&("1".into(), "us-east-1".into())];
        assert_eq!(east.newest, at("2026-11-21T12:00:00Z"));
        assert_eq!(east.keys.len(), 3);
        assert_eq!(
            east.keys[0],
            crate::model::key::key_hash(
                "a\u{1f}arn:aws:securityhub:us-east-1::product/aws/guardduty"
            )
        );
        assert!(cached.unused.is_empty());
        // An unused-access finding is the Access Analyzer poller's, not Security Hub's.
        let unused = crate::model::access_analyzer::unused_finding(
            &serde_json::json!({"id": "u", "resource": "arn:aws:iam::1:role/r",
                "resourceOwnerAccount": "1", "status": "ACTIVE", "findingType": "UnusedIAMRole",
                "updatedAt": "2026-11-22T00:00:00Z"}),
            "us-east-1",
        )
        .unwrap();
        add_resume_points(&mut points, &mut cached, &[unused]);
        assert_eq!(points[&("1".into(), "us-east-1".into())].keys.len(), 3);
        assert_eq!(cached.unused[&("1".into(), "us-east-1".into())].len(), 1);
        let west = &points[&("1".into(), "eu-west-1".into())];
        assert_eq!(west.newest, at("2026-11-20T00:00:00Z"));
        assert_eq!(west.keys.len(), 1);
    }
}
