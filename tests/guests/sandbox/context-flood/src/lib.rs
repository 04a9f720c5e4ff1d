//! A handler that hands the host ever more context (`append_context`), held outside the
//! guest's memory limit: 1 MiB values under new keys, forever.

use serde_json::{Value, json};
use switchyard_sdk::append_context;

/// `GET /flood`: stops only when the host refuses.
pub fn flood() -> Value {
    let value = "x".repeat(1 << 20);
    for key in 0u64.. {
        append_context(&format!("key-{key}"), &value);
    }
    json!({"flooded": true})
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/flood", flood)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
