//! Writes `foreach_guest!`: one line per hostile test guest in `guests/sandbox/` (wasmtime's
//! `test-programs` pattern), so `foreach_guest!(assert_test_exists)` fails to compile when
//! a guest has no test named after it.

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("guests/sandbox");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/guests/sandbox")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").exists())
        .map(|entry| entry.file_name().to_string_lossy().replace('-', "_"))
        .collect();
    names.sort();
    let lines: String = names
        .iter()
        .map(|name| format!("        $mac!({name});\n"))
        .collect();
    let code = format!(
        "/// Calls `$mac!(name)` for every guest in `tests/guests/sandbox/`.\n\
         macro_rules! foreach_guest {{\n    ($mac:ident) => {{\n{lines}    }};\n}}\n"
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("guests.rs");
    std::fs::write(out, code).expect("write guests.rs");
}
