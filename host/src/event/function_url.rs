//! Lambda Function URL: the HTTP API v2 payload, with `*.lambda-url.*` domain names.

use crate::json::Object;

use super::body::Encoded;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, RawEvent};
use crate::request::Request;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    super::http_v2::decode(obj, raw_event, EventSource::FunctionUrl)
}

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(response, Shape::HttpApi, false)
}

/// A Function URL's event: payload 2.0, the path kept percent-encoded, an anonymous caller.
pub(super) fn build(request: &super::from_http::HttpRequest) -> serde_json::Value {
    super::http_v2::build_payload_v2(request, true)
}
