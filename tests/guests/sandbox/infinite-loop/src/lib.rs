//! A handler that never returns: the deadline must stop it (504), not Lambda.

use serde_json::{Value, json};

/// `GET /spin`: loops forever.
pub fn spin() -> Value {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new().get("/spin", spin).get("/ok", ok)
}

switchyard_sdk::export!(app);
