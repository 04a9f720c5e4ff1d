//! `switchyard compile`: precompile a bundle's components for this host, or for another
//! target (the Lambda host's architecture).

use std::path::PathBuf;

use anyhow::Context as _;
use wasmtime::component::Component;

use super::BundleArg;
use crate::bundle::Bundle;
use crate::runtime::{shared_engine, target_engine};

/// Precompile every component of a bundle (writes a `.cwasm` beside each `.wasm`), so the
/// host loads them in well under a millisecond instead of compiling at cold start.
///
/// Without `--target` the code is for this machine, CPU features included. With it, the
/// code is for any CPU of that target's architecture, as a Lambda package needs.
///
/// Examples:
///   switchyard compile --bundle target/bundles/todos
///   switchyard compile --bundle bundle/ --target aarch64-unknown-linux-musl
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct CompileCommand {
    #[command(flatten)]
    bundle: BundleArg,
    /// Compile for this target triple (e.g. `x86_64-unknown-linux-musl`,
    /// `aarch64-unknown-linux-musl`) with the architecture's baseline CPU features.
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
}

impl CompileCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let bundle = Bundle::open(&self.bundle.bundle)?;
        let Some(target) = self.target else {
            for path in bundle.precompile()? {
                eprintln!("precompiled {}", path.display());
            }
            // Loading proves the bundle is complete: every component links and declares valid routes.
            bundle.load()?;
            return Ok(());
        };
        for out in precompile_for_target(&bundle, &target)? {
            eprintln!("precompiled {} for {target}", out.display());
        }
        Ok(())
    }
}

/// Precompiles every component of `bundle` for `target` (a Lambda host's triple) and returns
/// the `.cwasm` files written. The bundle is loaded first, so one that does not link or
/// declares invalid routes is refused here rather than at cold start.
pub(super) fn precompile_for_target(bundle: &Bundle, target: &str) -> anyhow::Result<Vec<PathBuf>> {
    let engine = target_engine(target)?;
    // This host checks the bundle first (links, routes); it compiles what it cannot load.
    bundle.load()?;
    let mut written = Vec::new();
    for entry in &bundle.manifest.components {
        let wasm = bundle.wasm_path(entry);
        let out = bundle
            .precompile_with(&engine, entry)
            .with_context(|| format!("failed to compile `{}` for `{target}`", wasm.display()))?;
        written.push(out);
    }
    // On this architecture the artifacts must load into the host's own engine as they are,
    // or the host would silently compile at every cold start.
    if same_architecture(target) {
        let host = shared_engine()?;
        for out in &written {
            // SAFETY: the artifact was just written by an engine with the host's settings.
            unsafe { Component::deserialize_file(&host, out) }
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!("`{}` does not load into this host's engine", out.display())
                })?;
        }
    }
    Ok(written)
}

/// True when `target` names this machine's architecture.
pub(super) fn same_architecture(target: &str) -> bool {
    let arch = target.split('-').next().unwrap_or_default();
    arch == std::env::consts::ARCH || (arch == "arm64" && std::env::consts::ARCH == "aarch64")
}
