//! Replayed evidence files (every format `--replay` reads) and rampart's own exports.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = rampart::source::replay::formats::read(bytes);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let _ = rampart::source::replay::formats::from_value(&v);
        let _ = rampart::source::replay::export_in::read(&v);
    }
});
