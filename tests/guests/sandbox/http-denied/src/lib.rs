//! Sends an HTTP request to a host that is not on its allow-list: the host refuses it
//! before any DNS lookup or connection, and the guest sees `HTTP-request-denied`.

use serde_json::{Value, json};
use switchyard_sdk::Response;
use switchyard_sdk::outbound::{self, OutboundError};

/// `GET /fetch`: what the guest got back, as 502.
pub fn fetch() -> Response {
    match outbound::get("http://example.com/") {
        Ok(answer) => Response::json(200, json!({"status": answer.status})),
        Err(err) => Response::json(
            502,
            json!({"denied": matches!(err, OutboundError::Denied(_)), "message": err.to_string()}),
        ),
    }
}

/// `GET /ok`: the answer after the bad one, from a new instance.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/fetch", fetch)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
