//! Hostile guests (`tests/guests/sandbox/`): each misbehaves in one way, gets its error
//! answer, and the next request to the same component answers 200 from a new instance.
//! The `sandbox` bundle mounts them all beside a well-behaved `neighbour`, with a 500 ms
//! timeout, 32 MiB of memory (8 for the memory bomb) and 1 MiB of response body. Guests
//! that must not load at all (`start-trap`, `wrong-wit`) get scratch bundles of their own.

use serde_json::{Value, json};

use crate::support::{
    ScratchBundle, TestHost, guest_wasm, rest_event, status_and_body, switchyard_bin,
};

include!(concat!(env!("OUT_DIR"), "/guests.rs"));

/// Every guest in `tests/guests/sandbox/` has a test of its name in this module.
macro_rules! assert_test_exists {
    ($name:ident) => {
        #[expect(unused_imports, reason = "the import is the check")]
        use self::$name as _;
    };
}
foreach_guest!(assert_test_exists);

fn call(path: &str) -> (u64, Value) {
    status_and_body(&TestHost::shared("sandbox").invoke(&rest_event("GET", path, &[])))
}

/// The component under `prefix` answers 200 again, and so does its neighbour.
fn assert_recovers(prefix: &str) {
    assert_eq!(call(&format!("{prefix}/ok")), (200, json!({"ok": true})));
    assert_eq!(call("/neighbour/ok"), (200, json!({"ok": true})));
}

#[test]
fn infinite_loop() {
    let (status, body) = call("/loop/spin");
    assert_eq!(status, 504, "{body}");
    assert_eq!(
        body,
        json!({"statusCode": 504, "message": "Gateway Timeout"})
    );
    assert_recovers("/loop");
}

#[test]
fn memory_bomb() {
    let (status, body) = call("/bomb/bomb");
    assert_eq!(status, 500, "{body}");
    assert_eq!(
        body,
        json!({"statusCode": 500, "message": "Internal Server Error"})
    );
    assert_recovers("/bomb");
}

#[test]
fn panic() {
    let (status, body) = call("/panic/panic");
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["message"], "Internal Server Error");
    assert_recovers("/panic");
}

#[test]
fn deep_recursion() {
    let (status, body) = call("/recurse/recurse");
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["message"], "Internal Server Error");
    assert_recovers("/recurse");
}

#[test]
fn huge_response() {
    // Over `response_bytes`: refused by the host's check of the answer.
    let (status, body) = call("/huge/big");
    assert_eq!(
        (status, &body["message"]),
        (500, &json!("Internal Server Error"))
    );
    assert_recovers("/huge");
    // Past the hostcall fuel: refused by wasmtime while copying it out of the guest.
    let (status, _) = call("/huge/huge");
    assert_eq!(status, 500);
    assert_recovers("/huge");
    // More headers than `response_headers`.
    let (status, _) = call("/huge/headers");
    assert_eq!(status, 500);
    assert_recovers("/huge");
}

#[test]
fn env_read() {
    // The test process has an environment (PATH, CARGO_*...); a guest granted nothing sees none of it.
    assert!(std::env::var_os("PATH").is_some());
    assert_eq!(call("/env/env"), (200, json!({})));
    let (status, body) = call("/env/file/secret.txt");
    assert_eq!(status, 200);
    assert!(
        body["error"].is_string(),
        "no `/data` without a grant: {body}"
    );
    assert_recovers("/env");
}

#[test]
fn http_denied() {
    let (status, body) = call("/http/fetch");
    assert_eq!(status, 502, "{body}");
    assert_eq!(
        body["denied"], true,
        "the guest sees HTTP-request-denied: {body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("`http://example.com/`"),
        "{body}"
    );
    assert_recovers("/http");
}

#[test]
fn start_trap() {
    let bundle = ScratchBundle::new(
        "start-trap",
        &json!({"components": [
            {"name": "app", "file": "sandbox_env_read.wasm"},
            {"name": "start-trap", "file": "sandbox_start_trap.wasm", "prefix": "/t"},
        ]}),
        &[
            guest_wasm("sandbox_env_read.wasm"),
            guest_wasm("sandbox_start_trap.wasm"),
        ],
    );
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(
        err.contains("component `start-trap` failed while declaring its routes"),
        "{err}"
    );
    assert_refuses_to_start(
        &bundle,
        "component `start-trap` failed while declaring its routes",
    );
}

#[test]
fn wrong_wit() {
    let bundle = ScratchBundle::new(
        "wrong-wit",
        &json!({"components": [{"name": "old-team", "file": "sandbox_wrong_wit.wasm"}]}),
        &[guest_wasm("sandbox_wrong_wit.wasm")],
    );
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(
        err.contains(
            "component `old-team` does not fit this host's WIT (switchyard:handler@0.4.0)"
        ),
        "{err}"
    );
    assert!(
        err.contains("switchyard:handler/host@0.9.0"),
        "says what it wanted: {err}"
    );
    assert_refuses_to_start(&bundle, "component `old-team` does not fit");
}

#[test]
fn a_file_that_is_not_a_component_is_refused_by_name() {
    for (bytes, why) in [
        (&b"not wasm at all"[..], "is not a WebAssembly file"),
        // A core module: WebAssembly, but not a component.
        (&b"\0asm\x01\0\0\0"[..], "is not a WebAssembly component"),
    ] {
        let bundle = ScratchBundle::new(
            "not-a-component",
            &json!({"components": [{"name": "imposter", "file": "imposter.wasm"}]}),
            &[],
        );
        std::fs::write(bundle.dir.join("imposter.wasm"), bytes).unwrap();
        let err = format!("{:#}", bundle.load().err().expect("refused"));
        assert!(
            err.contains("component `imposter` cannot be loaded"),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
        assert_refuses_to_start(&bundle, why);
    }
}

#[test]
fn an_invalid_manifest_is_refused_with_the_field_and_component() {
    let wasm = guest_wasm("sandbox_env_read.wasm");
    for (manifest, why) in [
        (
            json!({"components": [{"name": "a", "file": "sandbox_env_read.wasm", "envs": ["X"]}]}),
            "unknown field `envs`",
        ),
        (
            json!({"components": [{"name": "a", "file": "sandbox_env_read.wasm", "allowed_hosts": ["ftp://x"]}]}),
            "component `a` has an invalid `allowed_hosts` entry: `ftp://x` has a scheme other than",
        ),
        (
            json!({"components": [{"name": "a", "file": "sandbox_env_read.wasm",
                "dirs": [{"path": "missing", "mount": "/data"}]}]}),
            "component `a` is granted directory",
        ),
        (
            json!({"components": [{"name": "a", "file": "sandbox_env_read.wasm",
                "limits": {"routes": {"GET /nowhere": 10}}}]}),
            "component `a` sets a timeout for `GET /nowhere`, which is not one of its routes",
        ),
    ] {
        let bundle = ScratchBundle::new("invalid", &manifest, std::slice::from_ref(&wasm));
        let err = format!("{:#}", bundle.load().err().expect("refused"));
        assert!(err.contains(why), "{why}\n{err}");
        assert_refuses_to_start(&bundle, why);
    }
}

/// `switchyard invoke` exits non-zero before answering anything, saying why, and so does
/// the Lambda bootstrap, before it asks the Runtime API for an invocation.
fn assert_refuses_to_start(bundle: &ScratchBundle, why: &str) {
    let (status, responses, stderr) = bundle.invoke(&[rest_event("GET", "/ok", &[])], &[]);
    assert!(!status.success(), "{stderr}");
    assert!(responses.is_empty());
    assert!(stderr.contains(why), "{why}\n{stderr}");
    let lambda = std::process::Command::new(switchyard_bin())
        .arg("lambda")
        .env_clear()
        .env("SWITCHYARD_BUNDLE", &bundle.dir)
        // Nothing listens there: the bootstrap must stop before it would connect.
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&lambda.stderr);
    assert!(!lambda.status.success(), "{stderr}");
    assert!(stderr.contains(why), "{why}\n{stderr}");
}

#[test]
fn route_timeouts_are_the_routes_own_then_the_components_then_the_bundles() {
    let bundle = ScratchBundle::new(
        "timeouts",
        &json!({
            "limits": {"timeout_ms": 900},
            "components": [
                {"name": "app", "file": "sandbox_env_read.wasm"},
                {"name": "loop", "file": "sandbox_infinite_loop.wasm", "prefix": "/loop",
                 "limits": {"timeout_ms": 300, "routes": {"GET /loop/spin": 50}}},
            ],
        }),
        &[
            guest_wasm("sandbox_env_read.wasm"),
            guest_wasm("sandbox_infinite_loop.wasm"),
        ],
    );
    let pipeline = bundle.load().unwrap();
    let timeout = |rule: &str| {
        let route = pipeline.routes().iter().find(|r| r.rule == rule).unwrap();
        route.value.timeout.as_millis()
    };
    assert_eq!(timeout("/loop/spin"), 50);
    assert_eq!(timeout("/loop/ok"), 300);
    assert_eq!(timeout("/ok"), 900);
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// Each bomb fills its instance's 8 MiB before the limit stops it, so a leak of the dropped
/// instances would grow the host by ~8 GiB over 1,000 calls; the bound allows 1 GiB for
/// whatever the tests running beside this one hold (seen: 360 MiB once).
#[test]
fn memory_stays_bounded_over_a_thousand_memory_bombs() {
    let host = TestHost::shared("sandbox");
    let bomb = rest_event("GET", "/bomb/bomb", &[]);
    for _ in 0..20 {
        assert_eq!(host.invoke(&bomb)["statusCode"], 500);
    }
    let baseline = resident_kib();
    let mut peak = baseline;
    for i in 0..1000 {
        assert_eq!(host.invoke(&bomb)["statusCode"], 500, "call {i}");
        if i % 50 == 0 {
            peak = peak.max(resident_kib());
        }
    }
    peak = peak.max(resident_kib());
    assert!(
        peak < baseline + 1024 * 1024,
        "RSS grew from {baseline} KiB to {peak} KiB"
    );
    assert_recovers("/bomb");
}

/// A bundle of one sandbox guest, precompiled by `switchyard compile` with `env` (which
/// pre-initialises what it can): the bundle and what the compile wrote to stderr.
fn compiled_alone(guest: &str, env: &[(&str, &str)]) -> (ScratchBundle, String) {
    let file = format!("sandbox_{}.wasm", guest.replace('-', "_"));
    let bundle = ScratchBundle::new(
        guest,
        &json!({"components": [{"name": "app", "file": file, "env": ["GREETING"]}]}),
        &[guest_wasm(&file)],
    );
    let compiled = bundle.compile(env);
    (bundle, compiled)
}

/// One GET through `switchyard invoke` with `env`: the status, the text body, and stderr.
fn get_text(bundle: &ScratchBundle, path: &str, env: &[(&str, &str)]) -> (u64, String, String) {
    let (status, responses, stderr) = bundle.invoke(&[rest_event("GET", path, &[])], env);
    assert!(status.success(), "{stderr}");
    let response = &responses[0];
    (
        response["statusCode"].as_u64().unwrap_or_default(),
        response["body"].as_str().unwrap_or_default().to_string(),
        stderr,
    )
}

#[test]
fn build_logs() {
    // Pre-initialised: the app is built once, at compile time, and instances start with it.
    let (bundle, compiled) = compiled_alone("build-logs", &[]);
    assert_eq!(
        compiled.matches("building the app").count(),
        1,
        "built once, for the snapshot: {compiled}"
    );
    assert!(!compiled.contains("not pre-initialised"), "{compiled}");
    let (status, body, stderr) = get_text(&bundle, "/ok", &[("SWITCHYARD_LOG_LEVEL", "info")]);
    assert_eq!((status, body.as_str()), (200, "ok"), "{stderr}");
    assert!(
        !stderr.contains("building the app"),
        "the instance started from the snapshot: {stderr}"
    );
}

#[test]
fn build_reads_env() {
    // A snapshot would freeze what the build saw (the pre-initialisation gets no environment,
    // so no GREETING at all); the deployment's is served.
    let (bundle, compiled) =
        compiled_alone("build-reads-env", &[("GREETING", "from the build machine")]);
    assert!(
        compiled
            .contains("is not pre-initialised: its app reads its environment while it is built"),
        "{compiled}"
    );
    let (status, body, stderr) =
        get_text(&bundle, "/greeting", &[("GREETING", "from the deployment")]);
    assert_eq!(
        (status, body.as_str()),
        (200, "from the deployment"),
        "{stderr}"
    );
}

#[test]
fn build_prints() {
    // wasi-libc keeps the stdout stream it opened; no later instance has that handle.
    let (bundle, compiled) = compiled_alone("build-prints", &[]);
    assert!(
        compiled.contains("is not pre-initialised: it keeps a WASI handle"),
        "{compiled}"
    );
    let (status, body, stderr) = get_text(&bundle, "/print", &[]);
    assert_eq!((status, body.as_str()), (200, "printed"), "{stderr}");
    // What the component prints comes out as log lines naming it, whatever the log level.
    assert_eq!(
        printed(&stderr, "app", "stdout"),
        ["building the app", "handling a request"],
        "{stderr}"
    );
    let (_, _, quiet) = get_text(&bundle, "/print", &[("SWITCHYARD_LOG_LEVEL", "error")]);
    assert_eq!(printed(&quiet, "app", "stdout").len(), 2, "{quiet}");
}

/// The messages of the log lines `component` wrote to `stream`, in order.
fn printed(log: &str, component: &str, stream: &str) -> Vec<String> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["component"] == component && line["stream"] == stream)
        .map(|line| line["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_guest_panic_is_logged_as_lines_naming_the_component_before_its_trap() {
    let bundle = ScratchBundle::new(
        "panic-log",
        &json!({"components": [{"name": "panicky", "file": "sandbox_panic.wasm"}]}),
        &[guest_wasm("sandbox_panic.wasm")],
    );
    let (status, responses, stderr) = bundle.invoke(&[rest_event("GET", "/panic", &[])], &[]);
    assert!(status.success(), "{stderr}");
    assert_eq!(responses[0]["statusCode"], 500, "{stderr}");
    let lines = printed(&stderr, "panicky", "stderr");
    assert!(
        lines[0].starts_with("thread '<unnamed>'")
            && lines[0].contains("panicked at tests/guests/sandbox/panic/src/lib.rs"),
        "{stderr}"
    );
    assert_eq!(lines[1], "this guest panics on purpose", "{stderr}");
    let panic_at = stderr.find("this guest panics on purpose").unwrap();
    let trap_at = stderr
        .find("component `panicky` trapped")
        .expect("the trap is logged");
    assert!(panic_at < trap_at, "{stderr}");
}
