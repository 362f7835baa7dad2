//! Drill scenarios: every runbook can be a tabletop drill; a Stratus Red Team AWS technique
//! is a detection drill, where the team runs the attack simulation and rampart watches for
//! the CloudTrail detections and the finding that should follow. Every technique of
//! Stratus Red Team's AWS list is here, with the runbook it practises; the first
//! technique of a runbook is the one `:drill RUNBOOK` plays.

/// What a detection drill expects, for the technique it plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// The Stratus Red Team technique that plays the attack.
    pub stratus: &'static str,
    /// The runbook it practises.
    pub runbook: &'static str,
    /// Detections expected on the attack's CloudTrail events.
    pub detections: &'static [&'static str],
    /// Finding type patterns (globs, case-insensitive) expected from a product.
    pub findings: &'static [&'static str],
    /// How long detection may take before it counts as missed.
    pub deadline_minutes: i64,
    /// Why CloudTrail's management events cannot show the attack, when they cannot.
    pub blind: Option<&'static str>,
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        stratus: "aws.defense-evasion.cloudtrail-stop",
        runbook: "cloudtrail-logging-stopped",
        detections: &["cloudtrail-stopped"],
        findings: &["*Stealth:IAMUser-CloudTrailLoggingDisabled*"],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.vpc-remove-flow-logs",
        runbook: "security-service-disabled",
        detections: &["flow-logs-deleted"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.iam-backdoor-user",
        runbook: "compromised-access-key",
        detections: &["access-key-created-for-other-user"],
        findings: &["*Persistence:IAMUser*"],
        deadline_minutes: 60,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.iam-create-admin-user",
        runbook: "iam-privilege-escalation",
        detections: &["admin-policy-attached"],
        findings: &["*PrivilegeEscalation:IAMUser*", "*Persistence:IAMUser*"],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.initial-access.console-login-without-mfa",
        runbook: "console-login-without-mfa",
        detections: &["console-login-without-mfa"],
        findings: &["*ConsoleLogin*"],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.exfiltration.ec2-share-ebs-snapshot",
        runbook: "public-snapshot",
        detections: &["snapshot-shared-with-account"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.iam-backdoor-role",
        runbook: "role-trust-opened",
        detections: &["role-trust-modified", "role-trusts-outside-account"],
        findings: &["*External Access Granted*"],
        deadline_minutes: 60,
        blind: None,
    },
    Scenario {
        stratus: "aws.exfiltration.ec2-security-group-open-port-22-ingress",
        runbook: "security-group-admin-ports-open",
        detections: &["security-group-open-to-world"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.credential-access.ec2-get-password-data",
        runbook: "secrets-retrieval",
        detections: &["ec2-password-data-retrieved"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.credential-access.ec2-steal-instance-credentials",
        runbook: "instance-credentials-exfiltrated",
        detections: &["instance-credentials-used-outside"],
        findings: &["*InstanceCredentialExfiltration*"],
        deadline_minutes: 60,
        blind: None,
    },
    Scenario {
        stratus: "aws.credential-access.secretsmanager-batch-retrieve-secrets",
        runbook: "secrets-retrieval",
        detections: &["secrets-batch-retrieved"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.credential-access.secretsmanager-retrieve-secrets",
        runbook: "secrets-retrieval",
        detections: &["secrets-retrieval-spree"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.credential-access.ssm-retrieve-securestring-parameters",
        runbook: "secrets-retrieval",
        detections: &["ssm-parameters-decrypted-spree"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.cloudtrail-delete",
        runbook: "cloudtrail-logging-stopped",
        detections: &["cloudtrail-stopped"],
        findings: &["*Stealth:IAMUser-CloudTrailLoggingDisabled*"],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.cloudtrail-event-selectors",
        runbook: "cloudtrail-logging-stopped",
        detections: &["cloudtrail-stopped"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.cloudtrail-lifecycle-rule",
        runbook: "cloudtrail-logging-stopped",
        detections: &["trail-bucket-lifecycle-shortened"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.dns-delete-logs",
        runbook: "security-service-disabled",
        detections: &["dns-query-logging-deleted"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.organizations-leave",
        runbook: "security-service-disabled",
        detections: &["leave-organization"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.bedrock-guardrail-delete",
        runbook: "llm-jacking",
        detections: &["bedrock-guardrail-deleted"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.defense-evasion.bedrock-model-invocation-logging-delete",
        runbook: "security-service-disabled",
        detections: &["bedrock-logging-deleted"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.discovery.ec2-enumerate-from-instance",
        runbook: "instance-credentials-exfiltrated",
        detections: &["discovery-from-instance-role"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.discovery.ec2-download-user-data",
        runbook: "secrets-retrieval",
        detections: &["user-data-read"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.discovery.ses-enumerate",
        runbook: "compromised-access-key",
        detections: &["ses-enumerated"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.discovery.bedrock-enumerate-models-multiple-regions",
        runbook: "llm-jacking",
        detections: &["bedrock-invoked-in-many-regions"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.execution.ec2-launch-unusual-instances",
        runbook: "crypto-mining-instance",
        detections: &["unusual-instance-type-launched"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.execution.ec2-user-data",
        runbook: "remote-command-execution",
        detections: &["user-data-modified"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.execution.sagemaker-update-lifecycle-config",
        runbook: "remote-command-execution",
        detections: &["sagemaker-lifecycle-config-changed"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.execution.ssm-send-command",
        runbook: "remote-command-execution",
        detections: &["ssm-command-sent"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.execution.ssm-start-session",
        runbook: "remote-command-execution",
        detections: &["ssm-session-started"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.exfiltration.ec2-share-ami",
        runbook: "resource-made-public",
        detections: &["ami-shared-with-account"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.exfiltration.rds-share-snapshot",
        runbook: "public-snapshot",
        detections: &["snapshot-shared-with-account"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.exfiltration.s3-backdoor-bucket-policy",
        runbook: "public-s3-bucket",
        detections: &["bucket-shared-with-outside-account"],
        findings: &["*Policy:S3/BucketAnonymousAccessGranted*", "*External Access Granted*"],
        deadline_minutes: 60,
        blind: None,
    },
    Scenario {
        stratus: "aws.impact.bedrock-invoke-model",
        runbook: "llm-jacking",
        detections: &["bedrock-model-invoked"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.impact.ec2-deregister-ami",
        runbook: "data-destruction",
        detections: &["ami-deregistered"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.impact.s3-ransomware-batch-deletion",
        runbook: "data-destruction",
        detections: &["s3-mass-deletion"],
        findings: &["*Impact:S3/*"],
        deadline_minutes: 60,
        blind: Some(
            "DeleteObjects is an S3 data event: CloudTrail records it only when the trail logs S3 data events; with them off, only a GuardDuty S3 Protection finding can show this attack.",
        ),
    },
    Scenario {
        stratus: "aws.impact.s3-ransomware-client-side-encryption",
        runbook: "data-destruction",
        detections: &["s3-ransomware-encryption"],
        findings: &["*Impact:S3/*"],
        deadline_minutes: 60,
        blind: Some(
            "CopyObject and PutObject are S3 data events: CloudTrail records them only when the trail logs S3 data events; with them off, only a GuardDuty S3 Protection finding can show this attack.",
        ),
    },
    Scenario {
        stratus: "aws.impact.s3-ransomware-individual-deletion",
        runbook: "data-destruction",
        detections: &["s3-mass-deletion"],
        findings: &["*Impact:S3/*"],
        deadline_minutes: 60,
        blind: Some(
            "DeleteObject is an S3 data event: CloudTrail records it only when the trail logs S3 data events; with them off, only a GuardDuty S3 Protection finding can show this attack.",
        ),
    },
    Scenario {
        stratus: "aws.lateral-movement.ec2-instance-connect",
        runbook: "remote-command-execution",
        detections: &["ec2-instance-connect-key-sent"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.lateral-movement.ec2-serial-console-send-ssh-public-key",
        runbook: "remote-command-execution",
        detections: &["serial-console-access"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.iam-create-backdoor-role",
        runbook: "role-trust-opened",
        detections: &["role-trusts-outside-account", "admin-policy-attached"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.iam-create-user-login-profile",
        runbook: "iam-privilege-escalation",
        detections: &["login-profile-created-for-other-user"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.lambda-backdoor-function",
        runbook: "lambda-backdoor",
        detections: &["lambda-made-public"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.lambda-layer-extension",
        runbook: "lambda-backdoor",
        detections: &["lambda-layer-added"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.lambda-overwrite-code",
        runbook: "lambda-backdoor",
        detections: &["lambda-code-updated"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.rolesanywhere-create-trust-anchor",
        runbook: "persistent-access-created",
        detections: &["roles-anywhere-trust-anchor-created"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.sts-federation-token",
        runbook: "persistent-access-created",
        detections: &["federation-token-issued"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.persistence.cognito-refresh-token-reuse",
        runbook: "persistent-access-created",
        detections: &["cognito-refresh-token-exchanged"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
    Scenario {
        stratus: "aws.privilege-escalation.iam-update-user-login-profile",
        runbook: "iam-privilege-escalation",
        detections: &["login-profile-updated-for-other-user"],
        findings: &[],
        deadline_minutes: 30,
        blind: None,
    },
];

/// The detection drill `:drill RUNBOOK` plays: the runbook's first technique.
pub fn for_runbook(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.runbook == id)
}

/// A technique by its Stratus Red Team id.
pub fn by_stratus(id: &str) -> Option<&'static Scenario> {
    SCENARIOS
        .iter()
        .find(|s| s.stratus.eq_ignore_ascii_case(id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_practises_a_runbook_and_expects_real_detections() {
        let lib = crate::drill::runbook::Library::builtin();
        let rules = crate::drill::detect::RuleSet::builtin();
        for s in SCENARIOS {
            assert!(lib.get(s.runbook).is_some(), "{}", s.runbook);
            assert!(!s.detections.is_empty() || !s.findings.is_empty());
            for d in s.detections {
                assert!(rules.get(d).is_some(), "{d}");
            }
            assert!(s.stratus.starts_with("aws."));
            assert_eq!(by_stratus(s.stratus), Some(s));
        }
        // Stratus Red Team's AWS techniques (its docs/attack-techniques/AWS list).
        assert!(SCENARIOS.len() >= 45, "{}", SCENARIOS.len());
        let blind = SCENARIOS.iter().filter(|s| s.blind.is_some()).count();
        assert_eq!(
            blind, 3,
            "the three S3 ransomware techniques need data events"
        );
    }
}
