//! `{{name}}`: Switchyard route handlers, compiled to one WebAssembly component.
//!
//! `make run` serves it on http://127.0.0.1:3000/ and rebuilds it on every save;
//! `make test` runs `tests/handlers.rs` through the real host.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::{App, Json, Path};

/// `GET /hello/<name>`.
pub fn hello(Path(name): Path<String>) -> Value {
    json!({"message": format!("hello, {name}")})
}

/// A greeting to send. The host checks each request body against this type's JSON Schema
/// and answers 422 with Pydantic's error details when it does not match.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Greeting {
    /// Who is greeted.
    #[schemars(length(min = 1, max = 40))]
    pub name: String,
    /// The word to greet with.
    #[serde(default = "hello_word")]
    pub word: String,
}

fn hello_word() -> String {
    "hello".to_string()
}

/// `POST /greetings`: answers 201 with the greeting.
pub fn create_greeting(Json(greeting): Json<Greeting>) -> (Json<Value>, u16) {
    let message = format!("{}, {}", greeting.word, greeting.name);
    (Json(json!({"message": message})), 201)
}

/// The routes, as a Powertools resolver declares them.
pub fn app() -> App {
    App::new()
        .enable_validation()
        .get("/hello/<name>", hello)
        .post("/greetings", create_greeting)
}

switchyard_sdk::export!(app);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_greets_by_name() {
        assert_eq!(
            hello(Path("ann".to_string())),
            json!({"message": "hello, ann"})
        );
    }
}
