//! `App`: routes, middlewares, exception handlers and app settings, registered the way
//! Powertools' resolver decorators register them.

use serde_json::Value;

use crate::error::Error;
use crate::openapi::{OpenApi, RouteDoc, Swagger};
use crate::request::Request;
use crate::response::Response;
use crate::router::{Router, Routes, registration_methods};

pub(crate) type HandlerFn = Box<dyn Fn(&Request) -> Result<Response, Error>>;
/// Shared: a handler registered for several error names is one function.
pub(crate) type ExceptionFn = std::rc::Rc<dyn Fn(&Request, &Error) -> Result<Response, Error>>;
pub(crate) type Serializer = Box<dyn Fn(&Value) -> String>;

/// How hard gzip works on a compressed answer, as tower-http's `CompressionLevel` says it:
/// Powertools compresses at 9 ([`Best`](Self::Best)), the default here too; a lower level
/// answers sooner with a larger body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressionLevel {
    /// Level 1: the least time.
    Fastest,
    /// Level 6: zlib's default balance.
    Default,
    /// Level 9: the smallest body, Powertools' level.
    Best,
    /// A level from 0 (stored, not compressed) to 9; the host refuses any other at load.
    Precise(u32),
}

impl CompressionLevel {
    /// The gzip level, 0 to 9.
    pub(crate) fn level(self) -> u32 {
        match self {
            CompressionLevel::Fastest => 1,
            CompressionLevel::Default => 6,
            CompressionLevel::Best => 9,
            CompressionLevel::Precise(level) => level,
        }
    }
}

/// Powertools' `CORSConfig`.
///
/// ```
/// use switchyard_sdk::CorsConfig;
/// let cors = CorsConfig::new("https://www.example.com")
///     .extra_origins(["https://dev.example.com"])
///     .allow_headers(["X-Api-Key"])
///     .expose_headers(["X-Transaction-Id"])
///     .max_age(300)
///     .allow_credentials(true);
/// # let _ = cors;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CorsConfig {
    pub(crate) allow_origin: String,
    pub(crate) extra_origins: Vec<String>,
    pub(crate) allow_headers: Vec<String>,
    pub(crate) expose_headers: Vec<String>,
    pub(crate) max_age: Option<u32>,
    pub(crate) allow_credentials: bool,
}

impl Default for CorsConfig {
    /// `CORSConfig()`: any origin.
    fn default() -> Self {
        Self::new("*")
    }
}

impl CorsConfig {
    /// Allows this origin (`*` for any).
    pub fn new(allow_origin: impl Into<String>) -> Self {
        Self {
            allow_origin: allow_origin.into(),
            extra_origins: Vec::new(),
            allow_headers: Vec::new(),
            expose_headers: Vec::new(),
            max_age: None,
            allow_credentials: false,
        }
    }
    /// More allowed origins.
    pub fn extra_origins<I: IntoIterator<Item = S>, S: Into<String>>(mut self, origins: I) -> Self {
        self.extra_origins = origins.into_iter().map(Into::into).collect();
        self
    }
    /// Headers allowed on top of Powertools' defaults.
    pub fn allow_headers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, headers: I) -> Self {
        self.allow_headers = headers.into_iter().map(Into::into).collect();
        self
    }
    /// `Access-Control-Expose-Headers`.
    pub fn expose_headers<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        headers: I,
    ) -> Self {
        self.expose_headers = headers.into_iter().map(Into::into).collect();
        self
    }
    /// `Access-Control-Max-Age`, in seconds.
    pub fn max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(seconds);
        self
    }
    /// `Access-Control-Allow-Credentials: true` (never sent with the `*` origin).
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.allow_credentials = allow;
        self
    }
}

/// One entry of `strip_prefixes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prefix {
    /// A literal prefix.
    Exact(String),
    /// A regular expression; every match is removed.
    Regex(String),
}

impl From<&str> for Prefix {
    fn from(s: &str) -> Self {
        Prefix::Exact(s.to_string())
    }
}

pub(crate) struct RouteEntry {
    pub(crate) handler: u32,
    pub(crate) method: String,
    pub(crate) rule: String,
    pub(crate) cors: Option<bool>,
    pub(crate) compress: bool,
    pub(crate) cache_control: Option<String>,
    pub(crate) middlewares: Vec<u32>,
    pub(crate) doc: RouteDoc,
}

/// A Switchyard app: Powertools' resolver, in Rust.
///
/// ```
/// use switchyard_sdk::{App, Request, Json, NotFoundError, Error};
/// use serde_json::{json, Value};
///
/// fn get_todo(req: &Request) -> Result<Value, Error> {
///     match req.path_param("todo_id") {
///         Some("1") => Ok(json!({"todo": {"id": 1}})),
///         other => Err(NotFoundError::new(format!("todo {other:?} not found")).into()),
///     }
/// }
///
/// let app = App::new()
///     .get("/todos", || json!({"todos": []}))
///     .get("/todos/<todo_id>", get_todo)
///     .get("/compressed", || json!({"big": "body"})).compress(true);
/// # let _: App = app;
/// ```
#[derive(Default)]
pub struct App {
    /// Routes, middlewares and exception handlers, the included routers' too.
    pub(crate) routes: Routes,
    pub(crate) cors: Option<CorsConfig>,
    pub(crate) strip_prefixes: Vec<Prefix>,
    pub(crate) debug: Option<bool>,
    pub(crate) serializer: Option<Serializer>,
    /// `enable_validation=True`.
    pub(crate) validation: bool,
    /// `response_validation_error_http_code=`.
    pub(crate) response_validation_error_http_code: Option<u16>,
    pub(crate) openapi: OpenApi,
    pub(crate) swagger: Option<Swagger>,
    /// ALB: `decode_query_parameters=True`.
    pub(crate) alb_decode_query: bool,
    /// ALB: `enable_response_size_validation=True`.
    pub(crate) alb_response_size_validation: bool,
    /// The gzip level of compressed answers, unless a route sets its own.
    pub(crate) compression_level: Option<CompressionLevel>,
    /// What `State<T>` arguments read.
    pub(crate) states: crate::state::States,
}

impl App {
    /// An app with no routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `value` for the instance's life: handlers, middlewares and dependencies read it
    /// with a [`State<T>`](crate::State) argument (or `State::<T>::from_request`). One value
    /// per type; a second replaces the first.
    pub fn state<T: 'static>(mut self, value: T) -> Self {
        self.states.insert(value);
        self
    }

    /// Validates every route's declared parameters, body and response in the host
    /// (`enable_validation=True`): bad requests answer 422 with Pydantic-style details and
    /// handlers receive coerced, typed values. Routes can opt out with `.validation(false)`.
    pub fn enable_validation(mut self) -> Self {
        self.validation = true;
        self
    }

    /// The status of a response that fails validation (`response_validation_error_http_code=`);
    /// 422 by default.
    pub fn response_validation_error_http_code(mut self, status: u16) -> Self {
        self.response_validation_error_http_code = Some(status);
        self
    }

    /// Document-level OpenAPI settings (`configure_openapi(...)`).
    pub fn openapi(mut self, openapi: OpenApi) -> Self {
        self.openapi = openapi;
        self
    }

    /// Serves Swagger UI and the OpenAPI document (`enable_swagger(...)`).
    pub fn enable_swagger(mut self, swagger: Swagger) -> Self {
        self.swagger = Some(swagger);
        self
    }

    /// Enables CORS for every route (`cors=CORSConfig(...)`).
    pub fn cors(mut self, cors: CorsConfig) -> Self {
        self.cors = Some(cors);
        self
    }

    /// Prefixes removed from the path before routing (`strip_prefixes=[...]`).
    pub fn strip_prefixes<I: IntoIterator<Item = P>, P: Into<Prefix>>(
        mut self,
        prefixes: I,
    ) -> Self {
        self.strip_prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Debug mode (`debug=True`); unset, the host reads `POWERTOOLS_DEV`.
    pub fn debug(mut self, on: bool) -> Self {
        self.debug = Some(on);
        self
    }

    /// On ALB events, URL-decodes query names and values (`ALBResolver(decode_query_parameters=True)`):
    /// ALB passes them as the client wrote them, so `?name=J%C3%BCrgen` reads as `Jürgen`
    /// (`+` stays `+`, as Python's `unquote` leaves it). It applies to what the request's
    /// query accessors and validation read; `current_event()`'s lookups read the event as it
    /// is, as Powertools' do. Other sources are decoded by AWS already.
    pub fn decode_query_parameters(mut self) -> Self {
        self.alb_decode_query = true;
        self
    }

    /// On ALB events, checks each answer against ALB's 1 MiB limit for a Lambda response
    /// (`ALBResolver(enable_response_size_validation=True)`), which ALB otherwise meets with a
    /// bare 502. An answer over it raises [`ResponseSizeExceededError`](crate::ResponseSizeExceededError):
    /// an exception handler registered for it answers instead (and its answer is checked
    /// once more); without one, the request answers 500 and the host logs the sizes.
    pub fn enable_response_size_validation(mut self) -> Self {
        self.alb_response_size_validation = true;
        self
    }

    /// The gzip level of every compressed answer whose route sets none
    /// ([`compression_level`](Self::compression_level)): Powertools' 9
    /// ([`CompressionLevel::Best`]) unless set. A lower level trades size for time.
    pub fn default_compression_level(mut self, level: CompressionLevel) -> Self {
        self.compression_level = Some(level);
        self
    }

    /// Replaces the JSON serializer for response bodies (`serializer=`). It also writes an
    /// answer that response validation changed (a default filled in, members put in the
    /// model's order), as Powertools writes every checked answer with the app's serializer:
    /// the host hands the checked value back to the component for that.
    pub fn serializer(mut self, serializer: impl Fn(&Value) -> String + 'static) -> Self {
        self.serializer = Some(Box::new(serializer));
        self
    }

    /// Mounts `router`'s routes under `prefix` (`app.include_router(router, prefix=...)`):
    /// plain concatenation, and a router's `/` is the prefix itself. Its middlewares and
    /// exception handlers join the app's: its `use` middlewares wrap every route after the
    /// app's registered so far, and its exception handlers win over the app's for the same
    /// type, as in Powertools.
    pub fn include_router(mut self, router: Router, prefix: &str) -> Self {
        let prefix = Some(prefix).filter(|p| !p.is_empty());
        self.routes.include(router.routes, prefix);
        self
    }

    registration_methods!();
}
