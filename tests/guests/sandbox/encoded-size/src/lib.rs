//! Answers measured as Lambda measures them. The `sandbox` bundle allows 1 MiB of response:
//! each answer here is under it as bytes, but over it once written as the Lambda response
//! (every `"` escaped as `\"`, a control character as `\u0001`, bytes in base64), or carries
//! a header block over the header limit. A body over the limit that gzip shrinks under it
//! fits, as it does in Lambda.

use serde_json::{Value, json};
use switchyard_sdk::{Cookie, Response};

const KIB: usize = 1 << 10;

/// `GET /quotes`: 600 KiB of `"`, 1.2 MiB once escaped.
pub fn quotes() -> Response {
    Response::new(200).body("\"".repeat(600 * KIB))
}

/// `GET /control`: 200 KiB of U+0001, 1.2 MiB once escaped.
pub fn control() -> Response {
    Response::new(200).body("\u{1}".repeat(200 * KIB))
}

/// `GET /binary`: 900 KiB of bytes, 1.2 MiB in base64.
pub fn binary() -> Response {
    Response::new(200).body(vec![0xA5_u8; 900 * KIB])
}

/// `GET /headers`: 16 headers of 8 KiB each (a 128 KiB header block).
pub fn headers() -> Response {
    (0..16).fold(Response::new(200), |response, i| {
        response.header(format!("X-Big-{i}"), "h".repeat(8 * KIB))
    })
}

/// `GET /cookies`: 8 cookies of 4 KiB each.
pub fn cookies() -> Response {
    (0..8).fold(Response::new(200), |response, i| {
        response.cookie(Cookie::new(format!("c{i}"), "c".repeat(4 * KIB)))
    })
}

/// `GET /gzip`: 2 MiB of one letter, compressed: a few KiB once gzipped and in base64.
pub fn gzip() -> Response {
    Response::new(200)
        .content_type("text/plain")
        .body("a".repeat(2048 * KIB))
        .compress(true)
}

/// `GET /fits`: 900 KiB of plain text, under the limit encoded too.
pub fn fits() -> Response {
    Response::new(200).body("x".repeat(900 * KIB))
}

/// `GET /ok`: the answer after a refused one.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/quotes", quotes)
        .get("/control", control)
        .get("/binary", binary)
        .get("/headers", headers)
        .get("/cookies", cookies)
        .get("/gzip", gzip)
        .get("/fits", fits)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
