//! The todos handlers tested the way the Powertools docs test theirs: a minimal event of each
//! source and a fake Lambda context into the real host, assertions on the status and body.
//! `TestApp::from_crate` builds this crate for `wasm32-wasip2` first.

use std::sync::OnceLock;

use serde_json::{Value, json};
use switchyard::EventSource;
use switchyard::testing::{TestApp, TestRequest};

fn app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| {
        TestApp::from_crate(env!("CARGO_MANIFEST_DIR")).expect("todos builds and loads")
    })
}

#[test]
fn rest_api_minimal_event_lists_todos() {
    // The docs' API Gateway REST test event.
    let response = app().invoke(&json!({
        "path": "/todos", "httpMethod": "GET", "requestContext": {"requestId": "227b78aa-779d-47d4-a48e-ce62120393b8"},
    }));
    assert_eq!(response.status(), 200);
    let todos = response.json::<Value>().unwrap()["todos"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(todos, 10);
    assert!(
        response.lambda()["multiValueHeaders"].is_object(),
        "REST answers multi-value headers"
    );
}

#[test]
fn http_api_minimal_event_lists_todos() {
    let response = app().invoke(&json!({
        "rawPath": "/todos", "requestContext": {"http": {"method": "GET"}, "stage": "$default"},
    }));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.lambda()["cookies"],
        json!([]),
        "HTTP APIs answer a cookies list"
    );
}

#[test]
fn alb_minimal_event_lists_todos() {
    let response = app().invoke(&json!({
        "path": "/todos", "httpMethod": "GET", "headers": {"x-amzn-trace-id": "Root=1-5c536348-3d683b8b04734faae651f476"},
    }));
    assert_eq!(response.status(), 200);
    assert!(
        response.lambda()["headers"].is_object(),
        "single-value ALB answers headers"
    );
}

#[test]
fn function_url_minimal_event_lists_todos() {
    let response = app().invoke(&json!({
        "rawPath": "/todos",
        "requestContext": {"http": {"method": "GET"}, "domainName": "abc.lambda-url.us-east-1.on.aws"},
    }));
    assert_eq!(response.status(), 200);
}

#[test]
fn list_takes_a_limit() {
    let response = app().request(TestRequest::get("/todos").query("limit", "2"));
    let todos = response.json::<Value>().unwrap()["todos"].clone();
    assert_eq!(todos.as_array().unwrap().len(), 2);
    assert_eq!(todos[0]["title"], "todo number 1");
}

#[test]
fn get_one_todo() {
    let response = app().request(TestRequest::get("/todos/1").source(EventSource::HttpV2));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"todo": {"userId": 1, "id": 1, "title": "todo number 1", "completed": true}})
    );
}

#[test]
fn a_missing_todo_is_404() {
    let response = app().request(TestRequest::get("/todos/999"));
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"statusCode": 404, "message": "todo 999 not found"})
    );
}

#[test]
fn create_answers_201_with_the_new_todo() {
    let response = app().request(TestRequest::post("/todos").json(json!({"title": "write tests"})));
    assert_eq!(response.status(), 201);
    let todo = response.json::<Value>().unwrap();
    assert_eq!(todo["title"], "write tests");
    assert_eq!(todo["completed"], false);
    assert!(todo["id"].as_u64().unwrap() > 20);
}

#[test]
fn put_and_patch_update_a_todo() {
    for (method, id) in [("PUT", "18"), ("PATCH", "19")] {
        let request = TestRequest::new(method, &format!("/todos/{id}"))
            .json(json!({"title": "updated", "completed": true}))
            .source(EventSource::Alb);
        let response = app().request(request);
        assert_eq!(response.status(), 200, "{method}");
        let todo = response.json::<Value>().unwrap();
        assert_eq!(
            (todo["title"].as_str(), todo["completed"].as_bool()),
            (Some("updated"), Some(true))
        );
    }
}

#[test]
fn delete_answers_204_and_the_todo_is_gone() {
    // An app of its own: the shared one keeps one warm instance per concurrent test, and the
    // GET could land on an instance that never saw the DELETE (each keeps its own todos).
    let app = TestApp::from_crate(env!("CARGO_MANIFEST_DIR")).expect("todos builds and loads");
    let response = app.request(TestRequest::delete("/todos/20"));
    assert_eq!(response.status(), 204);
    assert_eq!(response.text(), "");
    assert_eq!(app.request(TestRequest::get("/todos/20")).status(), 404);
}

#[test]
fn the_root_names_the_api_and_its_routes() {
    let response = app().request(TestRequest::get("/").source(EventSource::LatticeV2));
    assert_eq!(response.status(), 200);
    let about = response.json::<Value>().unwrap();
    assert_eq!(about["name"], "todos");
    assert_eq!(about["routes"], json!(todos::ROUTES));
}

#[test]
fn a_path_with_no_route_is_not_found() {
    let response = app().request(TestRequest::get("/somewhere/else"));
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"statusCode": 404, "message": "Not found"})
    );
}

#[test]
fn cors_allows_the_readmes_origin() {
    let request = TestRequest::get("/todos/1").header("Origin", "https://www.example.com");
    let response = app().request(request);
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.header("access-control-allow-origin").as_deref(),
        Some("https://www.example.com")
    );
    let preflight = app().request(
        TestRequest::new("OPTIONS", "/todos")
            .header("Origin", "https://www.example.com")
            .header("Access-Control-Request-Method", "POST"),
    );
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.header("access-control-allow-methods").as_deref(),
        Some("DELETE,GET,OPTIONS,PATCH,POST,PUT")
    );
    let other =
        app().request(TestRequest::get("/todos/1").header("Origin", "https://evil.example"));
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn a_panicking_handler_answers_500_and_the_app_keeps_serving() {
    let response = app().request(TestRequest::get("/panic"));
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"statusCode": 500, "message": "Internal Server Error"})
    );
    assert_eq!(app().request(TestRequest::get("/todos/1")).status(), 200);
}

/// Handlers are plain functions too: unit-test them without the host.
#[test]
fn handlers_are_plain_functions() {
    let request = switchyard_sdk::Request::builder("GET", "/todos")
        .query("limit", "3")
        .build();
    let state = switchyard_sdk::State(std::rc::Rc::new(todos::Todos::sample()));
    let body = todos::list_todos(&request, state).unwrap();
    assert_eq!(body["todos"].as_array().unwrap().len(), 3);
}
