//! Handlers that make the host hold resources and never give them back: files of a
//! read-only `dirs` grant (`/data`), opened and kept, each a descriptor in the host.

use serde_json::{Value, json};

/// `GET /open/<count>`: opens `/data/file.txt` `count` times and keeps every handle past the
/// answer (leaked, as a careless handler would in a global).
pub fn open(switchyard_sdk::Path(count): switchyard_sdk::Path<u32>) -> Value {
    let mut opened = 0u32;
    for _ in 0..count {
        match std::fs::File::open("/data/file.txt") {
            Ok(file) => {
                std::mem::forget(file);
                opened += 1;
            }
            Err(err) => return json!({"opened": opened, "error": err.to_string()}),
        }
    }
    json!({"opened": opened})
}

/// `GET /count`: prints a line (wasi-libc keeps its stdout stream) and counts the calls this
/// instance has served, so a test sees whether it was pooled.
pub fn count() -> Value {
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let calls = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    println!("call {calls}");
    json!({"calls": calls})
}

/// `GET /ok`: the answer after the bad one.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/open/<count>", open)
        .get("/count", count)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
