//! The demo's GuardDuty findings as Security Hub writes them: the ten finding types it
//! plays with their ASFF `Types[]` values, one detector per account and region, and the
//! action GuardDuty saw flattened into `ProductFields` (count, first and last seen).

use super::findings::time;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// GuardDuty finding types: (type, its ASFF `Types[]` value as Security Hub writes it,
/// title template, severity 1-10, resource kind, action). `{r}` is the resource's short
/// name, `{ip}` a remote address, `{role}` an instance role.
pub(super) const GUARDDUTY: [(&str, &str, &str, f64, &str, GdAction); 10] = [
    ("UnauthorizedAccess:EC2/SSHBruteForce", "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce", "{ip} is performing SSH brute force attacks against {r}.", 5.0, "instance", GdAction::Inbound(22)),
    ("Recon:EC2/PortProbeUnprotectedPort", "TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort", "Unprotected port on EC2 instance {r} is being probed.", 2.0, "instance", GdAction::Probe(3389)),
    ("CryptoCurrency:EC2/BitcoinTool.B!DNS", "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS", "EC2 instance {r} is querying a domain name that is associated with Bitcoin-related activity.", 8.0, "instance", GdAction::Dns("xmr.pool.minergate.example")),
    ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS", "Credentials for instance role {role} used from external IP address {ip}.", 8.0, "session-key", GdAction::Api("ListBuckets", "s3.amazonaws.com")),
    ("Trojan:EC2/DNSDataExfiltration", "TTPs/Command and Control/Trojan:EC2-DNSDataExfiltration", "Data exfiltration through DNS queries from EC2 instance {r}.", 8.0, "instance", GdAction::Dns("q7x0a3.tunnel.example.net")),
    ("Policy:IAMUser/RootCredentialUsage", "TTPs/Policy:IAMUser-RootCredentialUsage", "API DescribeInstances was invoked using root credentials from {ip}.", 2.0, "key", GdAction::Api("DescribeInstances", "ec2.amazonaws.com")),
    ("Discovery:S3/MaliciousIPCaller", "TTPs/Discovery:S3-MaliciousIPCaller", "API GetObject was invoked on {r} from a known malicious IP address {ip}.", 5.0, "bucket", GdAction::Api("GetObject", "s3.amazonaws.com")),
    ("Stealth:IAMUser/CloudTrailLoggingDisabled", "TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled", "AWS CloudTrail trail org-trail was disabled by {r}.", 2.0, "key", GdAction::Api("StopLogging", "cloudtrail.amazonaws.com")),
    ("UnauthorizedAccess:EC2/TorClient", "Effects/Resource Consumption/UnauthorizedAccess:EC2-TorClient", "EC2 instance {r} is communicating with a Tor entry node.", 8.0, "instance", GdAction::Outbound(9001)),
    ("Backdoor:EC2/C&CActivity.B!DNS", "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS", "EC2 instance {r} is querying a domain name associated with a known command and control server.", 8.0, "instance", GdAction::Dns("cnc.botnet.example.org")),
];

/// What GuardDuty saw, written as Security Hub flattens it into `ProductFields`.
#[derive(Clone, Copy)]
pub(super) enum GdAction {
    Inbound(u16),
    Outbound(u16),
    Probe(u16),
    Dns(&'static str),
    Api(&'static str, &'static str),
}

/// One detector per account and region, as GuardDuty has: its findings' ARNs and their
/// generator name the same one.
pub fn detector_id(acct: &str, region: &str) -> String {
    let h = crate::model::key::key_hash(&format!("guardduty/{acct}/{region}"));
    format!("{h:016x}{:016x}", h.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15)
}

/// GuardDuty's `ProductFields` for an action, with its count and first and last sighting.
pub(super) fn guardduty_fields(
    action: GdAction,
    ip: &str,
    count: i64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
) -> Value {
    let key = |k: &str| format!("aws/guardduty/service/{k}");
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: String| {
        m.insert(key(k), Value::String(v));
    };
    match action {
        GdAction::Inbound(port) | GdAction::Outbound(port) => {
            let inbound = matches!(action, GdAction::Inbound(_));
            put("action/actionType", "NETWORK_CONNECTION".into());
            let dir = if inbound { "INBOUND" } else { "OUTBOUND" };
            put(
                "action/networkConnectionAction/connectionDirection",
                dir.into(),
            );
            put(
                "action/networkConnectionAction/remoteIpDetails/ipAddressV4",
                ip.into(),
            );
            let side = if inbound {
                "localPortDetails"
            } else {
                "remotePortDetails"
            };
            put(
                &format!("action/networkConnectionAction/{side}/port"),
                port.to_string(),
            );
            put("resourceRole", "TARGET".into());
        }
        GdAction::Probe(port) => {
            put("action/actionType", "PORT_PROBE".into());
            put(
                "action/portProbeAction/portProbeDetails.0_/localPortDetails/port",
                port.to_string(),
            );
            put(
                "action/portProbeAction/portProbeDetails.0_/remoteIpDetails/ipAddressV4",
                ip.into(),
            );
        }
        GdAction::Dns(domain) => {
            put("action/actionType", "DNS_REQUEST".into());
            put("action/dnsRequestAction/domain", domain.into());
        }
        GdAction::Api(api, service) => {
            put("action/actionType", "AWS_API_CALL".into());
            put("action/awsApiCallAction/api", api.into());
            put("action/awsApiCallAction/serviceName", service.into());
            put(
                "action/awsApiCallAction/remoteIpDetails/ipAddressV4",
                ip.into(),
            );
        }
    }
    put("count", count.to_string());
    put("eventFirstSeen", time(first));
    put("eventLastSeen", time(last));
    Value::Object(m)
}
