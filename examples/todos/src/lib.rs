//! The getting-started app of the Powertools docs: a todos API with in-memory data.
//!
//! Each warm instance keeps its own copy of the data, as each Lambda execution environment
//! would keep its own Python globals.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::{
    App, CorsConfig, Error, Json, JsonSchema, NotFoundError, Path, Request, Response, State,
    content_types,
};

/// One todo.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Todo {
    /// The owner.
    #[serde(rename = "userId")]
    pub user_id: u32,
    /// The id.
    pub id: u32,
    /// What to do.
    pub title: String,
    /// Done or not.
    pub completed: bool,
}

/// The fields a client sends to create or update a todo.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct TodoInput {
    /// What to do.
    pub title: String,
    /// Done or not.
    #[serde(default)]
    pub completed: bool,
    /// The owner.
    #[serde(default = "default_user", rename = "userId")]
    pub user_id: u32,
}

fn default_user() -> u32 {
    1
}

/// The todos, kept by the instance (`App::state`) and read with a `State<Todos>` argument.
pub struct Todos {
    items: RefCell<Vec<Todo>>,
}

impl Todos {
    /// The twenty sample todos every instance starts with.
    pub fn sample() -> Self {
        let items = RefCell::new(
            (0..20)
                .map(|i| Todo {
                    user_id: 1 + i / 5,
                    id: i + 1,
                    title: format!("todo number {}", i + 1),
                    completed: i % 3 == 0,
                })
                .collect(),
        );
        Self { items }
    }

    fn find(&self, id: &str) -> Result<Todo, Error> {
        let found = id
            .parse::<u32>()
            .ok()
            .and_then(|id| self.items.borrow().iter().find(|t| t.id == id).cloned());
        found.ok_or_else(|| NotFoundError::new(format!("todo {id} not found")).into())
    }
}

/// Every route, as `GET /` lists them.
pub const ROUTES: [&str; 7] = [
    "GET /todos?limit=N",
    "GET /todos/<todo_id>",
    "POST /todos",
    "PUT /todos/<todo_id>",
    "PATCH /todos/<todo_id>",
    "DELETE /todos/<todo_id>",
    "GET /panic",
];

/// `GET /`: what this API is and what it serves.
pub fn index() -> Value {
    json!({
        "name": "todos",
        "description": "The getting-started todos API of the Powertools docs, served by Switchyard",
        "routes": ROUTES,
        "openapi": "switchyard openapi --bundle target/bundles/todos prints its OpenAPI document",
    })
}

/// `GET /todos?limit=N`: the first N todos (10 by default).
pub fn list_todos(req: &Request, todos: State<Todos>) -> Result<Value, Error> {
    let limit: usize = req.query("limit").unwrap_or("10").parse()?;
    let todos = todos.items.borrow();
    Ok(json!({"todos": todos.iter().take(limit).collect::<Vec<_>>()}))
}

/// `GET /todos/<todo_id>`.
pub fn get_todo(Path(todo_id): Path<String>, todos: State<Todos>) -> Result<Value, Error> {
    Ok(json!({"todo": todos.find(&todo_id)?}))
}

/// `POST /todos`: creates a todo and answers 201.
pub fn create_todo(Json(input): Json<TodoInput>, todos: State<Todos>) -> (Json<Todo>, u16) {
    let mut todos = todos.items.borrow_mut();
    let id = todos.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    let todo = Todo {
        user_id: input.user_id,
        id,
        title: input.title,
        completed: input.completed,
    };
    todos.push(todo.clone());
    (Json(todo), 201)
}

/// `PUT` / `PATCH /todos/<todo_id>`: replaces the title and state.
pub fn update_todo(
    Path(todo_id): Path<String>,
    Json(input): Json<TodoInput>,
    todos: State<Todos>,
) -> Result<Json<Todo>, Error> {
    let mut todo = todos.find(&todo_id)?;
    todo.title = input.title;
    todo.completed = input.completed;
    if let Some(slot) = todos
        .items
        .borrow_mut()
        .iter_mut()
        .find(|t| t.id == todo.id)
    {
        *slot = todo.clone();
    }
    Ok(Json(todo))
}

/// `DELETE /todos/<todo_id>`: 204, no body.
pub fn delete_todo(Path(todo_id): Path<String>, todos: State<Todos>) -> Result<Response, Error> {
    let todo = todos.find(&todo_id)?;
    todos.items.borrow_mut().retain(|t| t.id != todo.id);
    Ok(Response::new(204)
        .content_type(content_types::TEXT_PLAIN)
        .body(""))
}

/// `GET /panic`: a handler bug, which the host answers with a 500.
pub fn panic_route() -> Value {
    panic!("this handler panics on purpose")
}

/// The app: CORS for one origin, as in the README; any other path is Powertools' 404.
pub fn app() -> App {
    App::new()
        .cors(CorsConfig::new("https://www.example.com"))
        .state(Todos::sample())
        .get("/", index)
        .get("/todos", list_todos)
        .get("/todos/<todo_id>", get_todo)
        .post("/todos", create_todo)
        .route("/todos/<todo_id>", &["PUT", "PATCH"], update_todo)
        .delete("/todos/<todo_id>", delete_todo)
        .get("/panic", panic_route)
}

switchyard_sdk::export!(app);
