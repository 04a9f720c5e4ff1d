//! Issue 27 (2): the X-Ray subsegments the bootstrap sends to the daemon (a UDP socket on
//! 127.0.0.1 here) for invocations Lambda traces: the invocation's, with the trace id and
//! parent from the Runtime API's `Lambda-Runtime-Trace-Id`, and the validation's and the
//! route handler's inside it, with a fault and its cause for an unhandled error.

use std::net::UdpSocket;
use std::time::Duration;

use serde_json::{Value, json};

use crate::lambda_bootstrap::{bootstrap_answers, trace_header};
use crate::serve::SwitchyardServe;
use crate::support::{bundle_dir, features_get as get};

/// The documents the daemon received, each checked to follow X-Ray's header line.
fn received(daemon: &UdpSocket) -> Vec<Value> {
    daemon
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut documents = Vec::new();
    let mut buffer = vec![0; 65_536];
    while let Ok(size) = daemon.recv(&mut buffer) {
        let text = std::str::from_utf8(&buffer[..size]).unwrap();
        let (header, document) = text.split_once('\n').expect("a header line");
        assert_eq!(header, r#"{"format":"json","version":1}"#);
        documents.push(serde_json::from_str(document).unwrap());
    }
    documents
}

/// The bootstrap's documents for `events`, with these variables.
fn traced(events: Vec<Value>, env: &[(&str, &str)]) -> Vec<Value> {
    let daemon = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = daemon.local_addr().unwrap().to_string();
    let mut env = env.to_vec();
    env.extend([
        ("AWS_XRAY_DAEMON_ADDRESS", address.as_str()),
        ("POWERTOOLS_SERVICE_NAME", "todos"),
    ]);
    let (answers, stderr) = bootstrap_answers(&bundle_dir("features"), events, &env);
    assert!(!answers.is_empty(), "{stderr}");
    received(&daemon)
}

#[test]
fn each_traced_invocation_sends_its_subsegments_to_the_daemon() {
    let documents = traced(vec![get("/typed/5"), get("/parse/three")], &[]);
    for (n, path) in ["/typed/5", "/parse/three"].iter().enumerate() {
        let header = trace_header(n);
        let root = header
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("Root=");
        let parent = header
            .split(';')
            .nth(1)
            .unwrap()
            .trim_start_matches("Parent=");
        let ours: Vec<&Value> = documents.iter().filter(|d| d["trace_id"] == root).collect();
        let by_name = |name: &str| {
            *ours
                .iter()
                .find(|d| d["name"] == name)
                .unwrap_or_else(|| panic!("{path}: no `{name}` in {ours:?}"))
        };
        let invocation = by_name("## lambda_handler");
        assert_eq!(invocation["parent_id"], parent, "{invocation}");
        assert_eq!(invocation["type"], "subsegment");
        assert_eq!(invocation["in_progress"], false);
        assert_eq!(
            invocation["annotations"],
            json!({"ColdStart": n == 0, "Service": "todos"})
        );
        let validation = by_name("## validation");
        // The app's middleware (`use_middleware`) holds the handler, as it calls it.
        let middleware = by_name("## StampHeader");
        let handler_name = if n == 0 { "## typed" } else { "## parse" };
        let handler = by_name(handler_name);
        // The SDK records it; the host, told so by the manifest, does not record it again.
        let recorded = ours.iter().filter(|d| d["name"] == handler_name).count();
        assert_eq!(recorded, 1, "{ours:?}");
        let stages = [
            (validation, invocation),
            (middleware, invocation),
            (handler, middleware),
        ];
        for (stage, parent) in stages {
            assert_eq!(stage["parent_id"], parent["id"], "{stage}");
            let (start, end) = (
                stage["start_time"].as_f64().unwrap(),
                stage["end_time"].as_f64().unwrap(),
            );
            assert!(
                start <= end && start >= parent["start_time"].as_f64().unwrap(),
                "{stage}"
            );
        }
        if n == 0 {
            let response = &invocation["metadata"]["todos"]["lambda_handler response"];
            assert_eq!(response["statusCode"], 200, "{invocation}");
            assert!(invocation.get("fault").is_none() && handler.get("fault").is_none());
        } else {
            // The unhandled error: the fault of the handler, of the middleware it passed
            // through and of the invocation, with the cause.
            for failed in [handler, middleware, invocation] {
                assert_eq!(failed["fault"], true, "{failed}");
                let exception = &failed["cause"]["exceptions"][0];
                assert_eq!(
                    exception["type"], "core::num::error::ParseIntError",
                    "{failed}"
                );
                assert_eq!(exception["message"], "invalid digit found in string");
            }
        }
    }
}

#[test]
fn a_disabled_tracer_sends_nothing() {
    let documents = traced(
        vec![get("/typed/5")],
        &[("POWERTOOLS_TRACE_DISABLED", "true")],
    );
    assert!(documents.is_empty(), "{documents:?}");
}

/// An outbound `wasi:http` call is a `remote` subsegment inside the handler's, and its
/// request carries the trace downstream with that subsegment as the parent.
#[test]
fn an_outbound_call_is_a_remote_subsegment_and_carries_the_trace() {
    let (port, upstream) =
        crate::capabilities::one_request_upstream(r#"{"text": "simple is better than complex"}"#);
    let bundle = crate::capabilities::outbound_bundle(port);
    let url = format!("http://127.0.0.1:{port}/quote?lang=en");
    let daemon = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = daemon.local_addr().unwrap().to_string();
    let (answers, stderr) = bootstrap_answers(
        &bundle.dir,
        vec![crate::support::rest_event("GET", "/quote", &[])],
        &[
            ("AWS_XRAY_DAEMON_ADDRESS", &address),
            ("UPSTREAM_URL", &url),
        ],
    );
    let answer: Value = serde_json::from_slice(&answers[0]).unwrap();
    assert_eq!(answer["statusCode"], 200, "{answer} {stderr}");
    let documents = received(&daemon);
    let find = |name: &str| {
        documents
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("no `{name}` in {documents:?}"))
    };
    let handler = find("## quote");
    let remote = find("127.0.0.1");
    assert_eq!(remote["namespace"], "remote", "{remote}");
    assert_eq!(remote["parent_id"], handler["id"], "{remote}");
    assert_eq!(
        remote["http"]["request"],
        json!({"method": "GET", "url": url})
    );
    assert_eq!(remote["http"]["response"]["status"], 200);
    assert!(
        remote.get("fault").is_none() && remote.get("error").is_none(),
        "{remote}"
    );
    let head = upstream.join().unwrap().to_ascii_lowercase();
    let root = remote["trace_id"].as_str().unwrap();
    let sent = format!(
        "x-amzn-trace-id: root={root};parent={};sampled=1",
        remote["id"].as_str().unwrap()
    );
    assert!(head.contains(&sent.to_ascii_lowercase()), "{head}\n{sent}");
}

/// The SDK's tracer: an annotation and metadata land on the handler's subsegment, a span of
/// the guest's is a subsegment inside it (its own annotation on it), a failing one has its
/// fault and cause, and a key X-Ray cannot index is refused.
#[test]
fn a_guest_annotates_and_opens_subsegments_of_its_own() {
    let documents = traced(vec![get("/traced")], &[]);
    let find = |name: &str| {
        documents
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("no `{name}` in {documents:?}"))
    };
    let handler = find("## traced");
    assert_eq!(handler["annotations"], json!({"TodoCount": 2}), "{handler}");
    assert_eq!(
        handler["metadata"],
        json!({"todos": {"todos": []}}),
        "{handler}"
    );
    let count = find("## count");
    assert_eq!(count["parent_id"], handler["id"]);
    assert_eq!(count["annotations"], json!({"Inner": true}));
    let fails = find("## fails");
    assert_eq!(fails["parent_id"], handler["id"]);
    assert_eq!(fails["fault"], true, "{fails}");
    assert_eq!(fails["cause"]["exceptions"][0]["message"], "no luck");
    // The handler answered: its subsegment and the invocation's have no fault.
    assert!(handler.get("fault").is_none(), "{handler}");
    let invocation = find("## lambda_handler");
    let body: Value = serde_json::from_str(
        invocation["metadata"]["todos"]["lambda_handler response"]["body"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(body["total"], 2);
    assert_eq!(body["failed"], true);
    assert!(
        body["refused"].as_str().unwrap().contains("`bad key!`"),
        "{body}"
    );
}

/// Issue 27 (5): `switchyard serve` traces every request as Lambda traces a sampled one: its
/// stages and their times are logged after it, nested as they ran (the middleware holding the
/// handler), and with `--xray-daemon` its documents go to that daemon, in a trace of its own.
#[test]
fn serve_logs_each_requests_stages_and_sends_them_to_a_named_daemon() {
    let daemon = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = daemon.local_addr().unwrap().to_string();
    let server = SwitchyardServe::start_with_env(
        &bundle_dir("features"),
        &["--xray-daemon", &address],
        &[("SWITCHYARD_LOG_FORMAT", "json")],
    );
    assert_eq!(server.get("/typed/5").status, 200);
    assert!(
        server.wait_for_log("\"message\":\"stages\""),
        "{}",
        server.stderr()
    );
    let lines = server.json_lines();
    let stages = lines
        .iter()
        .find(|line| line["message"] == "stages")
        .unwrap();
    // Each line: the subsegment's name, indented two spaces a level, and its time.
    let tree: Vec<(usize, String)> = stages["stages"]
        .as_str()
        .unwrap()
        .lines()
        .map(|line| {
            let name = line.trim_start();
            let (name, time) = name
                .rsplit_once(' ')
                .map(|(n, unit)| {
                    assert_eq!(unit, "ms", "{line}");
                    n.rsplit_once(' ').unwrap()
                })
                .unwrap();
            assert!(time.parse::<f64>().is_ok_and(|ms| ms >= 0.0), "{line}");
            ((line.len() - line.trim_start().len()) / 2, name.to_string())
        })
        .collect();
    let want = [
        (0, "## lambda_handler"),
        (1, "## validation"),
        (1, "## StampHeader"),
        (2, "## typed"),
    ];
    let tree: Vec<(usize, &str)> = tree.iter().map(|(d, n)| (*d, n.as_str())).collect();
    assert_eq!(tree, want, "{stages}");
    let documents = received(&daemon);
    let names: Vec<&str> = documents
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    for (_, name) in want {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let root = documents[0]["trace_id"].as_str().unwrap();
    let (version, rest) = root.split_once('-').unwrap();
    let (seconds, random) = rest.split_once('-').unwrap();
    assert_eq!(
        (version, seconds.len(), random.len()),
        ("1", 8, 24),
        "{root}"
    );
    assert!(
        documents.iter().all(|d| d["trace_id"] == root),
        "{documents:?}"
    );
    let invocation = documents
        .iter()
        .find(|d| d["name"] == "## lambda_handler")
        .unwrap();
    assert!(invocation.get("parent_id").is_none(), "{invocation}");
}
