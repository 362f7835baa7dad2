//! What a GuardDuty finding says happened, read from its record in either shape: GuardDuty's
//! own (`Service.Action`, `Service.Count`, `EventFirstSeen`) or Security Hub's ASFF copy
//! (`ProductFields` with `aws/guardduty/service/...` keys, the `Action` and `Network`
//! objects). The finding type's short name and resource lead the table's title; the action
//! is summarised above the raw JSON in the detail, so a responder reads the remote address,
//! port, domain, count and first and last sighting without scrolling JSON.

use super::Finding;
use serde_json::Value;

/// GuardDuty's finding type (`UnauthorizedAccess:EC2/SSHBruteForce`) in the form GuardDuty
/// writes it, from either record shape; `None` for other products.
pub fn finding_type(f: &Finding) -> Option<String> {
    if !is_guardduty(f) {
        return None;
    }
    let raw = f.raw.to_value();
    if let Some(t) = raw
        .pointer("/ProductFields/aws~1guardduty~1type")
        .or_else(|| raw.get("Type"))
        .and_then(Value::as_str)
    {
        return Some(t.to_string());
    }
    // ASFF: `TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce`.
    let last = f.types.first()?.rsplit('/').next()?.to_string();
    let (family, rest) = last.split_once(':')?;
    let (resource, name) = rest.split_once('-').unwrap_or((rest, ""));
    Some(format!("{family}:{resource}/{name}"))
}

pub fn is_guardduty(f: &Finding) -> bool {
    f.product_arn.ends_with("/guardduty") || f.product.eq_ignore_ascii_case("guardduty")
}

/// The part of a type that says what happened: `SSHBruteForce` of
/// `UnauthorizedAccess:EC2/SSHBruteForce`, also from the ASFF path form.
pub fn short_name(kind: &str) -> &str {
    let last = kind.rsplit('/').next().unwrap_or(kind);
    match last.split_once(':') {
        // An ASFF path's last segment: `Family:Resource-Name`.
        Some((_, rest)) => rest.split_once('-').map_or(rest, |(_, name)| name),
        // `TTPs/Persistence/IAMUser-AnomalousBehavior`: Security Hub drops the family.
        None => last.split_once('-').map_or(last, |(_, name)| name),
    }
}

/// The table's title for a GuardDuty finding: what happened, on what, then GuardDuty's own
/// title (which often starts with an address or an instance id).
pub fn headline(f: &Finding) -> Option<String> {
    if !is_guardduty(f) {
        return None;
    }
    let kind = f.types.first()?;
    let short = short_name(kind);
    if short.is_empty() {
        return None;
    }
    let resource = f.primary_resource();
    let title = f.title.trim_end_matches('.');
    Some(if resource.is_empty() {
        format!("{short} · {title}")
    } else {
        format!("{short} · {resource} · {title}")
    })
}

/// GuardDuty's action, as far as the record says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Action {
    /// `NETWORK_CONNECTION`, `AWS_API_CALL`, `DNS_REQUEST`, `PORT_PROBE`, ...
    pub kind: Option<String>,
    pub remote_ip: Option<String>,
    /// Where the remote address is, and whose it is.
    pub remote_place: Option<String>,
    pub local_port: Option<String>,
    pub remote_port: Option<String>,
    pub domain: Option<String>,
    /// An API call's name and service.
    pub api: Option<String>,
    pub count: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

impl Action {
    /// `(label, value)` lines for what is known, in reading order.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let port = match (&self.local_port, &self.remote_port) {
            (Some(l), Some(r)) => Some(format!("{l} (remote {r})")),
            (Some(l), None) => Some(l.clone()),
            (None, Some(r)) => Some(format!("remote {r}")),
            (None, None) => None,
        };
        let remote = self.remote_ip.as_ref().map(|ip| match &self.remote_place {
            Some(place) => format!("{ip} ({place})"),
            None => ip.clone(),
        });
        [
            ("Action", self.kind.clone()),
            ("Remote IP", remote),
            ("Port", port),
            ("Domain", self.domain.clone()),
            ("API", self.api.clone()),
            ("Count", self.count.clone()),
            ("First seen", self.first_seen.clone()),
            ("Last seen", self.last_seen.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

/// The action of a GuardDuty finding, or `None` when its record says nothing of one.
pub fn action(f: &Finding) -> Option<Action> {
    if !is_guardduty(f) {
        return None;
    }
    let raw = f.raw.to_value();
    let a = if raw.get("Service").is_some() {
        native(&raw)
    } else {
        asff(&raw)
    };
    (a != Action::default()).then_some(a)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first of `paths` (JSON pointers) that holds a value.
fn first(v: &Value, paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|p| text(v.pointer(p)))
}

/// Where and whose an address is, from a `RemoteIpDetails` object.
fn place(details: Option<&Value>) -> Option<String> {
    let d = details?;
    let parts: Vec<String> = [
        "/City/CityName",
        "/Country/CountryName",
        "/Organization/AsnOrg",
    ]
    .iter()
    .filter_map(|p| text(d.pointer(p)))
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// GuardDuty's own shape: `Service.Action.<Kind>Action`.
fn native(v: &Value) -> Action {
    let s = |p: &str| v.pointer(&format!("/Service{p}"));
    let action = s("/Action").unwrap_or(&Value::Null);
    let kind = text(action.get("ActionType"));
    // Each action type keeps its details under its own key.
    let detail = [
        "NetworkConnectionAction",
        "AwsApiCallAction",
        "DnsRequestAction",
        "PortProbeAction",
        "KubernetesApiCallAction",
        "RdsLoginAttemptAction",
    ]
    .iter()
    .find_map(|k| action.get(*k))
    .unwrap_or(&Value::Null);
    let remote = detail
        .get("RemoteIpDetails")
        .or_else(|| detail.pointer("/PortProbeDetails/0/RemoteIpDetails"));
    Action {
        kind,
        remote_ip: text(remote.and_then(|r| r.get("IpAddressV4")))
            .or_else(|| text(remote.and_then(|r| r.get("IpAddressV6")))),
        remote_place: place(remote),
        local_port: first(
            detail,
            &[
                "/LocalPortDetails/Port",
                "/PortProbeDetails/0/LocalPortDetails/Port",
            ],
        ),
        remote_port: first(detail, &["/RemotePortDetails/Port"]),
        domain: first(detail, &["/Domain"]),
        api: api(text(detail.get("Api")), text(detail.get("ServiceName"))),
        count: text(s("/Count")),
        first_seen: text(s("/EventFirstSeen")),
        last_seen: text(s("/EventLastSeen")),
    }
}

/// Security Hub's copy: flattened `ProductFields`, and the `Action` and `Network` objects.
fn asff(v: &Value) -> Action {
    let pf = |k: &str| text(v.pointer(&format!("/ProductFields/aws~1guardduty~1service~1{k}")));
    let pfs = |ks: &[&str]| ks.iter().find_map(|k| pf(&k.replace('/', "~1")));
    let action = v.get("Action").unwrap_or(&Value::Null);
    let detail = [
        "NetworkConnectionAction",
        "AwsApiCallAction",
        "DnsRequestAction",
        "PortProbeAction",
    ]
    .iter()
    .find_map(|k| action.get(*k))
    .unwrap_or(&Value::Null);
    let remote = detail
        .get("RemoteIpDetails")
        .or_else(|| detail.pointer("/PortProbeDetails/0/RemoteIpDetails"));
    Action {
        kind: text(action.get("ActionType")).or_else(|| pfs(&["action/actionType"])),
        remote_ip: text(remote.and_then(|r| r.get("IpAddressV4")))
            .or_else(|| {
                pfs(&[
                    "action/networkConnectionAction/remoteIpDetails/ipAddressV4",
                    "action/awsApiCallAction/remoteIpDetails/ipAddressV4",
                    "action/portProbeAction/portProbeDetails.0_/remoteIpDetails/ipAddressV4",
                ])
            })
            .or_else(|| first(v, &["/Network/SourceIpV4", "/Network/DestinationIpV4"])),
        remote_place: place(remote).or_else(|| {
            let parts: Vec<String> = [
                "action/networkConnectionAction/remoteIpDetails/city/cityName",
                "action/networkConnectionAction/remoteIpDetails/country/countryName",
                "action/awsApiCallAction/remoteIpDetails/city/cityName",
                "action/awsApiCallAction/remoteIpDetails/country/countryName",
                "action/networkConnectionAction/remoteIpDetails/organization/asnOrg",
                "action/awsApiCallAction/remoteIpDetails/organization/asnOrg",
            ]
            .iter()
            .filter_map(|k| pfs(&[k]))
            .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }),
        local_port: first(
            detail,
            &[
                "/LocalPortDetails/Port",
                "/PortProbeDetails/0/LocalPortDetails/Port",
            ],
        )
        .or_else(|| {
            pfs(&[
                "action/networkConnectionAction/localPortDetails/port",
                "action/portProbeAction/portProbeDetails.0_/localPortDetails/port",
            ])
        })
        .or_else(|| first(v, &["/Network/DestinationPort"])),
        remote_port: first(detail, &["/RemotePortDetails/Port"])
            .or_else(|| pfs(&["action/networkConnectionAction/remotePortDetails/port"])),
        domain: first(detail, &["/Domain"]).or_else(|| {
            pfs(&["action/dnsRequestAction/domain"])
                .or_else(|| first(v, &["/Network/DestinationDomain"]))
        }),
        api: api(
            first(detail, &["/Api"]).or_else(|| pfs(&["action/awsApiCallAction/api"])),
            first(detail, &["/ServiceName"])
                .or_else(|| pfs(&["action/awsApiCallAction/serviceName"])),
        ),
        count: pfs(&["count"]),
        first_seen: pfs(&["eventFirstSeen"]).or_else(|| first(v, &["/FirstObservedAt"])),
        last_seen: pfs(&["eventLastSeen"]).or_else(|| first(v, &["/LastObservedAt"])),
    }
}

fn api(name: Option<String>, service: Option<String>) -> Option<String> {
    match (name, service) {
        (Some(n), Some(s)) => Some(format!("{n} ({s})")),
        (n, _) => n,
    }
}

#[cfg(test)]
mod tests;
