//! Test helpers: a bundle loaded in-process, paths to the shared conformance data, and the
//! `switchyard` binary.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
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

    /// The loaded pipeline.
    pub(crate) fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The Lambda response for an event.
    pub(crate) fn invoke(&self, event: &Value) -> Value {
        self.invoke_in(event, &InvocationContext::local())
    }

    /// The Lambda response for an event invoked with `context`, read back from the JSON text
    /// Lambda would be sent.
    pub(crate) fn invoke_in(&self, event: &Value, context: &InvocationContext) -> Value {
        let response = self
            .pipeline
            .handle(event.to_string().as_bytes(), context)
            .expect("event decodes");
        let text = serde_json::to_string(&response).expect("the response serializes");
        serde_json::from_str(&text).expect("the response is JSON")
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

/// A guest component by its `.wasm` file name, built (once per test run) from the guest
/// crate that makes it, under `examples/` or `tests/guests/`, through `switchyard::testing`:
/// test-only guests that no bundle names are built here too.
pub(crate) fn guest_wasm(file: &str) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>> =
        OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(path) = built.get(file) {
        return path.clone();
    }
    let crate_dir = guest_crates()
        .into_iter()
        .find(|dir| {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            manifest.lines().any(|line| {
                line.trim()
                    .strip_prefix("name = \"")
                    .and_then(|rest| rest.strip_suffix('"'))
                    .is_some_and(|name| format!("{}.wasm", name.replace('-', "_")) == file)
            })
        })
        .unwrap_or_else(|| {
            panic!("no guest crate under examples/ or tests/guests/ makes `{file}`")
        });
    let path = switchyard::testing::build_component(&crate_dir)
        .unwrap_or_else(|e| panic!("`{}` does not build: {e:#}", crate_dir.display()));
    built.insert(file.to_string(), path.clone());
    path
}

/// Every guest crate directory: `examples/*`, `tests/guests/*` and one level below each.
fn guest_crates() -> Vec<PathBuf> {
    let children = |dir: PathBuf| -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.is_dir())
            .collect();
        dirs.sort();
        dirs
    };
    let top: Vec<PathBuf> = ["examples", "tests/guests"]
        .into_iter()
        .flat_map(|dir| children(workspace().join(dir)))
        .collect();
    let nested: Vec<PathBuf> = top.iter().flat_map(|dir| children(dir.clone())).collect();
    top.into_iter()
        .chain(nested)
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect()
}

/// A bundle written for one test in a scratch directory, removed however the test ends.
pub(crate) struct ScratchBundle {
    /// The bundle directory.
    pub(crate) dir: PathBuf,
}

impl ScratchBundle {
    /// A bundle with this manifest and these components (`.wasm` files copied in by name).
    pub(crate) fn new(label: &str, manifest: &Value, components: &[PathBuf]) -> ScratchBundle {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = workspace()
            .join("target/tmp")
            .join(format!("bundle-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for wasm in components {
            std::fs::copy(wasm, dir.join(wasm.file_name().unwrap())).unwrap();
        }
        std::fs::write(
            dir.join("switchyard.json"),
            serde_json::to_string_pretty(manifest).unwrap(),
        )
        .unwrap();
        ScratchBundle { dir }
    }

    /// Loads the bundle in this process.
    pub(crate) fn load(&self) -> anyhow::Result<Pipeline> {
        Bundle::open(&self.dir)?.load()
    }

    /// Runs `switchyard compile` on the bundle with only these environment variables and
    /// info-level logging: what it wrote to stderr. Panics when it fails.
    pub(crate) fn compile(&self, env: &[(&str, &str)]) -> String {
        let output = run_switchyard(
            |command| {
                command
                    .args(["compile", "--bundle"])
                    .arg(&self.dir)
                    .env_clear()
                    .env("SWITCHYARD_LOG_LEVEL", "info")
                    .envs(env.iter().copied());
            },
            "",
        );
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success(),
            "switchyard compile failed: {stderr}"
        );
        stderr
    }

    /// Runs `switchyard invoke --jsonl` on `events` with only these environment variables: the
    /// exit status, the responses, and what the host wrote to stderr.
    pub(crate) fn invoke(
        &self,
        events: &[Value],
        env: &[(&str, &str)],
    ) -> (std::process::ExitStatus, Vec<Value>, String) {
        let input: String = events.iter().map(|e| format!("{e}\n")).collect();
        let events_file = self.dir.join("events.jsonl");
        std::fs::write(&events_file, input).unwrap();
        let mut command = std::process::Command::new(switchyard_bin());
        command
            .args(["invoke", "--bundle"])
            .arg(&self.dir)
            .arg("--jsonl")
            .arg(&events_file)
            // Only the variables the test names: the machine's own (AWS_CA_BUNDLE...) would
            // blur what a grant let through.
            .env_clear()
            .env("SWITCHYARD_LOG_LEVEL", "warn");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        let responses = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (
            output.status,
            responses,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

impl Drop for ScratchBundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The REST event the `features` guest's tests send for `GET path` (request id `r-1`), as
/// `tests/conformance/observability/record.py` sends it to Powertools.
pub(crate) fn features_get(path: &str) -> Value {
    serde_json::json!({
        "httpMethod": "GET", "path": path,
        "requestContext": {"requestId": "r-1", "stage": "$default"},
        "multiValueHeaders": {"Accept": ["application/json"]},
    })
}

/// A REST v1 event for `method path` with headers.
pub(crate) fn rest_event(method: &str, path: &str, headers: &[(&str, &str)]) -> Value {
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(vec![*v])))
        .collect();
    serde_json::json!({
        "httpMethod": method, "path": path, "multiValueHeaders": headers,
        "requestContext": {"requestId": "test-request"},
    })
}

/// A Lambda response's status and JSON body (`Null` when the body is not JSON).
pub(crate) fn status_and_body(response: &Value) -> (u64, Value) {
    let body = response["body"]
        .as_str()
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (response["statusCode"].as_u64().unwrap_or_default(), body)
}

/// Runs `switchyard` as `configure` sets it up (arguments, environment, directory), with
/// `stdin` as its input; its output, whatever its exit status.
pub(crate) fn run_switchyard(configure: impl FnOnce(&mut Command), stdin: &str) -> Output {
    let mut command = Command::new(switchyard_bin());
    configure(&mut command);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("switchyard runs");
    // Dropped once written: the command reads to the end of its input. One that refuses its
    // arguments exits without reading it, and the pipe breaks: its output says why.
    let mut input = child.stdin.take().expect("stdin is piped");
    match input.write_all(stdin.as_bytes()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.expect("switchyard reads its input"),
    }
    drop(input);
    child.wait_with_output().expect("switchyard finishes")
}

/// Runs `switchyard invoke` on one event of bundle `bundle`, with `POWERTOOLS_DEV` set to
/// `powertools_dev` (or unset): its stdout response and its stderr log.
pub(crate) fn invoke_cli(
    bundle: &str,
    event: &Value,
    powertools_dev: Option<&str>,
) -> (Value, String) {
    let out = run_switchyard(
        |cmd| {
            cmd.args(["invoke", "--bundle"])
                .arg(bundle_dir(bundle))
                .arg("-")
                .env_remove("POWERTOOLS_DEV");
            if let Some(value) = powertools_dev {
                cmd.env("POWERTOOLS_DEV", value);
            }
        },
        &event.to_string(),
    );
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{log}");
    let response = serde_json::from_slice(&out.stdout).expect("stdout is the response JSON");
    (response, log)
}
