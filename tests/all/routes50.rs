//! The `routes50` guest, which the benchmarks use: every one of its fifty routes answers,
//! the last as well as the first, and a fresh instance per request answers the same.

use serde_json::{Value, json};

use crate::support::TestHost;

fn get(path: &str) -> Value {
    json!({"httpMethod": "GET", "path": path, "requestContext": {"requestId": "r"}})
}

fn body(response: &Value) -> Value {
    assert_eq!(response["statusCode"], 200, "{response}");
    serde_json::from_str(response["body"].as_str().expect("a text body")).expect("a JSON body")
}

#[test]
fn the_last_of_fifty_routes_matches_with_its_parameter() {
    let host = TestHost::shared("routes50");
    assert_eq!(
        body(&host.invoke(&get("/resource49/7"))),
        json!({"resource": 49, "id": "7"})
    );
    assert_eq!(
        body(&host.invoke(&get("/resource1/x"))),
        json!({"resource": 1, "id": "x"})
    );
    assert_eq!(host.invoke(&get("/resource50/7"))["statusCode"], 404);
}

#[test]
fn the_static_route_answers_warm_and_fresh() {
    for bundle in ["routes50", "routes50-fresh"] {
        let host = TestHost::shared(bundle);
        for _ in 0..2 {
            assert_eq!(
                body(&host.invoke(&get("/hello"))),
                json!({"hello": "world"}),
                "{bundle}"
            );
        }
    }
}

#[test]
fn a_native_handler_answers_in_place_of_the_guest() {
    // The benchmarks' price of the sandbox: the same route, its handler run in the host.
    let dir = crate::support::bundle_dir("routes50");
    let mut pipeline = switchyard::Bundle::open(&dir)
        .and_then(|b| b.load())
        .unwrap_or_else(|e| panic!("{e:#}"));
    let replaced = pipeline.bench_native_handler("GET", "/hello", |params| {
        assert!(params.is_empty());
        switchyard::Response::new(
            200,
            Some("application/json"),
            switchyard::Body::Text(r#"{"native":true}"#.into()),
        )
    });
    assert!(replaced);
    assert!(!pipeline.bench_native_handler("GET", "/nowhere", |_| unreachable!()));
    let event = get("/hello").to_string();
    let response = pipeline
        .handle(event.as_bytes(), &switchyard::InvocationContext::local())
        .unwrap()
        .to_value();
    assert_eq!(body(&response), json!({"native": true}));
}
