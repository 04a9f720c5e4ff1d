//! API Gateway HTTP API (payload format 2.0), also the base of Function URL events.
//!
//! The path is `rawPath` less `/{stage}` when the stage is not `$default` (Powertools slices
//! unconditionally, so `rawPath="/devfoo"` with stage `dev` routes `foo`). The query comes
//! from `rawQueryString`, which keeps repeated keys that `queryStringParameters` joins.

use super::body::{Encoded, decode_body};
use super::json::{Json, Object};
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, RawEvent, fields_of, split_commas};
use crate::request::{Request, cookies_in_headers, parse_cookie_headers};

pub(super) fn decode(
    obj: &Object<'_>,
    raw_event: RawEvent,
    source: EventSource,
) -> Result<Request, DecodeError> {
    let context = obj.get("requestContext").and_then(Json::as_object);
    let method = context
        .and_then(|c| c.get("http"))
        .and_then(|h| h.get("method"))
        .and_then(Json::as_str)
        .ok_or(DecodeError::BadField {
            event_source: source,
            field: "requestContext.http.method",
            expected: "a string",
        })?;
    let raw_path = match obj.get("rawPath") {
        Some(Json::String(p)) => p.as_ref(),
        // Some test tools send only `requestContext.http.path`.
        _ => context
            .and_then(|c| c.get("http"))
            .and_then(|h| h.get("path"))
            .and_then(Json::as_str)
            .ok_or(DecodeError::BadField {
                event_source: source,
                field: "rawPath",
                expected: "a string",
            })?,
    };
    let stage = context.and_then(|c| c.get("stage")).and_then(Json::as_str);
    // Powertools drops as many characters as `/` and the stage have, without checking
    // that they are the stage (`raw_path[len("/" + stage):]`).
    let path = match stage {
        Some(stage) if stage != "$default" => raw_path
            .char_indices()
            .nth(stage.chars().count() + 1)
            .map_or("", |(at, _)| &raw_path[at..]),
        _ => raw_path,
    };
    let query = match obj.get("rawQueryString").and_then(Json::as_str) {
        Some(raw) => form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect(),
        None => split_commas(fields_of(obj, "queryStringParameters", source)?),
    };
    let headers = fields_of(obj, "headers", source)?;
    let cookies = match obj.get("cookies").and_then(Json::as_array) {
        Some(list) => parse_cookie_headers(list.iter().filter_map(Json::as_str)),
        None => cookies_in_headers(&headers),
    };
    Ok(Request {
        source,
        method: method.to_string(),
        path: path.to_string(),
        body: decode_body(obj, "body", "isBase64Encoded", source)?,
        headers,
        query,
        cookies,
        raw_event,
    })
}

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(response, Shape::HttpApi, false)
}

#[cfg(test)]
mod tests {
    use super::super::decode as decode_event;
    use super::*;

    fn decode_json(event: serde_json::Value) -> Request {
        decode_event(event.to_string().as_bytes(), None).expect("decodes")
    }

    #[test]
    fn a_named_stage_is_cut_from_the_raw_path() {
        let req = decode_json(serde_json::json!({
            "version": "2.0", "rawPath": "/dev/foo",
            "requestContext": {"http": {"method": "GET"}, "stage": "dev"},
        }));
        assert_eq!(req.path, "/foo");
        let unconditional = decode_json(serde_json::json!({
            "rawPath": "/devfoo", "requestContext": {"http": {"method": "GET"}, "stage": "dev"},
        }));
        assert_eq!(unconditional.path, "foo");
    }

    #[test]
    fn repeated_query_keys_come_from_the_raw_query_string() {
        let req = decode_json(serde_json::json!({
            "rawPath": "/q", "rawQueryString": "name=ann&category=red&category=blue&text=a%20b",
            "queryStringParameters": {"category": "red,blue", "name": "ann"},
            "requestContext": {"http": {"method": "GET"}, "stage": "$default"},
        }));
        let q: Vec<_> = req.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(q, ["name=ann", "category=red", "category=blue", "text=a b"]);
    }

    #[test]
    fn a_stage_longer_than_the_path_gives_an_empty_path_not_a_panic() {
        let req = decode_json(serde_json::json!({
            "rawPath": "/é", "requestContext": {"http": {"method": "GET"}, "stage": "x"},
        }));
        assert_eq!(req.path, "");
        // Characters are counted, not bytes, as Python slices.
        for (stage, path) in [("a", "/text"), ("ab", "text"), ("é", "/text")] {
            let req = decode_json(serde_json::json!({
                "rawPath": "/é/text", "requestContext": {"http": {"method": "GET"}, "stage": stage},
            }));
            assert_eq!(req.path, path, "stage {stage}");
        }
    }

    #[test]
    fn cookies_come_from_the_cookies_array() {
        let req = decode_json(serde_json::json!({
            "rawPath": "/", "cookies": ["a=1", "b=2"],
            "requestContext": {"http": {"method": "GET"}, "stage": "$default"},
        }));
        assert_eq!(
            req.cookies,
            [("a".into(), "1".into()), ("b".into(), "2".into())]
        );
    }
}
