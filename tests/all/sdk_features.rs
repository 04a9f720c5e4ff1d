//! SDK features through the real host with the `features` test guest: the custom serializer,
//! a middleware configured with arguments, and debug mode (its trace and its 500 with the
//! error text).

use serde_json::{Value, json};

use switchyard::InvocationContext;

use crate::support::{ScratchBundle, TestHost, guest_wasm, invoke_cli};

fn get(path: &str) -> Value {
    json!({
        "httpMethod": "GET", "path": path, "requestContext": {"requestId": "r-1", "stage": "$default"},
        "multiValueHeaders": {"Accept": ["application/json"]},
    })
}

/// The request id of the one access log line in `log` (`switchyard invoke` gives each event
/// a fresh one, as `sam local invoke` does), checked to be no fixed placeholder.
fn access_line_request_id(log: &str) -> Value {
    let ids: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["method"].is_string())
        .map(|l| l["function_request_id"].clone())
        .collect();
    assert_eq!(ids.len(), 1, "one access line: {log}");
    assert_ne!(ids[0], InvocationContext::local().request_id, "a fresh id");
    ids[0].clone()
}

#[test]
fn an_exception_handler_reads_the_fields_of_the_error_its_component_raised() {
    // `TodoLocked { id }` leaves the handler, passes the app's middleware (crossing the WIT
    // boundary as names and a message) and reaches its exception handler through the host.
    let resp = TestHost::shared("features").invoke(&get("/locked/7"));
    assert_eq!(resp["statusCode"], 423, "{resp}");
    let body: Value = serde_json::from_str(resp["body"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(body, json!({"locked": 7}));

    // A checked route runs in a call of its own, inside the call of the app's middleware,
    // which passes the error on: the handler still runs where the error was raised.
    let resp = TestHost::shared("features").invoke(&get("/locked-note/8"));
    assert_eq!(resp["statusCode"], 423, "{resp}");

    // Concurrent requests share the component's idle instances: each exception handler still
    // runs where its own error was raised, and reads its own id.
    let threads: Vec<_> = (0..6)
        .map(|thread| {
            std::thread::spawn(move || {
                let host = TestHost::shared("features");
                for round in 0..25 {
                    let id = thread * 100 + round;
                    let resp = host.invoke(&get(&format!("/locked/{id}")));
                    let body: Value =
                        serde_json::from_str(resp["body"].as_str().unwrap_or_default()).unwrap();
                    assert_eq!(
                        (resp["statusCode"].clone(), body),
                        (json!(423), json!({"locked": id})),
                        "request {id}"
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn the_custom_serializer_writes_json_bodies() {
    let resp = TestHost::shared("features").invoke(&get("/values"));
    assert_eq!(resp["statusCode"], 200);
    assert_eq!(
        resp["body"],
        r#"{"alpha": [3,2], "mid": {"a": null, "b": true}, "zeta": 1}"#
    );
    // A checked answer that passes as it is goes out as the app's serializer wrote it:
    // Powertools serializes the checked answer with the app's serializer.
    let note = TestHost::shared("features").invoke(&get("/note"));
    assert_eq!(note["statusCode"], 200, "{note}");
    assert_eq!(note["body"], r#"{"text": "hi", "urgency": 2}"#);
    // One that checking changes (the default of `urgency` filled in) is written again by
    // the app's serializer, not in the default format (`{"text":"hi","urgency":null}`).
    let filled = TestHost::shared("features").invoke(&get("/short-note"));
    assert_eq!(filled["statusCode"], 200, "{filled}");
    assert_eq!(filled["body"], r#"{"text": "hi", "urgency": null}"#);
}

#[test]
fn a_changed_answer_is_written_by_its_own_components_serializer_in_a_bundle_of_several() {
    // A router with a serializer of its own second, behind a component with none: the
    // rewrite must go by the route's component, not the bundle's first.
    let bundle = ScratchBundle::new(
        "serializers",
        &json!({"components": [
            {"name": "routes50", "file": "routes50.wasm"},
            {"name": "notes", "file": "serializer_router.wasm"},
        ]}),
        &[
            guest_wasm("routes50.wasm"),
            guest_wasm("serializer_router.wasm"),
        ],
    );
    let pipeline = bundle.load().expect("the bundle loads");
    let context = InvocationContext::local();
    let answer = |path: &str| {
        let response = pipeline
            .handle(get(path).to_string().as_bytes(), &context)
            .expect("the event decodes");
        serde_json::to_value(&response).expect("the response serializes")
    };
    let filled = answer("/short-note");
    assert_eq!(filled["statusCode"], 200, "{filled}");
    assert_eq!(filled["body"], r#"{"text": "hi", "urgency": null}"#);
    // The first component's own routes still answer in its (default) format.
    let hello = answer("/hello");
    assert_eq!(hello["statusCode"], 200, "{hello}");
    assert_eq!(hello["body"], r#"{"hello":"world"}"#);
}

#[test]
fn the_request_context_and_current_event_read_the_raw_event() {
    let context = InvocationContext {
        request_id: "req-9".into(),
        function_name: "orders".into(),
        function_version: "7".into(),
        invoked_function_arn: "arn:aws:lambda:us-east-1:1:function:orders:live".into(),
        memory_limit_mb: 512,
        // Far enough ahead that the call's deadline is the route's own timeout.
        deadline_ms: 32_503_680_000_000,
        log_group_name: "/aws/lambda/orders".into(),
        log_stream_name: "2026/11/28/[7]0123456789abcdef".into(),
        xray_trace_id: None,
    };
    let resp = TestHost::shared("features").invoke_in(&get("/context"), &context);
    assert_eq!(resp["statusCode"], 200, "{resp}");
    let body: Value = serde_json::from_str(resp["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body["context"],
        json!({"requestId": "r-1", "stage": "$default"})
    );
    // REST v1's `headers` field is absent from this event: Powertools' lookup finds nothing.
    assert_eq!(body["accept"], Value::Null);
    // It reads the `headers` field as sent, whatever `multiValueHeaders` says.
    let host = TestHost::shared("features");
    for (headers, accept) in [
        (json!({"ACCEPT": "text/html"}), json!("text/html")),
        (json!({"Accept": ["a", "b"]}), json!(["a", "b"])),
        (json!({"Accept": null}), Value::Null),
        (Value::Null, Value::Null),
    ] {
        let mut event = get("/context");
        event["headers"] = headers.clone();
        let resp = host.invoke(&event);
        let body: Value = serde_json::from_str(resp["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["accept"], accept, "headers {headers}");
    }
    assert_eq!(
        body["lambda"],
        json!([
            "req-9",
            "orders",
            "7",
            "arn:aws:lambda:us-east-1:1:function:orders:live",
            512,
            32_503_680_000_000_u64,
            "/aws/lambda/orders",
            "2026/11/28/[7]0123456789abcdef"
        ])
    );
}

#[test]
fn the_lambda_context_tells_the_time_left_by_the_wall_clock() {
    let now_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
    };
    let host = TestHost::shared("features");
    let remaining = |deadline_ms: u64| {
        let context = InvocationContext {
            deadline_ms,
            ..InvocationContext::local()
        };
        let resp = host.invoke_in(&get("/context"), &context);
        assert_eq!(resp["statusCode"], 200, "{resp}");
        let body: Value = serde_json::from_str(resp["body"].as_str().unwrap()).unwrap();
        body["remaining_ms"].as_u64().unwrap()
    };
    // `get_remaining_time_in_millis()`: the deadline less the guest's clock.
    let before = now_ms();
    let left = remaining(before + 60_000);
    let elapsed = now_ms() - before;
    assert!(
        (60_000 - elapsed..=60_000).contains(&left),
        "{left} ms left, {elapsed} ms taken"
    );
    // No Lambda deadline (a local run): the guest has the route's timeout, the deadline the
    // host enforces, rather than nothing or a count from 1970.
    let timeout = host
        .pipeline()
        .routes()
        .iter()
        .find(|r| r.rule == "/context")
        .map(|r| r.value.timeout.as_millis() as u64)
        .unwrap();
    let before = now_ms();
    let left = remaining(0);
    let elapsed = now_ms() - before;
    assert!(
        (timeout - elapsed..=timeout).contains(&left),
        "{left} ms left of {timeout}, {elapsed} ms taken"
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
    let (resp, log) = invoke_cli("features", &get("/parse/three"), None);
    assert_eq!(resp["statusCode"], 500);
    assert_eq!(
        resp["body"],
        r#"{"statusCode":500,"message":"Internal Server Error"}"#
    );
    // The error is logged with the request it belongs to.
    let line: Value = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|l: &Value| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("unhandled error"))
        })
        .unwrap_or_else(|| panic!("no unhandled error line in {log}"));
    assert_eq!(line["level"], "ERROR", "{line}");
    assert_eq!(
        line["function_request_id"],
        access_line_request_id(&log),
        "{line}"
    );
    assert!(
        line["message"].as_str().unwrap().contains("ParseIntError"),
        "{line}"
    );
}

#[test]
fn what_a_guest_prints_is_logged_a_line_at_a_time_with_its_request() {
    let (resp, log) = invoke_cli("features", &get("/prints"), None);
    assert_eq!(resp["statusCode"], 200, "{log}");
    let printed: Vec<(String, String, String)> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["component"] == "features")
        .map(|l| {
            assert_eq!(
                l["function_request_id"],
                access_line_request_id(&log),
                "{l}"
            );
            let field = |name: &str| l[name].as_str().unwrap_or_default().to_string();
            (field("stream"), field("level"), field("message"))
        })
        .collect();
    let expected = [
        ("stdout", "INFO", "partial one and 2"),
        ("stderr", "WARNING", "warning: in pieces"),
        ("stdout", "INFO", "flushed without a newline"),
    ]
    .map(|(s, l, m)| (s.to_string(), l.to_string(), m.to_string()));
    assert_eq!(printed, expected, "{log}");
}

#[test]
fn debug_mode_answers_with_the_error_text_and_traces_the_request() {
    let (resp, log) = invoke_cli("features-debug", &get("/parse/three"), None);
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
    let (_, log) = invoke_cli("features", &get("/values"), None);
    assert!(!log.contains("Processing Route"), "{log}");
}

fn post(path: &str, content_type: &str, body: &str) -> Value {
    json!({
        "httpMethod": "POST", "path": path, "requestContext": {"requestId": "r-2", "stage": "$default"},
        "multiValueHeaders": {"Content-Type": [content_type]}, "body": body,
    })
}

fn json_body(resp: &Value) -> Value {
    serde_json::from_str(resp["body"].as_str().unwrap()).unwrap()
}

#[test]
fn a_request_validation_error_handler_replaces_the_422() {
    let host = TestHost::shared("features");
    let ok = host.invoke(&get("/typed/7"));
    assert_eq!(json_body(&ok), json!({"n": 7}));
    let bad = host.invoke(&get("/typed/seven"));
    assert_eq!(bad["statusCode"], 400, "{bad}");
    // The handler reads Pydantic's whole error.
    assert_eq!(
        json_body(&bad),
        json!({"invalid": 1, "first": {
            "type": "int_parsing", "loc": ["path", "n"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "seven",
        }})
    );
}

#[test]
fn integers_outside_their_rust_types_range_fail_validation_with_its_bound() {
    let host = TestHost::shared("features");
    let mut ok = get("/bounded/4294967295");
    ok["multiValueQueryStringParameters"] = json!({"small": ["255"]});
    let ok = host.invoke(&ok);
    assert_eq!(
        json_body(&ok),
        json!({"n": 4294967295u64, "small": 255}),
        "{ok}"
    );
    let first = |path: &str, query: Value| {
        let mut event = get(path);
        event["multiValueQueryStringParameters"] = query;
        let resp = host.invoke(&event);
        // Reaches the app's RequestValidationError handler, as any other constraint does.
        assert_eq!(resp["statusCode"], 400, "{resp}");
        json_body(&resp)["first"].clone()
    };
    assert_eq!(
        first("/bounded/5000000000", json!({})),
        json!({"type": "less_than_equal", "loc": ["path", "n"],
               "msg": "Input should be less than or equal to 4294967295",
               "input": "5000000000", "ctx": {"le": 4294967295u64}})
    );
    assert_eq!(first("/bounded/-1", json!({}))["ctx"], json!({"ge": 0}));
    assert_eq!(
        first("/bounded/1", json!({"small": ["256"]}))["ctx"],
        json!({"le": 255})
    );
    assert_eq!(
        first("/bounded/1", json!({"wide": ["9223372036854775808"]}))["ctx"],
        json!({"le": 9223372036854775807i64})
    );
}

#[test]
fn typed_parameters_without_validation_are_parsed_from_their_text() {
    let host = TestHost::shared("features");
    let search = |path: &str, query: Value| {
        let mut event = get(path);
        event["multiValueQueryStringParameters"] = query;
        host.invoke(&event)
    };
    let ok = search(
        "/search/5",
        json!({"limit": ["3"], "tags": ["a", "b"], "exact": ["true"]}),
    );
    assert_eq!(ok["statusCode"], 200, "{ok}");
    assert_eq!(
        json_body(&ok),
        json!({"n": 5, "limit": 3, "tags": ["a", "b"], "exact": true})
    );
    // Optional and defaulted fields may be left out.
    let short = search("/search/0", json!({"limit": ["-1"]}));
    assert_eq!(
        json_body(&short),
        json!({"n": 0, "limit": -1, "tags": [], "exact": null})
    );
    // Text that is not the type is the client's error, named.
    for (path, query, message) in [
        (
            "/search/five",
            json!({"limit": ["3"]}),
            "invalid path parameters: `five` is not a valid u32",
        ),
        (
            "/search/5",
            json!({"limit": ["many"]}),
            "invalid query parameters (`limit`): `many` is not a valid i64",
        ),
        (
            "/search/5",
            json!({}),
            "invalid query parameters: missing field `limit`",
        ),
    ] {
        let bad = search(path, query);
        assert_eq!(bad["statusCode"], 400, "{bad}");
        assert_eq!(json_body(&bad)["message"], message, "{bad}");
        // The app's handler for `Rejection` read which part and parameter.
        let part = if path == "/search/five" {
            "Path"
        } else {
            "Query"
        };
        assert_eq!(json_body(&bad)["part"], part, "{bad}");
        let parameter = message.contains("(`limit`)").then_some("limit");
        assert_eq!(json_body(&bad)["parameter"], json!(parameter), "{bad}");
    }
    // A JSON body's field, by its path.
    let host = TestHost::shared("features");
    let post = |body: &str| {
        json!({
            "httpMethod": "POST", "path": "/raw-note", "requestContext": {"requestId": "r-1", "stage": "$default"},
            "multiValueHeaders": {"Content-Type": ["application/json"]}, "body": body,
        })
    };
    let bad = host.invoke(&post(r#"{"text": "hi", "urgency": "high"}"#));
    assert_eq!(bad["statusCode"], 400, "{bad}");
    let body = json_body(&bad);
    assert_eq!(
        (body["part"].as_str(), body["parameter"].as_str()),
        (Some("Body"), Some("urgency")),
        "{bad}"
    );
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("invalid JSON body (`urgency`): invalid type: string"),
        "{message}"
    );
    let trailing = host.invoke(&post(r#"{"text": "hi"} x"#));
    assert_eq!(
        (
            trailing["statusCode"].clone(),
            json_body(&trailing)["parameter"].clone()
        ),
        (json!(400), Value::Null),
        "{trailing}"
    );
    let fine = host.invoke(&post(r#"{"text": "hi", "urgency": 2}"#));
    assert_eq!(json_body(&fine), json!({"text": "hi", "urgency": 2}));
}

#[test]
fn form_bodies_are_lists_of_values_and_other_types_are_415() {
    let host = TestHost::shared("features");
    // Powertools hands a model the form's fields as lists (`parse_qs`), so its scalar
    // fields fail validation (and this app's handler answers the 422 with a 400).
    let form = host.invoke(&post(
        "/notes",
        "application/x-www-form-urlencoded",
        "text=hello&urgency=3",
    ));
    assert_eq!(form["statusCode"], 400, "{form}");
    assert_eq!(json_body(&form)["invalid"], 2, "{form}");
    let json = host.invoke(&post(
        "/notes",
        "application/json",
        r#"{"text": "hello", "urgency": 3}"#,
    ));
    assert_eq!(json_body(&json), json!({"text": "hello", "urgency": 3}));
    let short = host.invoke(&post("/notes", "application/json", r#"{"text": "h"}"#));
    assert_eq!(json_body(&short)["invalid"], 1, "{short}");
    let plain = host.invoke(&post("/notes", "text/plain", "hello"));
    assert_eq!(plain["statusCode"], 415, "{plain}");
    assert_eq!(
        json_body(&plain),
        json!({"statusCode": 415, "detail": [{"loc": ["body"], "type": "unsupported_content_type"}]})
    );
}

#[test]
fn a_route_can_answer_failed_response_validation_with_its_own_status() {
    let resp = TestHost::shared("features").invoke(&get("/broken-note"));
    assert_eq!(resp["statusCode"], 503, "{resp}");
    assert_eq!(
        json_body(&resp),
        json!({"statusCode": 503, "detail": [{"loc": ["response", "text"], "type": "string_type"}]})
    );
}

#[test]
fn every_request_is_logged_with_its_route_status_and_correlation_id() {
    let mut event = get("/typed/5");
    event["headers"] = json!({"X-Correlation-Id": "corr-42"});
    let access_line = |log: &str| -> Value {
        log.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|l| l["route"].is_string())
            .unwrap_or_else(|| panic!("no access log line in:\n{log}"))
    };
    let (_, log) = invoke_cli("features", &event, None);
    let line = access_line(&log);
    assert_eq!(line["route"], "/typed/<n>");
    assert_eq!(line["status"], "200");
    // Powertools' `correlation_paths.API_GATEWAY_REST`: the REST event's request id.
    assert_eq!(line["correlation_id"], "r-1");
    assert_eq!(line["path"], "/typed/5");
    assert!(line["latency_ms"].as_str().unwrap().parse::<f64>().is_ok());
    // A bundle that names another path reads it there; one the event lacks is no key.
    let bundle = ScratchBundle::new(
        "correlation-path",
        &json!({
            "components": [{"name": "features", "file": "features.wasm"}],
            "correlation_id_path": "headers.\"X-Correlation-Id\"",
            "swagger": false,
        }),
        &[guest_wasm("features.wasm")],
    );
    let (status, _, log) = bundle.invoke(
        &[event, get("/typed/6")],
        &[("SWITCHYARD_LOG_LEVEL", "info")],
    );
    assert!(status.success(), "{log}");
    let lines: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["route"].is_string())
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert_eq!(lines[0]["correlation_id"], "corr-42", "{log}");
    assert!(lines[1].get("correlation_id").is_none(), "{log}");
    // A path that is not a field path is refused when the bundle loads, naming it.
    let refused = ScratchBundle::new(
        "correlation-path-refused",
        &json!({
            "components": [{"name": "features", "file": "features.wasm"}],
            "correlation_id_path": "headers[0]",
            "swagger": false,
        }),
        &[guest_wasm("features.wasm")],
    );
    let err = refused
        .load()
        .err()
        .expect("the bundle is refused")
        .to_string();
    assert!(err.contains("`headers[0]`"), "{err}");
}

#[test]
fn numbers_keep_their_digits_from_the_event_to_the_guest_and_back() {
    let host = TestHost::shared("features");
    // `Json<Value>` echoes an integer past 64 bits as its digits, as Python's `json` does,
    // and writes floats as Python reads and writes them.
    let echo = host.invoke(&post(
        "/echo",
        "application/json",
        r#"{"big": 123456789012345678901234567890, "neg": -98765432109876543210, "f": 1.50, "e": 1e5}"#,
    ));
    // (This app writes with its own serializer, serde_json's `Display` with spaces; the
    // default one writes `1.50` as Python's `1.5`: switchyard-pyjson's tests.)
    let body = echo["body"].as_str().unwrap();
    for digits in [
        "\"big\": 123456789012345678901234567890",
        "\"neg\": -98765432109876543210",
    ] {
        assert!(body.contains(digits), "{body}");
    }
    // An `i128` field through the host's validation and the SDK's `Json<T>`, both ways.
    let wide = host.invoke(&post(
        "/wide",
        "application/json",
        r#"{"big": 85070591730234615865843651857942052863}"#,
    ));
    assert_eq!(
        wide["body"],
        r#"{"big": 85070591730234615865843651857942052863, "doubled": 170141183460469231731687303715884105726}"#,
        "{wide}"
    );
    // Past `i128`: the host validates it (Python's `int` has no bound; `format: int128`
    // names none), and the guest's `i128` refuses it.
    let past = host.invoke(&post(
        "/wide",
        "application/json",
        r#"{"big": 1701411834604692317316873037158841057280}"#,
    ));
    assert_ne!(past["statusCode"], 200, "{past}");
}

/// Issue 28 (4): answers are gzipped at Powertools' level 9 unless the route sets its own
/// (`compression_level`); the gzip header's XFL byte says which (2: the smallest, 4: the
/// fastest), and both bodies read back as the same text.
#[test]
fn a_route_compresses_at_its_own_level_and_at_powertools_9_by_default() {
    use base64::Engine as _;
    use std::io::Read as _;
    let host = TestHost::shared("features");
    let gzipped = |path: &str| {
        let mut event = get(path);
        event["multiValueHeaders"]["Accept-Encoding"] = json!(["gzip"]);
        let response = host.invoke(&event);
        assert_eq!(
            response["multiValueHeaders"]["Content-Encoding"],
            json!(["gzip"]),
            "{response}"
        );
        base64::engine::general_purpose::STANDARD
            .decode(response["body"].as_str().unwrap())
            .unwrap()
    };
    let (best, fastest) = (gzipped("/gzip/best"), gzipped("/gzip/fastest"));
    assert_eq!((best[8], fastest[8]), (2, 4));
    let text = |gzipped: &[u8]| {
        let mut out = String::new();
        flate2::read::GzDecoder::new(gzipped)
            .read_to_string(&mut out)
            .unwrap();
        out
    };
    assert_eq!(text(&best), "lorem ipsum dolor sit amet, ".repeat(200));
    assert_eq!(text(&fastest), text(&best));
}
