//! Simulated IAM Access Analyzer external-access findings: public and cross-account
//! access to S3, KMS, IAM role trust, Lambda, SQS, SNS, Secrets Manager, snapshots, ECR.

use super::org::{ACCOUNTS, BUCKETS, EXTERNAL_ACCOUNTS, FUNCTIONS, ORG_ID, QUEUES, TOPICS};
use super::rng::Rng;
use crate::model::Exposure;
use chrono::{DateTime, Duration, Utc};

const SALT: u64 = 0xE3;

/// (resource type, actions it grants, how likely it is public).
const KINDS: [(&str, &[&str], f64); 10] = [
    ("AWS::S3::Bucket", &["s3:GetObject", "s3:ListBucket"], 0.6),
    ("AWS::KMS::Key", &["kms:Decrypt", "kms:CreateGrant"], 0.1),
    ("AWS::IAM::Role", &["sts:AssumeRole"], 0.1),
    ("AWS::Lambda::Function", &["lambda:InvokeFunction"], 0.4),
    (
        "AWS::SQS::Queue",
        &["sqs:SendMessage", "sqs:ReceiveMessage"],
        0.3,
    ),
    ("AWS::SNS::Topic", &["sns:Publish", "sns:Subscribe"], 0.3),
    (
        "AWS::SecretsManager::Secret",
        &["secretsmanager:GetSecretValue"],
        0.05,
    ),
    ("AWS::EC2::Snapshot", &["ec2:CreateVolumePermission"], 0.5),
    (
        "AWS::RDS::DBSnapshot",
        &["rds:RestoreDBInstanceFromDBSnapshot"],
        0.4,
    ),
    (
        "AWS::ECR::Repository",
        &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        0.3,
    ),
];

fn arn(kind: &str, acct: &str, acct_name: &str, region: &str, r: &mut Rng) -> String {
    match kind {
        "AWS::S3::Bucket" => format!("arn:aws:s3:::acme-{acct_name}-{}", r.pick(&BUCKETS)),
        "AWS::KMS::Key" => format!("arn:aws:kms:{region}:{acct}:key/{}", r.uuid()),
        "AWS::IAM::Role" => format!(
            "arn:aws:iam::{acct}:role/{}",
            r.pick(&[
                "vendor-audit",
                "partner-sync",
                "ci-cross-account",
                "datadog",
                "legacy-migration"
            ])
        ),
        "AWS::Lambda::Function" => format!(
            "arn:aws:lambda:{region}:{acct}:function:{}",
            r.pick(&FUNCTIONS)
        ),
        "AWS::SQS::Queue" => format!("arn:aws:sqs:{region}:{acct}:{}", r.pick(&QUEUES)),
        "AWS::SNS::Topic" => format!("arn:aws:sns:{region}:{acct}:{}", r.pick(&TOPICS)),
        "AWS::SecretsManager::Secret" => format!(
            "arn:aws:secretsmanager:{region}:{acct}:secret:{}-{}",
            r.pick(&["db-password", "api-key", "stripe"]),
            r.hex(6)
        ),
        "AWS::EC2::Snapshot" => format!("arn:aws:ec2:{region}:{acct}:snapshot/snap-0{}", r.hex(16)),
        "AWS::RDS::DBSnapshot" => format!(
            "arn:aws:rds:{region}:{acct}:snapshot:{}-{}",
            r.pick(&["orders", "ledger", "users"]),
            r.range(1, 99)
        ),
        _ => format!(
            "arn:aws:ecr:{region}:{acct}:repository/{}",
            r.pick(&["api", "worker", "base-images"])
        ),
    }
}

pub fn exposure(seed: u64, index: u64, now: DateTime<Utc>) -> Exposure {
    let mut r = Rng::for_item(seed, SALT, index);
    let a = r.below(ACCOUNTS.len() as u64) as usize;
    let (acct, acct_name, _) = ACCOUNTS[a];
    let region = *r.pick(&[
        "us-east-1",
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-2",
    ]);
    let (kind, actions, p_public) = KINDS[(index as usize + r.below(3) as usize) % KINDS.len()];
    let mut is_public = r.chance(p_public);
    let (principal, external, mut conditions) = if is_public {
        ("*".to_string(), None, Vec::new())
    } else if r.chance(0.4) {
        // Another account of the organization.
        let other =
            ACCOUNTS[(a + 1 + r.below(ACCOUNTS.len() as u64 - 1) as usize) % ACCOUNTS.len()].0;
        (
            format!("arn:aws:iam::{other}:root"),
            Some(other.to_string()),
            vec![format!("aws:PrincipalOrgID={ORG_ID}")],
        )
    } else {
        let other = *r.pick(&EXTERNAL_ACCOUNTS);
        let mut c = Vec::new();
        if kind == "AWS::IAM::Role" && r.chance(0.5) {
            c.push(format!("sts:ExternalId={}", r.hex(12)));
        }
        (
            format!("arn:aws:iam::{other}:root"),
            Some(other.to_string()),
            c,
        )
    };
    if is_public && r.chance(0.25) {
        // Anyone, but only through one VPC: Access Analyzer does not call that public.
        is_public = false;
        conditions.push(format!("aws:SourceVpc=vpc-0{}", r.hex(16)));
    }
    let region = if matches!(kind, "AWS::S3::Bucket" | "AWS::IAM::Role") {
        "us-east-1"
    } else {
        region
    };
    Exposure {
        id: r.uuid(),
        account_id: acct.to_string(),
        region: region.to_string(),
        resource_type: kind.to_string(),
        resource: arn(kind, acct, acct_name, region, &mut r),
        principal,
        is_public,
        external_account: external,
        actions: actions.iter().map(|s| s.to_string()).collect(),
        conditions,
        status: "ACTIVE".into(),
        source: "access-analyzer".into(),
        updated_at: now - Duration::minutes(r.range(10, 60 * 24 * 200)),
    }
}
