//! Parameters as Powertools declares them, validated by the host: the docs' "Handling form
//! data", "File uploads" and cookie parameter samples, and the field options Pydantic has
//! and JSON Schema lacks (`validation_alias`, `serialization_alias`, `strict`,
//! `allow_inf_nan`, `max_digits`, `decimal_places`, `convert_underscores`), written with the
//! SDK.
//!
//! `tests/conformance/parameters/record.py` is this app written for Powertools 3.37, and its
//! recorded answers (and OpenAPI document) are what `tests/all/parameters.rs` checks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::{App, Cookies, Decimal, Form, Header, Json, Query, UploadFile};

/// `POST /contact`'s form.
#[derive(Deserialize, JsonSchema)]
struct Contact {
    /// Who is writing
    #[schemars(length(min = 2))]
    name: String,
    #[schemars(pattern(r"^[^@\s]+@[^@\s]+$"))]
    email: String,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    age: Option<u32>,
}

/// `POST /contact`: the form's fields, as read.
fn contact(Form(form): Form<Contact>) -> Value {
    json!({"name": form.name, "email": form.email, "topics": form.topics, "age": form.age})
}

/// `POST /upload`'s form: a file and what it is.
#[derive(Deserialize, JsonSchema)]
struct Upload {
    /// The file to keep
    doc: UploadFile,
    #[serde(default)]
    description: String,
}

/// `POST /upload`: what was sent, its text read as UTF-8 with replacements.
fn upload(Form(form): Form<Upload>) -> Value {
    json!({
        "filename": form.doc.filename,
        "content_type": form.doc.content_type,
        "size": form.doc.len(),
        "text": String::from_utf8_lossy(&form.doc.content),
        "description": form.description,
    })
}

/// `POST /gallery`'s form: every file sent as `images`.
#[derive(Deserialize, JsonSchema)]
struct Gallery {
    images: Vec<UploadFile>,
}

/// `POST /gallery`: each image's name and size.
fn gallery(Form(form): Form<Gallery>) -> Value {
    let images: Vec<Value> = form
        .images
        .iter()
        .map(|image| json!({"filename": image.filename, "size": image.len()}))
        .collect();
    json!({ "images": images })
}

/// A colour scheme.
#[derive(Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
enum Theme {
    #[default]
    Light,
    Dark,
}

/// `GET /preferences`' cookies.
#[derive(Deserialize, JsonSchema)]
struct Preferences {
    #[schemars(length(min = 8))]
    session: String,
    #[serde(default)]
    theme: Theme,
}

/// `GET /preferences`: the cookies, as read.
fn preferences(Cookies(cookies): Cookies<Preferences>) -> Value {
    json!({"session": cookies.session, "theme": cookies.theme})
}

/// `POST /items`' body and answer: read as `itemId`, written as `id` (Pydantic's
/// `validation_alias` and `serialization_alias`), with field options as schema keywords.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Item {
    #[serde(rename(deserialize = "itemId", serialize = "id"))]
    item_id: i64,
    /// `Field(max_digits=5, decimal_places=2)`.
    #[schemars(extend("x-max-digits" = 5, "x-decimal-places" = 2))]
    price: Decimal,
    /// `Field(allow_inf_nan=False)`.
    #[schemars(extend("x-allow-inf-nan" = false))]
    ratio: f64,
    /// `Field(strict=True)`.
    #[schemars(extend("x-strict" = true))]
    count: i64,
}

/// `POST /items`: the item, as it was read.
fn create_item(Json(item): Json<Item>) -> Json<Item> {
    Json(item)
}

/// `GET /search`'s query parameters.
#[derive(Deserialize, JsonSchema)]
struct Search {
    /// Sent as `s` (`Query(validation_alias="s")`).
    #[serde(rename = "s")]
    search: String,
    #[serde(default = "one")]
    #[schemars(extend("x-strict" = true))]
    limit: i64,
    #[serde(default = "one_decimal")]
    #[schemars(extend("x-max-digits" = 4, "x-decimal-places" = 1))]
    amount: Decimal,
}

fn one() -> i64 {
    1
}

fn one_decimal() -> Decimal {
    "1".parse().expect("a decimal")
}

/// `GET /search`'s header, its name kept as written (`convert_underscores=False`).
#[derive(Deserialize, JsonSchema)]
struct Token {
    #[serde(default)]
    x_token: String,
}

/// `GET /search`: the parameters, as read.
fn search(Query(query): Query<Search>, Header(token): Header<Token, false>) -> Value {
    json!({
        "search": query.search,
        "limit": query.limit,
        "amount": query.amount,
        "x_token": token.x_token,
    })
}

/// The app.
pub fn app() -> App {
    App::new()
        .enable_validation()
        .post("/contact", contact)
        .post("/upload", upload)
        .post("/gallery", gallery)
        .get("/preferences", preferences)
        .post("/items", create_item)
        .get("/search", search)
}

switchyard_sdk::export!(app);
