//! Routers in one crate: the Powertools docs' "split routes with Router" layout, where
//! `app.py` mounts `routers/todos.py` and `routers/health.py` with
//! `app.include_router(router, prefix=...)`. One component, one manifest.
//!
//! Each middleware adds its name to the answer's `X-Middlewares` on the way out, so the
//! order they wrap a route in shows: the app's `use` before `include_router`, then the todos
//! router's (which wraps every route once included, the app's too, as in Powertools), then the
//! app's `use` after it. `tests/conformance/routers/record.py` is this app written for
//! Powertools 3.37, and its recorded answers are what `tests/all/routers.rs` checks.

mod routers;

use serde_json::{Value, json};
use switchyard_sdk::{App, Error, Next, Request, Response};

/// Adds `name` to the answer's `X-Middlewares` (innermost first).
pub(crate) fn tag(name: &str, next: Next) -> Result<Response, Error> {
    let mut response = next.run()?;
    let seen = response
        .header_value("X-Middlewares")
        .and_then(|values| values.first().cloned());
    let value = match seen {
        Some(seen) => format!("{seen},{name}"),
        None => name.to_string(),
    };
    response.set_header("X-Middlewares", value);
    Ok(response)
}

fn app_first(_req: &Request, next: Next) -> Result<Response, Error> {
    tag("app_first", next)
}

fn app_last(_req: &Request, next: Next) -> Result<Response, Error> {
    tag("app_last", next)
}

/// `GET /`: what this API is made of.
fn index() -> Value {
    json!({"service": "routers", "routers": ["/todos", "/health", "/orders"]})
}

/// `GET /broken`: raises the todos router's error, which its exception handler answers.
fn broken() -> Result<Value, Error> {
    Err(Error::custom("InvalidTodoId", "raised by the app"))
}

/// A key with no entry in `GET /lookup/<key>`'s table.
#[derive(Debug)]
struct Missing(u32);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no entry {}", self.0)
    }
}

impl std::error::Error for Missing {}

/// `GET /lookup/<key>`: an entry of a small table; `ParseIntError` for a key that is not a
/// number and `Missing` for one past the table, both answered by one handler.
fn lookup(req: &Request) -> Result<Value, Error> {
    let key: u32 = req.path_param("key").unwrap_or_default().parse()?;
    match key {
        0..=2 => Ok(json!({"value": key * 10})),
        _ => Err(Missing(key).into()),
    }
}

/// `ParseIntError` and `Missing` alike (`@app.exception_handler([ValueError, KeyError])`).
fn bad_lookup(_req: &Request, _err: &Error) -> Response {
    Response::json(422, json!({"handled_by": "lookup"}))
}

/// The app's own handler for `InvalidTodoId`, registered before the router's, which wins.
fn app_invalid_todo_id(_req: &Request, err: &Error) -> Response {
    Response::json(418, json!({"handled_by": "app", "message": err.message()}))
}

/// The app.
pub fn app() -> App {
    App::new()
        .use_middleware(app_first)
        .get("/", index)
        .get("/broken", broken)
        .get("/lookup/<key>", lookup)
        .exception_handlers::<(std::num::ParseIntError, Missing), _>(bad_lookup)
        .exception_handler_named("InvalidTodoId", app_invalid_todo_id)
        .include_router(routers::todos::router(), "/todos")
        .include_router(routers::health::router(), "/health")
        .include_router(routers::orders::router(), "/orders")
        .use_middleware(app_last)
}

switchyard_sdk::export!(app);
