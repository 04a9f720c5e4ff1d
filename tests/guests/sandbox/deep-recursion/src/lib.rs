//! A handler that recurses without end: the stack runs out and the guest traps.

use serde_json::{Value, json};

fn descend(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    // A frame with some weight, which the optimiser cannot fold into a loop.
    let frame = std::hint::black_box([depth; 64]);
    descend(std::hint::black_box(depth + 1)) + frame[(depth % 64) as usize]
}

/// `GET /recurse`.
pub fn recurse() -> Value {
    json!({"depth": descend(0)})
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/recurse", recurse)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
