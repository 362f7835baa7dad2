//! The Well-Architected Tool, read-only: for each workload named in `[wellarchitected]
//! workloads`, its name and its answers to the security pillar's questions on the
//! `wellarchitected` lens (the practices selected and the risk the Tool records).

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{PollFuture, Polled, Poller};
use crate::feed::{SourceKey, Update};
use crate::model::{Clock, WaAnswer};
use std::time::Duration;

pub const RATE: pace::Rate = pace::Rate {
    per_second: 2.0,
    burst: 4.0,
};
const MAX_PAGES: usize = 100;
pub const LENS: &str = "wellarchitected";
pub const PILLAR: &str = "security";

pub struct WaPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub client: aws_sdk_wellarchitected::Client,
    pub pacer: Pacer,
    pub every: Duration,
    pub workloads: Vec<String>,
    pub clock: Clock,
    records: usize,
}

impl WaPoller {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        account_id: String,
        region: String,
        profile: Option<String>,
        client: aws_sdk_wellarchitected::Client,
        pacer: Pacer,
        every: Duration,
        workloads: Vec<String>,
        clock: Clock,
    ) -> WaPoller {
        WaPoller {
            account_id,
            region,
            profile,
            client,
            pacer,
            every,
            workloads,
            clock,
            records: 0,
        }
    }

    async fn turn(&self, api: &'static str) -> pace::Turn {
        self.pacer
            .turn(&self.account_id, &self.region, api, RATE)
            .await
    }

    async fn workload(&self, id: &str) -> Result<Vec<WaAnswer>, PollError> {
        let _t = self.turn("GetWorkload").await;
        let w = self
            .client
            .get_workload()
            .workload_id(id)
            .send()
            .await
            .map_err(|e| classify(e, "wellarchitected:GetWorkload"))?;
        drop(_t);
        let name = w
            .workload()
            .and_then(|w| w.workload_name())
            .unwrap_or(id)
            .to_string();
        let now = self.clock.now();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let _t = self.turn("ListAnswers").await;
            let page = self
                .client
                .list_answers()
                .workload_id(id)
                .lens_alias(LENS)
                .pillar_id(PILLAR)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "wellarchitected:ListAnswers"))?;
            for a in page.answer_summaries() {
                let Some(question) = a.question_id() else {
                    continue;
                };
                out.push(WaAnswer {
                    workload_id: id.to_string(),
                    workload_name: name.clone(),
                    question_id: question.to_string(),
                    selected: a.selected_choices().to_vec(),
                    risk: a.risk().map_or("UNANSWERED", |r| r.as_str()).to_string(),
                    applicable: a.is_applicable().unwrap_or(true),
                    read_at: Some(now),
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
        Err(PollError::Malformed(format!(
            "ListAnswers gave more than {MAX_PAGES} pages"
        )))
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let mut updates = Vec::new();
        let mut records = 0;
        for id in self.workloads.clone() {
            let answers = self.workload(&id).await?;
            records += answers.len();
            updates.push(Update::WaAnswers {
                workload_id: id,
                answers,
            });
        }
        self.records = records;
        Ok(Polled {
            updates,
            note: None,
        })
    }
}

impl Poller for WaPoller {
    fn key(&self) -> SourceKey {
        SourceKey::at("wellarchitected", &self.account_id, &self.region)
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn records(&self) -> usize {
        self.records
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
