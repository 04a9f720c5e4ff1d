//! Issue 27 (3): CloudWatch EMF documents, the guests' metrics as Powertools 3.37's Metrics
//! writes them (compared with `tests/conformance/observability/recorded.json`), the
//! `ColdStart` metric, and the per-route metrics a bundle switches on.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{ScratchBundle, features_get as get, guest_wasm};

/// The `features` guest in a bundle with these metrics settings.
fn bundle(label: &str, metrics: Value) -> ScratchBundle {
    ScratchBundle::new(
        label,
        &json!({
            "components": [{"name": "features", "file": "features.wasm"}],
            "swagger": false,
            "metrics": metrics,
        }),
        &[guest_wasm("features.wasm")],
    )
}

/// The EMF documents among `stderr`'s lines, in order.
fn documents(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l.get("_aws").is_some())
        .collect()
}

/// `document` without its timestamp, which is checked to be now, in milliseconds.
fn untimed(mut document: Value) -> Value {
    let aws = document["_aws"].as_object_mut().expect("an EMF document");
    let at = aws
        .remove("Timestamp")
        .and_then(|t| t.as_u64())
        .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(now.abs_diff(at) < 600_000, "timestamp {at}, now {now}");
    document
}

const SERVICE: (&str, &str) = ("POWERTOOLS_SERVICE_NAME", "todos");

#[test]
fn a_guests_metrics_are_the_documents_powertools_writes() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/observability/recorded.json");
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let metered = &recorded["metered"][0];
    let bundle = bundle(
        "metrics-powertools",
        json!({"namespace": "Todos", "cold_start": true}),
    );
    let (status, answers, stderr) = bundle.invoke(&[metered["event"].clone()], &[SERVICE]);
    assert!(status.success(), "{stderr}");
    let body = |answer: &Value| -> Value {
        serde_json::from_str(answer["body"].as_str().unwrap_or_default()).unwrap()
    };
    // A refused metric is refused with Powertools' words.
    assert_eq!(body(&answers[0]), body(&metered["answer"]), "{stderr}");
    let ours: Vec<Value> = documents(&stderr).into_iter().map(untimed).collect();
    let theirs: Vec<Value> = metered["documents"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(|mut d| {
            d["_aws"].as_object_mut().unwrap().remove("Timestamp");
            d
        })
        .collect();
    // Key order too: dimensions, metadata, then the values.
    assert_eq!(
        ours.iter().map(Value::to_string).collect::<Vec<_>>(),
        theirs.iter().map(Value::to_string).collect::<Vec<_>>(),
        "{stderr}"
    );
}

#[test]
fn route_metrics_count_each_requests_status_class_and_fault() {
    let bundle = bundle(
        "metrics-routes",
        json!({"namespace": "Todos", "routes": true}),
    );
    let events = [get("/typed/5"), get("/parse/three"), get("/nowhere")];
    let (status, answers, stderr) = bundle.invoke(&events, &[SERVICE]);
    assert!(status.success(), "{stderr}");
    let statuses: Vec<&Value> = answers.iter().map(|a| &a["statusCode"]).collect();
    assert_eq!(statuses, [200, 500, 404]);
    let documents = documents(&stderr);
    assert_eq!(documents.len(), 3, "{stderr}");
    let expected = [
        ("/typed/<n>", [1.0, 0.0, 0.0, 0.0], 0.0),
        // An unhandled error: a 500 and a fault, as Lambda's `Errors` would count it.
        ("/parse/<n>", [0.0, 0.0, 0.0, 1.0], 1.0),
        ("<not found>", [0.0, 0.0, 1.0, 0.0], 0.0),
    ];
    for (document, (route, classes, fault)) in documents.iter().zip(expected) {
        let aws = &document["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(aws["Namespace"], "Todos");
        assert_eq!(aws["Dimensions"], json!([["route", "service"]]));
        assert_eq!(document["route"], route, "{document}");
        assert_eq!(document["service"], "todos");
        let values = ["2xx", "3xx", "4xx", "5xx"].map(|c| document[c][0].as_f64().unwrap());
        assert_eq!(values, classes, "{document}");
        assert_eq!(document["Fault"][0].as_f64(), Some(fault), "{document}");
        let latency = document["Latency"][0].as_f64().unwrap();
        assert!(latency > 0.0 && latency < 60_000.0, "{document}");
    }
}

#[test]
fn metrics_without_a_namespace_or_when_disabled_write_no_document() {
    let bundle = bundle("metrics-off", json!({"cold_start": true}));
    let (status, answers, stderr) = bundle.invoke(&[get("/metered")], &[SERVICE]);
    assert!(status.success(), "{stderr}");
    assert_eq!(answers[0]["statusCode"], 200, "{stderr}");
    assert!(documents(&stderr).is_empty(), "{stderr}");
    assert!(stderr.contains("have no namespace"), "{stderr}");
    let (_, _, stderr) = bundle.invoke(
        &[get("/metered")],
        &[
            SERVICE,
            ("POWERTOOLS_METRICS_NAMESPACE", "Todos"),
            ("POWERTOOLS_METRICS_DISABLED", "true"),
        ],
    );
    assert!(documents(&stderr).is_empty(), "{stderr}");
    // The variable names the namespace when the bundle does not.
    let (_, _, stderr) = bundle.invoke(
        &[get("/metered")],
        &[SERVICE, ("POWERTOOLS_METRICS_NAMESPACE", "FromEnv")],
    );
    let documents = documents(&stderr);
    assert_eq!(documents.len(), 2, "ColdStart and the guest's: {stderr}");
    assert!(
        documents
            .iter()
            .all(|d| d["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "FromEnv")
    );
}

/// Issue 27 (4): an unhandled error answers 500 and is counted as a fault; with the bundle's
/// `unhandled_errors: fail` it fails the invocation instead, as Powertools lets the exception
/// do, so Lambda's `Errors` metric sees it, and the next invocation is served.
#[test]
fn a_bundle_can_fail_the_invocation_on_an_unhandled_error() {
    let bundle = ScratchBundle::new(
        "unhandled-fail",
        &json!({
            "components": [{"name": "features", "file": "features.wasm"}],
            "swagger": false,
            "unhandled_errors": "fail",
        }),
        &[guest_wasm("features.wasm")],
    );
    let events = vec![get("/parse/three"), get("/typed/5")];
    let (posts, stderr) =
        crate::lambda_bootstrap::bootstrap_posts(&bundle.dir, events.clone(), &[]);
    assert!(posts[0].0.ends_with("/request-0/error"), "{posts:?}");
    let failure: Value = serde_json::from_slice(&posts[0].1).unwrap();
    assert_eq!(
        failure["errorType"], "core::num::error::ParseIntError",
        "{failure}"
    );
    assert_eq!(failure["errorMessage"], "invalid digit found in string");
    assert!(posts[1].0.ends_with("/request-1/response"), "{posts:?}");
    assert!(stderr.contains("unhandled error"), "{stderr}");
    // `switchyard invoke` prints the failure as `sam local invoke` does.
    let (status, answers, stderr) = bundle.invoke(&events, &[]);
    assert!(status.success(), "{stderr}");
    assert_eq!(answers[0]["errorType"], "core::num::error::ParseIntError");
    assert_eq!(answers[1]["statusCode"], 200);
}
