//! Powertools' own `current_event` lookups, reproduced with their per-source quirks.
//!
//! `Request`'s accessors are the right answers. This view exists for ports of Powertools
//! apps that must answer byte for byte as Powertools did, including where it is wrong:
//! `headers.get` reads the event's `headers` field only (so nothing on ALB with multi-value
//! headers, a list on VPC Lattice v2), and the query lookups read the single-value field.
//! docs/powertools-differences.md lists every such case.

use std::cell::OnceCell;
use std::rc::Rc;

use serde_json::Value;

use crate::request::EventSource;

/// The raw event, read as far as asked: each field [`CurrentEvent`]'s lookups read is
/// fetched from the host and parsed on its own (a REST event's `headers` are a fifth of it,
/// its request context most of the rest); the whole event is copied in and becomes a JSON
/// tree only when someone asks for it (`Request::raw_event`, `CurrentEvent::raw_event`).
#[derive(Debug)]
pub(crate) struct EventView {
    origin: Origin,
    /// Each [`Field`], once read; `None` when absent or `null`.
    fields: [OnceCell<Option<Value>>; Field::COUNT],
    full: OnceCell<Value>,
}

/// The top-level fields the lookups read.
#[derive(Debug, Clone, Copy)]
enum Field {
    Headers,
    QueryStringParameters,
    /// VPC Lattice v1's snake-case query field.
    LatticeQueryStringParameters,
    MultiValueQueryStringParameters,
    RequestContext,
}

impl Field {
    /// How many there are: the last one's index, plus one.
    const COUNT: usize = Field::RequestContext as usize + 1;

    /// Its name in the event.
    fn key(self) -> &'static str {
        match self {
            Field::Headers => "headers",
            Field::QueryStringParameters => "queryStringParameters",
            Field::LatticeQueryStringParameters => "query_string_parameters",
            Field::MultiValueQueryStringParameters => "multiValueQueryStringParameters",
            Field::RequestContext => "requestContext",
        }
    }
}

/// Where the event's text comes from.
#[derive(Debug)]
enum Origin {
    /// The host holds it: fields are asked for one at a time.
    Host,
    /// Given whole (unit tests of the view).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "built by the view's unit tests")
    )]
    Text(String),
}

impl EventView {
    /// The event of the request the host is running.
    pub(crate) fn from_host() -> Self {
        Self::with_origin(Origin::Host)
    }

    fn with_origin(origin: Origin) -> Self {
        Self {
            origin,
            fields: Default::default(),
            full: OnceCell::new(),
        }
    }

    /// The whole event (`null` if the host's text were not JSON, which it always is).
    pub(crate) fn full(&self) -> &Value {
        self.full.get_or_init(|| {
            let parsed = match &self.origin {
                Origin::Host => serde_json::from_str(&crate::host::raw_event()),
                Origin::Text(text) => serde_json::from_str(text),
            };
            parsed.unwrap_or(Value::Null)
        })
    }

    /// The event's `requestContext`, read alone.
    pub(crate) fn request_context(&self) -> Option<&Value> {
        self.field(Field::RequestContext)
    }

    /// A top-level field; `null` reads as absent, as the lookups treat it.
    fn field(&self, field: Field) -> Option<&Value> {
        self.fields[field as usize]
            .get_or_init(|| {
                let key = field.key();
                let value = match (&self.origin, self.full.get()) {
                    (_, Some(full)) => full.get(key).cloned(),
                    (Origin::Host, None) => crate::host::raw_event_member(key)
                        .and_then(|text| serde_json::from_str(&text).ok()),
                    (Origin::Text(_), None) => self.full().get(key).cloned(),
                };
                value.filter(|v| !v.is_null())
            })
            .as_ref()
    }
}

/// Powertools' `app.current_event`, over the raw event.
#[derive(Debug, Clone)]
pub struct CurrentEvent {
    source: EventSource,
    event: Rc<EventView>,
}

impl CurrentEvent {
    pub(crate) fn new(source: EventSource, event: Rc<EventView>) -> Self {
        Self { source, event }
    }

    /// `current_event.headers.get(name)`: the event's `headers` value, case-insensitively,
    /// exactly as the event carries it (a list on VPC Lattice v2, absent on ALB multi-value).
    pub fn header(&self, name: &str) -> Option<Value> {
        let headers = self.event.field(Field::Headers)?.as_object()?;
        // Of names that differ only in case, the last wins, as in Powertools'
        // `CaseInsensitiveDict`.
        headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    }

    /// `current_event.get_query_string_value(name)`: the single-value query field (lists
    /// joined with `,` on VPC Lattice v2).
    pub fn get_query_string_value(&self, name: &str) -> Option<String> {
        let field = match self.source {
            EventSource::LatticeV1 => Field::LatticeQueryStringParameters,
            _ => Field::QueryStringParameters,
        };
        match self.event.field(field)?.get(name)? {
            // Powertools' `",".join(value)` for VPC Lattice v2 expects the list AWS sends; a
            // string there is joined character by character.
            Value::String(s) if self.source == EventSource::LatticeV2 => {
                Some(s.chars().map(String::from).collect::<Vec<_>>().join(","))
            }
            Value::String(s) => Some(s.clone()),
            // Python's `int()` in a handler takes a number as well as its text.
            Value::Number(n) => Some(n.to_string()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        }
    }

    /// `current_event.get_multi_value_query_string_values(name)`: the multi-value field,
    /// which only REST v1 and ALB multi-value events have; `[]` elsewhere.
    pub fn get_multi_value_query_string_values(&self, name: &str) -> Vec<String> {
        self.event
            .field(Field::MultiValueQueryStringParameters)
            .and_then(|m| m.get(name))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The raw event.
    pub fn raw_event(&self) -> &Value {
        self.event.full()
    }
}

#[cfg(test)]
mod view_tests {
    use serde_json::json;

    use super::*;

    fn event(text: &str) -> CurrentEvent {
        event_from(EventSource::RestV1, text)
    }

    fn event_from(source: EventSource, text: &str) -> CurrentEvent {
        CurrentEvent::new(
            source,
            Rc::new(EventView::with_origin(Origin::Text(text.to_string()))),
        )
    }

    #[test]
    fn lattice_v2_query_values_are_joined_as_powertools_joins_them() {
        // A list (what AWS sends) joined with `,`; a string, character by character.
        let current = event_from(
            EventSource::LatticeV2,
            r#"{"queryStringParameters": {"tag": ["a", "b"], "name": "abc", "one": ["x"]}}"#,
        );
        let value = |name| current.get_query_string_value(name);
        assert_eq!(value("tag").as_deref(), Some("a,b"));
        assert_eq!(value("name").as_deref(), Some("a,b,c"));
        assert_eq!(value("one").as_deref(), Some("x"));
        // Elsewhere a string is the value.
        let rest = event(r#"{"queryStringParameters": {"name": "abc"}}"#);
        assert_eq!(rest.get_query_string_value("name").as_deref(), Some("abc"));
    }

    #[test]
    fn lookups_read_their_fields() {
        let current = event(
            r#"{"headers": {"X-Api-Key": "k"}, "requestContext": {"deep": [1, {"x": null}]},
                "queryStringParameters": {"limit": "2"},
                "multiValueQueryStringParameters": {"tag": ["a", "b"]}}"#,
        );
        assert_eq!(current.header("x-api-key"), Some(json!("k")));
        assert_eq!(
            current.get_query_string_value("limit").as_deref(),
            Some("2")
        );
        assert_eq!(
            current.get_multi_value_query_string_values("tag"),
            ["a", "b"]
        );
        assert_eq!(current.raw_event()["requestContext"]["deep"][0], json!(1));
    }

    #[test]
    fn null_fields_and_repeated_keys_read_as_the_json_tree_would() {
        let current = event(r#"{"headers": null, "queryStringParameters": {"a": "1"}}"#);
        assert_eq!(current.header("a"), None);
        assert_eq!(current.get_query_string_value("a").as_deref(), Some("1"));
        // A repeated key: its last value, as a JSON tree keeps it.
        let current = event(r#"{"headers": {"a": "1"}, "headers": {"a": "2"}}"#);
        assert_eq!(current.header("a"), Some(json!("2")));
        let current = event(r#"{"headers": {"X-Api-Key": "k", "x-api-key": ""}}"#);
        assert_eq!(current.header("X-API-KEY"), Some(json!("")));
        let current = event(r#"{"queryStringParameters": {"limit": 3}}"#);
        assert_eq!(
            current.get_query_string_value("limit").as_deref(),
            Some("3")
        );
    }
}
