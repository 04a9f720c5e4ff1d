//! `switchyard package`: the Lambda package of the project in a directory, as `cargo lambda
//! build` and `spin deploy` make theirs: the host built for `provided.al2023` as `bootstrap`,
//! and the project's bundle beside it, precompiled for the function's CPU.

use std::io::BufRead as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context as _;

use super::build::build_project;
use super::compile::{precompile_for_target, same_architecture};
use crate::bundle::{Bundle, MANIFEST_FILE};
use crate::project::{self, Metadata, Profile, cargo};

/// Build the Lambda package (a zip, or its files) of the project in a directory.
///
/// The package is what a `provided.al2023` function runs: `bootstrap` (the Switchyard host,
/// a static musl binary built in release mode from the Switchyard source this command was
/// built from, or given with `--bootstrap`) and `bundle/` (the project's components built
/// with link-time optimisation, its manifest, and the code precompiled for the function's
/// CPU). Building the host needs the Rust target (installed with rustup if missing) and,
/// for the machine's own architecture, `musl-gcc`; for the other one, `cargo zigbuild`.
///
/// Examples:
///   switchyard package                                   # target/lambda/NAME.zip
///   switchyard package --arch arm64 --out dist/api.zip
///   switchyard package --out-dir "$ARTIFACTS_DIR"        # what SAM's makefile build runs
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct PackageCommand {
    /// The project: a crate or workspace with `switchyard.json` beside its `Cargo.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The zip to write [default: the project's cargo target directory, lambda/NAME.zip].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the package's files into this directory instead of a zip (SAM's
    /// `BuildMethod: makefile` passes `ARTIFACTS_DIR`).
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    out_dir: Option<PathBuf>,
    /// The function's CPU architecture, as the template's `Architectures` names it.
    #[arg(long, value_enum, default_value_t = Arch::X86_64, env = "LAMBDA_ARCH")]
    arch: Arch,
    /// What the package holds: the host and the bundle, only the host (a layer shared by
    /// several functions), or only the bundle (a function whose host comes from a layer).
    #[arg(long, value_enum, default_value_t = Contents::All)]
    only: Contents,
    /// Use this Lambda host instead of building one (a `bootstrap` built for `--arch`).
    #[arg(long, value_name = "FILE")]
    bootstrap: Option<PathBuf>,
    /// The Switchyard source the host is built from [default: the source this `switchyard`
    /// was built from].
    #[arg(long, value_name = "DIR")]
    host_source: Option<PathBuf>,
}

/// A Lambda function's CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Arch {
    #[value(name = "x86_64")]
    X86_64,
    #[value(name = "arm64")]
    Arm64,
}

impl Arch {
    /// The Rust target the host is built for: static musl, so it runs on Amazon Linux 2023
    /// whatever glibc the build machine has.
    fn triple(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-musl",
            Arch::Arm64 => "aarch64-unknown-linux-musl",
        }
    }

    /// True when this machine runs Linux on this CPU, so the host builds with musl-gcc and
    /// runs here.
    fn is_native(self) -> bool {
        cfg!(target_os = "linux") && same_architecture(self.triple())
    }
}

/// What goes into the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Contents {
    /// `bootstrap` and `bundle/`.
    All,
    /// `bootstrap` only.
    Host,
    /// `bundle/` only.
    Bundle,
}

impl PackageCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let triple = self.arch.triple();
        let wants_bundle = self.only != Contents::Host;
        let wants_host = self.only != Contents::Bundle;
        // Everything is checked before anything is built.
        let project = match wants_bundle {
            true => Some(Project::open(&self.dir)?),
            false => None,
        };
        let host = match (wants_host, &self.bootstrap) {
            (false, _) => None,
            (true, Some(given)) => Some(HostBuild::Given(checked_bootstrap(given)?)),
            (true, None) => Some(HostBuild::FromSource(host_source(self.host_source)?)),
        };

        let (stage, zip) = match (&self.out_dir, &project) {
            (Some(dir), _) => (dir.clone(), None),
            (None, Some(project)) => {
                let zip = self
                    .out
                    .clone()
                    .unwrap_or_else(|| project.lambda_dir().with_extension("zip"));
                (project.lambda_dir().join("package"), Some(zip))
            }
            (None, None) => {
                let zip = self.out.clone().context(
                    "`--only host` has no project to name the zip after: pass `--out FILE` or `--out-dir DIR`",
                )?;
                (zip.with_extension("package"), Some(zip))
            }
        };
        reset_dir(&stage, &["bootstrap", "bundle"])?;

        if let Some(host) = host {
            let bootstrap = match host {
                HostBuild::Given(path) => path,
                HostBuild::FromSource(source) => build_host(&source, self.arch)?,
            };
            let target = stage.join("bootstrap");
            std::fs::copy(&bootstrap, &target).with_context(|| {
                format!(
                    "cannot copy `{}` to `{}`",
                    bootstrap.display(),
                    target.display()
                )
            })?;
            set_executable(&target)?;
        }
        if let Some(project) = &project {
            let built = project.lambda_dir().join("bundle");
            build_project(&project.dir, &built, Profile::Release)?;
            copy_bundle(&built, &stage.join("bundle"))?;
            let bundle = Bundle::open(&stage.join("bundle"))?;
            for out in precompile_for_target(&bundle, triple).with_context(|| {
                format!(
                    "cannot precompile the bundle for {triple}{}",
                    match self.arch.is_native() {
                        true => "",
                        false => "; run `switchyard package` with a switchyard built with `--features wasmtime/all-arch`",
                    }
                )
            })? {
                eprintln!("precompiled {} for {triple}", out.display());
            }
        }
        let written = match zip {
            Some(zip) => {
                let files = write_zip(&stage, &zip)?;
                eprintln!("packaged for {triple}: {} ({files} files)", zip.display());
                zip
            }
            None => {
                eprintln!("packaged for {triple} in {}", stage.display());
                stage
            }
        };
        println!("{}", written.display());
        Ok(())
    }
}

/// Where the host comes from.
enum HostBuild {
    Given(PathBuf),
    FromSource(PathBuf),
}

/// The project being packaged: its directory, name and cargo target directory.
struct Project {
    dir: PathBuf,
    name: String,
    target_dir: PathBuf,
}

impl Project {
    fn open(dir: &Path) -> anyhow::Result<Self> {
        let bundle = Bundle::open(dir)?;
        let Some(cargo_toml) = project::cargo_toml_for(dir) else {
            anyhow::bail!(
                "`{}` has no Cargo.toml, nor any directory above it; run this in a handler project (`switchyard new NAME` makes one) or pass `--dir`",
                dir.display()
            );
        };
        let target_dir = Metadata::read(&cargo_toml)?.target_directory;
        // The manifest's name, else the directory's.
        let name = bundle.manifest.name.clone().unwrap_or_else(|| {
            std::fs::canonicalize(dir)
                .ok()
                .and_then(|dir| Some(dir.file_name()?.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "bundle".to_string())
        });
        Ok(Self {
            dir: dir.to_path_buf(),
            name,
            target_dir,
        })
    }

    /// `TARGET/lambda/NAME`: the package's working files.
    fn lambda_dir(&self) -> PathBuf {
        self.target_dir.join("lambda").join(&self.name)
    }
}

/// The host's source: given, else the workspace this binary was built from, while it exists.
fn host_source(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let source = given.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    let manifest = source.join("host/Cargo.toml");
    let is_host =
        std::fs::read_to_string(&manifest).is_ok_and(|text| text.contains("name = \"switchyard\""));
    if !is_host {
        anyhow::bail!(
            "`{}` is not a Switchyard source (no host/Cargo.toml for package `switchyard`); pass `--host-source DIR` (a checkout of Switchyard) or `--bootstrap FILE` (a Lambda host already built)",
            source.display()
        );
    }
    Ok(source)
}

/// A given bootstrap must be a file; it is copied as it is.
fn checked_bootstrap(path: &Path) -> anyhow::Result<PathBuf> {
    if !path.is_file() {
        anyhow::bail!("`--bootstrap {}` is not a file", path.display());
    }
    Ok(path.to_path_buf())
}

/// Builds the host for `arch` in release mode from `source` (a no-op when cargo finds it up
/// to date) and returns the binary.
fn build_host(source: &Path, arch: Arch) -> anyhow::Result<PathBuf> {
    let triple = arch.triple();
    ensure_rust_target(triple)?;
    let mut command = Command::new(cargo());
    if arch.is_native() {
        // wasmtime's dependencies have C parts; musl-gcc links them statically.
        if !on_path("musl-gcc") {
            anyhow::bail!(
                "building the Lambda host for {triple} needs `musl-gcc`, which is not on PATH: install it (Debian and Ubuntu: `sudo apt-get install musl-tools`; Fedora: `sudo dnf install musl-gcc`), or pass `--bootstrap FILE`"
            );
        }
        command
            .arg("build")
            .env(format!("CC_{}", triple.replace('-', "_")), "musl-gcc");
    } else {
        if !on_path("cargo-zigbuild") {
            anyhow::bail!(
                "building the Lambda host for {triple} on this machine needs `cargo zigbuild`: `pip install cargo-zigbuild ziglang` (or `cargo install cargo-zigbuild` with zig installed), or pass `--bootstrap FILE`"
            );
        }
        command.arg("zigbuild");
    }
    eprintln!("building the Switchyard host for {triple} (release; minutes the first time)");
    // In the source's own target directory, whatever the project's is: every project then
    // reuses one host build.
    command
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    let mut child = command
        .args(["--release", "--package", "switchyard", "--target", triple])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(source.join("Cargo.toml"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot run `{}`", cargo().to_string_lossy()))?;
    let stdout = child.stdout.take().context("cargo's stdout")?;
    let mut binary = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.context("cannot read cargo's output")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == "switchyard"
            && let Some(executable) = message["executable"].as_str()
        {
            binary = Some(PathBuf::from(executable));
        }
    }
    let status = child.wait().context("cargo did not finish")?;
    if !status.success() {
        anyhow::bail!("building the Lambda host for {triple} failed (cargo's errors are above)");
    }
    binary.context("cargo built no `switchyard` binary")
}

/// Adds the Rust target with rustup when it is missing, as `make package` does.
fn ensure_rust_target(triple: &str) -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let Ok(installed) = installed else {
        // No rustup: the toolchain is managed some other way; cargo says if the target is missing.
        return Ok(());
    };
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == triple)
    {
        return Ok(());
    }
    eprintln!("installing the Rust target {triple} (rustup target add {triple})");
    let status = Command::new("rustup")
        .args(["target", "add", triple])
        .status()
        .context("cannot run rustup")?;
    if !status.success() {
        anyhow::bail!("`rustup target add {triple}` failed; run it yourself and try again");
    }
    Ok(())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Empties `dir` of the package's own entries (`names`), keeping anything else there.
fn reset_dir(dir: &Path, names: &[&str]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    for name in names {
        let path = dir.join(name);
        let removed = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(_) => Ok(()),
        };
        removed.with_context(|| format!("cannot remove `{}`", path.display()))?;
    }
    Ok(())
}

/// Copies a built bundle without its precompiled code, which is for this machine's CPU.
fn copy_bundle(from: &Path, to: &Path) -> anyhow::Result<()> {
    for file in files_under(from)? {
        if file.extension().is_some_and(|ext| ext == "cwasm") {
            continue;
        }
        let relative = file.strip_prefix(from).unwrap_or(&file);
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&file, &target)
            .with_context(|| format!("cannot copy `{}`", file.display()))?;
    }
    if !to.join(MANIFEST_FILE).exists() {
        anyhow::bail!(
            "the built bundle `{}` has no {MANIFEST_FILE}",
            from.display()
        );
    }
    Ok(())
}

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read `{}`", dir.display()))?
        {
            let path = entry?.path();
            match path.is_dir() {
                true => pending.push(path),
                false => files.push(path),
            }
        }
    }
    files.sort();
    Ok(files)
}

fn set_executable(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make `{}` executable", path.display()))?;
    }
    Ok(())
}

/// Zips `stage` into `zip` reproducibly and returns the number of files: entries sorted and
/// dated 1980-01-01, `bootstrap` and other executables 0755 (Lambda runs `bootstrap` only if
/// it is executable), other files 0644. The host uses a `.cwasm` only when it is not older
/// than its `.wasm`: equal dates satisfy that when the unzipper keeps them, and the `.cwasm`
/// files come last so that it holds too when the unzipper dates each file as it writes it.
fn write_zip(stage: &Path, zip: &Path) -> anyhow::Result<usize> {
    let mut files = files_under(stage)?;
    files.sort_by_key(|f| (f.extension().is_some_and(|e| e == "cwasm"), f.clone()));
    if let Some(parent) = zip.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let partial = zip.with_extension("zip.tmp");
    let mut writer = zip::ZipWriter::new(
        std::fs::File::create(&partial)
            .with_context(|| format!("cannot create `{}`", partial.display()))?,
    );
    for file in &files {
        let name = file
            .strip_prefix(stage)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let mode = match is_executable(file) {
            true => 0o755,
            false => 0o644,
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        writer.start_file(name, options)?;
        writer.write_all(&std::fs::read(file)?)?;
    }
    writer.finish()?;
    std::fs::rename(&partial, zip).with_context(|| format!("cannot write `{}`", zip.display()))?;
    Ok(files.len())
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
    }
    #[cfg(not(unix))]
    {
        path.file_name().is_some_and(|n| n == "bootstrap")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_arch_builds_its_musl_target() {
        assert_eq!(Arch::X86_64.triple(), "x86_64-unknown-linux-musl");
        assert_eq!(Arch::Arm64.triple(), "aarch64-unknown-linux-musl");
        let here = match std::env::consts::ARCH {
            "x86_64" => Arch::X86_64,
            _ => Arch::Arm64,
        };
        assert_eq!(here.is_native(), cfg!(target_os = "linux"));
    }

    #[test]
    fn the_zip_is_reproducible_with_an_executable_bootstrap_and_precompiled_code_last() {
        let stage = tempdir("stage");
        std::fs::create_dir_all(stage.join("bundle")).unwrap();
        std::fs::write(stage.join("bootstrap"), b"host").unwrap();
        set_executable(&stage.join("bootstrap")).unwrap();
        std::fs::write(stage.join("bundle/app.cwasm"), b"code").unwrap();
        std::fs::write(stage.join("bundle/app.wasm"), b"wasm").unwrap();
        std::fs::write(stage.join("bundle/switchyard.json"), b"{}").unwrap();
        let first = stage.with_extension("1.zip");
        let second = stage.with_extension("2.zip");
        assert_eq!(write_zip(&stage, &first).unwrap(), 4);
        write_zip(&stage, &second).unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap()
        );

        let mut archive = zip::ZipArchive::new(std::fs::File::open(&first).unwrap()).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "bootstrap",
                "bundle/app.wasm",
                "bundle/switchyard.json",
                "bundle/app.cwasm"
            ]
        );
        assert_eq!(
            archive.by_name("bootstrap").unwrap().unix_mode(),
            Some(0o100755)
        );
        assert_eq!(
            archive.by_name("bundle/app.wasm").unwrap().unix_mode(),
            Some(0o100644)
        );
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("switchyard-package-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
