//! A handler that panics: the guest traps, the host answers 500 and drops the instance.

use serde_json::{Value, json};

/// `GET /panic`.
pub fn boom() -> Value {
    panic!("this guest panics on purpose")
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/panic", boom)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
