//! The `todos` reference app of the conformance suite (`shared/conformance/reference_app.py`),
//! route for route, with its CORS config, strip_prefixes, middlewares and exception handler.
//!
//! Where Powertools' own lookups are wrong and the suite still expects its answer (no quirk
//! note), this app reads the event through `Request::current_event()`, which reproduces them;
//! where the suite marks a quirk, it uses `Request`'s accessors, which give the right answer.
//! docs/powertools-differences.md lists both.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};
use switchyard_sdk::{
    App, BadRequestError, Cookie, CorsConfig, Error, EventSource, ForbiddenError,
    InternalServerError, Next, NotFoundError, Prefix, Request, Response, SameSite, ServiceError,
    UnauthorizedError, append_context, content_types, context,
};

/// Python's `ValueError`, raised by `/errors/value`.
#[derive(Debug)]
pub struct ValueError(pub String);

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

const PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63600000020001e221bc330000000049454e44ae426082";
const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>"#;

/// The reference app's module-level `TODOS`, built once per instance as Python builds it
/// once per process.
fn todos() -> &'static [Value] {
    static TODOS: LazyLock<Vec<Value>> = LazyLock::new(|| {
        (0..20)
            .map(|i| json!({"userId": 1 + i / 5, "id": i + 1, "title": format!("todo number {}", i + 1), "completed": i % 3 == 0}))
            .collect()
    });
    &TODOS
}

/// Python's `int(text)`: surrounding whitespace, a sign, and `_` between digits allowed.
fn python_int(text: &str) -> Result<i64, ValueError> {
    let bad = || ValueError(format!("invalid literal for int() with base 10: '{text}'"));
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return Err(bad());
    }
    let digits = digits.replace('_', "");
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    // Python's ints have no bound; past i64's a value still compares and slices alike.
    let magnitude: i64 = digits.parse().unwrap_or(i64::MAX);
    Ok(if negative { -magnitude } else { magnitude })
}

/// Python's `list[:n]`.
fn slice_to(items: &[Value], n: i64) -> &[Value] {
    let len = items.len() as i64;
    let end = if n < 0 { (len + n).max(0) } else { n.min(len) };
    &items[..end as usize]
}

fn powered_by(_req: &Request, next: Next) -> Result<Response, Error> {
    let mut response = next.run()?;
    response.set_header("X-Powered-By", "conformance");
    Ok(response)
}

fn require_api_key(req: &Request, next: Next) -> Result<Response, Error> {
    let key = req.current_event().header("x-api-key");
    if !is_truthy(key.as_ref()) {
        return Ok(Response::new(401)
            .content_type(content_types::TEXT_PLAIN)
            .body("API key required"));
    }
    next.run()
}

fn correlation_id(req: &Request, next: Next) -> Result<Response, Error> {
    let cid = req
        .current_event()
        .header("x-correlation-id")
        .filter(|v| is_truthy(Some(v)))
        .unwrap_or(json!("generated-id"));
    append_context("correlation_id", &cid);
    let response = next.run()?;
    let values: Vec<String> = match &cid {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect(),
        other => vec![other.as_str().unwrap_or_default().to_string()],
    };
    Ok(response.header_values("X-Correlation-Id", values))
}

/// Python truthiness of a header value as the event carries it: `null`, `false`, zero and
/// empty strings, lists and objects are false.
fn is_truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(members)) => !members.is_empty(),
    }
}

fn invalid_value(_req: &Request, _err: &Error) -> Response {
    Response::new(400)
        .content_type(content_types::TEXT_PLAIN)
        .body("Invalid request parameters.")
}

fn list_todos(req: &Request) -> Result<Value, Error> {
    let limit = req
        .current_event()
        .get_query_string_value("limit")
        .unwrap_or_else(|| "10".into());
    Ok(json!({"todos": slice_to(todos(), python_int(&limit)?)}))
}

fn get_todo(req: &Request) -> Result<Value, Error> {
    let todo_id = req.path_param("todo_id").unwrap_or_default();
    let index = match todo_id.chars().all(|c| c.is_ascii_digit()) && !todo_id.is_empty() {
        true => python_int(todo_id).ok().filter(|n| (1..=20).contains(n)),
        false => None,
    };
    match index {
        Some(n) => Ok(json!({"todo": todos()[n as usize - 1]})),
        None => Err(NotFoundError::new(format!("todo {todo_id} not found")).into()),
    }
}

fn create_todo(req: &Request) -> Result<(Value, u16), Error> {
    let mut data: Map<String, Value> = req.json()?;
    data.insert("id".into(), json!(21));
    Ok((json!({"todo": data}), 201))
}

fn update_todo(req: &Request) -> Result<Value, Error> {
    let body: Value = req.json()?;
    Ok(json!({"updated": req.path_param("todo_id"), "method": req.method(), "body": body}))
}

fn delete_todo() -> Response {
    Response::new(204)
        .content_type(content_types::TEXT_PLAIN)
        .body("")
}

fn user_todo(req: &Request) -> Value {
    json!({"user_id": req.path_param("user_id"), "todo_id": req.path_param("todo_id")})
}

fn any_file(req: &Request) -> Value {
    json!({"path": req.path()})
}

fn headers(req: &Request) -> Value {
    json!({"api_key": req.header("X-API-KEY"), "user_agent": req.header("user-agent")})
}

fn query(req: &Request) -> Value {
    // Powertools returns the event's single-value field as it is: API Gateway's HTTP API,
    // Function URLs and VPC Lattice join a repeated name with commas (`x,y`). On ALB
    // multi-value events that field is absent and it finds nothing, which is wrong
    // (`query-multi@alb-multi`): there the last value is the answer.
    let name = match req.source() {
        EventSource::AlbMultiValue => req.query("name").map(str::to_string),
        _ => req.current_event().get_query_string_value("name"),
    };
    json!({"name": name, "category": req.query_values("category")})
}

fn cookies() -> Response {
    Response::json(200, json!({"ok": true}))
        .header("X-Transaction-Id", "txn-123")
        .header_values("X-Multi", ["a", "b"])
        .cookie(Cookie::new("session_id", "12345"))
        .cookie(
            Cookie::new("theme", "dark")
                .path("/")
                .http_only(true)
                .max_age(3600)
                .same_site(SameSite::Lax),
        )
}

fn compressed() -> Value {
    let items: Vec<Value> = (0..100)
        .map(|i| json!({"index": i, "text": "lorem ipsum dolor sit amet ".repeat(3)}))
        .collect();
    json!({"items": items})
}

fn response_compressed() -> Response {
    Response::json(200, json!({"items": vec!["compress me"; 200]})).compress(true)
}

fn logo() -> Response {
    Response::new(200).content_type("image/svg+xml").body(SVG)
}

fn pixel() -> Response {
    let png: Vec<u8> = (0..PNG_HEX.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).ok())
        .collect();
    Response::new(200).content_type("image/png").body(png)
}

fn text() -> Response {
    Response::new(200)
        .content_type(content_types::TEXT_PLAIN)
        .body("hello, world")
}

fn secure() -> Value {
    json!({"correlation_id": context::<Value>("correlation_id")})
}

/// The app.
pub fn app() -> App {
    let cors = CorsConfig::new("https://www.example.com")
        .extra_origins(["https://dev.example.com"])
        .allow_headers(["X-Api-Key", "X-Correlation-Id"])
        .expose_headers(["X-Transaction-Id"])
        .max_age(300)
        .allow_credentials(true);
    App::new()
        .cors(cors)
        .strip_prefixes([
            Prefix::from("/api"),
            Prefix::Regex(r"/v[1-3]+/(dev|stg|qa)".into()),
        ])
        .use_middleware(powered_by)
        .exception_handler::<ValueError, _>(invalid_value)
        .exception_handler::<std::num::ParseIntError, _>(invalid_value)
        .exception_handler::<serde_json::Error, _>(invalid_value)
        .get("/", || json!({"root": true}))
        .get("/todos", list_todos)
        .get("/todos/<todo_id>", get_todo)
        .post("/todos", create_todo)
        .route("/todos/<todo_id>", &["PUT", "PATCH"], update_todo)
        .delete("/todos/<todo_id>", delete_todo)
        .get("/users/<user_id>/todos/<todo_id>", user_todo)
        .get("/files/.+", any_file)
        .get("/headers", headers)
        .get("/query", query)
        .get("/cookies", cookies)
        .get("/compressed", compressed)
        .compress(true)
        .get("/response-compressed", response_compressed)
        .get("/logo.svg", logo)
        .get("/pixel.png", pixel)
        .get("/text", text)
        .get("/errors/bad-request", || {
            Err::<Value, _>(BadRequestError::new("Missing required parameter"))
        })
        .get("/errors/unauthorized", || {
            Err::<Value, _>(UnauthorizedError::new("Unauthorized"))
        })
        .get("/errors/forbidden", || {
            Err::<Value, _>(ForbiddenError::new("Forbidden"))
        })
        .get("/errors/not-found", || {
            Err::<Value, _>(NotFoundError::default())
        })
        .get("/errors/internal", || {
            Err::<Value, _>(InternalServerError::new("Internal server error"))
        })
        .get("/errors/service", || {
            Err::<Value, _>(ServiceError::new(502, "Something went wrong!"))
        })
        .with_cors(true)
        .get("/errors/value", || {
            Err::<Value, _>(ValueError("bad value".into()))
        })
        .get("/nocors", || json!({"cors": false}))
        .with_cors(false)
        .get("/secure", secure)
        .middleware(require_api_key)
        .middleware(correlation_id)
}

switchyard_sdk::export!(app);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int_accepts_what_python_accepts() {
        assert_eq!(python_int(" 5 ").unwrap(), 5);
        assert_eq!(python_int("+5").unwrap(), 5);
        assert_eq!(python_int("-1").unwrap(), -1);
        assert_eq!(python_int("1_0").unwrap(), 10);
        assert_eq!(python_int("-9223372036854775808").unwrap(), -i64::MAX);
        assert_eq!(python_int("99999999999999999999").unwrap(), i64::MAX);
        for bad in ["three", "", "_1", "1__0", "1.5"] {
            assert!(python_int(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_values_are_truthy_as_in_python() {
        let falsy = [
            json!(null),
            json!(false),
            json!(0),
            json!(0.0),
            json!(-0.0),
            json!(""),
            json!([]),
            json!({}),
        ];
        for value in falsy {
            assert!(!is_truthy(Some(&value)), "{value}");
        }
        let truthy = [
            json!(true),
            json!(1),
            json!(-0.5),
            json!("0"),
            json!([0]),
            json!({"a": null}),
        ];
        for value in truthy {
            assert!(is_truthy(Some(&value)), "{value}");
        }
        assert!(!is_truthy(None));
    }

    #[test]
    fn slicing_follows_python() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        assert_eq!(slice_to(&items, 2).len(), 2);
        assert_eq!(slice_to(&items, -1).len(), 4);
        assert_eq!(slice_to(&items, -9).len(), 0);
        assert_eq!(slice_to(&items, 99).len(), 5);
    }
}
