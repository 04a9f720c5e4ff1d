//! `ALBResolver(decode_query_parameters=True, enable_response_size_validation=True)` through
//! the real host, with the `alb-options` test guest.

use serde_json::{Value, json};

use crate::support::{TestHost, bundle_dir, run_switchyard, workspace};

fn alb(path: &str, query: Value) -> Value {
    json!({
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"}},
        "httpMethod": "GET", "path": path, "queryStringParameters": query,
        "headers": {"host": "example.com"}, "body": "", "isBase64Encoded": false,
    })
}

fn alb_multi(path: &str, query: Value) -> Value {
    json!({
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"}},
        "httpMethod": "GET", "path": path, "multiValueQueryStringParameters": query,
        "multiValueHeaders": {"host": ["example.com"]}, "body": "", "isBase64Encoded": false,
    })
}

fn rest(path: &str, query: Value) -> Value {
    json!({
        "httpMethod": "GET", "path": path, "queryStringParameters": query,
        "requestContext": {"requestId": "r-1", "stage": "$default"}, "headers": {},
    })
}

fn body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap_or_default()).unwrap_or_default()
}

#[test]
fn alb_query_names_and_values_are_url_decoded() {
    let host = TestHost::shared("alb-options");
    let single = host.invoke(&alb(
        "/query",
        json!({"na%6De": "J%C3%BCrgen", "tags": "a%2Cb", "plus": "a+b", "pct": "100%"}),
    ));
    assert_eq!(single["statusCode"], 200, "{single}");
    assert_eq!(
        body(&single)["pairs"],
        json!([
            ["name", "Jürgen"],
            ["tags", "a,b"],
            ["plus", "a+b"],
            ["pct", "100%"]
        ])
    );
    // `current_event`'s lookup reads the event as it is, as Powertools' does.
    assert_eq!(body(&single)["current_event_name"], Value::Null);

    let multi = host.invoke(&alb_multi(
        "/query",
        json!({"x%20y": ["1%2F2", "%E2%9C%93"]}),
    ));
    assert_eq!(multi["statusCode"], 200, "{multi}");
    assert_eq!(body(&multi)["pairs"], json!([["x y", "1/2"], ["x y", "✓"]]));

    // Other sources arrive decoded by AWS and are read as they are.
    let rest = host.invoke(&rest("/query", json!({"name": "J%C3%BCrgen"})));
    assert_eq!(body(&rest)["pairs"], json!([["name", "J%C3%BCrgen"]]));
}

#[test]
fn validation_reads_the_decoded_query() {
    let host = TestHost::shared("alb-options");
    let found = host.invoke(&alb(
        "/search",
        json!({"%73earch": "caf%C3%A9", "tags": "a%2Cb,c"}),
    ));
    assert_eq!(found["statusCode"], 200, "{found}");
    // Split on the event's commas first, then decoded: `%2C` stays in its value.
    assert_eq!(
        body(&found),
        json!({"search": "café", "tags": ["a,b", "c"]})
    );

    // Of names that decode alike, the event's last one wins (Powertools decodes into a dict).
    let last = host.invoke(&alb(
        "/search",
        json!({"search": "first", "%73earch": "second"}),
    ));
    assert_eq!(last["statusCode"], 200, "{last}");
    assert_eq!(body(&last)["search"], "second");

    let multi = host.invoke(&alb_multi(
        "/search",
        json!({"%73earch": ["one"], "tags": ["x%2Cy", "z"]}),
    ));
    assert_eq!(multi["statusCode"], 200, "{multi}");
    assert_eq!(body(&multi), json!({"search": "one", "tags": ["x,y", "z"]}));
}

/// ALB events with queries in every encoding that matters, and Powertools 3.37's answers to
/// the same route (`tests/conformance/alb-decode/record.py` recorded them).
#[test]
fn validated_alb_queries_answer_as_powertools_decoding_them() {
    let host = TestHost::shared("alb-options");
    let path = workspace().join("tests/conformance/alb-decode/cases.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(cases.len(), 300);
    let mut differ = Vec::new();
    for case in &cases {
        let answer = host.invoke(&case["event"]);
        if (&answer["statusCode"], body(&answer)) != (&case["status"], case["body"].clone()) {
            differ.push(format!(
                "{} -> {} {} (Powertools {} {})",
                case["event"]["queryStringParameters"]
                    .as_object()
                    .or(case["event"]["multiValueQueryStringParameters"].as_object())
                    .map(|q| Value::Object(q.clone()))
                    .unwrap_or_default(),
                answer["statusCode"],
                body(&answer),
                case["status"],
                case["body"]
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of 300 differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

#[test]
fn an_alb_answer_past_one_mib_goes_to_the_exception_handler() {
    let host = TestHost::shared("alb-options");
    let fits = host.invoke(&alb("/big", json!({"kib": "1000"})));
    assert_eq!(fits["statusCode"], 200);

    let over = host.invoke(&alb("/big", json!({"kib": "1100"})));
    assert_eq!(over["statusCode"], 413, "{}", over["body"]);
    let answer = body(&over);
    assert_eq!(answer["error"], "ResponseSizeExceededError");
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Serialized response size (")
            && message.ends_with("bytes) exceeds the maximum allowed size (1048576 bytes)"),
        "{message}"
    );
    let size: usize = message
        .trim_start_matches("Serialized response size (")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!((1100 * 1024..1100 * 1024 + 200).contains(&size), "{size}");
    // The handler reads the same sizes as the error's fields (Python's `actual_size`).
    assert_eq!(answer["actual_size"], size, "{answer}");
    assert_eq!(answer["max_size"], 1024 * 1024, "{answer}");

    // Only ALB has the limit.
    let rest = host.invoke(&rest("/big", json!({"kib": "1100"})));
    assert_eq!(rest["statusCode"], 200);
}

#[test]
fn an_exception_handler_answer_past_the_limit_or_raising_again_is_a_500() {
    for handler in ["big", "raise"] {
        let event = alb("/big", json!({"kib": "1100", "handler": handler}));
        let out = run_switchyard(
            |cmd| {
                cmd.args(["invoke", "--bundle"])
                    .arg(bundle_dir("alb-options"))
                    .arg("-")
                    .env_remove("POWERTOOLS_DEV");
            },
            &event.to_string(),
        );
        assert!(out.status.success());
        let response: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            response["statusCode"], 500,
            "{handler}: {}",
            response["body"]
        );
        assert_eq!(
            body(&response),
            json!({"statusCode": 500, "message": "Internal Server Error"})
        );
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(
            log.contains("unhandled error ResponseSizeExceededError: Serialized response size ("),
            "{handler}: {log}"
        );
    }
}
