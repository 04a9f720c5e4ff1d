//! The neutral response the pipeline builds and each event source encodes.

/// Response headers: names case-sensitive as given, each with its values, in insertion
/// order (Python dict semantics: setting an existing name keeps its position).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers(Vec<(String, Vec<String>)>);

impl Headers {
    /// Adds a value under `name`, after the values it already has.
    pub fn append(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(value),
            None => self.0.push((name.to_string(), vec![value])),
        }
    }

    /// Sets `name` to one value, keeping its position if it exists.
    pub fn set(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => *values = vec![value],
            None => self.0.push((name.to_string(), vec![value])),
        }
    }

    /// The values of `name` (exact name).
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Every header with its values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }
}

/// A response body before the source's encoding.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `body=None`: `null` in the Lambda response (`""` on ALB).
    None,
    /// Text, sent as is.
    Text(String),
    /// Bytes, sent base64-encoded with `isBase64Encoded: true`.
    Binary(Vec<u8>),
}

/// An HTTP response as the pipeline builds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Headers,
    /// `Set-Cookie` values, formatted.
    pub cookies: Vec<String>,
    /// The body.
    pub body: Body,
    /// The response's own compression choice, which wins over the route's.
    pub compress: Option<bool>,
}

impl Response {
    /// A response with a status, a content type and a body.
    pub fn new(status: u16, content_type: Option<&str>, body: Body) -> Self {
        let mut headers = Headers::default();
        if let Some(ct) = content_type {
            headers.set("Content-Type", ct.to_string());
        }
        Self {
            status,
            headers,
            cookies: Vec::new(),
            body,
            compress: None,
        }
    }

    /// A JSON answer, written as Powertools' default serializer writes it.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        // A `Value` always serializes.
        let text = switchyard_pyjson::to_string(body).unwrap_or_default();
        Self::new(status, Some("application/json"), Body::Text(text))
    }

    /// Powertools' error body `{"statusCode": status, "message": message}`.
    pub fn json_error(status: u16, message: serde_json::Value) -> Self {
        Self::json(
            status,
            &serde_json::json!({"statusCode": status, "message": message}),
        )
    }
}

/// What a chain step raises instead of answering (a Powertools exception): from a guest, or
/// from the host's own stages (validation, not found, ALB's size limit). Exception handlers
/// are chosen by its type names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RaisedError {
    /// The error's class and its bases, most specific first (`NotFoundError`, `ServiceError`).
    pub type_names: Vec<String>,
    /// Its text (`str(exc)`).
    pub message: String,
    /// For `ServiceError`s, the answer it stands for.
    pub service: Option<ServiceAnswer>,
}

/// The status and message of a `ServiceError`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServiceAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The message as JSON text (a string, or the `detail` of a validation error).
    pub message_json: String,
}

impl RaisedError {
    /// The most specific type name, as logs, traces and a failed invocation name the error.
    pub(crate) fn type_name(&self) -> &str {
        self.type_names.first().map_or("Error", String::as_str)
    }

    /// The error an unmatched route raises, as Powertools' `NotFoundError()`.
    pub(crate) fn not_found() -> Self {
        Self {
            type_names: vec!["NotFoundError".into(), "ServiceError".into()],
            message: "404 Not found".into(),
            service: Some(ServiceAnswer {
                status: 404,
                message_json: "\"Not found\"".into(),
            }),
        }
    }
}

/// A chain step's outcome: its answer, or the error it raised.
pub(crate) type Outcome = Result<Response, RaisedError>;

/// The length of `value` as compact JSON text (what Lambda measures of a response, what the
/// host counts of a request's context), counted without keeping the text.
pub(crate) fn json_len<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing to the counter cannot fail; a value that cannot serialize counts what it wrote.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}
