//! Typed values from the request's text parameters (path, query, headers) on routes the host
//! does not validate: each value is parsed as the type asks, as axum's `Path` and `Query`
//! read them (`"5"` as a `u32`, `"true"` as a `bool`, a repeated query name as a `Vec`).
//! With validation on, the host has already coerced them to the declared types, as Pydantic
//! does, and this is not used.
//!
//! Written by hand: serde_urlencoded reads structs only (not `Path<u32>` or a tuple), and
//! serde_plain reads one value (not a struct).

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// Reads `T` from named text values in order: a struct or map by name (a field takes its
/// parameter's last value, or every value when it is a sequence), a tuple or sequence by
/// position, and anything else from the first value. The error says which parameter failed
/// (its path, `.` for the whole value).
pub(crate) fn from_texts<'a, T: DeserializeOwned>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, &'a str)>,
) -> Result<T, serde_path_to_error::Error<Error>> {
    /// Names past which they are looked up by hash: a request may carry any number, and
    /// scanning is cheaper for the few most carry.
    const SCANNED: usize = 16;
    let mut named: Vec<(Cow<'a, str>, Vec<&'a str>)> = Vec::new();
    let mut index: HashMap<Cow<'a, str>, usize> = HashMap::new();
    for (name, value) in pairs {
        let at = match named.len() > SCANNED {
            true => index.get(&name).copied(),
            false => named.iter().position(|(n, _)| *n == name),
        };
        match at {
            Some(at) => named[at].1.push(value),
            None => {
                if named.len() == SCANNED {
                    index.extend(named.iter().enumerate().map(|(i, (n, _))| (n.clone(), i)));
                }
                if named.len() >= SCANNED {
                    index.insert(name.clone(), named.len());
                }
                named.push((name, vec![value]));
            }
        }
    }
    serde_path_to_error::deserialize(Params(named))
}

/// Parameters by name, each with its values in the request's order.
struct Params<'a>(Vec<(Cow<'a, str>, Vec<&'a str>)>);

impl<'a> Params<'a> {
    fn by_name(
        self,
    ) -> MapDeserializer<'a, impl Iterator<Item = (Cow<'a, str>, Values<'a>)>, Error> {
        // By name, a scalar field takes its parameter's last value.
        let one = Pick::Last;
        MapDeserializer::new(
            self.0
                .into_iter()
                .map(move |(name, values)| (name, Values { values, one })),
        )
    }

    /// Every value in order, a scalar taking the first.
    fn in_order(self) -> Values<'a> {
        Values {
            values: self.0.into_iter().flat_map(|(_, v)| v).collect(),
            one: Pick::First,
        }
    }
}

/// Forwards each named method to the deserializer `$to` makes of `self`.
macro_rules! forward_to {
    ($to:ident: $($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                self.$to().$method(visitor)
            }
        )*
    };
}

/// A struct or map reads the parameters by name; anything else, every value in order.
impl<'de> de::Deserializer<'de> for Params<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(self.by_name())
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(self.by_name())
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.is_empty() {
            true => visitor.visit_none(),
            false => visitor.visit_some(self),
        }
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.in_order().deserialize_tuple(len, visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.in_order().deserialize_tuple(len, visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.in_order().deserialize_enum(name, variants, visitor)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.is_empty() {
            true => visitor.visit_unit(),
            false => self.in_order().deserialize_unit(visitor),
        }
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }
    forward_to! { in_order:
        deserialize_seq deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_identifier deserialize_ignored_any
    }
    forward_to_deserialize_any! { map }
}

/// Which value a scalar reads of several.
#[derive(Clone, Copy)]
enum Pick {
    First,
    Last,
}

/// Values in order: a sequence when one is asked for, else one of them.
struct Values<'a> {
    values: Vec<&'a str>,
    one: Pick,
}

impl<'a> Values<'a> {
    fn one(&self) -> Text<'a> {
        Text(
            match self.one {
                Pick::First => self.values.first(),
                Pick::Last => self.values.last(),
            }
            .copied(),
        )
    }

    fn each(self) -> SeqDeserializer<impl Iterator<Item = Text<'a>>, Error> {
        SeqDeserializer::new(self.values.into_iter().map(Some).map(Text))
    }
}

impl<'de> IntoDeserializer<'de, Error> for Values<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Values<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.one().deserialize_any(visitor)
    }
    // Through `deserialize_any`, which also refuses values left over (a tuple too short).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.each().deserialize_any(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.each().deserialize_any(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.one().deserialize_enum(name, variants, visitor)
    }
    forward_to! { one:
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier deserialize_ignored_any
    }
    forward_to_deserialize_any! { map struct unit_struct tuple_struct }
}

/// One text value (none when no parameter was sent), parsed as the type asks.
struct Text<'a>(Option<&'a str>);

impl<'de> IntoDeserializer<'de, Error> for Text<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'a> Text<'a> {
    fn text(&self) -> Result<&'a str, Error> {
        self.0.ok_or_else(|| de::Error::custom("no value"))
    }
}

/// `deserialize_*` methods that parse the text with `FromStr` as `$ty` and visit it.
macro_rules! parse_as {
    ($($method:ident => $visit:ident: $ty:ty,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                let text = self.text()?;
                match text.parse::<$ty>() {
                    Ok(value) => visitor.$visit(value),
                    Err(_) => Err(de::Error::custom(format!(
                        "`{text}` is not a valid {}",
                        stringify!($ty)
                    ))),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Text<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.text()?)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // A unit variant by its (serde) name.
        visitor.visit_enum(self.text()?.into_deserializer())
    }
    parse_as! {
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
        deserialize_char => visit_char: char,
    }
    forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    fn read<'a, T: DeserializeOwned>(pairs: &[(&'a str, &'a str)]) -> Result<T, String> {
        from_texts(pairs.iter().map(|&(n, v)| (Cow::Borrowed(n), v)))
            .map_err(|e| e.inner().to_string())
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Color {
        Red,
        Blue,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Search {
        q: String,
        limit: u32,
        exact: Option<bool>,
        tags: Vec<String>,
        color: Option<Color>,
        #[serde(default)]
        ratio: f64,
    }

    #[test]
    fn scalars_tuples_and_structs_are_read_from_text() {
        assert_eq!(read::<u32>(&[("id", "5")]), Ok(5));
        assert_eq!(read::<String>(&[("name", "ann")]), Ok("ann".into()));
        assert_eq!(
            read::<(String, i64)>(&[("user", "ann"), ("n", "-3")]),
            Ok(("ann".into(), -3))
        );
        assert_eq!(
            read::<Search>(&[
                ("tags", "a"),
                ("q", "lamp"),
                ("limit", "10"),
                ("tags", "b"),
                ("exact", "true"),
                ("color", "blue"),
            ]),
            Ok(Search {
                q: "lamp".into(),
                limit: 10,
                exact: Some(true),
                tags: vec!["a".into(), "b".into()],
                color: Some(Color::Blue),
                ratio: 0.0,
            })
        );
        // Absent optional fields are `None`; a repeated name read as one value is its last.
        let search: Search =
            read(&[("q", "x"), ("q", "y"), ("limit", "1"), ("tags", "t")]).unwrap();
        assert_eq!(
            (search.q.as_str(), search.exact, search.color),
            ("y", None, None)
        );
        // Names and values of every parameter, as text.
        let all: BTreeMap<String, String> = read(&[("a", "1"), ("b", "two")]).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(read::<Option<u8>>(&[]), Ok(None));
        assert_eq!(read::<()>(&[]), Ok(()));
    }

    #[test]
    fn many_names_each_keep_their_values_in_order() {
        let names: Vec<String> = (0..2_000).map(|i| format!("p{i}")).collect();
        let mut pairs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "first")).collect();
        pairs.extend(names.iter().rev().map(|n| (n.as_str(), "second")));
        let all: BTreeMap<String, Vec<String>> = read(&pairs).unwrap();
        assert_eq!(all.len(), 2_000);
        assert!(all.values().all(|values| values == &["first", "second"]));
        // In order, the names come as first seen.
        let in_order: Vec<String> = read(&pairs).unwrap();
        assert_eq!(in_order.len(), 4_000);
        assert_eq!(
            (in_order[0].as_str(), in_order[1].as_str()),
            ("first", "second")
        );
    }

    #[test]
    fn text_that_is_not_the_type_says_which_value_failed() {
        let table: [(Result<(), String>, &str); 5] = [
            (
                read::<u32>(&[("id", "abc")]).map(drop),
                "`abc` is not a valid u32",
            ),
            (
                read::<u8>(&[("id", "300")]).map(drop),
                "`300` is not a valid u8",
            ),
            (
                read::<bool>(&[("on", "yes")]).map(drop),
                "`yes` is not a valid bool",
            ),
            (
                read::<Search>(&[("q", "x"), ("limit", "-1"), ("tags", "t")]).map(drop),
                "`-1` is not a valid u32",
            ),
            (
                read::<Search>(&[("q", "x")]).map(drop),
                "missing field `limit`",
            ),
        ];
        for (result, message) in table {
            assert_eq!(result, Err(message.to_string()));
        }
        assert!(
            read::<Color>(&[("c", "green")])
                .unwrap_err()
                .contains("unknown variant `green`")
        );
        // A tuple takes exactly as many values as it has places.
        let extra = read::<(String, u32)>(&[("a", "x"), ("b", "1"), ("c", "2")]).unwrap_err();
        assert!(extra.contains("invalid length 3"), "{extra}");
        let short = read::<(String, u32)>(&[("a", "x")]).unwrap_err();
        assert!(short.contains("invalid length 1"), "{short}");
        assert!(read::<()>(&[("id", "1")]).is_err());
    }
}
