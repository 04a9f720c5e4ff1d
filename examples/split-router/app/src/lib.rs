//! The app component of the split-router example: what Powertools' `app.py` holds in the
//! docs' split-router layout. It owns the root route and the cross-cutting parts, which
//! apply to the routes of every component in the bundle: a middleware that gives each
//! request a correlation id (in the shared context and the `X-Correlation-Id` header), the
//! not-found answer, and the handler for the todos router's `InvalidTodoId` errors.

use serde_json::{Value, json};
use switchyard_sdk::{App, Error, Next, Request, Response, append_context, context};

/// Every request, whichever component serves it: a correlation id in the shared context
/// (the caller's `X-Correlation-Id`, else the Lambda request id) and on the answer.
pub fn correlation(req: &Request, next: Next) -> Result<Response, Error> {
    let id = req
        .header("x-correlation-id")
        .map(str::to_string)
        .unwrap_or_else(|| req.lambda_context().request_id.clone());
    append_context("correlation_id", &id);
    let mut response = next.run()?;
    response.set_header("X-Correlation-Id", id);
    Ok(response)
}

/// `GET /`: what this API is made of.
pub fn index() -> Value {
    json!({"service": "split-router", "routers": ["/todos", "/health"]})
}

/// Unmatched routes and `NotFoundError`s raised by any component.
pub fn not_found(req: &Request, err: &Error) -> Response {
    let correlation_id: Option<String> = context("correlation_id");
    Response::json(
        404,
        json!({
            "message": format!("nothing at {} {}", req.method(), req.path()),
            "detail": err.message(),
            "correlation_id": correlation_id,
        }),
    )
}

/// The todos router's `InvalidTodoId`, raised in another component, answered here.
pub fn invalid_todo_id(_req: &Request, err: &Error) -> Response {
    Response::json(400, json!({"message": err.message()}))
}

/// The app.
pub fn app() -> App {
    App::new()
        .use_middleware(correlation)
        .get("/", index)
        .not_found(not_found)
        .exception_handler_named("InvalidTodoId", invalid_todo_id)
}

switchyard_sdk::export!(app);
