//! Application Load Balancer, with or without multi-value headers.
//!
//! With multi-value headers on, ALB sends `multiValueHeaders` and
//! `multiValueQueryStringParameters` and expects `multiValueHeaders` back; otherwise single
//! values both ways, where only the last cookie and the last value of a header fit. ALB
//! passes query strings still URL-encoded; like Powertools' default, they stay so.

use super::json::Object;

use super::body::{Encoded, decode_body};
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, RawEvent, fields_of, required_str};
use crate::request::{Request, parse_cookie_headers};

pub(super) fn decode(
    obj: &Object<'_>,
    raw_event: RawEvent,
    source: EventSource,
) -> Result<Request, DecodeError> {
    let (headers, query) = match source {
        EventSource::AlbMultiValue => (
            fields_of(obj, "multiValueHeaders", source)?,
            super::rest_v1::merged_query(obj, source)?,
        ),
        _ => (
            fields_of(obj, "headers", source)?,
            fields_of(obj, "queryStringParameters", source)?,
        ),
    };
    let cookies = parse_cookie_headers(
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .map(|(_, v)| v.as_str()),
    );
    Ok(Request {
        source,
        method: required_str(obj, "httpMethod", source)?.to_string(),
        path: required_str(obj, "path", source)?.to_string(),
        body: decode_body(obj, "body", "isBase64Encoded", source)?,
        headers,
        query,
        cookies,
        raw_event,
    })
}

/// ALB has no `null` body: Powertools' ALB resolver answers `""` for `body=None`.
pub(super) fn encode(response: Encoded, source: EventSource) -> LambdaResponse {
    let shape = match source {
        EventSource::AlbMultiValue => Shape::MultiValue,
        _ => Shape::SingleValue,
    };
    LambdaResponse::new(response, shape, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Headers;

    #[test]
    fn single_value_keeps_the_last_cookie_first_and_last_header_values() {
        let mut headers = Headers::default();
        headers.append("X-Multi", "a".into());
        headers.append("X-Multi", "b".into());
        headers.set("X-One", "1".into());
        let out = encode(
            Encoded {
                status: 200,
                headers,
                cookies: vec!["a=1; Secure".into(), "b=2; HttpOnly; Secure".into()],
                body: Some("hi".into()),
                is_base64: false,
            },
            EventSource::Alb,
        );
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"statusCode":200,"body":"hi","isBase64Encoded":false,"headers":{"Set-Cookie":"b=2; HttpOnly; Secure","X-Multi":"b","X-One":"1"}}"#
        );
    }

    #[test]
    fn a_null_body_is_an_empty_string() {
        let out = encode(
            Encoded {
                status: 204,
                headers: Headers::default(),
                cookies: vec![],
                body: None,
                is_base64: false,
            },
            EventSource::AlbMultiValue,
        );
        assert_eq!(out.to_value()["body"], "");
    }
}
