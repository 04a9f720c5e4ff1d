//! Testing your handlers: the real host, in process, for a guest author's `cargo test`.
//!
//! The Powertools docs test a handler by calling `lambda_handler(event, context)` with a
//! minimal event and a fake Lambda context, then asserting on `statusCode` and `body`. This
//! module does the same with a component: [`TestApp`] loads it (from its crate, a `.wasm` or a
//! bundle) into the same pipeline Lambda runs, [`TestApp::invoke`] takes any event, full or
//! minimal, and [`TestApp::request`] builds one from a [`TestRequest`]. A [`TestResponse`] gives
//! both the Lambda response JSON and a decoded view of it.
//!
//! ```no_run
//! use switchyard::testing::{TestApp, TestRequest};
//!
//! let app = TestApp::from_crate(env!("CARGO_MANIFEST_DIR")).unwrap();
//! let response = app.invoke(&serde_json::json!({
//!     "path": "/todos", "httpMethod": "GET", "requestContext": {"requestId": "227b78aa"},
//! }));
//! assert_eq!(response.status(), 200);
//! let created = app.request(TestRequest::post("/todos").json(serde_json::json!({"title": "x"})));
//! assert_eq!(created.status(), 201);
//! ```

mod request;
mod response;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

pub use request::TestRequest;
pub use response::TestResponse;

use crate::bundle::{Bundle, BundleManifest, MANIFEST_FILE};
use crate::invocation::InvocationContext;
use crate::pipeline::Pipeline;
use crate::project::{self, Build, Metadata, Profile};

/// A component (or a whole bundle) loaded into the real host, ready for events.
pub struct TestApp {
    pipeline: Pipeline,
    context: InvocationContext,
}

impl TestApp {
    /// Loads a bundle directory (`switchyard.json` and its components).
    pub fn from_bundle(dir: impl AsRef<Path>) -> anyhow::Result<Self> {
        let pipeline = Bundle::open(dir.as_ref())?.load()?;
        Ok(Self::new(pipeline))
    }

    /// Loads one built component with default settings.
    pub fn from_component(wasm: impl AsRef<Path>) -> anyhow::Result<Self> {
        let wasm = wasm.as_ref();
        let name = wasm
            .file_stem()
            .map_or("component".into(), |s| s.to_string_lossy().into_owned());
        let manifest = json!({"name": name, "components": [{"name": name, "file": wasm}]});
        Self::from_manifest(wasm.parent().unwrap_or(Path::new(".")), manifest)
    }

    /// Builds the guest crate at `crate_dir` for `wasm32-wasip2` (a no-op when it is up to
    /// date) and loads it. A `switchyard.json` beside its `Cargo.toml` supplies the bundle
    /// settings (debug, limits, source); its component is the crate just built.
    ///
    /// In a guest crate's own tests: `TestApp::from_crate(env!("CARGO_MANIFEST_DIR"))`.
    pub fn from_crate(crate_dir: impl AsRef<Path>) -> anyhow::Result<Self> {
        let crate_dir = crate_dir.as_ref();
        let wasm = build_crate(crate_dir)?;
        let settings = crate_dir.join(MANIFEST_FILE);
        if !settings.exists() {
            return Self::from_component(&wasm);
        }
        let text = std::fs::read_to_string(&settings)
            .with_context(|| format!("failed to read `{}`", settings.display()))?;
        let mut manifest: Value = serde_json::from_str(&text)
            .with_context(|| format!("`{}` is not JSON", settings.display()))?;
        let components = manifest["components"].as_array_mut();
        match components.map(|c| c.as_mut_slice()) {
            Some([only]) => only["file"] = json!(wasm),
            _ => bail!(
                "`{}` must list exactly one component to test its crate; use `TestApp::from_bundle` for bundles of several",
                settings.display()
            ),
        }
        Self::from_manifest(crate_dir, manifest)
    }

    fn from_manifest(dir: &Path, manifest: Value) -> anyhow::Result<Self> {
        let manifest: BundleManifest = serde_json::from_value(manifest)?;
        let bundle = Bundle {
            dir: dir.to_path_buf(),
            manifest,
        };
        Ok(Self::new(bundle.load()?))
    }

    fn new(pipeline: Pipeline) -> Self {
        Self {
            pipeline,
            context: InvocationContext::local(),
        }
    }

    /// Reads every event as `source` instead of detecting it: for minimal events that do
    /// not say which source they are (the error of [`TestApp::try_invoke`] tells when).
    pub fn with_source(mut self, source: crate::EventSource) -> Self {
        self.pipeline = self.pipeline.with_source(source);
        self
    }

    /// Answers the dependency `name` (its function's name, `App::dependency(name)` in the
    /// guest) with `value` instead of running it, as Powertools tests set
    /// `app.dependency_overrides[get_user] = lambda: {...}`. The dependency's type reads the
    /// value as it reads JSON.
    pub fn dependency_override(mut self, name: &str, value: Value) -> Self {
        self.pipeline = self.pipeline.with_dependency_override(name, value);
        self
    }

    /// Replaces the fake Lambda context (the docs' defaults: function `test`, 128 MB).
    pub fn with_context(mut self, context: InvocationContext) -> Self {
        self.context = context;
        self
    }

    /// Answers a Lambda event: a full one, or a minimal one as the Powertools docs' tests
    /// write them. An event that cannot be decoded (or whose source cannot be told apart)
    /// gives a response whose [`TestResponse::error`] says why.
    pub fn invoke(&self, event: &Value) -> TestResponse {
        match self.try_invoke(event) {
            Ok(response) => response,
            Err(err) => TestResponse::unanswered(&err.to_string()),
        }
    }

    /// Answers a Lambda event, or says why it could not be decoded.
    pub fn try_invoke(&self, event: &Value) -> anyhow::Result<TestResponse> {
        let bytes = serde_json::to_vec(event)?;
        let response = self.pipeline.handle(&bytes, &self.context)?;
        Ok(TestResponse::answered(response))
    }

    /// Answers a request built with [`TestRequest`], as an event of its source.
    pub fn request(&self, request: TestRequest) -> TestResponse {
        self.invoke(&request.to_event())
    }

    /// The pipeline behind the app.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }
}

/// Builds the guest crate at `crate_dir` for `wasm32-wasip2` without loading it, and returns
/// its component: for a test that puts it in a bundle of its own, or one of a component that
/// must not load. Built as [`TestApp::from_crate`] builds (a no-op when it is up to date).
pub fn build_component(crate_dir: impl AsRef<Path>) -> anyhow::Result<PathBuf> {
    build_crate(crate_dir.as_ref())
}

/// Builds the crate at `crate_dir` for `wasm32-wasip2` as `switchyard watch` does (the
/// incremental `guest-dev` profile: the same code, built in seconds) and returns its component.
fn build_crate(crate_dir: &Path) -> anyhow::Result<PathBuf> {
    let manifest = crate_dir.join("Cargo.toml");
    let metadata = Metadata::read(&manifest)?;
    let (package, wasm) = metadata
        .component_at(&manifest)
        .with_context(|| format!("`{}` is not a package with a `cdylib`", manifest.display()))?;
    // A separate target directory: the `cargo test` running this may hold the main one.
    let build_dir = metadata.target_directory.join("switchyard-testing");
    let packages = [package.to_string()];
    let artifacts = project::build(
        &manifest,
        Build::Components(&packages),
        Profile::Dev,
        Some(&build_dir),
        false,
        |_, _| {},
        |line| eprintln!("{line}"),
    )?;
    artifacts
        .into_iter()
        .find(|artifact| artifact.file_name() == Some(wasm.as_ref()))
        .with_context(|| format!("`{package}` built no `{wasm}`"))
}
