//! `switchyard compile`: precompile a bundle's components for this host.

use super::BundleArg;
use crate::bundle::Bundle;

/// Precompile every component of a bundle (writes a `.cwasm` beside each `.wasm`), so the
/// host loads them in well under a millisecond instead of compiling at cold start.
///
/// Example:
///   switchyard compile --bundle target/bundles/todos
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct CompileCommand {
    #[command(flatten)]
    bundle: BundleArg,
}

impl CompileCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let bundle = Bundle::open(&self.bundle.bundle)?;
        for path in bundle.precompile()? {
            eprintln!("precompiled {}", path.display());
        }
        // Loading proves the bundle is complete: every component links and declares valid routes.
        bundle.load()?;
        Ok(())
    }
}
