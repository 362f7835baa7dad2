//! Live AWS: a task per account and region that polls Security Hub into the same updates
//! the demo and replay send, paced under AWS's documented rates, with its health reported
//! in words and its last good data kept when a poll fails.
//!
//! Per account: its identity (STS, at start), then a poller per service and region:
//! Security Hub findings (ASFF GetFindings), Access Analyzer exposures, Config rule
//! compliance, CloudTrail events and trail status, and the IAM credential report.

pub mod accessanalyzer;
mod account;
pub mod cloudtrail;
pub mod config_rules;
pub mod desk;
pub mod discover;
pub mod errors;
pub mod hub;
pub mod iam;
pub mod iam_admins;
pub mod identity_center;
mod once;
pub mod pace;
pub mod poller;
mod raw_body;
pub mod securityhub;
pub mod session;
pub mod settings;
pub mod wellarchitected;

pub use hub::HubPoller;
pub use once::poll_once;
pub use settings::{Cached, HubAggregator, Placed, PollSettings, Resume};

use super::{Source, SourceContext, SourceFuture};
use crate::feed::{Command, SourceHealth, SourceKey, Status, Update};
use crate::model::Clock;
use account::{with_discovered, AccountJob};
use pace::Pacer;
use poller::Wires;
use session::{AccountAccess, SessionOptions};
use std::collections::HashMap;
use tokio::sync::watch;

/// Findings are sent in batches of this many, so a big first sync reaches the screen in
/// steps and the UI loop stays responsive.
pub(super) const BATCH: usize = 500;

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
