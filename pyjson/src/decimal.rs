//! Numbers as Python's `Decimal` reads them, for the host's checks of a `Decimal` field
//! (`max_digits`, `decimal_places`) and the SDK's `Decimal`, so the two read one grammar.
//!
//! ```
//! use switchyard_pyjson::decimal::digits;
//!
//! // `Decimal(text).normalize()`: trailing zeros dropped, an exponent applied.
//! assert_eq!(digits("123.450"), Some((5, 2)));
//! assert_eq!(digits("1e2"), Some((3, 0)));
//! assert_eq!(digits("1_000"), Some((4, 0)));
//! assert_eq!(digits("NaN"), None);
//! ```

/// Digits Python's default decimal context keeps (`getcontext().prec`): `normalize()` rounds
/// a longer coefficient to this many, half to even.
const PRECISION: usize = 28;

/// The largest adjusted exponent (of the first digit) the default context takes (`Emax`,
/// and `Emin` is its negative): past it `normalize()` raises, so the text is no decimal.
const MAX_EXPONENT: i128 = 999_999;

/// The digits and decimal places of a finite decimal number's text once normalized, as
/// Pydantic counts them for `max_digits` and `decimal_places` (`Decimal(text).normalize()`'s
/// digits and exponent: `1.50` has 2 digits, 1 of them a place; `100` has 3, none); `None`
/// for text that is not a finite decimal number (a sign, digits with `_` between them, a
/// point, an exponent).
pub fn digits(text: &str) -> Option<(u64, u64)> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let (whole, fraction) = (digit_run(whole)?, digit_run(fraction)?);
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let coefficient = format!("{whole}{fraction}");
    let significant = coefficient.trim_start_matches('0');
    // Wide enough that no exponent or length overflows.
    let mut exponent = i128::from(exponent) - fraction.len() as i128;
    if significant.is_empty() {
        // Zero normalizes to `0`: one digit, no places.
        return Some((1, 0));
    }
    let (rounded, carried) = round_to_precision(significant);
    exponent += (significant.len() - rounded.len()) as i128 + i128::from(carried);
    let trimmed = rounded.trim_end_matches('0');
    exponent += (rounded.len() - trimmed.len()) as i128;
    let length = trimmed.len() as i128;
    if (exponent + length - 1).abs() > MAX_EXPONENT {
        return None;
    }
    let (digits, places) = match exponent {
        e if e >= 0 => (length + e, 0),
        e => (length.max(-e), -e),
    };
    let saturated = |n: i128| u64::try_from(n).unwrap_or(u64::MAX);
    Some((saturated(digits), saturated(places)))
}

/// Digits with `_` allowed between two of them (Python's literal grammar); `None` otherwise.
fn digit_run(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(at, &b)| match b {
        b'0'..=b'9' => true,
        b'_' => {
            at > 0
                && bytes[at - 1].is_ascii_digit()
                && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
        }
        _ => false,
    });
    well_formed.then(|| text.replace('_', ""))
}

/// `significant` (no leading zeros) rounded to [`PRECISION`] digits, half to even, and
/// whether the rounding carried past the first digit (all nines: the digits are then `1` and
/// zeros, worth ten times what they read as).
fn round_to_precision(significant: &str) -> (String, bool) {
    if significant.len() <= PRECISION {
        return (significant.to_string(), false);
    }
    let (kept, rest) = significant.split_at(PRECISION);
    let mut kept = kept.as_bytes().to_vec();
    let first = rest.as_bytes()[0];
    let beyond_half = rest.bytes().skip(1).any(|b| b != b'0');
    let last_odd = (kept[PRECISION - 1] - b'0') % 2 == 1;
    let round_up = first > b'5' || (first == b'5' && (beyond_half || last_odd));
    if round_up {
        for digit in kept.iter_mut().rev() {
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                return (String::from_utf8(kept).unwrap_or_default(), false);
            }
        }
        kept[0] = b'1';
        return (String::from_utf8(kept).unwrap_or_default(), true);
    }
    (String::from_utf8(kept).unwrap_or_default(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_counted_as_pythons_decimal_normalizes_them() {
        // Each as `Decimal(text).normalize().as_tuple()` gives them.
        let table = [
            ("123.45", Some((5, 2))),
            ("12.34", Some((4, 2))),
            ("1234.5", Some((5, 1))),
            ("100", Some((3, 0))),
            ("1.50", Some((2, 1))),
            ("0.00", Some((1, 0))),
            ("-0.5", Some((1, 1))),
            ("+7", Some((1, 0))),
            ("1e2", Some((3, 0))),
            ("1.5e-3", Some((4, 4))),
            (".5", Some((1, 1))),
            ("5.", Some((1, 0))),
            ("1_000.5", Some((5, 1))),
            // Past 28 digits, rounded half to even, then trailing zeros dropped.
            ("0.12345678901234567890123456789", Some((28, 28))),
            ("9999999999999999999999999999.5", Some((29, 0))),
            // Past the context's exponent range Python raises; at the ends of `i64`, nothing
            // overflows.
            ("1e999999", Some((1_000_000, 0))),
            ("1e1000000", None),
            ("10e9223372036854775807", None),
            ("1.5e-9223372036854775808", None),
            ("1.2.3", None),
            ("1__0", None),
            ("_1", None),
            ("", None),
            (".", None),
            ("NaN", None),
            ("Infinity", None),
            ("1e", None),
            ("1e99999999999999999999", None),
        ];
        for (text, want) in table {
            assert_eq!(digits(text), want, "{text}");
        }
    }
}
