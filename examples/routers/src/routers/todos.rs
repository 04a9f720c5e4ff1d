//! `routers/todos.py`: mounted at `/todos`. It has a `use` middleware (which, once the
//! router is included, wraps every route of the app, as Powertools' does), a route
//! middleware, and the exception handler for its `InvalidTodoId` errors.

use serde_json::{Value, json};
use switchyard_sdk::{Error, Next, NotFoundError, Request, Response, Router};

fn todos() -> Value {
    json!([
        {"id": 1, "title": "write the todos router", "completed": true},
        {"id": 2, "title": "mount it at /todos", "completed": false},
    ])
}

fn todos_use(_req: &Request, next: Next) -> Result<Response, Error> {
    crate::tag("todos_use", next)
}

fn todo_route(_req: &Request, next: Next) -> Result<Response, Error> {
    crate::tag("todo_route", next)
}

/// `GET /todos`: every todo.
fn list() -> Value {
    json!({"todos": todos()})
}

/// `GET /todos/<todo_id>`: one todo; `InvalidTodoId` for an id that is not a number, and
/// `NotFoundError` for an unknown one.
fn get(req: &Request) -> Result<Value, Error> {
    let raw = req.path_param("todo_id").unwrap_or_default();
    let id: u64 = raw
        .parse()
        .map_err(|_| Error::custom("InvalidTodoId", format!("`{raw}` is not a todo id")))?;
    todos()
        .as_array()
        .and_then(|all| all.iter().find(|t| t["id"] == id).cloned())
        .ok_or_else(|| NotFoundError::new(format!("no todo {id}")).into())
}

/// `InvalidTodoId`, wherever it is raised: the router's handler wins over the app's, which
/// was registered before `include_router`.
fn invalid_todo_id(_req: &Request, err: &Error) -> Response {
    Response::json(
        400,
        json!({"handled_by": "todos", "message": err.message()}),
    )
}

/// The todos router.
pub(crate) fn router() -> Router {
    Router::new()
        .use_middleware(todos_use)
        .get("/", list)
        .get("/<todo_id>", get)
        .middleware(todo_route)
        .exception_handler_named("InvalidTodoId", invalid_todo_id)
}
