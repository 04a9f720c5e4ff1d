//! VPC Lattice, event version 1: snake_case fields, `raw_path` may carry the query, and
//! repeated query values arrive comma-joined in `query_string_parameters`.

use serde_json::{Value, json};

use super::body::{Encoded, decode_body};
use super::from_http::{HttpRequest, body_text, decoded_query, forwarded_headers, joined_values};
use super::read_back::FrontDoor;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, fields_of, required_str, split_commas, without_query};
use crate::json::Object;
use crate::request::{Fields, RawEvent, Request, cookies_in_headers};

const SOURCE: EventSource = EventSource::LatticeV1;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    let headers = fields_of(obj, "headers", SOURCE)?;
    let cookies = cookies_in_headers(&headers).map_err(DecodeError::too_many(SOURCE, "cookies"))?;
    Ok(Request {
        handler_only_headers: Fields::new(),
        source: SOURCE,
        method: required_str(obj, "method", SOURCE)?.to_string(),
        path: without_query(required_str(obj, "raw_path", SOURCE)?).to_string(),
        body: decode_body(obj, "body", "is_base64_encoded", SOURCE)?,
        query: split_commas(fields_of(obj, "query_string_parameters", SOURCE)?)
            .map_err(DecodeError::too_many(SOURCE, "query_string_parameters"))?,
        headers,
        cookies,
        raw_event,
    })
}

/// VPC Lattice reads `headers` only: its response format has no `cookies`, so the cookies
/// Powertools' shape writes there (and the host, as it) do not reach the client.
pub(super) const FRONT_DOOR: FrontDoor = FrontDoor {
    headers: true,
    multi_value_headers: false,
    cookies: false,
    infers_format: false,
};

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(SOURCE, response, Shape::HttpApi, false)
}

/// VPC Lattice, event version 1: snake_case, the query kept in `raw_path`.
pub(super) fn build(r: &HttpRequest) -> Value {
    let headers = forwarded_headers(r);
    let raw_path = match r.query.is_empty() {
        true => r.path.clone(),
        false => format!("{}?{}", r.path, r.query),
    };
    let (body, is_base64) = body_text(r);
    json!({
        "raw_path": raw_path,
        "method": r.method,
        "headers": joined_values(&headers),
        "query_string_parameters": joined_values(&decoded_query(&r.query)),
        "body": body,
        "is_base64_encoded": is_base64,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_query_is_cut_from_the_path_and_joined_values_are_split() {
        let event = serde_json::json!({
            "raw_path": "/query?category=red&category=blue", "method": "GET",
            "query_string_parameters": {"category": "red,blue"}, "headers": {},
        });
        let req = super::super::decode(event.to_string().as_bytes(), None).unwrap();
        assert_eq!(req.source, super::SOURCE);
        assert_eq!(req.path, "/query");
        assert_eq!(
            req.query,
            [
                ("category".into(), "red".into()),
                ("category".into(), "blue".into())
            ]
        );
    }
}
