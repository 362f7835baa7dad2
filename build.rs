//! Embeds the built-in runbooks (every `runbooks/*.md`), detection rules (every
//! `rules/*.yml`) and the rules' cases (every `rules/cases/*.json`, which the demo plays as
//! attacks), in name order, so a new file is part of the binary without a list to
//! keep in step.

use std::path::Path;

fn main() {
    embed("runbooks", "md", "runbooks.rs");
    embed("rules", "yml", "rules.rs");
    embed("rules/cases", "json", "rule_cases.rs");
}

/// Writes `&[(file name, contents)]` for every `dir/*.ext` into `OUT_DIR/out`.
fn embed(dir: &str, ext: &str, out: &str) {
    println!("cargo:rerun-if-changed={dir}");
    // Read when the script runs, not baked in when it was compiled: a build script built
    // for another checkout sharing this target directory embedded nothing (the directory
    // it named was gone) and a release binary had no rules and no runbooks.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert!(
        !files.is_empty(),
        "no *.{ext} files in {}: the binary would have none built in",
        dir.display()
    );
    files.sort();
    let mut text = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        text.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    text.push_str("]\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join(out);
    std::fs::write(target, text).unwrap();
}
