//! `Response`, cookies, and `IntoResponse`: everything a handler may return.

use schemars::SchemaGenerator;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ServiceError};

/// Powertools' `content_types`.
pub mod content_types {
    /// `application/json`
    pub const APPLICATION_JSON: &str = "application/json";
    /// `text/plain`
    pub const TEXT_PLAIN: &str = "text/plain";
    /// `text/html`
    pub const TEXT_HTML: &str = "text/html";
    /// `application/octet-stream`
    pub const APPLICATION_OCTET_STREAM: &str = "application/octet-stream";
}

/// A response body.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Body {
    /// No body (`body=None`): `null` in the Lambda response.
    #[default]
    None,
    /// Text, sent as is.
    Text(String),
    /// Bytes, sent base64-encoded.
    Binary(Vec<u8>),
    /// A JSON value, serialized with the app's serializer when the content type is JSON.
    Json(Value),
}

impl From<&str> for Body {
    fn from(s: &str) -> Self {
        Body::Text(s.to_string())
    }
}
impl From<String> for Body {
    fn from(s: String) -> Self {
        Body::Text(s)
    }
}
impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body::Binary(b)
    }
}
impl From<&[u8]> for Body {
    fn from(b: &[u8]) -> Self {
        Body::Binary(b.to_vec())
    }
}
impl From<Value> for Body {
    fn from(v: Value) -> Self {
        Body::Json(v)
    }
}

/// `SameSite` cookie attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=None`
    None,
}

/// A response cookie; `secure` defaults to true, as in Powertools.
///
/// ```
/// use switchyard_sdk::{Cookie, SameSite};
/// let c = Cookie::new("theme", "dark").path("/").http_only(true).max_age(3600).same_site(SameSite::Lax);
/// assert_eq!(c.to_string(), "theme=dark; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Cookie {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) path: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) expires: Option<String>,
    pub(crate) max_age: Option<i64>,
    pub(crate) http_only: bool,
    pub(crate) secure: bool,
    pub(crate) same_site: Option<SameSite>,
    pub(crate) custom_attributes: Vec<String>,
}

impl Cookie {
    /// A cookie with this name and value, `Secure` and nothing else.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            path: None,
            domain: None,
            expires: None,
            max_age: None,
            http_only: false,
            secure: true,
            same_site: None,
            custom_attributes: Vec::new(),
        }
    }
    /// `Path=`
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    /// `Domain=`
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
    /// `Expires=`, an HTTP date such as `Wed, 21 Oct 2015 07:28:00 GMT`.
    pub fn expires(mut self, http_date: impl Into<String>) -> Self {
        self.expires = Some(http_date.into());
        self
    }
    /// `Max-Age=`; zero or less is written as `0`.
    pub fn max_age(mut self, seconds: i64) -> Self {
        self.max_age = Some(seconds);
        self
    }
    /// `HttpOnly`
    pub fn http_only(mut self, on: bool) -> Self {
        self.http_only = on;
        self
    }
    /// `Secure` (on by default).
    pub fn secure(mut self, on: bool) -> Self {
        self.secure = on;
        self
    }
    /// `SameSite=`
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = Some(same_site);
        self
    }
    /// An attribute written verbatim, such as `Partitioned`.
    pub fn attribute(mut self, attribute: impl Into<String>) -> Self {
        self.custom_attributes.push(attribute.into());
        self
    }
}

/// Formats the cookie as a `Set-Cookie` value, in Powertools' attribute order.
impl std::fmt::Display for Cookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.name, self.value)?;
        if let Some(p) = &self.path {
            write!(f, "; Path={p}")?;
        }
        if let Some(d) = &self.domain {
            write!(f, "; Domain={d}")?;
        }
        if let Some(e) = &self.expires {
            write!(f, "; Expires={e}")?;
        }
        if let Some(age) = self.max_age {
            write!(f, "; Max-Age={}", age.max(0))?;
        }
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        if self.secure {
            f.write_str("; Secure")?;
        }
        if let Some(s) = self.same_site {
            let s = match s {
                SameSite::Strict => "Strict",
                SameSite::Lax => "Lax",
                SameSite::None => "None",
            };
            write!(f, "; SameSite={s}")?;
        }
        for a in &self.custom_attributes {
            write!(f, "; {a}")?;
        }
        Ok(())
    }
}

/// An HTTP response: Powertools' `Response`.
///
/// Headers keep their order; a header given several values is sent as several values
/// (`multiValueHeaders`) or joined with `, ` where the source has single-value headers.
///
/// ```
/// use switchyard_sdk::{Response, content_types};
/// let r = Response::new(200)
///     .content_type(content_types::TEXT_PLAIN)
///     .header("X-Transaction-Id", "txn-123")
///     .header_values("X-Multi", ["a", "b"])
///     .body("hello, world");
/// assert_eq!(r.status(), 200);
/// assert_eq!(r.header_value("X-Multi"), Some(&["a".to_string(), "b".to_string()][..]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) headers: Vec<(String, Vec<String>)>,
    pub(crate) cookies: Vec<Cookie>,
    pub(crate) body: Body,
    pub(crate) compress: Option<bool>,
    /// Set when the status came from a plain return value, so a route's `status_code` may replace it.
    pub(crate) default_status: bool,
}

impl Response {
    /// An empty response with this status.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            content_type: None,
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::None,
            compress: None,
            default_status: false,
        }
    }

    /// A JSON response; the value is serialized by the app's serializer.
    pub fn json(status: u16, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        Self::new(status)
            .content_type(crate::content_types::APPLICATION_JSON)
            .body(Body::Json(value))
    }

    /// The content type, used unless a `Content-Type` header is set.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets a header to one value, replacing earlier values under the same name.
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.header_values(name, [value.into()])
    }

    /// Sets a header to several values.
    pub fn header_values<I, V>(mut self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        self.set_header_values(name, values.into_iter().map(Into::into).collect());
        self
    }

    /// Sets a header in place (for middlewares changing a response they got from `next`).
    pub fn set_header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.set_header_values(name, vec![value.into()]);
    }

    fn set_header_values(&mut self, name: impl Into<String>, values: Vec<String>) {
        let name = name.into();
        match self.headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = values,
            None => self.headers.push((name, values)),
        }
    }

    /// Adds a cookie.
    pub fn cookie(mut self, cookie: Cookie) -> Self {
        self.cookies.push(cookie);
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Compress this response when the client accepts gzip; wins over the route's setting.
    pub fn compress(mut self, compress: bool) -> Self {
        self.compress = Some(compress);
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The values of a header (exact name).
    pub fn header_value(&self, name: &str) -> Option<&[String]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The body.
    pub fn body_ref(&self) -> &Body {
        &self.body
    }

    /// The cookies.
    pub fn cookies(&self) -> &[Cookie] {
        &self.cookies
    }
}

/// What a handler may return. Implemented for `Response`, JSON values, `Json<T>`, strings,
/// `(body, status)` tuples, and `Result`s of those.
pub trait IntoResponse {
    /// Turns the value into a response, or the error the handler raised.
    fn into_response(self) -> Result<Response, Error>;

    /// The JSON Schema of the body this type answers with, when its type says it (`Json<T>`,
    /// and `Result` and `(body, status)` around it): a handler's return type documents and,
    /// with validation on, checks its answers (Powertools reads the return annotation).
    #[doc(hidden)]
    fn response_schema(_generator: &mut SchemaGenerator) -> Option<Value> {
        None
    }
}

impl IntoResponse for Response {
    fn into_response(self) -> Result<Response, Error> {
        Ok(self)
    }
}

fn default_json(body: Body) -> Response {
    let mut r = Response::new(200)
        .content_type(crate::content_types::APPLICATION_JSON)
        .body(body);
    r.default_status = true;
    r
}

impl IntoResponse for Value {
    fn into_response(self) -> Result<Response, Error> {
        Ok(default_json(Body::Json(self)))
    }
}

/// Powertools sends a returned `str` unquoted, with `Content-Type: application/json`.
impl IntoResponse for String {
    fn into_response(self) -> Result<Response, Error> {
        Ok(default_json(Body::Text(self)))
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Result<Response, Error> {
        self.to_string().into_response()
    }
}

/// A returned `None` is the JSON `null`.
impl IntoResponse for () {
    fn into_response(self) -> Result<Response, Error> {
        Ok(default_json(Body::Json(Value::Null)))
    }
}

/// Serializes `T` as the JSON body: `Json(todo)` is Powertools' returned dict.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize + crate::Documented> IntoResponse for Json<T> {
    fn into_response(self) -> Result<Response, Error> {
        let value = serde_json::to_value(self.0)
            .map_err(|e| Error::custom("SerializationError", e.to_string()))?;
        value.into_response()
    }

    fn response_schema(generator: &mut SchemaGenerator) -> Option<Value> {
        crate::openapi::response_schema::<T>(generator)
    }
}

/// `(body, status)`, Powertools' tuple return.
impl<T: IntoResponse> IntoResponse for (T, u16) {
    fn into_response(self) -> Result<Response, Error> {
        let mut r = self.0.into_response()?;
        r.status = self.1;
        r.default_status = false;
        Ok(r)
    }

    fn response_schema(generator: &mut SchemaGenerator) -> Option<Value> {
        T::response_schema(generator)
    }
}

impl<T: IntoResponse, E: Into<Error>> IntoResponse for Result<T, E> {
    fn into_response(self) -> Result<Response, Error> {
        self.map_err(Into::into)?.into_response()
    }

    fn response_schema(generator: &mut SchemaGenerator) -> Option<Value> {
        T::response_schema(generator)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Result<Response, Error> {
        Err(self)
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Result<Response, Error> {
        Err(self.into())
    }
}
