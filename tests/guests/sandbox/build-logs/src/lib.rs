//! Logs through the host while its app is built. Pre-initialised, that happens once, at
//! `switchyard compile`; its instances start with the app built and never log it.

use switchyard_sdk::{Level, log};

/// `GET /ok`.
pub fn ok() -> String {
    "ok".to_string()
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    log(Level::Info, "building the app");
    switchyard_sdk::App::new().get("/ok", ok)
}

switchyard_sdk::export!(app);
