//! A Lambda response turned back into HTTP, as the source's front door would send it:
//! `headers` and every `multiValueHeaders` value, `cookies` as `Set-Cookie` lines, the body
//! base64-decoded when `isBase64Encoded`, and a gzip body passed through untouched.

use base64::Engine as _;
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use serde_json::Value;

/// Headers the server owns: hyper frames the body itself, so a guest's own
/// `Content-Length` or `Transfer-Encoding` would contradict it (API Gateway drops them too).
const FRAMING_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

/// A Lambda response that cannot become HTTP; API Gateway answers these with a 502.
#[derive(Debug, thiserror::Error)]
pub(super) enum MalformedResponse {
    /// `statusCode` is missing or not a status.
    #[error("the Lambda response has no valid `statusCode`")]
    Status,
    /// `isBase64Encoded` is true and the body is not base64.
    #[error("the Lambda response body is flagged base64 but is not: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The response is not a JSON object.
    #[error("the Lambda response is not a JSON object")]
    NotAnObject,
}

/// The HTTP response for a Lambda response. Header lines that are not valid HTTP are left
/// out, each named in a warning log line (the pipeline answers 500 for a guest's, so only a
/// hand-written Lambda response can have one).
pub(super) fn to_http(
    response: &Value,
) -> Result<hyper::Response<http_body_util::Full<Bytes>>, MalformedResponse> {
    let obj = response.as_object().ok_or(MalformedResponse::NotAnObject)?;
    let status = match obj.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .and_then(|code| u16::try_from(code).ok())
    .and_then(|code| hyper::StatusCode::from_u16(code).ok())
    .ok_or(MalformedResponse::Status)?;

    let mut lines: Vec<(&str, &str)> = Vec::new();
    // `multiValueHeaders` wins for a name both carry, as in API Gateway.
    let multi = obj.get("multiValueHeaders").and_then(Value::as_object);
    if let Some(single) = obj.get("headers").and_then(Value::as_object) {
        for (name, value) in single {
            let shadowed = multi.is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(name)));
            if let (false, Some(value)) = (shadowed, value.as_str()) {
                lines.push((name, value));
            }
        }
    }
    for (name, values) in multi.into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            if let Some(value) = value.as_str() {
                lines.push((name, value));
            }
        }
    }
    for cookie in obj
        .get("cookies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(cookie) = cookie.as_str() {
            lines.push(("set-cookie", cookie));
        }
    }

    let body = match obj.get("body") {
        Some(Value::String(text)) => match obj.get("isBase64Encoded").and_then(Value::as_bool) {
            Some(true) => base64::engine::general_purpose::STANDARD.decode(text.trim())?,
            _ => text.clone().into_bytes(),
        },
        _ => Vec::new(),
    };

    let mut out = hyper::Response::new(http_body_util::Full::new(Bytes::from(body)));
    *out.status_mut() = status;
    let headers = out.headers_mut();
    for (name, value) in lines {
        if FRAMING_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            continue;
        }
        match (
            HeaderName::from_bytes(name.as_bytes()),
            // Bytes, not `from_str`: a value may hold non-ASCII text (RFC 9110's obs-text),
            // which the pipeline passes as Lambda's front doors do.
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => crate::log::warn(&format!(
                "header `{name}: {value}` is not valid HTTP; the dev server leaves it out"
            )),
        }
    }
    Ok(out)
}

/// A JSON error answer in Powertools' shape, for what goes wrong around the pipeline.
pub(super) fn error_response(
    status: u16,
    message: &str,
) -> hyper::Response<http_body_util::Full<Bytes>> {
    let body = serde_json::json!({"statusCode": status, "message": message}).to_string();
    let mut out = hyper::Response::new(http_body_util::Full::new(Bytes::from(body)));
    *out.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    out.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out
}

#[cfg(test)]
mod tests {
    use std::future::Future as _;

    use http_body_util::BodyExt as _;
    use serde_json::json;

    use super::*;

    fn body_of(response: hyper::Response<http_body_util::Full<Bytes>>) -> Vec<u8> {
        let collected = response.into_body().collect();
        // `Full` is ready at once; no runtime needed.
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let mut fut = std::pin::pin!(collected);
        match fut.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(Ok(c)) => c.to_bytes().to_vec(),
            _ => panic!("a full body is ready"),
        }
    }

    fn values(response: &hyper::Response<http_body_util::Full<Bytes>>, name: &str) -> Vec<String> {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn every_header_value_and_cookie_becomes_a_header_line() {
        let response = to_http(&json!({
            "statusCode": 201,
            "headers": {"X-One": "1", "X-Multi": "ignored"},
            "multiValueHeaders": {"X-Multi": ["a", "b"], "Set-Cookie": ["a=1"]},
            "cookies": ["b=2; Secure"],
            "body": "hi",
            "isBase64Encoded": false,
        }))
        .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(values(&response, "x-one"), ["1"]);
        assert_eq!(values(&response, "x-multi"), ["a", "b"]);
        assert_eq!(values(&response, "set-cookie"), ["a=1", "b=2; Secure"]);
        assert_eq!(body_of(response), b"hi");
    }

    #[test]
    fn base64_bodies_are_decoded_and_gzip_passes_through() {
        let response = to_http(&json!({
            "statusCode": 200,
            "headers": {"Content-Encoding": "gzip", "Content-Length": "999"},
            "body": "H4sIAAAAAAAA/w==",
            "isBase64Encoded": true,
        }))
        .unwrap();
        assert_eq!(values(&response, "content-encoding"), ["gzip"]);
        assert!(values(&response, "content-length").is_empty());
        assert_eq!(body_of(response), b"\x1f\x8b\x08\0\0\0\0\0\0\xff");
    }

    #[test]
    fn non_ascii_header_values_pass_as_in_lambda() {
        let response = to_http(&json!({"statusCode": 200, "headers": {"X-Name": "café"}})).unwrap();
        let value = response
            .headers()
            .get("x-name")
            .map(|v| v.as_bytes().to_vec());
        assert_eq!(value.as_deref(), Some("café".as_bytes()));
    }

    #[test]
    fn a_malformed_lambda_response_is_an_error_not_a_panic() {
        assert!(matches!(
            to_http(&json!({"body": "x"})),
            Err(MalformedResponse::Status)
        ));
        assert!(matches!(
            to_http(&json!({"statusCode": 200, "body": "%%%", "isBase64Encoded": true})),
            Err(MalformedResponse::Base64(_))
        ));
        assert!(matches!(
            to_http(&json!([1])),
            Err(MalformedResponse::NotAnObject)
        ));
        let bad_header = to_http(&json!({"statusCode": 200, "headers": {"bad name": "x"}}));
        assert_eq!(bad_header.unwrap().status(), 200);
    }
}
