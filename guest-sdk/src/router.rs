//! `Router`: routes, middlewares and exception handlers registered in a module of their own
//! and mounted on the app with [`App::include_router`](crate::App::include_router), as
//! Powertools' `Router` and `include_router(router, prefix=)` are. What `App` and `Router` both
//! register is a [`Routes`]; the methods that register it are written once
//! ([`registration_methods!`]) for both types.

use std::ops::Range;

use serde_json::Value;

use crate::app::{ExceptionFn, HandlerFn, RouteEntry};
use crate::depends::Dependencies;
use crate::handler::{Handler, Middleware, short_name};
use crate::openapi::{Declare, RouteDoc, Schemas};

/// Routes, middlewares and exception handlers, indexed as the manifest lists them.
pub(crate) struct Routes {
    pub(crate) handlers: Vec<HandlerFn>,
    pub(crate) entries: Vec<RouteEntry>,
    pub(crate) middlewares: Vec<(String, Box<dyn Middleware>)>,
    /// Middlewares (by index) that wrap every route (`use`), in the order they run.
    pub(crate) global_middlewares: Vec<u32>,
    pub(crate) exception_handlers: Vec<(String, ExceptionFn)>,
    /// Dependencies by the type they provide (`Depends`).
    pub(crate) dependencies: Dependencies,
    /// Collects the named types of every route's schemas (`components.schemas`).
    pub(crate) schemas: Schemas,
    /// Routes added by the last registration call, which the route options apply to.
    last_registration: Range<usize>,
    /// Mistakes made while registering, with where: the host refuses the component at load
    /// naming them (app metadata `build_errors`), rather than the guest trapping.
    pub(crate) build_errors: Vec<String>,
}

impl Default for Routes {
    fn default() -> Self {
        Self {
            handlers: Vec::new(),
            entries: Vec::new(),
            middlewares: Vec::new(),
            global_middlewares: Vec::new(),
            exception_handlers: Vec::new(),
            dependencies: Dependencies::default(),
            schemas: Schemas::default(),
            last_registration: 0..0,
            build_errors: Vec::new(),
        }
    }
}

impl Routes {
    /// Registers `handler` for `rule` and each of `methods`.
    #[track_caller]
    pub(crate) fn add<H: Handler<Args>, Args>(&mut self, rule: &str, methods: &[&str], handler: H) {
        if methods.is_empty() {
            let at = std::panic::Location::caller();
            self.build_errors
                .push(format!("{at}: route `{rule}` needs at least one method"));
        }
        let index = self.handlers.len() as u32;
        let mut doc = RouteDoc {
            name: short_name(std::any::type_name::<H>()),
            ..RouteDoc::default()
        };
        H::declare(&mut Declare {
            rule,
            generator: &mut self.schemas.input,
            output: &mut self.schemas.output,
            doc: &mut doc,
        });
        self.handlers.push(Box::new(move |req| handler.call(req)));
        let start = self.entries.len();
        for (i, method) in methods.iter().enumerate() {
            self.entries.push(RouteEntry {
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
        self.last_registration = start..self.entries.len();
    }

    /// The routes of the last registration, which a route option applies to: none, and a
    /// build error naming the caller's line, when no registration comes before it.
    #[track_caller]
    pub(crate) fn last(&mut self) -> &mut [RouteEntry] {
        if self.last_registration.is_empty() {
            let at = std::panic::Location::caller();
            self.build_errors.push(format!(
                "{at}: a route option must follow a route registration (`get`, `post`, `route`...)"
            ));
        }
        &mut self.entries[self.last_registration.clone()]
    }

    /// Sets an OpenAPI option of the last registration's routes.
    #[track_caller]
    pub(crate) fn set_openapi(&mut self, key: &str, value: Value) {
        self.last().iter_mut().for_each(|r| {
            r.doc.openapi.insert(key.to_string(), value.clone());
        });
    }

    /// Adds `responses` (OpenAPI JSON keyed by status) to the last registration's, a status
    /// given again replacing the earlier entry.
    #[track_caller]
    pub(crate) fn merge_responses(&mut self, responses: Value) {
        let Value::Object(added) = responses else {
            return self.set_openapi("responses", responses);
        };
        self.last().iter_mut().for_each(|r| {
            let entry = r
                .doc
                .openapi
                .entry("responses")
                .or_insert_with(|| Value::Object(Default::default()));
            match entry {
                Value::Object(existing) => existing.extend(added.clone()),
                other => *other = Value::Object(added.clone()),
            }
        });
    }

    /// Registers `handler` for each of `type_names`.
    pub(crate) fn add_exception_handler(&mut self, type_names: Vec<String>, handler: ExceptionFn) {
        for name in type_names {
            self.exception_handlers.push((name, handler.clone()));
        }
    }

    /// Adds a middleware; its index.
    pub(crate) fn add_middleware(&mut self, middleware: impl Middleware) -> u32 {
        self.middlewares
            .push((middleware.name(), Box::new(middleware)));
        (self.middlewares.len() - 1) as u32
    }

    /// Declares on each route what its dependencies read, now that every one is registered.
    pub(crate) fn declare_dependencies(&mut self) {
        for entry in &mut self.entries {
            self.dependencies.declare_on(&mut Declare {
                rule: &entry.rule,
                generator: &mut self.schemas.input,
                output: &mut self.schemas.output,
                doc: &mut entry.doc,
            });
        }
        self.schemas
            .settle(self.entries.iter_mut().map(|entry| &mut entry.doc));
    }

    /// Refuses validation without the `schemas` feature: no route declares what it would
    /// check, so it would pass everything; a build error names it instead.
    pub(crate) fn refuse_validation_without_schemas(&mut self, app_validation: bool) {
        let validated =
            app_validation || self.entries.iter().any(|e| e.doc.validation == Some(true));
        if validated && !cfg!(feature = "schemas") {
            self.build_errors.push(
                "validation is on, but switchyard-sdk is built without its `schemas` feature, \
                 so no route declares what to check"
                    .into(),
            );
        }
    }

    /// Mounts `router` (Powertools' `include_router`): its routes after these, under
    /// `prefix` (plain concatenation; the router's `/` becomes the prefix itself), its `use`
    /// middlewares after the ones registered so far (they wrap every route, the app's too, as
    /// Powertools' do), and its exception handlers after these (a later registration for a
    /// type wins, as Powertools' dict update does).
    pub(crate) fn include(&mut self, router: Routes, prefix: Option<&str>) {
        let Routes {
            handlers,
            entries,
            middlewares,
            global_middlewares,
            exception_handlers,
            dependencies,
            schemas,
            last_registration: _,
            build_errors,
        } = router;
        self.build_errors.extend(build_errors);
        if let Err(error) = self.dependencies.extend(dependencies) {
            self.build_errors.push(error);
        }
        let handler_base = self.handlers.len() as u32;
        let middleware_base = self.middlewares.len() as u32;
        self.handlers.extend(handlers);
        self.middlewares.extend(middlewares);
        self.global_middlewares
            .extend(global_middlewares.into_iter().map(|m| m + middleware_base));
        self.exception_handlers.extend(exception_handlers);
        for mut entry in entries {
            entry.handler += handler_base;
            entry
                .middlewares
                .iter_mut()
                .for_each(|m| *m += middleware_base);
            if let Some(prefix) = prefix {
                entry.rule = match entry.rule.as_str() {
                    "/" => prefix.to_string(),
                    rule => format!("{prefix}{rule}"),
                };
            }
            self.entries.push(entry);
        }
        self.schemas.absorb(schemas);
        // A route option after `include_router` has no route of its own to apply to.
        self.last_registration = 0..0;
    }
}

/// A set of routes in its own module, mounted on the app with
/// [`App::include_router`](crate::App::include_router) (Powertools' `Router`). It registers
/// routes, route options, middlewares and exception handlers as [`App`](crate::App) does;
/// the app's own settings (CORS, validation, OpenAPI, Swagger UI, `strip_prefixes`, debug)
/// stay the app's.
///
/// ```
/// use serde_json::json;
/// use switchyard_sdk::{App, Router};
///
/// // routers/todos.rs
/// fn todos() -> Router {
///     Router::new()
///         .get("/", || json!({"todos": []}))
///         .get("/<todo_id>", |req: &switchyard_sdk::Request| {
///             json!({"id": req.path_param("todo_id")})
///         })
/// }
///
/// // lib.rs: `/todos` and `/todos/<todo_id>`
/// let app = App::new().include_router(todos(), "/todos");
/// # let _: App = app;
/// ```
#[derive(Default)]
pub struct Router {
    pub(crate) routes: Routes,
}

impl Router {
    /// A router with no routes.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The registration methods `App` and `Router` share, written once: both types keep what
/// they register in a `routes: Routes` field.
macro_rules! registration_methods {
    () => {
        /// Registers `handler` for `rule` and each of `methods` (`@app.route(rule, method=[...])`).
        #[track_caller]
        pub fn route<H: $crate::Handler<Args>, Args>(
            mut self,
            rule: &str,
            methods: &[&str],
            handler: H,
        ) -> Self {
            self.routes.add(rule, methods, handler);
            self
        }
        /// Registers a dependency: `provider` builds the value of its return type for any
        /// handler, middleware or dependency that asks for it with
        /// [`Depends`]($crate::Depends) (Powertools' `Depends(provider)`).
        #[track_caller]
        pub fn dependency<P: $crate::Provider<Args>, Args>(mut self, provider: P) -> Self {
            if let Err(error) = self.routes.dependencies.add(provider) {
                self.routes.build_errors.push(error);
            }
            self
        }
        /// `@app.get(rule)`
        #[track_caller]
        pub fn get<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["GET"], handler)
        }
        /// `@app.post(rule)`
        #[track_caller]
        pub fn post<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["POST"], handler)
        }
        /// `@app.put(rule)`
        #[track_caller]
        pub fn put<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["PUT"], handler)
        }
        /// `@app.patch(rule)`
        #[track_caller]
        pub fn patch<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["PATCH"], handler)
        }
        /// `@app.delete(rule)`
        #[track_caller]
        pub fn delete<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["DELETE"], handler)
        }
        /// `@app.head(rule)`
        #[track_caller]
        pub fn head<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["HEAD"], handler)
        }
        /// `@app.route(rule, method="OPTIONS")`: an explicit OPTIONS route wins over the
        /// automatic pre-flight.
        #[track_caller]
        pub fn options<H: $crate::Handler<Args>, Args>(self, rule: &str, handler: H) -> Self {
            self.route(rule, &["OPTIONS"], handler)
        }

        /// Route option: gzip the response when the client accepts it (`compress=True`).
        #[track_caller]
        pub fn compress(mut self, on: bool) -> Self {
            self.routes.last().iter_mut().for_each(|r| r.compress = on);
            self
        }
        /// Route option: the gzip level of this route's compressed answers, over the app's
        /// ([`App::default_compression_level`](crate::App::default_compression_level)).
        #[track_caller]
        pub fn compression_level(mut self, level: $crate::CompressionLevel) -> Self {
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.doc.compression_level = Some(level.level()));
            self
        }
        /// Route option: CORS on or off for this route (`cors=False`).
        #[track_caller]
        pub fn with_cors(mut self, on: bool) -> Self {
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.cors = Some(on));
            self
        }
        /// Route option: `Cache-Control` for 200 answers (`no-cache` otherwise).
        #[track_caller]
        pub fn cache_control(mut self, value: &str) -> Self {
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.cache_control = Some(value.to_string()));
            self
        }
        /// Route option: the status for returned values that are not a `Response`
        /// (`status_code=201`).
        #[track_caller]
        pub fn status_code(mut self, status: u16) -> Self {
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.doc.status_code = Some(status));
            self
        }
        /// Route option: validation on or off for this route, over the app's setting
        /// (`enable_validation=` on the route).
        #[track_caller]
        pub fn validation(mut self, on: bool) -> Self {
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.doc.validation = Some(on));
            self
        }
        /// Route option: the handler's response body is a `T`; with validation on the host
        /// checks it (422, or the configured status, when it is not) and the OpenAPI document
        /// shows it.
        #[track_caller]
        pub fn returns<T: $crate::Documented>(mut self) -> Self {
            let schema = $crate::openapi::response_schema::<T>(&mut self.routes.schemas.output);
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.doc.response_schema = schema.clone());
            self
        }
        /// Route option: the operation's `summary` (default `"METHOD /path"`).
        #[track_caller]
        pub fn summary(mut self, summary: &str) -> Self {
            self.routes.set_openapi("summary", summary.into());
            self
        }
        /// Route option: the operation's `description`.
        #[track_caller]
        pub fn description(mut self, description: &str) -> Self {
            self.routes.set_openapi("description", description.into());
            self
        }
        /// Route option: the operation's `tags`.
        #[track_caller]
        pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
            let tags: Vec<serde_json::Value> = tags
                .into_iter()
                .map(|t| serde_json::Value::String(t.into()))
                .collect();
            self.routes.set_openapi("tags", tags.into());
            self
        }
        /// Route option: the `operationId` (default `<function>_<path>_<method>`).
        #[track_caller]
        pub fn operation_id(mut self, operation_id: &str) -> Self {
            self.routes.set_openapi("operation_id", operation_id.into());
            self
        }
        /// Route option: leave the route out of the OpenAPI document.
        #[track_caller]
        pub fn include_in_schema(mut self, include: bool) -> Self {
            self.routes.set_openapi("include_in_schema", include.into());
            self
        }
        /// Route option: mark the operation `deprecated`.
        #[track_caller]
        pub fn deprecated(mut self) -> Self {
            self.routes.set_openapi("deprecated", true.into());
            self
        }
        /// Route option: the description of the success response (default
        /// `Successful Response`).
        #[track_caller]
        pub fn response_description(mut self, description: &str) -> Self {
            self.routes
                .set_openapi("response_description", description.into());
            self
        }
        /// Route option: the operation's `responses`, as OpenAPI JSON keyed by status; an
        /// entry without `content` gets the declared return type's schema. Statuses given by
        /// [`response_model`](Self::response_model) stay unless this names them too.
        #[track_caller]
        pub fn responses(mut self, responses: serde_json::Value) -> Self {
            self.routes.merge_responses(responses);
            self
        }
        /// Route option: a response whose JSON body is a `T`, added to `responses` and
        /// `components.schemas` (Powertools' `responses={404: {"description": ..., "content":
        /// {"application/json": {"model": T}}}}`).
        #[track_caller]
        pub fn response_model<T: $crate::Documented>(
            mut self,
            status: u16,
            description: &str,
        ) -> Self {
            let schema = $crate::openapi::response_schema::<T>(&mut self.routes.schemas.output);
            let media = match schema {
                Some(schema) => serde_json::json!({ "schema": schema }),
                None => serde_json::json!({}),
            };
            self.routes.merge_responses(serde_json::json!({
                status.to_string(): {
                    "description": description,
                    "content": {"application/json": media},
                }
            }));
            self
        }
        /// Route option: the status of a response that fails validation on this route.
        #[track_caller]
        pub fn custom_response_validation_http_code(mut self, status: u16) -> Self {
            self.routes
                .set_openapi("custom_response_validation_http_code", status.into());
            self
        }
        /// Route option: the operation's security requirements (`[{"scheme": []}]`).
        #[track_caller]
        pub fn security(mut self, security: serde_json::Value) -> Self {
            self.routes.set_openapi("security", security);
            self
        }
        /// Route option: `x-` extensions merged into the operation.
        #[track_caller]
        pub fn openapi_extensions(mut self, extensions: serde_json::Value) -> Self {
            self.routes.set_openapi("openapi_extensions", extensions);
            self
        }
        /// Route option: a middleware for this route; several run in the order given.
        #[track_caller]
        pub fn middleware(mut self, middleware: impl $crate::Middleware) -> Self {
            let index = self.routes.add_middleware(middleware);
            self.routes
                .last()
                .iter_mut()
                .for_each(|r| r.middlewares.push(index));
            self
        }

        /// A middleware for every route, the not-found answer and the pre-flight (`use`). A
        /// router's wrap the app's routes too once it is included, after the app's own
        /// registered before `include_router` and before those registered after it, as in
        /// Powertools.
        pub fn use_middleware(mut self, middleware: impl $crate::Middleware) -> Self {
            let index = self.routes.add_middleware(middleware);
            self.routes.global_middlewares.push(index);
            self
        }

        /// Handles errors of type `E` (`@app.exception_handler(E)`); `ServiceError` catches
        /// every named HTTP error.
        pub fn exception_handler<E: 'static, R: $crate::IntoResponse>(
            mut self,
            handler: impl Fn(&$crate::Request, &$crate::Error) -> R + 'static,
        ) -> Self {
            self.routes.add_exception_handler(
                $crate::error::type_keys::<E>(),
                std::rc::Rc::new(move |req, err| handler(req, err).into_response()),
            );
            self
        }

        /// Handles errors of each of the types `Es`, a tuple, with one handler
        /// (`@app.exception_handler([ValueError, KeyError])`).
        pub fn exception_handlers<Es: $crate::ErrorTypes, R: $crate::IntoResponse>(
            mut self,
            handler: impl Fn(&$crate::Request, &$crate::Error) -> R + 'static,
        ) -> Self {
            self.routes.add_exception_handler(
                Es::keys(),
                std::rc::Rc::new(move |req, err| handler(req, err).into_response()),
            );
            self
        }

        /// Handles errors by type name; `*` catches every error (Python's `Exception`).
        pub fn exception_handler_named<R: $crate::IntoResponse>(
            mut self,
            type_name: &str,
            handler: impl Fn(&$crate::Request, &$crate::Error) -> R + 'static,
        ) -> Self {
            self.routes.add_exception_handler(
                vec![type_name.to_string()],
                std::rc::Rc::new(move |req, err| handler(req, err).into_response()),
            );
            self
        }

        /// Answers unmatched routes and raised `NotFoundError`s (`@app.not_found`).
        pub fn not_found<R: $crate::IntoResponse>(
            self,
            handler: impl Fn(&$crate::Request, &$crate::Error) -> R + 'static,
        ) -> Self {
            self.exception_handler::<$crate::NotFoundError, R>(handler)
        }
    };
}
pub(crate) use registration_methods;

impl Router {
    registration_methods!();
}
