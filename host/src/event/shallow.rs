//! Parsing an event into the JSON the decoders read, and no more.
//!
//! `requestContext` is most of an API Gateway event (identity, authorizer, client
//! certificate, ...), yet detection and decoding read only four of its fields. Building a JSON
//! tree of the rest cost more than everything else the host does for a request, so only those
//! fields are kept; the others are skipped by the parser without allocating. Guests that want
//! the whole context read the raw event, which is kept as received.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The `requestContext` fields some decoder reads: `elb` (ALB detection), `http` (HTTP API
/// method and path), `domainName` (Function URL detection), `stage` (HTTP API).
const CONTEXT_FIELDS: [&str; 4] = ["elb", "http", "domainName", "stage"];

/// The event's top-level object with `requestContext` cut down to [`CONTEXT_FIELDS`];
/// `Ok(None)` when the JSON is not an object.
pub(super) fn parse(raw: &[u8]) -> Result<Option<Map<String, Value>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let parsed = de.deserialize_any(Object { context: false })?;
    de.end()?;
    Ok(parsed)
}

/// Visits the top level (`context: false`) or `requestContext` (`context: true`).
#[derive(Clone, Copy)]
struct Object {
    context: bool,
}

impl<'de> DeserializeSeed<'de> for Object {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        struct AnyValue;
        impl<'de> Visitor<'de> for AnyValue {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("requestContext")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
                Object { context: true }
                    .visit_map(map)
                    .map(|m| Value::Object(m.unwrap_or_default()))
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(v.into())
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(v.into())
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(v.into())
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(v.into())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Value>()? {
                    items.push(item);
                }
                Ok(Value::Array(items))
            }
        }
        deserializer.deserialize_any(AnyValue)
    }
}

impl<'de> Visitor<'de> for Object {
    type Value = Option<Map<String, Value>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if self.context && !CONTEXT_FIELDS.contains(&key.as_str()) {
                map.next_value::<IgnoredAny>()?;
            } else if !self.context && key == "requestContext" {
                let context = map.next_value_seed(Object { context: true })?;
                out.insert(key, context);
            } else {
                out.insert(key, map.next_value::<Value>()?);
            }
        }
        Ok(Some(out))
    }

    // Any other JSON is valid but not an event: the caller says so.
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::parse;

    #[test]
    fn request_context_keeps_only_what_decoders_read() {
        let event = json!({
            "path": "/a", "headers": {"a": "b"},
            "requestContext": {"stage": "Prod", "identity": {"sourceIp": "1.2.3.4"}, "http": {"method": "GET"},
                "elb": {}, "domainName": "x.lambda-url.y", "requestTimeEpoch": 1},
        });
        let parsed = parse(event.to_string().as_bytes()).unwrap().unwrap();
        assert_eq!(parsed["headers"], json!({"a": "b"}));
        assert_eq!(
            parsed["requestContext"],
            json!({"stage": "Prod", "http": {"method": "GET"}, "elb": {}, "domainName": "x.lambda-url.y"})
        );
    }

    #[test]
    fn other_json_is_not_an_object_and_bad_json_is_an_error() {
        for text in ["[]", "1", "\"s\"", "null", "true"] {
            assert_eq!(parse(text.as_bytes()).unwrap(), None, "{text}");
        }
        assert!(parse(b"{\"a\": }").is_err());
        assert!(parse(b"{} x").is_err());
        assert_eq!(
            parse(b"{\"requestContext\": null}").unwrap().unwrap()["requestContext"],
            json!(null)
        );
    }
}
