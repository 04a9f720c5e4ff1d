//! The request path, arrow by arrow (DESIGN.md): decode → strip prefixes → route →
//! middleware chain and handler in guests → errors → CORS → Cache-Control → gzip → base64 →
//! encode for the source. This module wires the arrows; each lives in its own file.

mod alb_size_limit;
mod assembly;
mod compress;
mod cors;
mod debug;
mod deliverable;
mod errors;
mod middleware;
mod native;
mod swagger;
mod validate;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::Value;

use assembly::Assembly;
pub(crate) use cors::CorsConfig;

use crate::bundle::SwaggerOverride;
use crate::event::{self, DecodeError, Encoded, EventSource, LambdaResponse};
use crate::openapi::{self, DocumentError, Operation, SwaggerPage};
use crate::request::Request;
use crate::response::{Body, Response};
use crate::router::{self, RouteEntry, Router, StripPrefix};
use crate::runtime::{Call, Invocation, InvocationContext, Runtime};
use crate::validation::{AlbOptions, AppSpec, RouteSchemas, RouteSpec};

/// App-wide settings: from the app component's manifest, some overridden by the bundle.
#[derive(Debug, Clone, Default)]
pub struct AppSettings {
    /// CORS for routes that do not turn it off; `None` is no CORS and no automatic pre-flight.
    pub cors: Option<CorsConfig>,
    /// `strip_prefixes`.
    pub strip_prefixes: Vec<StripPrefix>,
    /// Debug mode: unhandled errors answer 500 with their text.
    pub debug: bool,
    /// The event source, when detection is not wanted.
    pub source: Option<EventSource>,
    /// `ALBResolver`'s options, for ALB events.
    pub alb: AlbOptions,
}

/// Where a route's handler lives and its options.
#[derive(Debug, Clone)]
pub struct RouteTarget {
    /// The component's index.
    pub component: usize,
    /// The handler's index in the component.
    pub handler: u32,
    /// The route's CORS setting; `None` follows the app.
    pub cors: Option<bool>,
    /// gzip when accepted.
    pub compress: bool,
    /// `Cache-Control` for 200 answers.
    pub cache_control: Option<String>,
    /// The component's middlewares for this route, in order.
    pub middlewares: Vec<u32>,
    /// What the route declares for validation and OpenAPI.
    pub spec: Arc<RouteSpec>,
    /// The route's schemas, compiled for validation.
    pub schemas: Arc<RouteSchemas>,
    /// Whether the host validates this route's requests and responses.
    pub validated: bool,
    /// Whether the component writes JSON with its own serializer, which then writes a
    /// validated answer the check changed.
    pub custom_serializer: bool,
    /// Registration order across the bundle.
    pub order: usize,
    /// The longest a request to this route may spend in guests: the route's own timeout,
    /// else its component's, else the bundle's.
    pub timeout: Duration,
    /// A handler run in the host instead of the guest's (benchmarks only).
    #[doc(hidden)]
    pub native: Option<crate::runtime::NativeHandler>,
}

struct ExceptionHandlerEntry {
    type_name: String,
    component: usize,
    handler: u32,
}

/// The options that shape a finished response.
struct ResponseOptions {
    cors: bool,
    compress: bool,
    cache_control: Option<String>,
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
    /// The Swagger route's document, as served, per base path (the API Gateway stage):
    /// built on the first request for it, not on every one.
    swagger_documents: std::sync::Mutex<std::collections::HashMap<String, Arc<str>>>,
}

/// A component's place in the API: its optional mount prefix (`include_router(prefix=)`).
#[derive(Debug, Clone, Default)]
pub struct Mount {
    /// Prepended to every rule: `prefix + rule`, or the prefix alone for the rule `/`.
    pub prefix: Option<String>,
    /// Timeouts of single routes, keyed `"METHOD RULE"` with the full rule (prefix included).
    pub route_timeouts: Vec<(String, Duration)>,
}

/// What the bundle overrides.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Debug mode.
    pub debug: Option<bool>,
    /// The event source.
    pub source: Option<EventSource>,
    /// The bundle directory, where Swagger UI's assets are read from.
    pub bundle_dir: Option<std::path::PathBuf>,
    /// Swagger UI on or off, over the app's `enable_swagger`.
    pub swagger: Option<SwaggerOverride>,
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
            swagger_documents: Default::default(),
        };
        // An undeclared security scheme is a configuration error: refuse it at load.
        pipeline.openapi_document("")?;
        Ok(pipeline)
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

    /// Answers one Lambda event with the Lambda response for its source.
    pub fn handle(
        &self,
        event: &[u8],
        context: &InvocationContext,
    ) -> Result<LambdaResponse, DecodeError> {
        let started = Instant::now();
        let mut request = event::decode(event, self.settings.source)?;
        if self.settings.debug {
            self.trace_event(request.raw_event.text());
        }
        let route_path = router::strip(&self.settings.strip_prefixes, &request.path);
        let matched = self.router.at(&request.method, &route_path, request.source);
        // Powertools registers Swagger UI as a static `GET` route: it comes after the app's
        // static routes and before every dynamic one.
        let swagger = match &matched {
            Some(m) if !m.dynamic => None,
            _ => self.swagger_answer(&request, &route_path),
        };
        let matched = matched.filter(|_| swagger.is_none());
        let rule = matched
            .as_ref()
            .map_or("<not found>", |m| m.rule)
            .to_string();
        let route = matched.as_ref().map(|m| m.value);
        let (frames, options, params) = match matched {
            Some(m) => (
                self.route_frames(m.value),
                ResponseOptions {
                    cors: m.value.cors.unwrap_or(self.settings.cors.is_some()),
                    compress: m.value.compress,
                    cache_control: m.value.cache_control.clone(),
                },
                m.params,
            ),
            None => match swagger {
                Some((answer, compress)) => (
                    self.fixed_frames(answer),
                    ResponseOptions {
                        cors: self.settings.cors.is_some(),
                        compress,
                        cache_control: None,
                    },
                    Vec::new(),
                ),
                None => (
                    self.not_found_frames(&request),
                    ResponseOptions {
                        cors: self.settings.cors.is_some(),
                        compress: false,
                        cache_control: None,
                    },
                    Vec::new(),
                ),
            },
        };
        if self.settings.debug {
            self.trace_route(&request.method, &rule, &frames);
        }
        let decode_query = self.settings.alb.decode_query_parameters && request.source.is_alb();
        let validated = route
            .filter(|r| r.validated)
            .map(|route| self.validate_request(route, &request, &params, decode_query));
        // Validation decodes an ALB query itself (split first, then decoded, as Powertools
        // does); the guest's accessors read it decoded.
        if decode_query {
            event::url_decode_query(&mut request.query);
        }
        let (validated, rejection) = match validated {
            Some(Ok(values)) => (Some(values), None),
            Some(Err(rejection)) => (None, Some(rejection)),
            None => (None, None),
        };
        let timeout = match route {
            Some(route) => route.timeout,
            None => self
                .runtime
                .components()
                .first()
                .map_or(self.runtime.settings().call_timeout, |app| {
                    app.timeout(self.runtime.settings())
                }),
        };
        let deadline = deadline(timeout, context);
        let outermost = deliverable::outermost_component(&frames);
        let invocation = Invocation::new(
            self.runtime.clone(),
            Call {
                request: &request,
                route_path: &route_path,
                path_params: params,
                validated,
                context,
                timeout,
                frames,
                deadline,
            },
        );
        // Request validation is the chain's first frame in Powertools: a rejected request
        // reaches no middleware, only the exception handlers.
        let outcome = match rejection {
            Some(rejection) => Ok(Err(rejection)),
            None => invocation.run(),
        };
        // Who gave the answer, for the log line if it cannot be delivered: the chain's
        // outermost component, or the exception handler's.
        let (response, answered_by) = match outcome {
            Ok(Ok(response)) => (response, outermost),
            Ok(Err(err)) => {
                let handler = self.exception_handler_for(&err.type_names);
                let answered_by = handler.map(|(component, _)| component).or(outermost);
                (self.error_response(&invocation, err), answered_by)
            }
            Err(failure) => (self.failure_response(&failure, &context.request_id), None),
        };
        let mut encoded = self.finish_encoded(response, &options, &request);
        if self.settings.alb.response_size_validation && request.source.is_alb() {
            encoded = self.within_alb_limit(encoded, &invocation, &options, &request);
        }
        let encoded = self.deliverable(
            encoded,
            answered_by,
            &options,
            &request,
            &context.request_id,
        );
        if self.settings.debug {
            self.trace_response(&encoded);
        }
        access_log(&request, &rule, context, encoded.status(), started);
        Ok(encoded)
    }

    /// The response finished and encoded for the request's source.
    fn finish_encoded(
        &self,
        response: Response,
        options: &ResponseOptions,
        request: &Request,
    ) -> LambdaResponse {
        event::encode(self.finish(response, options, request), request.source)
    }

    /// CORS, Cache-Control, gzip and base64, in Powertools' order.
    fn finish(
        &self,
        mut response: Response,
        options: &ResponseOptions,
        request: &Request,
    ) -> Encoded {
        if options.cors {
            let default = CorsConfig::default();
            let cors = self.settings.cors.as_ref().unwrap_or(&default);
            cors.apply(request.first_header_item("origin"), &mut response.headers);
        }
        if let Some(value) = &options.cache_control {
            let value = if response.status == 200 {
                value.clone()
            } else {
                "no-cache".to_string()
            };
            response.headers.set("Cache-Control", value);
        }
        let accepts = compress::accepts_gzip(request);
        if compress::should_compress(accepts, response.compress, options.compress) {
            let bytes = match std::mem::replace(&mut response.body, Body::None) {
                Body::Text(text) => Some(text.into_bytes()),
                Body::Binary(bytes) => Some(bytes),
                Body::None => None,
            };
            if let Some(bytes) = bytes {
                response.headers.set("Content-Encoding", "gzip".to_string());
                response.body = Body::Binary(compress::gzip(&bytes));
            }
        }
        let (body, is_base64) = match response.body {
            Body::None => (None, false),
            Body::Text(text) => (Some(text), false),
            Body::Binary(bytes) => (
                Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                true,
            ),
        };
        Encoded {
            status: response.status,
            headers: response.headers,
            cookies: response.cookies,
            body,
            is_base64,
        }
    }
}

/// What is kept of Lambda's remaining time to write the answer.
const ANSWER_MARGIN_MS: u64 = 50;

/// The earlier of the route's timeout and Lambda's deadline (less a margin to answer), so
/// that the host answers 504 before Lambda stops the whole environment; logs a warning when
/// the request came too late to run at all ([`late_arrival`]).
fn deadline(timeout: Duration, context: &InvocationContext) -> Instant {
    let now = Instant::now();
    if context.deadline_ms == 0 {
        return now + timeout;
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    if let Some(warning) = late_arrival(context.deadline_ms, now_ms) {
        crate::log::emit(
            crate::log::Level::Warn,
            &warning,
            &[("request_id", &context.request_id)],
        );
    }
    let left = context
        .deadline_ms
        .saturating_sub(now_ms)
        .saturating_sub(ANSWER_MARGIN_MS);
    now + Duration::from_millis(left).min(timeout)
}

/// Why a request is about to answer 504 however fast its handler is: it arrived with no time
/// left by this machine's clock. Seen as a 504 alone, that looks like a slow handler; it is a
/// deadline from the runtime API (or an emulator) already past, or a clock that is wrong.
fn late_arrival(deadline_ms: u64, now_ms: u64) -> Option<String> {
    let left = deadline_ms.saturating_sub(now_ms);
    (left <= ANSWER_MARGIN_MS).then(|| {
        let when = match now_ms.checked_sub(deadline_ms) {
            Some(late) if late > 0 => format!("{late} ms past Lambda's deadline"),
            _ => format!("with {left} ms of Lambda's time left"),
        };
        format!(
            "the invocation arrived {when} (deadline {deadline_ms}, \
             this host's clock {now_ms}, in ms since the Unix epoch): its handler gets one \
             epoch tick and will likely answer 504; check the runtime API's deadline and this \
             machine's clock"
        )
    })
}

/// One line per request: who asked for what, the route that answered, how, and how fast.
/// The correlation id is the caller's `X-Correlation-Id`, else the trace id the load balancer
/// or API Gateway added.
fn access_log(
    request: &Request,
    rule: &str,
    context: &InvocationContext,
    status: u16,
    started: Instant,
) {
    let level = match status {
        500.. => crate::log::Level::Error,
        _ => crate::log::Level::Info,
    };
    if !crate::log::enabled(level) {
        return;
    }
    let correlation_id = request
        .header_values("x-correlation-id")
        .chain(request.header_values("x-amzn-trace-id"))
        .next()
        .unwrap_or_default();
    crate::log::emit(
        level,
        &format!("{} {} {status}", request.method, request.path),
        &[
            ("request_id", &context.request_id),
            ("correlation_id", correlation_id),
            ("method", &request.method),
            ("path", &request.path),
            ("route", rule),
            ("status", &status.to_string()),
            (
                "latency_ms",
                &format!("{:.3}", started.elapsed().as_secs_f64() * 1000.0),
            ),
        ],
    );
}

/// `POWERTOOLS_DEV`, read as Powertools' `strtobool` does. Where `strtobool` raises on a
/// value it does not know, debug mode stays off, with a warning (once) that says so.
fn powertools_dev() -> bool {
    let value = std::env::var("POWERTOOLS_DEV").unwrap_or_default();
    match value.to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "t" | "true" | "on" => true,
        "" | "0" | "n" | "no" | "f" | "false" | "off" => false,
        _ => {
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                crate::log::warn(&crate::log::invalid_setting(
                    "POWERTOOLS_DEV",
                    &value,
                    "a boolean (true, false, 1, 0, yes, no, on, off)",
                    "false: debug mode stays off",
                ))
            });
            false
        }
    }
}

/// The answer for an event that could not be decoded: a 400 with the reason.
pub(crate) fn malformed_event_response(err: &DecodeError) -> Value {
    serde_json::json!({
        "statusCode": 400,
        "body": serde_json::json!({"statusCode": 400, "message": err.to_string()}).to_string(),
        "isBase64Encoded": false,
        "headers": {"Content-Type": "application/json"},
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use super::{deadline, late_arrival};
    use crate::runtime::InvocationContext;

    fn context_ending_in(ms: u64) -> InvocationContext {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        InvocationContext {
            deadline_ms: now_ms + ms,
            ..InvocationContext::local()
        }
    }

    #[test]
    fn the_deadline_is_the_route_timeout_or_lambdas_remaining_time_whichever_is_first() {
        let start = Instant::now();
        // Lambda has 2 s left; the route may take 30: 2 s less the margin to answer.
        let at = deadline(Duration::from_secs(30), &context_ending_in(2_000));
        assert!(
            at <= start + Duration::from_millis(2_000) && at > start,
            "{at:?}"
        );
        // The route's 100 ms come first.
        let at = deadline(Duration::from_millis(100), &context_ending_in(60_000));
        assert!(at <= Instant::now() + Duration::from_millis(100));
        // No Lambda deadline (local runs): the route's timeout.
        let at = deadline(
            Duration::from_secs(5),
            &InvocationContext {
                deadline_ms: 0,
                ..InvocationContext::local()
            },
        );
        assert!(at >= start + Duration::from_secs(5));
    }

    #[test]
    fn an_invocation_arriving_past_its_deadline_is_named_as_such() {
        let now = 1_764_000_000_000;
        let rows = [
            (now + 60_000, false),
            (now + 51, false),
            (now + 50, true),
            (now, true),
            (now - 5_000, true),
        ];
        for (deadline_ms, late) in rows {
            assert_eq!(
                late_arrival(deadline_ms, now).is_some(),
                late,
                "{deadline_ms}"
            );
        }
        let warning = late_arrival(now - 5_000, now).unwrap_or_default();
        assert!(
            warning.starts_with("the invocation arrived 5000 ms past Lambda's deadline (")
                && warning.contains(&now.to_string()),
            "{warning}"
        );
        let warning = late_arrival(now + 20, now).unwrap_or_default();
        assert!(
            warning.starts_with("the invocation arrived with 20 ms of Lambda's time left ("),
            "{warning}"
        );
    }
}
