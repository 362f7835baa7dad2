//! Issue 21 item 8: every GuardDuty type family in the demo, and the top 30 GuardDuty types
//! of AWS's documentation (38 with their variants), reach a runbook, the same one whether
//! the finding arrives as GuardDuty wrote it or as Security Hub's ASFF copy.

use super::*;
use crate::model::{asff, guardduty};
use serde_json::json;

/// (GuardDuty's type, the ASFF `Types[]` value Security Hub gives it), from AWS's
/// "Interpreting GuardDuty finding names in Security Hub" table.
const TOP: &[(&str, &str)] = &[
    ("UnauthorizedAccess:EC2/SSHBruteForce", "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"),
    ("UnauthorizedAccess:EC2/RDPBruteForce", "TTPs/Initial Access/UnauthorizedAccess:EC2-RDPBruteForce"),
    ("Recon:EC2/PortProbeUnprotectedPort", "TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort"),
    ("Recon:EC2/Portscan", "TTPs/Discovery/Recon:EC2-Portscan"),
    ("CryptoCurrency:EC2/BitcoinTool.B!DNS", "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS"),
    ("CryptoCurrency:EC2/BitcoinTool.B", "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B"),
    ("Backdoor:EC2/C&CActivity.B!DNS", "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS"),
    ("Backdoor:EC2/C&CActivity.B", "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B"),
    ("Trojan:EC2/DNSDataExfiltration", "TTPs/Command and Control/Trojan:EC2-DNSDataExfiltration"),
    ("Trojan:EC2/DGADomainRequest.B", "TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B"),
    ("Trojan:EC2/DGADomainRequest.C!DNS", "TTPs/Command and Control/Trojan:EC2-DGADomainRequest.C!DNS"),
    ("UnauthorizedAccess:EC2/TorClient", "Effects/Resource Consumption/UnauthorizedAccess:EC2-TorClient"),
    ("UnauthorizedAccess:EC2/TorRelay", "Effects/Resource Consumption/UnauthorizedAccess:EC2-TorRelay"),
    ("UnauthorizedAccess:EC2/MetadataDNSRebind", "TTPs/UnauthorizedAccess:EC2-MetadataDNSRebind"),
    ("Impact:EC2/BitcoinDomainRequest.Reputation", "TTPs/Impact:EC2-BitcoinDomainRequest.Reputation"),
    ("Impact:EC2/MaliciousDomainRequest.Reputation", "TTPs/Impact:EC2-MaliciousDomainRequest.Reputation"),
    ("Backdoor:EC2/DenialOfService.Tcp", "TTPs/Command and Control/Backdoor:EC2-DenialOfService.Tcp"),
    ("Behavior:EC2/NetworkPortUnusual", "Unusual Behaviors/VM/Behavior:EC2-NetworkPortUnusual"),
    ("Behavior:EC2/TrafficVolumeUnusual", "Unusual Behaviors/VM/Behavior:EC2-TrafficVolumeUnusual"),
    ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS"),
    ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS", "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.InsideAWS"),
    ("UnauthorizedAccess:IAMUser/MaliciousIPCaller", "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller"),
    ("UnauthorizedAccess:IAMUser/TorIPCaller", "TTPs/Command and Control/UnauthorizedAccess:IAMUser-TorIPCaller"),
    ("Recon:IAMUser/MaliciousIPCaller", "TTPs/Discovery/Recon:IAMUser-MaliciousIPCaller"),
    ("Recon:IAMUser/UserPermissions", "TTPs/Discovery/Recon:IAMUser-UserPermissions"),
    ("UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", "TTPs/UnauthorizedAccess:IAMUser-ConsoleLoginSuccess.B"),
    ("Policy:IAMUser/RootCredentialUsage", "TTPs/Policy:IAMUser-RootCredentialUsage"),
    ("Stealth:IAMUser/CloudTrailLoggingDisabled", "TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled"),
    ("PenTest:IAMUser/KaliLinux", "TTPs/PenTest:IAMUser/KaliLinux"),
    ("Persistence:IAMUser/AnomalousBehavior", "TTPs/Persistence/IAMUser-AnomalousBehavior"),
    ("PrivilegeEscalation:IAMUser/AnomalousBehavior", "TTPs/Privilege Escalation/IAMUser-AnomalousBehavior"),
    ("DefenseEvasion:IAMUser/AnomalousBehavior", "TTPs/Defense Evasion/IAMUser-AnomalousBehavior"),
    ("Discovery:S3/MaliciousIPCaller", "TTPs/Discovery:S3-MaliciousIPCaller"),
    ("Exfiltration:S3/AnomalousBehavior", "TTPs/Exfiltration:S3-AnomalousBehavior"),
    ("Impact:S3/AnomalousBehavior.Delete", "TTPs/Impact:S3-AnomalousBehavior.Delete"),
    ("Policy:S3/BucketBlockPublicAccessDisabled", "Effects/Data Exposure/Policy:S3-BucketBlockPublicAccessDisabled"),
    ("Policy:S3/BucketAnonymousAccessGranted", "TTPs/Policy:S3-BucketAnonymousAccessGranted"),
    ("Policy:S3/BucketPublicAccessGranted", "TTPs/Policy:S3-BucketPublicAccessGranted"),
];

fn native(kind: &str) -> Finding {
    guardduty::parse_value(&json!({
        "Arn": "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1",
        "Id": "f1", "AccountId": "111122223333", "Region": "us-east-1",
        "Severity": 5, "Type": kind, "Title": "t", "UpdatedAt": "2026-11-22T10:00:00Z",
    }))
    .unwrap()
}

fn asff_copy(types: &str) -> Finding {
    asff::parse_value(&json!({
        "Id": "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "GeneratorId": "arn:aws:guardduty:us-east-1:111122223333:detector/d1",
        "AwsAccountId": "111122223333", "Types": [types], "Title": "t",
        "UpdatedAt": "2026-11-22T10:00:00Z", "Severity": {"Label": "MEDIUM"},
    }))
    .unwrap()
}

#[test]
fn item8_the_top_guardduty_types_reach_one_runbook_in_either_form() {
    let lib = Library::builtin();
    let mut missing = Vec::new();
    for (kind, types) in TOP {
        let a = lib.for_finding(&native(kind)).map(|b| b.id.clone());
        let b = lib.for_finding(&asff_copy(types)).map(|b| b.id.clone());
        if a.is_none() || a != b {
            missing.push(format!("{kind}: native {a:?}, ASFF {b:?}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // Where each lands, for the ones a responder meets most.
    for (kind, id) in [
        (
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            "instance-credentials-exfiltrated",
        ),
        ("Backdoor:EC2/C&CActivity.B!DNS", "compromised-ec2-instance"),
        ("Trojan:EC2/DNSDataExfiltration", "compromised-ec2-instance"),
        (
            "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            "crypto-mining-instance",
        ),
        (
            "Stealth:IAMUser/CloudTrailLoggingDisabled",
            "cloudtrail-logging-stopped",
        ),
        ("Policy:IAMUser/RootCredentialUsage", "root-account-use"),
        ("Policy:S3/BucketPublicAccessGranted", "public-s3-bucket"),
        ("Discovery:S3/MaliciousIPCaller", "s3-data-exfiltration"),
    ] {
        assert_eq!(
            lib.for_finding(&native(kind)).map(|b| b.id.as_str()),
            Some(id),
            "{kind}"
        );
    }
}

#[test]
fn item8_matching_ignores_punctuation() {
    let lib = Library::builtin();
    let squashed = "UnauthorizedAccess IAMUser InstanceCredentialExfiltration OutsideAWS";
    assert_eq!(
        lib.for_finding(&asff_copy(squashed)).map(|b| b.id.as_str()),
        Some("instance-credentials-exfiltrated")
    );
    assert_eq!(
        squash("Backdoor:EC2/C&CActivity.B!DNS"),
        "backdoorec2ccactivitybdns"
    );
}
