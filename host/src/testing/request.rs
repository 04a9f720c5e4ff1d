//! [`TestRequest`]: a request built with a few calls, turned into a small but complete event
//! of the source it names, as each source would deliver it (see `event/` for the shapes).

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::event::EventSource;

/// A request for [`super::TestApp::request`].
///
/// ```
/// use switchyard::EventSource;
/// use switchyard::testing::TestRequest;
///
/// let request = TestRequest::get("/todos")
///     .query("limit", "2")
///     .header("X-Api-Key", "k")
///     .source(EventSource::HttpV2);
/// let event = request.to_event();
/// assert_eq!(event["rawQueryString"], "limit=2");
/// ```
#[derive(Debug, Clone)]
pub struct TestRequest {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    source: EventSource,
}

impl TestRequest {
    /// A request with any method, as an API Gateway REST event unless [`Self::source`] says
    /// otherwise.
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            query: Vec::new(),
            body: None,
            source: EventSource::RestV1,
        }
    }
    /// `GET path`.
    pub fn get(path: &str) -> Self {
        Self::new("GET", path)
    }
    /// `POST path`.
    pub fn post(path: &str) -> Self {
        Self::new("POST", path)
    }
    /// `PUT path`.
    pub fn put(path: &str) -> Self {
        Self::new("PUT", path)
    }
    /// `PATCH path`.
    pub fn patch(path: &str) -> Self {
        Self::new("PATCH", path)
    }
    /// `DELETE path`.
    pub fn delete(path: &str) -> Self {
        Self::new("DELETE", path)
    }
    /// Adds a header value (repeat the call for several values).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    /// Adds a query value (repeat the call for several values).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }
    /// A JSON body, with `Content-Type: application/json`.
    pub fn json(self, body: Value) -> Self {
        self.header("Content-Type", "application/json")
            .body(body.to_string().into_bytes())
    }
    /// A body as bytes (base64-encoded in the event when it is not UTF-8).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }
    /// The event source to build the event for.
    pub fn source(mut self, source: EventSource) -> Self {
        self.source = source;
        self
    }

    /// The event.
    pub fn to_event(&self) -> Value {
        match self.source {
            EventSource::RestV1 => self.rest_v1(),
            EventSource::HttpV2 => self.http_v2(false),
            EventSource::FunctionUrl => self.http_v2(true),
            EventSource::Alb => self.alb(false),
            EventSource::AlbMultiValue => self.alb(true),
            EventSource::LatticeV1 => self.lattice_v1(),
            EventSource::LatticeV2 => self.lattice_v2(),
        }
    }

    /// The body as event text, and whether it is base64.
    fn body_fields(&self) -> (Value, bool) {
        match &self.body {
            None => (Value::Null, false),
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => (json!(text), false),
                Err(_) => (
                    json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
                    true,
                ),
            },
        }
    }

    fn raw_query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.query)
            .finish()
    }

    fn rest_v1(&self) -> Value {
        let (body, base64) = self.body_fields();
        json!({
            "resource": self.path, "path": self.path, "httpMethod": self.method,
            "headers": or_null(last(&self.headers)), "multiValueHeaders": or_null(lists(&self.headers)),
            "queryStringParameters": or_null(last(&self.query)),
            "multiValueQueryStringParameters": or_null(lists(&self.query)),
            "pathParameters": null, "stageVariables": null,
            "requestContext": {
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "stage": "$default",
                "path": self.path, "httpMethod": self.method, "resourcePath": self.path,
                "accountId": "123456789012", "apiId": "test",
            },
            "body": body, "isBase64Encoded": base64,
        })
    }

    fn http_v2(&self, function_url: bool) -> Value {
        let (body, base64) = self.body_fields();
        let (cookies, headers): (Vec<_>, Vec<_>) = self
            .headers
            .iter()
            .cloned()
            .partition(|(name, _)| name.eq_ignore_ascii_case("cookie"));
        let domain = match function_url {
            true => "test.lambda-url.us-east-1.on.aws",
            false => "test.execute-api.us-east-1.amazonaws.com",
        };
        let mut event = json!({
            "version": "2.0", "routeKey": "$default", "rawPath": self.path,
            "rawQueryString": self.raw_query(), "headers": joined(&headers),
            "requestContext": {
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "stage": "$default",
                "domainName": domain, "http": {"method": self.method, "path": self.path},
            },
            "isBase64Encoded": base64,
        });
        if !self.query.is_empty() {
            event["queryStringParameters"] = Value::Object(joined(&self.query));
        }
        if !cookies.is_empty() {
            let items: Vec<Value> = cookies
                .iter()
                .flat_map(|(_, v)| v.split(';'))
                .map(|c| json!(c.trim()))
                .collect();
            event["cookies"] = Value::Array(items);
        }
        if !body.is_null() {
            event["body"] = body;
        }
        event
    }

    fn alb(&self, multi_value: bool) -> Value {
        let (body, base64) = self.body_fields();
        let mut event = json!({
            "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/test/0123456789abcdef"}},
            "httpMethod": self.method, "path": self.path,
            "body": if body.is_null() { json!("") } else { body }, "isBase64Encoded": base64,
        });
        match multi_value {
            true => {
                event["multiValueHeaders"] = Value::Object(lists(&self.headers));
                event["multiValueQueryStringParameters"] = Value::Object(lists(&self.query));
            }
            false => {
                event["headers"] = Value::Object(last(&self.headers));
                event["queryStringParameters"] = Value::Object(last(&self.query));
            }
        }
        event
    }

    fn lattice_v1(&self) -> Value {
        let (body, base64) = self.body_fields();
        let raw_path = match self.query.is_empty() {
            true => self.path.clone(),
            false => format!("{}?{}", self.path, self.raw_query()),
        };
        json!({
            "raw_path": raw_path, "method": self.method, "headers": joined(&self.headers),
            "query_string_parameters": joined(&self.query), "body": body, "is_base64_encoded": base64,
        })
    }

    fn lattice_v2(&self) -> Value {
        let (body, base64) = self.body_fields();
        json!({
            "version": "2.0", "path": self.path, "method": self.method,
            "headers": lists(&self.headers), "queryStringParameters": lists(&self.query),
            "requestContext": {"serviceNetworkArn": "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-test", "region": "us-east-1"},
            "body": body, "isBase64Encoded": base64,
        })
    }
}

/// Each name's last value (what single-value sources keep).
fn last(fields: &[(String, String)]) -> Map<String, Value> {
    fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect()
}

/// Each name's values, in order.
fn lists(fields: &[(String, String)]) -> Map<String, Value> {
    let mut out: Map<String, Value> = Map::new();
    for (name, value) in fields {
        if let Value::Array(items) = out.entry(name.clone()).or_insert_with(|| json!([])) {
            items.push(json!(value));
        }
    }
    out
}

/// Each name's values joined with `,` (what HTTP APIs and VPC Lattice v1 send).
fn joined(fields: &[(String, String)]) -> Map<String, Value> {
    lists(fields)
        .into_iter()
        .map(|(name, values)| {
            let items: Vec<&str> = values
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            (name, json!(items.join(",")))
        })
        .collect()
}

fn or_null(map: Map<String, Value>) -> Value {
    match map.is_empty() {
        true => Value::Null,
        false => Value::Object(map),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_builds_an_event_its_decoder_reads_back() {
        let sources = [
            EventSource::RestV1,
            EventSource::HttpV2,
            EventSource::FunctionUrl,
            EventSource::Alb,
            EventSource::AlbMultiValue,
            EventSource::LatticeV1,
            EventSource::LatticeV2,
        ];
        for source in sources {
            let request = TestRequest::post("/todos/1")
                .query("tag", "a")
                .header("X-Api-Key", "k")
                .json(json!({"title": "t"}))
                .source(source);
            let event = request.to_event();
            let decoded = crate::event::decode(event.to_string().as_bytes(), None)
                .unwrap_or_else(|e| panic!("{source}: {e}"));
            assert_eq!(decoded.source, source);
            assert_eq!(decoded.method, "POST", "{source}");
            assert_eq!(decoded.path, "/todos/1", "{source}");
            assert_eq!(decoded.body, br#"{"title":"t"}"#, "{source}");
            assert_eq!(
                decoded.header_values("x-api-key").next(),
                Some("k"),
                "{source}"
            );
            assert_eq!(
                decoded.query,
                [("tag".to_string(), "a".to_string())],
                "{source}"
            );
        }
    }

    #[test]
    fn binary_bodies_travel_as_base64() {
        let event = TestRequest::post("/").body(vec![0xff, 0x00]).to_event();
        assert_eq!(event["isBase64Encoded"], true);
        assert_eq!(event["body"], "/wA=");
    }
}
