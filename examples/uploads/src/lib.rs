//! Form fields, file uploads and cookies, validated by the host: the Powertools docs'
//! "Handling form data", "File uploads" and cookie parameter samples, written with the SDK.
//!
//! `tests/conformance/forms/record.py` is this app written for Powertools 3.37, and its
//! recorded answers (and OpenAPI document) are what `tests/all/forms.rs` checks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::{App, Cookies, Form, UploadFile};

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

/// The app.
pub fn app() -> App {
    App::new()
        .enable_validation()
        .post("/contact", contact)
        .post("/upload", upload)
        .post("/gallery", gallery)
        .get("/preferences", preferences)
}

switchyard_sdk::export!(app);
