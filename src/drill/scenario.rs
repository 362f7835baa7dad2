//! Drill scenarios: every runbook can be a tabletop drill; these can also be detection
//! drills, where the team runs an attack simulation (a Stratus Red Team technique) and
//! rampart watches for the CloudTrail detections and the finding that should follow.

/// What a detection drill expects, for the runbook it practises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// The runbook's id.
    pub runbook: &'static str,
    /// The Stratus Red Team technique that plays the attack.
    pub stratus: &'static str,
    /// Detections expected on the attack's CloudTrail events.
    pub detections: &'static [&'static str],
    /// Finding type patterns (globs, case-insensitive) expected from a product.
    pub findings: &'static [&'static str],
    /// How long detection may take before it counts as missed.
    pub deadline_minutes: i64,
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        runbook: "cloudtrail-logging-stopped",
        stratus: "aws.defense-evasion.cloudtrail-stop",
        detections: &["cloudtrail-stopped"],
        findings: &["*Stealth:IAMUser-CloudTrailLoggingDisabled*"],
        deadline_minutes: 30,
    },
    Scenario {
        runbook: "security-service-disabled",
        stratus: "aws.defense-evasion.vpc-remove-flow-logs",
        detections: &["flow-logs-deleted"],
        findings: &[],
        deadline_minutes: 30,
    },
    Scenario {
        runbook: "compromised-access-key",
        stratus: "aws.persistence.iam-backdoor-user",
        detections: &["access-key-created-for-other-user"],
        findings: &["*Persistence:IAMUser*"],
        deadline_minutes: 60,
    },
    Scenario {
        runbook: "iam-privilege-escalation",
        stratus: "aws.persistence.iam-create-admin-user",
        detections: &["admin-policy-attached"],
        findings: &["*PrivilegeEscalation:IAMUser*", "*Persistence:IAMUser*"],
        deadline_minutes: 30,
    },
    Scenario {
        runbook: "console-login-without-mfa",
        stratus: "aws.initial-access.console-login-without-mfa",
        detections: &["console-login-without-mfa"],
        findings: &["*ConsoleLogin*"],
        deadline_minutes: 30,
    },
    Scenario {
        runbook: "public-snapshot",
        stratus: "aws.exfiltration.ec2-share-ebs-snapshot",
        detections: &["snapshot-shared-with-account"],
        findings: &[],
        deadline_minutes: 30,
    },
    Scenario {
        runbook: "role-trust-opened",
        stratus: "aws.persistence.iam-backdoor-role",
        detections: &["role-trust-modified"],
        findings: &["*External Access Granted*"],
        deadline_minutes: 60,
    },
    Scenario {
        runbook: "security-group-admin-ports-open",
        stratus: "aws.exfiltration.ec2-security-group-open-port-22-ingress",
        detections: &["security-group-open-to-world"],
        findings: &[],
        deadline_minutes: 30,
    },
];

pub fn for_runbook(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.runbook == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_practises_a_runbook_and_expects_real_detections() {
        let lib = crate::drill::runbook::Library::builtin();
        for s in SCENARIOS {
            assert!(lib.get(s.runbook).is_some(), "{}", s.runbook);
            assert!(!s.detections.is_empty() || !s.findings.is_empty());
            for d in s.detections {
                assert!(crate::drill::detect::rule(d).is_some(), "{d}");
            }
            assert!(s.stratus.starts_with("aws."));
        }
    }
}
