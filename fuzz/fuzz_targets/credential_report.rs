//! The IAM credential report CSV.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = rampart::model::credential_report::parse(bytes);
});
