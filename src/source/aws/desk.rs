//! What the live console does on demand, beside the pollers: triage writes
//! (BatchUpdateFindings) and CloudTrail lookups around a finding (LookupEvents), each with
//! the credentials of the account it concerns and paced in the same buckets as the pollers.
//!
//! An account's desk is opened once its identity is known: its SDK session and the ARN it
//! calls as (which the audit log records).

use super::errors::classify;
use super::pace::{self, Pacer};
use super::{cloudtrail, session};
use crate::model::lookup::{Attribute, Looked, Lookup};
use crate::model::triage::{Change, Outcome, Target, TriageRequest, WritePolicy};
use crate::source::write::{BatchResult, FindingsWriter, Route, Unprocessed};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One reached account: its session and whom it calls as.
#[derive(Debug, Clone)]
pub struct Desk {
    pub sdk: aws_config::SdkConfig,
    pub caller: String,
    pub name: String,
}

/// Reached accounts by id, filled in as each account's identity check succeeds.
pub type Desks = Arc<Mutex<HashMap<String, Desk>>>;

/// BatchUpdateFindings pacing: Security Hub allows 10/s with bursts of 30; rampart sends
/// far fewer, and never in a burst that could crowd out the pollers.
const BATCH_UPDATE: pace::Rate = pace::Rate {
    per_second: 5.0,
    burst: 5.0,
};

fn snapshot(desks: &Desks) -> HashMap<String, Desk> {
    desks.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Security Hub through the reached accounts' sessions.
struct HubWriter {
    desks: HashMap<String, Desk>,
    pacer: Pacer,
    /// The delegated administrator in the aggregation region takes every batch.
    aggregator: Option<Route>,
}

impl HubWriter {
    fn client(&self, route: &Route) -> Option<aws_sdk_securityhub::Client> {
        let desk = self.desks.get(&route.account_id)?;
        let sdk = desk
            .sdk
            .clone()
            .into_builder()
            .region(aws_config::Region::new(route.region.clone()))
            .build();
        Some(session::client_for!(
            aws_sdk_securityhub,
            &sdk,
            &route.account_id
        ))
    }
}

impl FindingsWriter for HubWriter {
    fn route(&self, t: &Target) -> Route {
        self.aggregator.clone().unwrap_or(Route {
            account_id: t.account_id.clone(),
            region: t.region.clone(),
        })
    }

    fn caller(&self, route: &Route) -> String {
        self.desks
            .get(&route.account_id)
            .map(|d| d.caller.clone())
            .unwrap_or_default()
    }

    async fn import(
        &self,
        route: &Route,
        f: &crate::model::triage::DrillFinding,
    ) -> Result<Option<String>, String> {
        use aws_sdk_securityhub::types as t;
        let Some(client) = self.client(route) else {
            return Err(format!("account {} not reached", route.account_id));
        };
        let at = f.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let finding = t::AwsSecurityFinding::builder()
            .schema_version("2018-10-08")
            .id(&f.id)
            .product_arn(f.product_arn())
            .generator_id(format!("rampart-drill/{}", f.drill))
            .aws_account_id(&f.target.account_id)
            .region(&f.target.region)
            .set_types(Some(f.types.clone()))
            .created_at(&at)
            .updated_at(&at)
            .first_observed_at(&at)
            .severity(
                t::Severity::builder()
                    .label(t::SeverityLabel::from(f.severity.as_str()))
                    .build(),
            )
            .title(&f.title)
            .description(&f.description)
            .resources(
                t::Resource::builder()
                    .r#type("Other")
                    .id(format!("rampart-drill/{}", f.drill))
                    .build(),
            )
            .product_fields("rampart/drill", &f.drill)
            .build();
        let _turn = self
            .pacer
            .turn(
                &route.account_id,
                &route.region,
                "BatchImportFindings",
                BATCH_UPDATE,
            )
            .await;
        let out = client
            .batch_import_findings()
            .findings(finding)
            .send()
            .await
            .map_err(|e| classify(e, "securityhub:BatchImportFindings").to_string())?;
        Ok(out.failed_findings().first().map(|e| {
            format!(
                "{}: {}",
                e.error_code().unwrap_or("Failed"),
                e.error_message().unwrap_or_default()
            )
        }))
    }

    async fn update(
        &self,
        route: &Route,
        batch: &[Target],
        change: &Change,
        updated_by: &str,
    ) -> Result<BatchResult, String> {
        use aws_sdk_securityhub::types as t;
        let Some(client) = self.client(route) else {
            return Err(format!(
                "account {} not reached (its identity check has not succeeded)",
                route.account_id
            ));
        };
        let ids = batch
            .iter()
            .map(|f| {
                t::AwsSecurityFindingIdentifier::builder()
                    .id(&f.id)
                    .product_arn(&f.product_arn)
                    .build()
            })
            .collect();
        let mut call = client
            .batch_update_findings()
            .set_finding_identifiers(Some(ids));
        if let Some(s) = change.status {
            call = call.workflow(
                t::WorkflowUpdate::builder()
                    .status(t::WorkflowStatus::from(s.label()))
                    .build(),
            );
        }
        if let Some(text) = &change.note {
            call = call.note(
                t::NoteUpdate::builder()
                    .text(text)
                    .updated_by(updated_by)
                    .build(),
            );
        }
        let _turn = self
            .pacer
            .turn(
                &route.account_id,
                &route.region,
                "BatchUpdateFindings",
                BATCH_UPDATE,
            )
            .await;
        let out = call
            .send()
            .await
            .map_err(|e| classify(e, "securityhub:BatchUpdateFindings").to_string())?;
        let key = |i: Option<&t::AwsSecurityFindingIdentifier>| {
            i.map(|i| {
                (
                    i.id().unwrap_or_default().to_string(),
                    i.product_arn().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_default()
        };
        Ok(BatchResult {
            processed: out
                .processed_findings()
                .iter()
                .map(|i| key(Some(i)))
                .collect(),
            unprocessed: out
                .unprocessed_findings()
                .iter()
                .map(|u| {
                    let (id, product_arn) = key(u.finding_identifier());
                    Unprocessed {
                        id,
                        product_arn,
                        code: u.error_code().unwrap_or("Unprocessed").to_string(),
                        message: u.error_message().unwrap_or_default().to_string(),
                    }
                })
                .collect(),
        })
    }
}

/// Sends a confirmed triage through the accounts' sessions (or the aggregator's).
pub async fn triage(
    req: &TriageRequest,
    desks: &Desks,
    pacer: &Pacer,
    aggregator: Option<&super::HubAggregator>,
    policy: &WritePolicy,
    clock: &crate::model::Clock,
) -> Outcome {
    let desks = snapshot(desks);
    let aggregator = aggregator.map(|a| Route {
        // The administrator is configured by id or by name.
        account_id: desks
            .iter()
            .find(|(id, d)| **id == a.account || d.name == a.account)
            .map_or(a.account.clone(), |(id, _)| id.clone()),
        region: a.region.clone(),
    });
    let writer = HubWriter {
        desks,
        pacer: pacer.clone(),
        aggregator,
    };
    crate::source::write::perform(&writer, req, policy, || clock.now()).await
}

/// Imports a tabletop drill's finding through its account's session.
pub async fn import(
    f: &crate::model::triage::DrillFinding,
    desks: &Desks,
    pacer: &Pacer,
    policy: &WritePolicy,
    clock: &crate::model::Clock,
) -> Outcome {
    let writer = HubWriter {
        desks: snapshot(desks),
        pacer: pacer.clone(),
        aggregator: None,
    };
    crate::source::write::perform_import(&writer, f, policy, || clock.now()).await
}

/// Asks LookupEvents for each name of the lookup in its account and region, in the
/// pollers' pacing buckets. Events found before a failure are kept.
pub async fn lookup(
    l: &Lookup,
    desks: &Desks,
    pacer: &Pacer,
    rate: pace::Rate,
    window: &cloudtrail::Window,
) -> (Vec<crate::model::TrailEvent>, Looked) {
    let max_pages = window.max_pages;
    let mut looked = Looked {
        id: l.id,
        event_ids: Vec::new(),
        error: None,
        offline: None,
    };
    let Some(desk) = snapshot(desks).remove(&l.account_id) else {
        looked.error = Some(format!(
            "account {} not reached yet (its identity check has not succeeded)",
            l.account_id
        ));
        return (Vec::new(), looked);
    };
    let client_in = |region: &str| {
        let sdk = desk
            .sdk
            .clone()
            .into_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        session::client_for!(aws_sdk_cloudtrail, &sdk, &l.account_id)
    };
    let home = global_region(&l.region);
    let mut events = Vec::new();
    'names: for (attr, value) in &l.names {
        let key = match attr {
            Attribute::ResourceName => aws_sdk_cloudtrail::types::LookupAttributeKey::ResourceName,
            Attribute::AccessKeyId => aws_sdk_cloudtrail::types::LookupAttributeKey::AccessKeyId,
            Attribute::Username => aws_sdk_cloudtrail::types::LookupAttributeKey::Username,
        };
        // IAM and STS record in the partition's global region: a user's or a key's IAM
        // calls are there, whatever region the finding is in.
        let mut regions = vec![l.region.as_str()];
        if *attr != Attribute::ResourceName && home != l.region {
            regions.push(home);
        }
        for region in regions {
            let query = cloudtrail::Query {
                account_id: &l.account_id,
                region,
                rate,
                start: l.start,
                end: Some(l.end),
                attribute: Some((key.clone(), value.as_str())),
                max_pages,
            };
            match cloudtrail::lookup_events(&client_in(region), pacer, &query).await {
                Ok(found) => events.extend(found),
                Err(e) => {
                    looked.error = Some(format!("{} {value} in {region}: {e}", attr.label()));
                    break 'names;
                }
            }
        }
    }
    // The same event from two series (a resource's ARN and its short name) once.
    let mut seen = std::collections::HashSet::new();
    events.retain(|e| seen.insert(e.event_id.clone()));
    window.detector.run(&mut events);
    looked.event_ids = events.iter().map(|e| e.event_id.clone()).collect();
    (events, looked)
}

/// The region where a partition records IAM and STS: us-east-1, us-gov-west-1, cn-north-1.
fn global_region(region: &str) -> &'static str {
    match crate::model::console::partition_of_region(region) {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-north-1",
        _ => "us-east-1",
    }
}
