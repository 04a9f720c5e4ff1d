//! Reads what it may not have been granted: the environment (the AWS credentials among it)
//! and files under `/data`, and tries to write there. With no grants it sees nothing.

use serde_json::{Map, Value, json};
use switchyard_sdk::Request;

/// `GET /env`: every variable the guest can see.
pub fn env() -> Value {
    Value::Object(
        std::env::vars()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<Map<_, _>>(),
    )
}

/// `GET /file/<name>`: a file under `/data`, or why not.
pub fn read(req: &Request) -> Value {
    let path = format!("/data/{}", req.path_param("name").unwrap_or_default());
    match std::fs::read_to_string(&path) {
        Ok(text) => json!({"text": text}),
        Err(err) => json!({"error": err.to_string()}),
    }
}

/// `POST /file/<name>`: a write under `/data`, which a read-only grant refuses.
pub fn write(req: &Request) -> Value {
    let path = format!("/data/{}", req.path_param("name").unwrap_or_default());
    match std::fs::write(&path, "overwritten") {
        Ok(()) => json!({"written": true}),
        Err(err) => json!({"written": false, "error": err.to_string()}),
    }
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/env", env)
        .get("/file/<name>", read)
        .post("/file/<name>", write)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
