//! Handlers that block in host calls rather than run wasm: a sleep (a poll on a clock) and
//! a busy wait on the clock in short polls; and a short nap that says whose invocation it
//! served, for the bootstrap's concurrent invocations.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchyard_sdk::Request;

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

/// `GET /nap`: 300 ms asleep, then the Lambda context's request id as this instance asks the
/// host for it (after the nap, when other invocations have started), written to the log too.
pub fn nap(req: &Request) -> Value {
    std::thread::sleep(Duration::from_millis(300));
    let request_id = &req.lambda_context().request_id;
    switchyard_sdk::logger::warn_with("napped", json!({"seen_request_id": request_id}));
    json!({"request_id": request_id})
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
        .get("/nap", nap)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
