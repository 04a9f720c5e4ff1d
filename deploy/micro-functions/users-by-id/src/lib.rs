//! `/users/{id+}` as its own Lambda function (the docs' micro-function layout): one user by
//! id. A separate function from `/users`, so it has its own copy of the data.

use std::cell::RefCell;

use serde_json::{Value, json};
use switchyard_sdk::{App, Error, NotFoundError, Path, Response};

thread_local! {
    static USERS: RefCell<Vec<Value>> = RefCell::new(vec![
        json!({"id": "1", "name": "Ada"}),
        json!({"id": "2", "name": "Grace"}),
        json!({"id": "3", "name": "Linus"}),
    ]);
}

fn position(id: &str) -> Result<usize, Error> {
    USERS
        .with_borrow(|users| users.iter().position(|u| u["id"] == id))
        .ok_or_else(|| NotFoundError::new(format!("user {id} not found")).into())
}

/// `GET /users/<user_id>`.
pub fn get_user(Path(user_id): Path<String>) -> Result<Value, Error> {
    let index = position(&user_id)?;
    Ok(USERS.with_borrow(|users| json!({"user": users[index]})))
}

/// `DELETE /users/<user_id>`: 204, no body.
pub fn delete_user(Path(user_id): Path<String>) -> Result<Response, Error> {
    let index = position(&user_id)?;
    USERS.with_borrow_mut(|users| users.remove(index));
    Ok(Response::new(204).body(""))
}

/// The app.
pub fn app() -> App {
    App::new()
        .get("/users/<user_id>", get_user)
        .delete("/users/<user_id>", delete_user)
}

switchyard_sdk::export!(app);
