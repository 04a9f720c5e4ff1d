//! `switchyard build`: a handler project's crate compiled, its bundle assembled and
//! precompiled, in one step, with a progress bar per component.

mod cargo;
mod progress;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use indicatif::ProgressDrawTarget;

use self::cargo::{Build, Metadata, WASM_TARGET};
pub(super) use self::cargo::{Profile, cargo};
use self::progress::{BuildProgress, PlannedComponent};
use crate::bundle::{Bundle, BundleManifest, MANIFEST_FILE};

/// Compile a handler crate for wasm32-wasip2 and assemble its precompiled bundle.
///
/// Builds each component `switchyard.json` names with `cargo rustc --release --target
/// wasm32-wasip2 --crate-type cdylib`, with one codegen unit and link-time optimisation
/// (applied even to a crate that is also an rlib), copies the components into the bundle
/// directory, precompiles them for this machine, and checks that the bundle loads. Prints
/// the bundle directory on stdout.
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
        let out = self
            .out
            .unwrap_or_else(|| tidy_join(&self.dir, DEFAULT_OUT));
        build_project(&self.dir, &out, Profile::Release)?;
        println!("{}", out.display());
        Ok(())
    }
}

/// Where a project's bundle is assembled, under its directory.
pub(super) const DEFAULT_OUT: &str = "target/bundle";

/// Builds the project in `dir` with `profile` and assembles its precompiled bundle in `out`,
/// with a progress bar per component on stderr.
pub(super) fn build_project(dir: &Path, out: &Path, profile: Profile) -> anyhow::Result<()> {
    let cargo_toml = dir.join("Cargo.toml");
    if !cargo_toml.exists() {
        anyhow::bail!(
            "`{}` has no Cargo.toml; run this in a handler crate (`switchyard new NAME` makes one) or pass `--dir`",
            dir.display()
        );
    }
    let project = Bundle::open(dir)?;

    // Without the metadata the project is built as `cargo build` builds it (a crate that
    // is also an rlib then links without LTO) and each bar counts every package.
    let metadata = Metadata::read(&cargo_toml)
        .inspect_err(|err| {
            crate::log::warn(&format!(
                "{err:#}; building every package, and the progress bars count every crate"
            ))
        })
        .ok();
    // The package making each component; all of them, or none known.
    let packages: Option<Vec<String>> = metadata.as_ref().and_then(|m| {
        let mut names: Vec<String> = Vec::new();
        for entry in &project.manifest.components {
            let name = m.package_name_of(&entry.file)?.to_string();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Some(names)
    });
    let planned = project
        .manifest
        .components
        .iter()
        .map(|entry| PlannedComponent {
            name: entry.name.clone(),
            packages: metadata.as_ref().and_then(|m| m.packages_of(&entry.file)),
        })
        .collect();
    let mut progress = BuildProgress::new(planned, ProgressDrawTarget::stderr());
    let what = match &packages {
        Some(names) => Build::Components(names),
        None => Build::Everything,
    };
    let built = build_bundle(
        &cargo_toml,
        what,
        profile,
        &project.manifest,
        dir,
        out,
        &mut progress,
    );
    if built.is_err() {
        progress.abandon();
    }
    built
}

/// Compiles the project, then copies and precompiles each component into `out` under its bar,
/// and checks that the bundle loads.
fn build_bundle(
    cargo_toml: &Path,
    what: Build<'_>,
    profile: Profile,
    manifest: &BundleManifest,
    project_dir: &Path,
    out: &Path,
    progress: &mut BuildProgress,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let color = std::io::stderr().is_terminal();
    let printer = progress.printer();
    let artifacts = cargo::build(
        cargo_toml,
        what,
        profile,
        color,
        |package_id, crate_name| progress.compiled(package_id, crate_name),
        move |line| printer.println(line),
    )?;
    progress.compiled_all();
    progress.println(&format!(
        "compiled {} component(s) for {WASM_TARGET} in {:.1} s",
        artifacts.len(),
        started.elapsed().as_secs_f64()
    ));

    std::fs::create_dir_all(out).with_context(|| format!("cannot create `{}`", out.display()))?;
    copy_replacing(&project_dir.join(MANIFEST_FILE), &out.join(MANIFEST_FILE))
        .with_context(|| format!("cannot copy the manifest into `{}`", out.display()))?;
    for (index, entry) in manifest.components.iter().enumerate() {
        progress.stage(index, "copying");
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
        copy_replacing(artifact, &target)
            .with_context(|| format!("cannot copy `{}`", artifact.display()))?;
    }

    let bundle = Bundle::open(out)?;
    for (index, entry) in bundle.manifest.components.iter().enumerate() {
        progress.stage(index, "precompiling");
        let started = Instant::now();
        bundle.precompile_component(entry)?;
        let size = std::fs::metadata(bundle.wasm_path(entry)).map_or(0, |m| m.len());
        progress.finish(
            index,
            &format!(
                "{} ({} KiB), precompiled in {} ms",
                entry.file.display(),
                size / 1024,
                started.elapsed().as_millis()
            ),
        );
    }
    let pipeline = bundle.load()?;
    progress.println(&format!(
        "bundle `{}` loads: {} route(s)",
        out.display(),
        pipeline.routes().len()
    ));
    Ok(())
}

/// `dir/rest`, without a leading `./` when `dir` is the current directory.
pub(super) fn tidy_join(dir: &Path, rest: &str) -> PathBuf {
    match dir == Path::new(".") {
        true => PathBuf::from(rest),
        false => dir.join(rest),
    }
}

/// Copies `from` over `to` by a rename, so a server watching the bundle never reads half of it.
fn copy_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    crate::bundle::replace_file(to, &std::fs::read(from)?)
}
