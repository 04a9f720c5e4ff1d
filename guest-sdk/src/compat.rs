//! Powertools' own `current_event` lookups, reproduced with their per-source quirks.
//!
//! `Request`'s accessors are the right answers. This view exists for ports of Powertools
//! apps that must answer byte for byte as Powertools did, including where it is wrong:
//! `headers.get` reads the event's `headers` field only (so nothing on ALB with multi-value
//! headers, a list on VPC Lattice v2), and the query lookups read the single-value field.
//! docs/powertools-differences.md lists every such case.

use std::rc::Rc;

use serde_json::Value;

use crate::request::EventSource;

/// Powertools' `app.current_event`, over the raw event.
#[derive(Debug, Clone)]
pub struct CurrentEvent {
    source: EventSource,
    raw: Rc<Value>,
}

impl CurrentEvent {
    pub(crate) fn new(source: EventSource, raw: Rc<Value>) -> Self {
        Self { source, raw }
    }

    /// `current_event.headers.get(name)`: the event's `headers` value, case-insensitively,
    /// exactly as the event carries it (a list on VPC Lattice v2, absent on ALB multi-value).
    pub fn header(&self, name: &str) -> Option<Value> {
        let headers = self.raw.get("headers")?.as_object()?;
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    }

    /// `current_event.get_query_string_value(name)`: the single-value query field (lists
    /// joined with `,` on VPC Lattice v2).
    pub fn get_query_string_value(&self, name: &str) -> Option<String> {
        let field = match self.source {
            EventSource::LatticeV1 => "query_string_parameters",
            _ => "queryStringParameters",
        };
        match self.raw.get(field)?.get(name)? {
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
        self.raw
            .get("multiValueQueryStringParameters")
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
        &self.raw
    }
}
