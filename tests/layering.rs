//! The layers of `src/lib.rs` hold: each top-level module imports only what its module doc
//! says it may ("May import: ..."), and those lists only name layers listed before it in
//! `lib.rs`, so the docs cannot drift from the code and no import cycle can come back.
//! Test code (`tests.rs`, `#[cfg(test)]` modules, `test_support.rs`) may import anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers in `lib.rs` order (`pub mod NAME;` lines).
fn layers(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

/// What a layer's module doc allows: `May import: `a`, `b`.`, `every layer`, `every layer
/// but `run``, or `nothing of the crate`.
fn allowed(doc: &str, layer: &str, order: &[String]) -> Result<Vec<String>, String> {
    let start = doc
        .find("May import:")
        .ok_or_else(|| format!("{layer}: its module doc has no `May import:` line"))?;
    // The list may wrap onto the next doc lines; it ends at the first full stop.
    let mut text = String::new();
    for line in doc[start + "May import:".len()..].lines() {
        let line = line.trim().trim_start_matches("//!").trim();
        text.push(' ');
        text.push_str(line);
        if line.ends_with('.') || line.is_empty() {
            break;
        }
    }
    let names: Vec<String> = text
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let below: Vec<String> = order
        .iter()
        .take_while(|l| l.as_str() != layer)
        .cloned()
        .collect();
    if text.contains("every layer but") {
        return Ok(below.into_iter().filter(|l| !names.contains(l)).collect());
    }
    if text.contains("every layer") {
        return Ok(below);
    }
    if text.contains("nothing of the crate") {
        return Ok(Vec::new());
    }
    for n in &names {
        if !below.contains(n) {
            return Err(format!(
                "{layer}: its doc allows `{n}`, which is not a layer before it in lib.rs"
            ));
        }
    }
    Ok(names)
}

/// The source without comments and test-only modules.
fn non_test_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim() == "#[cfg(test)]" {
            let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
            if next.starts_with("mod ") && next.ends_with(';') {
                i += 2;
                continue;
            }
            if next.starts_with("mod ") || next.starts_with("pub mod ") {
                // Skip to the brace that closes the module.
                let mut depth = 0i32;
                let mut j = i + 1;
                while j < lines.len() {
                    depth += lines[j].matches('{').count() as i32;
                    depth -= lines[j].matches('}').count() as i32;
                    if depth <= 0 && lines[j].contains('}') {
                        break;
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
        }
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
        i += 1;
    }
    out
}

/// Every `crate::NAME` a piece of code names.
fn imports(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `rampart_crate::`, not ours
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The forbidden imports under `src`, as `file: layer -> name`.
fn violations(src: &Path) -> Result<Vec<String>, String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).map_err(|e| e.to_string())?;
    let order = layers(&lib);
    let mut rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for layer in &order {
        let root = [
            src.join(layer).join("mod.rs"),
            src.join(format!("{layer}.rs")),
        ]
        .into_iter()
        .find(|p| p.exists())
        .ok_or_else(|| format!("{layer}: no module file"))?;
        let doc = std::fs::read_to_string(&root).map_err(|e| e.to_string())?;
        rules.insert(layer.clone(), allowed(&doc, layer, &order)?);
    }
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap_or(&file);
        let layer = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(allowed) = rules.get(&layer) else {
            continue; // lib.rs, main.rs, test_support.rs
        };
        if name == "tests.rs" || rel.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        let mut seen = Vec::new();
        for to in imports(&non_test_code(&text)) {
            if to != layer
                && rules.contains_key(&to)
                && !allowed.contains(&to)
                && !seen.contains(&to)
            {
                found.push(format!("{}: {layer} -> {to}", rel.display()));
                seen.push(to);
            }
        }
    }
    Ok(found)
}

#[test]
fn every_layer_imports_only_what_its_doc_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        found.is_empty(),
        "imports that run up the layers:\n{}",
        found.join("\n")
    );
}

#[test]
fn an_import_up_the_layers_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(
        src.join("lib.rs"),
        "pub mod util;\npub mod model;\npub mod app;\n",
    )
    .unwrap();
    std::fs::create_dir_all(src.join("model")).unwrap();
    std::fs::write(
        src.join("util.rs"),
        "//! Leaf.\n//!\n//! May import: nothing of the crate.\n",
    )
    .unwrap();
    std::fs::write(
        src.join("model/mod.rs"),
        "//! Types.\n//!\n//! May import: `util`.\nuse crate::util::x;\n",
    )
    .unwrap();
    // A model file reaching up into app, a test module that may, and a comment that is not
    // code.
    std::fs::write(
        src.join("model/bad.rs"),
        "// crate::app in a comment\nuse crate::app::App;\n#[cfg(test)]\nmod tests {\n    use crate::app::App;\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("app.rs"),
        "//! UI.\n//!\n//! May import: every layer.\n",
    )
    .unwrap();
    assert_eq!(violations(src).unwrap(), ["model/bad.rs: model -> app"]);

    // A doc that allows a layer listed after it is refused.
    std::fs::write(
        src.join("util.rs"),
        "//! Leaf.\n//!\n//! May import: `app`.\n",
    )
    .unwrap();
    let e = violations(src).unwrap_err();
    assert!(e.contains("not a layer before it"), "{e}");
}
