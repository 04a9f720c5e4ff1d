//! The event's JSON, parsed only as far as the decoders read it.
//!
//! A REST event is mostly headers, twice (single- and multi-value), and a `requestContext`
//! the decoders read four fields of. Building `serde_json::Value`s of all that (a hashed map
//! per object, a `String` per key and value) cost more than everything else the host does for
//! a request. So the event is parsed into [`Json`]: strings borrowed from the event's bytes
//! unless they hold escapes, objects as ordered lists, and `requestContext` cut down to the
//! fields some decoder reads, the rest skipped without allocating. Guests that want the whole
//! event read the raw text, which is kept as received.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// The scalar and array visits shared by [`JsonVisitor`] and `requestContext`'s visitor.
macro_rules! forward_scalars {
    () => {
        fn visit_unit<E>(self) -> Result<Json<'de>, E> {
            Ok(Json::Null)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
            Ok(Json::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
            Ok(Json::Number(v as f64))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
            Ok(Json::Number(v as f64))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
            Ok(Json::Number(v))
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
            Ok(Json::String(Cow::Borrowed(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
            Ok(Json::String(Cow::Owned(v.to_string())))
        }
        fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
            Ok(Json::String(Cow::Owned(v)))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4));
            while let Some(item) = seq.next_element::<Json<'de>>()? {
                items.push(item);
            }
            Ok(Json::Array(items))
        }
    };
}

/// The `requestContext` fields some decoder reads: `elb` (ALB detection), `http` (HTTP API
/// method and path), `domainName` (Function URL detection), `stage` (HTTP API).
const CONTEXT_FIELDS: [&str; 4] = ["elb", "http", "domainName", "stage"];

/// A JSON value borrowing its strings from the event.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// A JSON object's members in the event's order. A key sent twice is one member, where it
/// first came, with the last value, as `serde_json` and Python's `json` read it.
#[derive(Debug, Clone, Default)]
pub(super) struct Object<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
    /// Whether a key was sent twice (so a member's text may lie after a later one's).
    repeats: bool,
}

impl<'a> Json<'a> {
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as JSON text (an integral number without a fraction).
    pub(super) fn to_text(&self) -> String {
        serde_json::Value::from(self).to_string()
    }

    /// Python's truthiness: `false`, `null`, `0`, `""`, `[]` and `{}` are false.
    pub(super) fn is_truthy(&self) -> bool {
        match self {
            Json::Null => false,
            Json::Bool(b) => *b,
            Json::Number(n) => *n != 0.0,
            Json::String(s) => !s.is_empty(),
            Json::Array(items) => !items.is_empty(),
            Json::Object(members) => !members.is_empty(),
        }
    }

    pub(super) fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub(super) fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The member `key` when this is an object that has it.
    pub(super) fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?.get(key)
    }
}

impl From<&Json<'_>> for serde_json::Value {
    fn from(json: &Json<'_>) -> Self {
        match json {
            Json::Null => Self::Null,
            Json::Bool(b) => Self::Bool(*b),
            Json::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Self::from(*n as i64),
            Json::Number(n) => Self::from(*n),
            Json::String(s) => Self::String(s.to_string()),
            Json::Array(items) => Self::Array(items.iter().map(Self::from).collect()),
            Json::Object(members) => Self::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.to_string(), Self::from(v)))
                    .collect(),
            ),
        }
    }
}

/// Objects are equal when they have the same members in the same order: how the text spelt
/// them (a repeated key) is not part of the value.
impl PartialEq for Object<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.members == other.members
    }
}

impl<'a> Object<'a> {
    /// The value of `key`.
    pub(super) fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(super) fn contains_key(&self, key: &str) -> bool {
        self.members.iter().any(|(k, _)| k == key)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Whether a key came twice (so the members' order is not the text's).
    pub(super) fn has_repeats(&self) -> bool {
        self.repeats
    }

    /// The member names, in order.
    pub(super) fn names(&self) -> impl ExactSizeIterator<Item = &Cow<'a, str>> {
        self.members.iter().map(|(k, _)| k)
    }

    /// The members in the event's order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

/// The event's top-level object with `requestContext` cut down to [`CONTEXT_FIELDS`];
/// `Ok(None)` when the JSON is not an object.
pub(super) fn parse(raw: &str) -> Result<Option<Object<'_>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw);
    let parsed = de.deserialize_any(Top)?;
    de.end()?;
    Ok(parsed)
}

/// The text of the top-level member `name` of the object `raw` (the last when repeated); the
/// other members are skipped without being built.
pub(super) fn member<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    struct Member<'n>(&'n str);
    impl<'de> Visitor<'de> for Member<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.0 == self.0 {
                    true => found = Some(map.next_value::<&'de RawValue>()?),
                    false => _ = map.next_value::<IgnoredAny>()?,
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw);
    let found = de.deserialize_map(Member(name)).ok()?;
    de.end().ok()?;
    found.map(RawValue::get)
}

/// Visits the top level: an object is the event; any other JSON is valid but not an event.
struct Top;

impl<'de> Visitor<'de> for Top {
    type Value = Option<Object<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // Every top-level member is kept, none skipped: `RawEvent` finds a member's value
        // between its name and the next name in the list.
        visit_object(map, |key| match key {
            "requestContext" => Member::Context,
            _ => Member::Keep,
        })
        .map(|json| match json {
            Json::Object(object) => Some(object),
            _ => None,
        })
    }

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
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// What to do with an object member.
enum Member {
    Keep,
    Skip,
    /// `requestContext`: keep only [`CONTEXT_FIELDS`].
    Context,
}

/// The key serde_json's `arbitrary_precision` hands a number under, as a one-member map of its
/// text: serde_json's own (private) name, which serde's buffered content reads the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// An object, or a number that `arbitrary_precision` sent as a map of its text.
fn visit_object<'de, A: MapAccess<'de>>(
    mut map: A,
    member: impl Fn(&str) -> Member,
) -> Result<Json<'de>, A::Error> {
    let mut members: Vec<(Cow<'de, str>, Json<'de>)> =
        Vec::with_capacity(map.size_hint().unwrap_or(8));
    // One bit per key signature seen: only a key whose bit is set can be a repeat, so the
    // common case (no repeats) never compares keys.
    let mut seen = 0u64;
    let mut repeats = false;
    while let Some(key) = map.next_key::<Key<'de>>()? {
        if members.is_empty() && !repeats && key.0 == NUMBER_TOKEN {
            let text = map.next_value::<Cow<'de, str>>()?;
            return Ok(Json::Number(text.parse().unwrap_or(f64::NAN)));
        }
        let value = match member(&key.0) {
            Member::Keep => map.next_value::<Json<'de>>()?,
            Member::Skip => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            Member::Context => map.next_value_seed(Context)?,
        };
        let bit = 1u64 << (signature(&key.0) % 64);
        if seen & bit != 0
            && let Some(slot) = members.iter_mut().find(|(k, _)| *k == key.0)
        {
            slot.1 = value;
            repeats = true;
            continue;
        }
        seen |= bit;
        members.push((key.0, value));
    }
    Ok(Json::Object(Object { members, repeats }))
}

/// A cheap summary of a key: equal keys have equal signatures.
fn signature(key: &str) -> usize {
    let bytes = key.as_bytes();
    let first = bytes.first().copied().unwrap_or_default() as usize;
    let last = bytes.last().copied().unwrap_or_default() as usize;
    bytes.len().wrapping_mul(31) ^ first.wrapping_mul(7) ^ last
}

/// A member name, borrowed unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(JsonVisitor)
            .and_then(|value| match value {
                Json::String(s) => Ok(Key(s)),
                _ => Err(serde::de::Error::custom("a member name")),
            })
    }
}

/// `requestContext`, cut down when it is an object.
struct Context;

impl<'de> DeserializeSeed<'de> for Context {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        struct ContextVisitor;
        impl<'de> Visitor<'de> for ContextVisitor {
            type Value = Json<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("requestContext")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json<'de>, A::Error> {
                visit_object(map, |key| match CONTEXT_FIELDS.contains(&key) {
                    true => Member::Keep,
                    false => Member::Skip,
                })
            }
            forward_scalars!();
        }
        deserializer.deserialize_any(ContextVisitor)
    }
}

impl<'de> serde::Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json<'de>, A::Error> {
        visit_object(map, |_| Member::Keep)
    }

    forward_scalars!();
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parsed(event: serde_json::Value) -> String {
        let text = event.to_string();
        let object = parse(&text).unwrap().unwrap();
        format!("{object:?}")
    }

    #[test]
    fn request_context_keeps_only_what_decoders_read() {
        let event = json!({
            "path": "/a", "headers": {"a": "b"},
            "requestContext": {"stage": "Prod", "identity": {"sourceIp": "1.2.3.4"}, "http": {"method": "GET"},
                "elb": {}, "domainName": "x.lambda-url.y", "requestTimeEpoch": 1},
        });
        let text = event.to_string();
        let object = parse(&text).unwrap().unwrap();
        assert_eq!(
            object.get("headers").unwrap().get("a").unwrap().as_str(),
            Some("b")
        );
        let context = object.get("requestContext").unwrap().as_object().unwrap();
        let kept: Vec<_> = context.iter().map(|(k, _)| k).collect();
        assert_eq!(kept, ["stage", "http", "elb", "domainName"]);
        assert_eq!(
            context.get("http").unwrap().get("method").unwrap().as_str(),
            Some("GET")
        );
        assert!(parsed(event).contains("\"x.lambda-url.y\""));
    }

    #[test]
    fn strings_are_borrowed_unless_escaped_and_unescaped_when_not() {
        let text = r#"{"plain": "abc", "escaped": "a\"b\u00fc", "list": [1, true, null, "x"]}"#;
        let object = parse(text).unwrap().unwrap();
        assert!(matches!(
            object.get("plain"),
            Some(Json::String(Cow::Borrowed("abc")))
        ));
        assert_eq!(object.get("escaped").unwrap().as_str(), Some("a\"bü"));
        assert_eq!(
            object.get("list").unwrap().as_array().unwrap(),
            [
                Json::Number(1.0),
                Json::Bool(true),
                Json::Null,
                Json::String("x".into())
            ]
        );
    }

    #[test]
    fn a_repeated_key_is_one_member_in_its_first_place_with_its_last_value() {
        let object = parse(r#"{"a": "1", "b": "2", "a": "3", "c": {"x": 1, "x": null}}"#)
            .unwrap()
            .unwrap();
        let members: Vec<_> = object.iter().map(|(k, v)| (k, v.clone())).collect();
        assert_eq!(members[0], ("a", Json::String("3".into())));
        assert_eq!(members[1].0, "b");
        assert_eq!(members.len(), 3);
        let inner = object.get("c").unwrap().as_object().unwrap();
        assert_eq!(inner.iter().collect::<Vec<_>>(), [("x", &Json::Null)]);
    }

    #[test]
    fn objects_are_equal_by_their_members_whatever_keys_were_repeated() {
        let repeated = parse(r#"{"a": "1", "a": "2"}"#).unwrap().unwrap();
        let once = parse(r#"{"a": "2"}"#).unwrap().unwrap();
        assert!(repeated.has_repeats() && !once.has_repeats());
        assert_eq!(repeated, once);
        assert_ne!(once, parse(r#"{"a": "1"}"#).unwrap().unwrap());
    }

    #[test]
    fn many_keys_with_repeats_read_as_serde_json_reads_them() {
        // Far more keys than signature bits, so signatures collide and repeats are found
        // among them.
        let mut text = String::from("{");
        for i in 0..300 {
            text.push_str(&format!("\"key-{}\": \"{i}\",", i % 170));
        }
        text.push_str("\"end\": \"!\"}");
        let expected: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap();
        let object = parse(&text).unwrap().unwrap();
        let got: Vec<_> = object
            .iter()
            .map(|(k, v)| (k, v.as_str().unwrap()))
            .collect();
        let want: Vec<_> = expected
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_member_is_its_text_as_sent_the_last_when_repeated() {
        let text = r#"{"a": {"x" : [1, "\u00fc"]}, "b": null, "a": "last", "c": 2}"#;
        let cases = [
            ("a", Some(r#""last""#)),
            ("b", Some("null")),
            ("c", Some("2")),
            ("x", None),
        ];
        for (name, want) in cases {
            assert_eq!(member(text, name), want, "{name}");
        }
        assert_eq!(
            member(r#"{"h": {"x" : [1, "\u00fc"]}}"#, "h"),
            Some(r#"{"x" : [1, "\u00fc"]}"#)
        );
        for not_an_object in ["[]", "1", "{\"a\": }", "{} x"] {
            assert_eq!(member(not_an_object, "a"), None, "{not_an_object}");
        }
    }

    #[test]
    fn other_json_is_not_an_object_and_bad_json_is_an_error() {
        for text in ["[]", "1", "\"s\"", "null", "true"] {
            assert_eq!(parse(text).unwrap(), None, "{text}");
        }
        assert!(parse("{\"a\": }").is_err());
        assert!(parse("{} x").is_err());
        assert_eq!(
            parse("{\"requestContext\": null}")
                .unwrap()
                .unwrap()
                .get("requestContext"),
            Some(&Json::Null)
        );
    }
}
