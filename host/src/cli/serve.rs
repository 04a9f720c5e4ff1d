//! `switchyard serve`: the local dev server.

use super::{BundleArg, SourceArg};
use crate::bundle::Bundle;
use crate::dev::{ServeOptions, serve};
use crate::request::EventSource;

/// Serve a bundle over HTTP on 127.0.0.1, swapping in changed components with `--watch`.
///
/// Each request becomes a Lambda event of the chosen source, runs through the same pipeline
/// as in Lambda, and its answer goes back as HTTP. Prints `Serving on http://127.0.0.1:PORT/`
/// once listening; Ctrl-C finishes in-flight requests and stops. Each request is traced as
/// in Lambda: its stages (validation, each middleware, the handler, a guest's own
/// subsegments) and their times are logged after its access line.
///
/// Examples:
///   switchyard serve --bundle target/bundles/todos --watch
///   switchyard serve --bundle target/bundles/todos --port 0 --source http-v2
///   switchyard serve --bundle target/bundles/todos --xray-daemon 127.0.0.1:2000
///   curl http://127.0.0.1:3000/todos
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct ServeCommand {
    #[command(flatten)]
    bundle: BundleArg,
    /// The port on 127.0.0.1; 0 takes any free port.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    #[command(flatten)]
    source: SourceArg,
    /// Load the bundle again when its manifest or a component file changes, and swap it in
    /// without dropping a request; a version that fails to load is refused.
    #[arg(long)]
    watch: bool,
    /// Also send each request's X-Ray subsegments to the X-Ray daemon at this UDP address
    /// (`host:port`), in a trace of its own, as Lambda's tracing does.
    #[arg(long, value_name = "ADDRESS")]
    xray_daemon: Option<String>,
}

impl ServeCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let dir = self.bundle.bundle;
        let source = self
            .source
            .or_bundles(Bundle::open(&dir)?.manifest.source)?
            .unwrap_or(EventSource::RestV1);
        serve(ServeOptions {
            bundle: dir,
            port: self.port,
            source,
            watch: self.watch,
            xray_daemon: self.xray_daemon,
        })
    }
}
