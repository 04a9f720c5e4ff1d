//! The neutral, lossless request every event source decodes into.

mod fields;
mod raw_event;
mod source;

pub(crate) use fields::{Fields, TooManyFields};
pub(crate) use raw_event::RawEvent;
pub use source::EventSource;

/// A decoded Lambda request: what routing, the pipeline and the guests see.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The event source, detected from the event.
    pub source: EventSource,
    /// The HTTP method as the event carries it.
    pub method: String,
    /// The path as the event carries it (no `strip_prefixes`, no stage).
    pub path: String,
    /// Every header value, names as sent.
    pub headers: Fields,
    /// Headers a REST event names only in its single-value `headers`, when its
    /// `multiValueHeaders` has entries (console test events, trimmed samples): Powertools'
    /// handlers read them (`current_event.headers`), its CORS, compression and validation do
    /// not. The guest gets them after [`Request::headers`].
    pub handler_only_headers: Fields,
    /// Every query value, in order.
    pub query: Fields,
    /// Request cookies.
    pub cookies: Fields,
    /// The body, base64-decoded when the event said so.
    pub body: Vec<u8>,
    /// The event as received, for guests that read any field of it.
    pub raw_event: RawEvent,
}

impl Request {
    /// Every value of a header, by case-insensitive name, in order. Names that differ only in
    /// case (REST APIs keep them apart) are one header, as in Powertools' case-insensitive
    /// dict: the last of them, with its values.
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let spelled = self
            .headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(n, _)| n.as_str());
        self.headers
            .iter()
            .filter(move |(n, _)| Some(n.as_str()) == spelled)
            .map(|(_, v)| v.as_str())
    }

    /// The header value Powertools' "resolved headers" give for single-value uses (CORS
    /// `Origin`): the first value, and on sources whose headers arrive comma-joined, the first
    /// comma-separated item (Powertools splits those values without trimming).
    pub(crate) fn first_header_item<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        let first = self.header_values(name).next()?;
        Some(match self.source.joins_repeated_headers() {
            true => first.split(',').next().unwrap_or(first),
            false => first,
        })
    }
}

/// Parses `Cookie` header values into name/value pairs (RFC 6265 §5.4: `; `-separated).
pub(crate) fn parse_cookie_headers<'a>(
    values: impl Iterator<Item = &'a str>,
) -> Result<Fields, TooManyFields> {
    Fields::bounded(values.flat_map(|v| v.split(';')).filter_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        Some((name.trim().to_string(), value.trim().to_string()))
    }))
}

/// The request cookies of the `Cookie` headers among `headers`, for the sources whose cookies
/// come in headers.
pub(crate) fn cookies_in_headers(headers: &Fields) -> Result<Fields, TooManyFields> {
    parse_cookie_headers(
        headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
            .map(|(_, value)| value.as_str()),
    )
}

#[cfg(test)]
impl Request {
    /// A `POST /` for unit tests: `source`, the headers as sent and the body; nothing else.
    pub(crate) fn for_test(source: EventSource, headers: &[(&str, &str)], body: &[u8]) -> Self {
        Request {
            source,
            method: "POST".into(),
            path: "/".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            handler_only_headers: Fields::new(),
            query: Fields::new(),
            cookies: Fields::new(),
            body: body.to_vec(),
            raw_event: RawEvent::from("{}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_only_in_case_are_one_header_holding_the_last_ones_values() {
        // The headers, and the values of `Accept` they hold.
        type Case = (
            &'static [(&'static str, &'static str)],
            &'static [&'static str],
        );
        let table: [Case; 4] = [
            (&[("Accept", "a"), ("Accept", "b")], &["a", "b"]),
            (&[("ACCEPT", "gzip"), ("x", "1"), ("accept", "br")], &["br"]),
            (
                &[("accept", "a"), ("Accept", "b"), ("accept", "c")],
                &["a", "c"],
            ),
            (&[("x", "1")], &[]),
        ];
        for (headers, want) in table {
            let request = Request::for_test(EventSource::RestV1, headers, b"");
            let got: Vec<_> = request.header_values("Accept").collect();
            assert_eq!(got, want, "{headers:?}");
        }
    }
}
