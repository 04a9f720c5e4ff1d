//! The neutral, lossless request every event source decodes into.

use std::sync::Arc;

use crate::event::EventSource;

/// Ordered name/value pairs that keep repeats (headers, query strings, cookies).
pub type Fields = Vec<(String, String)>;

/// A decoded Lambda request: what routing, the pipeline and the guests see.
#[derive(Debug, Clone)]
pub struct Request {
    /// The event source, detected from the event.
    pub source: EventSource,
    /// The HTTP method as the event carries it.
    pub method: String,
    /// The path as the event carries it (no `strip_prefixes`, no stage).
    pub path: String,
    /// Every header value, names as sent.
    pub headers: Fields,
    /// Every query value, in order.
    pub query: Fields,
    /// Request cookies.
    pub cookies: Fields,
    /// The body, base64-decoded when the event said so.
    pub body: Vec<u8>,
    /// The event as received, for guests that read any field of it.
    pub raw_event: Arc<str>,
}

impl Request {
    /// Every value of a header, by case-insensitive name, in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The header value Powertools' "resolved headers" give for single-value uses (CORS
    /// `Origin`): the first value, and on sources whose headers arrive comma-joined, the first
    /// comma-separated item (Powertools splits those values without trimming).
    pub fn first_header_item<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        let first = self.header_values(name).next()?;
        Some(match self.source.joins_repeated_headers() {
            true => first.split(',').next().unwrap_or(first),
            false => first,
        })
    }
}

/// Parses `Cookie` header values into name/value pairs (RFC 6265 §5.4: `; `-separated).
pub(crate) fn parse_cookie_headers<'a>(values: impl Iterator<Item = &'a str>) -> Fields {
    values
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}
