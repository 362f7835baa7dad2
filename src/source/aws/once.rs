//! One complete poll of every configured account and region, for `rampart export`: every
//! poller once, in order, a panicking one named instead of lost.

use super::account::{pollers, with_discovered, AccountJob, Reached};
use super::errors::PollError;
use super::pace::Pacer;
use super::poller::{self, failed, Poller};
use super::session::{AccountAccess, SessionOptions};
use super::settings::PollSettings;
use crate::feed::Update;
use crate::model::Clock;
use std::collections::HashMap;

/// Runs each poller once, at the same time, and gives their updates in the pollers' order
/// (so an export's sources read the same run after run). A poll that panics is a failed
/// source, said as such.
pub(super) async fn each_once(all: Vec<Box<dyn Poller>>, clock: &Clock) -> Vec<Update> {
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
    use super::super::poller::{PollFuture, Polled};
    use super::*;
    use crate::feed::{SourceKey, Status};
    use std::time::Duration;

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
}
