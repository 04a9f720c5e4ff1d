//! The event as received, for guests that read fields of it the host does not decode.

use super::json::{self, MemberSpan, Object};

/// The event's text, and where its top-level members lie in it. A guest's
/// `raw-event-member` is then a slice of the text, not another parse of it.
#[derive(Debug, Clone)]
pub struct RawEvent {
    text: String,
    /// The members' places, found while decoding; `None` when they could not be
    /// (`json::member_spans`), and [`RawEvent::member`] scans instead.
    members: Option<Vec<MemberSpan>>,
}

impl RawEvent {
    /// `text`, whose top-level object the decoder parsed as `object`.
    pub(super) fn indexed(text: &str, object: &Object<'_>) -> Self {
        Self {
            members: json::member_spans(text, object),
            text: text.to_string(),
        }
    }

    /// The event's text, as received.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The JSON text of the top-level member `name`, as received: the last one when the event
    /// repeats it (as a JSON tree keeps it); `None` when the event has no such member or is
    /// not a JSON object.
    pub fn member(&self, name: &str) -> Option<&str> {
        let Some(members) = &self.members else {
            return json::member(&self.text, name);
        };
        let text =
            |range: &std::ops::Range<u32>| &self.text[range.start as usize..range.end as usize];
        members
            .iter()
            .find(|m| text(&m.name) == name)
            .map(|m| text(&m.value))
    }
}

impl From<&str> for RawEvent {
    /// An event whose members are found by scanning its text.
    fn from(text: &str) -> Self {
        Self {
            text: text.to_string(),
            members: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member of `text` (and a name it lacks), found from the spans and by a scan.
    fn found_both_ways(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let object = json::parse(text).unwrap().unwrap();
        let indexed = RawEvent::indexed(text, &object);
        let scanned = RawEvent::from(text);
        let mut names: Vec<String> = object.iter().map(|(k, _)| k.to_string()).collect();
        names.push("absent".into());
        names
            .into_iter()
            .map(|name| {
                let by_span = indexed.member(&name).map(str::to_string);
                let by_scan = scanned.member(&name).map(str::to_string);
                (name, by_span, by_scan)
            })
            .collect()
    }

    #[test]
    fn members_found_from_the_parse_are_those_a_scan_finds() {
        let events = [
            r#"{"a": 1, "b": "x", "c": {"d": [1, 2]}, "e": null}"#,
            "{\"a\":1,\"b\":\"x\"}",
            "  {\r\n\t\"a\" :\n [ 1 , {\"x\":\"}\"} ] ,\n \"b\"\t:\t\"v,\" \n}\n ",
            r#"{"headers": {"X-Api-Key": "k", "a": "b\"c"}, "body": "{\"x\": 1}"}"#,
            r#"{"only": {}}"#,
            "{}",
            // A name with escapes is copied by the parse: the members are scanned for.
            r#"{"a\u0062": 1, "c": 2}"#,
            // A repeated name: the last one's value, scanned for.
            r#"{"a": 1, "b": 2, "a": 3}"#,
        ];
        for text in events {
            for (name, by_span, by_scan) in found_both_ways(text) {
                assert_eq!(by_span, by_scan, "{text}: member {name}");
            }
        }
        let text = r#"{"a": {"x" : [1, "\u00fc"]} , "b": "s"}"#;
        let raw = RawEvent::indexed(text, &json::parse(text).unwrap().unwrap());
        assert_eq!(raw.member("a"), Some(r#"{"x" : [1, "\u00fc"]}"#));
        assert_eq!(raw.member("b"), Some(r#""s""#));
        let repeated = r#"{"a": 1, "b": 2, "a": 3}"#;
        let raw = RawEvent::indexed(repeated, &json::parse(repeated).unwrap().unwrap());
        assert_eq!(raw.member("a"), Some("3"));
    }

    #[test]
    fn names_are_located_when_the_parse_borrowed_them() {
        let text = r#"{"a": 1, "b": [true]}"#;
        let object = json::parse(text).unwrap().unwrap();
        assert!(json::member_spans(text, &object).is_some());
        for text in [r#"{"a\u0062": 1}"#, r#"{"a": 1, "a": 2}"#] {
            let object = json::parse(text).unwrap().unwrap();
            assert_eq!(json::member_spans(text, &object), None, "{text}");
        }
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
            let object = json::parse(&text).unwrap().unwrap();
            indexed += usize::from(json::member_spans(&text, &object).is_some());
            for (name, by_span, by_scan) in found_both_ways(&text) {
                assert_eq!(by_span, by_scan, "{:?}: member {name}", entry.file_name());
            }
        }
        assert!(indexed > 20, "only {indexed} events were indexed");
    }
}
