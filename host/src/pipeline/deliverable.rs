//! The last arrow before an answer leaves the host, the same for every front end (`invoke`,
//! `serve`, the Lambda bootstrap): an answer no front door could deliver is replaced with
//! the documented 500, and one log line names the component that gave it and what was wrong.
//!
//! - A status outside 100..=599 (RFC 9110 §15: a three-digit code, 1xx to 5xx).
//! - A header name that is not a token (RFC 9110 §5.1), a header value or cookie holding CR,
//!   LF, NUL or another control character but tab (RFC 9110 §5.5: CR, LF and NUL MUST be
//!   refused; they would split the response in any front end that writes HTTP/1.1).
//! - A header section over the bundle's `response_header_bytes`, each header value and cookie
//!   counted as its `Name: value\r\n` line.
//! - A Lambda response over `response_bytes`, measured as Lambda measures it: the JSON the
//!   bootstrap hands Lambda (`serde_json::to_vec(&LambdaResponse)`), with the body escaped or
//!   in base64, after gzip. Lambda's own limit is 6 MB (6,291,456 bytes) for a synchronous
//!   response, and a response over it is never delivered.

use std::fmt;

use serde_json::Value;

use super::Pipeline;
use super::route::ResponseOptions;
use crate::event::{Encoded, LambdaResponse};
use crate::log::Level;
use crate::request::Request;
use crate::response::{Response, json_len};
use crate::runtime::Frame;

/// Why an answer cannot be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Undeliverable {
    /// The status is outside 100..=599.
    Status(u16),
    /// A header name is not an HTTP token.
    HeaderName(String),
    /// A header's value holds a control character.
    HeaderValue(String),
    /// A cookie holds a control character.
    Cookie,
    /// The header section is over the limit.
    HeaderBytes { size: usize, limit: usize },
    /// The Lambda response JSON is over the limit.
    Size { size: usize, limit: usize },
}

impl fmt::Display for Undeliverable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Undeliverable::Status(status) => write!(f, "status {status}, outside 100..=599"),
            Undeliverable::HeaderName(name) => {
                write!(f, "header name `{}`, not an HTTP token", shown(name))
            }
            Undeliverable::HeaderValue(name) => write!(
                f,
                "header `{}` with a value holding CR, LF, NUL or another control character",
                shown(name)
            ),
            Undeliverable::Cookie => {
                f.write_str("a cookie holding CR, LF, NUL or another control character")
            }
            Undeliverable::HeaderBytes { size, limit } => write!(
                f,
                "a header section of {size} bytes, over the limit of {limit} (`response_header_bytes`)"
            ),
            Undeliverable::Size { size, limit } => write!(
                f,
                "a Lambda response of {size} bytes, over the limit of {limit} (`response_bytes`)"
            ),
        }
    }
}

/// A name as a log line shows it: control characters escaped, at most 64 characters.
fn shown(name: &str) -> String {
    let escaped: String = name.escape_debug().collect();
    match escaped.char_indices().nth(64) {
        Some((at, _)) => format!("{}...", &escaped[..at]),
        None => escaped,
    }
}

/// The limits an answer must meet.
#[derive(Debug, Clone, Copy)]
pub(super) struct DeliveryLimits {
    /// `response_bytes`.
    pub(super) bytes: usize,
    /// `response_header_bytes`.
    pub(super) header_bytes: usize,
}

impl Pipeline {
    /// `encoded` if a front door can deliver it; otherwise the 500, with a log line naming
    /// the component that answered (`answered_by`) or the host.
    pub(super) fn deliverable(
        &self,
        encoded: LambdaResponse,
        answered_by: Option<usize>,
        options: &ResponseOptions,
        request: &Request,
    ) -> LambdaResponse {
        let settings = self.runtime.settings();
        let limits = DeliveryLimits {
            bytes: settings.response_bytes,
            header_bytes: settings.response_header_bytes,
        };
        let Err(why) = check(&encoded, limits) else {
            return encoded;
        };
        let component = answered_by
            .and_then(|index| self.runtime.components().get(index))
            .map(|c| c.name.as_str());
        let who = match component {
            Some(name) => format!("component `{name}`"),
            None => "the host".to_string(),
        };
        crate::log::emit(
            Level::Error,
            &format!("{who} answered {why}; answering 500"),
            &[("component", component.unwrap_or_default())],
        );
        super::fault::record("InvalidResponse", &format!("{who} answered {why}"));
        let refused = Response::json_error(500, Value::String("Internal Server Error".into()));
        self.finish_encoded(refused, options, request)
    }
}

/// The component whose frame answers first in the chain: the one whose answer the host
/// gets (`None` when the host answers itself, as the default 404 does).
pub(super) fn outermost_component(frames: &[Frame]) -> Option<usize> {
    match frames.first()? {
        Frame::Middleware { component, .. }
        | Frame::Handler { component, .. }
        | Frame::ExceptionHandler { component, .. } => Some(*component),
        Frame::Fixed(_) => None,
    }
}

/// Whether a front door can deliver `response`, and why not.
pub(super) fn check(
    response: &LambdaResponse,
    limits: DeliveryLimits,
) -> Result<(), Undeliverable> {
    let encoded = response.encoded();
    if !(100..=599).contains(&encoded.status) {
        return Err(Undeliverable::Status(encoded.status));
    }
    let mut header_bytes = 0usize;
    for (name, values) in encoded.headers.iter() {
        if !is_token(name) {
            return Err(Undeliverable::HeaderName(name.to_string()));
        }
        for value in values {
            if !is_field_value(value) {
                return Err(Undeliverable::HeaderValue(name.to_string()));
            }
            header_bytes = header_bytes.saturating_add(line_bytes(name, value));
        }
    }
    for cookie in &encoded.cookies {
        if !is_field_value(cookie) {
            return Err(Undeliverable::Cookie);
        }
        header_bytes = header_bytes.saturating_add(line_bytes("Set-Cookie", cookie));
    }
    if header_bytes > limits.header_bytes {
        return Err(Undeliverable::HeaderBytes {
            size: header_bytes,
            limit: limits.header_bytes,
        });
    }
    // Counting the JSON serializes the whole answer once more; an answer that could not
    // reach the limit even with every byte escaped (the usual one) is not counted.
    if most_encoded_bytes(encoded) > limits.bytes {
        let size = json_len(response);
        if size > limits.bytes {
            return Err(Undeliverable::Size {
                size,
                limit: limits.bytes,
            });
        }
    }
    Ok(())
}

/// `Name: value\r\n`.
fn line_bytes(name: &str, value: &str) -> usize {
    name.len() + value.len() + 4
}

/// RFC 9110 §5.6.2: `token = 1*tchar`, `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" /
/// "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// RFC 9110 §5.5: a field value holds visible characters, spaces, tabs and non-ASCII
/// (obs-text); no control character but tab.
fn is_field_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || !(b < 0x20 || b == 0x7f))
}

/// The most bytes `encoded` can take as response JSON, in any source's shape: every byte of
/// text escaped as `\u00XX` (six bytes), plus the punctuation around each member.
fn most_encoded_bytes(encoded: &Encoded) -> usize {
    const ESCAPED: usize = 6;
    const MEMBER: usize = 16;
    let text = |s: &str| s.len().saturating_mul(ESCAPED).saturating_add(MEMBER);
    let mut bytes = 256 + encoded.body.as_deref().map_or(0, text);
    for (name, values) in encoded.headers.iter() {
        bytes = bytes.saturating_add(text(name));
        for value in values {
            bytes = bytes.saturating_add(text(value));
        }
    }
    for cookie in &encoded.cookies {
        // A cookie may come with a `Set-Cookie` name of its own.
        bytes = bytes
            .saturating_add(text(cookie))
            .saturating_add(text("Set-Cookie"));
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event;
    use crate::request::EventSource;
    use crate::response::Headers;

    fn encoded(status: u16, headers: &[(&str, &str)], cookies: &[&str], body: &str) -> Encoded {
        let mut map = Headers::default();
        for (name, value) in headers {
            map.append(name, value.to_string());
        }
        Encoded {
            status,
            headers: map,
            cookies: cookies.iter().map(|c| c.to_string()).collect(),
            body: Some(body.to_string()),
            is_base64: false,
        }
    }

    const LIMITS: DeliveryLimits = DeliveryLimits {
        bytes: 1000,
        header_bytes: 100,
    };

    fn checked(response: Encoded) -> Result<(), Undeliverable> {
        check(&event::encode(response, EventSource::RestV1), LIMITS)
    }

    #[test]
    fn statuses_outside_100_to_599_are_refused() {
        for status in [0, 42, 99, 600, 999, 65535] {
            assert_eq!(
                checked(encoded(status, &[], &[], "")),
                Err(Undeliverable::Status(status))
            );
        }
        for status in [100, 200, 204, 304, 418, 599] {
            assert_eq!(checked(encoded(status, &[], &[], "")), Ok(()), "{status}");
        }
    }

    #[test]
    fn header_names_are_tokens_and_values_hold_no_control_characters() {
        for name in ["X Bad", "X-Bad:", "", "X-Bad\r\nX-Injected", "X-Bäd", "(x)"] {
            assert_eq!(
                checked(encoded(200, &[(name, "v")], &[], "")),
                Err(Undeliverable::HeaderName(name.into())),
                "{name:?}"
            );
        }
        for value in ["a\r\nb", "a\nb", "a\rb", "a\0", "\x1b[31m", "\x7f"] {
            assert_eq!(
                checked(encoded(200, &[("X-V", value)], &[], "")),
                Err(Undeliverable::HeaderValue("X-V".into())),
                "{value:?}"
            );
        }
        assert_eq!(
            checked(encoded(200, &[], &["a=1\r\nX: 1"], "")),
            Err(Undeliverable::Cookie)
        );
        let fine = [
            ("X-Tab", "a\tb"),
            ("X-Utf8", "café"),
            ("!#$%&'*+-.^_`|~09az", ""),
        ];
        assert_eq!(checked(encoded(200, &fine, &["a=1; Path=/"], "")), Ok(()));
    }

    #[test]
    fn the_header_section_counts_each_line_and_cookie() {
        // `X: <45 bytes>\r\n` is 50 bytes: two fit in 100, a cookie more does not.
        let value = "v".repeat(45);
        let two = [("X", value.as_str()), ("X", value.as_str())];
        assert_eq!(checked(encoded(200, &two, &[], "")), Ok(()));
        assert_eq!(
            checked(encoded(200, &two, &["a=1"], "")),
            Err(Undeliverable::HeaderBytes {
                size: 117,
                limit: 100
            })
        );
    }

    #[test]
    fn the_size_is_the_response_json_lambda_gets() {
        // 480 quotes are 960 bytes escaped: over 1000 with the rest of the response.
        let quotes = encoded(200, &[], &[], &"\"".repeat(480));
        let response = event::encode(quotes.clone(), EventSource::RestV1);
        let size = serde_json::to_vec(&response).unwrap().len();
        assert!(size > 1000, "{size}");
        assert_eq!(
            check(&response, LIMITS),
            Err(Undeliverable::Size { size, limit: 1000 })
        );
        // The same 480 bytes as plain letters fit.
        assert_eq!(checked(encoded(200, &[], &[], &"x".repeat(480))), Ok(()));
    }

    #[test]
    fn the_bound_on_the_encoded_size_is_never_below_it() {
        let body: String = (0u8..128).map(char::from).collect::<String>().repeat(8);
        let cases = [
            encoded(200, &[("X-A", "\u{1}\"\\")], &["c=\"1\""], &body),
            encoded(404, &[], &[], ""),
            encoded(200, &[("Set-Cookie", "a=1")], &["b=2", "c=3"], "é"),
        ];
        for case in cases {
            for source in EventSource::ALL {
                let response = event::encode(case.clone(), source);
                assert!(
                    json_len(&response) <= most_encoded_bytes(response.encoded()),
                    "{source}"
                );
            }
        }
    }

    #[test]
    fn names_in_log_lines_are_escaped_and_short() {
        assert_eq!(shown("a\r\nb"), "a\\r\\nb");
        assert_eq!(shown(&"n".repeat(100)), format!("{}...", "n".repeat(64)));
    }
}
