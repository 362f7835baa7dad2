//! IAM Access Analyzer findings (`list-findings`, `list-findings-v2`, `get-finding(-v2)`)
//! as [`Exposure`]s: who outside the account can reach a resource.

use super::asff::parse_time;
use super::Exposure;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalyzerError {
    #[error("field `{0}` is missing or not a string")]
    MissingField(&'static str),
}

/// True for an analyzer finding: a `resourceType` and one of the analyzer's own fields.
pub fn looks_like(v: &Value) -> bool {
    v.get("resourceType").is_some()
        && (v.get("isPublic").is_some()
            || v.get("findingType").is_some()
            || v.get("resourceOwnerAccount").is_some())
}

/// `region` comes from outside the record (an analyzer ARN), when anything says it.
pub fn parse_value(v: &Value, region: Option<&str>) -> Result<Exposure, AnalyzerError> {
    let s = |k: &'static str| v.get(k).and_then(Value::as_str);
    let id = s("id").ok_or(AnalyzerError::MissingField("id"))?;
    let resource = s("resource").unwrap_or_default();
    let account = s("resourceOwnerAccount")
        .map(str::to_string)
        .or_else(|| resource.split(':').nth(4).map(str::to_string))
        .unwrap_or_default();
    // V1 has the access on the finding; V2 (get-finding-v2) in `findingDetails`.
    let details = v
        .pointer("/findingDetails/0/externalAccessDetails")
        .unwrap_or(v);
    let principal = details.get("principal").and_then(Value::as_object);
    let principal_text = principal.map(principal_words).unwrap_or_default();
    let is_public = details
        .get("isPublic")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let external_account = principal.and_then(|p| {
        p.values()
            .filter_map(Value::as_str)
            .find_map(|who| account_of(who).filter(|a| *a != account))
    });
    let strings = |k: &str| super::asff::string_array(details.get(k));
    let conditions = details
        .get("condition")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    format!(
                        "{k}={}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_string)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Exposure {
        id: id.to_string(),
        account_id: account,
        region: region.unwrap_or_default().to_string(),
        resource_type: s("resourceType").unwrap_or_default().to_string(),
        resource: resource.to_string(),
        principal: if is_public && principal_text.is_empty() {
            "*".into()
        } else {
            principal_text
        },
        is_public,
        external_account: external_account.map(str::to_string),
        actions: strings("action"),
        conditions,
        status: s("status").unwrap_or("ACTIVE").to_string(),
        source: "access-analyzer".into(),
        updated_at: v
            .get("updatedAt")
            .or(v.get("analyzedAt"))
            .and_then(parse_time)
            .unwrap_or_default(),
    })
}

/// `{"AWS": "123"}` -> `AWS:123`; several entries joined by `, `.
fn principal_words(p: &Map<String, Value>) -> String {
    p.iter()
        .map(|(k, v)| {
            format!(
                "{k}:{}",
                v.as_str().map_or_else(|| v.to_string(), str::to_string)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The 12-digit account in `123456789012` or an ARN.
fn account_of(who: &str) -> Option<&str> {
    let candidate = if who.starts_with("arn:") {
        who.split(':').nth(4)?
    } else {
        who
    };
    (candidate.len() == 12 && candidate.bytes().all(|b| b.is_ascii_digit())).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_cross_account_and_public() {
        let v = json!({"id": "a1", "principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "action": ["s3:GetObject"], "resource": "arn:aws:s3:::logs", "isPublic": false,
            "resourceType": "AWS::S3::Bucket", "condition": {"aws:SourceIp": "10.0.0.0/8"},
            "status": "ACTIVE", "resourceOwnerAccount": "111122223333",
            "updatedAt": "2021-02-26T21:17:24.710000+00:00"});
        assert!(looks_like(&v));
        let e = parse_value(&v, Some("us-west-2")).unwrap();
        assert_eq!(e.external_account.as_deref(), Some("444455556666"));
        assert!(!e.is_public);
        assert_eq!(e.conditions, vec!["aws:SourceIp=10.0.0.0/8"]);
        assert_eq!(e.region, "us-west-2");
        let public = json!({"id": "a2", "principal": {"AWS": "*"}, "isPublic": true,
            "resourceType": "AWS::S3::Bucket", "resource": "arn:aws:s3:::site",
            "resourceOwnerAccount": "111122223333"});
        let e = parse_value(&public, None).unwrap();
        assert!(e.is_public);
        assert_eq!(e.grantee(), "public");
    }

    #[test]
    fn v2_details_and_bare_list_items() {
        let v = json!({"findingDetails": [{"externalAccessDetails": {"action": ["sts:AssumeRole"],
            "isPublic": false, "principal": {"AWS": "999988887777"}}}],
            "resource": "arn:aws:iam::111122223333:role/x", "status": "ACTIVE",
            "resourceType": "AWS::IAM::Role", "findingType": "ExternalAccess",
            "resourceOwnerAccount": "111122223333", "id": "b1"});
        let e = parse_value(&v, None).unwrap();
        assert_eq!(e.external_account.as_deref(), Some("999988887777"));
        assert_eq!(e.actions, vec!["sts:AssumeRole"]);
        let bare = json!({"id": "b2", "resource": "arn:aws:iam::111122223333:role/y",
            "resourceType": "AWS::IAM::Role", "findingType": "ExternalAccess",
            "resourceOwnerAccount": "111122223333", "status": "ACTIVE"});
        assert_eq!(parse_value(&bare, None).unwrap().principal, "");
        assert!(parse_value(&json!({"resourceType": "x"}), None)
            .unwrap_err()
            .to_string()
            .contains("`id`"));
    }
}

/// The unused-access finding types, and what each means in a title.
const UNUSED: [(&str, &str, super::Severity); 4] = [
    ("UnusedIAMRole", "Unused IAM role", super::Severity::Low),
    (
        "UnusedIAMUserAccessKey",
        "Unused access key",
        super::Severity::Medium,
    ),
    (
        "UnusedIAMUserPassword",
        "Unused console password",
        super::Severity::Medium,
    ),
    (
        "UnusedPermission",
        "Unused permissions",
        super::Severity::Low,
    ),
];

/// True for a finding [`unused_finding`] made (the Access Analyzer poller owns it, not
/// Security Hub).
pub fn is_unused_finding(f: &super::Finding) -> bool {
    f.generator_id.starts_with("aws/access-analyzer/Unused")
}

/// True for an unused-access finding.
pub fn is_unused(v: &Value) -> bool {
    let t = v.get("findingType").and_then(Value::as_str);
    UNUSED.iter().any(|(name, _, _)| Some(*name) == t)
}

enum LastUse {
    /// A summary without GetFindingV2's details.
    Unknown,
    Never,
    /// The latest use, and for unused permissions the services concerned.
    At(chrono::DateTime<chrono::Utc>, Vec<String>),
}

/// When the unused role, key, password or permission was last used, from GetFindingV2's
/// `findingDetails` (`unusedIamRoleDetails.lastAccessed`, one `unusedPermissionDetails`
/// per service, ...).
fn last_use(v: &Value) -> LastUse {
    let Some(details) = v.get("findingDetails").and_then(Value::as_array) else {
        return LastUse::Unknown;
    };
    let inner: Vec<&Value> = details
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.values())
        .collect();
    if inner.is_empty() {
        return LastUse::Unknown;
    }
    let services: Vec<String> = inner
        .iter()
        .filter_map(|d| d.get("serviceNamespace").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    match inner
        .iter()
        .filter_map(|d| d.get("lastAccessed").and_then(parse_time))
        .max()
    {
        Some(t) => LastUse::At(t, services),
        None => LastUse::Never,
    }
}

/// An unused-access finding (a ListFindingsV2 summary, with GetFindingV2's details when read) as a [`super::Finding`], as Access
/// Analyzer itself sends them to Security Hub: identity risk, not exposure. An unused key
/// or password is medium (a credential that can leak while nobody watches it), an unused
/// role or permission low.
pub fn unused_finding(v: &Value, region: &str) -> Result<super::Finding, AnalyzerError> {
    use super::{intern, RecordState, Resource, WorkflowStatus};
    let s = |k: &'static str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let id = s("id").ok_or(AnalyzerError::MissingField("id"))?;
    let kind = s("findingType").ok_or(AnalyzerError::MissingField("findingType"))?;
    let (_, what, severity) = UNUSED
        .iter()
        .find(|(name, _, _)| *name == kind)
        .copied()
        .unwrap_or((kind, "Unused access", super::Severity::Low));
    let resource = s("resource").unwrap_or_default();
    let account = s("resourceOwnerAccount")
        .or_else(|| resource.split(':').nth(4))
        .unwrap_or_default();
    let partition = super::console::partition_of(resource);
    let time = |k: &str| v.get(k).and_then(parse_time);
    let updated_at = time("updatedAt")
        .or(time("analyzedAt"))
        .ok_or(AnalyzerError::MissingField("updatedAt"))?;
    let (workflow_status, record_state) = match s("status") {
        Some("ARCHIVED") => (WorkflowStatus::Resolved, RecordState::Archived),
        Some("RESOLVED") => (WorkflowStatus::Resolved, RecordState::Active),
        _ => (WorkflowStatus::New, RecordState::Active),
    };
    let short = super::finding::short_resource_id(resource);
    let (title, last_use) = match last_use(v) {
        LastUse::Unknown => (format!("{what}: {short}"), String::new()),
        LastUse::Never => (
            format!("{what}: {short} (never used)"),
            " It has never been used.".to_string(),
        ),
        LastUse::At(t, services) => (
            format!("{what}: {short} (last used {})", t.format("%Y-%m-%d")),
            format!(
                " Last used {}{}.",
                t.format("%Y-%m-%d %H:%MZ"),
                if services.is_empty() {
                    String::new()
                } else {
                    format!("; unused services: {}", services.join(", "))
                }
            ),
        ),
    };
    Ok(super::Finding {
        id: format!("arn:{partition}:access-analyzer:{region}:{account}:finding/{id}").into(),
        product_arn: intern(&format!(
            "arn:{partition}:securityhub:{region}::product/aws/access-analyzer"
        )),
        product: arcstr::literal!("IAM Access Analyzer"),
        generator_id: intern(&format!("aws/access-analyzer/{kind}")),
        account_id: intern(account),
        region: intern(region),
        severity,
        title: intern(&title),
        description: intern(&format!(
            "IAM Access Analyzer found {} ({kind}) on {resource} that was not used within the analyzer's tracking period.{last_use}",
            what.to_lowercase()
        )),
        types: vec![intern(
            "Software and Configuration Checks/AWS Security Best Practices/Unused Access",
        )]
        .into(),
        resources: vec![Resource {
            kind: s("resourceType").unwrap_or_default().into(),
            id: intern(resource),
            region: None,
            partition: Some(partition.into()),
            tags: Default::default(),
        }]
        .into(),
        workflow_status,
        record_state,
        compliance_status: None,
        control_id: None,
        remediation_text: Some(intern(
            "Remove what is not used, or archive the finding if it is kept on purpose.",
        )),
        remediation_url: None,
        first_observed_at: time("createdAt"),
        last_observed_at: time("analyzedAt"),
        created_at: time("createdAt"),
        updated_at,
        raw: super::RawRecord::from_value(v),
    })
}

#[cfg(test)]
mod unused_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unused_access_key_is_a_medium_identity_finding() {
        let v = json!({"id": "u-1", "resource": "arn:aws:iam::111122223333:user/ci-deploy",
            "resourceType": "AWS::IAM::User", "resourceOwnerAccount": "111122223333",
            "status": "ACTIVE", "findingType": "UnusedIAMUserAccessKey",
            "createdAt": "2026-10-01T00:00:00Z", "updatedAt": "2026-11-20T00:00:00Z",
            "analyzedAt": "2026-11-21T00:00:00Z"});
        assert!(is_unused(&v));
        let f = unused_finding(&v, "us-east-1").unwrap();
        assert_eq!(
            &*f.id,
            "arn:aws:access-analyzer:us-east-1:111122223333:finding/u-1"
        );
        assert_eq!(f.severity, crate::model::Severity::Medium);
        assert_eq!(&*f.title, "Unused access key: ci-deploy");
        assert_eq!(&*f.account_id, "111122223333");
        assert!(f.is_open());
        assert_eq!(f.raw.to_value(), v);
        let mut archived = v.clone();
        archived["status"] = json!("ARCHIVED");
        archived["findingType"] = json!("UnusedIAMRole");
        let f = unused_finding(&archived, "us-east-1").unwrap();
        assert!(!f.is_open());
        assert_eq!(f.severity, crate::model::Severity::Low);
        assert!(!is_unused(&json!({"findingType": "ExternalAccess"})));
    }

    #[test]
    fn details_say_when_it_was_last_used_and_which_services() {
        let mut v = json!({"id": "u-2", "resource": "arn:aws:iam::111122223333:role/app",
            "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": "111122223333",
            "status": "ACTIVE", "findingType": "UnusedPermission",
            "updatedAt": "2026-11-20T00:00:00Z",
            "findingDetails": [
                {"unusedPermissionDetails": {"serviceNamespace": "s3",
                    "lastAccessed": "2026-03-01T10:00:00Z"}},
                {"unusedPermissionDetails": {"serviceNamespace": "kms",
                    "lastAccessed": "2026-05-02T11:30:00Z"}}]});
        let f = unused_finding(&v, "us-east-1").unwrap();
        assert_eq!(&*f.title, "Unused permissions: app (last used 2026-05-02)");
        assert!(
            f.description
                .ends_with(" Last used 2026-05-02 11:30Z; unused services: s3, kms."),
            "{}",
            f.description
        );
        v["findingType"] = json!("UnusedIAMRole");
        v["findingDetails"] = json!([{"unusedIamRoleDetails": {}}]);
        let f = unused_finding(&v, "us-east-1").unwrap();
        assert_eq!(&*f.title, "Unused IAM role: app (never used)");
        assert!(f.description.ends_with(" It has never been used."));
    }
}
