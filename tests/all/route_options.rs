//! Route options and registrations through the real host with the `features` test guest,
//! each answer the one Powertools 3.37 gives for the same route (`cache_control=`,
//! `status_code=`, `@app.head`, `@app.route(method="OPTIONS")`).

use serde_json::{Value, json};

use crate::support::{TestHost, rest_event};

fn invoke(method: &str, path: &str) -> Value {
    TestHost::shared("features").invoke(&rest_event(method, path, &[]))
}

fn header(resp: &Value, name: &str) -> Option<Value> {
    resp["multiValueHeaders"].get(name).cloned()
}

#[test]
fn cache_control_is_sent_on_200_answers_and_no_cache_on_any_other() {
    // `_add_cache_control`: the route's value when the status is 200, else `no-cache`,
    // errors the route raised included.
    for (path, status, cache_control) in [
        ("/cached/200", 200, "max-age=60"),
        ("/cached/201", 201, "no-cache"),
        ("/cached/304", 304, "no-cache"),
        ("/cached/404", 404, "no-cache"),
    ] {
        let resp = invoke("GET", path);
        assert_eq!(resp["statusCode"], status, "{path}: {resp}");
        assert_eq!(
            header(&resp, "Cache-Control"),
            Some(json!([cache_control])),
            "{path}: {resp}"
        );
    }
    // Routes without the option, and answers no route gave, carry none.
    for path in ["/values", "/nowhere"] {
        let resp = invoke("GET", path);
        assert_eq!(header(&resp, "Cache-Control"), None, "{path}: {resp}");
    }
}

#[test]
fn status_code_is_the_status_of_a_plain_return_only() {
    // `_to_response`: a tuple's status and a `Response` are kept; an error answers as itself.
    for (path, status, body) in [
        ("/created", 201, json!({"created": true})),
        ("/created-tuple", 202, json!({"created": true})),
        ("/created-response", 200, json!({"created": true})),
        (
            "/created-error",
            404,
            json!({"statusCode": 404, "message": "nothing created"}),
        ),
    ] {
        let resp = invoke("GET", path);
        assert_eq!(resp["statusCode"], status, "{path}: {resp}");
        let got: Value = serde_json::from_str(resp["body"].as_str().unwrap()).unwrap();
        assert_eq!(got, body, "{path}");
    }
}

#[test]
fn head_and_options_routes_answer_their_own_method_only() {
    let head = invoke("HEAD", "/resource");
    assert_eq!(head["statusCode"], 200, "{head}");
    assert_eq!(head["body"], "", "{head}");
    assert_eq!(header(&head, "X-Resource-Size"), Some(json!(["42"])));
    assert_eq!(header(&head, "Content-Type"), Some(json!(["text/plain"])));

    let options = invoke("OPTIONS", "/resource");
    assert_eq!(options["statusCode"], 204, "{options}");
    assert_eq!(header(&options, "Allow"), Some(json!(["HEAD, OPTIONS"])));

    // No `GET` falls back to `HEAD` or the other way round, and without CORS there is no
    // automatic `OPTIONS`: each answers Powertools' 404.
    for (method, path) in [
        ("GET", "/resource"),
        ("POST", "/resource"),
        ("HEAD", "/values"),
        ("OPTIONS", "/values"),
    ] {
        let resp = invoke(method, path);
        assert_eq!(resp["statusCode"], 404, "{method} {path}: {resp}");
    }
}
