//! Lambda events in, Lambda responses out: one file per event source, each owning its
//! decoding and its response shape, beside `detect` which tells them apart.

mod alb;
mod body;
mod detect;
pub(crate) mod from_http;
mod function_url;
mod http_v2;
mod lattice_v1;
mod lattice_v2;
pub(crate) mod read_back;
mod rest_v1;
mod shape;

use serde_json::Value;

use crate::json::{self, Json, Object};

pub(crate) use alb::{unquote, url_decode_query};
pub(crate) use body::Encoded;
use detect::detect;
pub(crate) use shape::LambdaResponse;

use crate::request::{EventSource, Fields, RawEvent, Request};

/// Why an event could not be decoded. Each answers 400 in the dev server and an error line
/// in `invoke`; in Lambda, a 500 response.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The bytes are not JSON.
    #[error("the event is not JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    /// The JSON is not an object.
    #[error("the event is not a JSON object")]
    NotAnObject,
    /// No source's marker fields were found.
    #[error(
        "cannot tell the event source: expected `requestContext.elb` (ALB), `rawPath` or `requestContext.http` \
         (HTTP API v2, Function URL), `httpMethod` and `path` (REST v1, ALB), `raw_path` and `method` \
         (VPC Lattice v1), or `method` and `path` (VPC Lattice v2); name the source to skip detection: \
         `--source rest-v1` on the command line, or `\"source\"` in the bundle's `switchyard.json`"
    )]
    UnknownSource,
    /// A field the source requires is missing or of the wrong type.
    #[error("{event_source} event: `{field}` must be {expected}")]
    BadField {
        /// The source being decoded.
        event_source: EventSource,
        /// The field, as a JSON path.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

/// Decodes a Lambda event, detecting its source unless `source` names it.
pub(crate) fn decode(raw: &[u8], source: Option<EventSource>) -> Result<Request, DecodeError> {
    // Checked once here, so the parser need not check each string again.
    let Ok(text) = std::str::from_utf8(raw) else {
        // Text that is not UTF-8 is never JSON; serde_json says where it breaks.
        return Err(match serde_json::from_slice::<Value>(raw) {
            Err(err) => DecodeError::NotJson(err),
            Ok(_) => DecodeError::NotAnObject,
        });
    };
    let event = json::parse(text)?.ok_or(DecodeError::NotAnObject)?;
    let obj = &event;
    let source = match source {
        Some(s) => s,
        None => detect(obj)?,
    };
    let raw_event = RawEvent::indexed(text, obj);
    match source {
        EventSource::RestV1 => rest_v1::decode(obj, raw_event),
        EventSource::HttpV2 => http_v2::decode(obj, raw_event, EventSource::HttpV2),
        EventSource::FunctionUrl => function_url::decode(obj, raw_event),
        EventSource::Alb | EventSource::AlbMultiValue => alb::decode(obj, raw_event, source),
        EventSource::LatticeV1 => lattice_v1::decode(obj, raw_event),
        EventSource::LatticeV2 => lattice_v2::decode(obj, raw_event),
    }
}

/// Encodes a finished response in the shape the source expects.
pub(crate) fn encode(response: Encoded, source: EventSource) -> LambdaResponse {
    match source {
        EventSource::RestV1 => rest_v1::encode(response),
        EventSource::AlbMultiValue | EventSource::Alb => alb::encode(response, source),
        EventSource::HttpV2 => http_v2::encode(response),
        EventSource::FunctionUrl => function_url::encode(response),
        EventSource::LatticeV1 => lattice_v1::encode(response),
        EventSource::LatticeV2 => lattice_v2::encode(response),
    }
}

// Field readers shared by the sources. Each returns a `BadField` error naming the field.

fn required_str<'a>(
    obj: &'a Object<'_>,
    key: &'static str,
    source: EventSource,
) -> Result<&'a str, DecodeError> {
    obj.get(key)
        .and_then(Json::as_str)
        .ok_or(DecodeError::BadField {
            event_source: source,
            field: key,
            expected: "a string",
        })
}

/// The pairs of the object `key` (`{name: "value"}` or `{name: ["v1", "v2"]}`), each value
/// read by [`value_texts`]; `null` or absent is empty. Powertools answers events whose values
/// are of other types (a list where a string belongs, a number), and so does the host: only
/// a field that is not an object at all is refused.
fn fields_of(
    obj: &Object<'_>,
    key: &'static str,
    source: EventSource,
) -> Result<Fields, DecodeError> {
    let mut out = Vec::new();
    match obj.get(key) {
        None | Some(Json::Null) => {}
        Some(Json::Object(map)) => {
            for (name, value) in map.iter() {
                value_texts(value, &mut |text| out.push((name.to_string(), text)));
            }
        }
        Some(_) => {
            return Err(DecodeError::BadField {
                event_source: source,
                field: key,
                expected: "an object",
            });
        }
    }
    Ok(out)
}

/// The values a header or query value holds: a string as it is, each item of a list, a
/// number or boolean as its JSON text; `null`, and objects, none.
fn value_texts(value: &Json<'_>, push: &mut impl FnMut(String)) {
    match value {
        Json::String(s) => push(s.to_string()),
        Json::Array(items) => {
            for item in items.iter().filter(|i| !matches!(i, Json::Array(_))) {
                value_texts(item, push);
            }
        }
        Json::Null | Json::Object(_) => {}
        scalar => push(scalar.to_text()),
    }
}

/// True when `key` holds a non-empty object.
fn has_entries(obj: &Object<'_>, key: &str) -> bool {
    obj.get(key)
        .and_then(Json::as_object)
        .is_some_and(|m| !m.is_empty())
}

/// Splits each value on `,` (API Gateway and Lattice v1 join repeated query values so).
fn split_commas(fields: Fields) -> Fields {
    fields
        .into_iter()
        .flat_map(|(k, v)| {
            v.split(',')
                .map(|part| (k.clone(), part.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The part of a path before `?` (VPC Lattice paths may carry the query).
fn without_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_other_types_are_read_not_refused_as_powertools_answers_them() {
        let event = serde_json::json!({
            "httpMethod": "GET", "path": "/", "requestContext": {},
            "headers": {"Origin": ["https://a.example", "https://b.example"], "X-Count": 5,
                "X-Ratio": 0.5, "X-On": true, "X-None": null, "X-Object": {"a": 1}, "X-Mixed": ["a", 1, null, ["x"]]},
            "queryStringParameters": {"limit": 3},
            "body": {"t": 1},
        });
        let req = decode(event.to_string().as_bytes(), None).expect("decodes");
        let headers: Vec<_> = req
            .headers
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        assert_eq!(
            headers,
            [
                "Origin=https://a.example",
                "Origin=https://b.example",
                "X-Count=5",
                "X-Ratio=0.5",
                "X-On=true",
                "X-Mixed=a",
                "X-Mixed=1",
            ]
        );
        assert_eq!(req.query, [("limit".to_string(), "3".to_string())]);
        assert_eq!(req.body, br#"{"t":1}"#);
        // A field that is not an object at all is still refused, by name.
        let bad = serde_json::json!({"httpMethod": "GET", "path": "/", "requestContext": {}, "headers": "x"});
        let err = decode(bad.to_string().as_bytes(), None)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "rest-v1 event: `headers` must be an object");
    }

    #[test]
    fn every_source_encodes_a_response_its_client_reads_back() {
        use base64::Engine as _;
        let bytes = vec![0u8, 159, 146, 150];
        let mut headers = crate::response::Headers::default();
        headers.append("X-Multi", "a".into());
        headers.append("X-Multi", "b".into());
        let response = Encoded {
            status: 201,
            headers,
            cookies: vec!["a=1".into(), "b=2".into()],
            body: Some(base64::engine::general_purpose::STANDARD.encode(&bytes)),
            is_base64: true,
        };
        for source in EventSource::ALL {
            let json = encode(response.clone(), source).to_value();
            let client = read_back::read_back(&json).expect("a deliverable response");
            let name = source.name();
            assert_eq!(client.status, 201, "{name}");
            assert_eq!(client.body, bytes, "{name}");
            let multi: Vec<_> = client.values("x-multi").collect();
            let cookies: Vec<_> = client.values("set-cookie").collect();
            // What each shape can carry: every value, joined values, or the last one.
            let (want_multi, want_cookies): (&[&str], &[&str]) = match source {
                EventSource::RestV1 | EventSource::AlbMultiValue => (&["a", "b"], &["a=1", "b=2"]),
                EventSource::Alb => (&["b"], &["b=2"]),
                EventSource::HttpV2
                | EventSource::FunctionUrl
                | EventSource::LatticeV1
                | EventSource::LatticeV2 => (&["a, b"], &["a=1", "b=2"]),
            };
            assert_eq!(multi, want_multi, "{name}");
            assert_eq!(cookies, want_cookies, "{name}");
        }
    }

    #[test]
    fn bytes_that_are_not_a_json_object_are_refused_with_the_reason() {
        let table: [(&[u8], &str); 5] = [
            (b"{\"path\": \"/\xff\"}", "the event is not JSON"),
            (b"\xfe{}", "the event is not JSON"),
            (b"{\"path\": ", "the event is not JSON"),
            (b"[1, 2]", "the event is not a JSON object"),
            (b"{\"hello\": 1}", "cannot tell the event source"),
        ];
        for (raw, reason) in table {
            let err = decode(raw, None).unwrap_err().to_string();
            assert!(err.starts_with(reason), "{raw:?}: {err}");
        }
    }
}
