//! Instance reuse: warm instances keep their state across requests, as a warm Lambda keeps a
//! Python process's globals; `"instances": "fresh"` gives every call a new one.

use serde_json::{Value, json};

use crate::support::TestHost;

fn create_then_get(host: &TestHost) -> (Value, Value) {
    let create = json!({
        "httpMethod": "POST", "path": "/todos", "requestContext": {"requestId": "c"},
        "multiValueHeaders": {"Content-Type": ["application/json"]}, "body": r#"{"title": "remember me"}"#,
    });
    let created = host.invoke(&create);
    assert_eq!(created["statusCode"], 201, "{created}");
    let id =
        serde_json::from_str::<Value>(created["body"].as_str().unwrap()).unwrap()["id"].clone();
    let get = json!({"httpMethod": "GET", "path": format!("/todos/{id}"), "requestContext": {"requestId": "g"}});
    (id, host.invoke(&get))
}

#[test]
fn warm_instances_keep_state_between_requests() {
    let host = TestHost::load(&crate::support::bundle_dir("todos"));
    let (_, fetched) = create_then_get(&host);
    assert_eq!(fetched["statusCode"], 200, "{fetched}");
}

#[test]
fn fresh_instances_start_from_scratch_on_every_call() {
    let host = TestHost::shared("todos-fresh");
    let (id, fetched) = create_then_get(&host);
    assert_eq!(id, 21, "a new instance numbers from its initial data");
    assert_eq!(fetched["statusCode"], 404, "{fetched}");
}
