//! `App`: routes, middlewares, exception handlers and app settings, registered the way
//! Powertools' resolver decorators register them.

use serde_json::Value;

use crate::error::{Error, NotFoundError, type_key};
use crate::handler::{Handler, Middleware, short_name};
use crate::openapi::{Declare, OpenApi, RouteDoc, Swagger, new_generator, response_schema};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

pub(crate) type HandlerFn = Box<dyn Fn(&Request) -> Result<Response, Error>>;
pub(crate) type ExceptionFn = Box<dyn Fn(&Request, &Error) -> Result<Response, Error>>;
pub(crate) type Serializer = Box<dyn Fn(&Value) -> String>;

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
pub struct App {
    pub(crate) handlers: Vec<HandlerFn>,
    pub(crate) routes: Vec<RouteEntry>,
    pub(crate) middlewares: Vec<(String, Box<dyn Middleware>)>,
    pub(crate) global_middlewares: Vec<u32>,
    pub(crate) exception_handlers: Vec<(String, ExceptionFn)>,
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
    /// Collects the named types of every route's schemas (`components.schemas`).
    pub(crate) schemas: schemars::SchemaGenerator,
    /// Routes added by the last registration call, which the route options apply to.
    last_registration: std::ops::Range<usize>,
}

impl Default for App {
    fn default() -> Self {
        Self {
            handlers: Vec::new(),
            routes: Vec::new(),
            middlewares: Vec::new(),
            global_middlewares: Vec::new(),
            exception_handlers: Vec::new(),
            cors: None,
            strip_prefixes: Vec::new(),
            debug: None,
            serializer: None,
            validation: false,
            response_validation_error_http_code: None,
            openapi: OpenApi::default(),
            swagger: None,
            alb_decode_query: false,
            alb_response_size_validation: false,
            schemas: new_generator(),
            last_registration: 0..0,
        }
    }
}

impl App {
    /// An app with no routes.
    pub fn new() -> Self {
        Self::default()
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

    /// Replaces the JSON serializer for response bodies (`serializer=`). It also writes an
    /// answer that response validation changed (a default filled in, members put in the
    /// model's order), as Powertools writes every checked answer with the app's serializer:
    /// the host hands the checked value back to the component for that.
    pub fn serializer(mut self, serializer: impl Fn(&Value) -> String + 'static) -> Self {
        self.serializer = Some(Box::new(serializer));
        self
    }

    /// Registers `handler` for `rule` and each of `methods` (`@app.route(rule, method=[...])`).
    #[track_caller]
    pub fn route<H: Handler<Args>, Args>(
        mut self,
        rule: &str,
        methods: &[&str],
        handler: H,
    ) -> Self {
        assert!(
            !methods.is_empty(),
            "route `{rule}` needs at least one method"
        );
        let index = self.handlers.len() as u32;
        let mut doc = RouteDoc {
            name: short_name(std::any::type_name::<H>()),
            ..RouteDoc::default()
        };
        H::declare(&mut Declare {
            rule,
            generator: &mut self.schemas,
            doc: &mut doc,
        });
        self.handlers.push(Box::new(move |req| handler.call(req)));
        let start = self.routes.len();
        for (i, method) in methods.iter().enumerate() {
            self.routes.push(RouteEntry {
                handler: index,
                method: method.to_ascii_uppercase(),
                rule: rule.to_string(),
                cors: None,
                compress: false,
                cache_control: None,
                middlewares: Vec::new(),
                // The last method takes the doc itself: most routes have one method.
                doc: match i + 1 == methods.len() {
                    true => std::mem::take(&mut doc),
                    false => doc.clone(),
                },
            });
        }
        self.last_registration = start..self.routes.len();
        self
    }

    /// `@app.get(rule)`
    #[track_caller]
    pub fn get<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["GET"], handler)
    }
    /// `@app.post(rule)`
    #[track_caller]
    pub fn post<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["POST"], handler)
    }
    /// `@app.put(rule)`
    #[track_caller]
    pub fn put<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["PUT"], handler)
    }
    /// `@app.patch(rule)`
    #[track_caller]
    pub fn patch<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["PATCH"], handler)
    }
    /// `@app.delete(rule)`
    #[track_caller]
    pub fn delete<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["DELETE"], handler)
    }
    /// `@app.head(rule)`
    #[track_caller]
    pub fn head<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["HEAD"], handler)
    }
    /// `@app.route(rule, method="OPTIONS")`: an explicit OPTIONS route wins over the automatic pre-flight.
    #[track_caller]
    pub fn options<H: Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
        self.route(rule, &["OPTIONS"], handler)
    }

    #[track_caller]
    fn last_routes(&mut self) -> &mut [RouteEntry] {
        assert!(
            !self.last_registration.is_empty(),
            "route options must follow a route registration"
        );
        &mut self.routes[self.last_registration.clone()]
    }

    /// Route option: gzip the response when the client accepts it (`compress=True`).
    #[track_caller]
    pub fn compress(mut self, on: bool) -> Self {
        self.last_routes().iter_mut().for_each(|r| r.compress = on);
        self
    }
    /// Route option: CORS on or off for this route (`cors=False`).
    #[track_caller]
    pub fn with_cors(mut self, on: bool) -> Self {
        self.last_routes()
            .iter_mut()
            .for_each(|r| r.cors = Some(on));
        self
    }
    /// Route option: `Cache-Control` for 200 answers (`no-cache` otherwise).
    #[track_caller]
    pub fn cache_control(mut self, value: &str) -> Self {
        self.last_routes()
            .iter_mut()
            .for_each(|r| r.cache_control = Some(value.to_string()));
        self
    }
    /// Route option: the status for returned values that are not a `Response` (`status_code=201`).
    #[track_caller]
    pub fn status_code(mut self, status: u16) -> Self {
        self.last_routes()
            .iter_mut()
            .for_each(|r| r.doc.status_code = Some(status));
        self
    }

    /// Route option: validation on or off for this route, over the app's setting
    /// (`enable_validation=` on the route).
    #[track_caller]
    pub fn validation(mut self, on: bool) -> Self {
        self.last_routes()
            .iter_mut()
            .for_each(|r| r.doc.validation = Some(on));
        self
    }

    /// Route option: the handler's response body is a `T`; with validation on the host checks
    /// it (422, or the configured status, when it is not) and the OpenAPI document shows it.
    #[track_caller]
    pub fn returns<T: schemars::JsonSchema>(mut self) -> Self {
        let schema = response_schema::<T>(&mut self.schemas);
        self.last_routes()
            .iter_mut()
            .for_each(|r| r.doc.response_schema = Some(schema.clone()));
        self
    }

    #[track_caller]
    fn set_openapi(mut self, key: &str, value: Value) -> Self {
        self.last_routes().iter_mut().for_each(|r| {
            r.doc.openapi.insert(key.to_string(), value.clone());
        });
        self
    }

    /// Route option: the operation's `summary` (default `"METHOD /path"`).
    #[track_caller]
    pub fn summary(self, summary: &str) -> Self {
        self.set_openapi("summary", Value::from(summary))
    }
    /// Route option: the operation's `description`.
    #[track_caller]
    pub fn description(self, description: &str) -> Self {
        self.set_openapi("description", Value::from(description))
    }
    /// Route option: the operation's `tags`.
    #[track_caller]
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(self, tags: I) -> Self {
        let tags: Vec<Value> = tags.into_iter().map(|t| Value::String(t.into())).collect();
        self.set_openapi("tags", Value::Array(tags))
    }
    /// Route option: the `operationId` (default `<function>_<path>_<method>`).
    #[track_caller]
    pub fn operation_id(self, operation_id: &str) -> Self {
        self.set_openapi("operation_id", Value::from(operation_id))
    }
    /// Route option: leave the route out of the OpenAPI document.
    #[track_caller]
    pub fn include_in_schema(self, include: bool) -> Self {
        self.set_openapi("include_in_schema", Value::from(include))
    }
    /// Route option: mark the operation `deprecated`.
    #[track_caller]
    pub fn deprecated(self) -> Self {
        self.set_openapi("deprecated", Value::from(true))
    }
    /// Route option: the description of the success response (default `Successful Response`).
    #[track_caller]
    pub fn response_description(self, description: &str) -> Self {
        self.set_openapi("response_description", Value::from(description))
    }
    /// Route option: the operation's `responses`, as OpenAPI JSON keyed by status; an entry
    /// without `content` gets the declared return type's schema.
    #[track_caller]
    pub fn responses(self, responses: Value) -> Self {
        self.set_openapi("responses", responses)
    }
    /// Route option: the status of a response that fails validation on this route.
    #[track_caller]
    pub fn custom_response_validation_http_code(self, status: u16) -> Self {
        self.set_openapi("custom_response_validation_http_code", Value::from(status))
    }
    /// Route option: the operation's security requirements (`[{"scheme": []}]`).
    #[track_caller]
    pub fn security(self, security: Value) -> Self {
        self.set_openapi("security", security)
    }
    /// Route option: `x-` extensions merged into the operation.
    #[track_caller]
    pub fn openapi_extensions(self, extensions: Value) -> Self {
        self.set_openapi("openapi_extensions", extensions)
    }
    /// Route option: a middleware for this route; several run in the order given.
    #[track_caller]
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        let index = self.add_middleware(middleware);
        self.last_routes()
            .iter_mut()
            .for_each(|r| r.middlewares.push(index));
        self
    }

    /// A middleware for every route, the not-found answer and the pre-flight (`app.use`).
    pub fn use_middleware(mut self, middleware: impl Middleware) -> Self {
        let index = self.add_middleware(middleware);
        self.global_middlewares.push(index);
        self
    }

    fn add_middleware(&mut self, middleware: impl Middleware) -> u32 {
        self.middlewares
            .push((middleware.name(), Box::new(middleware)));
        (self.middlewares.len() - 1) as u32
    }

    /// Handles errors of type `E` (`@app.exception_handler(E)`); `ServiceError` catches
    /// every named HTTP error.
    pub fn exception_handler<E: 'static, R: IntoResponse>(
        self,
        handler: impl Fn(&Request, &Error) -> R + 'static,
    ) -> Self {
        self.exception_handler_named(&type_key::<E>(), handler)
    }

    /// Handles errors by type name; `*` catches every error (Python's `Exception`).
    pub fn exception_handler_named<R: IntoResponse>(
        mut self,
        type_name: &str,
        handler: impl Fn(&Request, &Error) -> R + 'static,
    ) -> Self {
        self.exception_handlers.push((
            type_name.to_string(),
            Box::new(move |req, err| handler(req, err).into_response()),
        ));
        self
    }

    /// Answers unmatched routes and raised `NotFoundError`s (`@app.not_found`).
    pub fn not_found<R: IntoResponse>(
        self,
        handler: impl Fn(&Request, &Error) -> R + 'static,
    ) -> Self {
        self.exception_handler::<NotFoundError, R>(handler)
    }
}
