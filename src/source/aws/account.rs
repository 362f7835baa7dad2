//! One account of the live source: its identity (STS), then a poller per service and
//! region, with the account's credentials shared by its regions. An account whose identity
//! check fails is tried again later, its pollers not started.

use super::errors::{classify, PollError};
use super::hub::HubPoller;
use super::iam::CredentialPoller;
use super::pace::{self, Pacer};
use super::poller::{self, failed, Poller, Wires};
use super::session::{self, AccountAccess, SessionOptions};
use super::settings::{Cached, PollSettings};
use super::{
    accessanalyzer, cloudtrail, config_rules, desk, discover, identity_center, wellarchitected,
};
use crate::feed::{SourceHealth, SourceKey, Status, Update};
use crate::model::{Account, Clock};
use std::time::Duration;

/// The configured accounts and, with `[organization]` discovery, the organization's
/// wanted accounts; and the discovery's health. A failed discovery leaves the
/// configured accounts to poll, and says why.
pub(super) async fn with_discovered(
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
pub(super) struct AccountJob {
    pub(super) access: AccountAccess,
    pub(super) session: SessionOptions,
    pub(super) settings: PollSettings,
    pub(super) clock: Clock,
    pub(super) pacer: Pacer,
    pub(super) desks: desk::Desks,
}

/// What an account's identity check gave.
pub(super) enum Reached {
    /// The account, the session to poll it with, and the ARN it calls as.
    Account(Account, Box<aws_config::SdkConfig>, String),
    /// The health to show. Its pollers are not started: with no working credentials
    /// they would all fail the same way, and say it less clearly.
    Failed(Update),
}

/// How soon a failed identity check is tried again (or on `r`).
const IDENTITY_RETRY: Duration = Duration::from_secs(5 * 60);

impl AccountJob {
    pub(super) async fn reach(&self) -> Option<Reached> {
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
    pub(super) async fn resolved(
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

    pub(super) async fn run(self, mut wires: Wires) {
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
pub(super) fn pollers(
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
        if let Some(at) = settings
            .identity_center
            .as_ref()
            .filter(|p| p.is_in(access, account_id, region))
        {
            out.push(Box::new(identity_center::IdentityCenterPoller::new(
                account_id.to_string(),
                region.clone(),
                profile.clone(),
                session::client_for!(aws_sdk_ssoadmin, &sdk, account_id),
                session::client_for!(aws_sdk_identitystore, &sdk, account_id),
                pacer.clone(),
                at.every,
            )));
        }
        if let Some((at, workloads)) = settings
            .wellarchitected
            .as_ref()
            .filter(|(p, _)| p.is_in(access, account_id, region))
        {
            out.push(Box::new(wellarchitected::WaPoller::new(
                account_id.to_string(),
                region.clone(),
                profile.clone(),
                session::client_for!(aws_sdk_wellarchitected, &sdk, account_id),
                pacer.clone(),
                at.every,
                workloads.clone(),
                clock.clone(),
            )));
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
pub(super) async fn identity(
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

pub(super) fn iam_client(sdk: &aws_config::SdkConfig, account_id: &str) -> aws_sdk_iam::Client {
    session::client_for!(aws_sdk_iam, sdk, account_id)
}

pub(super) fn hub_client(
    sdk: &aws_config::SdkConfig,
    account_id: &str,
) -> aws_sdk_securityhub::Client {
    session::client_for!(aws_sdk_securityhub, sdk, account_id)
}
