//! The todos router of the split-router example (`todos.py` in the docs' layout), mounted
//! with `"prefix": "/todos"`: its `/` is the API's `/todos`. It raises errors for the app
//! component to answer and reads the correlation id the app's middleware put in the context.

use serde_json::{Value, json};
use switchyard_sdk::{Error, NotFoundError, Request, context};

fn todos() -> Value {
    json!([
        {"id": 1, "title": "write the todos router", "completed": true},
        {"id": 2, "title": "mount it at /todos", "completed": false},
    ])
}

/// `GET /todos`: every todo, with the correlation id set by the app component.
pub fn list() -> Value {
    let correlation_id: Option<String> = context("correlation_id");
    json!({"todos": todos(), "correlation_id": correlation_id})
}

/// `GET /todos/<todo_id>`: one todo; `InvalidTodoId` for a non-number and `NotFoundError`
/// for an unknown id, both answered by the app component's handlers.
pub fn get(req: &Request) -> Result<Value, Error> {
    let raw = req.path_param("todo_id").unwrap_or_default();
    let id: u64 = raw
        .parse()
        .map_err(|_| Error::custom("InvalidTodoId", format!("`{raw}` is not a todo id")))?;
    todos()
        .as_array()
        .and_then(|all| all.iter().find(|t| t["id"] == id).cloned())
        .ok_or_else(|| NotFoundError::new(format!("no todo {id}")).into())
}

/// The router.
pub fn app() -> switchyard_sdk::App {
    switchyard_sdk::App::new()
        .get("/", list)
        .get("/<todo_id>", get)
}

switchyard_sdk::export!(app);
