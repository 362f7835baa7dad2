//! Access to a resource from outside the account: public, or granted to another account.

use chrono::{DateTime, Utc};

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
    /// Short type for tables: `AWS::S3::Bucket` -> `S3 bucket`.
    pub fn short_type(&self) -> String {
        let mut parts = self.resource_type.split("::").skip(1);
        match (parts.next(), parts.next()) {
            (Some(svc), Some(kind)) => format!("{svc} {}", kind.to_ascii_lowercase()),
            _ => self.resource_type.clone(),
        }
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
        assert_eq!(e.grantee(), "public");
        e.is_public = false;
        e.external_account = Some("999999999999".into());
        assert_eq!(e.grantee(), "account 999999999999");
    }
}
