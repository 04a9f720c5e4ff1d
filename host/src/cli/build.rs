//! `switchyard build`: a handler project's crate compiled, its bundle assembled and
//! precompiled, in one step, with a progress bar per component.

mod progress;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use indicatif::ProgressDrawTarget;

use self::progress::{BuildProgress, PlannedComponent};
use crate::bundle::{Bundle, BundleManifest, MANIFEST_FILE};
use crate::project::{self, Build, Metadata, Profile, WASM_TARGET};

/// Compile a handler crate for wasm32-wasip2 and assemble its precompiled bundle.
///
/// Builds each component `switchyard.json` names with `cargo rustc --release --target
/// wasm32-wasip2 --crate-type cdylib`, with one codegen unit and link-time optimisation
/// (applied even to a crate that is also an rlib), copies the components into the bundle
/// directory, precompiles them for this machine, and checks that the bundle loads. Prints
/// the bundle directory on stdout.
///
/// A component whose `.wasm` and `.cwasm` in the bundle are already the build's is left as
/// it is, so a build with nothing changed takes about a second.
///
/// Examples:
///   switchyard build
///   switchyard build --dir services/hello-api --out dist/bundle
///   switchyard build --dir examples/todos --manifest examples/todos/switchyard-fresh.json \
///     --out target/bundles/todos-fresh
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct BuildCommand {
    /// The project: a crate or workspace with `switchyard.json`, or a directory of crates in
    /// a workspace (the nearest `Cargo.toml` at or above it builds them).
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The bundle manifest [default: DIR/switchyard.json].
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Where to assemble the bundle [default: DIR/target/bundle].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Build with the incremental `guest-dev` profile (what `switchyard watch` uses) instead
    /// of the release profile with link-time optimisation.
    #[arg(long)]
    dev: bool,
}

impl BuildCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let out = self
            .out
            .unwrap_or_else(|| tidy_join(&self.dir, DEFAULT_OUT));
        let manifest = self
            .manifest
            .unwrap_or_else(|| self.dir.join(MANIFEST_FILE));
        let profile = match self.dev {
            true => Profile::Dev,
            false => Profile::Release,
        };
        build_bundle_of(&self.dir, &manifest, &out, profile)?;
        println!("{}", out.display());
        Ok(())
    }
}

/// Where a project's bundle is assembled, under its directory.
pub(super) const DEFAULT_OUT: &str = "target/bundle";

/// Builds the project in `dir` with `profile` and assembles its precompiled bundle in `out`,
/// with a progress bar per component on stderr.
pub(super) fn build_project(dir: &Path, out: &Path, profile: Profile) -> anyhow::Result<()> {
    build_bundle_of(dir, &dir.join(MANIFEST_FILE), out, profile)
}

/// Builds the components `manifest` names from the project in `dir` and assembles them, with
/// the manifest, in `out`.
fn build_bundle_of(
    dir: &Path,
    manifest: &Path,
    out: &Path,
    profile: Profile,
) -> anyhow::Result<()> {
    let Some(cargo_toml) = project::cargo_toml_for(dir) else {
        anyhow::bail!(
            "`{}` has no Cargo.toml, nor any directory above it; run this in a handler crate (`switchyard new NAME` makes one) or pass `--dir`",
            dir.display()
        );
    };
    let project = Bundle::open_manifest(dir, manifest)?;

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
        manifest,
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
    manifest_file: &Path,
    out: &Path,
    progress: &mut BuildProgress,
) -> anyhow::Result<()> {
    let started = Instant::now();
    // Cargo's own colours follow the log's rule (a terminal, no NO_COLOR, no TERM=dumb).
    let color = crate::log::colour_on_stderr();
    let printer = progress.printer();
    let artifacts = project::build(
        cargo_toml,
        what,
        profile,
        None,
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
    // The manifest's limits shape each component's pre-initialised snapshot.
    let manifest_changed = copy_if_changed(manifest_file, &out.join(MANIFEST_FILE))
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
        copy_if_changed(artifact, &target)
            .with_context(|| format!("cannot copy `{}`", artifact.display()))?;
    }

    let bundle = Bundle::open(out)?;
    for (index, entry) in bundle.manifest.components.iter().enumerate() {
        let size = std::fs::metadata(bundle.wasm_path(entry)).map_or(0, |m| m.len());
        let file = entry.file.display();
        if !manifest_changed && precompiled_is_current(&bundle, entry) {
            progress.finish(index, &format!("{file} ({} KiB), unchanged", size / 1024));
            continue;
        }
        progress.stage(index, "precompiling");
        let started = Instant::now();
        bundle.precompile_component(entry)?;
        progress.finish(
            index,
            &format!(
                "{file} ({} KiB), precompiled in {} ms",
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

/// Copies `from` over `to` by a rename, so a server watching the bundle never reads half of
/// it, unless `to` already holds the same bytes; true when it copied.
fn copy_if_changed(from: &Path, to: &Path) -> std::io::Result<bool> {
    let bytes = std::fs::read(from)?;
    if std::fs::read(to).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    crate::bundle::replace_file(to, &bytes)?;
    Ok(true)
}

/// The component's `.cwasm` is newer than its `.wasm` and than this `switchyard` (a rebuilt
/// host may compile differently, and its host would then compile the component at load).
fn precompiled_is_current(bundle: &Bundle, entry: &crate::bundle::ComponentEntry) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let host = std::env::current_exe().ok().and_then(|exe| modified(&exe));
    match (
        modified(&bundle.precompiled_path(entry)),
        modified(&bundle.wasm_path(entry)),
    ) {
        (Some(precompiled), Some(wasm)) => {
            precompiled >= wasm && host.is_none_or(|h| precompiled >= h)
        }
        _ => false,
    }
}
