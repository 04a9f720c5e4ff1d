//! SDK features through the real host with the `features` test guest: the custom serializer,
//! a middleware configured with arguments, and debug mode (its trace and its 500 with the
//! error text).

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::{TestHost, bundle_dir, switchyard_bin};

fn get(path: &str) -> Value {
    json!({
        "httpMethod": "GET", "path": path, "requestContext": {"requestId": "r-1", "stage": "$default"},
        "multiValueHeaders": {"Accept": ["application/json"]},
    })
}

/// Runs `switchyard invoke` on one event; its stdout response and its stderr log.
fn invoke_cli(bundle: &str, event: &Value) -> (Value, String) {
    let mut child = Command::new(switchyard_bin())
        .args(["invoke", "--bundle"])
        .arg(bundle_dir(bundle))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("POWERTOOLS_DEV")
        .spawn()
        .expect("switchyard runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(event.to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let response = serde_json::from_slice(&out.stdout).expect("stdout is the response JSON");
    (response, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_custom_serializer_writes_json_bodies() {
    let resp = TestHost::shared("features").invoke(&get("/values"));
    assert_eq!(resp["statusCode"], 200);
    assert_eq!(
        resp["body"],
        r#"{"alpha": [3,2], "mid": {"a": null, "b": true}, "zeta": 1}"#
    );
}

#[test]
fn a_middleware_configured_with_arguments_wraps_every_route() {
    let host = TestHost::shared("features");
    for path in ["/values", "/nowhere"] {
        let resp = host.invoke(&get(path));
        assert_eq!(
            resp["multiValueHeaders"]["X-Stamp"],
            json!(["configured"]),
            "{path}: {resp}"
        );
    }
}

#[test]
fn an_unhandled_error_answers_a_plain_500_outside_debug_mode() {
    let (resp, _) = invoke_cli("features", &get("/parse/three"));
    assert_eq!(resp["statusCode"], 500);
    assert_eq!(
        resp["body"],
        r#"{"statusCode":500,"message":"Internal Server Error"}"#
    );
}

#[test]
fn debug_mode_answers_with_the_error_text_and_traces_the_request() {
    let (resp, log) = invoke_cli("features-debug", &get("/parse/three"));
    assert_eq!(resp["statusCode"], 500);
    assert_eq!(
        resp["multiValueHeaders"]["Content-Type"],
        json!(["text/plain"])
    );
    let body = resp["body"].as_str().unwrap();
    assert!(body.contains("ParseIntError"), "{body}");
    assert!(body.contains("invalid digit found in string"), "{body}");

    let lines: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let find = |message: &str| {
        lines
            .iter()
            .find(|l| {
                l["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(message))
            })
            .unwrap_or_else(|| panic!("no `{message}` line in:\n{log}"))
    };
    let event = find("event")["event"].as_str().unwrap();
    assert!(
        event.contains("\n  \"httpMethod\": \"GET\""),
        "pretty event: {event}"
    );
    let route = find("Processing Route:::GET /parse/<n>");
    assert_eq!(route["middlewares"], "StampHeader -> handler");
    let response = find("response")["response"].as_str().unwrap();
    assert!(response.contains("\"statusCode\": 500"), "{response}");
}

#[test]
fn outside_debug_mode_nothing_is_traced() {
    let (_, log) = invoke_cli("features", &get("/values"));
    assert!(!log.contains("Processing Route"), "{log}");
}
