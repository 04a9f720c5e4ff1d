//! The handlers through the real host, as Lambda runs them: the sample events of `events/`
//! and requests built here. `TestApp::from_crate` builds this crate for `wasm32-wasip2`
//! first (the first run also compiles the host: a few minutes).

use std::sync::OnceLock;

use serde_json::{Value, json};
use switchyard::testing::{TestApp, TestRequest};

fn app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| {
        TestApp::from_crate(env!("CARGO_MANIFEST_DIR")).expect("the crate builds and loads")
    })
}

/// `events/NAME`, as `switchyard invoke` reads it.
fn event(name: &str) -> Value {
    let path = format!("{}/events/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the sample event exists");
    serde_json::from_str(&text).expect("the sample event is JSON")
}

#[test]
fn the_rest_api_sample_event_is_greeted() {
    let response = app().invoke(&event("get.json"));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"message": "hello, you"})
    );
}

#[test]
fn the_function_url_sample_event_is_greeted() {
    let response = app().invoke(&event("function-url-get.json"));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"message": "hello, you"})
    );
}

#[test]
fn a_posted_greeting_is_created() {
    let response = app().invoke(&event("post.json"));
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"message": "hi, you"})
    );
}

#[test]
fn a_greeting_without_a_name_is_refused_by_validation() {
    let response = app().request(TestRequest::post("/greetings").json(json!({"word": "hi"})));
    assert_eq!(response.status(), 422);
    let detail = &response.json::<Value>().unwrap()["detail"][0];
    assert_eq!(detail["loc"], json!(["body", "name"]));
    assert_eq!(detail["type"], "missing");
}

#[test]
fn an_unknown_path_is_not_found() {
    let response = app().request(TestRequest::get("/nowhere"));
    assert_eq!(response.status(), 404);
}
