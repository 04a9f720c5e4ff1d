//! The request a handler sees: decoded by the host, never raw JSON to parse.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{BadRequestError, Error};
use crate::fields::Fields;
use crate::openapi::{Declare, Location};
use crate::params;
use crate::rejection::{Part, Rejection};

/// The Lambda event source the request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSource {
    /// API Gateway REST API (payload 1.0).
    RestV1,
    /// API Gateway HTTP API (payload 2.0).
    HttpV2,
    /// Application Load Balancer, single-value headers.
    Alb,
    /// Application Load Balancer with multi-value headers on.
    AlbMultiValue,
    /// Lambda Function URL.
    FunctionUrl,
    /// VPC Lattice, event version 1.
    LatticeV1,
    /// VPC Lattice, event version 2.
    LatticeV2,
}

/// The Lambda invocation's context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LambdaContext {
    /// The invocation's request id.
    pub request_id: String,
    /// The function's name.
    pub function_name: String,
    /// The function's version.
    pub function_version: String,
    /// The ARN the function was invoked with.
    pub invoked_function_arn: String,
    /// The memory configured for the function, in MB.
    pub memory_limit_mb: u32,
    /// Milliseconds since the Unix epoch at which Lambda stops the invocation; 0 when the
    /// host has none (local runs outside Lambda).
    pub deadline_ms: u64,
    /// The function's CloudWatch log group (`log_group_name`).
    pub log_group_name: String,
    /// The execution environment's CloudWatch log stream (`log_stream_name`).
    pub log_stream_name: String,
}

impl LambdaContext {
    /// Milliseconds left before Lambda stops the invocation, by the wall clock
    /// (`get_remaining_time_in_millis()`); 0 once the deadline has passed, and when there is
    /// no deadline (`deadline_ms` 0).
    ///
    /// ```
    /// use switchyard_sdk::LambdaContext;
    ///
    /// let now_ms = std::time::SystemTime::now()
    ///     .duration_since(std::time::UNIX_EPOCH)
    ///     .unwrap()
    ///     .as_millis() as u64;
    /// let context = LambdaContext { deadline_ms: now_ms + 3_000, ..Default::default() };
    /// assert!((2_000..=3_000).contains(&context.remaining_time_in_millis()));
    /// let late = LambdaContext { deadline_ms: now_ms - 1, ..Default::default() };
    /// assert_eq!(late.remaining_time_in_millis(), 0);
    /// ```
    pub fn remaining_time_in_millis(&self) -> u64 {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as u64);
        self.deadline_ms.saturating_sub(now_ms)
    }
}

/// A decoded HTTP request (Powertools' `app.current_event`, without the JSON).
///
/// Header lookups are case-insensitive and see every value the event carries; single-value
/// lookups return the last value.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub(crate) source: EventSource,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) route_path: String,
    pub(crate) path_params: Vec<(String, String)>,
    pub(crate) headers: Fields,
    pub(crate) query: Fields,
    pub(crate) cookies: Fields,
    pub(crate) body: Vec<u8>,
    pub(crate) lambda_context: HostContext,
    /// The host's validated values as JSON text, when the route is validated (see
    /// `wit/world.wit`). Kept as text: each extractor deserializes its part straight into
    /// its type, with no `Value` tree in between.
    pub(crate) validated: Option<String>,
    /// The raw event, parsed on first use: middlewares and the handler of one call share it,
    /// as Powertools' `current_event` is built once per request.
    pub(crate) parsed_event: ParsedEvent,
    /// The dependencies built for this request (`Depends`).
    pub(crate) dependencies: crate::depends::RequestDependencies,
}

/// The request's raw event once parsed. Two requests are equal whether or not either has
/// parsed it: it is a cache of what the host holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedEvent(std::cell::OnceCell<std::rc::Rc<crate::compat::EventView>>);

impl PartialEq for ParsedEvent {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The Lambda context, asked of the host on first use (most handlers never read it), or
/// set by [`RequestBuilder::lambda_context`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct HostContext(std::cell::OnceCell<LambdaContext>);

impl Request {
    /// A request for `method` and `path`, for unit-testing handlers as plain functions.
    ///
    /// ```
    /// use switchyard_sdk::Request;
    /// let req = Request::builder("GET", "/todos").query("limit", "2").header("X-Api-Key", "k").build();
    /// assert_eq!(req.query("limit"), Some("2"));
    /// assert_eq!(req.header("x-api-key"), Some("k"));
    /// ```
    pub fn builder(method: &str, path: &str) -> RequestBuilder {
        RequestBuilder(Request {
            source: EventSource::RestV1,
            method: method.to_string(),
            path: path.to_string(),
            route_path: path.to_string(),
            path_params: Vec::new(),
            headers: Fields::default(),
            query: Fields::default(),
            cookies: Fields::default(),
            body: Vec::new(),
            lambda_context: HostContext(LambdaContext::default().into()),
            validated: None,
            parsed_event: ParsedEvent::default(),
            dependencies: Default::default(),
        })
    }

    /// The event source.
    pub fn source(&self) -> EventSource {
        self.source
    }
    /// The HTTP method as the event carries it.
    pub fn method(&self) -> &str {
        &self.method
    }
    /// The path as the event carries it (before `strip_prefixes`).
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The path the router matched (after `strip_prefixes`).
    pub fn route_path(&self) -> &str {
        &self.route_path
    }
    /// A path parameter of the matched rule (`<todo_id>`).
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    /// Every path parameter, in rule order.
    pub fn path_params(&self) -> &[(String, String)] {
        &self.path_params
    }
    /// The last value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.last(|n| n.eq_ignore_ascii_case(name))
    }
    /// Every value of a header, in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.all(|n| n.eq_ignore_ascii_case(name))
    }
    /// Every header as sent.
    pub fn headers(&self) -> &[(String, String)] {
        self.headers.as_pairs()
    }
    /// The last value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.last(|n| n == name)
    }
    /// Every value of a query parameter, in order.
    pub fn query_values(&self, name: &str) -> Vec<&str> {
        self.query.all(|n| n == name)
    }
    /// Every query parameter, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        self.query.as_pairs()
    }
    /// A request cookie.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.last(|n| n == name)
    }
    /// The body bytes (already base64-decoded).
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The body as UTF-8 text.
    pub fn text(&self) -> Result<&str, Error> {
        std::str::from_utf8(&self.body)
            .map_err(|_| BadRequestError::new("request body is not UTF-8").into())
    }
    /// The body parsed as JSON (`current_event.json_body`). An empty body reads as `null`, as
    /// Powertools reads it as `None`, except on VPC Lattice, whose events Powertools parses
    /// whatever they hold (so an empty body there is a JSON error).
    ///
    /// ```
    /// use serde_json::Value;
    /// use switchyard_sdk::Request;
    /// let empty = Request::builder("PUT", "/todos/1").build();
    /// assert_eq!(empty.json::<Value>().unwrap(), Value::Null);
    /// assert_eq!(empty.json::<Option<u32>>().unwrap(), None);
    /// let sent = Request::builder("PUT", "/todos/1").body(r#"{"done": true}"#).build();
    /// assert_eq!(sent.json::<Value>().unwrap()["done"], true);
    /// ```
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let lattice = matches!(self.source, EventSource::LatticeV1 | EventSource::LatticeV2);
        if self.body.is_empty() && !lattice {
            return Ok(T::deserialize(Value::Null)?);
        }
        Ok(serde_json::from_slice(&self.body)?)
    }
    /// The matched route's rule as an OpenAPI path, `/todos/{todo_id}` (Powertools'
    /// `request.route`); `None` when no route matched (a `not_found` handler).
    pub fn route(&self) -> Option<String> {
        crate::host::current_route()
    }
    /// The Lambda context.
    pub fn lambda_context(&self) -> &LambdaContext {
        self.lambda_context
            .0
            .get_or_init(crate::host::lambda_context)
    }
    /// The Lambda event exactly as received (`current_event.raw_event`).
    pub fn raw_event(&self) -> Value {
        self.event_view().full().clone()
    }

    /// The request's raw event, read as far as asked and shared by its middlewares and
    /// handler.
    pub(crate) fn event_view(&self) -> &std::rc::Rc<crate::compat::EventView> {
        self.parsed_event
            .0
            .get_or_init(|| std::rc::Rc::new(crate::compat::EventView::from_host()))
    }
    /// A view of the raw event with Powertools' own per-source lookups, quirks included.
    pub fn current_event(&self) -> crate::compat::CurrentEvent {
        crate::compat::CurrentEvent::new(self.source, self.event_view().clone())
    }
}

/// Builds a `Request` for tests.
#[derive(Debug, Clone)]
pub struct RequestBuilder(Request);

impl RequestBuilder {
    /// Adds a header value.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.0.headers.push(name, value);
        self
    }
    /// Adds a query value.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.0.query.push(name, value);
        self
    }
    /// Adds a path parameter.
    pub fn path_param(mut self, name: &str, value: &str) -> Self {
        self.0
            .path_params
            .push((name.to_string(), value.to_string()));
        self
    }
    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.0.body = body.into();
        self
    }
    /// Sets the Lambda context (a default one otherwise).
    pub fn lambda_context(mut self, context: LambdaContext) -> Self {
        self.0.lambda_context = HostContext(context.into());
        self
    }
    /// Sets the event source.
    pub fn source(mut self, source: EventSource) -> Self {
        self.0.source = source;
        self
    }
    /// The request.
    pub fn build(self) -> Request {
        self.0
    }
}

/// Values a handler can take as arguments.
pub trait FromRequest: Sized {
    /// Extracts the value, or the error the request is rejected with.
    fn from_request(req: &Request) -> Result<Self, Error>;

    /// Declares what the extractor reads (parameters, body), for validation and OpenAPI.
    #[doc(hidden)]
    fn declare(_declare: &mut Declare<'_>) {}
}

impl Request {
    /// The host's validated JSON at `key` (`path`, `query`, `body`...), found without
    /// parsing the other parts.
    pub(crate) fn validated(&self, key: &str) -> Option<&RawValue> {
        let parts: BTreeMap<&str, &RawValue> =
            serde_json::from_str(self.validated.as_deref()?).ok()?;
        parts.get(key).copied()
    }

    /// The host's validated parameters at `key`, as an object.
    fn validated_params(&self, key: &str) -> Option<serde_json::Map<String, Value>> {
        serde_json::from_str(self.validated(key)?.get()).ok()
    }
}

/// Deserializes a parameter object into `T`: a struct takes it whole; a scalar takes its
/// first value, a tuple its values in order (path parameters in rule order).
fn from_params<T: DeserializeOwned>(object: serde_json::Map<String, Value>) -> Result<T, String> {
    // Tried in turn, each read through a reference: no copy unless it comes to the tuple.
    let whole = Value::Object(object);
    let first = whole
        .as_object()
        .and_then(|o| o.values().next())
        .unwrap_or(&Value::Null);
    if let Ok(value) = T::deserialize(&whole).or_else(|_| T::deserialize(first)) {
        return Ok(value);
    }
    let in_order: Vec<Value> = whole
        .as_object()
        .into_iter()
        .flat_map(|o| o.values().cloned())
        .collect();
    // Failing all three, the tuple's error is the one reported.
    T::deserialize(&Value::Array(in_order)).map_err(|e| e.to_string())
}

/// `T` from the host's validated parameters at `key` (read by `validated`), else from the
/// request's own `texts`; a [`Rejection`] of `part`, naming the parameter, when they do not
/// read as `T`.
fn params_or_texts<'a, T: DeserializeOwned>(
    req: &Request,
    key: &str,
    validated: fn(serde_json::Map<String, Value>) -> Result<T, String>,
    texts: impl IntoIterator<Item = (Cow<'a, str>, &'a str)>,
    part: Part,
) -> Result<T, Error> {
    let read = match req.validated_params(key) {
        Some(params) => validated(params).map_err(|e| Rejection::new(part, String::new(), e)),
        None => params::from_texts(texts)
            .map_err(|e| Rejection::new(part, e.path().to_string(), e.inner())),
    };
    read.map_err(Error::from)
}

/// A validated struct of parameters.
fn from_object<T: DeserializeOwned>(object: serde_json::Map<String, Value>) -> Result<T, String> {
    serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string())
}

/// Path parameters, deserialized: `Path<u32>` or `Path<String>` for one, a tuple or a struct
/// for several. With validation on, the host has already coerced them to `T`'s declared
/// types (a 422 when they are not); without, each text is parsed as `T` asks (a 400).
#[derive(Debug, Clone, PartialEq)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + crate::Documented> FromRequest for Path<T> {
    fn from_request(req: &Request) -> Result<Self, Error> {
        let texts = req
            .path_params
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.as_str()));
        params_or_texts(req, "path", from_params, texts, Part::Path).map(Path)
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.params::<T>(Location::Path);
    }
}

/// The JSON body, deserialized; also a return type (see `IntoResponse`). With validation on,
/// the host has already checked it against `T`'s schema and filled in defaults.
impl<T: DeserializeOwned + crate::Documented> FromRequest for crate::Json<T> {
    fn from_request(req: &Request) -> Result<Self, Error> {
        let text = match req.validated("body") {
            Some(validated) => validated.get().as_bytes(),
            None => &req.body,
        };
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let value = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| Rejection::new(Part::Body, e.path().to_string(), e.inner()))?;
        // Nothing but whitespace after the value, as `serde_json::from_slice` checks.
        deserializer
            .end()
            .map_err(|e| Rejection::new(Part::Body, String::new(), e))?;
        Ok(crate::Json(value))
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.body::<T>();
    }
}

/// Query parameters as a struct with one field per parameter (Powertools' `Query()`
/// parameters): with validation the host coerces each to its declared type, lists
/// included; without, each field parses its parameter's last value as its type asks (as
/// axum's `Query` does: `?limit=` is an empty text, which an `Option<u32>` refuses), and a
/// sequence field takes every value.
#[derive(Debug, Clone, PartialEq)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + crate::Documented> FromRequest for Query<T> {
    fn from_request(req: &Request) -> Result<Self, Error> {
        let texts = req.query.iter().map(|(k, v)| (Cow::Borrowed(k), v));
        params_or_texts(req, "query", from_object, texts, Part::Query).map(Query)
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.params::<T>(Location::Query);
    }
}

/// Headers as a struct with one field per header (Powertools' `Header()` parameters); a
/// field `x_api_key` reads the header `x-api-key`, case-insensitively. `Header<T, false>`
/// keeps the underscores (`Header(convert_underscores=False)`): `x_api_key` reads the header
/// `x_api_key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Header<T, const CONVERT_UNDERSCORES: bool = true>(pub T);

impl<T: DeserializeOwned + crate::Documented, const CONVERT_UNDERSCORES: bool> FromRequest
    for Header<T, CONVERT_UNDERSCORES>
{
    fn from_request(req: &Request) -> Result<Self, Error> {
        let texts = req.headers.iter().map(|(k, v)| {
            let name = k.to_ascii_lowercase();
            let name = match CONVERT_UNDERSCORES {
                true => name.replace('-', "_"),
                false => name,
            };
            (Cow::Owned(name), v)
        });
        params_or_texts(req, "header", from_object, texts, Part::Header).map(Header)
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.header_params::<T>(CONVERT_UNDERSCORES);
    }
}

/// Cookies as a struct with one field per cookie (Powertools' `Cookie()` parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct Cookies<T>(pub T);

impl<T: DeserializeOwned + crate::Documented> FromRequest for Cookies<T> {
    fn from_request(req: &Request) -> Result<Self, Error> {
        let texts = req.cookies.iter().map(|(k, v)| (Cow::Borrowed(k), v));
        params_or_texts(req, "cookie", from_object, texts, Part::Cookie).map(Cookies)
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.params::<T>(Location::Cookie);
    }
}

impl FromRequest for Request {
    fn from_request(req: &Request) -> Result<Self, Error> {
        Ok(req.clone())
    }
}
