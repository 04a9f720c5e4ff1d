//! `routers/health.py`: mounted at `/health`, so its `/` is `/health` itself.

use serde_json::{Value, json};
use switchyard_sdk::Router;

fn status() -> Value {
    json!({"status": "ok"})
}

fn ready() -> Value {
    json!({"ready": true})
}

/// The health router.
pub(crate) fn router() -> Router {
    Router::new().get("/", status).get("/ready", ready)
}
