//! Fifty routes: `GET /hello`, static, then `GET /resource1/<id>` to `GET /resource49/<id>`.
//!
//! The benchmarks match the last route (`routes_50`), time the static one against the same
//! handler run natively in the host (the sandbox's cost), and run it with a fresh instance per
//! request (`routes50-fresh`). `benches/powertools/apps.py` builds the same app in Python.

use serde_json::{Value, json};
use switchyard_sdk::{App, Request};

/// How many routes the app has.
pub const ROUTES: usize = 50;

/// The app.
pub fn app() -> App {
    (1..ROUTES).fold(
        App::new().get("/hello", || json!({"hello": "world"})),
        |app, i| {
            app.get(
                &format!("/resource{i}/<id>"),
                move |req: &Request| -> Value {
                    json!({"resource": i, "id": req.path_param("id")})
                },
            )
        },
    )
}

switchyard_sdk::export!(app);
