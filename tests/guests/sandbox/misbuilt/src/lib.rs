//! An app built wrong, in the ways only running its builder finds: a route option before
//! any route and two dependencies of one type. The SDK records each with the line that made
//! it and the host refuses the component at load naming them, rather than the guest trapping.

use serde::Deserialize;
use serde_json::{Value, json};
use switchyard_sdk::{App, Error};

/// A dependency two functions provide.
#[derive(Clone, Deserialize)]
pub struct Tenant(pub String);

/// One provider of [`Tenant`].
pub fn from_header() -> Result<Tenant, Error> {
    Ok(Tenant("header".into()))
}

/// Another.
pub fn from_path() -> Result<Tenant, Error> {
    Ok(Tenant("path".into()))
}

/// `GET /ok`.
pub fn ok() -> Value {
    json!({"ok": true})
}

/// The app.
pub fn app() -> App {
    App::new()
        .summary("a route option with no route before it")
        .dependency(from_header)
        .dependency(from_path)
        .get("/ok", ok)
}

switchyard_sdk::export!(app);
