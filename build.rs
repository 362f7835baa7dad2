//! Embeds the built-in runbooks (every `runbooks/*.md`), detection rules (every
//! `rules/*.yml`) and the rules' cases (every `rules/cases/*.json`, which the demo plays as
//! attacks), in name order, so a new file is part of the binary without a list to
//! keep in step; and hands the linker the order of the code an export runs.

use std::path::Path;

fn main() {
    order_symbols();
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

/// Asks the linker to place the functions an export runs (`link/symbol-order.txt`, made by
/// `link/refresh-symbol-order`) together at the start of the code. The kernel maps a
/// program's code 64 KiB around each first touch: scattered over 22 MB, the few thousand
/// functions a run calls kept 13.5 MB of it resident, three times a 10,000-finding
/// export's data. A stale list costs only that memory again: the linker skips names it
/// does not find.
///
/// Only on x86_64 Linux, when the build names no other linker, and when the linker rustc
/// uses takes the option: rustup's rustc links with its own LLD there (since Rust 1.90),
/// but a distribution's may use the system's `ld`, which does not. A one-line program is
/// linked with it first to see. `RAMPART_SYMBOL_ORDER=0` turns it off.
fn order_symbols() {
    println!("cargo:rerun-if-changed=link/symbol-order.txt");
    println!("cargo:rerun-if-env-changed=RAMPART_SYMBOL_ORDER");
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let another_linker = !var("RUSTC_LINKER").is_empty()
        || ["linker", "fuse-ld", "link-self-contained"]
            .iter()
            .any(|f| flags.contains(f));
    if var("RAMPART_SYMBOL_ORDER") == "0"
        || var("TARGET") != "x86_64-unknown-linux-gnu"
        || another_linker
    {
        return;
    }
    let root = var("CARGO_MANIFEST_DIR");
    let list = Path::new(&root).join("link/symbol-order.txt");
    // `-Wl,` splits at commas: a path with one cannot be passed this way.
    if !list.is_file() || list.to_string_lossy().contains(',') {
        return;
    }
    let args = [
        format!("link-arg=-Wl,--symbol-ordering-file={}", list.display()),
        "link-arg=-Wl,--no-warn-symbol-ordering".to_string(),
    ];
    if links_with(&args) {
        for arg in &args {
            println!(
                "cargo:rustc-{}",
                arg.replacen("link-arg", "link-arg-bins", 1)
            );
        }
    } else {
        println!("cargo:warning=the linker does not take --symbol-ordering-file: the binary keeps the default code layout (docs/architecture.md, \"The code's layout\")");
    }
}

/// Whether rustc links a program for the target with these `-C` options.
fn links_with(args: &[String]) -> bool {
    let out = Path::new(&var("OUT_DIR")).join("order-probe");
    if std::fs::create_dir_all(&out).is_err()
        || std::fs::write(out.join("probe.rs"), "fn main() {}\n").is_err()
    {
        return false;
    }
    let rustc = Some(var("RUSTC")).filter(|r| !r.is_empty());
    let mut probe = std::process::Command::new(rustc.as_deref().unwrap_or("rustc"));
    probe
        .arg("--target")
        .arg(var("TARGET"))
        .arg("-o")
        .arg(out.join("probe"))
        .arg(out.join("probe.rs"));
    for arg in args {
        probe.arg("-C").arg(arg);
    }
    probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A variable cargo sets for build scripts, empty when it is not set.
fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}
