//! Routers as components (`examples/split-router`): an app component and two routers
//! mounted with prefixes make one API. The app's middleware wraps the routers' handlers,
//! context set there is read in another component, and the app's not-found and exception
//! handlers answer errors raised in the routers. Two components declaring one route is a
//! load error naming both.

use serde_json::{Value, json};

use crate::support::{
    ScratchBundle, TestHost, bundle_dir, guest_wasm, rest_event, status_and_body,
};

fn call(path: &str) -> (u64, Value, Value) {
    let response = TestHost::shared("split-router").invoke(&rest_event(
        "GET",
        path,
        &[("X-Correlation-Id", "corr-7")],
    ));
    let (status, body) = status_and_body(&response);
    let correlation = response["multiValueHeaders"]["X-Correlation-Id"].clone();
    (status, body, correlation)
}

#[test]
fn each_router_answers_under_its_prefix() {
    let (status, body, _) = call("/");
    assert_eq!(status, 200);
    assert_eq!(body["service"], "split-router");
    let (status, body, _) = call("/todos/2");
    assert_eq!(status, 200);
    assert_eq!(body["title"], "mount it at /todos");
    // A router's `/` is its prefix itself.
    assert_eq!(call("/health").1, json!({"status": "ok"}));
    assert_eq!(call("/health/ready").1, json!({"ready": true}));
}

#[test]
fn the_app_middleware_wraps_handlers_of_other_components() {
    for path in ["/", "/todos", "/health", "/health/ready"] {
        let (status, _, correlation) = call(path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(correlation, json!(["corr-7"]), "{path}");
    }
}

#[test]
fn a_handler_reads_a_header_a_rest_event_names_only_in_its_single_value_headers() {
    // A console test event: `X-Correlation-Id` only in `headers`. Powertools' handlers read
    // it (`current_event.headers`), so the guest's `Request::header` does too.
    let mut event = rest_event("GET", "/health", &[("Accept", "*/*")]);
    event["headers"]["X-Correlation-Id"] = json!("console-1");
    let response = TestHost::shared("split-router").invoke(&event);
    assert_eq!(
        response["multiValueHeaders"]["X-Correlation-Id"],
        json!(["console-1"]),
        "{response}"
    );
}

#[test]
fn context_set_in_the_app_is_read_in_the_todos_router() {
    let (status, body, _) = call("/todos");
    assert_eq!(status, 200);
    assert_eq!(body["correlation_id"], "corr-7");
    assert_eq!(body["todos"].as_array().unwrap().len(), 2);
}

#[test]
fn the_apps_handlers_answer_errors_raised_in_a_router() {
    // `NotFoundError` raised by the todos component, answered by the app's `not_found`.
    let (status, body, _) = call("/todos/9");
    assert_eq!(status, 404);
    assert_eq!(body["message"], "nothing at GET /todos/9");
    assert_eq!(body["correlation_id"], "corr-7");
    // A custom error type of the todos component, answered by the app's handler for it.
    let (status, body, _) = call("/todos/abc");
    assert_eq!(
        (status, body),
        (400, json!({"message": "`abc` is not a todo id"}))
    );
    // No route at all: the app's `not_found` too.
    let (status, body, _) = call("/nope");
    assert_eq!(status, 404);
    assert_eq!(body["message"], "nothing at GET /nope");
}

#[test]
fn switchyard_invoke_answers_the_split_routers_routes() {
    let dir = bundle_dir("split-router");
    let bundle = ScratchBundle::new(
        "split-router",
        &serde_json::from_str(&std::fs::read_to_string(dir.join("switchyard.json")).unwrap())
            .unwrap(),
        &components(&dir),
    );
    let events: Vec<Value> = ["/todos/1", "/health"]
        .iter()
        .map(|p| rest_event("GET", p, &[]))
        .collect();
    let (status, responses, stderr) = bundle.invoke(&events, &[]);
    assert!(status.success(), "{stderr}");
    let statuses: Vec<u64> = responses.iter().map(|r| status_and_body(r).0).collect();
    assert_eq!(statuses, [200, 200]);
    assert_eq!(status_and_body(&responses[0]).1["id"], 1);
}

#[test]
fn two_components_declaring_one_route_are_refused_with_both_names() {
    let dir = bundle_dir("split-router");
    // The health router mounted at /todos: both answer `GET /todos`.
    let bundle = ScratchBundle::new(
        "conflict",
        &json!({"components": [
            {"name": "app", "file": "split_router_app.wasm"},
            {"name": "todos", "file": "split_router_todos.wasm", "prefix": "/todos"},
            {"name": "health", "file": "split_router_health.wasm", "prefix": "/todos"},
        ]}),
        &components(&dir),
    );
    let message = "route `GET /todos` is declared by both component `todos` and component `health`";
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(err.contains(message), "{err}");
    let (status, responses, stderr) = bundle.invoke(&[rest_event("GET", "/", &[])], &[]);
    assert!(!status.success());
    assert!(responses.is_empty());
    assert!(stderr.contains(message), "{stderr}");
}

fn components(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    ["app", "todos", "health"]
        .iter()
        .map(|c| dir.join(format!("split_router_{c}.wasm")))
        .collect()
}

#[test]
fn a_router_component_that_sets_app_only_settings_is_refused_naming_them() {
    // conformance-todos sets CORS: as the app it is honoured; mounted as a router after
    // another app it would be dropped (Powertools' `Router` cannot set it), so the bundle is
    // refused, naming the component and the setting.
    let wasm = [
        guest_wasm("split_router_app.wasm"),
        guest_wasm("conformance_todos.wasm"),
    ];
    let bundle = ScratchBundle::new(
        "router-cors",
        &json!({"components": [
            {"name": "app", "file": "split_router_app.wasm"},
            {"name": "todos", "file": "conformance_todos.wasm", "prefix": "/legacy"},
        ]}),
        &wasm,
    );
    let err = format!("{:#}", bundle.load().err().expect("refused"));
    assert!(
        err.contains("component `todos` is mounted as a router") && err.contains(": cors"),
        "{err}"
    );
    // The same component as the app: its CORS answers.
    let app_first = ScratchBundle::new(
        "app-cors",
        &json!({"components": [
            {"name": "todos", "file": "conformance_todos.wasm"},
            {"name": "app", "file": "split_router_app.wasm", "prefix": "/split"},
        ]}),
        &wasm,
    );
    let pipeline = app_first.load().expect("loads");
    assert!(pipeline.settings().cors.is_some());
}
