//! `multipart/form-data` bodies, read as Powertools 3.37 reads them for a validated route
//! (`_parse_multipart_body`): each named part a field, text parts as strings, a name sent
//! more than once as a list. Where Powertools raises instead of answering (a part that is not
//! UTF-8; non-ASCII text in a body not sent as base64, which it encodes as Latin-1 first), the
//! host answers 422 `multipart_invalid`, or reads the UTF-8 text, respectively.
//!
//! One reader for both sides of the sandbox: the host reads a body to validate it, and the
//! guest SDK reads the same bytes to hand a handler its uploaded files, found by the
//! [`FilePart`] the host's validated values describe them with.
//!
//! Written by hand to keep Powertools' reading of the format, which the multipart crates do
//! not share: it splits on the delimiter without looking for line starts, takes the first
//! `name="` of `Content-Disposition` (even inside `filename="`), and skips a part without a
//! blank line.
//!
//! ```
//! use serde_json::json;
//! use switchyard_multipart::{FilePart, fields};
//!
//! let body = b"--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nlamp\r\n\
//!     --XX\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XX--";
//! let read = fields(body, "multipart/form-data; boundary=XX").unwrap();
//! assert_eq!(read["title"], json!("lamp"));
//! let file = FilePart::from_json(&read["doc"]).unwrap();
//! assert_eq!((file.filename.as_str(), file.content(body)), ("a.txt", Some(&b"hello"[..])));
//! ```

use serde_json::{Map, Value, json};

/// Why a body could not be read as multipart.
#[derive(Debug, PartialEq)]
pub enum MultipartError {
    /// The content type names no boundary (Powertools raises, so no answer of its exists).
    NoBoundary,
    /// A part's headers or a text part are not UTF-8 (`multipart_invalid`).
    Invalid,
}

impl std::fmt::Display for MultipartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MultipartError::NoBoundary => "the multipart content type names no boundary",
            MultipartError::Invalid => "a part's headers or text are not UTF-8",
        })
    }
}

impl std::error::Error for MultipartError {}

/// A file part (one with a `filename`), as a field's value describes it: where its content
/// lies in the body rather than the content, so a file crosses into the guest once, as the
/// body, however many times its fields are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The `filename` the client sent.
    pub filename: String,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// Where its content starts in the body.
    pub offset: usize,
    /// Its length in bytes.
    pub size: usize,
}

impl FilePart {
    /// The field value describing it.
    pub fn to_json(&self) -> Value {
        json!({
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "offset": self.offset,
        })
    }

    /// The file a field value describes; `None` for any other value (a text part's string).
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let count = |key: &str| object.get(key)?.as_u64()?.try_into().ok();
        Some(Self {
            filename: object.get("filename")?.as_str()?.to_string(),
            content_type: object
                .get("content_type")
                .and_then(Value::as_str)
                .map(str::to_string),
            offset: count("offset")?,
            size: count("size")?,
        })
    }

    /// Its content in `body`, the body it was read from; `None` when it does not lie there.
    pub fn content<'a>(&self, body: &'a [u8]) -> Option<&'a [u8]> {
        body.get(self.offset..self.offset.checked_add(self.size)?)
    }
}

/// The fields of `body`, sent with `content_type` (`multipart/form-data; boundary=...`): a
/// text part as its string, a file part as its [`FilePart`], a name sent more than once as
/// the list of its values.
pub fn fields(body: &[u8], content_type: &str) -> Result<Map<String, Value>, MultipartError> {
    let boundary = boundary(content_type).ok_or(MultipartError::NoBoundary)?;
    let delimiter = format!("--{boundary}");
    let end_delimiter = format!("--{boundary}--");
    let mut fields = Map::new();
    for raw_part in split(body, delimiter.as_bytes()) {
        let trimmed = raw_part.trim_ascii();
        if trimmed.is_empty() || trimmed == b"--" {
            continue;
        }
        let mut chunk = raw_part
            .strip_suffix(end_delimiter.as_bytes())
            .unwrap_or(raw_part);
        chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        let Some(header_end) = find(chunk, b"\r\n\r\n") else {
            continue;
        };
        let headers =
            std::str::from_utf8(&chunk[..header_end]).map_err(|_| MultipartError::Invalid)?;
        let content = &chunk[header_end + 4..];
        let (mut name, mut filename, mut part_type) = (None, None, None);
        for line in headers.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                name = header_param(line, "name");
                filename = header_param(line, "filename");
            } else if lower.starts_with("content-type:") {
                part_type = line.split_once(':').map(|(_, v)| v.trim());
            }
        }
        let Some(name) = name else {
            continue;
        };
        let value = match filename {
            Some(filename) => FilePart {
                filename: filename.to_string(),
                content_type: part_type.map(str::to_string),
                // `content` is a slice of `body`.
                offset: content.as_ptr() as usize - body.as_ptr() as usize,
                size: content.len(),
            }
            .to_json(),
            None => Value::from(std::str::from_utf8(content).map_err(|_| MultipartError::Invalid)?),
        };
        match fields.get_mut(name) {
            Some(Value::Array(items)) => items.push(value),
            Some(single) => *single = json!([single.take(), value]),
            None => {
                fields.insert(name.to_string(), value);
            }
        }
    }
    Ok(fields)
}

/// The `boundary=` of a content type, without surrounding quotes; `None` when absent or empty.
fn boundary(content_type: &str) -> Option<&str> {
    let raw = content_type
        .split(';')
        .map(str::trim)
        .find_map(|segment| segment.strip_prefix("boundary="))?;
    let unquoted = match raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        true => &raw[1..raw.len() - 1],
        false => raw,
    };
    (!unquoted.is_empty()).then_some(unquoted)
}

/// `param="value"` of a header line: the first place `param="` occurs, as Powertools finds it.
fn header_param<'a>(line: &'a str, param: &str) -> Option<&'a str> {
    let search = format!("{param}=\"");
    let start = line.find(&search)? + search.len();
    let length = line[start..].find('"')?;
    Some(&line[start..start + length])
}

/// `haystack.split(delimiter)`, as Python's `bytes.split`; searched with `memchr`'s
/// substring search, linear in the body whatever the boundary.
fn split<'a>(haystack: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    // Matches do not overlap, as in Python.
    for at in memchr::memmem::find_iter(haystack, delimiter) {
        parts.push(&haystack[start..at]);
        start = at + delimiter.len();
    }
    parts.push(&haystack[start..]);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=XX";

    fn body(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = String::new();
        for (headers, content) in parts {
            out.push_str(&format!("--XX\r\n{headers}\r\n\r\n{content}\r\n"));
        }
        out.push_str("--XX--\r\n");
        out.into_bytes()
    }

    #[test]
    fn text_parts_are_strings_and_repeated_names_lists() {
        let sent = body(&[
            ("Content-Disposition: form-data; name=\"name\"", "lamp"),
            ("Content-Disposition: form-data; name=\"tags\"", "a"),
            ("Content-Disposition: form-data; name=\"tags\"", "b\r\nc"),
            ("Content-Disposition: form-data; name=\"empty\"", ""),
        ]);
        assert_eq!(
            Value::Object(fields(&sent, TYPE).unwrap()),
            json!({"name": "lamp", "tags": ["a", "b\r\nc"], "empty": ""})
        );
    }

    #[test]
    fn a_file_part_is_described_not_given_as_text() {
        let sent = body(&[(
            "Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\nContent-Type: text/plain",
            "hello",
        )]);
        let read = fields(&sent, TYPE).unwrap();
        let offset = memchr::memmem::find(&sent, b"hello").unwrap();
        assert_eq!(
            Value::Object(read.clone()),
            json!({"doc": {"filename": "a.txt", "content_type": "text/plain", "size": 5, "offset": offset}})
        );
        let file = FilePart::from_json(&read["doc"]).unwrap();
        assert_eq!(file.content(&sent), Some(&b"hello"[..]));
        // A description that does not lie in the body finds nothing.
        let beyond = FilePart {
            offset: sent.len(),
            ..file
        };
        assert_eq!(beyond.content(&sent), None);
        assert_eq!(FilePart::from_json(&json!("text")), None);
    }

    #[test]
    fn parts_are_read_as_powertools_reads_them() {
        // `name="` is first found inside `filename="`.
        let sent = body(&[(
            "Content-Disposition: form-data; filename=\"f\"; name=\"n\"",
            "x",
        )]);
        assert_eq!(
            fields(&sent, TYPE).unwrap().keys().collect::<Vec<_>>(),
            ["f"]
        );
        // A part without a blank line after its headers, or without a name, is skipped.
        let sent = b"--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n--XX\r\nX: y\r\n\r\nz\r\n--XX--";
        assert_eq!(fields(sent, TYPE).unwrap(), Map::new());
        // A text part that is not UTF-8 is invalid.
        let mut sent = body(&[("Content-Disposition: form-data; name=\"a\"", "@")]);
        let at = sent.iter().position(|&b| b == b'@').unwrap();
        sent[at] = 0xff;
        assert_eq!(fields(&sent, TYPE), Err(MultipartError::Invalid));
    }

    #[test]
    fn bodies_split_as_python_splits_bytes() {
        // The body, the delimiter, and the parts Python's `bytes.split` gives.
        type Case = (&'static [u8], &'static [u8], &'static [&'static [u8]]);
        let table: [Case; 4] = [
            (b"aaaa", b"aa", &[b"", b"", b""]),
            (b"x--XXy--XX", b"--XX", &[b"x", b"y", b""]),
            (b"none", b"--XX", &[b"none"]),
            (b"", b"--XX", &[b""]),
        ];
        for (body, delimiter, want) in table {
            assert_eq!(split(body, delimiter), want, "{body:?}");
        }
    }

    #[test]
    fn boundaries_are_read_from_the_content_type() {
        let table = [
            ("multipart/form-data; boundary=XX", Some("XX")),
            ("multipart/form-data;boundary=\"a b\"", Some("a b")),
            ("multipart/form-data; charset=utf-8; boundary=z", Some("z")),
            ("multipart/form-data", None),
            ("multipart/form-data; boundary=", None),
            ("multipart/form-data; boundary=\"\"", None),
        ];
        for (content_type, want) in table {
            assert_eq!(boundary(content_type), want, "{content_type}");
        }
    }
}
