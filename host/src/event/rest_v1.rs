//! API Gateway REST API (payload format 1.0).
//!
//! Headers and query come from the multi-value fields when they have entries (they carry
//! every repeated value), else from the single-value ones, as Powertools'
//! `resolved_headers_field` reads them for CORS, compression and validation. AWS fills both
//! alike, but console test events and trimmed samples often name a header only in
//! `headers`: Powertools' handlers read those (`current_event.headers`), so the guest gets
//! them too. The query takes the single-value keys the multi-value field lacks. The response
//! uses `multiValueHeaders`.

use serde_json::{Value, json};

use super::body::{Encoded, decode_body};
use super::from_http::{
    ACCOUNT_ID, API_ID, HttpRequest, body_text, clf_time, decoded_query, epoch_millis,
    forwarded_headers, header, last_values, or_null, value_lists,
};
use super::read_back::FrontDoor;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, fields_of, has_entries, required_str};
use crate::json::Object;
use crate::request::{Fields, RawEvent, Request, cookies_in_headers};

const SOURCE: EventSource = EventSource::RestV1;

pub(super) fn decode(obj: &Object<'_>, raw_event: RawEvent) -> Result<Request, DecodeError> {
    let (headers, handler_only_headers) = match has_entries(obj, "multiValueHeaders") {
        true => {
            let headers = fields_of(obj, "multiValueHeaders", SOURCE)?;
            let listed = headers.names(true);
            let only_single = fields_of(obj, "headers", SOURCE)?
                .into_iter()
                .filter(|(name, _)| !listed.contains(name))
                .collect();
            (headers, only_single)
        }
        false => (fields_of(obj, "headers", SOURCE)?, Fields::new()),
    };
    let query = merged_query(obj, SOURCE)?;
    let cookies = cookies_in_headers(&headers).map_err(DecodeError::too_many(SOURCE, "cookies"))?;
    Ok(Request {
        handler_only_headers,
        source: SOURCE,
        method: required_str(obj, "httpMethod", SOURCE)?.to_string(),
        path: required_str(obj, "path", SOURCE)?.to_string(),
        body: decode_body(obj, "body", "isBase64Encoded", SOURCE)?,
        headers,
        query,
        cookies,
        raw_event,
    })
}

/// Every value of `multiValueQueryStringParameters`, then the single-value keys it lacks.
pub(super) fn merged_query(obj: &Object<'_>, source: EventSource) -> Result<Fields, DecodeError> {
    let mut query = fields_of(obj, "multiValueQueryStringParameters", source)?;
    let listed = query.names(false);
    let missing: Vec<(String, String)> = fields_of(obj, "queryStringParameters", source)?
        .into_iter()
        .filter(|(name, _)| !listed.contains(name))
        .collect();
    query.extend(missing);
    Ok(query)
}

/// API Gateway merges `headers` and `multiValueHeaders`; a REST API has no `cookies`.
pub(super) const FRONT_DOOR: FrontDoor = FrontDoor {
    headers: true,
    multi_value_headers: true,
    cookies: false,
    infers_format: false,
};

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(SOURCE, response, Shape::MultiValue, false)
}

/// API Gateway REST API, payload 1.0, through a `/{proxy+}` resource on the `local` stage.
pub(super) fn build(r: &HttpRequest) -> Value {
    let headers = forwarded_headers(r);
    let query = decoded_query(&r.query);
    let (body, is_base64) = body_text(r);
    let path = &r.path;
    let host = header(r, "host").unwrap_or("localhost");
    json!({
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": r.method,
        "headers": or_null(last_values(&headers)),
        "multiValueHeaders": or_null(value_lists(&headers)),
        "queryStringParameters": or_null(last_values(&query)),
        "multiValueQueryStringParameters": or_null(value_lists(&query)),
        // Path parameters, unlike the path, arrive decoded.
        "pathParameters": {
            "proxy": percent_encoding::percent_decode_str(path.trim_start_matches('/'))
                .decode_utf8_lossy(),
        },
        "stageVariables": null,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split('.').next().unwrap_or(host),
            "extendedRequestId": r.request_id,
            "httpMethod": r.method,
            "identity": {
                "accessKey": null,
                "accountId": null,
                "caller": null,
                "cognitoAuthenticationProvider": null,
                "cognitoAuthenticationType": null,
                "cognitoIdentityId": null,
                "cognitoIdentityPoolId": null,
                "principalOrgId": null,
                "sourceIp": r.peer.to_string(),
                "user": null,
                "userAgent": header(r, "user-agent"),
                "userArn": null,
            },
            "path": format!("/local{path}"),
            "protocol": "HTTP/1.1",
            "requestId": r.request_id,
            "requestTime": clf_time(r.received),
            "requestTimeEpoch": epoch_millis(r.received),
            "resourceId": "proxy",
            "resourcePath": "/{proxy+}",
            "stage": "local",
        },
        "body": body,
        "isBase64Encoded": is_base64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_json(event: serde_json::Value) -> Request {
        super::super::decode(event.to_string().as_bytes(), None).expect("decodes")
    }

    #[test]
    fn repeated_query_values_are_kept_in_order() {
        let req = decode_json(serde_json::json!({
            "httpMethod": "GET", "path": "/q", "requestContext": {},
            "queryStringParameters": {"category": "blue", "name": "ann"},
            "multiValueQueryStringParameters": {"category": ["red", "blue"], "name": ["ann"]},
        }));
        assert_eq!(req.source, EventSource::RestV1);
        let q: Vec<_> = req.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(q, ["category=red", "category=blue", "name=ann"]);
    }

    #[test]
    fn headers_only_in_the_single_value_field_are_kept_for_the_handler() {
        // A console test event: `headers` names what `multiValueHeaders` lacks. Powertools'
        // CORS, compression and validation read the multi-value field; its handlers read
        // `headers`.
        let req = decode_json(serde_json::json!({
            "httpMethod": "GET", "path": "/", "requestContext": {},
            "headers": {"Accept": "text/html", "x-api-key": "k1", "X-Multi": "b"},
            "multiValueHeaders": {"accept": ["text/html"], "X-Multi": ["a", "b"]},
        }));
        let h: Vec<_> = req
            .headers
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(h, ["accept=text/html", "X-Multi=a", "X-Multi=b"]);
        assert_eq!(
            req.handler_only_headers,
            [("x-api-key".into(), "k1".into())]
        );
        // Only `headers`, or an empty `multiValueHeaders`: every single value.
        let only = decode_json(serde_json::json!({
            "httpMethod": "GET", "path": "/", "requestContext": {},
            "headers": {"Cookie": "a=1"}, "multiValueHeaders": {},
        }));
        assert_eq!(only.cookies, [("a".into(), "1".into())]);
        assert!(only.handler_only_headers.is_empty());
    }

    #[test]
    fn base64_bodies_are_decoded_and_bad_base64_is_kept_as_sent() {
        let req = decode_json(serde_json::json!({
            "httpMethod": "POST", "path": "/", "requestContext": {},
            "body": "eyJ0aXRsZSI6ICJlbmNvZGVkIn0=", "isBase64Encoded": true,
        }));
        assert_eq!(req.body, br#"{"title": "encoded"}"#);
        // apiGatewayProxyEventAnotherPath.json flags this text as base64.
        let bad = decode_json(serde_json::json!({
            "httpMethod": "POST", "path": "/", "requestContext": {},
            "body": "Hello from Lambda!", "isBase64Encoded": true,
        }));
        assert_eq!(bad.body, b"Hello from Lambda!");
    }

    #[test]
    fn cookies_come_from_cookie_headers() {
        let req = decode_json(serde_json::json!({
            "httpMethod": "GET", "path": "/", "requestContext": {},
            "multiValueHeaders": {"Cookie": ["a=1; b=2", "c=3"]},
        }));
        assert_eq!(
            req.cookies,
            [
                ("a".into(), "1".into()),
                ("b".into(), "2".into()),
                ("c".into(), "3".into())
            ]
        );
    }

    #[test]
    fn response_uses_multi_value_headers_with_cookies_last() {
        let mut headers = crate::response::Headers::default();
        headers.append("X-Multi", "a".into());
        headers.append("X-Multi", "b".into());
        headers.set("Content-Type", "text/plain".into());
        let out = encode(Encoded {
            status: 200,
            headers,
            cookies: vec!["a=1; Secure".into()],
            body: Some("hi".into()),
            is_base64: false,
        });
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"statusCode":200,"body":"hi","isBase64Encoded":false,"multiValueHeaders":{"X-Multi":["a","b"],"Content-Type":["text/plain"],"Set-Cookie":["a=1; Secure"]}}"#
        );
    }
}
