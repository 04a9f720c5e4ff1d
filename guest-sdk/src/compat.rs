//! Powertools' own `current_event` lookups, reproduced with their per-source quirks.
//!
//! `Request`'s accessors are the right answers. This view exists for ports of Powertools
//! apps that must answer byte for byte as Powertools did, including where it is wrong:
//! `headers.get` reads the event's `headers` field only (so nothing on ALB with multi-value
//! headers, a list on VPC Lattice v2), and the query lookups read the single-value field.
//! docs/powertools-differences.md lists every such case.

use std::cell::OnceCell;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::Value;

use crate::request::EventSource;

/// The raw event as fetched from the host, read as far as asked: the fields
/// [`CurrentEvent`]'s lookups read are parsed on their own, skipping the rest (the request
/// context, most of an event); the whole event becomes a JSON tree only when someone asks
/// for it (`Request::raw_event`, `CurrentEvent::raw_event`).
#[derive(Debug)]
pub(crate) struct EventView {
    text: String,
    lookups: OnceCell<Lookups>,
    full: OnceCell<Value>,
}

/// The top-level fields the lookups read; `null` reads as absent, as the lookups treat it.
#[derive(Debug, Default, Deserialize)]
struct Lookups {
    #[serde(default)]
    headers: Option<Value>,
    #[serde(default, rename = "queryStringParameters")]
    query_string_parameters: Option<Value>,
    #[serde(default, rename = "query_string_parameters")]
    lattice_query_string_parameters: Option<Value>,
    #[serde(default, rename = "multiValueQueryStringParameters")]
    multi_value_query_string_parameters: Option<Value>,
}

impl EventView {
    pub(crate) fn new(text: String) -> Self {
        Self {
            text,
            lookups: OnceCell::new(),
            full: OnceCell::new(),
        }
    }

    /// The whole event (`null` if the host's text were not JSON, which it always is).
    pub(crate) fn full(&self) -> &Value {
        self.full
            .get_or_init(|| serde_json::from_str(&self.text).unwrap_or(Value::Null))
    }

    fn lookups(&self) -> &Lookups {
        self.lookups.get_or_init(|| {
            // A key sent twice fails the typed parse; the tree keeps the last, as before.
            serde_json::from_str(&self.text).unwrap_or_else(|_| {
                let full = self.full();
                let field = |name: &str| full.get(name).filter(|v| !v.is_null()).cloned();
                Lookups {
                    headers: field("headers"),
                    query_string_parameters: field("queryStringParameters"),
                    lattice_query_string_parameters: field("query_string_parameters"),
                    multi_value_query_string_parameters: field("multiValueQueryStringParameters"),
                }
            })
        })
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
        let headers = self.event.lookups().headers.as_ref()?.as_object()?;
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    }

    /// `current_event.get_query_string_value(name)`: the single-value query field (lists
    /// joined with `,` on VPC Lattice v2).
    pub fn get_query_string_value(&self, name: &str) -> Option<String> {
        let lookups = self.event.lookups();
        let field = match self.source {
            EventSource::LatticeV1 => &lookups.lattice_query_string_parameters,
            _ => &lookups.query_string_parameters,
        };
        match field.as_ref()?.get(name)? {
            Value::String(s) => Some(s.clone()),
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
            .lookups()
            .multi_value_query_string_parameters
            .as_ref()
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
        CurrentEvent::new(
            EventSource::RestV1,
            Rc::new(EventView::new(text.to_string())),
        )
    }

    #[test]
    fn lookups_read_their_fields_without_the_rest_of_the_event() {
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
        assert!(
            current.event.full.get().is_none(),
            "the tree is not built for lookups"
        );
        assert_eq!(current.raw_event()["requestContext"]["deep"][0], json!(1));
    }

    #[test]
    fn null_fields_and_repeated_keys_read_as_the_json_tree_would() {
        let current = event(r#"{"headers": null, "queryStringParameters": {"a": "1"}}"#);
        assert_eq!(current.header("a"), None);
        assert_eq!(current.get_query_string_value("a").as_deref(), Some("1"));
        // The typed parse refuses a repeated key; the tree keeps the last value.
        let current = event(r#"{"headers": {"a": "1"}, "headers": {"a": "2"}}"#);
        assert_eq!(current.header("a"), Some(json!("2")));
    }
}
