//! Answers bigger than the bundle allows: a body over `limits.response_bytes` (refused by
//! the host's check), one far over it (refused by wasmtime while copying it out, before the
//! host allocates it), and more headers than `limits.response_headers`.

use serde_json::{Value, json};
use switchyard_sdk::Response;

fn body_of(mib: usize) -> Response {
    Response::new(200).body("x".repeat(mib << 20))
}

/// `GET /big`: 2 MiB.
pub fn big() -> Response {
    body_of(2)
}

/// `GET /huge`: 6 MiB, past the hostcall fuel the limit sets (twice the limit, plus 1 MiB).
pub fn huge() -> Response {
    body_of(6)
}

/// `GET /headers`: a thousand headers.
pub fn headers() -> Response {
    (0..1000).fold(Response::new(200), |response, i| {
        response.header(format!("X-Header-{i}"), "x")
    })
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/big", big)
        .get("/huge", huge)
        .get("/headers", headers)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
