//! The filter language, for every pane's fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::store::{fields, query::TextQuery};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    for f in [
        fields::FINDING_FIELDS,
        fields::CREDENTIAL_FIELDS,
        fields::EXPOSURE_FIELDS,
        fields::COMPLIANCE_FIELDS,
        fields::EVENT_FIELDS,
    ] {
        let _ = TextQuery::parse_for(&text, f);
    }
});
