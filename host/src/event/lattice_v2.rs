//! VPC Lattice, event version 2: headers and query values are lists.

use super::json::Object;

use super::body::{Encoded, decode_body};
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, RawEvent, fields_of, required_str, without_query};
use crate::request::{Request, cookies_in_headers};

const SOURCE: EventSource = EventSource::LatticeV2;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    let headers = fields_of(obj, "headers", SOURCE)?;
    let cookies = cookies_in_headers(&headers);
    Ok(Request {
        handler_only_headers: Vec::new(),
        source: SOURCE,
        method: required_str(obj, "method", SOURCE)?.to_string(),
        path: without_query(required_str(obj, "path", SOURCE)?).to_string(),
        body: decode_body(obj, "body", "isBase64Encoded", SOURCE)?,
        query: fields_of(obj, "queryStringParameters", SOURCE)?,
        headers,
        cookies,
        raw_event,
    })
}

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(response, Shape::HttpApi, false)
}
