//! Where an event's correlation id lies: Powertools' `correlation_paths` for each source, or
//! the path a bundle names (`correlation_id_path`).
//!
//! Powertools evaluates a JMESPath expression over the event; its paths, and those its users
//! write, are field paths (`headers."x-amzn-trace-id"`). Those are read here, from the one
//! top-level member they start at, as the host keeps it unparsed, rather than by a JMESPath
//! crate over a tree built of the whole event for every request. Other JMESPath forms are
//! refused when the bundle loads, naming the path.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::request::{EventSource, RawEvent};

/// A field path into the event: the names from the top-level member down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CorrelationPath {
    fields: Vec<String>,
}

/// Powertools' `correlation_paths.API_GATEWAY_REST` (and `_HTTP`, `LAMBDA_FUNCTION_URL`).
const REQUEST_ID: &str = "requestContext.requestId";
/// Powertools' `correlation_paths.APPLICATION_LOAD_BALANCER` and `VPC_LATTICE`.
const TRACE_HEADER: &str = r#"headers."x-amzn-trace-id""#;

impl CorrelationPath {
    /// Powertools' path for events of `source`.
    pub(crate) fn for_source(source: EventSource) -> &'static Self {
        static PATHS: LazyLock<[CorrelationPath; 2]> = LazyLock::new(|| {
            [REQUEST_ID, TRACE_HEADER].map(|text| {
                CorrelationPath::parse(text).expect("Powertools' paths are field paths")
            })
        });
        match source {
            EventSource::RestV1 | EventSource::HttpV2 | EventSource::FunctionUrl => &PATHS[0],
            EventSource::Alb
            | EventSource::AlbMultiValue
            | EventSource::LatticeV1
            | EventSource::LatticeV2 => &PATHS[1],
        }
    }

    /// Reads a JMESPath field path: names (`requestContext`) or quoted names
    /// (`"x-amzn-trace-id"`, JSON string escapes) joined by dots.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let refuse = |why: &str| {
            Err(format!(
                "correlation id path `{text}` is not a field path such as \
                 `requestContext.requestId` or `headers.\"x-correlation-id\"`: {why}"
            ))
        };
        let mut fields = Vec::new();
        let mut rest = text.trim();
        loop {
            let (field, after) = if rest.starts_with('"') {
                let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                match stream.next() {
                    Some(Ok(field)) => (field, &rest[stream.byte_offset()..]),
                    _ => return refuse("a quoted name does not end"),
                }
            } else {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let name = &rest[..end];
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    return refuse("a name is missing or starts with a digit");
                }
                (name.to_string(), &rest[end..])
            };
            fields.push(field);
            match after.strip_prefix('.') {
                Some(next) => rest = next,
                None if after.is_empty() => return Ok(Self { fields }),
                None => return refuse(&format!("unexpected `{after}`")),
            }
        }
    }

    /// The value at the path in `event`; `None` where a field is missing, a value on the way
    /// is not an object, or the value is `null` (JMESPath's `null`, which Powertools drops).
    pub(crate) fn find(&self, event: &RawEvent) -> Option<Value> {
        let (first, rest) = self.fields.split_first()?;
        let mut text = event.member(first)?;
        for field in rest {
            // The last of a repeated name, as a JSON tree keeps it.
            let object: HashMap<Cow<'_, str>, &RawValue> = serde_json::from_str(text).ok()?;
            text = object.get(field.as_str())?.get();
        }
        match serde_json::from_str(text).ok()? {
            Value::Null => None,
            value => Some(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn field_paths_read_as_jmespath_reads_them() {
        let event = RawEvent::from(
            &*json!({
                "requestContext": {"requestId": "r-1", "nested": {"a.b": [1]}},
                "headers": {"x-amzn-trace-id": "Root=1-abc", "empty": null},
                "multiValueHeaders": {"x-amzn-trace-id": ["Root=1-abc"]},
            })
            .to_string(),
        );
        let find = |path: &str| CorrelationPath::parse(path).unwrap().find(&event);
        assert_eq!(find(REQUEST_ID), Some(json!("r-1")));
        assert_eq!(find(TRACE_HEADER), Some(json!("Root=1-abc")));
        assert_eq!(find(r#"requestContext.nested."a.b""#), Some(json!([1])));
        assert_eq!(
            find(r#"multiValueHeaders."x-amzn-trace-id""#),
            Some(json!(["Root=1-abc"]))
        );
        for missing in [
            "headers.empty",
            "headers.absent",
            "nothing.here",
            "requestContext.requestId.deeper",
        ] {
            assert_eq!(find(missing), None, "{missing}");
        }
    }

    #[test]
    fn other_jmespath_forms_are_refused_naming_the_path() {
        for path in [
            "",
            "a..b",
            "a.",
            "headers[0]",
            "a || b",
            r#"headers."open"#,
            "1a",
        ] {
            let err = CorrelationPath::parse(path).unwrap_err();
            assert!(err.contains(&format!("`{path}`")), "{err}");
        }
        assert_eq!(
            CorrelationPath::parse(r#" headers."x-\"q\"" "#)
                .unwrap()
                .fields,
            ["headers", "x-\"q\""]
        );
    }
}
