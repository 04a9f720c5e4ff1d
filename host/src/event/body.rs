//! Bodies in and out: base64 decoding of request bodies, and the three response shapes
//! Powertools' header serializers produce.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::json::{Json, Object};
use super::{DecodeError, EventSource};
use crate::response::Headers;

/// A finished response, ready for a source's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Headers,
    /// `Set-Cookie` values.
    pub cookies: Vec<String>,
    /// The body text (base64 when `is_base64`), or `None` for `null`.
    pub body: Option<String>,
    /// Whether `body` is base64.
    pub is_base64: bool,
}

/// Reads `body` and the base64 flag; the standard alphabet with padding, as API Gateway sends.
pub(super) fn decode_body(
    obj: &Object<'_>,
    body_key: &str,
    base64_key: &str,
    source: EventSource,
) -> Result<Vec<u8>, DecodeError> {
    let text = match obj.get(body_key) {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::String(s)) => s,
        Some(_) => {
            return Err(DecodeError::BadField {
                event_source: source,
                field: "body",
                expected: "a string",
            });
        }
    };
    let is_base64 = obj.get(base64_key).and_then(Json::as_bool).unwrap_or(false);
    if !is_base64 {
        return Ok(text.as_bytes().to_vec());
    }
    match STANDARD.decode(text.trim()) {
        Ok(bytes) => Ok(bytes),
        // Powertools decodes lazily, so such a request only fails if a handler reads the
        // body (the sample `apiGatewayProxyEventAnotherPath.json` is one). Routes that never
        // read it must still answer, so the text is kept as sent, and the mismatch logged.
        Err(err) => {
            crate::log::warn(&format!(
                "{source} event: `{base64_key}` is true but the body is not base64 ({err}); passing it on as sent"
            ));
            Ok(text.as_bytes().to_vec())
        }
    }
}

fn head(r: &Encoded, empty_body: Value) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("statusCode".into(), json!(r.status));
    out.insert(
        "body".into(),
        r.body.clone().map(Value::String).unwrap_or(empty_body),
    );
    out.insert("isBase64Encoded".into(), json!(r.is_base64));
    out
}

/// `multiValueHeaders`, cookies appended as `Set-Cookie` values (REST v1, ALB multi-value).
pub(super) fn multi_value_shape(r: Encoded, empty_body: Value) -> Value {
    let mut out = head(&r, empty_body);
    let mut headers = Map::new();
    for (name, values) in r.headers.iter() {
        headers.insert(name.to_string(), json!(values));
    }
    if !r.cookies.is_empty() {
        let entry = headers.entry("Set-Cookie").or_insert_with(|| json!([]));
        if let Value::Array(list) = entry {
            list.extend(r.cookies.into_iter().map(Value::String));
        }
    }
    out.insert("multiValueHeaders".into(), Value::Object(headers));
    Value::Object(out)
}

/// Single-value `headers`: a list keeps its last value; only the last cookie fits, and it
/// comes first (ALB without multi-value headers).
pub(super) fn single_value_shape(r: Encoded, empty_body: Value) -> Value {
    let mut out = head(&r, empty_body);
    let mut headers = Map::new();
    if let Some(cookie) = r.cookies.last() {
        headers.insert("Set-Cookie".into(), json!(cookie));
    }
    for (name, values) in r.headers.iter() {
        if let Some(last) = values.last() {
            headers.insert(name.to_string(), json!(last));
        }
    }
    out.insert("headers".into(), Value::Object(headers));
    Value::Object(out)
}

/// `headers` joined with `, ` plus a `cookies` array, always present (HTTP API v2,
/// Function URL, VPC Lattice).
pub(super) fn http_api_shape(r: Encoded) -> Value {
    let mut out = head(&r, Value::Null);
    let mut headers = Map::new();
    for (name, values) in r.headers.iter() {
        headers.insert(name.to_string(), json!(values.join(", ")));
    }
    out.insert("headers".into(), Value::Object(headers));
    out.insert("cookies".into(), json!(r.cookies));
    Value::Object(out)
}
