//! `switchyard openapi`: the OpenAPI 3.1 document of a bundle.

use super::BundleArg;
use crate::bundle::Bundle;

/// Print the OpenAPI 3.1 document built from every component's routes and schemas.
///
/// Examples:
///   switchyard openapi --bundle target/bundles/conformance-validated
///   switchyard openapi --bundle target/bundles/conformance-validated --server /prod > openapi.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct OpenApiCommand {
    #[command(flatten)]
    bundle: BundleArg,
    /// The server URL when the app names none (`/` by default; a stage such as `/prod`).
    #[arg(long, value_name = "URL", default_value = "")]
    server: String,
}

impl OpenApiCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let pipeline = Bundle::open(&self.bundle.bundle)?.load()?;
        let document = pipeline.openapi_document(&self.server)?;
        println!("{}", serde_json::to_string_pretty(&document)?);
        Ok(())
    }
}
