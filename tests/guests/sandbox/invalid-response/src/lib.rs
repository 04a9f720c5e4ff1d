//! Answers no front door can send: a status outside 100..=599, a header name that is not an
//! HTTP token, a header value or cookie holding CR, LF or NUL (a response-splitting attempt).
//! Each is answered 500 by the host, the same in `invoke`, `serve` and Lambda.

use serde_json::{Value, json};
use switchyard_sdk::{Cookie, Path, Response};

/// `GET /status/<code>`: an answer with that status.
pub fn status(Path(code): Path<u16>) -> Response {
    Response::new(code).body("status")
}

/// `GET /name/<which>`: a header name that is no token.
pub fn name(Path(which): Path<String>) -> Response {
    let name = match which.as_str() {
        "space" => "X Bad",
        "colon" => "X-Bad:",
        "empty" => "",
        "newline" => "X-Bad\r\nX-Injected",
        "utf8" => "X-Bäd",
        _ => "X-Good",
    };
    Response::new(200).header(name, "value")
}

/// `GET /value/<which>`: a header value holding CR, LF or NUL.
pub fn value(Path(which): Path<String>) -> Response {
    let value = match which.as_str() {
        "crlf" => "ok\r\nSet-Cookie: injected=1",
        "lf" => "ok\nX-Injected: 1",
        "cr" => "ok\rX-Injected: 1",
        "nul" => "ok\0",
        _ => "ok",
    };
    Response::new(200).header("X-Value", value)
}

/// `GET /cookie`: a cookie value holding CR LF.
pub fn cookie() -> Response {
    Response::new(200).cookie(Cookie::new("session", "1\r\nX-Injected: 1"))
}

/// `GET /ok`: the answer after a refused one.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/status/<code>", status)
        .get("/name/<which>", name)
        .get("/value/<which>", value)
        .get("/cookie", cookie)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
