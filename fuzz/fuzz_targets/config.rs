//! The configuration file: an error names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = rampart::config::parse_str(&text, std::path::Path::new("fuzz.toml"), &rampart::app::pane::vocabulary()) {
        assert!(e.to_string().starts_with("fuzz.toml"), "{e}");
    }
});
