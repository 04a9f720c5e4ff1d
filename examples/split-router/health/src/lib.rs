//! The health router of the split-router example, mounted with `"prefix": "/health"`.

use serde_json::{Value, json};

/// `GET /health`: the rule `/` mounted at the prefix is the prefix itself.
pub fn health() -> Value {
    json!({"status": "ok"})
}

/// `GET /health/ready`.
pub fn ready() -> Value {
    json!({"ready": true})
}

/// The router.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/", health)
        .get("/ready", ready)
}

switchyard_sdk::export!(app);
