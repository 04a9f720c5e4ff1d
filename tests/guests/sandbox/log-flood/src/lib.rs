//! Output floods: each route prints 3 MiB (or 50,000 two-byte lines) and answers 200. The
//! host writes a request's output up to its log limits, then one line saying how much it
//! dropped. With `FLOOD_ON_START` granted and set, building the app prints 3 MiB too, outside
//! any request.

use std::io::Write as _;

use serde_json::{Value, json};
use switchyard_sdk::{Level, log};

/// What each flood prints, in bytes.
const FLOOD: usize = 3 << 20;

/// `GET /lines`: 3 MiB in lines of 64 bytes.
pub fn lines() -> Value {
    let line = "x".repeat(63);
    let mut out = std::io::stdout().lock();
    for _ in 0..FLOOD / 64 {
        let _ = writeln!(out, "{line}");
    }
    json!({"printed": FLOOD})
}

/// `GET /endless`: 3 MiB on stderr without a newline, in 64 KiB writes.
pub fn endless() -> Value {
    let chunk = "y".repeat(64 << 10);
    let mut err = std::io::stderr().lock();
    for _ in 0..FLOOD / chunk.len() {
        let _ = err.write_all(chunk.as_bytes());
    }
    json!({"printed": FLOOD})
}

/// `GET /tiny`: 50,000 lines of two bytes, each of which the host's log would make ~160.
pub fn tiny() -> Value {
    let mut out = std::io::stdout().lock();
    for _ in 0..50_000 {
        let _ = writeln!(out, "ab");
    }
    json!({"printed": 150_000})
}

/// `GET /log`: 3 MiB through the SDK's `log`, in messages of 1 KiB.
pub fn sdk_log() -> Value {
    let message = "z".repeat(1024);
    for _ in 0..FLOOD / message.len() {
        log(Level::Warn, &message);
    }
    json!({"printed": FLOOD})
}

/// `GET /ok`: the answer after a flood.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app; with `FLOOD_ON_START` set, building it prints 3 MiB first.
pub fn app() -> switchyard_sdk::App {
    if std::env::var_os("FLOOD_ON_START").is_some() {
        let line = "s".repeat(1023);
        let mut out = std::io::stdout().lock();
        for _ in 0..FLOOD / 1024 {
            let _ = writeln!(out, "{line}");
        }
    }
    switchyard_sdk::App::new()
        .get("/lines", lines)
        .get("/endless", endless)
        .get("/tiny", tiny)
        .get("/log", sdk_log)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
