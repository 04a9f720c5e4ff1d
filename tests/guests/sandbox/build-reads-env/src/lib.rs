//! Reads `GREETING` while its app is built, as Powertools apps read their configuration at
//! import. A snapshot taken at `switchyard compile` would freeze the build machine's value,
//! so this component is not pre-initialised and reads the deployment's at cold start.

use std::sync::OnceLock;

static GREETING: OnceLock<String> = OnceLock::new();

/// `GET /greeting`: the value `GREETING` had when the app was built.
pub fn greeting() -> String {
    GREETING.get().cloned().unwrap_or_default()
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    GREETING.get_or_init(|| std::env::var("GREETING").unwrap_or_default());
    switchyard_sdk::App::new().get("/greeting", greeting)
}

switchyard_sdk::export!(app);
