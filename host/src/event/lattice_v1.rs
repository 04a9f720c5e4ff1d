//! VPC Lattice, event version 1: snake_case fields, `raw_path` may carry the query, and
//! repeated query values arrive comma-joined in `query_string_parameters`.

use super::json::Object;

use super::body::{Encoded, decode_body};
use super::shape::{LambdaResponse, Shape};
use super::{
    DecodeError, EventSource, RawEvent, fields_of, required_str, split_commas, without_query,
};
use crate::request::{Request, cookies_in_headers};

const SOURCE: EventSource = EventSource::LatticeV1;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    let headers = fields_of(obj, "headers", SOURCE)?;
    let cookies = cookies_in_headers(&headers);
    Ok(Request {
        handler_only_headers: Vec::new(),
        source: SOURCE,
        method: required_str(obj, "method", SOURCE)?.to_string(),
        path: without_query(required_str(obj, "raw_path", SOURCE)?).to_string(),
        body: decode_body(obj, "body", "is_base64_encoded", SOURCE)?,
        query: split_commas(fields_of(obj, "query_string_parameters", SOURCE)?),
        headers,
        cookies,
        raw_event,
    })
}

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(response, Shape::HttpApi, false)
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
