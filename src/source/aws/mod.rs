//! Live AWS: a task per account and region that polls Security Hub into the same updates
//! the demo and replay send, paced under AWS's documented rates, with its health reported
//! in words and its last good data kept when a poll fails.
//!
//! This version polls Security Hub (ASFF GetFindings) and IAM credential reports, and checks
//! each account's identity with STS at start; Access Analyzer, Config and CloudTrail come
//! next.

pub mod errors;
pub mod iam;
pub mod pace;
pub mod securityhub;
pub mod session;

use super::{
    Command, Source, SourceContext, SourceFuture, SourceHealth, SourceKey, Status, Update,
};
use crate::model::{Account, Clock, WorkflowStatus};
use errors::{classify, PollError};
use pace::Pacer;
use session::{AccountAccess, SessionOptions};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// How often, and what, to poll.
#[derive(Debug, Clone)]
pub struct PollSettings {
    pub securityhub_every: Duration,
    /// A full sync this often: workflow changes made elsewhere do not move `UpdatedAt`.
    pub reconcile_every: Duration,
    /// Incremental polls ask from the newest `UpdatedAt` seen minus this margin.
    pub skew: Duration,
    pub statuses: Vec<WorkflowStatus>,
    /// Requests in flight at once, across every account, region and service.
    pub max_in_flight: usize,
    /// GetFindings pacing per account and region.
    pub get_findings_rate: pace::Rate,
    /// From the warm-start cache, per (account, region): the newest `UpdatedAt` it holds
    /// and how many findings. A poller with an entry starts incrementally from there.
    pub resume: std::collections::HashMap<(String, String), (chrono::DateTime<chrono::Utc>, usize)>,
}

impl Default for PollSettings {
    fn default() -> Self {
        PollSettings {
            securityhub_every: Duration::from_secs(60),
            reconcile_every: Duration::from_secs(30 * 60),
            skew: Duration::from_secs(5 * 60),
            statuses: vec![WorkflowStatus::New, WorkflowStatus::Notified],
            max_in_flight: 16,
            // 95% of the documented 3/s: a clock edge never meets AWS's own limit.
            get_findings_rate: pace::Rate {
                per_second: pace::GET_FINDINGS.per_second * 0.95,
                burst: pace::GET_FINDINGS.burst,
            },
            resume: Default::default(),
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
}

/// Adds findings to the resume points: per account and region, the newest `UpdatedAt`
/// and how many findings.
fn add_resume_points(
    points: &mut std::collections::HashMap<
        (String, String),
        (chrono::DateTime<chrono::Utc>, usize),
    >,
    findings: &[crate::model::Finding],
) {
    for f in findings {
        let entry = points
            .entry((f.account_id.to_string(), f.region.to_string()))
            .or_insert((f.updated_at, 0));
        entry.0 = entry.0.max(f.updated_at);
        entry.1 += 1;
    }
}

/// Sends the cached store (read off the UI thread: a big cache takes seconds) and fills in
/// where the pollers resume; false when the console is gone.
async fn send_cache(
    path: std::path::PathBuf,
    settings: &mut PollSettings,
    ctx: &SourceContext,
) -> bool {
    let read = tokio::task::spawn_blocking(move || crate::cache::read(&path));
    let loaded = tokio::select! {
        _ = ctx.cancel.cancelled() => return false,
        r = read => r.ok().flatten(),
    };
    match loaded {
        Some(Ok(updates)) => {
            for u in updates {
                if let Update::Findings(list) = &u {
                    add_resume_points(&mut settings.resume, list);
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
            let key = SourceKey::service(crate::cache::SOURCE);
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
            } = *self;
            if let Some(path) = cache {
                if !send_cache(path, &mut settings, &ctx).await {
                    return;
                }
            }
            let pacer = Pacer::new(settings.max_in_flight);
            let (refresh_tx, refresh_rx) = watch::channel(0u64);
            let mut tasks = tokio::task::JoinSet::new();
            for access in accounts {
                let job = AccountJob {
                    access,
                    session: session.clone(),
                    settings: settings.clone(),
                    clock: clock.clone(),
                    pacer: pacer.clone(),
                    updates: ctx.updates.clone(),
                    cancel: ctx.cancel.clone(),
                    refresh: refresh_rx.clone(),
                };
                tasks.spawn(job.run());
            }
            let mut asked = 0u64;
            loop {
                tokio::select! {
                    _ = ctx.cancel.cancelled() => break,
                    cmd = ctx.commands.recv() => match cmd {
                        Some(Command::Refresh) => {
                            asked += 1;
                            let _ = refresh_tx.send(asked);
                        }
                        None => break,
                    },
                }
            }
            tasks.shutdown().await;
        })
    }
}

/// One account: its identity, then a poller per region.
struct AccountJob {
    access: AccountAccess,
    session: SessionOptions,
    settings: PollSettings,
    clock: Clock,
    pacer: Pacer,
    updates: mpsc::Sender<Update>,
    cancel: CancellationToken,
    refresh: watch::Receiver<u64>,
}

impl AccountJob {
    async fn run(self) {
        let Some(first_region) = self.access.regions.first().cloned() else {
            return;
        };
        let sdk = session::sdk_config(&self.access, &first_region, &self.session).await;
        let account_id = match identity(&sdk, &self.access, &self.pacer).await {
            Ok(id) => id,
            Err(e) => {
                let key = SourceKey {
                    service: "sts".into(),
                    account_id: self.access.account_id.clone(),
                    region: Some(first_region.clone()),
                    file: None,
                };
                let _ = self.updates.send(Update::Health(key, failed(&e))).await;
                // Without an identity the pollers would fail the same way; try again later.
                match self.access.account_id.clone() {
                    Some(id) => id,
                    None => return,
                }
            }
        };
        let account = Account::new(
            account_id.clone(),
            if self.access.name.is_empty() {
                account_id.clone()
            } else {
                self.access.name.clone()
            },
            self.access.environment.clone(),
        );
        if self
            .updates
            .send(Update::Accounts(vec![account]))
            .await
            .is_err()
        {
            return;
        }
        let mut regions = tokio::task::JoinSet::new();
        regions.spawn(credential_reports(
            iam_client(&sdk, &account_id),
            account_id.clone(),
            self.access.profile.clone(),
            self.pacer.clone(),
            self.clock.clone(),
            Wires {
                updates: self.updates.clone(),
                cancel: self.cancel.clone(),
                refresh: self.refresh.clone(),
            },
        ));
        for region in self.access.regions.clone() {
            let poller = HubPoller {
                account_id: account_id.clone(),
                region: region.clone(),
                profile: self.access.profile.clone(),
                client: hub_client(
                    &session::sdk_config(&self.access, &region, &self.session).await,
                    &account_id,
                ),
                pacer: self.pacer.clone(),
                settings: self.settings.clone(),
                clock: self.clock.clone(),
            };
            let (tx, cancel, refresh) = (
                self.updates.clone(),
                self.cancel.clone(),
                self.refresh.clone(),
            );
            regions.spawn(poller.run(tx, cancel, refresh));
        }
        while regions.join_next().await.is_some() {}
    }
}

fn failed(e: &PollError) -> SourceHealth {
    SourceHealth {
        status: e.status(),
        last_success: None,
        error: (e.status() != Status::NotEnabled).then(|| e.to_string()),
        records: 0,
        next_poll: None,
    }
}

/// Who the credentials are: GetCallerIdentity, which needs no permission.
async fn identity(
    sdk: &aws_config::SdkConfig,
    access: &AccountAccess,
    pacer: &Pacer,
) -> Result<String, PollError> {
    let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
    let key = access.account_id.as_deref().unwrap_or("default");
    let _turn = pacer
        .turn(key, &region, "GetCallerIdentity", pace::ONCE_IN_A_WHILE)
        .await;
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(sdk)
            .retry_partition(session::retry_partition(key))
            .build(),
    );
    let out =
        sts.get_caller_identity().send().await.map_err(|e| {
            classify(e, "sts:GetCallerIdentity").for_profile(access.profile.as_deref())
        })?;
    out.account()
        .map(str::to_string)
        .ok_or_else(|| PollError::Malformed("GetCallerIdentity gave no account".into()))
}

fn iam_client(sdk: &aws_config::SdkConfig, account_id: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(sdk)
            .retry_partition(session::retry_partition(account_id))
            .build(),
    )
}

fn iam_key(account_id: &str) -> SourceKey {
    SourceKey {
        service: "iam".into(),
        account_id: Some(account_id.to_string()),
        region: None,
        file: None,
    }
}

/// One credential report: the rows as an update, and the health to show.
async fn report_updates(
    client: &aws_sdk_iam::Client,
    account_id: &str,
    profile: Option<&str>,
    pacer: &Pacer,
    clock: &Clock,
) -> (Option<Update>, SourceHealth) {
    match iam::credential_report(client, pacer, account_id).await {
        Ok((generated, records)) => {
            let n = records.len();
            let update = Update::Credentials {
                account_id: account_id.to_string(),
                generated_at: generated.unwrap_or_else(|| clock.now()),
                records,
            };
            let health = SourceHealth {
                status: Status::Ok,
                last_success: Some(clock.now()),
                error: None,
                records: n,
                next_poll: None,
            };
            (Some(update), health)
        }
        Err(e) => (None, failed(&e.for_profile(profile))),
    }
}

/// What a polling task talks through: updates out, the stop token, refresh requests in.
struct Wires {
    updates: mpsc::Sender<Update>,
    cancel: CancellationToken,
    refresh: watch::Receiver<u64>,
}

/// An account's credential report, every [`iam::EVERY`].
async fn credential_reports(
    client: aws_sdk_iam::Client,
    account_id: String,
    profile: Option<String>,
    pacer: Pacer,
    clock: Clock,
    wires: Wires,
) {
    let Wires {
        updates: tx,
        cancel,
        mut refresh,
    } = wires;
    let key = iam_key(&account_id);
    loop {
        let report = report_updates(&client, &account_id, profile.as_deref(), &pacer, &clock);
        let (update, health) = tokio::select! {
            _ = cancel.cancelled() => return,
            r = report => r,
        };
        if let Some(u) = update {
            if tx.send(u).await.is_err() {
                return;
            }
        }
        // A report that failed is tried again soon (and on `r`); a good one lasts 4 hours.
        let ok = health.status == Status::Ok;
        let wait = if ok { iam::EVERY } else { iam::RETRY };
        let health = SourceHealth {
            next_poll: Some(clock.now() + chrono::Duration::from_std(wait).unwrap_or_default()),
            ..health
        };
        if tx.send(Update::Health(key.clone(), health)).await.is_err() {
            return;
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
            changed = refresh.changed(), if !ok => if changed.is_err() { return },
        }
    }
}

fn hub_client(sdk: &aws_config::SdkConfig, account_id: &str) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::from_conf(
        aws_sdk_securityhub::config::Builder::from(sdk)
            .retry_partition(session::retry_partition(account_id))
            .build(),
    )
}

/// Security Hub in one account and region.
pub struct HubPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub client: aws_sdk_securityhub::Client,
    pub pacer: Pacer,
    pub settings: PollSettings,
    pub clock: Clock,
}

impl HubPoller {
    pub fn key(&self) -> SourceKey {
        SourceKey {
            service: "securityhub".into(),
            account_id: Some(self.account_id.clone()),
            region: Some(self.region.clone()),
            file: None,
        }
    }

    /// One sync: everything (`since` = None) or what changed since then.
    pub async fn sync(
        &self,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<securityhub::Fetched, PollError> {
        let query = securityhub::Query {
            statuses: self.settings.statuses.clone(),
            since,
        };
        securityhub::fetch(
            &self.client,
            &self.pacer,
            self.settings.get_findings_rate,
            &self.account_id,
            &self.region,
            &query,
        )
        .await
        .map_err(|e| e.for_profile(self.profile.as_deref()))
    }

    async fn run(
        self,
        tx: mpsc::Sender<Update>,
        cancel: CancellationToken,
        mut refresh: watch::Receiver<u64>,
    ) {
        let key = self.key();
        let loading = SourceHealth::loading();
        if tx.send(Update::Health(key.clone(), loading)).await.is_err() {
            return;
        }
        let skew = chrono::Duration::from_std(self.settings.skew).unwrap_or_default();
        let resumed = self
            .settings
            .resume
            .get(&(self.account_id.clone(), self.region.clone()))
            .copied();
        // Resuming from the cache: the first poll asks only for what changed since, and
        // the full reconcile comes on its usual schedule.
        let mut newest = resumed.map(|(t, _)| t);
        let mut last_full = resumed.map(|_| tokio::time::Instant::now());
        // Findings seen since the last full sync, by key: the skew margin fetches some
        // again every poll, and they must not count twice.
        let mut seen = std::collections::HashSet::new();
        let cached = resumed.map_or(0, |(_, n)| n);
        let mut synced_fully = false;
        let mut records = cached;
        loop {
            let full = last_full.is_none_or(|t| t.elapsed() >= self.settings.reconcile_every);
            let since = if full { None } else { newest.map(|n| n - skew) };
            let result = tokio::select! {
                _ = cancel.cancelled() => return,
                r = self.sync(since) => r,
            };
            let health = match result {
                Ok(fetched) => {
                    if full {
                        last_full = Some(tokio::time::Instant::now());
                        seen.clear();
                        synced_fully = true;
                    }
                    let latest = fetched.findings.iter().map(|f| f.updated_at).max();
                    newest = newest.max(latest);
                    seen.extend(
                        fetched
                            .findings
                            .iter()
                            .map(|f| (f.id.clone(), f.product_arn.clone())),
                    );
                    // Until the first full sync after a restart, the cached findings count too.
                    records = if synced_fully {
                        seen.len()
                    } else {
                        cached + seen.len()
                    };
                    if !fetched.rejected.is_empty() {
                        tracing::warn!(source = %key, rejected = ?fetched.rejected, "findings not read");
                    }
                    for batch in super::batches(fetched.findings, BATCH) {
                        if tx.send(Update::Findings(batch)).await.is_err() {
                            return;
                        }
                    }
                    SourceHealth {
                        status: Status::Ok,
                        last_success: Some(self.clock.now()),
                        error: None,
                        records,
                        next_poll: None,
                    }
                }
                Err(e) => {
                    tracing::warn!(source = %key, error = %e, "poll failed");
                    SourceHealth {
                        records,
                        ..failed(&e)
                    }
                }
            };
            let next =
                chrono::Duration::from_std(self.settings.securityhub_every).unwrap_or_default();
            let health = SourceHealth {
                next_poll: Some(self.clock.now() + next),
                ..health
            };
            if tx.send(Update::Health(key.clone(), health)).await.is_err() {
                return;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(self.settings.securityhub_every) => {}
                changed = refresh.changed() => if changed.is_err() { return },
            }
        }
    }
}

/// One complete poll of every account and region, for `rampart export`: the updates it
/// gave, health included.
pub async fn poll_once(
    accounts: &[AccountAccess],
    session_opts: &SessionOptions,
    settings: &PollSettings,
    clock: &Clock,
) -> Vec<Update> {
    let pacer = Pacer::new(settings.max_in_flight);
    let mut jobs = tokio::task::JoinSet::new();
    for access in accounts.iter().cloned() {
        let (session_opts, settings, clock, pacer) = (
            session_opts.clone(),
            settings.clone(),
            clock.clone(),
            pacer.clone(),
        );
        jobs.spawn(async move {
            let mut out = Vec::new();
            let Some(first) = access.regions.first().cloned() else {
                return out;
            };
            let sdk = session::sdk_config(&access, &first, &session_opts).await;
            let account_id = match identity(&sdk, &access, &pacer).await {
                Ok(id) => id,
                Err(e) => {
                    let key = SourceKey {
                        service: "sts".into(),
                        account_id: access.account_id.clone(),
                        region: Some(first),
                        file: None,
                    };
                    out.push(Update::Health(key, failed(&e)));
                    return out;
                }
            };
            let name = if access.name.is_empty() {
                account_id.clone()
            } else {
                access.name.clone()
            };
            out.push(Update::Accounts(vec![Account::new(
                account_id.clone(),
                name,
                access.environment.clone(),
            )]));
            let (update, health) = report_updates(
                &iam_client(&sdk, &account_id),
                &account_id,
                access.profile.as_deref(),
                &pacer,
                &clock,
            )
            .await;
            out.extend(update);
            out.push(Update::Health(iam_key(&account_id), health));
            for region in &access.regions {
                let poller = HubPoller {
                    account_id: account_id.clone(),
                    region: region.clone(),
                    profile: access.profile.clone(),
                    client: hub_client(
                        &session::sdk_config(&access, region, &session_opts).await,
                        &account_id,
                    ),
                    pacer: pacer.clone(),
                    settings: settings.clone(),
                    clock: clock.clone(),
                };
                let health = match poller.sync(None).await {
                    Ok(f) => {
                        let n = f.findings.len();
                        // In batches, as the console gets them: the store grows step by
                        // step instead of holding two copies of the whole sync at once.
                        out.extend(super::batches(f.findings, BATCH).map(Update::Findings));
                        SourceHealth {
                            status: Status::Ok,
                            last_success: Some(clock.now()),
                            error: None,
                            records: n,
                            next_poll: None,
                        }
                    }
                    Err(e) => failed(&e),
                };
                out.push(Update::Health(poller.key(), health));
            }
            out
        });
    }
    let mut all = Vec::new();
    while let Some(done) = jobs.join_next().await {
        if let Ok(updates) = done {
            all.extend(updates);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::asff;

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
        let mut points = std::collections::HashMap::new();
        add_resume_points(
            &mut points,
            &[
                finding("a", "1", "us-east-1", "2026-11-21T10:00:00Z"),
                finding("b", "1", "us-east-1", "2026-11-21T12:00:00Z"),
                finding("c", "1", "eu-west-1", "2026-11-20T00:00:00Z"),
            ],
        );
        add_resume_points(
            &mut points,
            &[finding("d", "1", "us-east-1", "2026-11-21T11:00:00Z")],
        );
        let at = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        assert_eq!(
            points[&("1".into(), "us-east-1".into())],
            (at("2026-11-21T12:00:00Z"), 3)
        );
        assert_eq!(
            points[&("1".into(), "eu-west-1".into())],
            (at("2026-11-20T00:00:00Z"), 1)
        );
    }
}
