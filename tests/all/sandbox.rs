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
    assert!(
        err.contains(
            "panicked at tests/guests/sandbox/start-trap/src/lib.rs:6:5: \
             this guest cannot declare its routes"
        ),
        "the panic says why: {err}"
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

/// What the host says of the `panic` guest's panic, as component `panicky`.
const PANICKED: &str = "component `panicky` panicked at tests/guests/sandbox/panic/src/lib.rs:7:5: \
                        this guest panics on purpose";

/// `GET /panic` of the `panic` guest, invoked with `env`: its response and the log.
fn invoke_panicky(env: &[(&str, &str)]) -> (Value, String) {
    let bundle = ScratchBundle::new(
        "panicky",
        &json!({"components": [{"name": "panicky", "file": "sandbox_panic.wasm"}]}),
        &[guest_wasm("sandbox_panic.wasm")],
    );
    let (status, mut responses, stderr) = bundle.invoke(&[rest_event("GET", "/panic", &[])], env);
    assert!(status.success(), "{stderr}");
    (responses.remove(0), stderr)
}

#[test]
fn a_guest_panic_is_one_log_line_with_its_message_and_location() {
    let (response, stderr) = invoke_panicky(&[]);
    assert_eq!(response["statusCode"], 500, "{stderr}");
    assert_eq!(
        response["body"],
        r#"{"statusCode":500,"message":"Internal Server Error"}"#
    );
    let lines: Vec<Value> = stderr
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter(|line: &Value| line["message"] != "GET /panic 500")
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "one line, not Rust's stderr text:\n{stderr}"
    );
    assert_eq!(lines[0]["level"], "ERROR", "{stderr}");
    assert_eq!(lines[0]["message"], PANICKED, "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
}

#[test]
fn debug_mode_answers_a_guest_panic_with_its_message_and_location() {
    let (response, stderr) = invoke_panicky(&[("POWERTOOLS_DEV", "1")]);
    assert_eq!(response["statusCode"], 500, "{stderr}");
    assert_eq!(
        response["multiValueHeaders"]["Content-Type"],
        json!(["text/plain"])
    );
    assert_eq!(response["body"], PANICKED);
}

/// The log lines of one `switchyard invoke --jsonl` run, grouped by request: for each event,
/// in order, every JSON line that carries its request id (the access line names the event's
/// path), and the lines of no request (what the host and guests wrote while loading).
struct RequestLogs {
    by_request: Vec<(String, Vec<String>)>,
    outside: Vec<String>,
}

impl RequestLogs {
    fn parse(stderr: &str) -> RequestLogs {
        let mut by_request: Vec<(String, Vec<String>)> = Vec::new();
        let mut outside = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for line in stderr.lines() {
            let Ok(value) = serde_json::from_str::<Value>(line) else {
                outside.push(line.to_string());
                continue;
            };
            match value["function_request_id"].as_str() {
                Some(id) => {
                    let at = ids.iter().position(|known| known == id).unwrap_or_else(|| {
                        ids.push(id.to_string());
                        by_request.push((String::new(), Vec::new()));
                        ids.len() - 1
                    });
                    if let Some(path) = value["path"].as_str() {
                        by_request[at].0 = path.to_string();
                    }
                    by_request[at].1.push(line.to_string());
                }
                None => outside.push(line.to_string()),
            }
        }
        RequestLogs {
            by_request,
            outside,
        }
    }

    /// The lines of the request for `path`.
    fn of(&self, path: &str) -> &[String] {
        self.by_request
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, lines)| lines.as_slice())
            .unwrap_or_else(|| panic!("no log lines for `{path}`"))
    }
}

/// Bytes of log, counted with their newlines.
fn log_bytes(lines: &[String]) -> usize {
    lines.iter().map(|line| line.len() + 1).sum()
}

/// The lines saying a component's output was cut.
fn cut_notices<'a>(lines: &'a [String], component: &str) -> Vec<&'a String> {
    lines
        .iter()
        .filter(|line| {
            line.contains("output was cut") && line.contains(&format!("component `{component}`"))
        })
        .collect()
}

/// https://github.com/switchyard/switchyard/issues/23 (4): a guest that prints megabytes
/// made as many megabytes of host log (a 2-byte line ~160 bytes of JSON). Each request's
/// output is cut at the bundle's `log_bytes` (1 MiB of log by default) and `log_lines`
/// (1,000), and so is what an instance prints outside a request; one line says how much
/// was dropped.
#[test]
fn log_flood() {
    const LOG_BYTES: usize = 1 << 20;
    const LOG_LINES: usize = 1000;
    // What a cut request writes besides its guest's lines: the notice and the access line.
    const SLACK: usize = 2048;
    let bundle = ScratchBundle::new(
        "log-flood",
        &json!({"components": [
            {"name": "neighbour", "file": "sandbox_env_read.wasm"},
            {"name": "flood", "file": "sandbox_log_flood.wasm", "prefix": "/flood",
             "env": ["FLOOD_ON_START"]},
        ]}),
        &[
            guest_wasm("sandbox_env_read.wasm"),
            guest_wasm("sandbox_log_flood.wasm"),
        ],
    );
    let paths = [
        "/flood/lines",
        "/flood/endless",
        "/flood/tiny",
        "/flood/log",
    ];
    let events: Vec<Value> = paths
        .iter()
        .chain(&["/flood/ok", "/ok"])
        .map(|path| rest_event("GET", path, &[]))
        .collect();
    let (status, responses, stderr) = bundle.invoke(
        &events,
        &[("SWITCHYARD_LOG_LEVEL", "info"), ("FLOOD_ON_START", "1")],
    );
    assert!(status.success(), "{}", &stderr[..stderr.len().min(4096)]);
    let statuses: Vec<&Value> = responses.iter().map(|r| &r["statusCode"]).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200]);
    assert_eq!(status_and_body(&responses[4]).1, json!({"ok": true}));
    assert_eq!(status_and_body(&responses[5]).1, json!({"ok": true}));
    let logs = RequestLogs::parse(&stderr);
    for path in paths {
        let lines = logs.of(path);
        let bytes = log_bytes(lines);
        eprintln!("{path}: {bytes} bytes of log in {} lines", lines.len());
        assert!(
            bytes <= LOG_BYTES + SLACK,
            "{path} wrote {bytes} bytes of log"
        );
        assert!(
            lines.len() <= LOG_LINES + 2,
            "{path} wrote {} lines",
            lines.len()
        );
        let notices = cut_notices(lines, "flood");
        assert_eq!(notices.len(), 1, "{path}: {notices:?}");
        assert!(notices[0].contains("dropped"), "{}", notices[0]);
    }
    // Building the app printed 3 MiB while the bundle loaded, outside any request.
    let outside = log_bytes(&logs.outside);
    eprintln!("outside a request: {outside} bytes of log");
    assert!(outside <= LOG_BYTES + SLACK, "{outside} bytes at load");
    assert_eq!(cut_notices(&logs.outside, "flood").len(), 1);
    // The whole run: six requests and a load, not the ~15 MiB the guest printed.
    assert!(stderr.len() < 6 * (LOG_BYTES + SLACK), "{}", stderr.len());
}

/// https://github.com/switchyard/switchyard/issues/23 (5): the limit is Lambda's, on the
/// response JSON Lambda gets. Bodies under `response_bytes` (1 MiB here) that JSON escaping
/// or base64 takes over it passed as 200, and so did a 128 KiB header block; a gzipped body
/// that fits once compressed was refused for its size before compression.
#[test]
fn encoded_size() {
    let host = TestHost::shared("sandbox");
    let get = |path: &str, headers: &[(&str, &str)]| {
        host.invoke(&rest_event("GET", &format!("/encoded{path}"), headers))
    };
    for path in ["/quotes", "/control", "/binary", "/headers", "/cookies"] {
        let response = get(path, &[]);
        assert_eq!(
            status_and_body(&response),
            (
                500,
                json!({"statusCode": 500, "message": "Internal Server Error"})
            ),
            "{path}"
        );
        assert_recovers("/encoded");
    }
    for (path, headers) in [
        ("/fits", &[][..]),
        ("/gzip", &[("Accept-Encoding", "gzip")][..]),
    ] {
        let response = get(path, headers);
        assert_eq!(response["statusCode"], 200, "{path}");
        let size = response.to_string().len();
        assert!(size <= 1 << 20, "{path}: {size} bytes");
    }
    // The answer Lambda gets, and the line naming the component and the size it measured.
    let bundle = ScratchBundle::new(
        "encoded-size",
        &json!({"limits": {"response_bytes": 1048576}, "components": [
            {"name": "app", "file": "sandbox_env_read.wasm"},
            {"name": "encoded-size", "file": "sandbox_encoded_size.wasm", "prefix": "/encoded"},
        ]}),
        &[
            guest_wasm("sandbox_env_read.wasm"),
            guest_wasm("sandbox_encoded_size.wasm"),
        ],
    );
    let (status, responses, stderr) = bundle.invoke(
        &[
            rest_event("GET", "/encoded/quotes", &[]),
            rest_event("GET", "/encoded/headers", &[]),
        ],
        &[],
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(responses[0]["statusCode"], 500, "{stderr}");
    assert_eq!(responses[1]["statusCode"], 500, "{stderr}");
    let refusal = stderr
        .lines()
        .find(|line| line.contains("component `encoded-size`") && line.contains("1048576"))
        .unwrap_or_else(|| panic!("no line naming the component and the limit: {stderr}"));
    // 600 KiB of `"`, each written as `\"`, plus the response's other members.
    assert!(refusal.contains("12288"), "the size measured: {refusal}");
    assert!(
        stderr.contains("component `encoded-size`") && stderr.contains("header"),
        "{stderr}"
    );
}

/// https://github.com/switchyard/switchyard/issues/23 (6): `invoke` and the Lambda bootstrap
/// passed statuses outside 100..=599, header names that are no HTTP token and header values
/// holding CR, LF or NUL through verbatim (`serve` dropped or 502'd them). The pipeline
/// answers each with the same 500 whatever the front end (`serve` in `tests/all/serve.rs`).
#[test]
fn invalid_response() {
    let internal = json!({"statusCode": 500, "message": "Internal Server Error"});
    for code in [0, 42, 99, 600, 999, 65535] {
        let (status, body) = call(&format!("/invalid/status/{code}"));
        assert_eq!((status, &body), (500, &internal), "status {code}");
    }
    for code in [100, 204, 599] {
        assert_eq!(
            call(&format!("/invalid/status/{code}")).0,
            code,
            "status {code}"
        );
    }
    let bad = [
        "/invalid/name/space",
        "/invalid/name/colon",
        "/invalid/name/empty",
        "/invalid/name/newline",
        "/invalid/name/utf8",
        "/invalid/value/crlf",
        "/invalid/value/lf",
        "/invalid/value/cr",
        "/invalid/value/nul",
        "/invalid/cookie",
    ];
    for path in bad {
        assert_eq!(call(path), (500, internal.clone()), "{path}");
        assert_recovers("/invalid");
    }
    for path in ["/invalid/name/good", "/invalid/value/good"] {
        let response = TestHost::shared("sandbox").invoke(&rest_event("GET", path, &[]));
        assert_eq!(response["statusCode"], 200, "{path}");
    }
    // The log line names the component and what was wrong.
    let bundle = ScratchBundle::new(
        "invalid-response",
        &json!({"components": [
            {"name": "invalid-response", "file": "sandbox_invalid_response.wasm"},
        ]}),
        &[guest_wasm("sandbox_invalid_response.wasm")],
    );
    let (status, responses, stderr) = bundle.invoke(
        &[
            rest_event("GET", "/status/42", &[]),
            rest_event("GET", "/value/crlf", &[]),
        ],
        &[],
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(responses[0]["statusCode"], 500, "{stderr}");
    assert_eq!(responses[1]["statusCode"], 500, "{stderr}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("component `invalid-response`"))
        .collect();
    assert!(
        named.iter().any(|line| line.contains("status 42")),
        "{stderr}"
    );
    assert!(
        named.iter().any(|line| line.contains("X-Value")),
        "{stderr}"
    );
}

/// A bundle of one hostile guest at `/bad` beside the well-behaved neighbour, with the
/// sandbox bundle's limits; `dirs` are the guest's read-only grants, created with one file.
fn beside_neighbour(guest: &str, dirs: &[&str]) -> (ScratchBundle, TestHost) {
    let file = format!("sandbox_{}.wasm", guest.replace('-', "_"));
    let grants: Vec<Value> = dirs
        .iter()
        .map(|dir| json!({"path": dir, "mount": format!("/{dir}")}))
        .collect();
    let bundle = ScratchBundle::new(
        guest,
        &json!({
            "limits": {"memory_mb": 32, "timeout_ms": 1000},
            "components": [
                {"name": "neighbour", "file": "sandbox_env_read.wasm", "prefix": "/neighbour"},
                {"name": guest, "file": file, "prefix": "/bad", "dirs": grants},
            ],
        }),
        &[guest_wasm("sandbox_env_read.wasm"), guest_wasm(&file)],
    );
    for dir in dirs {
        std::fs::create_dir_all(bundle.dir.join(dir)).unwrap();
        std::fs::write(bundle.dir.join(dir).join("file.txt"), "granted").unwrap();
    }
    let host = TestHost::load(&bundle.dir);
    (bundle, host)
}

/// The status and JSON body of a GET to `host`.
fn get_from(host: &TestHost, path: &str) -> (u64, Value) {
    status_and_body(&host.invoke(&rest_event("GET", path, &[])))
}

/// The host process's open file descriptors.
fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn context_flood() {
    // 1 MiB values under new keys, forever: the context lives in the host, so the request's
    // budget (4 MiB) stops it, not the guest's 32 MiB. Before the budget, one request grew
    // the host by gigabytes.
    let (_bundle, host) = beside_neighbour("context-flood", &[]);
    let before = resident_kib();
    for _ in 0..5 {
        let (status, body) = get_from(&host, "/bad/flood");
        assert_eq!(status, 500, "{body}");
        assert_eq!(body["message"], "Internal Server Error");
    }
    let grown = resident_kib().saturating_sub(before);
    assert!(
        grown < 256 * 1024,
        "RSS grew by {grown} KiB over five floods"
    );
    assert_eq!(get_from(&host, "/bad/ok"), (200, json!({"ok": true})));
    assert_eq!(get_from(&host, "/neighbour/ok"), (200, json!({"ok": true})));
}

#[test]
fn resource_leak() {
    let (_bundle, host) = beside_neighbour("resource-leak", &["data"]);
    // What a well-behaved guest keeps between calls (its stdout stream once it has printed,
    // its preopened directory) does not stop its instance being pooled.
    let (_, first) = get_from(&host, "/bad/count");
    let (_, second) = get_from(&host, "/bad/count");
    assert_eq!(
        second["calls"],
        first["calls"].as_u64().unwrap() + 1,
        "{first} then {second}"
    );
    // Past the instance's resource budget (256): the open that needs one more fails the
    // call (500), rather than the host running out of descriptors for every component.
    let (status, body) = get_from(&host, "/bad/open/20000");
    assert_eq!(status, 500, "{body}");
    assert_eq!(get_from(&host, "/bad/ok"), (200, json!({"ok": true})));
    // Within the budget the call answers, but its instance keeps 100 open files: it is
    // dropped, not pooled, so the descriptors go with it and the next request starts clean.
    let before = open_descriptors();
    for _ in 0..30 {
        assert_eq!(
            get_from(&host, "/bad/open/100"),
            (200, json!({"opened": 100}))
        );
    }
    let after = open_descriptors();
    assert!(
        after < before + 200,
        "descriptors went from {before} to {after} over 3,000 leaked opens"
    );
    assert_eq!(get_from(&host, "/neighbour/ok"), (200, json!({"ok": true})));
}

#[test]
fn each_failure_is_logged_with_its_own_reason() {
    // Told apart by type (the limiter's own error, wasmtime's trap codes), so a wasmtime
    // upgrade that rewords its messages cannot change a 500's reason.
    let (bundle, _host) = beside_neighbour("memory-bomb", &[]);
    let (_, responses, stderr) = bundle.invoke(
        &[
            rest_event("GET", "/bad/bomb", &[]),
            rest_event("GET", "/neighbour/ok", &[]),
        ],
        &[],
    );
    assert_eq!(responses[0]["statusCode"], 500, "{stderr}");
    assert_eq!(responses[1]["statusCode"], 200, "{stderr}");
    assert!(
        stderr.contains("component `memory-bomb` exceeded its memory limit"),
        "{stderr}"
    );
    let (bundle, _host) = beside_neighbour("context-flood", &[]);
    let (_, responses, stderr) = bundle.invoke(&[rest_event("GET", "/bad/flood", &[])], &[]);
    assert_eq!(responses[0]["statusCode"], 500, "{stderr}");
    assert!(
        stderr.contains(
            "component `context-flood` ran out of its host budget: the request's context would hold"
        ),
        "{stderr}"
    );
}

#[test]
fn costly_rule() {
    // A rule's regex is compiled and matched by the host, outside every guest limit: one
    // past the size bound refuses the bundle at load, naming the component and the rule.
    let bundle = ScratchBundle::new(
        "costly-rule",
        &json!({"components": [
            {"name": "app", "file": "sandbox_env_read.wasm"},
            {"name": "costly", "file": "sandbox_costly_rule.wasm", "prefix": "/c"},
        ]}),
        &[
            guest_wasm("sandbox_env_read.wasm"),
            guest_wasm("sandbox_costly_rule.wasm"),
        ],
    );
    let why = "component `costly`: route rule `/c/re/[ab]*a.{5000}x`";
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(err.contains(why) && err.contains("size limit"), "{err}");
    assert_refuses_to_start(&bundle, why);
}

#[test]
fn socket_import() {
    // No grant opens a socket, so `wasi:sockets` is not linked: a component that imports it
    // is refused at load, saying so, instead of linked and refused call by call.
    let bundle = ScratchBundle::new(
        "socket-import",
        &json!({"components": [{"name": "raw-tcp", "file": "sandbox_socket_import.wasm"}]}),
        &[guest_wasm("sandbox_socket_import.wasm")],
    );
    let why = "component `raw-tcp` imports `wasi:sockets/";
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(err.contains(why) && err.contains("`wasi:http`"), "{err}");
    assert_refuses_to_start(&bundle, why);
}

#[test]
fn blocking_sleep() {
    // A guest blocked in a host call runs no wasm, so the epoch deadline alone never stopped
    // it: a 5 s sleep under a 1 s limit answered 504 after 5 s, holding its thread. Every
    // blocking poll now ends at the request's deadline.
    let (_bundle, host) = beside_neighbour("blocking-sleep", &[]);
    let host = std::sync::Arc::new(host);
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let host = host.clone();
            let path = if i % 2 == 0 {
                "/bad/sleep"
            } else {
                "/bad/polls"
            };
            std::thread::spawn(move || get_from(&host, path))
        })
        .collect();
    for call in calls {
        let (status, body) = call.join().unwrap();
        assert_eq!(status, 504, "{body}");
        assert_eq!(body["message"], "Gateway Timeout");
    }
    // Eight 5-second waits under a 1-second limit: all answered near the limit, not at 5 s.
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(4), "took {took:?}");
    assert_eq!(get_from(&host, "/bad/ok"), (200, json!({"ok": true})));
    assert_eq!(get_from(&host, "/neighbour/ok"), (200, json!({"ok": true})));
}

/// An app built wrong is refused at load, naming each mistake and its line, with no trap.
#[test]
fn misbuilt() {
    let bundle = ScratchBundle::new(
        "misbuilt",
        &json!({"components": [{"name": "misbuilt", "file": "sandbox_misbuilt.wasm"}]}),
        &[guest_wasm("sandbox_misbuilt.wasm")],
    );
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(
        err.contains("component `misbuilt` was built wrong"),
        "{err}"
    );
    assert!(
        err.contains(
            "tests/guests/sandbox/misbuilt/src/lib.rs:31:10: a route option must follow a route registration"
        ),
        "the option's own line: {err}"
    );
    assert!(
        err.contains("`from_header` and `from_path` both provide the dependency")
            && err.contains("misbuilt/src/lib.rs:32:10")
            && err.contains("misbuilt/src/lib.rs:33:10"),
        "both registrations named: {err}"
    );
    assert!(!err.contains("panicked"), "no trap: {err}");
}
