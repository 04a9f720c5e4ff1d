//! The event as received, for guests that read fields of it the host does not decode.

use std::borrow::Cow;
use std::sync::Arc;

use crate::json::{self, Object};

/// Events with more top-level members than this are not indexed (REST events have 13).
const INDEXED_MEMBERS: usize = 24;

/// The event's text, and where its top-level member names lie in it, so that a guest's
/// `raw-event-member` is a slice of the text rather than another parse of it. Cloning is
/// cheap: the text is shared.
#[derive(Debug, Clone)]
pub(crate) struct RawEvent {
    text: Arc<str>,
    /// Where each top-level name starts (after its opening quote), in order, when the parse
    /// borrowed every name from the text and none came twice; else members are scanned for.
    names: Option<NameStarts>,
}

#[derive(Debug, Clone)]
struct NameStarts {
    starts: [u32; INDEXED_MEMBERS],
    len: usize,
}

impl RawEvent {
    /// `text`, whose top-level object the decoder parsed as `object`.
    pub(crate) fn indexed(text: &str, object: &Object<'_>) -> Self {
        Self {
            names: name_starts(text, object),
            text: Arc::from(text),
        }
    }

    /// The event's text, as received.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The JSON text of the top-level member `name`, as received: the last one when the event
    /// repeats it (as a JSON tree keeps it); `None` when the event has no such member or is
    /// not a JSON object.
    pub(crate) fn member(&self, name: &str) -> Option<&str> {
        match &self.names {
            // Every name of an indexed event was borrowed from its text, so none holds a `"`
            // or `\` (both come escaped); such a name is not there, and matching it against
            // the text could run past a name's closing quote.
            Some(_) if name.contains(['"', '\\']) => None,
            Some(names) => {
                let starts = &names.starts[..names.len];
                let bytes = self.text.as_bytes();
                let index = starts.iter().position(|&start| {
                    let start = start as usize;
                    self.text.get(start..start + name.len()) == Some(name)
                        && bytes.get(start + name.len()) == Some(&b'"')
                })?;
                let value = value_after(&self.text, starts, index, name.len());
                debug_assert!(value.is_some(), "a located name is followed by its value");
                value.or_else(|| json::member(&self.text, name))
            }
            None => json::member(&self.text, name),
        }
    }
}

impl From<&str> for RawEvent {
    /// An event whose members are found by scanning its text.
    fn from(text: &str) -> Self {
        Self {
            text: Arc::from(text),
            names: None,
        }
    }
}

/// Where each member name of `object`, parsed from `raw`, starts in `raw`: found from the
/// names' places, as the parse borrowed them. `None` when a name held escapes (so the parse
/// copied it, and its place is unknown), a name came twice, or there are too many.
fn name_starts(raw: &str, object: &Object<'_>) -> Option<NameStarts> {
    if object.has_repeats() || object.names().len() > INDEXED_MEMBERS {
        return None;
    }
    let base = raw.as_ptr() as usize;
    let mut names = NameStarts {
        starts: [0; INDEXED_MEMBERS],
        len: 0,
    };
    for name in object.names() {
        let Cow::Borrowed(name) = name else {
            return None;
        };
        let start = (name.as_ptr() as usize).checked_sub(base)?;
        names.starts[names.len] = u32::try_from(start).ok()?;
        names.len += 1;
    }
    Some(names)
}

/// The value of member `index`, whose name is `name_len` bytes: the text between the `:`
/// after its name and the next name's opening quote (less the `,`), or the object's closing
/// `}` for the last member, without the whitespace around it.
fn value_after<'t>(
    text: &'t str,
    starts: &[u32],
    index: usize,
    name_len: usize,
) -> Option<&'t str> {
    let value_start = starts[index] as usize + name_len + 1;
    let (end, followed) = match starts.get(index + 1) {
        Some(&next) => ((next as usize).checked_sub(1)?, true),
        None => (text.rfind('}')?, false),
    };
    let value = text
        .get(value_start..end)?
        .trim_start_matches(is_json_space);
    let value = value.strip_prefix(':')?.trim_matches(is_json_space);
    match followed {
        true => Some(value.strip_suffix(',')?.trim_end_matches(is_json_space)),
        false => Some(value),
    }
}

/// JSON's insignificant whitespace.
fn is_json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member of `text` (and a name it lacks), found from the index and by a scan.
    fn found_both_ways(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let object = json::parse(text).unwrap().unwrap();
        let indexed = RawEvent::indexed(text, &object);
        let scanned = RawEvent::from(text);
        let mut names: Vec<String> = object.iter().map(|(k, _)| k.to_string()).collect();
        // Names the event lacks, some of them running from a name into its value.
        names.extend(["absent", "", "a\":{\"k", "a\":\"x\\", "headers\""].map(String::from));
        names
            .into_iter()
            .map(|name| {
                let by_index = indexed.member(&name).map(str::to_string);
                let by_scan = scanned.member(&name).map(str::to_string);
                (name, by_index, by_scan)
            })
            .collect()
    }

    fn is_indexed(text: &str) -> bool {
        let object = json::parse(text).unwrap().unwrap();
        RawEvent::indexed(text, &object).names.is_some()
    }

    #[test]
    fn members_found_from_the_index_are_those_a_scan_finds() {
        let events = [
            r#"{"a": 1, "b": "x", "c": {"d": [1, 2]}, "e": null}"#,
            "{\"a\":1,\"b\":\"x\"}",
            "  {\r\n\t\"a\" :\n [ 1 , {\"x\":\"}\"} ] ,\n \"b\"\t:\t\"v,\" \n}\n ",
            r#"{"headers": {"X-Api-Key": "k", "a": "b\"c"}, "body": "{\"x\": 1}"}"#,
            // A name that begins another: `head` is not `headers`.
            r#"{"headers": {"h": 1}, "head": 2, "": 3}"#,
            r#"{"only": {}}"#,
            r#"{"a":{"k":1},"b":2}"#,
            r#"{"a":{"k":1}}"#,
            r#"{"a":"x\":1","b":2}"#,
            "{}",
            // A name with escapes is copied by the parse: the members are scanned for.
            r#"{"a\u0062": 1, "c": 2}"#,
            // A repeated name: the last one's value, scanned for.
            r#"{"a": 1, "b": 2, "a": 3}"#,
        ];
        for text in events {
            for (name, by_index, by_scan) in found_both_ways(text) {
                assert_eq!(by_index, by_scan, "{text}: member {name}");
            }
        }
        let text = r#"{"a": {"x" : [1, "\u00fc"]} , "b": "s"}"#;
        let raw = RawEvent::indexed(text, &json::parse(text).unwrap().unwrap());
        assert_eq!(raw.member("a"), Some(r#"{"x" : [1, "\u00fc"]}"#));
        assert_eq!(raw.member("b"), Some(r#""s""#));
    }

    #[test]
    fn names_are_indexed_when_the_parse_borrowed_them_all_once() {
        assert!(is_indexed(r#"{"a": 1, "b": [true]}"#));
        assert!(!is_indexed(r#"{"a\u0062": 1}"#));
        assert!(!is_indexed(r#"{"a": 1, "a": 2}"#));
        let many: Vec<String> = (0..=INDEXED_MEMBERS)
            .map(|i| format!("\"k{i}\": {i}"))
            .collect();
        let text = format!("{{{}}}", many.join(", "));
        assert!(!is_indexed(&text));
        assert_eq!(RawEvent::from(text.as_str()).member("k3"), Some("3"));
    }

    #[test]
    fn every_shared_sample_event_is_indexed_and_its_members_found() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance/events"
        );
        let entries = std::fs::read_dir(dir).expect("the shared conformance events");
        let mut indexed = 0;
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            indexed += usize::from(is_indexed(&text));
            for (name, by_index, by_scan) in found_both_ways(&text) {
                assert_eq!(by_index, by_scan, "{:?}: member {name}", entry.file_name());
            }
        }
        assert!(indexed > 20, "only {indexed} events were indexed");
    }
}
