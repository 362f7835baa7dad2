//! AWS Config evaluation results (`get-compliance-details-by-config-rule`, by resource,
//! and the aggregator's `AggregateEvaluationResults`) as [`ComplianceResult`]s.

use super::asff::parse_time;
use super::ComplianceResult;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("field `{0}` is missing or not a string")]
    MissingField(&'static str),
}

pub fn parse_evaluation(v: &Value) -> Result<ComplianceResult, ConfigError> {
    let q = v
        .pointer("/EvaluationResultIdentifier/EvaluationResultQualifier")
        .ok_or(ConfigError::MissingField(
            "EvaluationResultIdentifier.EvaluationResultQualifier",
        ))?;
    let qs = |k: &'static str| {
        q.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or(ConfigError::MissingField(k))
    };
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(ComplianceResult {
        account_id: s("AccountId"),
        region: s("AwsRegion"),
        rule: qs("ConfigRuleName")?,
        compliance_type: s("ComplianceType").ok_or(ConfigError::MissingField("ComplianceType"))?,
        resource_type: qs("ResourceType")?,
        resource_id: qs("ResourceId")?,
        annotation: s("Annotation"),
        recorded_at: v.get("ResultRecordedTime").and_then(parse_time),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cli_epoch_floats_and_aggregator_fields() {
        let v = json!({"EvaluationResultIdentifier": {"OrderingTimestamp": 1450314635.065,
            "EvaluationResultQualifier": {"ResourceType": "AWS::EC2::Instance",
            "ResourceId": "i-1a2b3c4d", "ConfigRuleName": "InstanceTypesAreT2micro"}},
            "ResultRecordedTime": 1450314645.261, "ComplianceType": "NON_COMPLIANT",
            "AccountId": "111122223333", "AwsRegion": "eu-west-1"});
        let c = parse_evaluation(&v).unwrap();
        assert_eq!(c.rule, "InstanceTypesAreT2micro");
        assert_eq!(c.account_id.as_deref(), Some("111122223333"));
        assert_eq!(c.recorded_at.unwrap().timestamp(), 1450314645);
        let mut broken = v.clone();
        broken["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            .as_object_mut()
            .unwrap()
            .remove("ResourceId");
        assert!(parse_evaluation(&broken)
            .unwrap_err()
            .to_string()
            .contains("ResourceId"));
    }
}
