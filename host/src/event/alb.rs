//! Application Load Balancer, with or without multi-value headers.
//!
//! With multi-value headers on, ALB sends `multiValueHeaders` and
//! `multiValueQueryStringParameters` and expects `multiValueHeaders` back; otherwise single
//! values both ways, where only the last cookie and the last value of a header fit. ALB
//! passes query strings still URL-encoded; like Powertools' default, they stay so, unless the
//! app asks for [`url_decode_query`] (`decode_query_parameters=True`).

use std::borrow::Cow;

use serde_json::{Value, json};

use super::body::{Encoded, decode_body};
use super::from_http::{
    ACCOUNT_ID, API_ID, HttpRequest, REGION, body_text, forwarded_headers, last_values, value_lists,
};
use super::read_back::FrontDoor;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, fields_of, required_str};
use crate::json::Object;
use crate::request::{Fields, RawEvent, Request, cookies_in_headers};

/// URL-decodes each query name and value in place ([`unquote`]).
pub(crate) fn url_decode_query(query: &mut Fields) {
    for text in query.iter_mut().flat_map(|(name, value)| [name, value]) {
        if let Cow::Owned(decoded) = unquote(text) {
            *text = decoded;
        }
    }
}

/// `text` URL-decoded as Python's `urllib.parse.unquote` does it: `%XX` escapes become bytes,
/// read as UTF-8 with U+FFFD for what is not; `+` and a `%` not followed by two hex digits
/// stay as they are.
pub(crate) fn unquote(text: &str) -> Cow<'_, str> {
    match text.contains('%') {
        true => Cow::Owned(
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned(),
        ),
        false => Cow::Borrowed(text),
    }
}

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
    let cookies = cookies_in_headers(&headers).map_err(DecodeError::too_many(source, "cookies"))?;
    Ok(Request {
        handler_only_headers: Fields::new(),
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
/// A target group reads `multiValueHeaders` when multi-value headers are on and only
/// `headers` when they are off; the other field, and `cookies`, it ignores.
pub(super) fn front_door(source: EventSource) -> FrontDoor {
    let multi_value = source == EventSource::AlbMultiValue;
    FrontDoor {
        headers: !multi_value,
        multi_value_headers: multi_value,
        cookies: false,
        infers_format: false,
    }
}

pub(super) fn encode(response: Encoded, source: EventSource) -> LambdaResponse {
    let shape = match source {
        EventSource::AlbMultiValue => Shape::MultiValue,
        _ => Shape::SingleValue,
    };
    LambdaResponse::new(source, response, shape, true)
}

/// Application Load Balancer, single-value or with multi-value headers turned on.
pub(super) fn build(r: &HttpRequest, multi_value: bool) -> Value {
    let headers = forwarded_headers(r);
    // ALB passes query keys and values on still URL-encoded.
    let query: Vec<(String, String)> = r
        .query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (pair.to_string(), String::new()),
        })
        .collect();
    let (body, is_base64) = body_text(r);
    let mut event = json!({
        "requestContext": {
            "elb": {
                "targetGroupArn": format!(
                    "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/{API_ID}/0123456789abcdef"
                ),
            },
        },
        "httpMethod": r.method,
        "path": r.path,
        "body": if body.is_null() { json!("") } else { body },
        "isBase64Encoded": is_base64,
    });
    match multi_value {
        true => {
            event["multiValueQueryStringParameters"] = Value::Object(value_lists(&query));
            event["multiValueHeaders"] = Value::Object(value_lists(&headers));
        }
        false => {
            event["queryStringParameters"] = Value::Object(last_values(&query));
            event["headers"] = Value::Object(last_values(&headers));
        }
    }
    event
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
    fn query_decoding_is_pythons_unquote() {
        // Each right-hand side is what CPython 3.11's `urllib.parse.unquote` gives.
        let rows = [
            ("%73earch", "search"),
            ("a%2Cb", "a,b"),
            ("J%C3%BCrgen", "Jürgen"),
            ("a+b", "a+b"),
            ("100%", "100%"),
            ("%zz%4", "%zz%4"),
            ("%C3", "\u{fffd}"),
            ("%FF%41", "\u{fffd}A"),
            ("caf%C3%A9%20ok", "café ok"),
            ("plain", "plain"),
        ];
        for (raw, decoded) in rows {
            let mut query: Fields = [(raw.to_string(), raw.to_string())].into_iter().collect();
            url_decode_query(&mut query);
            assert_eq!(query, [(decoded.to_string(), decoded.to_string())], "{raw}");
        }
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
