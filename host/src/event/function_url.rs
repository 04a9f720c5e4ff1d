//! Lambda Function URL: the HTTP API v2 payload, with `*.lambda-url.*` domain names.

use crate::json::Object;

use super::body::Encoded;
use super::read_back::FrontDoor;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, RawEvent};
use crate::request::Request;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    super::http_v2::decode(obj, raw_event, EventSource::FunctionUrl)
}

/// A Function URL reads payload format 2.0 as HTTP API does, format inference included.
pub(super) const FRONT_DOOR: FrontDoor = super::http_v2::FRONT_DOOR;

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(EventSource::FunctionUrl, response, Shape::HttpApi, false)
}

/// A Function URL's event: payload 2.0, the path kept percent-encoded, an anonymous caller.
pub(super) fn build(request: &super::from_http::HttpRequest) -> serde_json::Value {
    super::http_v2::build_payload_v2(request, true)
}
