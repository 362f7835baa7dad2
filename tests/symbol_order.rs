//! The list of functions `build.rs` hands the linker (`link/symbol-order.txt`, made by
//! `link/refresh-symbol-order`): names the linker can match, each once, covering both
//! builds people run (release and the benchmarks', whose names differ by their hashes)
//! and the export's own path. A list that lost them would silently bring back the 13.5 MB
//! of scattered resident code (docs/architecture.md, "The code's layout").

#[test]
fn the_symbol_order_names_the_export_path_of_both_builds_once_each() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/link/symbol-order.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let names: Vec<&str> = text.lines().collect();
    assert!(names.len() > 1_000, "{} names", names.len());
    for (i, name) in names.iter().enumerate() {
        assert!(
            (name.starts_with("_ZN") || name.starts_with("_R"))
                && !name.contains(char::is_whitespace)
                && !name.contains('\''),
            "line {}: not a symbol name as the linker reads it: {name:?}",
            i + 1
        );
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "a name listed twice");
    // Each of these, once per build: the page parser, the export's writer and the store.
    for part in [
        "11securityhub10parse_page17h",
        "6export4json14write_document",
        "5store5Store5apply17h",
    ] {
        let builds = names.iter().filter(|n| n.contains(part)).count();
        assert!(builds >= 2, "{part}: in {builds} of the two builds");
    }
    // The live export's functions come first, then what only the demo's adds.
    let at = |part: &str| names.iter().position(|n| n.contains(part)).unwrap();
    let (parse, demo) = (at("securityhub10parse_page"), at("run6export8run_demo"));
    assert!(
        parse < demo,
        "the live export's page parser at line {}, after the demo's export at {}",
        parse + 1,
        demo + 1
    );
}
