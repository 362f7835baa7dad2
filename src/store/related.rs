//! What else the store knows about one record, for its detail view: an IAM user's
//! unused-access findings, Config results and recent CloudTrail activity; and the
//! combinations that make an exposure matter more.

use super::{Accounts, Store};
use crate::model::{ComplianceResult, Exposure, Finding, TrailEvent};
use std::collections::HashSet;

/// What the public-access pane marks, computed once per store change.
#[derive(Debug, Default, Clone)]
pub struct ExposureMarks {
    /// Resources with an open Macie finding (sensitive data found in them).
    sensitive: HashSet<String>,
    /// How many marks each exposure row has, by table position, for the "marked" sort.
    scores: Vec<u8>,
}

impl ExposureMarks {
    pub fn of(store: &Store) -> ExposureMarks {
        let sensitive = store
            .findings
            .items()
            .iter()
            .filter(|f| f.product == "Macie" && f.is_open())
            .flat_map(|f| f.resources.iter().map(|r| r.id.to_string()))
            .collect();
        let mut marks = ExposureMarks {
            sensitive,
            scores: Vec::new(),
        };
        marks.scores = store
            .exposures
            .items()
            .iter()
            .map(|e| marks.marks(e, &store.accounts).len() as u8)
            .collect();
        marks
    }

    pub fn same_scores(&self, other: &ExposureMarks) -> bool {
        self.scores == other.scores
    }

    /// The number of marks of the exposure at this table position.
    pub fn score(&self, row: u32) -> u8 {
        self.scores.get(row as usize).copied().unwrap_or(0)
    }

    /// Why this exposure matters more than its neighbours, most urgent first.
    pub fn marks(&self, e: &Exposure, accounts: &Accounts) -> Vec<&'static str> {
        let mut out = Vec::new();
        if e.is_public && self.sensitive.contains(&e.resource) {
            out.push("public+macie");
        }
        if e.is_public && e.actions.iter().any(|a| is_write(a)) {
            out.push("public-write");
        }
        let outside = e
            .external_account
            .as_deref()
            .is_some_and(|a| accounts.get(a).is_none());
        if outside && e.resource_type == "AWS::IAM::Role" {
            out.push("outside-trust");
        }
        out
    }
}

/// `s3:PutObject`, `sqs:*`, `*`, `kms:Decrypt` is not.
fn is_write(action: &str) -> bool {
    let verb = action.rsplit(':').next().unwrap_or(action);
    verb == "*"
        || ["Put", "Write", "Delete", "Update", "Send", "Publish"]
            .iter()
            .any(|w| verb.starts_with(w))
}

/// AWS Config's results about an IAM user (`access-keys-rotated` and the like): Config
/// names a user by ARN, by name, or by its unique id, which the report does not carry.
pub fn user_compliance<'a>(
    store: &'a Store,
    account: &str,
    user: &str,
    arn: &str,
) -> Vec<&'a ComplianceResult> {
    store
        .compliance
        .items()
        .iter()
        .filter(|c| c.account_id.as_deref().is_none_or(|a| a == account))
        .filter(|c| {
            c.resource_id == arn
                || (c.resource_id == user && {
                    let kind = c.resource_type.to_ascii_lowercase();
                    kind.contains("iam") && kind.contains("user")
                })
        })
        .collect()
}

/// Access Analyzer's unused-access findings about the principal with this ARN.
pub fn unused_access<'a>(store: &'a Store, arn: &str) -> Vec<&'a Finding> {
    store
        .findings
        .items()
        .iter()
        .filter(|f| crate::model::access_analyzer::is_unused_finding(f))
        .filter(|f| f.resources.iter().any(|r| &*r.id == arn))
        .collect()
}

/// The user's most recent CloudTrail events in their account, newest first.
pub fn activity<'a>(
    store: &'a Store,
    account: &str,
    user: &str,
    limit: usize,
) -> Vec<&'a TrailEvent> {
    let mut events: Vec<&TrailEvent> = store
        .events
        .items()
        .iter()
        .filter(|e| e.account_id == account && e.username == user)
        .collect();
    events.sort_by_key(|e| std::cmp::Reverse(e.event_time));
    events.truncate(limit);
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{access_analyzer, cloudtrail};
    use crate::source::Update;
    use serde_json::json;

    #[test]
    fn a_users_unused_access_and_newest_activity() {
        let mut s = Store::new();
        let unused = |id: &str, arn: &str| {
            access_analyzer::unused_finding(
                &json!({"id": id, "resource": arn, "resourceOwnerAccount": "111111111111",
                    "status": "ACTIVE", "findingType": "UnusedIAMUserAccessKey",
                    "updatedAt": "2026-11-20T00:00:00Z"}),
                "us-east-1",
            )
            .unwrap()
        };
        s.apply(Update::Findings(vec![
            unused("u1", "arn:aws:iam::111111111111:user/alice"),
            unused("u2", "arn:aws:iam::111111111111:user/bob"),
        ]));
        let event = |id: &str, at: &str, user: &str, account: &str| {
            cloudtrail::parse_record(&json!({"eventID": id, "eventTime": at,
                "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
                "recipientAccountId": account,
                "userIdentity": {"type": "IAMUser", "userName": user}}))
            .unwrap()
        };
        s.apply(Update::Events(vec![
            event("e1", "2026-11-20T10:00:00Z", "alice", "111111111111"),
            event("e2", "2026-11-21T10:00:00Z", "alice", "111111111111"),
            event("e3", "2026-11-22T10:00:00Z", "alice", "222222222222"),
            event("e4", "2026-11-22T11:00:00Z", "bob", "111111111111"),
            event("e5", "2026-11-19T10:00:00Z", "alice", "111111111111"),
        ]));
        let found = unused_access(&s, "arn:aws:iam::111111111111:user/alice");
        assert_eq!(found.len(), 1);
        assert!(found[0].id.ends_with("finding/u1"));
        let ids: Vec<&str> = activity(&s, "111111111111", "alice", 2)
            .iter()
            .map(|e| e.event_id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["e2", "e1"],
            "newest first, this account only, at most 2"
        );
        assert!(activity(&s, "111111111111", "carol", 5).is_empty());
    }

    #[test]
    fn marks_name_the_combinations_that_matter_more() {
        use crate::model::{Account, Exposure};
        let mut s = Store::new();
        s.apply(Update::Accounts(vec![Account {
            id: "222222222222".into(),
            name: "dev".into(),
            environment: "dev".into(),
        }]));
        let e = |id: &str, kind: &str, public: bool, other: Option<&str>, action: &str| Exposure {
            id: id.into(),
            account_id: "111111111111".into(),
            region: "us-east-1".into(),
            resource_type: kind.into(),
            resource: format!("arn:aws:s3:::{id}"),
            principal: "*".into(),
            is_public: public,
            external_account: other.map(str::to_string),
            actions: vec![action.into()],
            conditions: vec![],
            status: "ACTIVE".into(),
            source: "access-analyzer".into(),
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        let list = vec![
            e("data", "AWS::S3::Bucket", true, None, "s3:GetObject"),
            e("drop", "AWS::S3::Bucket", true, None, "s3:PutObject"),
            e("quiet", "AWS::S3::Bucket", true, None, "s3:GetObject"),
            e(
                "r1",
                "AWS::IAM::Role",
                false,
                Some("999999999999"),
                "sts:AssumeRole",
            ),
            e(
                "r2",
                "AWS::IAM::Role",
                false,
                Some("222222222222"),
                "sts:AssumeRole",
            ),
            e(
                "q",
                "AWS::SQS::Queue",
                false,
                Some("999999999999"),
                "sqs:SendMessage",
            ),
        ];
        s.apply(Update::Exposures(list.clone()));
        let macie = crate::model::asff::parse_value(&json!({
            "Id": "m", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/macie",
            "ProductName": "Macie", "AwsAccountId": "111111111111",
            "UpdatedAt": "2026-11-21T00:00:00Z", "Severity": {"Label": "HIGH"},
            "Title": "PII", "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::data"}]
        }))
        .unwrap();
        s.apply(Update::Findings(vec![macie]));
        let marks = ExposureMarks::of(&s);
        let got: Vec<Vec<&str>> = list.iter().map(|x| marks.marks(x, &s.accounts)).collect();
        assert_eq!(
            got,
            [
                vec!["public+macie"],
                vec!["public-write"],
                vec![],
                vec!["outside-trust"],
                vec![],
                vec![],
            ],
            "a role trusted inside the org and plain cross-account access are not marked"
        );
        assert_eq!(marks.score(0), 1);
        assert_eq!(marks.score(2), 0);
        assert!(!is_write("kms:Decrypt") && is_write("sqs:*") && is_write("*"));
        assert!(
            !is_write("ec2:CreateVolumePermission"),
            "sharing, not writing"
        );
    }

    #[test]
    fn a_users_config_results_by_arn_or_by_name() {
        use crate::model::ComplianceResult;
        let mut s = Store::new();
        let c = |account: &str, kind: &str, id: &str| ComplianceResult {
            account_id: Some(account.into()),
            region: Some("us-east-1".into()),
            rule: "access-keys-rotated".into(),
            compliance_type: "NON_COMPLIANT".into(),
            resource_type: kind.into(),
            resource_id: id.into(),
            annotation: None,
            recorded_at: None,
        };
        s.apply(Update::Compliance(vec![
            c("111111111111", "AWS::IAM::User", "alice"),
            c(
                "111111111111",
                "AwsIamUser",
                "arn:aws:iam::111111111111:user/alice",
            ),
            c("222222222222", "AWS::IAM::User", "alice"),
            c("111111111111", "AWS::S3::Bucket", "alice"),
        ]));
        let found = user_compliance(
            &s,
            "111111111111",
            "alice",
            "arn:aws:iam::111111111111:user/alice",
        );
        assert_eq!(
            found.len(),
            2,
            "by name and by ARN, this account, users only"
        );
    }
}
