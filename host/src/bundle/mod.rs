//! Bundles: a directory with `switchyard.json` and the components it names, each with an
//! optional precompiled `.cwasm` beside it.

mod manifest;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use wasmtime::Engine;

pub(crate) use manifest::{
    BundleManifest, ComponentEntry, InstanceMode, MANIFEST_FILE, SwaggerOverride, UnhandledErrors,
};

use crate::log::CorrelationPath;
use crate::pipeline::{Mount, Overrides, Pipeline};
use crate::runtime::{
    AllowedHosts, ComponentSource, OutputLimits, PreinitLimits, Runtime, RuntimeSettings, Sandbox,
    env_grants, preinitialize, read_wasm, shared_engine,
};

/// A bundle on disk.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The bundle directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: BundleManifest,
}

impl Bundle {
    /// Reads and checks the manifest of the bundle in `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        Self::open_manifest(dir, &dir.join(MANIFEST_FILE))
    }

    /// Reads and checks the manifest at `path`, for the components in `dir` (a project's
    /// `switchyard-X.json` describes another bundle of the same crates).
    pub(crate) fn open_manifest(dir: &Path, path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read bundle manifest `{}`", path.display()))?;
        let manifest: BundleManifest = serde_json::from_str(&text)
            .with_context(|| format!("bundle manifest `{}` is invalid", path.display()))?;
        if manifest.components.is_empty() {
            anyhow::bail!("bundle manifest `{}` lists no components", path.display());
        }
        for (i, c) in manifest.components.iter().enumerate() {
            if manifest.components[..i].iter().any(|o| o.name == c.name) {
                anyhow::bail!(
                    "bundle manifest `{}` names component `{}` twice",
                    path.display(),
                    c.name
                );
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// The `.wasm` path of a component.
    pub fn wasm_path(&self, entry: &ComponentEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }

    /// The precompiled artifact path of a component: its `.wasm` path with `.cwasm`.
    pub fn precompiled_path(&self, entry: &ComponentEntry) -> PathBuf {
        self.wasm_path(entry).with_extension("cwasm")
    }

    /// What a component may use and its own limits, from its entry and the host's
    /// environment. A grant that cannot be honoured (a missing directory, a malformed host)
    /// is an error naming the component.
    pub fn sandbox(&self, entry: &ComponentEntry) -> anyhow::Result<Sandbox> {
        let name = &entry.name;
        let hosts = AllowedHosts::parse(&entry.allowed_hosts)
            .with_context(|| format!("component `{name}` has an invalid `allowed_hosts` entry"))?;
        let mut dirs = Vec::new();
        for grant in &entry.dirs {
            let host = self.dir.join(&grant.path);
            if !host.is_dir() {
                anyhow::bail!(
                    "component `{name}` is granted directory `{}`, which is not a directory",
                    host.display()
                );
            }
            if !grant.mount.starts_with('/') {
                anyhow::bail!(
                    "component `{name}` mounts `{}` at `{}`; a mount must be an absolute path",
                    grant.path.display(),
                    grant.mount
                );
            }
            dirs.push((host, grant.mount.clone()));
        }
        Ok(Sandbox {
            env: env_grants(&entry.env, std::env::vars()),
            dirs,
            hosts: Arc::new(hosts),
            memory_limit: entry.limits.memory_mb.map(|mb| (mb as usize) << 20),
            timeout: entry.limits.timeout_ms.map(Duration::from_millis),
        })
    }

    /// Loads every component and builds the API.
    pub fn load(&self) -> anyhow::Result<Pipeline> {
        let sources: Vec<ComponentSource> = self
            .manifest
            .components
            .iter()
            .map(|entry| {
                Ok(ComponentSource {
                    name: entry.name.clone(),
                    wasm: self.wasm_path(entry),
                    precompiled: Some(self.precompiled_path(entry)),
                    sandbox: self.sandbox(entry)?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .with_context(|| format!("failed to load bundle `{}`", self.dir.display()))?;
        let limits = &self.manifest.limits;
        let settings = RuntimeSettings {
            fresh_instances: self.manifest.instances == InstanceMode::Fresh,
            memory_limit: (limits.memory_mb as usize) << 20,
            call_timeout: Duration::from_millis(limits.timeout_ms),
            response_bytes: limits.response_bytes,
            response_headers: limits.response_headers,
            response_header_bytes: limits.response_header_bytes,
            output: OutputLimits {
                bytes: limits.log_bytes,
                lines: limits.log_lines,
            },
        };
        let runtime: Arc<Runtime> = Runtime::load(&sources, settings)
            .with_context(|| format!("failed to load bundle `{}`", self.dir.display()))?;
        let mounts: Vec<Mount> = self
            .manifest
            .components
            .iter()
            .map(|c| Mount {
                prefix: c.prefix.clone(),
                route_timeouts: c
                    .limits
                    .routes
                    .iter()
                    .map(|(route, ms)| (route.clone(), Duration::from_millis(*ms)))
                    .collect(),
            })
            .collect();
        let overrides = Overrides {
            debug: self.manifest.debug,
            source: self.manifest.source,
            bundle_dir: Some(self.dir.clone()),
            swagger: self.manifest.swagger.clone(),
            correlation_path: self
                .manifest
                .correlation_id_path
                .as_deref()
                .map(CorrelationPath::parse)
                .transpose()
                .map_err(|err| anyhow::anyhow!("bundle `{}`: {err}", self.dir.display()))?,
            metrics: self.manifest.metrics.clone(),
            unhandled_errors: self.manifest.unhandled_errors,
        };
        Pipeline::new(runtime, &mounts, overrides)
            .with_context(|| format!("bundle `{}` has an invalid route table", self.dir.display()))
    }

    /// Precompiles every component for this host's engine, writing `.cwasm` files.
    pub fn precompile(&self) -> anyhow::Result<Vec<PathBuf>> {
        self.manifest
            .components
            .iter()
            .map(|entry| self.precompile_component(entry))
            .collect()
    }

    /// Precompiles one component for this host's engine, writing its `.cwasm` file.
    pub fn precompile_component(&self, entry: &ComponentEntry) -> anyhow::Result<PathBuf> {
        self.precompile_with(&shared_engine()?, entry)
    }

    /// Precompiles one component with `engine` (this host's, or one for another target),
    /// writing its `.cwasm` file.
    pub fn precompile_with(
        &self,
        engine: &Engine,
        entry: &ComponentEntry,
    ) -> anyhow::Result<PathBuf> {
        let artifact = self.compile_artifact(engine, entry)?;
        let out = self.precompiled_path(entry);
        replace_file(&out, &artifact)
            .with_context(|| format!("failed to write `{}`", out.display()))?;
        Ok(out)
    }

    /// A component's precompiled artifact from `engine`: of its pre-initialised snapshot (see
    /// `runtime::preinitialize`) where one can be made and compiled, else of its `.wasm` as it
    /// is, with the reason logged.
    fn compile_artifact(&self, engine: &Engine, entry: &ComponentEntry) -> anyhow::Result<Vec<u8>> {
        let wasm = self.wasm_path(entry);
        let bytes = read_wasm(&wasm)?;
        let limits = &self.manifest.limits;
        let memory_mb = entry.limits.memory_mb.unwrap_or(limits.memory_mb);
        let timeout_ms = entry.limits.timeout_ms.unwrap_or(limits.timeout_ms);
        let preinit = PreinitLimits {
            memory: (memory_mb as usize) << 20,
            timeout: Duration::from_millis(timeout_ms),
        };
        let snapshot = preinitialize(&shared_engine()?, &bytes, preinit).and_then(|snapshot| {
            engine
                .precompile_component(&snapshot)
                .map_err(anyhow::Error::from)
                .context("its snapshot does not compile")
        });
        match snapshot {
            Ok(artifact) => return Ok(artifact),
            Err(why) => crate::log::info(&format!(
                "`{}` is not pre-initialised: {why:#}; its instances build the app on their first call",
                wasm.display()
            )),
        }
        engine
            .precompile_component(&bytes)
            .map_err(anyhow::Error::from)
            .with_context(|| {
                format!(
                    "`{}` is not a WebAssembly component (build it for `wasm32-wasip2`)",
                    wasm.display()
                )
            })
    }
}

/// Writes `bytes` to `path` as a new file renamed over the old one, never into the old one.
///
/// A serving host maps a component's `.cwasm` into memory and runs its code from the file's
/// pages, so rewriting that file in place changes the code under a running instance (the
/// server dies of SIGBUS or worse). After a rename the old file lives on for whoever still
/// maps it; and a watcher never sees a half-written file.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;
    use std::os::unix::fs::MetadataExt as _;

    use super::replace_file;

    #[test]
    fn a_replaced_file_is_a_new_file_and_whoever_holds_the_old_one_reads_it_whole() {
        let dir = std::env::temp_dir().join(format!("switchyard-replace-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.cwasm");
        std::fs::write(&path, b"the code being run").unwrap();
        let old_inode = std::fs::metadata(&path).unwrap().ino();
        let mut held = std::fs::File::open(&path).unwrap();

        replace_file(&path, b"new code").unwrap();

        assert_eq!(std::fs::read(&path).unwrap(), b"new code");
        assert_ne!(std::fs::metadata(&path).unwrap().ino(), old_inode);
        let mut old = Vec::new();
        held.read_to_end(&mut old).unwrap();
        assert_eq!(
            old, b"the code being run",
            "the old file changed under its reader"
        );
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["app.cwasm"], "no temporary file is left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
