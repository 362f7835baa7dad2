//! Simulated findings as real ASFF records from GuardDuty, Inspector, Macie, Security Hub
//! controls, Config and Access Analyzer, parsed by the same parser as live and replayed
//! findings. Each finding is a pure function of (seed, index, now), so the live
//! simulation can rebuild any one of them to change it.

use super::guardduty::{detector_id, guardduty_fields, GUARDDUTY};
use super::org::{self, ACCOUNTS, BUCKETS, DATABASES, FUNCTIONS, REGIONS};
use super::rng::Rng;
use crate::model::{asff, Finding};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

const SALT: u64 = 0xF1;

#[derive(Clone, Copy)]
enum Product {
    Controls,
    Inspector,
    GuardDuty,
    Config,
    Macie,
    AccessAnalyzer,
}

const PRODUCTS: [(u32, Product); 6] = [
    (40, Product::Controls),
    (25, Product::Inspector),
    (15, Product::GuardDuty),
    (10, Product::Config),
    (5, Product::Macie),
    (5, Product::AccessAnalyzer),
];

/// Security Hub controls: (id, title, severity, resource kind).
const CONTROLS: [(&str, &str, &str, &str); 26] = [
    ("S3.9", "S3 general purpose buckets should have server access logging enabled", "MEDIUM", "bucket"),
    ("S3.13", "S3 general purpose buckets should have Lifecycle configurations", "LOW", "bucket"),
    ("EC2.17", "Amazon EC2 instances should not use multiple ENIs", "LOW", "instance"),
    ("KMS.3", "AWS KMS keys should not be deleted unintentionally", "INFORMATIONAL", "kms"),
    ("IAM.19", "MFA should be enabled for all IAM users", "INFORMATIONAL", "user"),
    ("IAM.3", "IAM users' access keys should be rotated every 90 days or less", "MEDIUM", "user"),
    ("IAM.4", "IAM root user access key should not exist", "CRITICAL", "account"),
    ("IAM.5", "MFA should be enabled for all IAM users that have a console password", "MEDIUM", "user"),
    ("IAM.6", "Hardware MFA should be enabled for the root user", "CRITICAL", "account"),
    ("IAM.8", "Unused IAM user credentials should be removed", "MEDIUM", "user"),
    ("IAM.1", "IAM policies should not allow full \"*\" administrative privileges", "HIGH", "policy"),
    ("S3.1", "S3 general purpose buckets should have block public access settings enabled", "MEDIUM", "account"),
    ("S3.5", "S3 general purpose buckets should require requests to use SSL", "MEDIUM", "bucket"),
    ("S3.8", "S3 general purpose buckets should block public access", "HIGH", "bucket"),
    ("EC2.1", "Amazon EBS snapshots should not be publicly restorable", "CRITICAL", "account"),
    ("EC2.2", "VPC default security groups should not allow inbound or outbound traffic", "HIGH", "sg"),
    ("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "HIGH", "instance"),
    ("EC2.13", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22", "HIGH", "sg"),
    ("EC2.19", "Security groups should not allow unrestricted access to ports with high risk", "CRITICAL", "sg"),
    ("RDS.2", "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration", "CRITICAL", "db"),
    ("RDS.3", "RDS DB instances should have encryption at-rest enabled", "MEDIUM", "db"),
    ("KMS.4", "AWS KMS key rotation should be enabled", "MEDIUM", "kms"),
    ("CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events", "HIGH", "account"),
    ("Lambda.1", "Lambda function policies should prohibit public access", "CRITICAL", "lambda"),
    ("GuardDuty.1", "GuardDuty should be enabled", "HIGH", "account"),
    ("Config.1", "AWS Config should be enabled and use the service-linked role for resource recording", "MEDIUM", "account"),
];

/// Inspector package vulnerabilities: (CVE, package, severity, CVSS).
const CVES: [(&str, &str, &str, f64); 22] = [
    ("CVE-2023-7008", "systemd", "INFORMATIONAL", 0.0),
    ("CVE-2024-28085", "util-linux", "LOW", 3.3),
    ("CVE-2024-6387", "openssh-server", "HIGH", 8.1),
    ("CVE-2023-4863", "libwebp", "HIGH", 8.8),
    ("CVE-2023-44487", "nghttp2", "HIGH", 7.5),
    ("CVE-2024-3094", "xz-utils", "CRITICAL", 10.0),
    ("CVE-2021-44228", "log4j-core", "CRITICAL", 10.0),
    ("CVE-2022-3602", "openssl", "HIGH", 7.5),
    ("CVE-2023-38545", "curl", "CRITICAL", 9.8),
    ("CVE-2024-21626", "runc", "HIGH", 8.6),
    ("CVE-2023-5363", "openssl", "HIGH", 7.5),
    ("CVE-2022-42889", "commons-text", "CRITICAL", 9.8),
    ("CVE-2023-29491", "ncurses", "MEDIUM", 6.5),
    ("CVE-2023-4911", "glibc", "HIGH", 7.8),
    ("CVE-2024-2961", "glibc", "HIGH", 7.3),
    ("CVE-2022-40897", "setuptools", "MEDIUM", 5.9),
    ("CVE-2023-37920", "certifi", "MEDIUM", 6.1),
    ("CVE-2024-35195", "requests", "MEDIUM", 5.6),
    ("CVE-2023-45853", "zlib", "CRITICAL", 9.8),
    ("CVE-2022-48174", "busybox", "CRITICAL", 9.8),
    ("CVE-2023-2650", "openssl", "MEDIUM", 6.5),
    ("CVE-2024-0727", "openssl", "LOW", 3.3),
];

const MACIE: [(&str, &str, &str, &str); 4] = [
    (
        "SensitiveData:S3Object/Personal",
        "Sensitive Data Identifications/PII",
        "The S3 object contains personal information.",
        "HIGH",
    ),
    (
        "SensitiveData:S3Object/Credentials",
        "Sensitive Data Identifications/Passwords",
        "The S3 object contains credentials data.",
        "HIGH",
    ),
    (
        "SensitiveData:S3Object/Financial",
        "Sensitive Data Identifications/Financial",
        "The S3 object contains financial information.",
        "MEDIUM",
    ),
    (
        "Policy:IAMUser/S3BucketPublic",
        "Effects/Data Exposure",
        "The S3 bucket is publicly accessible.",
        "HIGH",
    ),
];

/// Each rule, the resource kind it judges, and the annotation AWS Config would give.
pub(super) const CONFIG_RULES: [(&str, &str, &str); 6] = [
    (
        "s3-bucket-versioning-enabled",
        "bucket",
        "Versioning is suspended or was never enabled.",
    ),
    (
        "s3-bucket-server-side-encryption-enabled",
        "bucket",
        "No default encryption is configured on the bucket.",
    ),
    (
        "ec2-instance-no-public-ip",
        "instance",
        "The instance has a public IPv4 address.",
    ),
    (
        "rds-snapshots-public-prohibited",
        "db",
        "The snapshot can be restored by any AWS account.",
    ),
    (
        "access-keys-rotated",
        "user",
        "An active access key was created more than 90 days ago.",
    ),
    (
        "restricted-ssh",
        "sg",
        "An ingress rule allows 0.0.0.0/0 to port 22.",
    ),
];

/// Real accounts have few critical findings and many medium and low ones.
fn pick_by_severity<'a, T>(items: &'a [T], label: impl Fn(&T) -> &str, r: &mut Rng) -> &'a T {
    let weight = |t: &T| match label(t) {
        "CRITICAL" => 1,
        "HIGH" => 3,
        "MEDIUM" => 8,
        "LOW" => 6,
        _ => 4,
    };
    let total: u64 = items.iter().map(weight).sum();
    let mut x = r.below(total);
    for item in items {
        if x < weight(item) {
            return item;
        }
        x -= weight(item);
    }
    &items[0]
}

pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A resource in an account and region: (ASFF type, ARN or id, short name).
pub struct Res {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// Resources come from small per-account pools, so findings share resources.
pub fn resource(kind: &str, acct: &str, region: &str, acct_name: &str, r: &mut Rng) -> Res {
    let slot = r.below(8);
    let mut pool = Rng::for_item(
        acct[..8].parse::<u64>().unwrap_or(7),
        0x5E5,
        slot ^ kind.len() as u64,
    );
    match kind {
        "instance" => {
            let id = format!("i-0{}", pool.hex(16));
            Res {
                kind: "AwsEc2Instance",
                id: format!("arn:aws:ec2:{region}:{acct}:instance/{id}"),
                name: id,
            }
        }
        "sg" => {
            let id = format!("sg-0{}", pool.hex(16));
            Res {
                kind: "AwsEc2SecurityGroup",
                id: format!("arn:aws:ec2:{region}:{acct}:security-group/{id}"),
                name: id,
            }
        }
        "bucket" => {
            let name = format!("acme-{acct_name}-{}", pool.pick(&BUCKETS));
            Res {
                kind: "AwsS3Bucket",
                id: format!("arn:aws:s3:::{name}"),
                name,
            }
        }
        "user" => {
            let name = super::credentials::user_name(acct_index(acct), pool.below(12) as usize);
            Res {
                kind: "AwsIamUser",
                id: format!("arn:aws:iam::{acct}:user/{name}"),
                name,
            }
        }
        "key" => {
            let key = format!("AKIA{}", pool.hex(16).to_uppercase());
            Res {
                kind: "AwsIamAccessKey",
                id: key.clone(),
                name: key,
            }
        }
        // An instance role's credentials are temporary: STS session keys start ASIA.
        "session-key" => {
            let key = format!("ASIA{}", pool.hex(16).to_uppercase());
            Res {
                kind: "AwsIamAccessKey",
                id: key.clone(),
                name: key,
            }
        }
        "policy" => {
            let name = format!(
                "{}-admin-policy",
                pool.pick(&["legacy", "ops", "ci", "vendor"])
            );
            Res {
                kind: "AwsIamPolicy",
                id: format!("arn:aws:iam::{acct}:policy/{name}"),
                name,
            }
        }
        "db" => {
            let name = pool.pick(&DATABASES).to_string();
            Res {
                kind: "AwsRdsDbInstance",
                id: format!("arn:aws:rds:{region}:{acct}:db:{name}"),
                name,
            }
        }
        "kms" => {
            let id = pool.uuid();
            Res {
                kind: "AwsKmsKey",
                id: format!("arn:aws:kms:{region}:{acct}:key/{id}"),
                name: id,
            }
        }
        "lambda" => {
            let name = pool.pick(&FUNCTIONS).to_string();
            Res {
                kind: "AwsLambdaFunction",
                id: format!("arn:aws:lambda:{region}:{acct}:function:{name}"),
                name,
            }
        }
        "image" => {
            let repo = pool
                .pick(&["api", "worker", "frontend", "batch"])
                .to_string();
            Res {
                kind: "AwsEcrContainerImage",
                id: format!(
                    "arn:aws:ecr:{region}:{acct}:repository/{repo}/sha256:{}",
                    pool.hex(64)
                ),
                name: repo,
            }
        }
        _ => Res {
            kind: "AwsAccount",
            id: format!("AWS::::Account:{acct}"),
            name: acct.to_string(),
        },
    }
}

pub fn acct_index(acct: &str) -> usize {
    ACCOUNTS
        .iter()
        .position(|(id, _, _)| *id == acct)
        .unwrap_or(0)
}

fn normalized(label: &str) -> u32 {
    match label {
        "CRITICAL" => 90,
        "HIGH" => 70,
        "MEDIUM" => 40,
        "LOW" => 1,
        _ => 0,
    }
}

fn remote_ip(r: &mut Rng) -> String {
    let net = r.pick(&["203.0.113", "198.51.100", "192.0.2"]);
    format!("{net}.{}", r.range(2, 254))
}

/// Finding number `index` of the organization built with `seed` at `now`, as ASFF JSON.
pub fn asff_value(seed: u64, index: u64, now: DateTime<Utc>) -> Value {
    let mut r = Rng::for_item(seed, SALT, index);
    let acct_i = *r.weighted(&org::account_weights());
    let (acct, acct_name, _) = ACCOUNTS[acct_i];
    let region = *r.weighted(&[
        (40, "us-east-1"),
        (20, "us-west-2"),
        (20, "eu-west-1"),
        (12, "eu-central-1"),
        (8, "ap-southeast-2"),
    ]);
    debug_assert!(REGIONS.contains(&region));
    // Ages skew recent: most findings are days or weeks old, some up to a year.
    let age_mins = match r.below(10) {
        0..=3 => r.range(5, 60 * 24 * 3),
        4..=7 => r.range(60 * 24 * 3, 60 * 24 * 60),
        _ => r.range(60 * 24 * 60, 60 * 24 * 365),
    };
    let first = now - Duration::minutes(age_mins) - Duration::seconds(r.range(0, 60));
    let updated = (first
        + Duration::minutes(r.range(0, age_mins.max(1)))
        + Duration::seconds(r.range(0, 60)))
    .min(now);
    let workflow = *r.weighted(&[
        (80, "NEW"),
        (12, "NOTIFIED"),
        (5, "SUPPRESSED"),
        (3, "RESOLVED"),
    ]);
    let product = *r.weighted(&PRODUCTS);
    let product_arn = |p: &str| format!("arn:aws:securityhub:{region}::product/aws/{p}");
    let (id, parn, pname, generator, types, title, desc, label, res, extra): (
        String,
        String,
        &str,
        String,
        Vec<String>,
        String,
        String,
        String,
        Res,
        Value,
    );
    match product {
        Product::Controls => {
            let (cid, ctitle, sev, kind) = *pick_by_severity(&CONTROLS, |c| c.2, &mut r);
            res = resource(kind, acct, region, acct_name, &mut r);
            id = format!(
                "arn:aws:securityhub:{region}:{acct}:security-control/{cid}/finding/{}",
                r.uuid()
            );
            parn = product_arn("securityhub");
            pname = "Security Hub";
            generator = format!("security-control/{cid}");
            types = vec!["Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices".into()];
            title = ctitle.to_string();
            desc = format!(
                "This control checks whether {}. The control fails for {}.",
                ctitle.to_lowercase(),
                res.name
            );
            label = sev.to_string();
            extra = json!({
                "Compliance": {"Status": "FAILED", "SecurityControlId": cid, "AssociatedStandards": [{"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"}]},
                "Remediation": {"Recommendation": {"Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.", "Url": format!("https://docs.aws.amazon.com/console/securityhub/{cid}/remediation")}},
                "ProductFields": {"ControlId": cid, "aws/securityhub/ProductName": "Security Hub", "aws/securityhub/CompanyName": "AWS", "RecommendationUrl": format!("https://docs.aws.amazon.com/console/securityhub/{cid}/remediation")}
            });
        }
        Product::Inspector => {
            let (cve, pkg, sev, cvss) = *pick_by_severity(&CVES, |c| c.2, &mut r);
            let kind = *r.pick(&["instance", "instance", "image", "lambda"]);
            res = resource(kind, acct, region, acct_name, &mut r);
            id = format!("arn:aws:inspector2:{region}:{acct}:finding/{}", r.hex(32));
            parn = product_arn("inspector");
            pname = "Inspector";
            generator = "AWSInspector".into();
            types = vec!["Software and Configuration Checks/Vulnerabilities/CVE".into()];
            title = format!("{cve} - {pkg}");
            desc = format!("A vulnerability in {pkg} ({cve}, CVSS {cvss}) affects {}. Update the package to a fixed version.", res.name);
            label = sev.to_string();
            extra = json!({
                "Vulnerabilities": [{"Id": cve, "VulnerablePackages": [{"Name": pkg, "PackageManager": "OS"}], "Cvss": [{"Version": "3.1", "BaseScore": cvss}], "FixAvailable": "YES"}],
                "Remediation": {"Recommendation": {"Text": format!("Upgrade {pkg} to the latest patched version."), "Url": format!("https://nvd.nist.gov/vuln/detail/{cve}")}},
                "ProductFields": {"aws/inspector/FindingStatus": "ACTIVE", "aws/inspector/inspectorScore": cvss.to_string()}
            });
        }
        Product::GuardDuty => {
            let (_, asff_type, tmpl, sev, kind, action) = *r.pick(&GUARDDUTY);
            res = resource(kind, acct, region, acct_name, &mut r);
            let ip = remote_ip(&mut r);
            let detector = detector_id(acct, region);
            id = format!(
                "arn:aws:guardduty:{region}:{acct}:detector/{detector}/finding/{}",
                r.hex(32)
            );
            parn = product_arn("guardduty");
            pname = "GuardDuty";
            generator = format!("arn:aws:guardduty:{region}:{acct}:detector/{detector}");
            types = vec![asff_type.to_string()];
            let role = format!(
                "{acct_name}-{}-ec2-role",
                r.pick(&["web", "worker", "batch"])
            );
            title = tmpl
                .replace("{r}", &res.name)
                .replace("{ip}", &ip)
                .replace("{role}", &role);
            desc = format!("{title} This activity is unusual for this resource.");
            label = crate::model::Severity::from_guardduty(sev)
                .label()
                .to_string();
            let mut fields = guardduty_fields(action, &ip, r.range(1, 400), first, updated);
            fields["aws/guardduty/service/detectorId"] = json!(detector);
            fields["aws/guardduty/service/archived"] = json!("false");
            let mut more = json!({
                "Severity": {"Product": sev},
                "ProductFields": fields,
            });
            if kind == "session-key" {
                // The role's session: whose credentials they are.
                more["ResourcesDetails"] =
                    json!({"PrincipalName": role, "PrincipalType": "AssumedRole"});
            }
            extra = more;
        }
        Product::Config => {
            let (rule, kind, _) = *r.pick(&CONFIG_RULES);
            res = resource(kind, acct, region, acct_name, &mut r);
            id = format!(
                "arn:aws:config:{region}:{acct}:config-rule/config-rule-{}/finding/{}",
                r.hex(6),
                r.hex(40)
            );
            parn = product_arn("config");
            pname = "Config";
            generator = format!(
                "arn:aws:config:{region}:{acct}:config-rule/config-rule-{}",
                r.hex(6)
            );
            types = vec!["Software and Configuration Checks".into()];
            title = rule.to_string();
            desc = format!(
                "AWS Config rule {rule} evaluated {} as NON_COMPLIANT.",
                res.name
            );
            label = "MEDIUM".into();
            extra = json!({"Compliance": {"Status": "FAILED"}, "ProductFields": {"aws/config/ConfigRuleName": rule, "aws/config/ConfigComplianceType": "NON_COMPLIANT"}});
        }
        Product::Macie => {
            let (mtype, ns, mtitle, sev) = *r.pick(&MACIE);
            res = resource("bucket", acct, region, acct_name, &mut r);
            id = r.hex(32);
            parn = product_arn("macie");
            pname = "Macie";
            generator = mtype.to_string();
            types = vec![format!("{ns}/{}", mtype.replace('/', "-"))];
            title = mtitle.to_string();
            desc = format!("{mtitle} Bucket: {}.", res.name);
            label = sev.to_string();
            extra = json!({"ProductFields": {"aws/macie/type": mtype}});
        }
        Product::AccessAnalyzer => {
            let kind = *r.pick(&["bucket", "kms", "lambda"]);
            res = resource(kind, acct, region, acct_name, &mut r);
            let public = r.chance(0.4);
            id = format!(
                "arn:aws:access-analyzer:{region}:{acct}:analyzer/org-analyzer/arn:aws:{}",
                r.uuid()
            );
            parn = product_arn("access-analyzer");
            pname = "IAM Access Analyzer";
            generator = format!("aws/access-analyzer/{}", res.kind);
            types = vec!["Software and Configuration Checks/AWS Security Best Practices/External Access Granted".into()];
            let how = if public {
                "public access"
            } else {
                "cross-account access"
            };
            title = format!("{}/{} allows {how}", res.kind, res.id);
            desc = format!("{} grants {how}.", res.name);
            label = if public { "HIGH" } else { "LOW" }.into();
            extra = json!({"ProductFields": {"ResourceOwnerAccount": acct, "IsPublic": public.to_string()}});
        }
    }
    let mut v = json!({
        "SchemaVersion": "2018-10-08",
        "Id": id,
        "ProductArn": parn,
        "ProductName": pname,
        "CompanyName": "AWS",
        "GeneratorId": generator,
        "AwsAccountId": acct,
        "Region": region,
        "Types": types,
        "FirstObservedAt": time(first),
        "LastObservedAt": time(updated),
        "CreatedAt": time(first),
        "UpdatedAt": time(updated),
        "Severity": {"Label": label, "Normalized": normalized(&label), "Original": label},
        "Title": title,
        "Description": desc,
        "Resources": [{
            "Type": res.kind, "Id": res.id, "Partition": "aws", "Region": region,
            "Tags": {"Environment": ACCOUNTS[acct_i].2, "Owner": format!("team-{}", acct_name.split('-').next_back().unwrap_or("ops"))}
        }],
        "Workflow": {"Status": workflow},
        "WorkflowState": if workflow == "NEW" { "NEW" } else { "ASSIGNED" },
        "RecordState": "ACTIVE",
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        for (k, val) in more {
            if k == "ResourcesDetails" {
                // A key's principal, where Security Hub keeps it.
                obj["Resources"][0]["Details"] = json!({"AwsIamAccessKey": val});
            } else if k == "Severity" {
                if let (Some(s), Value::Object(add)) =
                    (obj.get_mut("Severity").and_then(Value::as_object_mut), val)
                {
                    s.extend(add);
                }
            } else {
                obj.insert(k, val);
            }
        }
    }
    v
}

/// Parses a simulated record with the shared ASFF parser. The simulator only builds
/// records the parser accepts; a failure is a bug, which the tests catch.
pub fn parse(v: &Value) -> Option<Finding> {
    match asff::parse_value(v) {
        Ok(f) => Some(f),
        Err(e) => {
            tracing::error!("simulated finding rejected by the ASFF parser: {e}");
            None
        }
    }
}

pub fn finding(seed: u64, index: u64, now: DateTime<Utc>) -> Option<Finding> {
    parse(&asff_value(seed, index, now))
}
