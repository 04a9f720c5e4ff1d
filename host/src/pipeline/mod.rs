//! The request path, stage by stage, in the order of DESIGN.md's diagram. [`Pipeline::handle`]
//! is the list of stages; each lives in its own file:
//!
//! | stage | file |
//! | --- | --- |
//! | decode the event | `event` |
//! | strip prefixes, route: a route, Swagger UI or not found, and its chain | `route.rs`, `middleware.rs`, `openapi/swagger.rs` |
//! | validate the request | `validate.rs` |
//! | the deadline | `deadline.rs` |
//! | run the chain in the guests | `runtime` |
//! | errors to responses | `errors.rs` |
//! | CORS, Cache-Control, gzip, base64, encode | `finish.rs`, `cors.rs`, `compress.rs` |
//! | ALB's size limit, then what a front door can deliver | `alb_size_limit.rs`, `deliverable.rs` |
//! | the access log | `access_log.rs` |
//!
//! The route table itself is built once, when the bundle loads (`assembly.rs`).

mod access_log;
mod alb_size_limit;
mod assembly;
mod compress;
mod cors;
mod deadline;
mod debug;
mod deliverable;
mod errors;
mod fault;
mod finish;
mod middleware;
mod native;
mod route;
mod validate;

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};

pub(crate) use assembly::{AppSettings, Mount, Overrides, RouteTarget};
use assembly::{Assembly, ExceptionHandlerEntry};
pub(crate) use cors::CorsConfig;
pub(crate) use errors::malformed_event_response;

use crate::app_manifest::AppSpec;
use crate::bundle::UnhandledErrors;
use crate::event::{self, DecodeError, LambdaResponse};
use crate::invocation::{self, InvocationContext};
use crate::log::{self, CorrelationPath};
use crate::metrics;
use crate::openapi::{self, DocumentError, Operation, SwaggerPage};
use crate::request::EventSource;
use crate::response::Outcome;
use crate::router::{self, RouteEntry, Router};
use crate::runtime::{Call, CallFailure, Invocation, Runtime};
use crate::trace;

/// Why an invocation failed rather than answered.
#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    /// The event is not one the host reads.
    #[error(transparent)]
    Malformed(#[from] DecodeError),
    /// An unhandled error, with the bundle's `unhandled_errors: fail`.
    #[error("{error_type}: {message}")]
    Unhandled {
        /// The error's type name, Lambda's `errorType`.
        error_type: String,
        /// Its message, Lambda's `errorMessage`.
        message: String,
    },
}

/// One API: its components, route table and settings, ready for events.
pub struct Pipeline {
    runtime: Arc<Runtime>,
    router: Router<RouteTarget>,
    settings: AppSettings,
    global_middlewares: Vec<(usize, u32)>,
    exception_handlers: Vec<ExceptionHandlerEntry>,
    /// `Access-Control-Allow-Methods` of the automatic pre-flight.
    cors_methods: String,
    /// The app's validation, OpenAPI and Swagger settings, with every component's schemas.
    app_spec: Arc<AppSpec>,
    /// Swagger UI, when the app enables it.
    swagger: Option<SwaggerPage>,
    /// Stand-ins for guests' dependencies by name, set by tests (`switchyard::testing`);
    /// `None` otherwise, so a request in production clones nothing for them.
    dependency_overrides: Option<Arc<Map<String, Value>>>,
}

impl Pipeline {
    /// Builds the route table and settings from every component's manifest. Conflicting
    /// routes in two components, and invalid rules, are errors naming the components.
    pub fn new(
        runtime: Arc<Runtime>,
        mounts: &[Mount],
        overrides: Overrides,
    ) -> anyhow::Result<Self> {
        let Assembly {
            router,
            settings,
            global_middlewares,
            exception_handlers,
            cors_methods,
            app_spec,
            swagger,
        } = Assembly::build(&runtime, mounts, overrides)?;
        let pipeline = Self {
            runtime,
            router,
            settings,
            global_middlewares,
            exception_handlers,
            cors_methods,
            app_spec: Arc::new(app_spec),
            swagger,
            dependency_overrides: None,
        };
        // An undeclared security scheme is a configuration error: refuse it at load.
        pipeline.openapi_document("")?;
        Ok(pipeline)
    }

    /// Answers one Lambda event with the Lambda response for its source, an unhandled error
    /// with its 500 whatever the bundle's `unhandled_errors` says (see
    /// [`Pipeline::handle_invocation`]). Every line logged while it does carries the
    /// invocation's keys, as under Powertools' `@logger.inject_lambda_context`, and its
    /// metrics are written when it ends; an event that does not decode is logged here.
    pub fn handle(
        &self,
        event: &[u8],
        context: &InvocationContext,
    ) -> Result<LambdaResponse, DecodeError> {
        self.invoke(event, context).map(|(response, _)| response)
    }

    /// [`Pipeline::handle`] as Lambda invokes it: with the bundle's `unhandled_errors: fail`,
    /// an unhandled error (or a failing guest) fails the invocation, as an exception leaving
    /// Powertools' resolver does, so Lambda's `Errors` metric counts it.
    pub fn handle_invocation(
        &self,
        event: &[u8],
        context: &InvocationContext,
    ) -> Result<LambdaResponse, InvocationError> {
        let (response, fault) = self.invoke(event, context)?;
        match (fault, self.settings.unhandled_errors) {
            (Some(fault), UnhandledErrors::Fail) => Err(InvocationError::Unhandled {
                error_type: fault.error_type,
                message: fault.message,
            }),
            _ => Ok(response),
        }
    }

    /// Answers the event within the invocation's log, metrics and trace scopes: the
    /// response, and the fault that made it, if one did.
    fn invoke(
        &self,
        event: &[u8],
        context: &InvocationContext,
    ) -> Result<(LambdaResponse, Option<fault::Fault>), DecodeError> {
        let cold_start = invocation::take_cold_start();
        let _log_scope = log::invocation::enter(context, cold_start, log::settings().sample_rate);
        let metrics = metrics::enter(&self.settings.metrics);
        let trace = trace::enter(context, cold_start);
        fault::take();
        let answer = self.answer(event, context);
        let fault = fault::take();
        let failure = match (&answer, &fault) {
            (_, Some(fault)) => Some(trace::Failure {
                error_type: &fault.error_type,
                message: &fault.message,
            }),
            (Err(_), None) => Some(trace::Failure {
                error_type: "MalformedEvent",
                message: "the event is not one the host reads",
            }),
            (Ok(_), None) => None,
        };
        let response = || match &answer {
            Ok(response) => serde_json::to_value(response).unwrap_or_default(),
            Err(_) => Value::Null,
        };
        trace.finish(response, failure);
        if let Err(err) = &answer {
            if log::settings().log_event {
                log::event(&String::from_utf8_lossy(event));
            }
            log::error(&err.to_string());
        }
        metrics.finish(context, cold_start, fault.is_some());
        answer.map(|response| (response, fault))
    }

    /// [`Pipeline::invoke`] within the invocation's scopes.
    fn answer(
        &self,
        event: &[u8],
        context: &InvocationContext,
    ) -> Result<LambdaResponse, DecodeError> {
        let started = Instant::now();
        let mut request = event::decode(event, self.settings.source)?;
        let correlation_path = match &self.settings.correlation_path {
            Some(path) => path,
            None => CorrelationPath::for_source(request.source),
        };
        log::invocation::set_correlation_id(correlation_path.find(&request.raw_event));
        if log::settings().log_event {
            log::event(request.raw_event.text());
        }
        if self.settings.debug {
            self.trace_event(request.raw_event.text());
        }
        let route_path = router::strip(&self.settings.strip_prefixes, &request.path);
        let selected = self.select(&request, &route_path);
        if self.settings.debug {
            self.trace_route(&request.method, selected.rule, &selected.frames);
        }
        let validation = trace::span("## validation");
        let validated = self.check_request(&selected, &request);
        validation.end(None);
        if self.decodes_alb_query(request.source) {
            event::url_decode_query(&mut request.query);
        }
        let deadline = deadline::deadline(selected.timeout, context);
        let outermost = deliverable::outermost_component(&selected.frames);
        let (validated, rejection) = match validated {
            Ok(values) => (values, None),
            Err(rejection) => (None, Some(rejection)),
        };
        let invocation = Invocation::new(
            self.runtime.clone(),
            Call {
                request: &request,
                route_path: &route_path,
                path_params: selected.params,
                route: selected.route.map(|route| route.openapi_path.clone()),
                dependency_overrides: self.dependency_overrides.clone(),
                validated,
                context,
                timeout: selected.timeout,
                frames: selected.frames,
                deadline,
            },
        );
        // Request validation is the chain's first frame in Powertools: a rejected request
        // reaches no middleware, only the exception handlers.
        let outcome = match rejection {
            Some(rejection) => Ok(Err(rejection)),
            None => match selected.route {
                Some(route) if !route.traces_frames => run_traced(&invocation, &route.spec.name),
                _ => invocation.run(),
            },
        };
        let (response, answered_by) = self.respond(outcome, &invocation, outermost);
        let options = &selected.options;
        let mut encoded = self.finish_encoded(response, options, &request);
        if self.settings.alb.response_size_validation && request.source.is_alb() {
            encoded = self.within_alb_limit(encoded, &invocation, options, &request);
        }
        let encoded = self.deliverable(encoded, answered_by, options, &request);
        if self.settings.debug {
            self.trace_response(&encoded);
        }
        access_log::access_log(&request, selected.rule, encoded.status(), started);
        metrics::request_answered(selected.rule, encoded.status(), started.elapsed());
        Ok(encoded)
    }

    /// The OpenAPI document of every route, with `base_path` as the server unless the app
    /// names its servers.
    pub fn openapi_document(&self, base_path: &str) -> Result<Value, DocumentError> {
        let mut routes: Vec<&RouteEntry<RouteTarget>> = self.router.routes().iter().collect();
        // The table is in matching order (static first); the document wants registration order.
        routes.sort_by_key(|r| r.value.order);
        let operations: Vec<Operation<'_>> = routes
            .iter()
            .map(|r| Operation {
                method: &r.method,
                rule: &r.rule,
                spec: &r.value.spec,
            })
            .collect();
        openapi::document(&self.app_spec, &operations, base_path)
    }

    /// The same API with the event source named instead of detected (the bundle's `source`).
    pub fn with_source(mut self, source: EventSource) -> Self {
        self.settings.source = Some(source);
        self
    }

    /// Answers the guests' dependency `name` (its function's name) with `value` instead of
    /// running it, for tests (Powertools' `app.dependency_overrides[fn] = ...`).
    pub fn with_dependency_override(mut self, name: &str, value: Value) -> Self {
        let overrides = self.dependency_overrides.get_or_insert_with(Arc::default);
        Arc::make_mut(overrides).insert(name.to_string(), value);
        self
    }

    /// The route table, in matching order.
    pub fn routes(&self) -> &[RouteEntry<RouteTarget>] {
        self.router.routes()
    }

    /// The runtime behind the pipeline.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// The app settings in force.
    pub fn settings(&self) -> &AppSettings {
        &self.settings
    }
}

/// Runs the route's chain in its handler's X-Ray subsegment (`## <handler>`), which an error
/// the chain raised or a failing guest ends with a fault: for a component that does not
/// record its frames' subsegments itself (one built with an older SDK, or another
/// language's).
fn run_traced(invocation: &Arc<Invocation>, handler: &str) -> Result<Outcome, CallFailure> {
    let span = trace::span(&format!("## {handler}"));
    let outcome = invocation.run();
    let failed_text;
    let failure = match &outcome {
        Ok(Ok(_)) => None,
        Ok(Err(raised)) => Some(trace::Failure {
            error_type: raised.type_name(),
            message: &raised.message,
        }),
        Err(failure) => {
            failed_text = failure.to_string();
            Some(trace::Failure {
                error_type: failure.kind(),
                message: &failed_text,
            })
        }
    };
    span.end(failure);
    outcome
}
