//! [`TestResponse`]: the Lambda response JSON, and a view of it decoded the way a client sees
//! it (headers of either shape, cookies, base64 and gzip undone).

use std::io::Read as _;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::event::{ClientResponse, LambdaResponse, read_back};
use crate::request::EventSource;

/// What the app answered.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResponse {
    lambda: Value,
    /// The source whose front door reads it; `None` when the event was not answered.
    source: Option<EventSource>,
}

impl TestResponse {
    pub(super) fn answered(response: LambdaResponse) -> Self {
        Self {
            source: Some(response.source()),
            lambda: response.into(),
        }
    }

    pub(super) fn unanswered(error: &str) -> Self {
        Self {
            lambda: serde_json::json!({ "error": error }),
            source: None,
        }
    }

    /// The Lambda response JSON, exactly as Lambda would get it.
    pub fn lambda(&self) -> &Value {
        &self.lambda
    }

    /// `statusCode` (0 when the event could not be answered; see [`Self::error`]).
    pub fn status(&self) -> u16 {
        self.lambda["statusCode"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0)
    }

    /// Why the event could not be answered, when it could not.
    pub fn error(&self) -> Option<&str> {
        self.lambda["error"].as_str()
    }

    /// The response as the client of its source's front door gets it (`event::read_back`):
    /// `None` when no front door could send it.
    fn client(&self) -> Option<ClientResponse> {
        read_back(&self.lambda, self.source?).ok()
    }

    /// Every value of a header, by case-insensitive name, as the client of the event's
    /// source gets them: from the fields its front door reads (`multiValueHeaders` winning
    /// over `headers` for a name both carry on API Gateway REST), comma-joined values whole.
    pub fn headers(&self, name: &str) -> Vec<String> {
        self.client()
            .map(|client| client.values(name).map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// A header's first value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }

    /// The `Set-Cookie` values the client gets, from `cookies` or the `Set-Cookie` header.
    pub fn cookies(&self) -> Vec<String> {
        self.headers("set-cookie")
    }

    /// The body bytes, base64-decoded and gunzipped as a client would.
    pub fn body(&self) -> Vec<u8> {
        let Some(client) = self.client() else {
            return Vec::new();
        };
        let gzipped = client
            .values("content-encoding")
            .any(|e| e.eq_ignore_ascii_case("gzip"));
        if !gzipped {
            return client.body;
        }
        let mut out = Vec::new();
        match flate2::read::GzDecoder::new(&client.body[..]).read_to_end(&mut out) {
            Ok(_) => out,
            Err(_) => client.body,
        }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body()).into_owned()
    }

    /// The body parsed as JSON into `T` (`serde_json::Value` for any JSON).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use base64::Engine as _;
    use serde_json::json;

    use super::*;

    fn read_by(source: EventSource, lambda: Value) -> TestResponse {
        TestResponse {
            lambda,
            source: Some(source),
        }
    }

    #[test]
    fn headers_of_both_shapes_and_gzip_bodies_are_read_as_a_client_would() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(br#"{"ok":true}"#).unwrap();
        let body = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        let response = read_by(
            EventSource::RestV1,
            json!({
                "statusCode": 200, "isBase64Encoded": true, "body": body,
                "multiValueHeaders": {"Content-Encoding": ["gzip"], "Set-Cookie": ["a=1; Secure"]},
            }),
        );
        assert_eq!(response.status(), 200);
        assert_eq!(response.header("content-encoding").as_deref(), Some("gzip"));
        assert_eq!(response.cookies(), ["a=1; Secure"]);
        assert_eq!(response.json::<Value>().unwrap(), json!({"ok": true}));

        let v2 = json!({
            "statusCode": 201, "body": "hi", "headers": {"X-Multi": "a, b"}, "cookies": ["c=2"],
        });
        let http_api = read_by(EventSource::HttpV2, v2.clone());
        assert_eq!(http_api.headers("x-multi"), ["a, b"]);
        assert_eq!(http_api.cookies(), ["c=2"]);
        assert_eq!(http_api.text(), "hi");
        // The same response through an ALB with multi-value headers on: the client gets
        // neither `headers` nor `cookies`.
        let alb = read_by(EventSource::AlbMultiValue, v2);
        assert_eq!(alb.headers("x-multi"), Vec::<String>::new());
        assert_eq!(alb.cookies(), Vec::<String>::new());
        assert_eq!(alb.status(), 201);
    }
}
