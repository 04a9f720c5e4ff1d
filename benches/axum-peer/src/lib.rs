//! The native Rust peer of the benchmarks: the scenario apps written with axum 0.8 and run
//! the way `lambda_http::run` runs them, minus the Runtime API's HTTP calls. Event bytes →
//! `LambdaRequest` (lambda_http's deserializer) → `http::Request` → the axum router →
//! lambda_http's Lambda response → response bytes.
//!
//! The routes are those of the reference apps (`shared/conformance/reference_app.py`) that
//! the scenarios reach, with their neighbours so the router has the same shape: `todos`
//! with its CORS settings, global middleware, gzip route and two route middlewares;
//! `validated`'s item routes, checked by serde and hand-written rules (no JSON Schema); and
//! `routes50`. Powertools-only behaviour (strip_prefixes, Powertools' error bodies) is left out.

use std::time::Duration;

use axum::extract::{Extension, Json, Path, Query, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Service as _};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower::ServiceExt as _;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use axum::Router;

/// The router for one of the scenario apps: `todos`, `validated` or `routes50`.
pub fn app(name: &str) -> Router {
    match name {
        "todos" => todos(),
        "validated" => validated(),
        "routes50" => routes50(),
        other => panic!("no peer app `{other}`"),
    }
}

/// One app, run as `lambda_http::run` runs it: its adapter, on a one-thread runtime (a Lambda
/// sandbox handles one event at a time).
pub struct Peer {
    adapter: Adapter<'static, Response, Router>,
    runtime: tokio::runtime::Runtime,
}

impl Peer {
    /// The peer for one of the scenario apps: `todos`, `validated` or `routes50`.
    pub fn new(app_name: &str) -> Self {
        Self {
            adapter: Adapter::from(app(app_name)),
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a tokio runtime"),
        }
    }

    /// Answers one Lambda event: the response's JSON bytes.
    pub fn handle(&mut self, event: &[u8]) -> Vec<u8> {
        let request: LambdaRequest = serde_json::from_slice(event).expect("a REST v1 event");
        let adapter = &mut self.adapter;
        let response = self.runtime.block_on(async {
            let ready = adapter.ready().await.expect("the router is always ready");
            ready
                .call(LambdaEvent::new(request, Context::default()))
                .await
        });
        serde_json::to_vec(&response.expect("axum's router is infallible")).expect("JSON")
    }
}

// ---- todos ----

fn todo(i: usize) -> Value {
    json!({"userId": 1 + i / 5, "id": i + 1, "title": format!("todo number {}", i + 1), "completed": i.is_multiple_of(3)})
}

async fn powered_by(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert("x-powered-by", HeaderValue::from_static("conformance"));
    response
}

async fn require_api_key(request: Request, next: Next) -> Response {
    let has_key = request
        .headers()
        .get("x-api-key")
        .is_some_and(|v| !v.is_empty());
    match has_key {
        true => next.run(request).await,
        false => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain")],
            "API key required",
        )
            .into_response(),
    }
}

#[derive(Clone)]
struct CorrelationId(String);

async fn correlation_id(mut request: Request, next: Next) -> Response {
    let cid = request
        .headers()
        .get("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .unwrap_or("generated-id")
        .to_string();
    request.extensions_mut().insert(CorrelationId(cid.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&cid) {
        response.headers_mut().insert("x-correlation-id", value);
    }
    response
}

#[derive(Deserialize)]
struct Limit {
    limit: Option<String>,
}

async fn list_todos(Query(q): Query<Limit>) -> Response {
    match q.limit.as_deref().unwrap_or("10").parse::<usize>() {
        Ok(n) => {
            Json(json!({"todos": (0..n.min(20)).map(todo).collect::<Vec<_>>()})).into_response()
        }
        Err(_) => (StatusCode::BAD_REQUEST, "Invalid request parameters.").into_response(),
    }
}

async fn get_todo(Path(todo_id): Path<String>) -> Response {
    match todo_id.parse::<usize>() {
        Ok(n @ 1..=20) => Json(json!({"todo": todo(n - 1)})).into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"statusCode": 404, "message": format!("todo {todo_id} not found")})),
        )
            .into_response(),
    }
}

async fn create_todo(Json(mut data): Json<serde_json::Map<String, Value>>) -> Response {
    data.insert("id".into(), json!(21));
    (StatusCode::CREATED, Json(json!({"todo": data}))).into_response()
}

async fn update_todo(
    Path(todo_id): Path<String>,
    method: Method,
    Json(body): Json<Value>,
) -> Json<Value> {
    Json(json!({"updated": todo_id, "method": method.as_str(), "body": body}))
}

async fn compressed() -> Json<Value> {
    let items: Vec<Value> = (0..100)
        .map(|i| json!({"index": i, "text": "lorem ipsum dolor sit amet ".repeat(3)}))
        .collect();
    Json(json!({"items": items}))
}

async fn secure(Extension(CorrelationId(cid)): Extension<CorrelationId>) -> Json<Value> {
    Json(json!({"correlation_id": cid}))
}

fn todos() -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list([
            HeaderValue::from_static("https://www.example.com"),
            HeaderValue::from_static("https://dev.example.com"),
        ]))
        .allow_headers([
            header::HeaderName::from_static("x-api-key"),
            header::HeaderName::from_static("x-correlation-id"),
        ])
        .expose_headers([header::HeaderName::from_static("x-transaction-id")])
        .max_age(Duration::from_secs(300))
        .allow_credentials(true);
    Router::new()
        .route("/", get(|| async { Json(json!({"root": true})) }))
        .route("/todos", get(list_todos).post(create_todo))
        .route(
            "/todos/{todo_id}",
            get(get_todo)
                .put(update_todo)
                .patch(update_todo)
                .delete(|| async {
                    (
                        StatusCode::NO_CONTENT,
                        [(header::CONTENT_TYPE, "text/plain")],
                    )
                }),
        )
        .route(
            "/users/{user_id}/todos/{todo_id}",
            get(
                |Path((user_id, todo_id)): Path<(String, String)>| async move {
                    Json(json!({"user_id": user_id, "todo_id": todo_id}))
                },
            ),
        )
        .route(
            "/files/{*path}",
            get(|request: Request| async move { Json(json!({"path": request.uri().path()})) }),
        )
        .route(
            "/text",
            get(|| async { ([(header::CONTENT_TYPE, "text/plain")], "hello, world") }),
        )
        .route("/nocors", get(|| async { Json(json!({"cors": false})) }))
        .route(
            "/compressed",
            get(compressed).route_layer(CompressionLayer::new().quality(CompressionLevel::Best)),
        )
        .route(
            "/secure",
            get(secure)
                .route_layer(from_fn(correlation_id))
                .route_layer(from_fn(require_api_key)),
        )
        .layer(cors)
        .layer(from_fn(powered_by))
}

// ---- validated ----

#[derive(Deserialize, Serialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(Deserialize)]
struct ItemIn {
    name: String,
    price: f64,
    #[serde(default = "one")]
    quantity: i64,
    #[serde(default)]
    color: Option<Color>,
    #[serde(default)]
    tags: Vec<String>,
}

fn one() -> i64 {
    1
}

#[derive(Serialize)]
struct ItemOut {
    id: i64,
    name: String,
    price: f64,
    quantity: i64,
    color: Option<Color>,
    tags: Vec<String>,
}

fn unprocessable(errors: Vec<Value>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"statusCode": 422, "detail": errors})),
    )
        .into_response()
}

async fn create_item(
    body: Result<Json<ItemIn>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(item)) = body else {
        return unprocessable(vec![json!({"loc": ["body"], "type": "json_invalid"})]);
    };
    let mut errors = Vec::new();
    let chars = item.name.chars().count();
    if !(1..=40).contains(&chars) {
        errors.push(json!({"loc": ["body", "name"], "type": "string_length"}));
    }
    if item.price <= 0.0 {
        errors.push(json!({"loc": ["body", "price"], "type": "greater_than"}));
    }
    if !(1..=1000).contains(&item.quantity) {
        errors.push(json!({"loc": ["body", "quantity"], "type": "range"}));
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    Json(ItemOut {
        id: 7,
        name: item.name,
        price: item.price,
        quantity: item.quantity,
        color: item.color,
        tags: item.tags,
    })
    .into_response()
}

fn validated() -> Router {
    Router::new()
        .route(
            "/items/{item_id}",
            get(|Path(item_id): Path<i64>| async move {
                Json(json!({"item_id": item_id, "double": item_id * 2}))
            }),
        )
        .route("/items", axum::routing::post(create_item))
        .fallback(|| async {
            (
                StatusCode::IM_A_TEAPOT,
                [(header::CONTENT_TYPE, "text/plain")],
                "I'm a teapot!",
            )
        })
}

// ---- routes50 ----

fn routes50() -> Router {
    (1..50).fold(
        Router::new().route("/hello", get(|| async { Json(json!({"hello": "world"})) })),
        |router, i| {
            router.route(
                &format!("/resource{i}/{{id}}"),
                get(move |Path(id): Path<String>| async move { Json(json!({"resource": i, "id": id})) }),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(method: &str, path: &str, headers: Value, body: Option<&str>) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "httpMethod": method, "path": path, "resource": "/{proxy+}",
            "headers": headers, "multiValueHeaders": {}, "body": body, "isBase64Encoded": false,
            "requestContext": {"stage": "Prod", "httpMethod": method, "requestId": "r", "resourcePath": "/{proxy+}"},
        }))
        .unwrap()
    }

    fn answer(app_name: &str, event: &[u8]) -> Value {
        // SAFETY: set once, before any thread of this test reads the environment.
        unsafe { std::env::set_var("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "1") };
        serde_json::from_slice(&Peer::new(app_name).handle(event)).unwrap()
    }

    #[test]
    fn each_scenario_route_answers() {
        let root = answer("todos", &event("GET", "/", json!({}), None));
        assert_eq!(root["statusCode"], 200, "{root}");
        assert_eq!(root["body"], r#"{"root":true}"#);
        assert_eq!(root["multiValueHeaders"]["x-powered-by"][0], "conformance");
        let secure = answer(
            "todos",
            &event(
                "GET",
                "/secure",
                json!({"x-api-key": "k", "x-correlation-id": "c"}),
                None,
            ),
        );
        assert_eq!(secure["body"], r#"{"correlation_id":"c"}"#);
        let gz = answer(
            "todos",
            &event(
                "GET",
                "/compressed",
                json!({"accept-encoding": "gzip"}),
                None,
            ),
        );
        assert_eq!(gz["isBase64Encoded"], true, "{gz}");
        let item = answer(
            "validated",
            &event(
                "POST",
                "/items",
                json!({"content-type": "application/json"}),
                Some(r#"{"name":"lamp","price":9.5}"#),
            ),
        );
        assert_eq!(item["statusCode"], 200, "{item}");
        let last = answer("routes50", &event("GET", "/resource49/7", json!({}), None));
        assert_eq!(last["body"], r#"{"resource":49,"id":"7"}"#);
    }
}
