//! The write path on a mocked client: batching, unprocessed findings, refusals before any
//! call, and the audit log.

use super::*;
use crate::model::triage::NOTE_MAX;
use crate::model::WorkflowStatus;
use std::sync::Mutex;

/// A Security Hub that records each call and answers as told.
#[derive(Default)]
struct MockHub {
    calls: Mutex<Vec<(Route, Vec<String>)>>,
    /// Findings it reports as unprocessed.
    unprocessed: Vec<String>,
    /// Routes whose calls fail.
    failing: Vec<String>,
    /// Every batch goes to this route (an aggregator).
    aggregator: Option<Route>,
}

impl FindingsWriter for MockHub {
    fn route(&self, t: &Target) -> Route {
        self.aggregator.clone().unwrap_or(Route {
            account_id: t.account_id.clone(),
            region: t.region.clone(),
        })
    }

    fn caller(&self, route: &Route) -> String {
        format!(
            "arn:aws:sts::{}:assumed-role/responder/me",
            route.account_id
        )
    }

    async fn update(
        &self,
        route: &Route,
        batch: &[Target],
        _change: &Change,
        _by: &str,
    ) -> Result<BatchResult, String> {
        self.calls
            .lock()
            .unwrap()
            .push((route.clone(), batch.iter().map(|t| t.id.clone()).collect()));
        if self.failing.contains(&route.account_id) {
            return Err("AccessDeniedException: not authorized".into());
        }
        Ok(BatchResult::split(
            batch,
            |t| self.unprocessed.contains(&t.id),
            "FindingNotFound",
            "The finding was not found",
        ))
    }
}

fn target(i: usize, account: &str, name: &str, region: &str) -> Target {
    Target {
        id: format!("f-{i}"),
        product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
        account_id: account.into(),
        account_name: name.into(),
        region: region.into(),
    }
}

fn request(targets: Vec<Target>) -> TriageRequest {
    TriageRequest {
        id: 7,
        targets,
        change: Change::new(Some(WorkflowStatus::Resolved), "false positive").unwrap(),
        updated_by: "alice".into(),
        records: Vec::new(),
    }
}

fn policy(dir: &Path, read_only: &[&str]) -> WritePolicy {
    WritePolicy {
        allowed: true,
        read_only: read_only.iter().map(|s| s.to_string()).collect(),
        state_dir: Some(dir.to_path_buf()),
    }
}

fn now() -> DateTime<Utc> {
    crate::test_support::now()
}

fn audit_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(AUDIT_FILE))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn batches_of_one_hundred_per_account_and_region() {
    let dir = tempfile::tempdir().unwrap();
    let mut targets: Vec<Target> = (0..250)
        .map(|i| target(i, "111111111111", "dev", "us-east-1"))
        .collect();
    targets.extend((250..260).map(|i| target(i, "111111111111", "dev", "eu-west-1")));
    let hub = MockHub::default();
    let out = perform(&hub, &request(targets), &policy(dir.path(), &[]), now).await;
    let calls = hub.calls.lock().unwrap();
    let sizes: Vec<(String, usize)> = calls
        .iter()
        .map(|(r, ids)| (r.region.clone(), ids.len()))
        .collect();
    assert_eq!(
        sizes,
        [
            ("eu-west-1".to_string(), 10),
            ("us-east-1".to_string(), 100),
            ("us-east-1".to_string(), 100),
            ("us-east-1".to_string(), 50)
        ]
    );
    assert_eq!(out.calls, 4);
    assert_eq!(out.accepted(), 260);
    // A request line and a result line per call.
    let lines = audit_lines(dir.path());
    assert_eq!(lines.len(), 8);
    assert_eq!(lines[0]["phase"], "request");
    assert_eq!(lines[1]["phase"], "result");
    assert_eq!(lines[1]["result"]["processed"], 10);
    assert_eq!(lines[1]["workflow_status"], "RESOLVED");
    assert_eq!(lines[1]["note"], "false positive");
    assert_eq!(
        lines[1]["caller"],
        "arn:aws:sts::111111111111:assumed-role/responder/me"
    );
    assert_eq!(lines[3]["findings"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn an_aggregator_takes_every_batch() {
    let dir = tempfile::tempdir().unwrap();
    let targets = vec![
        target(1, "111111111111", "dev", "us-east-1"),
        target(2, "222222222222", "stage", "eu-west-1"),
    ];
    let hub = MockHub {
        aggregator: Some(Route {
            account_id: "999999999999".into(),
            region: "us-east-1".into(),
        }),
        ..MockHub::default()
    };
    let out = perform(&hub, &request(targets), &policy(dir.path(), &[]), now).await;
    assert_eq!(out.calls, 1);
    assert_eq!(hub.calls.lock().unwrap()[0].1, ["f-1", "f-2"]);
}

#[tokio::test]
async fn unprocessed_findings_say_why_and_the_rest_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let targets: Vec<Target> = (0..3)
        .map(|i| target(i, "111111111111", "dev", "us-east-1"))
        .collect();
    let hash = targets[1].key_hash();
    let hub = MockHub {
        unprocessed: vec!["f-1".into()],
        ..MockHub::default()
    };
    let out = perform(&hub, &request(targets), &policy(dir.path(), &[]), now).await;
    assert_eq!(out.accepted(), 2);
    let why = out.results.iter().find(|(h, _)| *h == hash).unwrap();
    assert_eq!(
        why.1,
        Err("FindingNotFound: The finding was not found".to_string())
    );
    let lines = audit_lines(dir.path());
    assert_eq!(lines[1]["result"]["unprocessed"][0]["id"], "f-1");
    assert_eq!(
        lines[1]["result"]["unprocessed"][0]["error_code"],
        "FindingNotFound"
    );
}

#[tokio::test]
async fn a_failed_call_fails_its_batch_only() {
    let dir = tempfile::tempdir().unwrap();
    let targets = vec![
        target(1, "111111111111", "dev", "us-east-1"),
        target(2, "222222222222", "stage", "us-east-1"),
    ];
    let hub = MockHub {
        failing: vec!["222222222222".into()],
        ..MockHub::default()
    };
    let out = perform(&hub, &request(targets), &policy(dir.path(), &[]), now).await;
    assert_eq!(out.calls, 2);
    assert_eq!(out.accepted(), 1);
    let lines = audit_lines(dir.path());
    assert_eq!(lines[3]["error"], "AccessDeniedException: not authorized");
}

#[tokio::test]
async fn read_only_accounts_are_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let targets = vec![
        target(1, "111111111111", "prod-payments", "us-east-1"),
        target(2, "222222222222", "prod-web", "us-east-1"),
        target(3, "333333333333", "dev", "us-east-1"),
        target(4, "444444444444", "audit", "us-east-1"),
    ];
    let hub = MockHub::default();
    let p = policy(dir.path(), &["prod-*", "444444444444"]);
    let out = perform(&hub, &request(targets), &p, now).await;
    let calls = hub.calls.lock().unwrap();
    assert_eq!(calls.len(), 1, "only dev's finding is sent");
    assert_eq!(calls[0].1, ["f-3"]);
    let refused: Vec<&String> = out
        .results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    assert_eq!(
        refused,
        [
            "prod-payments is read-only ([writes] read_only)",
            "prod-web is read-only ([writes] read_only)",
            "audit is read-only ([writes] read_only)"
        ]
    );
    // The refused ones are not in the audit log: nothing was written for them.
    let lines = audit_lines(dir.path());
    assert!(lines
        .iter()
        .all(|l| l["findings"].as_array().unwrap().len() == 1 && l["account"] == "333333333333"));
}

#[tokio::test]
async fn nothing_is_sent_or_logged_when_writes_are_off() {
    let dir = tempfile::tempdir().unwrap();
    let hub = MockHub::default();
    let p = WritePolicy {
        allowed: false,
        ..policy(dir.path(), &[])
    };
    let out = perform(
        &hub,
        &request(vec![target(1, "111111111111", "dev", "us-east-1")]),
        &p,
        now,
    )
    .await;
    assert!(hub.calls.lock().unwrap().is_empty());
    assert_eq!(out.calls, 0);
    assert!(out.results[0]
        .1
        .as_ref()
        .unwrap_err()
        .contains("--allow-writes"));
    assert!(!dir.path().join(AUDIT_FILE).exists());
}

#[tokio::test]
async fn a_write_that_cannot_be_audited_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let hub = MockHub::default();
    // A state directory that cannot be made: a file is in the way.
    std::fs::write(dir.path().join("a-file"), b"").unwrap();
    let p = WritePolicy {
        state_dir: Some(dir.path().join("a-file/state")),
        ..policy(dir.path(), &[])
    };
    let out = perform(
        &hub,
        &request(vec![target(1, "111111111111", "dev", "us-east-1")]),
        &p,
        now,
    )
    .await;
    assert!(hub.calls.lock().unwrap().is_empty());
    let why = out.results[0].1.as_ref().unwrap_err();
    assert!(why.starts_with("not sent: audit log directory"), "{why}");
    let none = WritePolicy {
        state_dir: None,
        ..p
    };
    let out = perform(
        &hub,
        &request(vec![target(1, "111111111111", "dev", "us-east-1")]),
        &none,
        now,
    )
    .await;
    assert!(hub.calls.lock().unwrap().is_empty());
    assert!(out.results[0]
        .1
        .as_ref()
        .unwrap_err()
        .contains("no state directory"));
}

#[test]
#[cfg(unix)]
fn the_audit_log_is_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hub = MockHub::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(perform(
        &hub,
        &request(vec![target(1, "111111111111", "dev", "us-east-1")]),
        &policy(dir.path(), &[]),
        now,
    ));
    let mode = std::fs::metadata(dir.path().join(AUDIT_FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn notes_are_checked_before_anything_is_sent() {
    let long = "x".repeat(NOTE_MAX + 1);
    assert_eq!(
        Change::new(None, &long),
        Err(TriageError::NoteTooLong(NOTE_MAX + 1))
    );
    // Characters, not bytes: 512 two-byte characters fit.
    assert!(Change::new(None, &"é".repeat(NOTE_MAX)).is_ok());
    assert_eq!(Change::new(None, "   "), Err(TriageError::Nothing));
    let c = Change::new(Some(WorkflowStatus::Suppressed), "  known scanner ").unwrap();
    assert_eq!(c.note.as_deref(), Some("known scanner"));
    assert_eq!(
        c.describe(),
        "workflow status SUPPRESSED and note \"known scanner\""
    );
}

#[tokio::test]
async fn an_account_without_a_known_name_is_not_written_when_names_are_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let hub = MockHub::default();
    // The console knows the account only by its id: `prod-*` cannot be checked.
    let unnamed = target(1, "555555555555", "555555555555", "us-east-1");
    let out = perform(
        &hub,
        &request(vec![unnamed.clone()]),
        &policy(dir.path(), &["prod-*"]),
        now,
    )
    .await;
    assert!(hub.calls.lock().unwrap().is_empty());
    assert!(out.results[0]
        .1
        .as_ref()
        .unwrap_err()
        .contains("no known name"));
    // With only ids read-only, an unnamed account is checked by its id.
    let out = perform(
        &hub,
        &request(vec![unnamed]),
        &policy(dir.path(), &["111111111111"]),
        now,
    )
    .await;
    assert_eq!(out.accepted(), 1);
}

/// A hub that takes imports and records them.
#[derive(Default)]
struct ImportHub {
    imported: Mutex<Vec<String>>,
}

impl FindingsWriter for ImportHub {
    fn route(&self, t: &Target) -> Route {
        Route {
            account_id: t.account_id.clone(),
            region: t.region.clone(),
        }
    }

    fn caller(&self, _route: &Route) -> String {
        "arn:aws:sts::111111111111:assumed-role/responder/me".into()
    }

    async fn update(
        &self,
        _route: &Route,
        _batch: &[Target],
        _change: &Change,
        _by: &str,
    ) -> Result<BatchResult, String> {
        Err("not in this test".into())
    }

    async fn import(&self, _route: &Route, f: &DrillFinding) -> Result<Option<String>, String> {
        self.imported.lock().unwrap().push(f.product_arn());
        Ok(None)
    }
}

fn drill_finding(account: &str, name: &str) -> DrillFinding {
    DrillFinding {
        request: 3,
        drill: "drill-1".into(),
        id: "rampart-drill/drill-1".into(),
        target: target(0, account, name, "eu-west-1"),
        title: "[DRILL] Crypto-mining instance".into(),
        description: "A tabletop drill".into(),
        severity: "HIGH".into(),
        types: vec!["TTPs/Drill/CryptoCurrency:EC2".into()],
        at: now(),
    }
}

#[tokio::test]
async fn a_drill_finding_is_imported_into_the_accounts_own_product_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let hub = ImportHub::default();
    let f = drill_finding("111111111111", "dev");
    let out = perform_import(&hub, &f, &policy(dir.path(), &[]), now).await;
    assert_eq!(out.accepted(), 1);
    assert_eq!(
        *hub.imported.lock().unwrap(),
        ["arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default"]
    );
    let lines = audit_lines(dir.path());
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["action"], "securityhub:BatchImportFindings");
    assert_eq!(lines[1]["result"]["imported"], 1);
    assert_eq!(lines[1]["drill"], "drill-1");
    // Read-only and writes off: nothing asked, nothing logged.
    let ro = perform_import(
        &hub,
        &drill_finding("222222222222", "prod-web"),
        &policy(dir.path(), &["prod-*"]),
        now,
    )
    .await;
    assert_eq!(ro.accepted(), 0);
    let off = WritePolicy {
        allowed: false,
        ..policy(dir.path(), &[])
    };
    assert_eq!(perform_import(&hub, &f, &off, now).await.accepted(), 0);
    assert_eq!(hub.imported.lock().unwrap().len(), 1);
    assert_eq!(audit_lines(dir.path()).len(), 2);
}

/// Hardening 2: read-only matches names whatever their letter case, a padded pattern still
/// protects its account, and a member account read-only stays so when its batch would go
/// through the administrator.
#[tokio::test]
async fn hardening_02_read_only_holds_across_case_padding_and_the_aggregator() {
    let dir = tempfile::tempdir().unwrap();
    let targets = vec![
        target(1, "111111111111", "Prod-Payments", "us-east-1"),
        target(2, "123456789012", "ledger", "us-east-1"),
        target(3, "333333333333", "dev", "us-east-1"),
    ];
    // Every batch goes through the delegated administrator.
    let hub = MockHub {
        aggregator: Some(Route {
            account_id: "999999999999".into(),
            region: "us-east-1".into(),
        }),
        ..MockHub::default()
    };
    let p = policy(dir.path(), &["prod-*", " 123456789012"]);
    let out = perform(&hub, &request(targets), &p, now).await;
    let calls = hub.calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].0.account_id, "999999999999",
        "through the administrator"
    );
    assert_eq!(calls[0].1, ["f-3"], "only dev's finding is sent");
    let refused: Vec<&String> = out
        .results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    assert_eq!(
        refused,
        [
            "Prod-Payments is read-only ([writes] read_only)",
            "ledger is read-only ([writes] read_only)"
        ]
    );
    let (protected, unmatched) = p.read_only_accounts(
        [
            ("111111111111", "Prod-Payments"),
            ("123456789012", "ledger"),
            ("333333333333", "dev"),
        ]
        .into_iter(),
    );
    assert_eq!(protected, ["Prod-Payments", "ledger"]);
    assert!(unmatched.is_empty());
    let p = policy(dir.path(), &["staging-*"]);
    let (protected, unmatched) = p.read_only_accounts([("1", "dev")].into_iter());
    assert!(protected.is_empty());
    assert_eq!(
        unmatched,
        ["staging-*"],
        "a pattern that matches no known account"
    );
}
