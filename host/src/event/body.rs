//! Bodies in and out: base64 decoding of request bodies, and the finished response the
//! sources' shapes (`shape.rs`) write.

use std::borrow::Cow;

use base64::Engine as _;

use super::{DecodeError, EventSource};
use crate::json::{Json, Object};
use crate::response::Headers;

/// A finished response, ready for a source's shape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
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

/// Reads `body` and the base64 flag. The flag counts when it is truthy in Python's sense
/// (`"false"` is a non-empty string, so it is set), as Powertools tests it.
pub(super) fn decode_body(
    obj: &Object<'_>,
    body_key: &str,
    base64_key: &str,
    source: EventSource,
) -> Result<Vec<u8>, DecodeError> {
    let text = match obj.get(body_key) {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::String(s)) => Cow::Borrowed(s.as_ref()),
        // Powertools answers such an event (it fails only if a handler reads the body), so
        // the body is the value's JSON text.
        Some(other) => Cow::Owned(other.to_text()),
    };
    let is_base64 = obj.get(base64_key).is_some_and(Json::is_truthy);
    if !is_base64 {
        return Ok(text.as_bytes().to_vec());
    }
    // The strict decoder first: it is the fast path, and API Gateway sends strict base64.
    let strict = base64::engine::general_purpose::STANDARD.decode(text.as_bytes());
    match strict.or_else(|_| python_b64decode(&text)) {
        Ok(bytes) => Ok(bytes),
        // Powertools decodes lazily, so such a request only fails if a handler reads the
        // body (the sample `apiGatewayProxyEventAnotherPath.json` is one). Routes that never
        // read it must still answer, so the text is kept as sent, and the mismatch logged.
        Err(err) => {
            crate::log::warn(&format!(
                "{source} event: `{base64_key}` is set but the body is not base64 ({err}); passing it on as sent"
            ));
            Ok(text.as_bytes().to_vec())
        }
    }
}

/// Python's `base64.b64decode(text)`, which Powertools calls: characters outside the
/// alphabet (spaces, newlines, `-`) are skipped, extra padding is accepted, and whatever
/// follows a complete padding is ignored. Written by hand because the `base64` crate has
/// no such lenient mode: its engines refuse every one of those inputs.
fn python_b64decode(text: &str) -> Result<Vec<u8>, &'static str> {
    if !text.is_ascii() {
        return Err("string argument should contain only ASCII characters");
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    // As CPython's `binascii.a2b_base64` with `strict_mode=False`.
    let (mut quad_pos, mut left, mut pads) = (0u8, 0u32, 0u8);
    for byte in text.bytes() {
        if byte == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(sextet) = sextet(byte) else {
            continue;
        };
        pads = 0;
        match quad_pos {
            0 => left = sextet,
            1 => {
                out.push((left << 2 | sextet >> 4) as u8);
                left = sextet & 0x0f;
            }
            2 => {
                out.push((left << 4 | sextet >> 2) as u8);
                left = sextet & 0x03;
            }
            _ => out.push((left << 6 | sextet) as u8),
        }
        quad_pos = (quad_pos + 1) % 4;
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err("the number of data characters cannot be 1 more than a multiple of 4"),
        _ => Err("incorrect padding"),
    }
}

/// The value of a character of the standard base64 alphabet.
fn sextet(byte: u8) -> Option<u32> {
    let value = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(value.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_decoded_as_python_decodes_it() {
        let cases: [(&str, Result<&[u8], ()>); 16] = [
            ("eyJhIjoxfQ==", Ok(br#"{"a":1}"#)),
            ("eyJhIjox fQ==", Ok(br#"{"a":1}"#)),
            ("eyJh\nIjox\r\nfQ==", Ok(br#"{"a":1}"#)),
            ("eyJh-IjoxfQ==", Ok(br#"{"a":1}"#)),
            ("e30=", Ok(b"{}")),
            ("e30==", Ok(b"{}")),
            ("e30=junk", Ok(b"{}")),
            ("e30", Err(())),
            ("e3=0", Err(())),
            ("e3==0", Ok(b"{")),
            ("e30A=", Ok(b"{}\0")),
            ("", Ok(b"")),
            ("====", Ok(b"")),
            ("a", Err(())),
            ("Hello from Lambda!", Err(())),
            ("e30\u{e9}", Err(())),
        ];
        for (text, want) in cases {
            assert_eq!(
                python_b64decode(text).map_err(|_| ()),
                want.map(<[u8]>::to_vec),
                "{text:?}"
            );
        }
    }
}
