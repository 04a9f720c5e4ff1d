//! JSON as Powertools' default serializer writes it:
//! `json.dumps(obj, separators=(",", ":"))`, which with Python's defaults means
//!
//! - `ensure_ascii`: every character past ASCII, and DEL, is written as `\uXXXX` (a pair of
//!   them past the Basic Multilingual Plane);
//! - floats as Python's `repr` writes them: `1e-05`, `1e+16`, `100.0`.
//!
//! serde_json writes the same compact separators and key order; [`to_string`] changes only
//! those two. Written by hand because no crate formats JSON as CPython's `json` does.
//!
//! ```
//! use serde_json::json;
//! let body = switchyard_pyjson::to_string(&json!({"msg": "héllo ✓ 😀", "n": 1.5e-5, "big": 1e16}))?;
//! assert_eq!(body, r#"{"msg":"h\u00e9llo \u2713 \ud83d\ude00","n":1.5e-05,"big":1e+16}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod decimal;

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// A serde_json formatter writing floats as Python's `repr` does; [`to_string`] adds the
/// escaping of non-ASCII text.
#[derive(Debug, Clone, Copy, Default)]
pub struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(python_float_repr(f64::from(value)).as_bytes())
    }

    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(python_float_repr(value).as_bytes())
    }

    /// A number kept as its JSON text (serde_json's `arbitrary_precision`): an integer as its
    /// digits, whatever their count, as Python's `int`; anything else as the float Python
    /// reads it as (`1.50` is `1.5`, `1e5` is `100000.0`, `1e400` is `Infinity`).
    fn write_number_str<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        value: &str,
    ) -> io::Result<()> {
        if value.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
            let float: f64 = value.parse().unwrap_or(f64::NAN);
            return writer.write_all(python_float_repr(float).as_bytes());
        }
        // `-0` is Python's int 0.
        match value.trim_start_matches('-').bytes().all(|b| b == b'0') {
            true => writer.write_all(b"0"),
            false => writer.write_all(value.as_bytes()),
        }
    }
}

/// `value` as Powertools' default serializer writes it.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    value.serialize(&mut serializer)?;
    // serde_json writes UTF-8 only.
    Ok(ensure_ascii(String::from_utf8(out).unwrap_or_default()))
}

/// `ensure_ascii` over finished JSON: every character past ASCII, and DEL, as `\uXXXX`.
/// Outside strings JSON is ASCII, so the whole text can be rewritten at once: one fast scan
/// for the usual all-ASCII text, rather than a check per string fragment.
fn ensure_ascii(json: String) -> String {
    if json.is_ascii() && !json.as_bytes().contains(&0x7f) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if c.is_ascii() && c != '\x7f' {
            out.push(c);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            // Writing to a `String` cannot fail.
            let _ = write!(out, "\\u{unit:04x}");
        }
    }
    out
}

/// Python's `repr(float)`: the shortest digits that read back to `value`, in fixed notation
/// for exponents from -4 to 15 (with `.0` when whole), else as `d.ddde±XX`; non-finite values
/// as Python's `json` writes them (`NaN`, `Infinity`): serde_json writes a non-finite `f64` as
/// `null` before a formatter sees it, but number text past `f64`'s range (`1e400`) reads as
/// Python's infinity.
pub fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value < 0.0 { "-Infinity" } else { "Infinity" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_string();
    }
    // The usual case: Rust's `Display` writes the same shortest digits in fixed notation.
    if (1e-4..1e16).contains(&value.abs()) {
        let mut fixed = value.to_string();
        if !fixed.contains('.') {
            fixed.push_str(".0");
        }
        return fixed;
    }
    // Past that, `d.ddde±XX`: Rust's `{:e}` gives the same shortest digits.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{exponent_sign}{:02}", exponent.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers as their JSON text, re-written as CPython 3.11's `json.dumps(json.loads(text))`
    /// writes them.
    #[test]
    fn number_text_is_written_as_python_reads_and_writes_it() {
        let table = [
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            (
                "-123456789012345678901234567890",
                "-123456789012345678901234567890",
            ),
            ("-0", "0"),
            ("7", "7"),
            ("1.50", "1.5"),
            ("1.0e5", "100000.0"),
            ("1E400", "Infinity"),
            ("-1e400", "-Infinity"),
            ("-0.0", "-0.0"),
            ("2.5e-7", "2.5e-07"),
        ];
        for (text, python) in table {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(to_string(&value).unwrap(), python, "{text}");
        }
    }

    /// Each right-hand side is what CPython 3.11's `repr(float)` writes.
    #[test]
    fn floats_are_written_as_python_repr_writes_them() {
        let table = [
            (1e-7, "1e-07"),
            (1.5e-5, "1.5e-05"),
            (1e-4, "0.0001"),
            (0.000123, "0.000123"),
            (0.1, "0.1"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (-2.5, "-2.5"),
            (123.456, "123.456"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (-1e-10, "-1e-10"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (9.999999999999999e-05, "9.999999999999999e-05"),
            (9999999999999998.0, "9999999999999998.0"),
            (9007199254740992.0, "9007199254740992.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e22, "1e+22"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (123456.789e3, "123456789.0"),
            (-0.00012, "-0.00012"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (value, want) in table {
            assert_eq!(python_float_repr(value), want, "{value:e}");
        }
    }

    #[test]
    fn strings_escape_what_ensure_ascii_escapes() {
        let table = [
            ("plain", r#""plain""#),
            ("héllo", r#""h\u00e9llo""#),
            ("日本", r#""\u65e5\u672c""#),
            ("😀", r#""\ud83d\ude00""#),
            ("a\"b\\c\n\t\u{1}\u{7f}", r#""a\"b\\c\n\t\u0001\u007f""#),
        ];
        for (text, want) in table {
            assert_eq!(to_string(text).unwrap(), want, "{text:?}");
        }
        let object = serde_json::json!({"ключ": [1, 2.0, null, true]});
        assert_eq!(
            to_string(&object).unwrap(),
            r#"{"\u043a\u043b\u044e\u0447":[1,2.0,null,true]}"#
        );
    }
}
