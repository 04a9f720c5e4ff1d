//! [`Decimal`]: a decimal number kept as the text it was sent as (Pydantic's `Decimal`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A decimal number as its digits (`"123.45"`), never rounded through a float: what a
/// Powertools model declares as `Decimal`. It reads from a JSON number or a numeric string
/// and writes as a string, as Pydantic writes a `Decimal`; two are equal when their text is
/// (`1.50` is not `1.5`, unlike Python's). Its schema is
/// `{"type": "string", "format": "decimal"}`; with validation on, the host takes a number or
/// a numeric string for it (`decimal_parsing` otherwise) and checks `max_digits` and
/// `decimal_places` given as `#[schemars(extend("x-max-digits" = 5, "x-decimal-places" = 2))]`.
///
/// ```
/// use switchyard_sdk::Decimal;
///
/// let price: Decimal = serde_json::from_str("12.50").unwrap();
/// assert_eq!(price.as_str(), "12.50");
/// assert_eq!(serde_json::to_string(&price).unwrap(), r#""12.50""#);
/// assert!("twelve".parse::<Decimal>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// Its text, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

/// Text that is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDecimal(String);

impl fmt::Display for InvalidDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a decimal number", self.0)
    }
}

impl std::error::Error for InvalidDecimal {}

impl FromStr for Decimal {
    type Err = InvalidDecimal;

    /// A finite number as Python's `Decimal` reads one (`-1.5`, `2e3`, `1_000`), by the
    /// grammar the host checks `Decimal` fields with (`switchyard_pyjson::decimal`).
    fn from_str(text: &str) -> Result<Self, InvalidDecimal> {
        let text = text.trim();
        match switchyard_pyjson::decimal::digits(text) {
            Some(_) => Ok(Decimal(text.to_string())),
            None => Err(InvalidDecimal(text.to_string())),
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read as a `Value`, which keeps a number's digits (`arbitrary_precision`).
        match Value::deserialize(deserializer)? {
            Value::Number(n) => Ok(Decimal(n.to_string())),
            Value::String(s) => s.parse().map_err(D::Error::custom),
            other => Err(D::Error::custom(format!("expected a decimal, got {other}"))),
        }
    }
}

impl JsonSchema for Decimal {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "decimal"})
    }
}
