//! IAM credential reports: generate, wait until complete, get, and parse the CSV with the
//! same parser replay uses (`N/A`, `no_information`, `not_supported`, `<root_account>`).
//! AWS makes a new report at most every 4 hours per account, so rampart asks no more often.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{PollFuture, Polled, Poller};
use crate::feed::{SourceKey, Update};
use crate::model::credential_report;
use crate::model::Clock;
use crate::model::CredentialRecord;
use aws_sdk_iam::types::ReportStateType;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// How often a report is asked for: AWS generates a new one at most this often.
pub const EVERY: Duration = Duration::from_secs(4 * 60 * 60);
/// How soon a report that failed (network, expired credentials) is asked for again.
pub const RETRY: Duration = Duration::from_secs(5 * 60);
/// How long to wait for a report that is still being generated.
const WAIT_STEP: Duration = Duration::from_secs(2);
const WAIT_STEPS: usize = 30;

/// One report: when AWS generated it, and its rows.
pub async fn credential_report(
    client: &aws_sdk_iam::Client,
    pacer: &Pacer,
    account: &str,
) -> Result<(Option<DateTime<Utc>>, Vec<CredentialRecord>), PollError> {
    for step in 0.. {
        let _turn = pacer
            .turn(
                account,
                "global",
                "GenerateCredentialReport",
                pace::ONCE_IN_A_WHILE,
            )
            .await;
        let out = client
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| classify(e, "iam:GenerateCredentialReport"))?;
        if out.state() == Some(&ReportStateType::Complete) {
            break;
        }
        if step + 1 == WAIT_STEPS {
            return Err(PollError::Other(format!(
                "the credential report was not ready after {} s",
                WAIT_STEPS as u64 * WAIT_STEP.as_secs()
            )));
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
    let _turn = pacer
        .turn(
            account,
            "global",
            "GetCredentialReport",
            pace::ONCE_IN_A_WHILE,
        )
        .await;
    let out = client
        .get_credential_report()
        .send()
        .await
        .map_err(|e| classify(e, "iam:GetCredentialReport"))?;
    let content = out.content().map(|b| b.as_ref()).unwrap_or_default();
    let generated = out
        .generated_time()
        .and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()));
    let rows = credential_report::parse(content)
        .map_err(|e| PollError::Malformed(format!("credential report: {e}")))?;
    Ok((generated, rows))
}

/// An account's IAM credential report, every [`EVERY`]; a failed one again after
/// [`RETRY`] or on `r`.
pub(super) struct CredentialPoller {
    pub(super) account_id: String,
    pub(super) profile: Option<String>,
    pub(super) client: aws_sdk_iam::Client,
    pub(super) pacer: Pacer,
    pub(super) clock: Clock,
    pub(super) records: usize,
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
        EVERY
    }

    fn retry(&self) -> Duration {
        RETRY
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
                credential_report(&self.client, &self.pacer, &self.account_id)
                    .await
                    .map_err(|e| e.for_profile(self.profile.as_deref()))?;
            self.records = records.len();
            // Console users with an administrator policy: standing access outside
            // Identity Center. Not reading them leaves the report on screen, with a note.
            let admins = super::iam_admins::console_admins(
                &self.client,
                &self.pacer,
                &self.account_id,
                &records,
            )
            .await;
            let mut updates = vec![Update::Credentials {
                account_id: self.account_id.clone(),
                generated_at: generated.unwrap_or_else(|| self.clock.now()),
                records,
            }];
            let note = match admins {
                Ok(list) => {
                    updates.push(Update::Standing {
                        scope: format!("iam:{}", self.account_id),
                        records: list,
                    });
                    None
                }
                Err(e) => Some(format!("administrator users not read: {e}")),
            };
            Ok(Polled { updates, note })
        })
    }
}
