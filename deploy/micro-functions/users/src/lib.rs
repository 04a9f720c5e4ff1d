//! `/users` as its own Lambda function (the docs' micro-function layout): `GET /users` lists
//! the users, `POST /users` creates one. Its data lives in the warm instance, as a Python
//! global would in one execution environment.

use std::cell::RefCell;

use serde_json::{Value, json};
use switchyard_sdk::{App, BadRequestError, Error, Request};

thread_local! {
    static USERS: RefCell<Vec<Value>> = RefCell::new(vec![
        json!({"id": "1", "name": "Ada"}),
        json!({"id": "2", "name": "Grace"}),
        json!({"id": "3", "name": "Linus"}),
    ]);
}

/// `GET /users`.
pub fn list_users() -> Value {
    USERS.with_borrow(|users| json!({"users": users}))
}

/// `POST /users` with `{"name": "..."}`: 201 and the new user.
pub fn create_user(req: &Request) -> Result<(Value, u16), Error> {
    let body: Value = req.json()?;
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return Err(BadRequestError::new("`name` is required").into());
    };
    let user = USERS.with_borrow_mut(|users| {
        let user = json!({"id": (users.len() + 1).to_string(), "name": name});
        users.push(user.clone());
        user
    });
    Ok((user, 201))
}

/// The app.
pub fn app() -> App {
    App::new()
        .get("/users", list_users)
        .post("/users", create_user)
}

switchyard_sdk::export!(app);
