//! `switchyard new`: scaffold a handler crate, as `cargo lambda new` and `spin new` do.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Create a handler crate with a hello route, a test and a bundle manifest.
///
/// Writes `Cargo.toml` (with the SDK), `src/lib.rs` (`GET /hello/<name>` and its test),
/// `switchyard.json`, a README and a `.gitignore`. Then run `switchyard build` in it.
///
/// Examples:
///   switchyard new hello-api
///   switchyard new hello-api --dir services/ --sdk-path ../switchyard/guest-sdk
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct NewCommand {
    /// The crate's name (lower case letters, digits, `-` and `_`); also its directory.
    name: String,
    /// Where to create the crate's directory.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Depend on the SDK at this path instead of the one this `switchyard` was built with.
    #[arg(long, value_name = "PATH")]
    sdk_path: Option<PathBuf>,
}

impl NewCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        check_name(&self.name)?;
        let root = super::build::tidy_join(&self.dir, &self.name);
        if root.exists() {
            anyhow::bail!(
                "`{}` already exists; pick another name or `--dir`",
                root.display()
            );
        }
        let sdk = match self.sdk_path {
            Some(path) => sdk_dependency(&path)?,
            None => default_sdk()?,
        };
        for (file, text) in files(&self.name, &sdk) {
            let path = root.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create `{}`", parent.display()))?;
            }
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        eprintln!(
            "created `{}`; next:\n  cd {}\n  switchyard build\n  switchyard serve --bundle target/bundle --watch",
            root.display(),
            root.display()
        );
        Ok(())
    }
}

/// Cargo's package name rule, kept to what is also a fine directory and file name.
fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        anyhow::bail!(
            "`{name}` is not a crate name: start with a lower-case letter, then use lower-case letters, digits, `-` or `_`"
        );
    }
    // As `cargo new` refuses them: the crate's name must be usable in Rust code (`use fn::..`
    // is not) and must not shadow a crate every build has.
    let in_code = name.replace('-', "_");
    if RESERVED.split(' ').any(|word| word == in_code) {
        anyhow::bail!(
            "`{name}` cannot be a crate name: it is a Rust keyword or a built-in crate; pick another"
        );
    }
    Ok(())
}

/// Rust's keywords, strict or reserved in some edition, and the built-in crates.
const RESERVED: &str = "abstract alloc as async await become box break const continue core crate do dyn \
    else enum extern false final fn for gen if impl in let loop macro match mod move \
    mut override priv proc_macro pub ref return self static std struct super test \
    trait true try type typeof unsafe unsized use virtual where while yield";

/// The SDK dependency line for a path that must hold the SDK crate.
fn sdk_dependency(path: &Path) -> anyhow::Result<String> {
    let path = std::fs::canonicalize(path)
        .with_context(|| format!("SDK path `{}` does not exist", path.display()))?;
    let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
    if !manifest.contains("name = \"switchyard-sdk\"") {
        anyhow::bail!(
            "`{}` is not the `switchyard-sdk` crate (no such package in its Cargo.toml)",
            path.display()
        );
    }
    Ok(format!(
        "switchyard-sdk = {{ path = {} }}",
        toml_string(&path.to_string_lossy())
    ))
}

/// The SDK this binary was built with, when its source is still there; else the
/// registry version of the same number.
fn default_sdk() -> anyhow::Result<String> {
    let built_with = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-sdk");
    if built_with.join("Cargo.toml").exists() {
        return sdk_dependency(&built_with);
    }
    Ok(format!(
        "switchyard-sdk = \"{}\"",
        env!("CARGO_PKG_VERSION")
    ))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

fn files(name: &str, sdk: &str) -> Vec<(&'static str, String)> {
    let lib = name.replace('-', "_");
    vec![
        (
            "Cargo.toml",
            format!(
                r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

# A component is a `cdylib` built for `wasm32-wasip2`; `rlib` lets `cargo test` call the
# handlers natively.
[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
serde_json = "1"
{sdk}

# `switchyard build` builds the component with this profile: one codegen unit and link-time
# optimisation make a component's requests several percent faster (the SDK, serde_json and
# the allocator are optimised together with your handlers), for a few seconds more a build.
[profile.release]
codegen-units = 1
lto = true

# A crate of its own, even when created inside another Cargo workspace.
[workspace]
"#
            ),
        ),
        (
            "src/lib.rs",
            format!(
                r#"//! `{name}`: a Switchyard handler component.
//!
//! `switchyard build` compiles it to `wasm32-wasip2` and assembles the bundle in
//! `target/bundle`; `switchyard serve --bundle target/bundle --watch` serves it locally.

use serde_json::{{Value, json}};
use switchyard_sdk::{{App, Path}};

/// `GET /hello/<name>`.
pub fn hello(Path(name): Path<String>) -> Value {{
    json!({{"message": format!("hello, {{name}}")}})
}}

/// The routes, as a Powertools resolver declares them.
pub fn app() -> App {{
    App::new().get("/hello/<name>", hello)
}}

switchyard_sdk::export!(app);

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn hello_greets_by_name() {{
        assert_eq!(
            hello(Path("ann".to_string())),
            json!({{"message": "hello, ann"}})
        );
    }}
}}
"#
            ),
        ),
        (
            "switchyard.json",
            format!(
                r#"{{
  "name": "{name}",
  "components": [
    {{ "name": "{name}", "file": "{lib}.wasm" }}
  ]
}}
"#
            ),
        ),
        (
            "README.md",
            format!(
                "# {name}\n\nA Switchyard handler component.\n\n```sh\nswitchyard build                                  # target/bundle\nswitchyard serve --bundle target/bundle --watch   # http://127.0.0.1:3000/hello/you\nswitchyard invoke --bundle target/bundle event.json\ncargo test\n```\n"
            ),
        ),
        (".gitignore", "/target\n".to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_follow_cargo() {
        for good in [
            "hello",
            "hello-api",
            "h2_api",
            "fn-api",
            "self_api",
            "tests",
        ] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Hello",
            "1api",
            "a b",
            "api/x",
            "-api",
            "fn",
            "self",
            "async",
            "std",
            "test",
            "proc-macro",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_manifest_names_the_component_cargo_builds() {
        let files = files("hello-api", "switchyard-sdk = \"0.1.0\"");
        let manifest = &files
            .iter()
            .find(|(f, _)| *f == "switchyard.json")
            .unwrap()
            .1;
        let manifest: serde_json::Value = serde_json::from_str(manifest).unwrap();
        assert_eq!(manifest["components"][0]["file"], "hello_api.wasm");
    }
}
