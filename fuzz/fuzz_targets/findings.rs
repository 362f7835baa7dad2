//! ASFF, OCSF, GuardDuty, CloudTrail, Access Analyzer and Config records from raw bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::model::{access_analyzer, asff, cloudtrail, config_rules, guardduty, ocsf};

fuzz_target!(|bytes: &[u8]| {
    let _ = asff::parse_bytes(bytes);
    let _ = ocsf::parse_bytes(bytes);
    let _ = cloudtrail::parse_bytes(bytes);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let _ = asff::parse_value(&v);
        let _ = guardduty::parse_value(&v);
        let _ = cloudtrail::parse_record(&v);
        let _ = access_analyzer::parse_value(&v, Some("us-east-1"));
        let _ = config_rules::parse_evaluation(&v);
    }
});
