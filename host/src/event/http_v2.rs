//! API Gateway HTTP API (payload format 2.0), also the base of Function URL events.
//!
//! The path is `rawPath` less `/{stage}` when the stage is not `$default` (Powertools slices
//! unconditionally, so `rawPath="/devfoo"` with stage `dev` routes `foo`).
//!
//! The query is what Powertools reads, `queryStringParameters` (API Gateway decodes it: `+`
//! and `%20` are spaces, `%2B` a plus; repeated keys are joined with `,`), split back into
//! its repeated values where `rawQueryString`, decoded the same way, shows them: `k=1&k=2`
//! is two values, `k=a%2Cb` one. docs/powertools-differences.md has the evidence.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::body::{Encoded, decode_body};
use super::from_http::{
    ACCOUNT_ID, API_ID, HttpRequest, REGION, body_text, clf_time, decoded_query, epoch_millis,
    forwarded_headers, header, joined_values,
};
use super::read_back::FrontDoor;
use super::shape::{LambdaResponse, Shape};
use super::{DecodeError, EventSource, fields_of};
use crate::json::{Json, Object};
use crate::request::{
    Fields, RawEvent, Request, TooManyFields, cookies_in_headers, parse_cookie_headers,
};

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
    let query = query(
        fields_of(obj, "queryStringParameters", source)?,
        obj.get("rawQueryString").and_then(Json::as_str),
    )
    .map_err(DecodeError::too_many(source, "rawQueryString"))?;
    let headers = fields_of(obj, "headers", source)?;
    let cookies = match obj.get("cookies").and_then(Json::as_array) {
        Some(list) => parse_cookie_headers(list.iter().filter_map(Json::as_str)),
        None => cookies_in_headers(&headers),
    }
    .map_err(DecodeError::too_many(source, "cookies"))?;
    Ok(Request {
        handler_only_headers: Fields::new(),
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

/// Each `queryStringParameters` value, as the values `raw` gives its name when they join to
/// it (a repeated key), else as it is: where the two fields disagree (events AWS did not
/// send), the handler reads what Powertools reads.
fn query(parameters: Fields, raw: Option<&str>) -> Result<Fields, TooManyFields> {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else {
        return Ok(parameters);
    };
    let raw = Fields::bounded(form_urlencoded::parse(raw.as_bytes()).into_owned())?;
    // Each name's values: found by a scan for the few a request has, from a map past that,
    // so that a query of thousands of names costs linear time, not quadratic.
    let by_name = (raw.len() > Fields::SCANNED).then(|| {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, value) in raw.iter() {
            by_name.entry(name).or_default().push(value);
        }
        by_name
    });
    let mut query = Fields::new();
    for (name, joined) in parameters {
        let values: Vec<&str> = match &by_name {
            Some(by_name) => by_name.get(name.as_str()).cloned().unwrap_or_default(),
            None => raw
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
        };
        match values.len() > 1 && joins_to(&values, &joined) {
            true => query.extend(values.into_iter().map(|v| (name.clone(), v.to_string()))),
            false => query.push(name, joined),
        }
    }
    Ok(query)
}

/// Whether `values` joined with `,` are `joined`, without building the joined text.
fn joins_to(values: &[&str], joined: &str) -> bool {
    let mut rest = joined;
    for (i, value) in values.iter().enumerate() {
        let Some(after) = rest.strip_prefix(value) else {
            return false;
        };
        rest = match i + 1 == values.len() {
            true => after,
            false => match after.strip_prefix(',') {
                Some(after) => after,
                None => return false,
            },
        };
    }
    rest.is_empty()
}

/// Payload format 2.0: `headers` and `cookies`, no `multiValueHeaders`, and a response
/// without `statusCode` is inferred to be a JSON body.
pub(super) const FRONT_DOOR: FrontDoor = FrontDoor {
    headers: true,
    multi_value_headers: false,
    cookies: true,
    infers_format: true,
};

pub(super) fn encode(response: Encoded) -> LambdaResponse {
    LambdaResponse::new(EventSource::HttpV2, response, Shape::HttpApi, false)
}

/// API Gateway HTTP API (payload 2.0) on its `$default` stage.
pub(super) fn build(r: &HttpRequest) -> Value {
    build_payload_v2(r, false)
}

/// A payload 2.0 event: an HTTP API's, or a Function URL's (`function_url`).
pub(super) fn build_payload_v2(r: &HttpRequest, function_url: bool) -> Value {
    let headers: Vec<(String, String)> = forwarded_headers(r)
        .into_iter()
        .filter(|(name, _)| name != "cookie")
        .collect();
    let cookies: Vec<&str> = r
        .headers
        .iter()
        .filter(|(name, _)| name == "cookie")
        .flat_map(|(_, value)| value.split(';'))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let decoded = percent_encoding::percent_decode_str(&r.path).decode_utf8_lossy();
    let path = match function_url {
        true => r.path.as_str(),
        false => &decoded,
    };
    let (domain, account) = match function_url {
        true => (format!("{API_ID}.lambda-url.{REGION}.on.aws"), "anonymous"),
        false => (
            header(r, "host").unwrap_or("localhost").to_string(),
            ACCOUNT_ID,
        ),
    };
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": r.query,
        "headers": joined_values(&headers),
        "requestContext": {
            "accountId": account,
            "apiId": API_ID,
            "domainName": domain,
            "domainPrefix": domain.split('.').next().unwrap_or_default(),
            "http": {
                "method": r.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": r.peer.to_string(),
                "userAgent": header(r, "user-agent").unwrap_or_default(),
            },
            "requestId": r.request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": clf_time(r.received),
            "timeEpoch": epoch_millis(r.received),
        },
        "isBase64Encoded": false,
    });
    // HTTP APIs leave out what the request did not have.
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    let query = decoded_query(&r.query);
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(joined_values(&query));
    }
    if !r.body.is_empty() {
        let (body, is_base64) = body_text(r);
        event["body"] = body;
        event["isBase64Encoded"] = json!(is_base64);
    }
    event
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

    fn query_of(parameters: serde_json::Value, raw: &str) -> Vec<String> {
        let req = decode_json(serde_json::json!({
            "rawPath": "/q", "rawQueryString": raw, "queryStringParameters": parameters,
            "requestContext": {"http": {"method": "GET"}, "stage": "$default"},
        }));
        req.query.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    #[test]
    fn the_query_is_query_string_parameters_with_repeated_keys_split_as_the_raw_one_shows() {
        // As API Gateway sends them: both fields from the same query.
        let sent = serde_json::json!({"name": "ann", "category": "red,blue", "text": "a b"});
        assert_eq!(
            query_of(sent, "name=ann&category=red&category=blue&text=a+b"),
            ["name=ann", "category=red", "category=blue", "text=a b"]
        );
        // `?phone=+15551234`, `?lang=c%2B%2B`, `?q=a+b`: decoded by API Gateway.
        let decoded = serde_json::json!({"phone": " 15551234", "lang": "c++", "q": "a b"});
        assert_eq!(
            query_of(decoded, "phone=+15551234&lang=c%2B%2B&q=a+b"),
            ["phone= 15551234", "lang=c++", "q=a b"]
        );
        // An encoded comma is one value, which validation splits as Powertools does.
        let comma = serde_json::json!({"tags": "a,b"});
        assert_eq!(query_of(comma, "tags=a%2Cb"), ["tags=a,b"]);
    }

    #[test]
    fn where_the_two_fields_disagree_the_handler_reads_what_powertools_reads() {
        // A hand-written event keeping a literal `+`: Powertools reads `+15551234`.
        let literal = serde_json::json!({"phone": "+15551234", "k": "1,2"});
        assert_eq!(
            query_of(literal, "phone=+15551234&k=1&k=3"),
            ["phone=+15551234", "k=1,2"]
        );
        // A name only the raw query has is not one Powertools sees.
        assert_eq!(
            query_of(serde_json::json!({"a": "1"}), "a=1&text=x"),
            ["a=1"]
        );
        assert_eq!(
            query_of(serde_json::Value::Null, "text=x"),
            Vec::<String>::new()
        );
        // Without `rawQueryString`, the values as the event has them.
        let req = decode_json(serde_json::json!({
            "rawPath": "/q", "queryStringParameters": {"k": "1,2"},
            "requestContext": {"http": {"method": "GET"}},
        }));
        assert_eq!(req.query, [("k".into(), "1,2".into())]);
    }

    #[test]
    fn joins_to_compares_values_with_their_joined_text() {
        assert!(joins_to(&["1", "2"], "1,2"));
        assert!(joins_to(&["", ""], ","));
        assert!(!joins_to(&["1", "2"], "1,2,"));
        assert!(!joins_to(&["1", "2"], "12"));
        assert!(!joins_to(&["1,2", "3"], "1,3"));
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
