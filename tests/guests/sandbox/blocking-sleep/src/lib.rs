//! Handlers that block in host calls rather than run wasm: a sleep (a poll on a clock) and
//! a busy wait on the clock in short polls.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// `GET /sleep`: five seconds in one blocking call.
pub fn sleep() -> Value {
    std::thread::sleep(Duration::from_secs(5));
    json!({"slept": true})
}

/// `GET /polls`: five seconds of 10 ms sleeps, each a blocking call of its own.
pub fn polls() -> Value {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    json!({"polled": true})
}

/// `GET /ok`: the answer after the bad one.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/sleep", sleep)
        .get("/polls", polls)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
