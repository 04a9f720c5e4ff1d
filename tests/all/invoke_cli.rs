//! `switchyard invoke`: single events, `--jsonl` batches, and errors on their own lines.

use serde_json::{Value, json};

use crate::support::{ScratchBundle, bundle_dir, guest_wasm, run_switchyard};

fn invoke(args: &[&str], stdin: &str) -> (Vec<Value>, String, bool) {
    let bundle = bundle_dir("todos");
    let out = run_switchyard(
        |cmd| {
            cmd.arg("invoke").arg("--bundle").arg(&bundle).args(args);
        },
        stdin,
    );
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (
        lines,
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.success(),
    )
}

#[test]
fn jsonl_answers_each_line_in_order_and_goes_on_after_failures() {
    let events = [
        json!({"path": "/todos/1", "httpMethod": "GET", "requestContext": {}}).to_string(),
        "{not json".to_string(),
        json!({"path": "/panic", "httpMethod": "GET", "requestContext": {}}).to_string(),
        json!({"hello": "world"}).to_string(),
        json!({"rawPath": "/todos/2", "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}).to_string(),
    ];
    let (lines, stderr, ok) = invoke(&["--jsonl", "-"], &events.join("\n"));
    assert!(ok, "{stderr}");
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0]["statusCode"], 200);
    assert!(
        lines[1]["error"].as_str().unwrap().contains("not JSON"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["statusCode"], 500);
    assert!(
        lines[3]["error"]
            .as_str()
            .unwrap()
            .contains("cannot tell the event source"),
        "{}",
        lines[3]
    );
    assert!(
        lines[3]["error"].as_str().unwrap().ends_with(
            "name the source to skip detection: `--source rest-v1` on the command line, or \
             `\"source\"` in the bundle's `switchyard.json`"
        ),
        "names the flag and the bundle setting: {}",
        lines[3]
    );
    assert_eq!(lines[4]["statusCode"], 200);
    assert!(
        lines[4].get("cookies").is_some(),
        "HTTP API shape: {}",
        lines[4]
    );
    assert!(
        stderr.contains("component `todos` panicked at examples/todos/src/lib.rs"),
        "the panic is logged: {stderr}"
    );
    // Each event is its own invocation, with its own request id on its log lines.
    let ids: Vec<String> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["method"].is_string())
        .map(|l| {
            l["function_request_id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 3, "three access lines: {stderr}");
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
}

#[test]
fn a_single_event_prints_one_response() {
    let event = json!({"path": "/todos", "httpMethod": "GET", "requestContext": {}}).to_string();
    let (lines, stderr, ok) = invoke(&["-"], &event);
    assert!(ok, "{stderr}");
    assert_eq!(lines.len(), 1);
    assert!(lines[0]["multiValueHeaders"].is_object(), "{}", lines[0]);
}

#[test]
fn a_malformed_single_event_fails_with_a_clear_error() {
    let (lines, stderr, ok) = invoke(&["-"], "[1, 2]");
    assert!(!ok);
    assert!(lines.is_empty());
    assert!(stderr.contains("not a JSON object"), "{stderr}");
}

#[test]
fn the_docs_minimal_events_answer_200_with_no_source_named() {
    let events = [
        json!({"path": "/todos", "httpMethod": "GET", "requestContext": {"requestId": "227b78aa-779d-47d4-a48e-ce62120393b8"}}),
        json!({"rawPath": "/todos", "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}),
        json!({"rawPath": "/todos", "requestContext": {"http": {"method": "GET"}, "domainName": "abc.lambda-url.us-east-1.on.aws"}}),
    ];
    let input: String = events.iter().map(|e| format!("{e}\n")).collect();
    let (lines, stderr, ok) = invoke(&["--jsonl", "-"], &input);
    assert!(ok, "{stderr}");
    let statuses: Vec<&Value> = lines.iter().map(|l| &l["statusCode"]).collect();
    assert_eq!(statuses, [200, 200, 200]);
    assert!(lines[0]["multiValueHeaders"].is_object(), "REST v1 shape");
    assert!(
        lines[1]["cookies"].is_array() && lines[2]["cookies"].is_array(),
        "HTTP API shape"
    );
}

#[test]
fn source_names_how_events_are_read_over_detection() {
    let event = json!({"path": "/todos/1", "httpMethod": "GET", "requestContext": {}}).to_string();
    // Detected as a REST API event: answered with multi-value headers.
    let (lines, stderr, ok) = invoke(&["-"], &event);
    assert!(ok, "{stderr}");
    assert!(lines[0]["multiValueHeaders"].is_object(), "{}", lines[0]);
    assert!(lines[0]["headers"].is_null(), "{}", lines[0]);
    // Read as ALB (single-value): answered in ALB's shape.
    let (lines, stderr, ok) = invoke(&["--source", "alb", "-"], &event);
    assert!(ok, "{stderr}");
    assert_eq!(lines[0]["statusCode"], 200, "{}", lines[0]);
    assert!(lines[0]["headers"].is_object(), "{}", lines[0]);
    assert!(lines[0]["multiValueHeaders"].is_null(), "{}", lines[0]);
    // An unknown name is refused before any event is read.
    let (lines, stderr, ok) = invoke(&["--source", "sqs", "-"], &event);
    assert!(!ok && lines.is_empty());
    assert!(stderr.contains("unknown event source `sqs`"), "{stderr}");
}

#[test]
fn a_source_flag_that_contradicts_the_bundle_is_refused() {
    let bundle = ScratchBundle::new(
        "source",
        &json!({"components": [{"name": "todos", "file": "todos.wasm"}], "source": "http-v2"}),
        &[guest_wasm("todos.wasm")],
    );
    let event = json!({"rawPath": "/todos/1", "requestContext": {"http": {"method": "GET"}}});
    let run = |source: &str| {
        run_switchyard(
            |cmd| {
                cmd.args(["invoke", "--bundle"])
                    .arg(&bundle.dir)
                    .args(["--source", source, "-"]);
            },
            &event.to_string(),
        )
    };
    let agreed = run("http-v2");
    assert!(
        agreed.status.success(),
        "{}",
        String::from_utf8_lossy(&agreed.stderr)
    );
    let contradicted = run("alb");
    assert!(!contradicted.status.success());
    let stderr = String::from_utf8_lossy(&contradicted.stderr);
    assert!(
        stderr.contains("`--source alb` contradicts the bundle's `\"source\": \"http-v2\"`"),
        "{stderr}"
    );
}

#[test]
fn a_setting_that_cannot_be_read_is_a_warning_naming_it_and_what_was_used() {
    let event = json!({"path": "/todos/1", "httpMethod": "GET", "requestContext": {}});
    let out = run_switchyard(
        |cmd| {
            cmd.args(["invoke", "--bundle"])
                .arg(bundle_dir("todos"))
                .arg("-")
                .env_remove("SWITCHYARD_LOG_LEVEL")
                .env_remove("AWS_LAMBDA_LOG_LEVEL")
                .env("POWERTOOLS_LOG_LEVEL", "loud")
                .env("SWITCHYARD_LOG_FORMAT", "xml")
                .env("POWERTOOLS_DEV", "maybe");
        },
        &event.to_string(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let warnings: Vec<&str> = lines
        .iter()
        .filter(|l| l["level"] == "WARNING")
        .filter_map(|l| l["message"].as_str())
        .collect();
    assert_eq!(
        warnings,
        [
            "`POWERTOOLS_LOG_LEVEL=loud` is not a log level (debug, info, warn, error); using info",
            "`SWITCHYARD_LOG_FORMAT=xml` is not a log format (json, pretty); using json",
            "`POWERTOOLS_DEV=maybe` is not a boolean (true, false, 1, 0, yes, no, on, off); \
             using false: debug mode stays off",
        ],
        "{stderr}"
    );
    // What was used instead: info lines, and no debug-mode trace.
    assert!(
        lines.iter().any(|l| l["message"] == "GET /todos/1 200"),
        "{stderr}"
    );
    assert!(!stderr.contains("Processing Route"), "{stderr}");
}
