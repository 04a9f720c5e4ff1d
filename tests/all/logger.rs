//! Issue 27 (1): the host's and guests' log lines are Powertools Logger's, compared key by key
//! with the lines Powertools 3.37 wrote for the same events (`tests/conformance/observability/`,
//! recorded by its `record.py`): the bootstrap on every event source, with Lambda's request
//! and trace ids, and a guest using the SDK's logger.

use std::path::Path;

use serde_json::{Map, Value};

use crate::lambda_bootstrap::bootstrap_answers;
use crate::support::{bundle_dir, run_switchyard};

/// What Powertools wrote: per session, each invocation's event and lines.
fn recorded() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/observability/recorded.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every JSON line of `log` (the bootstrap's own non-JSON lines are none: its log is JSON).
fn lines(log: &str) -> Vec<Map<String, Value>> {
    log.lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(line)) => line,
            _ => panic!("not a JSON object line: {l}\n{log}"),
        })
        .collect()
}

/// `switchyard invoke` of the `features` bundle on `event` with JSON log lines, the logger's
/// variables unset but for `env`: what it answered, and its log.
fn invoke_features(event: &Value, env: &[(&str, &str)]) -> (std::process::Output, String) {
    let output = run_switchyard(
        |cmd| {
            cmd.args(["invoke", "--bundle"])
                .arg(bundle_dir("features"))
                .arg("-")
                .env("SWITCHYARD_LOG_FORMAT", "json");
            for name in [
                "SWITCHYARD_LOG_LEVEL",
                "POWERTOOLS_SERVICE_NAME",
                "POWERTOOLS_LOGGER_SAMPLE_RATE",
                "POWERTOOLS_LOGGER_LOG_EVENT",
            ] {
                cmd.env_remove(name);
            }
            cmd.envs(env.iter().copied());
        },
        &event.to_string(),
    );
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{log}");
    (output, log)
}

/// Powertools' `%Y-%m-%d %H:%M:%S,%F%z` in UTC: `2026-12-06 20:13:20,086+0000`.
fn is_powertools_timestamp(text: &str) -> bool {
    let digits = |range: std::ops::Range<usize>| text[range].bytes().all(|b| b.is_ascii_digit());
    text.len() == 28
        && digits(0..4)
        && &text[4..5] == "-"
        && &text[10..11] == " "
        && &text[19..20] == ","
        && digits(20..23)
        && text.ends_with("+0000")
}

/// `ours` is `theirs` key for key, in the same order, but for where each was written
/// (`location` names our source file, Powertools' its Python function) and when.
fn assert_same_line(ours: &Map<String, Value>, theirs: &Map<String, Value>) {
    let keys = |line: &Map<String, Value>| line.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(ours),
        keys(theirs),
        "\nours:   {ours:?}\ntheirs: {theirs:?}"
    );
    for (key, value) in theirs {
        match key.as_str() {
            "timestamp" => assert!(
                is_powertools_timestamp(ours[key].as_str().unwrap_or_default()),
                "{ours:?}"
            ),
            "location" => assert!(
                ours[key].as_str().is_some_and(|l| l.contains(':')),
                "{ours:?}"
            ),
            _ => assert_eq!(
                &ours[key], value,
                "`{key}`\nours:   {ours:?}\ntheirs: {theirs:?}"
            ),
        }
    }
}

/// The keys the invocation gives every line, from `service` to `correlation_id`, and
/// `xray_trace_id`.
const INVOCATION_KEYS: [&str; 8] = [
    "service",
    "cold_start",
    "function_name",
    "function_memory_size",
    "function_arn",
    "function_request_id",
    "correlation_id",
    "xray_trace_id",
];

#[test]
fn the_bootstrap_logs_every_source_as_powertools_logger_does() {
    let recorded = recorded();
    let invocations = recorded["todos"].as_array().unwrap();
    let events = invocations.iter().map(|i| i["event"].clone()).collect();
    let (answers, stderr) = bootstrap_answers(
        &bundle_dir("conformance-todos"),
        events,
        &[
            ("SWITCHYARD_LOG_LEVEL", ""),
            ("SWITCHYARD_LOG_FORMAT", "json"),
            ("POWERTOOLS_SERVICE_NAME", "todos"),
            ("POWERTOOLS_LOGGER_LOG_EVENT", "true"),
        ],
    );
    assert_eq!(answers.len(), invocations.len());
    let ours = lines(&stderr);
    for (n, invocation) in invocations.iter().enumerate() {
        let source = invocation["source"].as_str().unwrap();
        let request_id = format!("request-{n}");
        let theirs: Vec<&Map<String, Value>> = invocation["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_object().unwrap())
            .collect();
        let [event_line] = theirs[..] else {
            panic!("Powertools logged the event alone: {theirs:?}")
        };
        let mine: Vec<&Map<String, Value>> = ours
            .iter()
            .filter(|l| l.get("function_request_id") == Some(&Value::from(request_id.as_str())))
            .collect();
        // The event, logged first, as `log_event=True` logs it.
        let logged_event = mine
            .first()
            .unwrap_or_else(|| panic!("{source}: no lines for {request_id}:\n{stderr}"));
        assert_same_line(logged_event, event_line);
        // Every line of the invocation (its access line, say) carries its keys.
        assert!(mine.len() >= 2, "{source}: {mine:?}");
        for line in &mine {
            for key in INVOCATION_KEYS {
                assert_eq!(
                    line.get(key),
                    event_line.get(key),
                    "{source}: `{key}` of {line:?}"
                );
            }
        }
    }
    // Lines outside an invocation (the bundle loading) carry the service and no request id.
    let outside = ours
        .iter()
        .find(|l| !l.contains_key("function_request_id"))
        .expect("the bundle's load is logged");
    assert_eq!(outside["service"], "todos");
    assert!(!outside.contains_key("cold_start"), "{outside:?}");
}

#[test]
fn a_guests_logger_lines_are_powertools_logger_lines() {
    let recorded = recorded();
    let invocation = &recorded["logged"][0];
    let (output, log) = invoke_features(
        &invocation["event"],
        &[("POWERTOOLS_SERVICE_NAME", "todos")],
    );
    // `get_correlation_id()` read what the event holds at the REST path.
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    let body = |answer: &Value| -> Value {
        serde_json::from_str(answer["body"].as_str().unwrap_or_default()).unwrap()
    };
    assert_eq!(body(&answer), body(&invocation["answer"]), "{log}");
    let ours = lines(&log);
    let access = ours
        .iter()
        .find(|l| l.get("route").is_some())
        .unwrap_or_else(|| panic!("no access line: {log}"));
    let request_id = access["function_request_id"].clone();
    let guest_lines: Vec<Map<String, Value>> = ours
        .iter()
        .filter(|l| {
            l["location"]
                .as_str()
                .is_some_and(|l| l.contains("src/lib.rs:"))
        })
        .cloned()
        .collect();
    let theirs = invocation["lines"].as_array().unwrap();
    assert_eq!(guest_lines.len(), theirs.len(), "{log}");
    for (mine, theirs) in guest_lines.iter().zip(theirs) {
        // `switchyard invoke` gives each invocation a fresh request id, as `sam local` does.
        let mut theirs = theirs.as_object().unwrap().clone();
        theirs.insert("function_request_id".into(), request_id.clone());
        assert_same_line(mine, &theirs);
    }
    // The appended key and the guest's correlation id stay for the rest of the invocation.
    assert_eq!(access["tenant"], "acme", "{access:?}");
    assert_eq!(access["correlation_id"], "set-by-guest", "{access:?}");
    assert!(!access.contains_key("gone"), "{access:?}");
}

/// `POWERTOOLS_LOGGER_SAMPLE_RATE`: a sampled invocation logs at debug level whatever the
/// level says (a rate of 1 samples every one); without it, the level holds.
#[test]
fn a_sampled_invocation_logs_below_the_level() {
    let event = &recorded()["logged"][0]["event"];
    let guest_lines = |rate: Option<&str>| -> Vec<Map<String, Value>> {
        let mut env = vec![("SWITCHYARD_LOG_LEVEL", "error")];
        env.extend(rate.map(|rate| ("POWERTOOLS_LOGGER_SAMPLE_RATE", rate)));
        let (_, log) = invoke_features(event, &env);
        lines(&log)
            .into_iter()
            .filter(|l| l.contains_key("function_request_id"))
            .collect()
    };
    assert!(guest_lines(None).is_empty(), "at `error`, nothing of a 200");
    let sampled = guest_lines(Some("1"));
    let messages: Vec<&Value> = sampled.iter().map(|l| &l["message"]).collect();
    assert_eq!(messages[..2], ["listing todos", "after"], "{sampled:?}");
    assert!(
        sampled.iter().all(|l| l["sampling_rate"] == 1.0),
        "{sampled:?}"
    );
}
