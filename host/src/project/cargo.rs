//! Cargo, driven for every guest build: which packages each component is built from
//! (`cargo metadata`), and the build itself (`cargo rustc --message-format json` per
//! component), reported as it goes.

use std::collections::{HashMap, HashSet};
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context as _;
use serde::Deserialize;

/// The target every component is built for.
pub(crate) const WASM_TARGET: &str = "wasm32-wasip2";

/// The subset of `cargo metadata --format-version 1` read here.
#[derive(Debug, Deserialize)]
pub(crate) struct Metadata {
    packages: Vec<Package>,
    /// Where cargo builds (`CARGO_TARGET_DIR` and `build.target-dir` applied).
    pub(crate) target_directory: PathBuf,
    workspace_members: Vec<String>,
    resolve: Option<Resolve>,
}

#[derive(Debug, Deserialize)]
struct Package {
    id: String,
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    crate_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Debug, Deserialize)]
struct NodeDep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Debug, Deserialize)]
struct DepKind {
    kind: Option<String>,
}

impl Metadata {
    /// Reads the metadata of the project at `cargo_toml`, resolved for the wasm target.
    pub(crate) fn read(cargo_toml: &Path) -> anyhow::Result<Self> {
        let output = Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--filter-platform"])
            .arg(WASM_TARGET)
            .arg("--manifest-path")
            .arg(cargo_toml)
            .stdin(Stdio::null())
            .output()
            .with_context(cargo_missing)?;
        if !output.status.success() {
            anyhow::bail!(
                "`cargo metadata` failed for `{}`: {}",
                cargo_toml.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        serde_json::from_slice(&output.stdout).context("cannot read `cargo metadata`'s output")
    }

    /// The package whose manifest is `cargo_toml`, and the `.wasm` file its `cdylib` makes.
    pub(crate) fn component_at(&self, cargo_toml: &Path) -> Option<(&str, String)> {
        let wanted = std::fs::canonicalize(cargo_toml).ok()?;
        let package = self.packages.iter().find(|p| p.manifest_path == wanted)?;
        let cdylib = package
            .targets
            .iter()
            .find(|t| t.crate_types.iter().any(|c| c == "cdylib"))?;
        Some((
            package.name.as_str(),
            format!("{}.wasm", cdylib.name.replace('-', "_")),
        ))
    }

    /// The workspace package whose `cdylib` makes `wasm_file` (say `hello_api.wasm`).
    fn package_making(&self, wasm_file: &Path) -> Option<&Package> {
        let wanted = wasm_file.file_name()?.to_str()?;
        self.packages
            .iter()
            .filter(|p| self.workspace_members.contains(&p.id))
            .find(|p| {
                p.targets.iter().any(|t| {
                    t.crate_types.iter().any(|c| c == "cdylib")
                        && format!("{}.wasm", t.name.replace('-', "_")) == wanted
                })
            })
    }

    /// The name of the package that builds the component in `wasm_file`; `None` when no
    /// workspace `cdylib` makes that file.
    pub(crate) fn package_name_of(&self, wasm_file: &Path) -> Option<&str> {
        self.package_making(wasm_file).map(|p| p.name.as_str())
    }

    /// The package ids the component in `wasm_file` (say `hello_api.wasm`) is built from,
    /// its own crate included; `None` when no workspace `cdylib` makes that file.
    pub(crate) fn packages_of(&self, wasm_file: &Path) -> Option<HashSet<String>> {
        let root = self.package_making(wasm_file)?;
        let nodes: HashMap<&str, &Node> = self
            .resolve
            .as_ref()?
            .nodes
            .iter()
            .map(|n| (n.id.as_str(), n))
            .collect();
        let mut closure = HashSet::new();
        let mut pending = vec![root.id.as_str()];
        while let Some(id) = pending.pop() {
            if !closure.insert(id.to_string()) {
                continue;
            }
            let Some(node) = nodes.get(id) else { continue };
            // Dev-dependencies are built for tests only, never for the component.
            let built = node
                .deps
                .iter()
                .filter(|d| d.dep_kinds.iter().any(|k| k.kind.as_deref() != Some("dev")));
            pending.extend(built.map(|d| d.pkg.as_str()));
        }
        Some(closure)
    }
}

/// What to build.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Build<'a> {
    /// These packages, each as a `cdylib` only (`cargo rustc --crate-type cdylib`): cargo
    /// skips link-time optimisation for a crate that is also an `rlib` (as `switchyard new`'s
    /// crates are, so their tests can call the handlers), even when the profile asks for it.
    /// One at a time, since `cargo rustc` builds one package.
    Components(&'a [String]),
    /// The project's default packages, by `cargo build`: when the metadata could not say
    /// which package makes which component.
    Everything,
}

/// How a component is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// What ships: the release profile with one codegen unit and link-time optimisation, so
    /// the SDK's, serde_json's and the allocator's code is optimised as a whole with the
    /// handlers (several percent a request). Given as `--config`, so every project gets it
    /// and this repository's `make bundles` (the same flags) shares its artifacts.
    Release,
    /// `switchyard watch`: the `guest-dev` profile, release code built incrementally in
    /// parallel without LTO, so a changed handler builds in about a second. Defined here by
    /// `--config` for projects whose Cargo.toml does not define it; its own directory
    /// (target/wasm32-wasip2/guest-dev) keeps the two builds from undoing each other.
    Dev,
}

impl Profile {
    /// Cargo's arguments for the profile.
    fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Profile::Release => &[
                "--release",
                "--config",
                "profile.release.codegen-units=1",
                "--config",
                "profile.release.lto=true",
            ],
            Profile::Dev => &[
                "--profile",
                "guest-dev",
                "--config",
                "profile.guest-dev.inherits=\"release\"",
                "--config",
                "profile.guest-dev.incremental=true",
                "--config",
                "profile.guest-dev.codegen-units=16",
                "--config",
                "profile.guest-dev.lto=false",
            ],
        }
    }
}

/// Builds the project at `cargo_toml` for wasm32-wasip2 with `profile` and returns the
/// `.wasm` files it made. Each compiled package goes to
/// `compiled` (package id, crate name) as cargo reports it; each line cargo writes on stderr
/// (its rendered diagnostics and errors) goes to `stderr` the moment it is written, from a
/// thread of its own.
pub(crate) fn build(
    cargo_toml: &Path,
    what: Build<'_>,
    profile: Profile,
    target_dir: Option<&Path>,
    color: bool,
    mut compiled: impl FnMut(&str, &str),
    stderr: impl Fn(&str) + Clone + Send + 'static,
) -> anyhow::Result<Vec<PathBuf>> {
    // `cargo rustc` builds one package a call; `cargo build` all of them in one.
    let commands: Vec<Command> = match what {
        Build::Components(packages) => packages
            .iter()
            .map(|package| {
                let mut command = Command::new(cargo());
                command
                    .args(["rustc", "--lib", "--crate-type", "cdylib", "--package"])
                    .arg(package);
                command
            })
            .collect(),
        Build::Everything => {
            let mut command = Command::new(cargo());
            command.arg("build");
            vec![command]
        }
    };
    let mut artifacts = Vec::new();
    for command in commands {
        artifacts.extend(run(
            command,
            cargo_toml,
            profile,
            target_dir,
            color,
            &mut compiled,
            stderr.clone(),
        )?);
    }
    Ok(artifacts)
}

/// Runs one cargo build `command` (`cargo build` or `cargo rustc`, its own arguments given)
/// for the wasm target and reads what it made.
fn run(
    mut command: Command,
    cargo_toml: &Path,
    profile: Profile,
    target_dir: Option<&Path>,
    color: bool,
    compiled: &mut impl FnMut(&str, &str),
    stderr: impl Fn(&str) + Send + 'static,
) -> anyhow::Result<Vec<PathBuf>> {
    if let Some(dir) = target_dir {
        command.arg("--target-dir").arg(dir);
    }
    let mut child = command
        .args(profile.cargo_args())
        .args(["--quiet", "--target", WASM_TARGET])
        .args(["--color", if color { "always" } else { "never" }])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(cargo_toml)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(cargo_missing)?;

    // Cargo's stderr (`--quiet`: its errors and rendered warnings) is read on its own thread,
    // so neither pipe can fill and stall cargo and each line shows as it is written.
    let cargo_stderr = child.stderr.take().context("cargo's stderr")?;
    let stderr_reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(cargo_stderr)
            .lines()
            .map_while(Result::ok)
        {
            stderr(&line);
        }
    });

    let read = read_artifacts(&mut child, compiled);
    if read.is_err() {
        // Nobody reads cargo's output any more: stop it rather than leave it running.
        let _ = child.kill();
    }
    let status = child.wait().context("cargo did not finish")?;
    // The reader ends when cargo closes stderr; every line is printed by then.
    let _ = stderr_reader.join();
    let artifacts = read?;
    if !status.success() {
        anyhow::bail!(
            "building for `{WASM_TARGET}` failed (cargo's errors are above){}",
            missing_target_hint()
        );
    }
    Ok(artifacts)
}

/// Reads cargo's JSON messages: the `.wasm` files it made, each compiled package reported.
fn read_artifacts(
    child: &mut std::process::Child,
    compiled: &mut impl FnMut(&str, &str),
) -> anyhow::Result<Vec<PathBuf>> {
    let stdout = child.stdout.take().context("cargo's stdout")?;
    let mut artifacts = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.context("cannot read cargo's output")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        compiled(
            message["package_id"].as_str().unwrap_or_default(),
            message["target"]["name"].as_str().unwrap_or_default(),
        );
        for file in message["filenames"].as_array().into_iter().flatten() {
            if let Some(file) = file.as_str().filter(|f| f.ends_with(".wasm")) {
                artifacts.push(PathBuf::from(file));
            }
        }
    }
    Ok(artifacts)
}

/// The cargo to run: `CARGO` is set when we run under cargo (`cargo run`, tests), so the
/// same toolchain builds the components.
pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn cargo_missing() -> String {
    format!(
        "cannot run `{}`; is Rust installed?",
        cargo().to_string_lossy()
    )
}

/// A hint when rustup says the wasm target is not installed.
fn missing_target_hint() -> String {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(out) if !String::from_utf8_lossy(&out.stdout).contains(WASM_TARGET) => {
            format!(
                "; the `{WASM_TARGET}` target is not installed: run `rustup target add {WASM_TARGET}`"
            )
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two components in a workspace: `users` uses the SDK, which has a build-dependency;
    /// `orders` uses the SDK and has a test-only dependency.
    fn metadata() -> Metadata {
        serde_json::from_value(serde_json::json!({
            "target_directory": "/work/target",
            "packages": [
                {"id": "users 0.1.0", "name": "users", "manifest_path": "/work/users/Cargo.toml", "targets": [{"name": "users-api", "crate_types": ["cdylib"]}]},
                {"id": "orders 0.1.0", "name": "orders", "manifest_path": "/work/orders/Cargo.toml", "targets": [{"name": "orders", "crate_types": ["cdylib", "rlib"]}]},
                {"id": "sdk 0.1.0", "name": "sdk", "manifest_path": "/work/sdk/Cargo.toml", "targets": [{"name": "sdk", "crate_types": ["lib"]}]},
                {"id": "cc 1.0.0", "name": "cc", "manifest_path": "/work/cc/Cargo.toml", "targets": [{"name": "cc", "crate_types": ["lib"]}]},
                {"id": "proptest 1.0.0", "name": "proptest", "manifest_path": "/work/proptest/Cargo.toml", "targets": [{"name": "proptest", "crate_types": ["lib"]}]}
            ],
            "workspace_members": ["users 0.1.0", "orders 0.1.0"],
            "resolve": {"nodes": [
                {"id": "users 0.1.0", "deps": [{"pkg": "sdk 0.1.0", "dep_kinds": [{"kind": null}]}]},
                {"id": "orders 0.1.0", "deps": [
                    {"pkg": "sdk 0.1.0", "dep_kinds": [{"kind": null}]},
                    {"pkg": "proptest 1.0.0", "dep_kinds": [{"kind": "dev"}]}
                ]},
                {"id": "sdk 0.1.0", "deps": [{"pkg": "cc 1.0.0", "dep_kinds": [{"kind": "build"}]}]},
                {"id": "cc 1.0.0", "deps": []},
                {"id": "proptest 1.0.0", "deps": []}
            ]}
        }))
        .unwrap()
    }

    #[test]
    fn a_component_is_built_from_its_crate_and_everything_it_depends_on() {
        let metadata = metadata();
        let cases: [(&str, Option<&[&str]>); 4] = [
            // the library name's dashes become underscores in the file
            (
                "users_api.wasm",
                Some(&["users 0.1.0", "sdk 0.1.0", "cc 1.0.0"]),
            ),
            // dev-dependencies are not part of the component
            (
                "orders.wasm",
                Some(&["orders 0.1.0", "sdk 0.1.0", "cc 1.0.0"]),
            ),
            // a library that is not a cdylib makes no component
            ("sdk.wasm", None),
            ("nobody.wasm", None),
        ];
        for (file, expected) in cases {
            let expected: Option<HashSet<String>> =
                expected.map(|ids| ids.iter().map(|s| s.to_string()).collect());
            assert_eq!(metadata.packages_of(Path::new(file)), expected, "{file}");
        }
    }

    #[test]
    fn each_component_is_built_from_the_package_whose_cdylib_makes_it() {
        let metadata = metadata();
        let cases = [
            ("users_api.wasm", Some("users")),
            ("orders.wasm", Some("orders")),
            ("sdk.wasm", None),
            ("nobody.wasm", None),
        ];
        for (file, expected) in cases {
            assert_eq!(
                metadata.package_name_of(Path::new(file)),
                expected,
                "{file}"
            );
        }
    }
}
