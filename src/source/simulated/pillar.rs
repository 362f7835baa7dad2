//! What the demo adds for the pillar's questions: per-account status of the detective
//! services (a few off), failed controls for Macie, Inspector, Systems Manager, encryption
//! in transit and code scanning, Identity Center assignments with standing
//! administrators, and a Well-Architected Tool workload whose answers agree with the
//! evidence on some questions and not on others. Fixed data: the same every run.

use super::findings::time;
use super::org::ACCOUNTS;
use crate::feed::{SourceHealth, SourceKey, Status, Update};
use crate::model::standing::Route;
use crate::model::{Finding, StandingAccess, WaAnswer};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// The demo's home region, where the per-account service status is reported.
const HOME: &str = "us-east-1";

/// (service, account index, status, note): the services that are off somewhere.
const OFF: [(&str, usize, Status, &str); 4] = [
    (
        "securityhub",
        11,
        Status::NotEnabled,
        "not enabled: Security Hub is not subscribed",
    ),
    (
        "config",
        13,
        Status::Ok,
        "configuration recorder default is off",
    ),
    (
        "cloudtrail",
        12,
        Status::Ok,
        "trail dev-trail is not logging",
    ),
    ("config", 12, Status::Ok, "no configuration recorder"),
];

/// The status of Security Hub, Config and CloudTrail in each account's home region.
pub fn service_health(now: DateTime<Utc>) -> Vec<Update> {
    let mut out = Vec::new();
    for service in ["securityhub", "config", "cloudtrail"] {
        for (i, (acct, ..)) in ACCOUNTS.iter().enumerate() {
            let off = OFF.iter().find(|(s, a, ..)| *s == service && *a == i);
            let (status, error) = match off {
                Some((_, _, status, note)) => (*status, Some(note.to_string())),
                None => (Status::Ok, None),
            };
            out.push(Update::Health(
                SourceKey::at(service, acct, HOME),
                SourceHealth {
                    status,
                    last_success: Some(now),
                    error,
                    records: 0,
                    next_poll: None,
                },
            ));
        }
    }
    out
}

/// (control, title, severity, account index, region, ASFF resource type, resource id).
const CONTROLS: [(&str, &str, &str, usize, &str, &str, &str); 12] = [
    (
        "Macie.1",
        "Amazon Macie should be enabled",
        "MEDIUM",
        10,
        "us-east-1",
        "AwsAccount",
        "AWS::::Account",
    ),
    (
        "Macie.1",
        "Amazon Macie should be enabled",
        "MEDIUM",
        11,
        "us-east-1",
        "AwsAccount",
        "AWS::::Account",
    ),
    (
        "Inspector.1",
        "Amazon Inspector EC2 scanning should be enabled",
        "HIGH",
        12,
        "us-east-1",
        "AwsAccount",
        "AWS::::Account",
    ),
    (
        "Inspector.2",
        "Amazon Inspector ECR scanning should be enabled",
        "HIGH",
        12,
        "us-east-1",
        "AwsAccount",
        "AWS::::Account",
    ),
    (
        "SSM.1",
        "Amazon EC2 instances should be managed by AWS Systems Manager",
        "MEDIUM",
        4,
        "us-east-1",
        "AwsEc2Instance",
        "i-0a1b2c3d4e5f60701",
    ),
    (
        "SSM.1",
        "Amazon EC2 instances should be managed by AWS Systems Manager",
        "MEDIUM",
        5,
        "eu-west-1",
        "AwsEc2Instance",
        "i-0a1b2c3d4e5f60702",
    ),
    (
        "SSM.1",
        "Amazon EC2 instances should be managed by AWS Systems Manager",
        "MEDIUM",
        10,
        "us-west-2",
        "AwsEc2Instance",
        "i-0a1b2c3d4e5f60703",
    ),
    (
        "ELB.1",
        "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
        "MEDIUM",
        4,
        "us-east-1",
        "AwsElbv2LoadBalancer",
        "app/web-alb/50dc6c495c0c9188",
    ),
    (
        "CloudFront.3",
        "CloudFront distributions should require encryption in transit",
        "MEDIUM",
        4,
        "us-east-1",
        "AwsCloudFrontDistribution",
        "E2EXAMPLE1",
    ),
    (
        "RDS.41",
        "RDS for SQL Server DB instances should be encrypted in transit",
        "MEDIUM",
        5,
        "eu-central-1",
        "AwsRdsDbInstance",
        "reports-sql",
    ),
    (
        "ECR.1",
        "ECR private repositories should have image scanning configured",
        "HIGH",
        10,
        "us-east-1",
        "AwsEcrRepository",
        "web-frontend",
    ),
    (
        "CodeBuild.2",
        "CodeBuild project environment variables should not contain clear text credentials",
        "CRITICAL",
        8,
        "us-east-1",
        "AwsCodeBuildProject",
        "staging-deploy",
    ),
];

/// The failed controls above as Security Hub findings, through the shared ASFF parser.
pub fn control_findings(now: DateTime<Utc>) -> Vec<Finding> {
    CONTROLS
        .iter()
        .enumerate()
        .filter_map(|(n, (cid, title, sev, a, region, kind, res))| {
            let acct = ACCOUNTS[*a].0;
            let first = now - Duration::days(3 + n as i64);
            let resource = if *kind == "AwsAccount" {
                format!("AWS::::Account:{acct}")
            } else {
                (*res).to_string()
            };
            let v = json!({
                "SchemaVersion": "2018-10-08",
                "Id": format!("arn:aws:securityhub:{region}:{acct}:security-control/{cid}/finding/demo-pillar-{n:04}"),
                "ProductArn": format!("arn:aws:securityhub:{region}::product/aws/securityhub"),
                "ProductName": "Security Hub",
                "CompanyName": "AWS",
                "GeneratorId": format!("security-control/{cid}"),
                "AwsAccountId": acct,
                "Region": region,
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"],
                "FirstObservedAt": time(first),
                "LastObservedAt": time(now - Duration::hours(2)),
                "CreatedAt": time(first),
                "UpdatedAt": time(now - Duration::hours(2)),
                "Severity": {"Label": sev, "Original": sev},
                "Title": title,
                "Description": format!("This control checks whether {}.", title.to_lowercase()),
                "Resources": [{"Type": kind, "Id": resource, "Partition": "aws", "Region": region}],
                "Compliance": {"Status": "FAILED", "SecurityControlId": cid},
                "ProductFields": {"ControlId": cid, "aws/securityhub/ProductName": "Security Hub"},
                "Workflow": {"Status": "NEW"},
                "RecordState": "ACTIVE",
            });
            super::findings::parse(&v)
        })
        .collect()
}

/// Identity Center in the management account: an administrator permission set assigned to
/// a group in the production accounts, a user assigned it directly, and an IAM user with a
/// console password and AdministratorAccess.
pub fn standing() -> Update {
    let group = |a: usize| StandingAccess {
        account_id: ACCOUNTS[a].0.into(),
        principal: "PlatformAdmins".into(),
        route: Route::IdentityCenterGroup,
        via: "AdministratorAccess".into(),
        members: vec![
            "ana.silva@example.com".into(),
            "li.wei@example.com".into(),
            "sam.okafor@example.com".into(),
        ],
        scope: "demo".into(),
    };
    let mut records: Vec<StandingAccess> = (3..8).map(group).collect();
    for a in [0, 1] {
        records.push(StandingAccess {
            account_id: ACCOUNTS[a].0.into(),
            principal: "jordan.reyes@example.com".into(),
            route: Route::IdentityCenterUser,
            via: "AdministratorAccess".into(),
            members: Vec::new(),
            scope: "demo".into(),
        });
    }
    records.push(StandingAccess {
        account_id: ACCOUNTS[10].0.into(),
        principal: "legacy-admin".into(),
        route: Route::IamUser,
        via: "AdministratorAccess".into(),
        members: Vec::new(),
        scope: "demo".into(),
    });
    Update::Standing {
        scope: "demo".into(),
        records,
    }
}

/// (question id, selected choices, risk): the team's review of their payments workload.
/// SEC2 claims temporary credentials while IAM users hold keys, SEC3 claims least
/// privilege while administrators stand: both disagree with the demo's evidence.
const ANSWERS: [(&str, &[&str], &str); 11] = [
    (
        "securely-operate",
        &[
            "sec_securely_operate_multi_accounts",
            "sec_securely_operate_aws_account",
            "sec_securely_operate_threat_model",
        ],
        "MEDIUM",
    ),
    (
        "identities",
        &[
            "sec_identities_enforce_mechanisms",
            "sec_identities_unique",
            "sec_identities_identity_provider",
        ],
        "NONE",
    ),
    (
        "permissions",
        &[
            "sec_permissions_define",
            "sec_permissions_least_privileges",
            "sec_permissions_emergency_process",
        ],
        "NONE",
    ),
    (
        "detect-investigate-events",
        &["sec_detect_investigate_events_app_service_logging"],
        "MEDIUM",
    ),
    ("network-protection", &[], "HIGH"),
    (
        "protect-compute",
        &["sec_protect_compute_vulnerability_management"],
        "HIGH",
    ),
    (
        "data-classification",
        &["sec_data_classification_identify_data"],
        "MEDIUM",
    ),
    (
        "protect-data-rest",
        &["sec_protect_data_rest_key_mgmt"],
        "MEDIUM",
    ),
    ("protect-data-transit", &[], "HIGH"),
    (
        "incident-response",
        &[
            "sec_incident_response_develop_management_plans",
            "sec_incident_response_run_game_days",
        ],
        "MEDIUM",
    ),
    (
        "application-security",
        &["sec_appsec_perform_regular_penetration_testing"],
        "MEDIUM",
    ),
];

pub const WORKLOAD_ID: &str = "5b3c8e2a9d1f4e6a8c0b2d4f6a8c0e12";

/// The Well-Architected Tool's answers for the demo workload `payments-platform`.
pub fn wa_answers(now: DateTime<Utc>) -> Update {
    let answers = ANSWERS
        .iter()
        .map(|(q, selected, risk)| WaAnswer {
            workload_id: WORKLOAD_ID.into(),
            workload_name: "payments-platform".into(),
            question_id: (*q).into(),
            selected: selected.iter().map(|s| s.to_string()).collect(),
            risk: (*risk).into(),
            applicable: true,
            read_at: Some(now),
        })
        .collect();
    Update::WaAnswers {
        workload_id: WORKLOAD_ID.into(),
        answers,
    }
}

/// Everything above, in the order the demo sends it.
pub fn updates(now: DateTime<Utc>) -> Vec<Update> {
    let mut out = service_health(now);
    out.push(Update::Findings(control_findings(now)));
    out.push(standing());
    out.push(wa_answers(now));
    out
}
