//! The Lambda response each source expects, in the three shapes Powertools' header
//! serializers produce. It is written straight to JSON: building a `serde_json::Value` first
//! (an ordered map per object, SipHash per key, a `Vec` per header) was about a tenth of the
//! host's time on a warm request.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::body::Encoded;
use crate::request::EventSource;
use crate::response::Headers;

/// How a source lays out headers and cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `multiValueHeaders`, cookies appended as `Set-Cookie` values (REST v1, ALB multi-value).
    MultiValue,
    /// Single-value `headers`: a list keeps its last value; only the last cookie fits, and it
    /// comes first (ALB without multi-value headers).
    SingleValue,
    /// `headers` joined with `, ` plus a `cookies` array, always present (HTTP API v2,
    /// Function URL, VPC Lattice).
    HttpApi,
}

/// A finished response in its source's shape; serializes to the Lambda response JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaResponse {
    /// The source whose front door gets it.
    source: EventSource,
    shape: Shape,
    /// A `None` body is `""` rather than `null` (ALB).
    empty_body_is_text: bool,
    response: Encoded,
}

impl LambdaResponse {
    pub(super) fn new(
        source: EventSource,
        response: Encoded,
        shape: Shape,
        empty_body_is_text: bool,
    ) -> Self {
        Self {
            source,
            shape,
            empty_body_is_text,
            response,
        }
    }

    /// The source whose front door gets it.
    pub(crate) fn source(&self) -> EventSource {
        self.source
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.response.status
    }

    /// The finished response this one writes, for checks of what it carries.
    pub(crate) fn encoded(&self) -> &Encoded {
        &self.response
    }

    /// The response as a JSON value, for callers that inspect or reshape it.
    pub fn to_value(&self) -> Value {
        // Only strings, numbers and booleans: serializing cannot fail.
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl From<LambdaResponse> for Value {
    fn from(response: LambdaResponse) -> Self {
        response.to_value()
    }
}

impl Serialize for LambdaResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = &self.response;
        let fields = if self.shape == Shape::HttpApi { 5 } else { 4 };
        let mut map = serializer.serialize_map(Some(fields))?;
        map.serialize_entry("statusCode", &r.status)?;
        match (&r.body, self.empty_body_is_text) {
            (Some(body), _) => map.serialize_entry("body", body)?,
            (None, true) => map.serialize_entry("body", "")?,
            (None, false) => map.serialize_entry("body", &())?,
        }
        map.serialize_entry("isBase64Encoded", &r.is_base64)?;
        match self.shape {
            Shape::MultiValue => map.serialize_entry("multiValueHeaders", &MultiValue(r))?,
            Shape::SingleValue => map.serialize_entry("headers", &SingleValue(r))?,
            Shape::HttpApi => {
                map.serialize_entry("headers", &Joined(&r.headers))?;
                map.serialize_entry("cookies", &r.cookies)?;
            }
        }
        map.end()
    }
}

const SET_COOKIE: &str = "Set-Cookie";

/// Every header with all its values; cookies go after a `Set-Cookie` header's own values, or
/// under a `Set-Cookie` name of their own at the end.
struct MultiValue<'a>(&'a Encoded);

impl Serialize for MultiValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Encoded {
            headers, cookies, ..
        } = self.0;
        let own_entry = !cookies.is_empty() && headers.get(SET_COOKIE).is_none();
        let mut map =
            serializer.serialize_map(Some(headers.iter().count() + usize::from(own_entry)))?;
        for (name, values) in headers.iter() {
            if name == SET_COOKIE {
                map.serialize_entry(name, &Chain(values, cookies))?;
            } else {
                map.serialize_entry(name, values)?;
            }
        }
        if own_entry {
            map.serialize_entry(SET_COOKIE, cookies)?;
        }
        map.end()
    }
}

/// A header's values followed by the cookies, as one list.
struct Chain<'a>(&'a [String], &'a [String]);

impl Serialize for Chain<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().chain(self.1))
    }
}

/// Each header's last value; the last cookie comes first, as `Set-Cookie`. Powertools fills a
/// dict: the cookie first, then each header, so a `Set-Cookie` header's last value replaces
/// the cookie in that first place.
struct SingleValue<'a>(&'a Encoded);

impl Serialize for SingleValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Encoded {
            headers, cookies, ..
        } = self.0;
        let mut map = serializer.serialize_map(None)?;
        let cookie_first = cookies.last().map(|cookie| {
            let header = headers.get(SET_COOKIE).and_then(<[String]>::last);
            header.unwrap_or(cookie)
        });
        if let Some(value) = cookie_first {
            map.serialize_entry(SET_COOKIE, value)?;
        }
        for (name, values) in headers.iter() {
            if cookie_first.is_some() && name == SET_COOKIE {
                continue;
            }
            if let Some(value) = values.last() {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

/// Each header's values joined with `, `.
struct Joined<'a>(&'a Headers);

impl Serialize for Joined<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .map(|(name, values)| (name, JoinedValues(values))),
        )
    }
}

/// Values written as one string, `, ` between them, without building it first.
struct JoinedValues<'a>(&'a [String]);

impl Serialize for JoinedValues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for JoinedValues<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{LambdaResponse, Shape};
    use crate::event::Encoded;
    use crate::response::Headers;

    /// Headers as given to `Headers::append`: a name with its values.
    type HeaderList<'a> = &'a [(&'a str, &'a [&'a str])];

    /// What a case is about, its shape, headers and cookies, and the headers it writes.
    type ShapeCase = (
        &'static str,
        Shape,
        HeaderList<'static>,
        &'static [&'static str],
        Value,
    );

    fn encoded(headers: HeaderList<'_>, cookies: &[&str], body: Option<&str>) -> Encoded {
        let mut all = Headers::default();
        for (name, values) in headers {
            for value in *values {
                all.append(name, value.to_string());
            }
        }
        Encoded {
            status: 200,
            headers: all,
            cookies: cookies.iter().map(|c| c.to_string()).collect(),
            body: body.map(str::to_string),
            is_base64: false,
        }
    }

    /// The text and the value agree, key order included.
    fn written(response: LambdaResponse) -> Value {
        let text = serde_json::to_string(&response).unwrap();
        assert_eq!(text, response.to_value().to_string());
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn each_shape_writes_headers_and_cookies_as_powertools_does() {
        let cases: [ShapeCase; 9] = [
            (
                "multi-value: cookies last under their own name",
                Shape::MultiValue,
                &[("X-Multi", &["a", "b"]), ("Content-Type", &["text/plain"])],
                &["a=1", "b=2"],
                json!({"X-Multi": ["a", "b"], "Content-Type": ["text/plain"], "Set-Cookie": ["a=1", "b=2"]}),
            ),
            (
                "multi-value: cookies after a Set-Cookie header's values, in its place",
                Shape::MultiValue,
                &[("Set-Cookie", &["h=0"]), ("X-One", &["1"])],
                &["a=1"],
                json!({"Set-Cookie": ["h=0", "a=1"], "X-One": ["1"]}),
            ),
            (
                "multi-value: no cookies, no Set-Cookie",
                Shape::MultiValue,
                &[("X-One", &["1"])],
                &[],
                json!({"X-One": ["1"]}),
            ),
            (
                "single-value: the last cookie first, each header's last value",
                Shape::SingleValue,
                &[("X-Multi", &["a", "b"]), ("X-One", &["1"])],
                &["a=1", "b=2"],
                json!({"Set-Cookie": "b=2", "X-Multi": "b", "X-One": "1"}),
            ),
            (
                "single-value: a Set-Cookie header replaces the cookie, first",
                Shape::SingleValue,
                &[("X-One", &["1"]), ("Set-Cookie", &["h=0", "h=1"])],
                &["a=1"],
                json!({"Set-Cookie": "h=1", "X-One": "1"}),
            ),
            (
                "single-value: a Set-Cookie header without cookies keeps its place",
                Shape::SingleValue,
                &[("X-One", &["1"]), ("Set-Cookie", &["h=0"])],
                &[],
                json!({"X-One": "1", "Set-Cookie": "h=0"}),
            ),
            (
                "http api: values joined, cookies apart",
                Shape::HttpApi,
                &[("X-Multi", &["a", "b"]), ("X-One", &["1"])],
                &["a=1", "b=2"],
                json!({"X-Multi": "a, b", "X-One": "1"}),
            ),
            (
                "http api: a Set-Cookie header stays a header",
                Shape::HttpApi,
                &[("Set-Cookie", &["h=0"])],
                &["a=1"],
                json!({"Set-Cookie": "h=0"}),
            ),
            ("http api: no headers", Shape::HttpApi, &[], &[], json!({})),
        ];
        for (what, shape, headers, cookies, expected) in cases {
            let out = written(LambdaResponse::new(
                crate::request::EventSource::RestV1,
                encoded(headers, cookies, Some("hi")),
                shape,
                false,
            ));
            let key = match shape {
                Shape::MultiValue => "multiValueHeaders",
                _ => "headers",
            };
            assert_eq!(out[key], expected, "{what}");
            // Key order matters to readers of the text (and to Powertools' byte-for-byte output).
            let expected_order: Vec<&String> = expected.as_object().unwrap().keys().collect();
            let order: Vec<&String> = out[key].as_object().unwrap().keys().collect();
            assert_eq!(order, expected_order, "{what}");
            let cookie_list = (shape == Shape::HttpApi).then(|| json!(cookies));
            assert_eq!(out.get("cookies").cloned(), cookie_list, "{what}");
        }
    }

    #[test]
    fn the_fields_come_in_powertools_order_with_the_body_null_or_empty() {
        let text = |body: Option<&str>, shape, empty_body_is_text| {
            serde_json::to_string(&LambdaResponse::new(
                crate::request::EventSource::RestV1,
                encoded(&[], &[], body),
                shape,
                empty_body_is_text,
            ))
            .unwrap()
        };
        assert_eq!(
            text(None, Shape::MultiValue, false),
            r#"{"statusCode":200,"body":null,"isBase64Encoded":false,"multiValueHeaders":{}}"#
        );
        assert_eq!(
            text(None, Shape::SingleValue, true),
            r#"{"statusCode":200,"body":"","isBase64Encoded":false,"headers":{}}"#
        );
        assert_eq!(
            text(Some("a\"b"), Shape::HttpApi, false),
            r#"{"statusCode":200,"body":"a\"b","isBase64Encoded":false,"headers":{},"cookies":[]}"#
        );
    }
}
