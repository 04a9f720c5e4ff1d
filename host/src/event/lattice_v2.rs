//! VPC Lattice, event version 2: headers and query values are lists.

use std::time::UNIX_EPOCH;

use serde_json::{Value, json};

use super::body::{Encoded, decode_body};
use super::from_http::{
    ACCOUNT_ID, HttpRequest, REGION, body_text, decoded_query, forwarded_headers, value_lists,
};
use super::read_back::FrontDoor;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, fields_of, required_str, without_query};
use crate::json::Object;
use crate::request::{Fields, RawEvent, Request, cookies_in_headers};

const SOURCE: EventSource = EventSource::LatticeV2;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    let headers = fields_of(obj, "headers", SOURCE)?;
    let cookies = cookies_in_headers(&headers).map_err(DecodeError::too_many(SOURCE, "cookies"))?;
    Ok(Request {
        handler_only_headers: Fields::new(),
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

/// Both versions of the Lattice event share one response format.
pub(super) const FRONT_DOOR: FrontDoor = super::lattice_v1::FRONT_DOOR;

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(SOURCE, response, Shape::HttpApi, false)
}

/// VPC Lattice, event version 2: headers and query values as lists.
pub(super) fn build(r: &HttpRequest) -> Value {
    let headers = forwarded_headers(r);
    let (body, is_base64) = body_text(r);
    let micros = r
        .received
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros();
    let arn =
        |kind: &str, id: &str| format!("arn:aws:vpc-lattice:{REGION}:{ACCOUNT_ID}:{kind}/{id}");
    json!({
        "version": "2.0",
        "path": r.path,
        "method": r.method,
        "headers": value_lists(&headers),
        "queryStringParameters": value_lists(&decoded_query(&r.query)),
        "body": body,
        "isBase64Encoded": is_base64,
        "requestContext": {
            "serviceNetworkArn": arn("servicenetwork", "sn-switchyardlocal"),
            "serviceArn": arn("service", "svc-switchyardlocal"),
            "targetGroupArn": arn("targetgroup", "tg-switchyardlocal"),
            "identity": {"type": "NONE"},
            "region": REGION,
            "timeEpoch": micros.to_string(),
        },
    })
}
