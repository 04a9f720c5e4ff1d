//! Test helpers: a bundle loaded in-process, paths to the shared conformance data, and the
//! `switchyard` binary.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use switchyard::{Bundle, InvocationContext, Pipeline};

/// The workspace root.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// `../shared/conformance`, beside the checkout.
pub(crate) fn conformance_dir() -> PathBuf {
    workspace().join("../shared/conformance")
}

/// A bundle `make bundles` built.
pub(crate) fn bundle_dir(name: &str) -> PathBuf {
    let dir = workspace().join("target/bundles").join(name);
    assert!(
        dir.join("switchyard.json").exists(),
        "bundle `{}` is missing: run `make bundles` first",
        dir.display()
    );
    dir
}

/// A loaded bundle, shared by the tests of one binary.
pub(crate) struct TestHost {
    pipeline: Pipeline,
}

impl TestHost {
    /// Loads a bundle `make bundles` built (once per test binary).
    pub(crate) fn shared(name: &'static str) -> Arc<TestHost> {
        type Loaded = Vec<(&'static str, Arc<TestHost>)>;
        static HOSTS: OnceLock<std::sync::Mutex<Loaded>> = OnceLock::new();
        let hosts = HOSTS.get_or_init(Default::default);
        let mut hosts = hosts.lock().unwrap();
        if let Some((_, host)) = hosts.iter().find(|(n, _)| *n == name) {
            return host.clone();
        }
        let host = Arc::new(TestHost::load(&bundle_dir(name)));
        hosts.push((name, host.clone()));
        host
    }

    /// Loads a bundle from a directory.
    pub(crate) fn load(dir: &Path) -> TestHost {
        let pipeline = Bundle::open(dir)
            .and_then(|b| b.load())
            .unwrap_or_else(|e| panic!("{e:#}"));
        TestHost { pipeline }
    }

    /// The Lambda response for an event.
    pub(crate) fn invoke(&self, event: &Value) -> Value {
        self.pipeline
            .handle(event.to_string().as_bytes(), &InvocationContext::local())
            .expect("event decodes")
    }
}

/// The `switchyard` binary of this build.
pub(crate) fn switchyard_bin() -> PathBuf {
    let bin = workspace().join("target/debug/switchyard");
    assert!(
        bin.exists(),
        "`{}` is missing: run `cargo build -p switchyard`",
        bin.display()
    );
    bin
}

/// The shared cases of one app.
pub(crate) fn cases(app: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(conformance_dir().join("cases.json"))
        .expect("shared/conformance/cases.json");
    let all: Vec<Value> = serde_json::from_str(&text).expect("cases.json is JSON");
    all.into_iter().filter(|c| c["app"] == app).collect()
}
