//! Bodies in and out: base64 decoding of request bodies, and the finished response the
//! sources' shapes (`shape.rs`) write.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

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
