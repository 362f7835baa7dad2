//! CloudTrail: what happened, from LookupEvents (the 90-day event history every account
//! has), newest first and then incrementally from the newest event seen (minus a skew
//! margin, as events arrive late); and whether the account's trails are logging, which is
//! what keeps a record beyond those 90 days. Each event is parsed from the `CloudTrailEvent`
//! JSON by the same code replay uses, and the detection rules run over each poll's events.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{PollFuture, Polled, Poller};
use super::raw_body::RawBody;
use crate::feed::{SourceKey, Update};
use crate::model::{cloudtrail, TrailEvent};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::time::Duration;

/// LookupEvents' largest page.
const PAGE: i32 = 50;
/// Trails change rarely: their status is checked this often, not every poll.
const TRAILS_EVERY: Duration = Duration::from_secs(15 * 60);
/// Pacing for DescribeTrails and GetTrailStatus.
const TRAIL_RATE: pace::Rate = pace::Rate {
    per_second: 1.0,
    burst: 4.0,
};

/// How far back and how much a poll reads.
#[derive(Debug, Clone)]
pub struct Window {
    /// The first poll reads this far back.
    pub lookback: Duration,
    /// At most this many pages a poll (50 events each): the newest events win, and the
    /// first poll of a busy account is bounded.
    pub max_pages: usize,
    /// Later polls start this long before the newest event seen.
    pub skew: Duration,
    /// Judges the records read (the configured thresholds and accounts).
    pub detector: std::sync::Arc<crate::drill::detect::Detector>,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            lookback: Duration::from_secs(24 * 60 * 60),
            max_pages: 100,
            skew: Duration::from_secs(5 * 60),
            detector: Default::default(),
        }
    }
}

pub struct TrailPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub client: aws_sdk_cloudtrail::Client,
    pub pacer: Pacer,
    pub every: Duration,
    pub rate: pace::Rate,
    pub window: Window,
    pub clock: crate::model::Clock,
    newest: Option<DateTime<Utc>>,
    /// Event ids inside the skew margin, so the overlap is not counted twice.
    recent: HashMap<String, DateTime<Utc>>,
    /// Correlation matches of earlier polls, for a burst that spans two polls.
    carry: crate::drill::detect::Carry,
    records: usize,
    trails_checked: Option<tokio::time::Instant>,
    trails_note: Option<String>,
}

#[derive(serde::Deserialize)]
struct Page {
    #[serde(rename = "Events", default)]
    events: Vec<PageEvent>,
    #[serde(rename = "NextToken", default)]
    next_token: Option<String>,
}

#[derive(serde::Deserialize)]
struct PageEvent {
    #[serde(rename = "CloudTrailEvent", default)]
    record: Option<String>,
    #[serde(rename = "EventId", default)]
    id: Option<String>,
}

/// One LookupEvents series: a window, optionally one attribute (CloudTrail takes one per
/// call), at most `max_pages` pages of 50.
pub struct Query<'a> {
    pub account_id: &'a str,
    pub region: &'a str,
    pub rate: pace::Rate,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub attribute: Option<(aws_sdk_cloudtrail::types::LookupAttributeKey, &'a str)>,
    pub max_pages: usize,
}

/// The events of a query, newest first, each parsed from its `CloudTrailEvent` JSON (an
/// event that does not parse is logged and skipped). Paced per account and region.
pub async fn lookup_events(
    client: &aws_sdk_cloudtrail::Client,
    pacer: &Pacer,
    q: &Query<'_>,
) -> Result<Vec<TrailEvent>, PollError> {
    let start = aws_smithy_types::DateTime::from_secs(q.start.timestamp());
    let end = q
        .end
        .map(|e| aws_smithy_types::DateTime::from_secs(e.timestamp()));
    let attribute = match q.attribute.clone() {
        Some((key, value)) => Some(
            aws_sdk_cloudtrail::types::LookupAttribute::builder()
                .attribute_key(key)
                .attribute_value(value)
                .build()
                .map_err(|e| PollError::Other(format!("LookupEvents attribute: {e}")))?,
        ),
        None => None,
    };
    let mut token = None;
    let mut events = Vec::new();
    for _ in 0..q.max_pages.max(1) {
        let _turn = pacer
            .turn(q.account_id, q.region, "LookupEvents", q.rate)
            .await;
        let body = RawBody::default();
        client
            .lookup_events()
            .start_time(start)
            .set_end_time(end)
            .set_lookup_attributes(attribute.clone().map(|a| vec![a]))
            .max_results(PAGE)
            .set_next_token(token.take())
            .customize()
            .interceptor(body.clone())
            .send()
            .await
            .map_err(|e| classify(e, "cloudtrail:LookupEvents"))?;
        let page: Page = serde_json::from_slice(&body.take())
            .map_err(|e| PollError::Malformed(format!("LookupEvents response: {e}")))?;
        for (i, e) in page.events.into_iter().enumerate() {
            let parsed = e
                .record
                .as_deref()
                .ok_or_else(|| "no CloudTrailEvent".to_string())
                .and_then(|r| cloudtrail::parse_bytes(r.as_bytes()).map_err(|e| e.to_string()));
            match parsed {
                Ok(ev) => events.push(ev),
                Err(why) => {
                    tracing::warn!(event = ?e.id, index = i, error = %why, "event not read")
                }
            }
        }
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(events)
}

impl TrailPoller {
    pub fn new(
        account_id: String,
        region: String,
        profile: Option<String>,
        client: aws_sdk_cloudtrail::Client,
        pacer: Pacer,
        every: Duration,
        clock: crate::model::Clock,
    ) -> TrailPoller {
        TrailPoller {
            account_id,
            region,
            profile,
            client,
            pacer,
            every,
            rate: pace::Rate {
                per_second: pace::LOOKUP_EVENTS.per_second * 0.95,
                burst: pace::LOOKUP_EVENTS.burst,
            },
            window: Window::default(),
            clock,
            newest: None,
            recent: HashMap::new(),
            carry: Default::default(),
            records: 0,
            trails_checked: None,
            trails_note: None,
        }
    }

    /// Events since `since`, newest first, at most `max_pages` pages.
    async fn lookup(&self, since: DateTime<Utc>) -> Result<Vec<TrailEvent>, PollError> {
        let query = Query {
            account_id: &self.account_id,
            region: &self.region,
            rate: self.rate,
            start: since,
            end: None,
            attribute: None,
            max_pages: self.window.max_pages,
        };
        lookup_events(&self.client, &self.pacer, &query).await
    }

    /// Whether the trails that cover this region are logging: None when they are.
    async fn trails(&self) -> Result<Option<String>, PollError> {
        let _turn = self
            .pacer
            .turn(&self.account_id, &self.region, "DescribeTrails", TRAIL_RATE)
            .await;
        let out = self
            .client
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .map_err(|e| classify(e, "cloudtrail:DescribeTrails"))?;
        let mut stopped = Vec::new();
        let mut logging = 0;
        for trail in out.trail_list() {
            let Some(arn) = trail.trail_arn().or(trail.name()) else {
                continue;
            };
            let _turn = self
                .pacer
                .turn(&self.account_id, &self.region, "GetTrailStatus", TRAIL_RATE)
                .await;
            let status = self
                .client
                .get_trail_status()
                .name(arn)
                .send()
                .await
                .map_err(|e| classify(e, "cloudtrail:GetTrailStatus"))?;
            if status.is_logging() == Some(true) {
                logging += 1;
            } else {
                stopped.push(trail.name().unwrap_or(arn).to_string());
            }
        }
        Ok(match (logging, stopped.is_empty()) {
            (0, true) => Some(
                "no trail covers this region: activity is kept only in the 90-day event history"
                    .into(),
            ),
            (_, true) => None,
            (_, false) => Some(format!("trail not logging: {}", stopped.join(", "))),
        })
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let now = self.clock.now();
        let lookback = chrono::Duration::from_std(self.window.lookback).unwrap_or_default();
        let skew = chrono::Duration::from_std(self.window.skew).unwrap_or_default();
        let since = self.newest.map_or(now - lookback, |n| n - skew);
        let mut events = self.lookup(since).await?;
        if self
            .trails_checked
            .is_none_or(|t| t.elapsed() >= TRAILS_EVERY)
        {
            // A trail status that cannot be read is said, not a failed poll: the events
            // came, and they are what this source is for.
            self.trails_note = match self.trails().await {
                Ok(note) => note,
                Err(e) => Some(format!("trail status unknown: {e}")),
            };
            self.trails_checked = Some(tokio::time::Instant::now());
        }
        let fresh = events
            .iter()
            .filter(|e| !self.recent.contains_key(&e.event_id))
            .count();
        self.records += fresh;
        if let Some(latest) = events.iter().map(|e| e.event_time).max() {
            self.newest = self.newest.max(Some(latest));
        }
        let newest = self.newest.unwrap_or(now);
        self.recent
            .extend(events.iter().map(|e| (e.event_id.clone(), e.event_time)));
        self.recent.retain(|_, t| *t >= newest - skew);
        let detector = &self.window.detector;
        detector.run_carrying(&mut events, Some(&mut self.carry));
        let marks = detector.settle(&mut self.carry);
        // Only what a window can still reach is kept.
        self.carry.forget_before(newest - detector.horizon() - skew);
        let mut updates: Vec<Update> = super::super::batches(events, super::BATCH)
            .map(Update::Events)
            .collect();
        if !marks.is_empty() {
            updates.push(Update::Marked(marks));
        }
        Ok(Polled {
            updates,
            note: self.trails_note.clone(),
        })
    }
}

impl Poller for TrailPoller {
    fn key(&self) -> SourceKey {
        SourceKey::at("cloudtrail", &self.account_id, &self.region)
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
