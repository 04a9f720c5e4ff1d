//! A route rule the host compiles and matches on its own CPU: a counted repetition that
//! compiles to megabytes of states, matched against every path that reaches it.

use serde_json::{Value, json};

/// `GET /re/...`: never answers, as the bundle must be refused.
pub fn costly() -> Value {
    json!({"matched": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new().get("/re/[ab]*a.{5000}x", costly)
}

switchyard_sdk::export!(app);
