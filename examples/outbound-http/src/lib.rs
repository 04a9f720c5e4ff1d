//! Outbound HTTP from a handler. `GET /quote` calls the upstream named by `UPSTREAM_URL`
//! (an environment variable the bundle grants) and wraps its answer; the bundle allows
//! that one host in `allowed_hosts`. `GET /elsewhere` tries a host the bundle does not
//! allow, and shows what the guest gets back: a refusal, before any connection is made.
//!
//! ```text
//! UPSTREAM_URL=http://127.0.0.1:8089/quote switchyard serve --bundle target/bundles/outbound-http
//! ```

use serde_json::{Value, json};
use switchyard_sdk::outbound::{self, OutboundError};
use switchyard_sdk::{Error, Response, ServiceError};

/// `GET /quote`: the upstream's JSON, with its status.
pub fn quote() -> Result<Value, Error> {
    let url = std::env::var("UPSTREAM_URL")
        .map_err(|_| ServiceError::new(500, "UPSTREAM_URL is not granted to this component"))?;
    let answer = outbound::get(&url).map_err(|e| ServiceError::new(502, e.to_string()))?;
    let upstream: Value = answer.json()?;
    Ok(json!({"upstream_status": answer.status, "quote": upstream}))
}

/// `GET /elsewhere`: a host off the allow-list; the host refuses it.
pub fn elsewhere() -> Response {
    match outbound::get("https://example.com/") {
        Ok(answer) => Response::json(200, json!({"unexpected": answer.status})),
        Err(err @ OutboundError::Denied(_)) => {
            Response::json(502, json!({"denied": true, "message": err.to_string()}))
        }
        Err(err) => Response::json(502, json!({"denied": false, "message": err.to_string()})),
    }
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/quote", quote)
        .get("/elsewhere", elsewhere)
}

switchyard_sdk::export!(app);
