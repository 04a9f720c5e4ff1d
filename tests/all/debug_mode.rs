//! Debug mode turned on by the app (`App::debug(true)`, the `debug-app` test guest) and by
//! `POWERTOOLS_DEV` (the `features` guest, which leaves it unset), through `switchyard invoke`:
//! an unhandled error answers 500 with its text, and the request is traced. (The bundle's
//! `debug` setting is in `sdk_features.rs`.)

use serde_json::{Value, json};

use crate::support::invoke_cli;

fn get(path: &str) -> Value {
    json!({"httpMethod": "GET", "path": path, "requestContext": {"requestId": "r-1"}})
}

/// Debug mode's answer to `/parse/three` and its trace: Powertools answers `text/plain`
/// with the traceback; a guest has none, so the error's Rust type and its message.
fn assert_debug_answer(resp: &Value, log: &str) {
    assert_eq!(resp["statusCode"], 500, "{resp}");
    assert_eq!(
        resp["multiValueHeaders"]["Content-Type"],
        json!(["text/plain"]),
        "{resp}"
    );
    assert_eq!(
        resp["body"], "core::num::error::ParseIntError: invalid digit found in string",
        "{resp}"
    );
    assert!(log.contains("Processing Route:::GET /parse/<n>"), "{log}");
}

fn assert_plain_answer(resp: &Value, log: &str) {
    assert_eq!(
        resp["body"], r#"{"statusCode":500,"message":"Internal Server Error"}"#,
        "{resp}"
    );
    assert!(!log.contains("Processing Route"), "{log}");
}

#[test]
fn app_debug_true_turns_debug_mode_on_whatever_powertools_dev_says() {
    // `debug if debug is not None else powertools_dev_is_set()`.
    for dev in [None, Some("false"), Some("0")] {
        let (resp, log) = invoke_cli("debug-app", &get("/parse/three"), dev);
        assert_debug_answer(&resp, &log);
    }
}

#[test]
fn powertools_dev_turns_debug_mode_on_for_an_app_that_leaves_it_unset() {
    // Read as Powertools' `strtobool`.
    for dev in ["true", "1", "YES", "on"] {
        let (resp, log) = invoke_cli("features", &get("/parse/three"), Some(dev));
        assert_debug_answer(&resp, &log);
    }
    for dev in [None, Some("false"), Some("0")] {
        let (resp, log) = invoke_cli("features", &get("/parse/three"), dev);
        assert_plain_answer(&resp, &log);
    }
}
