//! A runbook file: an error names the file and line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = rampart::drill::runbook::parse(&text, "fuzz.md", "fuzz") {
        assert!(e.to_string().starts_with("fuzz.md:"), "{e}");
    }
});
