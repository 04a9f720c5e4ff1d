//! Lambda events in, Lambda responses out: one file per event source, each owning how its
//! events decode, how its responses are shaped, how an HTTP request becomes its event
//! (`build`, for the dev server and tests) and which response fields its front door reads
//! (`FRONT_DOOR`), beside `detect` which tells the sources apart.

mod alb;
mod body;
mod detect;
pub(crate) mod from_http;
mod function_url;
mod http_v2;
mod lattice_v1;
mod lattice_v2;
mod read_back;
mod rest_v1;
mod shape;

use serde_json::Value;

use crate::json::{self, Json, Object};

pub(crate) use alb::{unquote, url_decode_query};
pub(crate) use body::Encoded;
use detect::detect;
pub(crate) use read_back::{ClientResponse, MalformedResponse};
pub(crate) use shape::LambdaResponse;

use crate::request::{EventSource, Fields, RawEvent, Request, TooManyFields};

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
    /// A field holds more name/value pairs than any front door sends ([`Fields::MAX`]).
    #[error(
        "{event_source} event: `{field}` holds more than {} pairs",
        Fields::MAX
    )]
    TooManyFields {
        /// The source being decoded.
        event_source: EventSource,
        /// The field.
        field: &'static str,
    },
}

impl DecodeError {
    /// The error for `field` of `source` holding too many pairs.
    fn too_many(
        event_source: EventSource,
        field: &'static str,
    ) -> impl FnOnce(TooManyFields) -> Self {
        move |_| DecodeError::TooManyFields {
            event_source,
            field,
        }
    }
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

/// Reads a Lambda response as the client of `source`'s front door gets it.
pub(crate) fn read_back(
    response: &Value,
    source: EventSource,
) -> Result<ClientResponse, MalformedResponse> {
    let door = match source {
        EventSource::RestV1 => rest_v1::FRONT_DOOR,
        EventSource::AlbMultiValue | EventSource::Alb => alb::front_door(source),
        EventSource::HttpV2 => http_v2::FRONT_DOOR,
        EventSource::FunctionUrl => function_url::FRONT_DOOR,
        EventSource::LatticeV1 => lattice_v1::FRONT_DOOR,
        EventSource::LatticeV2 => lattice_v2::FRONT_DOOR,
    };
    read_back::read(response, door)
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
                // One past the limit is enough to refuse the field.
                value_texts(value, &mut |text| {
                    if out.len() <= Fields::MAX {
                        out.push((name.to_string(), text));
                    }
                });
                if out.len() > Fields::MAX {
                    break;
                }
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
    Fields::from_vec(out).map_err(DecodeError::too_many(source, key))
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
fn split_commas(fields: Fields) -> Result<Fields, TooManyFields> {
    let mut split = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        for part in value.split(',') {
            if split.len() == Fields::MAX {
                return Err(TooManyFields);
            }
            split.push((name.clone(), part.to_string()));
        }
    }
    Fields::from_vec(split)
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

    /// Every shared fixture event (`../shared/conformance/events`, events AWS sent and
    /// Powertools tests with), decoded, built again from the request it decoded to by its
    /// source's `build`, and decoded again, reads as the same request: the source, method,
    /// path, query, cookies and body, and each header's values as that source carries them.
    #[test]
    fn each_sources_fixture_events_decode_build_and_decode_again_alike() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/conformance/events");
        let mut read = 0;
        let mut sources = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("the shared fixture events") {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let first = decode(&std::fs::read(&path).unwrap(), None).expect(&name);
            let rebuilt = from_http::build(first.source, &as_http_request(&first));
            let again = decode(rebuilt.to_string().as_bytes(), None).expect(&name);
            assert_eq!(again.source, first.source, "{name}");
            assert_eq!(again.method, first.method, "{name}");
            assert_eq!(again.path, first.path, "{name}");
            assert_eq!(again.query, first.query, "{name}");
            assert_eq!(again.cookies, first.cookies, "{name}");
            assert_eq!(again.body, first.body, "{name}");
            for header in first.headers.iter().map(|(n, _)| n.to_ascii_lowercase()) {
                let values = |r: &Request| {
                    r.header_values(&header)
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                };
                let sent = values(&first);
                let want = match first.source {
                    EventSource::Alb => sent.last().cloned().into_iter().collect(),
                    EventSource::HttpV2 | EventSource::FunctionUrl | EventSource::LatticeV1 => {
                        vec![sent.join(",")]
                    }
                    _ => sent,
                };
                assert_eq!(values(&again), want, "{name}: {header}");
            }
            read += 1;
            sources.insert(first.source.name());
        }
        assert!(read >= 30, "{read} fixture events");
        assert_eq!(sources.len(), EventSource::ALL.len(), "{sources:?}");
    }

    /// The HTTP request a decoded `request` stands for: its query sent as the source sends
    /// it (URL-encoded, except ALB's values, which arrive still encoded), its cookies as a
    /// `Cookie` header when no header carries them.
    fn as_http_request(request: &Request) -> from_http::HttpRequest {
        let query: Vec<String> = request
            .query
            .iter()
            .map(|(name, value)| match request.source.is_alb() {
                true => format!("{name}={value}"),
                false => form_urlencoded::Serializer::new(String::new())
                    .append_pair(name, value)
                    .finish(),
            })
            .collect();
        let mut headers: Vec<(String, String)> = request.headers.iter().cloned().collect();
        let has_cookie_header = headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("cookie"));
        if !has_cookie_header && !request.cookies.is_empty() {
            let cookies: Vec<String> = request
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            headers.push(("cookie".to_string(), cookies.join("; ")));
        }
        let target = match query.is_empty() {
            true => request.path.clone(),
            false => format!("{}?{}", request.path, query.join("&")),
        };
        from_http::HttpRequest::local(&request.method, &target, &headers, &request.body)
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
            let client = read_back(&json, source).expect("a deliverable response");
            let name = source.name();
            assert_eq!(client.status, 201, "{name}");
            assert_eq!(client.body, bytes, "{name}");
            let multi: Vec<_> = client.values("x-multi").collect();
            let cookies: Vec<_> = client.values("set-cookie").collect();
            // What each shape can carry: every value, joined values, or the last one.
            let (want_multi, want_cookies): (&[&str], &[&str]) = match source {
                EventSource::RestV1 | EventSource::AlbMultiValue => (&["a", "b"], &["a=1", "b=2"]),
                EventSource::Alb => (&["b"], &["b=2"]),
                EventSource::HttpV2 | EventSource::FunctionUrl => (&["a, b"], &["a=1", "b=2"]),
                // Powertools writes Lattice's cookies where Lattice does not read them.
                EventSource::LatticeV1 | EventSource::LatticeV2 => (&["a, b"], &[]),
            };
            assert_eq!(multi, want_multi, "{name}");
            assert_eq!(cookies, want_cookies, "{name}");
        }
    }

    #[test]
    fn a_field_with_more_pairs_than_any_front_door_sends_is_refused_by_name() {
        use serde_json::json;
        let max = Fields::MAX;
        let names = |n: usize| -> serde_json::Map<String, Value> {
            (0..n).map(|i| (format!("h{i}"), json!("v"))).collect()
        };
        let pairs = |n: usize, sep: &str| vec!["a=1"; n].join(sep);
        let rest = |headers: Value| json!({"httpMethod": "GET", "path": "/", "requestContext": {}, "headers": headers});
        let http = |query: String, cookies: String| {
            json!({"version": "2.0", "rawPath": "/", "rawQueryString": query,
                "headers": {"cookie": cookies}, "requestContext": {"http": {"method": "GET"}}})
        };
        let lattice_v1 = |query: String| {
            json!({"raw_path": "/", "method": "GET", "headers": {},
                "query_string_parameters": {"a": query}})
        };
        // The event, and the field refused (`None`: it decodes).
        let table = [
            (rest(Value::Object(names(max))), None),
            (
                rest(Value::Object(names(max + 1))),
                Some("rest-v1 event: `headers`"),
            ),
            // One header holding a list of values.
            (
                rest(json!({"x": vec!["v"; max + 1]})),
                Some("rest-v1 event: `headers`"),
            ),
            (
                rest(json!({"cookie": pairs(max + 1, "; ")})),
                Some("rest-v1 event: `cookies`"),
            ),
            (http(pairs(max, "&"), String::new()), None),
            (
                http(pairs(max + 1, "&"), String::new()),
                Some("http-v2 event: `rawQueryString`"),
            ),
            (
                http(String::new(), pairs(max + 1, ";")),
                Some("http-v2 event: `cookies`"),
            ),
            (
                lattice_v1(vec!["1"; max + 1].join(",")),
                Some("lattice-v1 event: `query_string_parameters`"),
            ),
        ];
        for (event, refused) in table {
            let result = decode(event.to_string().as_bytes(), None);
            match refused {
                None => assert!(result.is_ok(), "{:?}", result.err()),
                Some(field) => {
                    let err = result.err().map(|e| e.to_string()).unwrap_or_default();
                    assert_eq!(err, format!("{field} holds more than {max} pairs"));
                }
            }
        }
    }

    #[test]
    fn thousands_of_query_names_decode_as_a_few_do() {
        use serde_json::json;
        // Repeated names in both query fields of each shape, past the size where names are
        // hashed rather than scanned: what they decode to must not change.
        for n in [3, 500] {
            let multi: serde_json::Map<String, Value> = (0..n)
                .map(|i| (format!("q{i}"), json!(["a", "b"])))
                .collect();
            let single: serde_json::Map<String, Value> =
                (0..n + 2).map(|i| (format!("q{i}"), json!("b"))).collect();
            let event = json!({"httpMethod": "GET", "path": "/", "requestContext": {},
                "multiValueQueryStringParameters": multi, "queryStringParameters": single});
            let request = decode(event.to_string().as_bytes(), None).expect("decodes");
            assert_eq!(request.query.len(), 2 * n + 2, "{n}");
            assert_eq!(
                request.query[2 * n],
                (format!("q{n}"), "b".to_string()),
                "{n}"
            );
            let raw: Vec<String> = (0..n).map(|i| format!("q{i}=a&q{i}=b")).collect();
            let joined: serde_json::Map<String, Value> =
                (0..n).map(|i| (format!("q{i}"), json!("a,b"))).collect();
            let event = json!({"version": "2.0", "rawPath": "/", "rawQueryString": raw.join("&"),
                "queryStringParameters": joined, "requestContext": {"http": {"method": "GET"}}});
            let request = decode(event.to_string().as_bytes(), None).expect("decodes");
            assert_eq!(request.query.len(), 2 * n, "{n}");
            assert_eq!(
                request.query[2 * n - 1],
                (format!("q{}", n - 1), "b".to_string()),
                "{n}"
            );
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
