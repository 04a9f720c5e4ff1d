//! Where Python's `json.loads` reports a syntax error: the `pos` of its `JSONDecodeError`,
//! which Powertools puts in a 422's `loc` (`["body", pos]`).
//!
//! Written by hand because no parser reports what CPython's scanner (`Modules/_json.c`) does:
//! serde_json names the character where it gave up (the end of `tru`), Python the start of
//! the value it expected (`tru` at 0, an unterminated string at its quote, `{` at 1). Only
//! read for a body serde_json refused, so it walks the text once with its own stack rather
//! than recursing: a body nested a million deep must not overflow the host's stack.

/// The character offset Python's `json.loads(text)` fails at; `None` when the syntax is
/// Python's (`NaN`, a lone surrogate escape, nesting past serde_json's limit, though Python
/// itself gives up past its recursion limit, about 1,000 levels).
pub(super) fn python_error_position(text: &str) -> Option<usize> {
    let chars: Vec<char> = text.chars().collect();
    Scanner { s: &chars }.document().err()
}

/// What an open container expects next.
#[derive(Clone, Copy)]
enum Open {
    /// An array, after `[` or a `,`: a value.
    Array,
    /// An object, after `{` or a `,`: a member name.
    Object,
}

impl Open {
    /// The container a character opens.
    fn opened_by(c: char) -> Option<Self> {
        match c {
            '[' => Some(Open::Array),
            '{' => Some(Open::Object),
            _ => None,
        }
    }

    fn close(self) -> char {
        match self {
            Open::Array => ']',
            Open::Object => '}',
        }
    }
}

struct Scanner<'a> {
    s: &'a [char],
}

impl Scanner<'_> {
    fn at(&self, idx: usize) -> Option<char> {
        self.s.get(idx).copied()
    }

    /// Python's `WHITESPACE.match(s, idx).end()`.
    fn skip_ws(&self, mut idx: usize) -> usize {
        while matches!(self.at(idx), Some(' ' | '\t' | '\n' | '\r')) {
            idx += 1;
        }
        idx
    }

    /// `JSONDecoder.decode`: one value between optional whitespace.
    fn document(&self) -> Result<(), usize> {
        let end = self.skip_ws(self.value(self.skip_ws(0))?);
        match end == self.s.len() {
            true => Ok(()),
            false => Err(end),
        }
    }

    /// `scan_once` for any value, containers included, without recursion: where it ends.
    fn value(&self, start: usize) -> Result<usize, usize> {
        let mut stack: Vec<Open> = Vec::new();
        let mut idx = start;
        loop {
            // A value starts at `idx`: a scalar ends here; a container opens, unless empty.
            let mut end = match self.at(idx).and_then(Open::opened_by) {
                Some(open) => {
                    let next = self.skip_ws(idx + 1);
                    if self.at(next) != Some(open.close()) {
                        stack.push(open);
                        idx = self.item(open, next)?;
                        continue;
                    }
                    next + 1
                }
                None => self.scalar(idx)?,
            };
            // Close every container the value completes; then the next value starts.
            loop {
                let Some(&open) = stack.last() else {
                    return Ok(end);
                };
                let next = self.skip_ws(end);
                match self.at(next) {
                    Some(c) if c == open.close() => {
                        stack.pop();
                        end = next + 1;
                    }
                    Some(',') => {
                        idx = self.item(open, self.skip_ws(next + 1))?;
                        break;
                    }
                    _ => return Err(next),
                }
            }
        }
    }

    /// Where the value of a container's next item starts, the item starting at `idx`: there
    /// for an array, after the member name for an object.
    fn item(&self, open: Open, idx: usize) -> Result<usize, usize> {
        match open {
            Open::Array => Ok(idx),
            Open::Object => self.member_name(idx),
        }
    }

    /// A member name and its `:` at `idx`: where its value starts.
    fn member_name(&self, idx: usize) -> Result<usize, usize> {
        if self.at(idx) != Some('"') {
            return Err(idx);
        }
        let colon = self.skip_ws(self.string(idx)?);
        match self.at(colon) {
            Some(':') => Ok(self.skip_ws(colon + 1)),
            _ => Err(colon),
        }
    }

    /// A string, number or literal at `idx`: where it ends. Like `scan_once`, a value that
    /// does not start here fails at `idx`.
    fn scalar(&self, idx: usize) -> Result<usize, usize> {
        let literal = |word: &str| {
            let end = idx + word.chars().count();
            let found = self.s.get(idx..end)?;
            found.iter().copied().eq(word.chars()).then_some(end)
        };
        match self.at(idx) {
            Some('"') => return self.string(idx),
            Some('n') => literal("null"),
            Some('t') => literal("true"),
            Some('f') => literal("false"),
            Some('N') => literal("NaN"),
            Some('I') => literal("Infinity"),
            Some('-') => literal("-Infinity"),
            _ => None,
        }
        .map_or_else(|| self.number(idx).ok_or(idx), Ok)
    }

    /// `_match_number_unicode`: where a number at `start` ends.
    fn number(&self, start: usize) -> Option<usize> {
        let digit = |idx: usize| self.at(idx).is_some_and(|c| c.is_ascii_digit());
        let digits_from = |mut idx: usize| {
            while digit(idx) {
                idx += 1;
            }
            idx
        };
        let mut idx = start + usize::from(self.at(start) == Some('-'));
        idx = match self.at(idx) {
            Some('0') => idx + 1,
            Some('1'..='9') => digits_from(idx + 1),
            _ => return None,
        };
        if self.at(idx) == Some('.') && digit(idx + 1) {
            idx = digits_from(idx + 1);
        }
        if matches!(self.at(idx), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.at(idx + 1), Some('+' | '-')));
            let exponent = idx + 1 + sign;
            if digit(exponent) {
                idx = digits_from(exponent);
            }
        }
        Some(idx)
    }

    /// `scanstring` for a string whose quote is at `quote`: where it ends.
    fn string(&self, quote: usize) -> Result<usize, usize> {
        let mut idx = quote + 1;
        loop {
            match self.at(idx) {
                None => return Err(quote),
                Some('"') => return Ok(idx + 1),
                Some(c) if (c as u32) < 0x20 => return Err(idx),
                Some('\\') => match self.at(idx + 1) {
                    None => return Err(quote),
                    Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => idx += 2,
                    Some('u') => {
                        // Python wants the four digits and something after them, else
                        // points at the `u`.
                        let hex = self
                            .s
                            .get(idx + 2..idx + 6)
                            .filter(|_| idx + 6 < self.s.len());
                        match hex.is_some_and(|h| h.iter().all(char::is_ascii_hexdigit)) {
                            true => idx += 6,
                            false => return Err(idx + 1),
                        }
                    }
                    Some(_) => return Err(idx),
                },
                Some(_) => idx += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::python_error_position;

    /// Each position is what CPython 3.11's `json.loads` reports (`JSONDecodeError.pos`).
    #[test]
    fn positions_are_where_python_reports_them() {
        let table: [(&str, Option<usize>); 34] = [
            ("{", Some(1)),
            (" ", Some(1)),
            ("", Some(0)),
            ("[", Some(1)),
            (r#"{"name":"#, Some(8)),
            ("tru", Some(0)),
            ("nul", Some(0)),
            ("name=lamp", Some(0)),
            (r#""abc"#, Some(0)),
            (r#"{"a": "abc"#, Some(6)),
            (r#""\x41""#, Some(1)),
            (r#""\u12G4""#, Some(2)),
            (r#""\u0041"#, Some(2)),
            (r#"{"a": "\u00e9"#, Some(8)),
            (r#""\ud800\u0041"#, Some(8)),
            ("\"a\u{1}\"", Some(2)),
            ("1.", Some(1)),
            ("-", Some(0)),
            ("1e", Some(1)),
            ("1e+", Some(1)),
            ("01", Some(1)),
            (r#"{"name":"日本","price":}"#, Some(21)),
            (r#"{"a" 1}"#, Some(5)),
            (r#"{"a": 1 "b": 2}"#, Some(8)),
            (r#"{"a": 1,}"#, Some(8)),
            ("[1,]", Some(3)),
            ("[1 2]", Some(3)),
            ("{1: 2}", Some(1)),
            ("[] x", Some(3)),
            (r#"{"a": [1, {"b": null}], "c": -1.5e3}"#, None),
            ("[NaN, Infinity, -Infinity]", None),
            (r#""\ud800""#, None),
            (" [ ] ", None),
            ("{}", None),
        ];
        for (text, want) in table {
            assert_eq!(python_error_position(text), want, "{text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion() {
        let deep = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
        assert_eq!(python_error_position(&deep), None);
        assert_eq!(
            python_error_position(&"[".repeat(1_000_000)),
            Some(1_000_000)
        );
    }
}
