//! An HTTP request turned into the Lambda event a deployed function would get from each
//! source: each source's file builds its own (`build`, beside its `decode`); this module
//! holds the request they build from and what every source does alike. The dev server
//! builds each request's event here, `switchyard::testing` each `TestRequest`'s, and
//! `switchyard new` its sample events.
//!
//! What each source does to a request, as AWS documents it, is what these functions do:
//!
//! | source | headers | query | body |
//! | --- | --- | --- | --- |
//! | REST v1 | `headers` (last value) + `multiValueHeaders` | decoded, same two shapes | text, or base64 when binary |
//! | HTTP API v2, Function URL | repeats joined with `,`; `Cookie` moved to `cookies` | `rawQueryString` as sent + decoded values joined with `,` | left out when empty |
//! | ALB | last value, or `multiValueHeaders` in multi-value mode | still URL-encoded (ALB does not decode) | `""` when empty |
//! | VPC Lattice v1 | repeats joined with `,` | in `raw_path`, and decoded values joined with `,` | base64 when binary |
//! | VPC Lattice v2 | lists | lists of decoded values | base64 when binary |
//!
//! Paths stay percent-encoded as sent, except in HTTP API events, whose `rawPath` arrives
//! decoded (as captured from live APIs: REST, Function URLs, ALB and Lattice keep the
//! encoding). Header names arrive lower-cased (hyper normalises them, as HTTP/2 and HTTP
//! APIs do).

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::EventSource;

/// The account id local events carry (the Powertools docs' sample account).
pub(super) const ACCOUNT_ID: &str = "123456789012";
/// The region local events claim.
pub(super) const REGION: &str = "us-east-1";
/// The API id local events carry.
pub(super) const API_ID: &str = "switchyard-local";

/// One HTTP request as the dev server received it.
#[derive(Debug, Clone)]
pub(crate) struct HttpRequest {
    /// The method, upper case as sent.
    pub(crate) method: String,
    /// The path as sent, still percent-encoded.
    pub(crate) path: String,
    /// The query string as sent, without `?`; empty when there is none.
    pub(crate) query: String,
    /// Every header line in order, names lower case, repeats kept.
    pub(crate) headers: Vec<(String, String)>,
    /// The body bytes.
    pub(crate) body: Vec<u8>,
    /// The client's address.
    pub(crate) peer: IpAddr,
    /// The port the server listens on (for `x-forwarded-port`).
    pub(crate) port: u16,
    /// The request id the dev server gave the request.
    pub(crate) request_id: String,
    /// When the request arrived.
    pub(crate) received: SystemTime,
}

impl HttpRequest {
    /// A request from 127.0.0.1 to port 3000 at a fixed time, with a fixed request id: what
    /// tests and sample events are built from. `target` is the path and query as sent
    /// (`/todos?limit=2`); header names are taken in any case.
    pub(crate) fn local(
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self {
            method: method.to_string(),
            path: path.to_string(),
            query: query.to_string(),
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect(),
            body: body.to_vec(),
            peer: std::net::Ipv4Addr::LOCALHOST.into(),
            port: 3000,
            request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".to_string(),
            // 2026-01-01T00:00:00Z
            received: UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_600),
        }
    }
}

/// The Lambda event `source` would deliver for `request`.
pub(crate) fn build(source: EventSource, request: &HttpRequest) -> Value {
    match source {
        EventSource::RestV1 => super::rest_v1::build(request),
        EventSource::HttpV2 => super::http_v2::build(request),
        EventSource::FunctionUrl => super::function_url::build(request),
        EventSource::Alb => super::alb::build(request, false),
        EventSource::AlbMultiValue => super::alb::build(request, true),
        EventSource::LatticeV1 => super::lattice_v1::build(request),
        EventSource::LatticeV2 => super::lattice_v2::build(request),
    }
}

/// The request's headers plus the `x-forwarded-*` ones every AWS front door adds.
pub(super) fn forwarded_headers(r: &HttpRequest) -> Vec<(String, String)> {
    let mut headers = r.headers.clone();
    let mut add = |name: &str, value: String| {
        if !headers.iter().any(|(n, _)| n == name) {
            headers.push((name.to_string(), value));
        }
    };
    add("x-forwarded-for", r.peer.to_string());
    add("x-forwarded-port", r.port.to_string());
    add("x-forwarded-proto", "http".to_string());
    headers
}

pub(super) fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Query pairs, `+` and `%XX` decoded (API Gateway and Lattice decode them).
pub(super) fn decoded_query(raw: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect()
}

/// `{name: last value}`: what single-value fields keep of repeats.
pub(super) fn last_values(fields: &[(String, String)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in fields {
        out.insert(name.clone(), json!(value));
    }
    out
}

/// `{name: [values...]}`, in order.
pub(super) fn value_lists(fields: &[(String, String)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in fields {
        if let Value::Array(list) = out.entry(name.clone()).or_insert_with(|| json!([])) {
            list.push(json!(value));
        }
    }
    out
}

/// `{name: "v1,v2"}`: HTTP APIs and Lattice v1 join repeats with a comma.
pub(super) fn joined_values(fields: &[(String, String)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in fields {
        match out.get_mut(name) {
            Some(Value::String(joined)) => {
                joined.push(',');
                joined.push_str(value);
            }
            _ => {
                out.insert(name.clone(), json!(value));
            }
        }
    }
    out
}

pub(super) fn or_null(map: Map<String, Value>) -> Value {
    match map.is_empty() {
        true => Value::Null,
        false => Value::Object(map),
    }
}

/// The body as the event carries it: `null` when empty, text when it is UTF-8 of a textual
/// type, else base64 (what API Gateway does with binary media types configured).
pub(super) fn body_text(r: &HttpRequest) -> (Value, bool) {
    if r.body.is_empty() {
        return (Value::Null, false);
    }
    let content_type = header(r, "content-type").unwrap_or_default();
    let binary_type = ["image/", "audio/", "video/", "application/octet-stream"]
        .iter()
        .any(|t| content_type.starts_with(t))
        || ["application/zip", "application/pdf", "application/gzip"]
            .contains(&content_type.split(';').next().unwrap_or_default().trim());
    match std::str::from_utf8(&r.body) {
        Ok(text) if !binary_type => (json!(text), false),
        _ => (
            json!(base64::engine::general_purpose::STANDARD.encode(&r.body)),
            true,
        ),
    }
}

pub(super) fn epoch_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64
}

/// Common Log Format time, as `requestContext.requestTime` has it: `04/Mar/2020:19:15:17 +0000`.
pub(super) fn clf_time(t: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{day:02}/{}/{year}:{:02}:{:02}:{:02} +0000",
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31): Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::event::decode;

    fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpRequest {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        HttpRequest {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.to_vec(),
            peer: "127.0.0.1".parse().unwrap(),
            port: 3000,
            request_id: "req-1".into(),
            // 2020-03-04T19:15:17Z, the REST sample event's requestTimeEpoch.
            received: UNIX_EPOCH + Duration::from_millis(1_583_349_317_135),
        }
    }

    /// Every source's event decodes, detected as that source, into the same request.
    #[test]
    fn every_source_round_trips_through_its_own_decoder() {
        let r = request(
            "POST",
            "/todos/a%20b?tag=x&tag=y+z&one=1",
            &[
                ("host", "127.0.0.1:3000"),
                ("x-multi", "a"),
                ("x-multi", "b"),
                ("cookie", "session=1; theme=dark"),
                ("content-type", "application/json"),
            ],
            br#"{"title":"hi"}"#,
        );
        for source in EventSource::ALL {
            let event = build(source, &r);
            let decoded = decode(event.to_string().as_bytes(), None)
                .unwrap_or_else(|e| panic!("{source}: {e}\n{event:#}"));
            assert_eq!(decoded.source, source, "{event:#}");
            assert_eq!(decoded.method, "POST", "{source}");
            assert_eq!(decoded.body, br#"{"title":"hi"}"#, "{source}");
            assert_eq!(
                decoded.cookies,
                [
                    ("session".to_string(), "1".to_string()),
                    ("theme".to_string(), "dark".to_string())
                ],
                "{source}"
            );
            let tags: Vec<_> = decoded
                .query
                .iter()
                .filter(|(k, _)| k == "tag")
                .map(|(_, v)| v.as_str())
                .collect();
            let want_tags = match source {
                // ALB keeps the query encoded and, single-valued, only the last value.
                EventSource::Alb => vec!["y+z"],
                EventSource::AlbMultiValue => vec!["x", "y+z"],
                _ => vec!["x", "y z"],
            };
            assert_eq!(tags, want_tags, "{source}");
        }
    }

    #[test]
    fn repeated_headers_keep_every_value_where_the_source_can() {
        let r = request("GET", "/", &[("x-multi", "a"), ("x-multi", "b")], b"");
        let rest = build(EventSource::RestV1, &r);
        assert_eq!(rest["multiValueHeaders"]["x-multi"], json!(["a", "b"]));
        assert_eq!(rest["headers"]["x-multi"], "b");
        assert_eq!(build(EventSource::HttpV2, &r)["headers"]["x-multi"], "a,b");
        assert_eq!(
            build(EventSource::LatticeV2, &r)["headers"]["x-multi"],
            json!(["a", "b"])
        );
        assert_eq!(build(EventSource::Alb, &r)["headers"]["x-multi"], "b");
    }

    #[test]
    fn binary_bodies_are_base64_and_empty_bodies_follow_the_source() {
        let png = request(
            "PUT",
            "/p",
            &[("content-type", "image/png")],
            b"\x89PNG\r\n",
        );
        let rest = build(EventSource::RestV1, &png);
        assert_eq!(rest["isBase64Encoded"], true);
        assert_eq!(rest["body"], "iVBORw0K");
        let not_utf8 = request("PUT", "/p", &[], &[0xff, 0xfe]);
        assert_eq!(
            build(EventSource::LatticeV1, &not_utf8)["is_base64_encoded"],
            true
        );

        let empty = request("GET", "/", &[], b"");
        assert_eq!(build(EventSource::RestV1, &empty)["body"], Value::Null);
        assert_eq!(build(EventSource::Alb, &empty)["body"], "");
        assert!(build(EventSource::HttpV2, &empty).get("body").is_none());
    }

    #[test]
    fn http_apis_move_cookies_out_of_the_headers_and_keep_the_raw_query() {
        let r = request("GET", "/q?a=1&a=2", &[("cookie", "a=1; b=2")], b"");
        let event = build(EventSource::HttpV2, &r);
        assert_eq!(event["cookies"], json!(["a=1", "b=2"]));
        assert!(event["headers"].get("cookie").is_none());
        assert_eq!(event["rawQueryString"], "a=1&a=2");
        assert_eq!(event["queryStringParameters"]["a"], "1,2");
        let url = build(EventSource::FunctionUrl, &r);
        assert!(
            url["requestContext"]["domainName"]
                .as_str()
                .unwrap()
                .contains(".lambda-url."),
            "{url}"
        );
    }

    #[test]
    fn request_times_use_the_common_log_format() {
        let r = request("GET", "/", &[], b"");
        let rest = build(EventSource::RestV1, &r);
        assert_eq!(
            rest["requestContext"]["requestTime"],
            "04/Mar/2020:19:15:17 +0000"
        );
        assert_eq!(
            rest["requestContext"]["requestTimeEpoch"],
            1_583_349_317_135u64
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn only_http_api_events_carry_a_decoded_path() {
        let r = request("GET", "/todos/a%20b", &[], b"");
        assert_eq!(build(EventSource::HttpV2, &r)["rawPath"], "/todos/a b");
        assert_eq!(build(EventSource::RestV1, &r)["path"], "/todos/a%20b");
        assert_eq!(
            build(EventSource::FunctionUrl, &r)["rawPath"],
            "/todos/a%20b"
        );
        assert_eq!(build(EventSource::Alb, &r)["path"], "/todos/a%20b");
    }
}
