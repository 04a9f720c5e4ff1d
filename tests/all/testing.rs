//! `switchyard::testing`, the harness guest authors use, against the built todos example.

use serde_json::json;
use switchyard::EventSource;
use switchyard::testing::{TestApp, TestRequest};

use crate::support::{bundle_dir, workspace};

#[test]
fn an_event_of_no_known_shape_says_to_name_the_source() {
    let app = TestApp::from_bundle(bundle_dir("todos")).unwrap();
    let err = app
        .try_invoke(&json!({"path": "/todos"}))
        .expect_err("not decodable");
    assert!(err.to_string().contains("name the source"), "{err}");
    let response = app.invoke(&json!({"path": "/todos"}));
    assert_eq!(response.status(), 0);
    assert!(response.error().unwrap().contains("name the source"));
}

#[test]
fn a_named_source_overrides_detection() {
    let minimal = json!({"path": "/todos/1", "httpMethod": "GET"});
    let detected = TestApp::from_bundle(bundle_dir("todos"))
        .unwrap()
        .invoke(&minimal);
    assert!(
        detected.lambda()["headers"].is_object(),
        "detected as single-value ALB"
    );
    let named = TestApp::from_bundle(bundle_dir("todos"))
        .unwrap()
        .with_source(EventSource::RestV1)
        .invoke(&minimal);
    assert_eq!(named.status(), 200);
    assert!(
        named.lambda()["multiValueHeaders"].is_object(),
        "{:?}",
        named.lambda()
    );
}

#[test]
fn a_built_component_loads_on_its_own() {
    let wasm = workspace().join("target/wasm32-wasip2/release/todos.wasm");
    let app = TestApp::from_component(&wasm).unwrap();
    let response = app.request(TestRequest::get("/todos/2").source(EventSource::FunctionUrl));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().unwrap()["todo"]["id"],
        2
    );
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("application/json")
    );
}
