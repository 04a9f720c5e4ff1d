//! Every `todos` case of the shared conformance suite through the `conformance-todos`
//! bundle, compared the way `shared/conformance/compare.py` compares them; quirk cases
//! assert the right answer their note describes.

use std::collections::BTreeMap;
use std::io::Read as _;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::support::{TestHost, cases};

const LIST_HEADERS: [&str; 3] = [
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-expose-headers",
];

/// Header names lower-cased, each with its list of values; `Access-Control-*` lists as sets.
fn headers(resp: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(map) = resp["headers"].as_object() {
        for (k, v) in map {
            out.entry(k.to_lowercase())
                .or_default()
                .push(v.as_str().unwrap_or_default().to_string());
        }
    }
    if let Some(map) = resp["multiValueHeaders"].as_object() {
        for (k, vs) in map {
            let values = vs
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap_or_default().to_string());
            out.entry(k.to_lowercase()).or_default().extend(values);
        }
    }
    for name in LIST_HEADERS {
        if let Some(values) = out.get_mut(name) {
            let mut items: Vec<String> = values
                .iter()
                .flat_map(|v| v.split(','))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            items.sort();
            items.dedup();
            *values = items;
        }
    }
    out
}

/// The body after base64 and gunzip: parsed JSON (a 422's `detail` as a set) or bytes.
fn body(resp: &Value, headers: &BTreeMap<String, Vec<String>>) -> Result<Value, String> {
    let raw = resp["body"].as_str().unwrap_or_default();
    let mut data = match resp["isBase64Encoded"].as_bool().unwrap_or(false) {
        true => base64::engine::general_purpose::STANDARD
            .decode(raw)
            .map_err(|e| e.to_string())?,
        false => raw.as_bytes().to_vec(),
    };
    let encodings = headers.get("content-encoding").cloned().unwrap_or_default();
    if encodings.iter().any(|e| e.eq_ignore_ascii_case("gzip")) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&data[..])
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        data = out;
    }
    let content_type = headers
        .get("content-type")
        .map(|v| v.join(",").to_lowercase())
        .unwrap_or_default();
    if content_type.contains("json")
        && !data.is_empty()
        && let Ok(mut value) = serde_json::from_slice::<Value>(&data)
    {
        if let Some(detail) = value.get_mut("detail").and_then(Value::as_array_mut) {
            let mut items: Vec<String> = detail.iter().map(Value::to_string).collect();
            items.sort();
            *detail = items.into_iter().map(Value::String).collect();
        }
        return Ok(json!({"json": value}));
    }
    Ok(json!({"bytes": String::from_utf8_lossy(&data)}))
}

fn shape(resp: &Value) -> (Vec<String>, Vec<String>) {
    let mut keys: Vec<String> = resp
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .filter(|k| k != "body" && k != "cookies")
        .collect();
    keys.sort();
    let mut cookies: Vec<String> = resp["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect();
    cookies.sort();
    (keys, cookies)
}

/// The differences between two Lambda responses, empty when they match.
pub(crate) fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if expected["statusCode"] != actual["statusCode"] {
        out.push(format!(
            "statusCode {} != {}",
            expected["statusCode"], actual["statusCode"]
        ));
    }
    let b64 = |v: &Value| v["isBase64Encoded"].as_bool().unwrap_or(false);
    if b64(expected) != b64(actual) {
        out.push("isBase64Encoded differs".into());
    }
    if shape(expected) != shape(actual) {
        out.push(format!(
            "fields/cookies {:?} != {:?}",
            shape(expected),
            shape(actual)
        ));
    }
    let (eh, ah) = (headers(expected), headers(actual));
    if eh != ah {
        out.push(format!("headers {eh:?} != {ah:?}"));
    }
    match (body(expected, &eh), body(actual, &ah)) {
        (Ok(e), Ok(a)) if e == a => {}
        (e, a) => out.push(format!("body {e:?} != {a:?}")),
    }
    out
}

/// Runs every case of `app` through `bundle`; quirk cases only must not answer 5xx here
/// (their right answers are asserted by the `quirk_*` tests).
fn run_suite(app: &str, bundle: &'static str, at_least: usize) {
    let host = TestHost::shared(bundle);
    let cases = cases(app);
    assert!(
        cases.len() >= at_least,
        "expected the whole {app} suite, got {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let actual = host.invoke(&case["event"]);
        let name = case["name"].as_str().unwrap_or_default();
        if case.get("quirk").is_some() {
            let status = actual["statusCode"].as_u64().unwrap_or(500);
            if status >= 500 {
                failures.push(format!("{name}: quirk case answered {status}"));
            }
            continue;
        }
        let problems = diff(&case["expected"], &actual);
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_todos_case_matches_powertools() {
    run_suite("todos", "conformance-todos", 290);
}

#[test]
fn every_validated_case_matches_powertools() {
    run_suite("validated", "conformance-validated", 115);
}

/// The response `bundle` gives to the event of case `case_name` of `app`.
fn answer(app: &str, bundle: &'static str, case_name: &str) -> Value {
    let case = cases(app)
        .into_iter()
        .find(|c| c["name"] == case_name)
        .expect(case_name);
    TestHost::shared(bundle).invoke(&case["event"])
}

#[test]
fn quirk_a_list_header_sent_once_is_a_list_of_one() {
    // v-header-enum@*: Powertools rejects these with `list_type`.
    for source in ["http-v2", "alb", "function-url", "lattice-v1"] {
        let ok = answer(
            "validated",
            "conformance-validated",
            &format!("v-header-enum@{source}"),
        );
        assert_eq!(ok["statusCode"], 200, "{source}: {ok}");
        let body: Value = serde_json::from_str(ok["body"].as_str().unwrap()).unwrap();
        assert_eq!(body, json!({"countries": ["PT"]}), "{source}");

        let bad = answer(
            "validated",
            "conformance-validated",
            &format!("v-header-enum-bad@{source}"),
        );
        assert_eq!(bad["statusCode"], 422, "{source}: {bad}");
        let body: Value = serde_json::from_str(bad["body"].as_str().unwrap()).unwrap();
        assert_eq!(
            body["detail"],
            json!([{"loc": ["header", "cloudfront-viewer-country", 0], "type": "enum"}]),
            "{source}"
        );
    }
}

#[test]
fn quirk_lattice_v2_bodies_are_validated_as_on_http_v2() {
    // v-body-*@lattice-v2: Powertools crashes; the right answer is http-v2's, in this shape.
    for case in [
        "v-body-ok",
        "v-body-missing-field",
        "v-body-bad-types",
        "v-body-not-json",
    ] {
        let lattice = answer(
            "validated",
            "conformance-validated",
            &format!("{case}@lattice-v2"),
        );
        let http = cases("validated")
            .into_iter()
            .find(|c| c["name"] == format!("{case}@http-v2"))
            .unwrap();
        let problems = diff(&http["expected"], &lattice);
        assert!(problems.is_empty(), "{case}: {problems:?}");
    }
}

fn body_of(case_name: &str) -> Value {
    let resp = answer("todos", "conformance-todos", case_name);
    assert_eq!(resp["statusCode"], 200, "{case_name}: {resp}");
    serde_json::from_str(resp["body"].as_str().unwrap()).unwrap()
}

#[test]
fn quirk_single_value_header_lookups_return_the_last_value_as_a_string() {
    for name in ["headers@alb-multi", "headers@lattice-v2"] {
        assert_eq!(
            body_of(name),
            json!({"api_key": "k-1", "user_agent": "conformance/1.0"}),
            "{name}"
        );
    }
}

#[test]
fn quirk_multi_value_query_lookups_return_every_value_the_event_carries() {
    let rows = [
        ("query-multi@http-v2", json!(["red", "blue"])), // rawQueryString
        ("query-multi@function-url", json!(["red", "blue"])), // rawQueryString
        ("query-multi@alb", json!(["blue"])),            // the single value ALB sends
        ("query-multi@alb-multi", json!(["red", "blue"])),
        ("query-multi@lattice-v1", json!(["red", "blue"])), // the comma-split value
        ("query-multi@lattice-v2", json!(["red", "blue"])),
    ];
    for (name, categories) in rows {
        assert_eq!(
            body_of(name),
            json!({"name": "ann", "category": categories}),
            "{name}"
        );
    }
}

#[test]
fn an_error_skips_the_after_logic_of_middlewares() {
    // err-* cases: the error propagates up through `powered_by`, as an exception does, so
    // the answer Powertools gave (its status and body) carries no `X-Powered-By`, while the
    // same middleware stamps every answer that is not an error.
    let host = TestHost::shared("conformance-todos");
    let cases = cases("todos");
    let errors: Vec<&Value> = cases
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("err-"))
        .collect();
    // 400, 401, 403, 404, 500, 502 and the exception handler's answer, on the seven sources.
    let kinds: std::collections::BTreeSet<&str> = errors
        .iter()
        .map(|c| c["name"].as_str().unwrap().split('@').next().unwrap())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "err-400",
            "err-401",
            "err-403",
            "err-404",
            "err-500",
            "err-502-cors",
            "err-handler"
        ],
        "the err- cases of the shared suite"
    );
    assert_eq!(errors.len(), 7 * 7, "every err- case on every source");
    for case in errors {
        let name = case["name"].as_str().unwrap();
        let resp = host.invoke(&case["event"]);
        assert!(
            case["expected"]["statusCode"].as_u64().unwrap() >= 400,
            "{name}: an error case"
        );
        let problems = diff(&case["expected"], &resp);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        assert!(
            !headers(&resp).contains_key("x-powered-by"),
            "{name}: {resp}"
        );
    }
    // An answer without an error, on each source, passes the middleware's after logic.
    for source in [
        "rest-v1",
        "http-v2",
        "alb",
        "alb-multi",
        "function-url",
        "lattice-v1",
        "lattice-v2",
    ] {
        let ok = answer("todos", "conformance-todos", &format!("get-one@{source}"));
        assert_eq!(
            headers(&ok).get("x-powered-by"),
            Some(&vec!["conformance".to_string()]),
            "get-one@{source}: {ok}"
        );
    }
}

/// Bodies are the bytes Powertools' default serializer writes (`json.dumps` with compact
/// separators): non-ASCII escaped and floats in Python's `repr`, in the guest's answers and
/// the host's errors alike. The suite's comparer reads bodies as JSON, so it cannot see this.
#[test]
fn json_bodies_are_written_byte_for_byte_as_powertools_writes_them() {
    let mut event = cases("todos")
        .into_iter()
        .find(|c| c["name"] == "get-one@rest-v1")
        .expect("the case")["event"]
        .clone();
    let host = TestHost::shared("conformance-todos");
    event["path"] = json!("/todos/é日");
    assert_eq!(
        host.invoke(&event)["body"],
        r#"{"statusCode":404,"message":"todo \u00e9\u65e5 not found"}"#
    );
    event["path"] = json!("/todos/1");
    event["httpMethod"] = json!("PUT");
    event["body"] = json!(r#"{"n": 1.5e-5, "s": "ü😀"}"#);
    assert_eq!(
        host.invoke(&event)["body"],
        r#"{"updated":"1","method":"PUT","body":{"n":1.5e-05,"s":"\u00fc\ud83d\ude00"}}"#
    );
    // A validated answer is checked, then written again, the same way.
    let mut event = cases("validated")
        .into_iter()
        .find(|c| c["name"] == "v-body-ok@rest-v1")
        .expect("the case")["event"]
        .clone();
    event["body"] = json!(r#"{"name": "lämp ✓", "price": 1.5e-5}"#);
    assert_eq!(
        TestHost::shared("conformance-validated").invoke(&event)["body"],
        r#"{"id":7,"name":"l\u00e4mp \u2713","price":1.5e-05,"quantity":1,"color":null,"tags":[]}"#
    );
}
