//! Typed events (`switchyard_sdk::events`): the request context typed per source, authorizers
//! included, and the accessors every source answers, read by a real component
//! (`tests/guests/features`, `/typed-context`) from every shared event and two REST events
//! behind authorizers, against what Powertools 3.37's data classes read from the same events
//! (`tests/conformance/typed-events/record.py`).

use serde_json::{Value, json};

use crate::support::{TestHost, conformance_dir, status_and_body, workspace};

/// The guest's name for each source the recorder tells apart.
fn sdk_source(recorded: &str, event: &Value) -> &'static str {
    match recorded {
        "rest" => "RestV1",
        "http_api" => "HttpV2",
        "function_url" => "FunctionUrl",
        "alb" if event.get("multiValueHeaders").is_some() => "AlbMultiValue",
        "alb" => "Alb",
        "lattice_v1" => "LatticeV1",
        _ => "LatticeV2",
    }
}

/// `event` sent to `/typed-context`, whatever its own path.
fn to_typed_context(mut event: Value) -> Value {
    for key in ["path", "rawPath", "raw_path"] {
        if event.get(key).is_some() {
            event[key] = json!("/typed-context");
        }
    }
    event
}

#[test]
fn typed_request_contexts_read_what_powertools_data_classes_read() {
    let host = TestHost::shared("features");
    let dir = workspace().join("tests/conformance/typed-events");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    assert_eq!(cases.len(), 32);
    let mut differ = Vec::new();
    for case in &cases {
        let name = case["event"].as_str().unwrap();
        let shared = conformance_dir().join("events").join(name);
        let path = if shared.exists() {
            shared
        } else {
            dir.join("events").join(name)
        };
        let event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let source = sdk_source(case["source"].as_str().unwrap(), &event);
        let (status, body) = status_and_body(&host.invoke(&to_typed_context(event.clone())));
        let mut want = case["expected"].clone();
        want["source"] = json!(source);
        if status != 200 || body != want {
            differ.push(format!("{name}: {status} {body}\n  Powertools: {want}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn a_request_context_of_the_wrong_shape_is_a_500_and_the_host_keeps_serving() {
    let host = TestHost::shared("features");
    let events = workspace().join("tests/conformance/typed-events/events");
    let text = std::fs::read_to_string(events.join("restCognitoAuthorizerEvent.json")).unwrap();
    let good: Value = serde_json::from_str(&text).unwrap();
    let mut bad = good.clone();
    bad["requestContext"]["identity"] = json!("not an object");
    assert_eq!(status_and_body(&host.invoke(&bad)).0, 500);
    // The accessors that read one field still answer from the rest of the context.
    let mut partial = good.clone();
    partial["requestContext"]["identity"] = Value::Null;
    let (status, body) = status_and_body(&host.invoke(&partial));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["context"]["identity"]["source_ip"], Value::Null);
    assert_eq!(
        body["source_ip"], "203.0.113.9",
        "X-Forwarded-For stands in"
    );
    assert_eq!(body["claims"]["email"], "ada@example.com");
    assert_eq!(status_and_body(&host.invoke(&good)).0, 200);
}

#[test]
fn the_whole_event_reads_as_aws_lambda_events_types() {
    let host = TestHost::shared("features");
    let events = workspace().join("tests/conformance/typed-events/events");
    let text = std::fs::read_to_string(events.join("restCognitoAuthorizerEvent.json")).unwrap();
    let mut rest: Value = serde_json::from_str(&text).unwrap();
    rest["path"] = json!("/aws-event");
    let (status, body) = status_and_body(&host.invoke(&rest));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"method": "GET", "request_id": "6f4c1c4e-3b9e-4d0a-9b8f-2f1e0c7d5a11"})
    );
    let text =
        std::fs::read_to_string(conformance_dir().join("events/apiGatewayProxyV2Event.json"))
            .unwrap();
    let mut http: Value = serde_json::from_str(&text).unwrap();
    http["rawPath"] = json!("/aws-event");
    http["requestContext"]["http"]["method"] = json!("GET");
    let (status, body) = status_and_body(&host.invoke(&http));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"method": "GET", "request_id": http["requestContext"]["requestId"]})
    );
}
