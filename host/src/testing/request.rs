//! [`TestRequest`]: a request built with a few calls, turned into the event of the source it
//! names as that source delivers it, by the same builder as the dev server's
//! (`event/from_http.rs`).

use serde_json::Value;

use crate::event::from_http::{self, HttpRequest};
use crate::request::EventSource;

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

    /// The event: as the dev server builds it for the same request from 127.0.0.1, with a
    /// fixed request id and time.
    pub fn to_event(&self) -> Value {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.query)
            .finish();
        let target = match query.is_empty() {
            true => self.path.clone(),
            false => format!("{}?{query}", self.path),
        };
        let body = self.body.as_deref().unwrap_or_default();
        let request = HttpRequest::local(&self.method, &target, &self.headers, body);
        from_http::build(self.source, &request)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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
