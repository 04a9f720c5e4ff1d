//! A router component with a serializer of its own (`serializer=`, a component's setting) and
//! a validated route whose answer validation changes: mounted behind another app, its
//! changed answer must still be written by its own serializer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::App;

/// Python's `json.dumps(value)` spacing (`", "` and `": "`), unlike the default compact one.
pub fn spaced_serializer(value: &Value) -> String {
    let compact = value.to_string();
    let mut out = String::with_capacity(compact.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    for c in compact.chars() {
        out.push(c);
        match c {
            '\\' if in_string => {
                escaped = !escaped;
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            ',' | ':' if !in_string => out.push(' '),
            _ => {}
        }
        escaped = false;
    }
    out
}

/// A note with an optional member validation fills in.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// The text.
    pub text: String,
    /// How urgent, if said.
    pub urgency: Option<u8>,
}

/// `GET /short-note`: a `Note` without its optional member.
pub fn short_note() -> Value {
    json!({"text": "hi"})
}

/// The router: its own serializer and one validated route, and no app-only setting.
pub fn app() -> App {
    App::new()
        .serializer(spaced_serializer)
        .get("/short-note", short_note)
        .validation(true)
        .returns::<Note>()
}

switchyard_sdk::export!(app);
