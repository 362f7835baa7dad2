//! Issue 21 item 7: GuardDuty's action and title read from both record shapes, checked
//! against the real `get-findings` sample when `../shared/fixtures/real` is present.

use super::*;
use crate::model::{asff, guardduty};
use serde_json::json;

/// The `Output::` block of an AWS CLI documentation page, as JSON.
fn rst_output(path: &std::path::Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let block = text.split("Output::").nth(1)?;
    let start = block.find('{')?;
    let mut depth = 0;
    for (i, c) in block[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return serde_json::from_str(&block[start..=start + i]).ok();
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn item7_the_real_get_findings_sample_summarises_its_action() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/real/guardduty/guardduty__get-findings.rst");
    let Some(out) = rst_output(&path) else {
        eprintln!("skipped: {} is not present", path.display());
        return;
    };
    let f = guardduty::parse_value(&out["Findings"][0]).unwrap();
    assert_eq!(
        finding_type(&f).as_deref(),
        Some("Recon:IAMUser/UserPermissions")
    );
    let a = action(&f).expect("an action");
    assert_eq!(a.kind.as_deref(), Some("AWS_API_CALL"));
    assert_eq!(a.remote_ip.as_deref(), Some("52.94.36.7"));
    assert_eq!(
        a.remote_place.as_deref(),
        Some("London, United Kingdom, AMAZON-02")
    );
    assert_eq!(
        a.api.as_deref(),
        Some("ListPolicyVersions (iam.amazonaws.com)")
    );
    assert_eq!(a.count.as_deref(), Some("5"));
    assert_eq!(a.first_seen.as_deref(), Some("2020-05-26T22:02:24Z"));
    assert_eq!(a.last_seen.as_deref(), Some("2020-05-26T22:33:55Z"));
    let h = headline(&f).unwrap();
    assert!(
        h.starts_with("UserPermissions · ASIASZ4SI7REEEXAMPLE · Unusual user permission"),
        "{h}"
    );
}

/// Security Hub's copy of a GuardDuty finding, as AWS documents the ASFF mapping
/// (ProductFields flattened under `aws/guardduty/service/`).
fn asff_copy() -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "GeneratorId": "arn:aws:guardduty:us-east-1:111122223333:detector/d1",
        "AwsAccountId": "111122223333",
        "Types": ["TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"],
        "CreatedAt": "2026-11-20T10:00:00Z", "UpdatedAt": "2026-11-22T10:00:00Z",
        "Severity": {"Product": 5, "Label": "MEDIUM", "Normalized": 40},
        "Title": "198.51.100.7 is performing SSH brute force attacks against i-0abc12345678.",
        "Resources": [{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc12345678"}],
        "ProductFields": {
            "aws/guardduty/type": "UnauthorizedAccess:EC2/SSHBruteForce",
            "aws/guardduty/service/action/actionType": "NETWORK_CONNECTION",
            "aws/guardduty/service/action/networkConnectionAction/remoteIpDetails/ipAddressV4": "198.51.100.7",
            "aws/guardduty/service/action/networkConnectionAction/remoteIpDetails/country/countryName": "Freedonia",
            "aws/guardduty/service/action/networkConnectionAction/localPortDetails/port": "22",
            "aws/guardduty/service/count": "42",
            "aws/guardduty/service/eventFirstSeen": "2026-11-20T09:58:00Z",
            "aws/guardduty/service/eventLastSeen": "2026-11-22T09:59:00Z"
        }
    })
}

#[test]
fn item7_an_asff_copy_summarises_its_action_and_leads_with_what_happened() {
    let f = asff::parse_value(&asff_copy()).unwrap();
    assert_eq!(
        finding_type(&f).as_deref(),
        Some("UnauthorizedAccess:EC2/SSHBruteForce")
    );
    let a = action(&f).unwrap();
    assert_eq!(a.remote_ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(a.local_port.as_deref(), Some("22"));
    assert_eq!(a.count.as_deref(), Some("42"));
    let lines = a.lines();
    assert_eq!(lines[0], ("Action", "NETWORK_CONNECTION".to_string()));
    assert!(lines.contains(&("Remote IP", "198.51.100.7 (Freedonia)".to_string())));
    assert!(lines.contains(&("Last seen", "2026-11-22T09:59:00Z".to_string())));
    let h = headline(&f).unwrap();
    assert!(
        h.starts_with("SSHBruteForce · i-0abc12345678 · 198.51.100.7"),
        "{h}"
    );
    assert!(!h.ends_with('.'));
}

#[test]
fn item7_short_names_from_both_forms_and_other_products_untouched() {
    for (kind, short) in [
        ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "InstanceCredentialExfiltration.OutsideAWS"),
        ("TTPs/Initial Access/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS", "InstanceCredentialExfiltration.OutsideAWS"),
        ("TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS", "C&CActivity.B!DNS"),
        ("Recon:EC2/PortProbeUnprotectedPort", "PortProbeUnprotectedPort"),
    ] {
        assert_eq!(short_name(kind), short, "{kind}");
    }
    let mut v = asff_copy();
    v["ProductArn"] = json!("arn:aws:securityhub:us-east-1::product/aws/inspector");
    let f = asff::parse_value(&v).unwrap();
    assert!(headline(&f).is_none() && action(&f).is_none());
}
