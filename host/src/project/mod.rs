//! A guest project on disk, and the one way its components are built for `wasm32-wasip2`:
//! `switchyard build`, `watch` and `package`, `make bundles` (through `switchyard build`) and
//! [`crate::testing`] all come here.

mod cargo;

use std::path::{Path, PathBuf};

pub(crate) use cargo::{Build, Metadata, Profile, WASM_TARGET, build, cargo};

/// The `Cargo.toml` that builds the project in `dir`: its own, or the nearest one above it (a
/// directory of crates in a workspace, as cargo finds a manifest).
pub(crate) fn cargo_toml_for(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|manifest| manifest.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_crates_builds_with_the_workspace_above_it() {
        let root = std::env::temp_dir().join(format!("switchyard-project-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("parts/a")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
        std::fs::write(root.join("parts/a/Cargo.toml"), "[package]\n").unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        assert_eq!(
            cargo_toml_for(&root.join("parts/a")),
            Some(root.join("parts/a/Cargo.toml"))
        );
        assert_eq!(
            cargo_toml_for(&root.join("parts")),
            Some(root.join("Cargo.toml"))
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
