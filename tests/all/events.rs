//! Every shared sample event, of every source, through the `todos` example: detected,
//! decoded and answered in the shape its source expects.

use serde_json::{Value, json};

use crate::support::{TestHost, conformance_dir};

fn sample_events() -> Vec<(String, Value)> {
    let dir = conformance_dir().join("events");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().to_string();
            let event = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
            (name, event)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The response fields Powertools uses for each sample file's source.
fn expected_fields(file: &str, event: &Value) -> &'static [&'static str] {
    let http_api: &[&str] = &[
        "statusCode",
        "body",
        "isBase64Encoded",
        "headers",
        "cookies",
    ];
    let multi: &[&str] = &["statusCode", "body", "isBase64Encoded", "multiValueHeaders"];
    let single: &[&str] = &["statusCode", "body", "isBase64Encoded", "headers"];
    match file {
        f if f.starts_with("alb") => match event["multiValueHeaders"]
            .as_object()
            .is_some_and(|m| !m.is_empty())
        {
            true => multi,
            false => single,
        },
        f if f.starts_with("apiGatewayProxyV2")
            || f.starts_with("lambdaFunctionUrl")
            || f.starts_with("vpcLattice") =>
        {
            http_api
        }
        _ => multi,
    }
}

/// The status Powertools 3.37 answers each sample event with, from the `todos` example's
/// Python twin built with each source's resolver (`tests/conformance/todos-twin/record.py`
/// prints this table): only a `GET /` (the Function URL samples) and the two ALB `GET /todos`
/// events reach a route (200); every other path or method matches none (404).
const STATUSES: [(&str, u64); 30] = [
    ("albEvent.json", 404),
    ("albEventPathTrailingSlash.json", 404),
    ("albMultiValueHeadersEvent.json", 200),
    ("albMultiValueQueryStringEvent.json", 200),
    ("apiGatewayProxyEvent.json", 404),
    ("apiGatewayProxyEventAnotherPath.json", 404),
    ("apiGatewayProxyEventNoOrigin.json", 404),
    ("apiGatewayProxyEventPathTrailingSlash.json", 404),
    ("apiGatewayProxyEventPrincipalId.json", 404),
    ("apiGatewayProxyEvent_noVersionAuth.json", 404),
    ("apiGatewayProxyOtherEvent.json", 404),
    ("apiGatewayProxyV2Event.json", 404),
    ("apiGatewayProxyV2EventPathTrailingSlash.json", 404),
    ("apiGatewayProxyV2Event_GET.json", 404),
    ("apiGatewayProxyV2IamEvent.json", 404),
    ("apiGatewayProxyV2LambdaAuthorizerEvent.json", 404),
    ("apiGatewayProxyV2OtherGetEvent.json", 404),
    ("apiGatewayProxyV2SchemaMiddlwareInvalidEvent.json", 404),
    ("apiGatewayProxyV2SchemaMiddlwareValidEvent.json", 404),
    ("apigatewayeSchemaMiddlwareInvalidEvent.json", 404),
    ("apigatewayeSchemaMiddlwareValidEvent.json", 404),
    ("lambdaFunctionUrlEvent.json", 200),
    ("lambdaFunctionUrlEventPathTrailingSlash.json", 404),
    ("lambdaFunctionUrlEventWithHeaders.json", 200),
    ("lambdaFunctionUrlIAMEvent.json", 404),
    ("vpcLatticeEvent.json", 404),
    ("vpcLatticeEventPathTrailingSlash.json", 404),
    ("vpcLatticeEventV2PathTrailingSlash.json", 404),
    ("vpcLatticeV2Event.json", 404),
    ("vpcLatticeV2EventWithHeaders.json", 404),
];

#[test]
fn every_sample_event_is_answered_in_its_sources_shape() {
    let host = TestHost::shared("todos");
    let events = sample_events();
    let files: Vec<&str> = events.iter().map(|(file, _)| file.as_str()).collect();
    let expected: Vec<&str> = STATUSES.iter().map(|(file, _)| *file).collect();
    assert_eq!(files, expected, "the shared sample events");
    for ((file, event), (_, status)) in events.iter().zip(STATUSES) {
        let resp = host.invoke(event);
        let keys: Vec<&str> = resp
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, expected_fields(file, event), "{file}: {resp}");
        assert_eq!(resp["statusCode"], status, "{file}: {resp}");
        if status == 404 {
            assert_eq!(
                resp["body"], r#"{"statusCode":404,"message":"Not found"}"#,
                "{file}"
            );
        }
    }
}

#[test]
fn the_docs_minimal_events_answer_200() {
    let host = TestHost::shared("todos");
    let events = [
        json!({"path": "/todos", "httpMethod": "GET", "requestContext": {"requestId": "227b78aa-779d-47d4-a48e-ce62120393b8"}}),
        json!({"rawPath": "/todos", "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}),
        json!({"path": "/todos", "httpMethod": "GET", "headers": {"x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793"}}),
    ];
    for event in events {
        let resp = host.invoke(&event);
        assert_eq!(resp["statusCode"], 200, "{event}: {resp}");
        let body: Value = serde_json::from_str(resp["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["todos"].as_array().map(Vec::len), Some(10), "{resp}");
    }
}

#[test]
fn todos_routes_answer_like_the_getting_started_app() {
    let host = TestHost::shared("todos");
    let get = |path: &str| {
        host.invoke(&json!({"rawPath": path, "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}))
    };
    let one = get("/todos/3");
    assert_eq!(one["statusCode"], 200);
    assert_eq!(
        serde_json::from_str::<Value>(one["body"].as_str().unwrap()).unwrap()["todo"]["id"],
        3
    );
    let missing = get("/todos/999");
    assert_eq!(missing["statusCode"], 404);
    assert_eq!(
        missing["body"],
        r#"{"statusCode":404,"message":"todo 999 not found"}"#
    );
    let limited = host.invoke(&json!({
        "rawPath": "/todos", "rawQueryString": "limit=2", "queryStringParameters": {"limit": "2"},
        "requestContext": {"http": {"method": "GET"}, "stage": "$default"},
    }));
    let todos: Value = serde_json::from_str(limited["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        todos["todos"].as_array().map(Vec::len),
        Some(2),
        "{limited}"
    );
    let index = get("/");
    assert_eq!(index["statusCode"], 200, "{index}");
    let about: Value = serde_json::from_str(index["body"].as_str().unwrap()).unwrap();
    assert_eq!(about["name"], "todos");
    assert_eq!(about["routes"].as_array().map(Vec::len), Some(7), "{about}");
    let unknown = get("/anything/else");
    assert_eq!(unknown["statusCode"], 404, "no catch-all: {unknown}");
    let created = host.invoke(&json!({
        "path": "/todos", "httpMethod": "POST", "requestContext": {},
        "body": r#"{"title": "write tests"}"#, "isBase64Encoded": false,
    }));
    assert_eq!(created["statusCode"], 201, "{created}");
    let todo: Value = serde_json::from_str(created["body"].as_str().unwrap()).unwrap();
    assert_eq!(todo["title"], "write tests");
}

#[test]
fn a_panicking_handler_answers_500_and_the_next_request_is_served() {
    let host = TestHost::shared("todos");
    let event = |path: &str| json!({"path": path, "httpMethod": "GET", "requestContext": {}});
    let panicked = host.invoke(&event("/panic"));
    assert_eq!(panicked["statusCode"], 500, "{panicked}");
    assert_eq!(
        panicked["body"],
        r#"{"statusCode":500,"message":"Internal Server Error"}"#
    );
    let next = host.invoke(&event("/todos/1"));
    assert_eq!(next["statusCode"], 200, "{next}");
}
