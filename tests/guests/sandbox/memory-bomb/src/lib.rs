//! A handler that allocates, and writes to, memory until the instance's limit stops it.

use serde_json::{Value, json};

/// `GET /bomb`: one MiB at a time, each page written, never freed.
pub fn bomb() -> Value {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![0xA5; 1 << 20]);
        std::hint::black_box(&hoard);
    }
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new().get("/bomb", bomb).get("/ok", ok)
}

switchyard_sdk::export!(app);
