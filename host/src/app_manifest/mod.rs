//! What a component declares, as the host reads it from the component's `manifest` export:
//! its routes and their options, its middlewares and exception handlers, and (for the app,
//! the bundle's first component) the app's settings. The runtime converts the WIT record
//! into these types when it loads the component; the route table is assembled from them
//! (`pipeline/assembly.rs`). The JSON metadata a route or an app carries is typed in
//! [`spec`].

mod spec;

pub(crate) use spec::{AlbOptions, AppSpec, Location, ParamSpec, RouteSpec, SwaggerSettings};

/// Everything a component declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct AppManifest {
    /// Its routes, in registration order.
    pub routes: Vec<Route>,
    /// Its middlewares' names, by index (`Route::middlewares` and `global_middlewares` point
    /// here).
    pub middleware_names: Vec<String>,
    /// Middlewares (by index) that wrap every route, in the order they run (`app.use`).
    pub global_middlewares: Vec<u32>,
    /// Its exception handlers, in registration order.
    pub exception_handlers: Vec<ExceptionHandler>,
    /// `cors=CORSConfig(...)`: app only.
    pub cors: Option<Cors>,
    /// `strip_prefixes=`: app only.
    pub strip_prefixes: Vec<Prefix>,
    /// `debug=`: app only; `None` defers to `POWERTOOLS_DEV`.
    pub debug: Option<bool>,
    /// The validation, OpenAPI and Swagger settings and shared schemas, as JSON ([`AppSpec`]).
    pub metadata_json: String,
}

/// One route: a rule, the methods it answers, and its options.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// The handler's index in the component.
    pub handler: u32,
    /// The methods, as declared.
    pub methods: Vec<String>,
    /// Powertools' rule: `<name>` parameters, everything else a regular expression.
    pub rule: String,
    /// `cors=`; `None` follows the app.
    pub cors: Option<bool>,
    /// `compress=True`.
    pub compress: bool,
    /// `cache_control=`.
    pub cache_control: Option<String>,
    /// The route's own middlewares (by index), in the order they run.
    pub middlewares: Vec<u32>,
    /// Validation and OpenAPI metadata, as JSON ([`RouteSpec`]).
    pub metadata_json: String,
}

/// An exception handler for an error type name (`*` catches every error).
#[derive(Debug, Clone)]
pub(crate) struct ExceptionHandler {
    /// The error's type name.
    pub type_name: String,
    /// The handler's index in the component.
    pub handler: u32,
}

/// `CORSConfig(...)`'s arguments.
#[derive(Debug, Clone)]
pub(crate) struct Cors {
    /// `allow_origin=`.
    pub allow_origin: String,
    /// `extra_origins=`.
    pub extra_origins: Vec<String>,
    /// `allow_headers=`.
    pub allow_headers: Vec<String>,
    /// `expose_headers=`.
    pub expose_headers: Vec<String>,
    /// `max_age=`.
    pub max_age: Option<u32>,
    /// `allow_credentials=`.
    pub allow_credentials: bool,
}

/// One entry of `strip_prefixes`.
#[derive(Debug, Clone)]
pub(crate) enum Prefix {
    /// A literal prefix, removed when the path starts with it followed by `/`.
    Exact(String),
    /// A regular expression whose matches are all removed.
    Regex(String),
}
