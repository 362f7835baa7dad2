//! What else the store knows about one record, for its detail view: an IAM user's
//! unused-access findings and recent CloudTrail activity.

use super::Store;
use crate::model::{Finding, TrailEvent};

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
}
