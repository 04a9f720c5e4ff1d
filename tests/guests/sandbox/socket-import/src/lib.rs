//! A handler that opens a TCP connection with the standard library, so the component imports
//! `wasi:sockets`, which no bundle grant can allow.

use serde_json::{Value, json};

/// `GET /connect`: never runs, as the bundle must be refused.
pub fn connect() -> Value {
    let connected = std::net::TcpStream::connect("127.0.0.1:9").is_ok();
    json!({"connected": connected})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new().get("/connect", connect)
}

switchyard_sdk::export!(app);
