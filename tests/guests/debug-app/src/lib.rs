//! Test guest: an app that turns debug mode on itself (`App::debug(true)`, Powertools'
//! `debug=True`), whatever `POWERTOOLS_DEV` says; its bundle leaves `debug` unset.

use serde_json::{Value, json};
use switchyard_sdk::{App, Error, Request};

/// `GET /parse/<n>`: a `ParseIntError` that no exception handler catches.
pub fn parse(req: &Request) -> Result<Value, Error> {
    let n: i32 = req.path_param("n").unwrap_or_default().parse()?;
    Ok(json!({"n": n}))
}

/// The app.
pub fn app() -> App {
    App::new().debug(true).get("/parse/<n>", parse)
}

switchyard_sdk::export!(app);
