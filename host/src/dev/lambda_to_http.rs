//! A Lambda response turned back into HTTP, as the source's front door would send it
//! (read back by `event::read_back`; a gzip body passed through untouched).

use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use serde_json::Value;

pub(super) use crate::event::MalformedResponse;
use crate::event::{ClientResponse, read_back};
use crate::request::EventSource;

/// Headers the server owns: hyper frames the body itself, so a guest's own
/// `Content-Length` or `Transfer-Encoding` would contradict it (API Gateway drops them too).
const FRAMING_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

/// The HTTP response for a Lambda response, read back as the client of `source`'s front door
/// gets it (`event::read_back`). Header lines that are not valid HTTP are left out, each named in a
/// warning log line (the pipeline answers 500 for a guest's, so only a hand-written Lambda
/// response can have one).
pub(super) fn to_http(
    response: &Value,
    source: EventSource,
) -> Result<hyper::Response<http_body_util::Full<Bytes>>, MalformedResponse> {
    let ClientResponse {
        status,
        headers: lines,
        body,
    } = read_back(response, source)?;
    let mut out = hyper::Response::new(http_body_util::Full::new(Bytes::from(body)));
    *out.status_mut() =
        hyper::StatusCode::from_u16(status).map_err(|_| MalformedResponse::Status)?;
    let headers = out.headers_mut();
    for (name, value) in &lines {
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
    fn base64_bodies_are_decoded_and_gzip_passes_through() {
        let response = to_http(
            &json!({
                "statusCode": 200,
                "headers": {"Content-Encoding": "gzip", "Content-Length": "999"},
                "body": "H4sIAAAAAAAA/w==",
                "isBase64Encoded": true,
            }),
            EventSource::RestV1,
        )
        .unwrap();
        assert_eq!(values(&response, "content-encoding"), ["gzip"]);
        assert!(values(&response, "content-length").is_empty());
        assert_eq!(body_of(response), b"\x1f\x8b\x08\0\0\0\0\0\0\xff");
    }

    #[test]
    fn non_ascii_header_values_pass_as_in_lambda() {
        let response = to_http(
            &json!({"statusCode": 200, "headers": {"X-Name": "café"}}),
            EventSource::RestV1,
        )
        .unwrap();
        let value = response
            .headers()
            .get("x-name")
            .map(|v| v.as_bytes().to_vec());
        assert_eq!(value.as_deref(), Some("café".as_bytes()));
    }

    #[test]
    fn a_header_line_that_is_not_http_is_left_out() {
        let bad_header = to_http(
            &json!({"statusCode": 200, "headers": {"bad name": "x"}}),
            EventSource::RestV1,
        );
        assert_eq!(bad_header.unwrap().status(), 200);
        assert!(matches!(
            to_http(&json!({"body": "x"}), EventSource::RestV1),
            Err(MalformedResponse::Status)
        ));
    }
}
