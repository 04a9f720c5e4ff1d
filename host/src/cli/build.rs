//! `switchyard build`: a handler project's crate compiled, its bundle assembled and
//! precompiled, in one step.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::Context as _;

use crate::bundle::{Bundle, MANIFEST_FILE};

/// The target every component is built for.
const WASM_TARGET: &str = "wasm32-wasip2";

/// Compile a handler crate for wasm32-wasip2 and assemble its precompiled bundle.
///
/// Runs `cargo build --release --target wasm32-wasip2`, copies the components that
/// `switchyard.json` names into the bundle directory, precompiles them for this machine, and
/// checks that the bundle loads. Prints the bundle directory on stdout.
///
/// Examples:
///   switchyard build
///   switchyard build --dir services/hello-api --out dist/bundle
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct BuildCommand {
    /// The project: a crate or workspace with `switchyard.json` beside its `Cargo.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Where to assemble the bundle [default: DIR/target/bundle].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

impl BuildCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let cargo_toml = self.dir.join("Cargo.toml");
        if !cargo_toml.exists() {
            anyhow::bail!(
                "`{}` has no Cargo.toml; run `switchyard build` in a handler crate (`switchyard new NAME` makes one) or pass `--dir`",
                self.dir.display()
            );
        }
        let project = Bundle::open(&self.dir)?;
        let out = self
            .out
            .unwrap_or_else(|| tidy_join(&self.dir, "target/bundle"));

        let started = Instant::now();
        let artifacts = cargo_build(&cargo_toml)?;
        eprintln!(
            "compiled {} component(s) for {WASM_TARGET} in {:.1} s",
            artifacts.len(),
            started.elapsed().as_secs_f64()
        );

        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create `{}`", out.display()))?;
        std::fs::copy(self.dir.join(MANIFEST_FILE), out.join(MANIFEST_FILE))
            .with_context(|| format!("cannot copy the manifest into `{}`", out.display()))?;
        let count = project.manifest.components.len();
        for (index, entry) in project.manifest.components.iter().enumerate() {
            let wanted = entry.file.file_name().unwrap_or_default();
            let Some(artifact) = artifacts.iter().find(|a| a.file_name() == Some(wanted)) else {
                let built: Vec<_> = artifacts
                    .iter()
                    .filter_map(|a| a.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect();
                anyhow::bail!(
                    "component `{}` names `{}` in switchyard.json, but the build made {}; fix `file` to name one of them",
                    entry.name,
                    entry.file.display(),
                    if built.is_empty() {
                        "no component (is the crate a `cdylib`?)".to_string()
                    } else {
                        built.join(", ")
                    }
                );
            };
            let target = out.join(&entry.file);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(artifact, &target)
                .with_context(|| format!("cannot copy `{}`", artifact.display()))?;
            let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "[{}/{count}] {} <- {} ({} KiB)",
                index + 1,
                entry.name,
                artifact.display(),
                size / 1024
            );
        }

        let bundle = Bundle::open(&out)?;
        let started = Instant::now();
        bundle.precompile()?;
        let pipeline = bundle.load()?;
        eprintln!(
            "precompiled and loaded in {} ms: {} route(s)",
            started.elapsed().as_millis(),
            pipeline.routes().len()
        );
        println!("{}", out.display());
        Ok(())
    }
}

/// `dir/rest`, without a leading `./` when `dir` is the current directory.
pub(super) fn tidy_join(dir: &Path, rest: &str) -> PathBuf {
    match dir == Path::new(".") {
        true => PathBuf::from(rest),
        false => dir.join(rest),
    }
}

/// Runs `cargo build --release --target wasm32-wasip2` on the manifest, its progress and
/// errors on our stderr, and returns the `.wasm` files it made.
fn cargo_build(cargo_toml: &Path) -> anyhow::Result<Vec<PathBuf>> {
    // `CARGO` is set when we run under cargo (`cargo run`, tests): use that same toolchain.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(&cargo)
        .args(["build", "--release", "--target", WASM_TARGET])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(cargo_toml)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| {
            format!(
                "cannot run `{}`; is Rust installed?",
                cargo.to_string_lossy()
            )
        })?;
    let mut artifacts = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.context("cannot read cargo's output")?;
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if message["reason"] != "compiler-artifact" {
                continue;
            }
            for file in message["filenames"].as_array().into_iter().flatten() {
                if let Some(file) = file.as_str().filter(|f| f.ends_with(".wasm")) {
                    artifacts.push(PathBuf::from(file));
                }
            }
        }
    }
    let status = child.wait().context("cargo did not finish")?;
    if !status.success() {
        anyhow::bail!(
            "`cargo build --target {WASM_TARGET}` failed (its errors are above){}",
            missing_target_hint()
        );
    }
    Ok(artifacts)
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
