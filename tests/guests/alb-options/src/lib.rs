//! `ALBResolver(decode_query_parameters=True, enable_response_size_validation=True)`.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use switchyard_sdk::{App, Error, Query, Request, Response, ResponseSizeExceededError};

/// `GET /query`: the query as the request's accessors read it, and as `current_event`'s
/// lookup reads the event.
pub fn query(req: &Request) -> Value {
    let pairs = req.query_pairs();
    json!({
        "pairs": pairs,
        "current_event_name": req.current_event().get_query_string_value("name"),
    })
}

/// The validated query of `GET /search`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Search {
    /// What to look for.
    pub search: String,
    /// Tags, a list.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `GET /search`: a validated query parameter, which an encoded name (`%73earch`) must reach.
pub fn search(Query(query): Query<Search>) -> Value {
    json!({"search": query.search, "tags": query.tags})
}

/// `GET /big?kib=N`: an answer of about N KiB.
pub fn big(req: &Request) -> Value {
    let kib: usize = req.query("kib").and_then(|k| k.parse().ok()).unwrap_or(1);
    json!({"filler": "x".repeat(kib * 1024)})
}

/// Answers an oversized answer with a 413 naming its sizes, read from the message and
/// from the error's fields; with `?handler=big` its own answer
/// is oversized too, and with `?handler=raise` it raises the error again.
pub fn too_large(req: &Request, err: &Error) -> Result<Response, Error> {
    match req.query("handler") {
        Some("big") => Ok(Response::json(
            200,
            json!({"filler": "y".repeat(2 * 1024 * 1024)}),
        )),
        Some("raise") => Err(err.clone()),
        _ => {
            let sizes = err.downcast_ref::<ResponseSizeExceededError>();
            Ok(Response::json(
                413,
                json!({
                    "error": err.type_name(),
                    "message": err.message(),
                    "actual_size": sizes.map(|e| e.actual_size),
                    "max_size": sizes.map(|e| e.max_size),
                }),
            ))
        }
    }
}

/// The app.
pub fn app() -> App {
    App::new()
        .decode_query_parameters()
        .enable_response_size_validation()
        .get("/query", query)
        .get("/search", search)
        .validation(true)
        .get("/big", big)
        .exception_handler::<ResponseSizeExceededError, _>(too_large)
}

switchyard_sdk::export!(app);
