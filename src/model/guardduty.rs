//! GuardDuty findings in GuardDuty's own format (`aws guardduty get-findings`), mapped
//! into the same [`Finding`] as their ASFF copies in Security Hub.

use super::asff::{parse_time, AsffError};
use super::finding::{Finding, RecordState, Resource, WorkflowStatus};
use super::{intern, RawRecord, Severity};
use serde_json::Value;

/// True for a native GuardDuty finding (numeric severity, `Arn`, `Type`), not ASFF.
pub fn looks_native(v: &Value) -> bool {
    v.get("Arn").is_some() && v.get("Type").is_some() && v.get("ProductArn").is_none()
}

pub fn parse_value(v: &Value) -> Result<Finding, AsffError> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let arn = s("Arn").ok_or(AsffError::MissingField("Arn"))?;
    let account_id = s("AccountId").ok_or(AsffError::MissingField("AccountId"))?;
    let region = s("Region").ok_or(AsffError::MissingField("Region"))?;
    let severity = v
        .get("Severity")
        .and_then(Value::as_f64)
        .map(Severity::from_guardduty)
        .ok_or(AsffError::BadField {
            field: "Severity",
            expected: "a number from 1 to 10",
        })?;
    let updated_at = v
        .get("UpdatedAt")
        .and_then(parse_time)
        .ok_or(AsffError::BadField {
            field: "UpdatedAt",
            expected: "an RFC 3339 timestamp",
        })?;
    let service = v.get("Service");
    let svc_time = |k: &str| service.and_then(|x| x.get(k)).and_then(parse_time);
    let archived = service
        .and_then(|x| x.get("Archived"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let partition = s("Partition").unwrap_or("aws");
    Ok(Finding {
        id: arn.into(),
        product_arn: intern(&format!(
            "arn:{partition}:securityhub:{region}::product/aws/guardduty"
        )),
        product: arcstr::literal!("GuardDuty"),
        generator_id: intern(
            service
                .and_then(|x| x.get("DetectorId"))
                .and_then(Value::as_str)
                .unwrap_or_default(),
        ),
        account_id: intern(account_id),
        region: intern(region),
        severity,
        title: intern(s("Title").unwrap_or_default()),
        description: intern(s("Description").unwrap_or_default()),
        types: s("Type").map(intern).into_iter().collect(),
        resources: resource(v.get("Resource"), account_id, region, partition)
            .into_iter()
            .collect(),
        workflow_status: WorkflowStatus::New,
        record_state: if archived {
            RecordState::Archived
        } else {
            RecordState::Active
        },
        compliance_status: None,
        control_id: None,
        remediation_text: None,
        remediation_url: None,
        first_observed_at: svc_time("EventFirstSeen"),
        last_observed_at: svc_time("EventLastSeen"),
        created_at: v.get("CreatedAt").and_then(parse_time),
        updated_at,
        raw: RawRecord::from_value(v),
    })
}

/// The resource GuardDuty names, as an ASFF-style type and id.
fn resource(r: Option<&Value>, account: &str, region: &str, partition: &str) -> Option<Resource> {
    let r = r?;
    let kind = r.get("ResourceType").and_then(Value::as_str)?;
    let get = |path: &str| r.pointer(path).and_then(Value::as_str);
    let (asff_kind, id) = match kind {
        "AccessKey" => (
            "AwsIamAccessKey",
            get("/AccessKeyDetails/AccessKeyId")
                .or(get("/AccessKeyDetails/UserName"))
                .unwrap_or_default()
                .to_string(),
        ),
        "Instance" => (
            "AwsEc2Instance",
            get("/InstanceDetails/InstanceId")
                .map(|i| format!("arn:{partition}:ec2:{region}:{account}:instance/{i}"))
                .unwrap_or_default(),
        ),
        "S3Bucket" => (
            "AwsS3Bucket",
            r.pointer("/S3BucketDetails/0/Arn")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        ),
        other => ("Other", other.to_string()),
    };
    Some(Resource {
        kind: asff_kind.into(),
        id: intern(&id),
        region: Some(region.into()),
        partition: Some(partition.into()),
        tags: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample(sev: f64) -> Value {
        json!({
            "Arn": "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f1",
            "Id": "f1", "AccountId": "111122223333", "Region": "us-east-1", "Partition": "aws",
            "Severity": sev, "Type": "Recon:IAMUser/UserPermissions",
            "Title": "Unusual recon", "UpdatedAt": "2020-05-26T22:55:21.703Z",
            "Resource": {"ResourceType": "AccessKey",
                         "AccessKeyDetails": {"AccessKeyId": "ASIAEXAMPLE", "UserName": "testuser"}},
            "Service": {"Archived": false, "EventFirstSeen": "2020-05-26T22:02:24Z", "DetectorId": "d"}
        })
    }

    #[test]
    fn native_findings_map_to_the_shared_model_with_the_guardduty_scale() {
        let v = sample(5.0);
        assert!(looks_native(&v));
        let f = parse_value(&v).unwrap();
        assert_eq!(
            &*f.id,
            "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f1"
        );
        assert_eq!(
            &*f.product_arn,
            "arn:aws:securityhub:us-east-1::product/aws/guardduty"
        );
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(&*f.resources[0].id, "ASIAEXAMPLE");
        assert_eq!(f.record_state, RecordState::Active);
        for (n, s) in [
            (2.0, Severity::Low),
            (7.0, Severity::High),
            (9.5, Severity::Critical),
        ] {
            assert_eq!(parse_value(&sample(n)).unwrap().severity, s, "{n}");
        }
    }

    #[test]
    fn a_missing_account_is_named() {
        let mut v = sample(5.0);
        v.as_object_mut().unwrap().remove("AccountId");
        assert!(parse_value(&v)
            .unwrap_err()
            .to_string()
            .contains("AccountId"));
    }
}
