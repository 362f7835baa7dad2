//! A security finding, whatever product raised it.

use super::{CompactString, RawRecord, Severity, Shared, SharedList, Tags};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WorkflowStatus {
    New,
    Notified,
    Resolved,
    Suppressed,
}

impl WorkflowStatus {
    pub fn label(self) -> &'static str {
        match self {
            WorkflowStatus::New => "NEW",
            WorkflowStatus::Notified => "NOTIFIED",
            WorkflowStatus::Resolved => "RESOLVED",
            WorkflowStatus::Suppressed => "SUPPRESSED",
        }
    }

    pub fn parse(s: &str) -> Option<WorkflowStatus> {
        match s.trim().to_ascii_uppercase().as_str() {
            "NEW" => Some(WorkflowStatus::New),
            "NOTIFIED" => Some(WorkflowStatus::Notified),
            "RESOLVED" => Some(WorkflowStatus::Resolved),
            "SUPPRESSED" => Some(WorkflowStatus::Suppressed),
            _ => None,
        }
    }

    /// Open statuses are the ones somebody still has to act on.
    pub fn is_open(self) -> bool {
        matches!(self, WorkflowStatus::New | WorkflowStatus::Notified)
    }
}

impl fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordState {
    Active,
    Archived,
}

impl RecordState {
    pub fn label(self) -> &'static str {
        match self {
            RecordState::Active => "ACTIVE",
            RecordState::Archived => "ARCHIVED",
        }
    }
}

/// One resource a finding is about. Resource details stay in the raw record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Resource {
    /// ASFF resource type, e.g. `AwsS3Bucket`, `AwsEc2Instance`.
    pub kind: CompactString,
    /// Usually an ARN; findings about one resource share it.
    pub id: Shared,
    pub region: Option<CompactString>,
    pub partition: Option<CompactString>,
    pub tags: Tags,
}

impl Resource {
    /// The last meaningful segment of the id: `i-0abc` from an instance ARN,
    /// the bucket name from an S3 ARN. For narrow columns.
    pub fn short_id(&self) -> &str {
        short_resource_id(&self.id)
    }
}

/// Shortens an ARN to its last meaningful segment: `i-0abc` from an instance ARN,
/// `image-resize` from `...:function:image-resize`, `api` from an ECR image digest,
/// the account id from `AWS::::Account:1234`.
pub fn short_resource_id(id: &str) -> &str {
    if let Some(acct) = id.strip_prefix("AWS::::Account:") {
        return acct;
    }
    if !id.starts_with("arn:") {
        return id;
    }
    // arn:partition:service:region:account:resource
    let resource = id.splitn(6, ':').nth(5).unwrap_or(id);
    let mut segments = resource.rsplit('/').filter(|s| !s.is_empty());
    let last = segments.next().unwrap_or(resource);
    // An image digest says less than the repository it belongs to.
    let last = if last.starts_with("sha256:") {
        segments.next().unwrap_or(last)
    } else {
        last
    };
    // `function:name`, `db:name`, `secret:name`: the type prefix is in the type column.
    last.rsplit_once(':')
        .map_or(last, |(_, name)| if name.is_empty() { last } else { name })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: Box<str>,
    pub product_arn: Shared,
    /// Product display name: `GuardDuty`, `Security Hub`, `Inspector`, ...
    pub product: Shared,
    pub generator_id: Shared,
    pub account_id: Shared,
    pub region: Shared,
    pub severity: Severity,
    pub title: Shared,
    pub description: Shared,
    pub types: SharedList<Shared>,
    pub resources: SharedList<Resource>,
    pub workflow_status: WorkflowStatus,
    pub record_state: RecordState,
    pub compliance_status: Option<Shared>,
    pub control_id: Option<Shared>,
    pub remediation_text: Option<Shared>,
    pub remediation_url: Option<Shared>,
    pub first_observed_at: Option<DateTime<Utc>>,
    pub last_observed_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub raw: RawRecord,
}

impl Finding {
    /// The store key: id and product ARN (the unit separator cannot appear in an ARN).
    pub fn key(&self) -> String {
        Finding::key_of(&self.id, &self.product_arn)
    }

    /// The store key of the finding with this id and product ARN.
    pub fn key_of(id: &str, product_arn: &str) -> String {
        // Built by hand: through `format!` it was a fifth of applying a poll of 500.
        let mut key = String::with_capacity(id.len() + 1 + product_arn.len());
        key.push_str(id);
        key.push('\u{1f}');
        key.push_str(product_arn);
        key
    }

    /// Active and still somebody's to handle.
    pub fn is_open(&self) -> bool {
        self.record_state == RecordState::Active && self.workflow_status.is_open()
    }

    /// The first resource's short id, which is what a table has room for.
    pub fn primary_resource(&self) -> &str {
        self.resources.first().map(|r| r.short_id()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids() {
        assert_eq!(
            short_resource_id("arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"),
            "i-0abc"
        );
        assert_eq!(short_resource_id("arn:aws:s3:::my-bucket"), "my-bucket");
        assert_eq!(
            short_resource_id("arn:aws:iam::111111111111:role/path/Admin"),
            "Admin"
        );
        assert_eq!(short_resource_id("AWS::::Account:111"), "111");
        assert_eq!(
            short_resource_id("arn:aws:lambda:us-east-1:1:function:image-resize"),
            "image-resize"
        );
        assert_eq!(
            short_resource_id("arn:aws:rds:us-east-1:1:db:orders-db"),
            "orders-db"
        );
        assert_eq!(
            short_resource_id("arn:aws:ecr:us-east-1:1:repository/api/sha256:abc"),
            "api"
        );
        assert_eq!(
            short_resource_id("arn:aws:sqs:us-east-1:1:orders"),
            "orders"
        );
        assert_eq!(short_resource_id("i-plain"), "i-plain");
    }

    #[test]
    fn workflow_open() {
        assert!(WorkflowStatus::New.is_open());
        assert!(WorkflowStatus::Notified.is_open());
        assert!(!WorkflowStatus::Resolved.is_open());
        assert_eq!(
            WorkflowStatus::parse("suppressed"),
            Some(WorkflowStatus::Suppressed)
        );
    }
}

#[cfg(test)]
mod size_tests {
    /// A million findings and two thirds as many CloudTrail events are held as rows: a
    /// field that grows them costs tens of megabytes (measured: 376 and 312 bytes before
    /// their repeated texts and lists were shared, 304 and 272 while shared text was a
    /// 16-byte `Arc<str>`).
    #[test]
    fn rows_stay_small() {
        let sizes = (
            std::mem::size_of::<super::Finding>(),
            std::mem::size_of::<crate::model::TrailEvent>(),
            std::mem::size_of::<super::Resource>(),
        );
        assert!(
            sizes.0 <= 216 && sizes.1 <= 216 && sizes.2 <= 96,
            "{sizes:?}"
        );
    }
}
