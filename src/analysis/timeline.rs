//! Which events of the store belong on a finding's CloudTrail timeline: those its lookup
//! returned and any other the store holds about its resources in the window.
//!
//! May import: `util`, `model`, `feed`, `store`.

use crate::model::lookup::Lookup;
use crate::store::Store;
use std::collections::HashSet;

/// The store's rows on the timeline, oldest first: those a lookup returned (`found`) and
/// any other event the store holds that [`Lookup::covers`].
pub fn rows(store: &Store, lookup: &Lookup, found: &HashSet<String>) -> Vec<u32> {
    let mut rows: Vec<u32> = store
        .events
        .items()
        .iter()
        .enumerate()
        .filter(|(_, e)| found.contains(&e.event_id) || lookup.covers(e))
        .map(|(i, _)| i as u32)
        .collect();
    rows.sort_by_key(|&i| {
        store
            .events
            .get(i)
            .map(|e| (e.event_time, e.event_id.clone()))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Update;
    use crate::model::lookup::Window;
    use crate::model::TrailEvent;
    use crate::test_support::{bucket_finding, now};
    use chrono::Duration;

    #[test]
    fn the_timeline_holds_the_events_about_the_resource_in_the_window() {
        let mut store = Store::new();
        let about = serde_json::json!({"requestParameters": {"bucketName": "payroll-exports"}});
        let other = serde_json::json!({"requestParameters": {"bucketName": "logs"}});
        store.apply(Update::Events(vec![
            event("in-late", 5, "alice", about.clone()),
            event("in-early", 100, "bob", about.clone()),
            event("other-bucket", 20, "alice", other.clone()),
            event("too-early", 60 * 5, "alice", about),
            event("looked-up", 20, "carol", other),
        ]));
        let f = bucket_finding();
        let l = Lookup::around(1, &f, Window::default(), now());
        let found: HashSet<String> = ["looked-up".to_string()].into();
        let ids: Vec<&str> = rows(&store, &l, &found)
            .into_iter()
            .map(|i| store.events.get(i).unwrap().event_id.as_str())
            .collect();
        assert_eq!(ids, ["in-early", "looked-up", "in-late"]);
    }

    fn event(id: &str, minutes_ago: i64, user: &str, raw: serde_json::Value) -> TrailEvent {
        let mut v = raw;
        v["eventID"] = id.into();
        v["eventTime"] = (now() - Duration::minutes(minutes_ago))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            .into();
        v["eventName"] = "PutBucketPolicy".into();
        v["eventSource"] = "s3.amazonaws.com".into();
        v["awsRegion"] = "us-east-1".into();
        v["recipientAccountId"] = "111111111111".into();
        v["userIdentity"] = serde_json::json!({"type": "IAMUser", "userName": user});
        crate::model::cloudtrail::parse_bytes(v.to_string().as_bytes()).unwrap()
    }
}
