//! Access to a resource from outside the account: public, or granted to another account.

use super::Finding;
use chrono::{DateTime, Utc};

/// Where an exposure derived from a Security Hub control finding says it came from.
pub const CONTROL_SOURCE: &str = "securityhub";

/// How a Security Hub control's failure exposes its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Anyone on the internet can read, restore or invoke it.
    Public,
    /// Ingress from 0.0.0.0/0 or ::/0.
    Network,
    /// A guard against public access is missing; nothing is public yet.
    Guard,
}

/// The Security Hub controls about exposure, listed beside Access Analyzer's findings so
/// that one pane answers "what is exposed".
const EXPOSURE_CONTROLS: [(&str, Reach); 24] = [
    ("S3.1", Reach::Guard),
    ("S3.2", Reach::Public),
    ("S3.3", Reach::Public),
    ("S3.8", Reach::Guard),
    ("S3.19", Reach::Guard),
    ("EC2.1", Reach::Public),
    ("EC2.2", Reach::Network),
    ("EC2.9", Reach::Network),
    ("EC2.13", Reach::Network),
    ("EC2.14", Reach::Network),
    ("EC2.18", Reach::Network),
    ("EC2.19", Reach::Network),
    ("EC2.21", Reach::Network),
    ("EC2.53", Reach::Network),
    ("EC2.54", Reach::Network),
    ("RDS.1", Reach::Public),
    ("RDS.2", Reach::Public),
    ("Lambda.1", Reach::Public),
    ("Redshift.1", Reach::Public),
    ("DMS.1", Reach::Public),
    ("SSM.4", Reach::Public),
    ("EMR.2", Reach::Guard),
    ("SageMaker.1", Reach::Network),
    ("ES.2", Reach::Network),
];

/// ASFF resource types as the CloudFormation-style names Access Analyzer uses.
fn cfn_type(asff: &str) -> String {
    let known = [
        ("AwsS3Bucket", "AWS::S3::Bucket"),
        ("AwsEc2SecurityGroup", "AWS::EC2::SecurityGroup"),
        ("AwsEc2Instance", "AWS::EC2::Instance"),
        ("AwsEc2NetworkAcl", "AWS::EC2::NetworkAcl"),
        ("AwsRdsDbInstance", "AWS::RDS::DBInstance"),
        ("AwsRdsDbSnapshot", "AWS::RDS::DBSnapshot"),
        ("AwsLambdaFunction", "AWS::Lambda::Function"),
        ("AwsRedshiftCluster", "AWS::Redshift::Cluster"),
        ("AwsAccount", "AWS::Account"),
    ];
    known
        .iter()
        .find(|(a, _)| *a == asff)
        .map_or_else(|| asff.to_string(), |(_, c)| c.to_string())
}

fn reach_of(f: &Finding) -> Option<Reach> {
    let control = f.control_id.as_deref()?;
    EXPOSURE_CONTROLS
        .iter()
        .find(|(c, _)| *c == control)
        .map(|(_, r)| *r)
}

/// A Security Hub control about exposure, whatever its state.
pub fn is_exposure_control(f: &Finding) -> bool {
    reach_of(f).is_some()
}

/// An open, failed Security Hub control finding about exposure, as an exposure row; `None`
/// for every other finding (a passed or resolved control's row must go). Its id is the
/// finding's store key, so the exposure goes when the finding does.
pub fn from_control_finding(f: &Finding, finding_key: String) -> Option<Exposure> {
    if !f.is_open() || f.compliance_status.as_deref() == Some("PASSED") {
        return None;
    }
    let reach = reach_of(f)?;
    let control = f.control_id.as_deref()?;
    let resource = f.resources.first()?;
    let principal = match reach {
        Reach::Public => "*".to_string(),
        Reach::Network => "0.0.0.0/0".to_string(),
        Reach::Guard => format!("no guard ({control})"),
    };
    Some(Exposure {
        id: finding_key,
        account_id: f.account_id.to_string(),
        region: f.region.to_string(),
        resource_type: cfn_type(&resource.kind),
        resource: resource.id.to_string(),
        principal,
        is_public: reach == Reach::Public,
        external_account: None,
        actions: vec![format!("{control}: {}", f.title)],
        conditions: Vec::new(),
        status: "ACTIVE".into(),
        source: CONTROL_SOURCE.into(),
        updated_at: f.updated_at,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// The analyzer's finding id.
    pub id: String,
    pub account_id: String,
    pub region: String,
    /// CloudFormation-style type, e.g. `AWS::S3::Bucket`, `AWS::IAM::Role`.
    pub resource_type: String,
    /// Usually an ARN.
    pub resource: String,
    /// `*` for public, else an account id, ARN or service principal.
    pub principal: String,
    pub is_public: bool,
    /// The other account, for cross-account access.
    pub external_account: Option<String>,
    pub actions: Vec<String>,
    /// `key=value` per condition, as the analyzer reports them.
    pub conditions: Vec<String>,
    /// `ACTIVE`, `ARCHIVED` or `RESOLVED`.
    pub status: String,
    /// Which service reported it (`access-analyzer`, `demo`).
    pub source: String,
    pub updated_at: DateTime<Utc>,
}

impl Exposure {
    /// The store key: the finding's or control's id.
    pub fn key(&self) -> String {
        self.id.clone()
    }

    /// Short type for tables: `AWS::S3::Bucket` -> `S3 bucket`, `AWS::RDS::DBSnapshot` ->
    /// `RDS db snapshot`, `AWS::Account` -> `account`.
    pub fn short_type(&self) -> String {
        let mut parts = self.resource_type.split("::").skip(1);
        match (parts.next(), parts.next()) {
            (Some(svc), Some(kind)) => format!("{svc} {}", words(kind)),
            (Some(kind), None) => words(kind),
            _ => self.resource_type.clone(),
        }
    }

    /// Derived from a Security Hub control finding, not reported by Access Analyzer.
    pub fn is_control(&self) -> bool {
        self.source == CONTROL_SOURCE
    }

    /// Who gets access, in words.
    pub fn grantee(&self) -> String {
        if self.is_public {
            "public".to_string()
        } else if let Some(acct) = &self.external_account {
            format!("account {acct}")
        } else {
            self.principal.clone()
        }
    }
}

/// `SecurityGroup` -> `security group`, `DBSnapshot` -> `db snapshot`.
fn words(camel: &str) -> String {
    let chars: Vec<char> = camel.chars().collect();
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        let acronym_end = i > 0
            && chars[i - 1].is_uppercase()
            && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        if c.is_uppercase() && (prev_lower || acronym_end) {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_type_and_grantee() {
        let mut e = Exposure {
            id: "1".into(),
            account_id: "1".into(),
            region: "us-east-1".into(),
            resource_type: "AWS::S3::Bucket".into(),
            resource: "arn:aws:s3:::b".into(),
            principal: "*".into(),
            is_public: true,
            external_account: None,
            actions: vec![],
            conditions: vec![],
            status: "ACTIVE".into(),
            source: "demo".into(),
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        assert_eq!(e.short_type(), "S3 bucket");
        for (long, short) in [
            ("AWS::RDS::DBSnapshot", "RDS db snapshot"),
            ("AWS::EC2::SecurityGroup", "EC2 security group"),
            ("AWS::Account", "account"),
        ] {
            e.resource_type = long.into();
            assert_eq!(e.short_type(), short);
        }
        assert_eq!(e.grantee(), "public");
        e.is_public = false;
        e.external_account = Some("999999999999".into());
        assert_eq!(e.grantee(), "account 999999999999");
    }
}
