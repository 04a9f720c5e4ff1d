//! Routers in one crate (`examples/routers`): `App::include_router` as Powertools'
//! `include_router(router, prefix=)`, checked against what Powertools 3.37 answered the same
//! app (`tests/conformance/routers/record.py`) on REST, HTTP API and ALB events: prefixes
//! (a router's `/` is its prefix), the order middlewares wrap each route in (the app's `use`
//! before `include_router`, the router's, which wraps every route once included, then the
//! app's after it, then the route's own), and which exception handler answers an error both
//! the app and the router handle (the router's, registered later), and one handler for two
//! error types (`exception_handler([ValueError, KeyError])`); and dependencies (`Depends`): a
//! tree, built once per request for the middleware and the handler alike, `use_cache=False`,
//! a dependency's HTTP error, `request.route`, and a test's override
//! (`TestApp::dependency_override`, Powertools' `app.dependency_overrides`).

use serde_json::Value;
use switchyard::testing::TestApp;

use crate::support::{TestHost, bundle_dir, workspace};

/// A response header's value, by any case, the last one when it has several.
fn header(response: &Value, name: &str) -> Value {
    for field in ["multiValueHeaders", "headers"] {
        if let Some(headers) = response[field].as_object() {
            for (key, value) in headers {
                if key.eq_ignore_ascii_case(name) {
                    return match value {
                        Value::Array(values) => values.last().cloned().unwrap_or_default(),
                        value => value.clone(),
                    };
                }
            }
        }
    }
    Value::Null
}

#[test]
fn routers_in_one_crate_answer_as_powertools_routers_do() {
    let host = TestHost::shared("routers");
    let path = workspace().join("tests/conformance/routers/cases.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(cases.len(), 54);
    let mut differ = Vec::new();
    for case in &cases {
        let overrides = case["overrides"].as_object().filter(|o| !o.is_empty());
        let answer = match overrides {
            None => host.invoke(&case["event"]),
            Some(overrides) => {
                let app = TestApp::from_bundle(bundle_dir("routers")).unwrap();
                let app = overrides.iter().fold(app, |app, (name, value)| {
                    app.dependency_override(name, value.clone())
                });
                app.invoke(&case["event"]).lambda().clone()
            }
        };
        let body: Value = answer["body"]
            .as_str()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let got = (
            &answer["statusCode"],
            header(&answer, "X-Middlewares"),
            header(&answer, "X-Builds-Seen-By-Middleware"),
            body,
        );
        let want = (
            &case["status"],
            case["middlewares"].clone(),
            case["builds_seen_by_middleware"].clone(),
            case["body"].clone(),
        );
        if got != want {
            let event = &case["event"];
            let path = event["path"].as_str().or(event["rawPath"].as_str());
            differ.push(format!("{path:?}: {got:?}, Powertools {want:?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
