//! Thin wrappers over what the host gives guests: the middleware chain, the shared request
//! context, the raw event and logging.

use serde::Serialize;
use serde::de::DeserializeOwned;

use std::rc::Rc;

use crate::__private::wit::switchyard::handler::host as imports;
use crate::__private::wit::switchyard::handler::types as w;
use crate::error::Error;
use crate::request::Request;
use crate::response::Response;

/// The rest of the middleware chain, handed to a middleware.
///
/// Calling `run` runs the next middleware or the route handler and returns its response;
/// not calling it short-circuits the chain.
#[derive(Debug)]
pub struct Next {
    request: Rc<Request>,
    /// The frames after this one that the host handed to this same call (see
    /// `local-chain` in `wit/world.wit`); past them, the host runs the rest.
    middlewares: Vec<u32>,
    handler: Option<u32>,
}

impl Next {
    /// The next frames are `middlewares` then `handler` in this component, then the host's.
    pub(crate) fn new(request: Rc<Request>, middlewares: Vec<u32>, handler: Option<u32>) -> Self {
        Self {
            request,
            middlewares,
            handler,
        }
    }

    /// Runs the rest of the chain (Powertools' `next_middleware(app)`).
    pub fn run(self) -> Result<Response, Error> {
        crate::export::run_local_chain(&self.request, &self.middlewares, self.handler)
            .map(crate::export::response_from_wit)
            .map_err(crate::export::error_from_wit)
    }
}

/// The next frame, run by the host.
pub(crate) fn next_in_host() -> Result<w::Response, w::Error> {
    imports::next()
}

/// Adds a key to the context shared by the middlewares and the handler of this request
/// (`app.append_context(key=value)`). The context is cleared after every request.
pub fn append_context(key: &str, value: impl Serialize) {
    let json = serde_json::to_string(&value).unwrap_or_else(|_| "null".to_string());
    imports::context_set(key, &json);
}

/// Reads a key of the shared context (`app.context.get(key)`).
pub fn context<T: DeserializeOwned>(key: &str) -> Option<T> {
    imports::context_get(key).and_then(|json| serde_json::from_str(&json).ok())
}

pub(crate) fn raw_event() -> String {
    imports::raw_event()
}

pub(crate) fn raw_event_member(name: &str) -> Option<String> {
    imports::raw_event_member(name)
}

pub(crate) fn current_route() -> Option<String> {
    imports::current_route()
}

pub(crate) fn dependency_override(name: &str) -> Option<String> {
    imports::dependency_override(name)
}

pub(crate) fn lambda_context() -> crate::LambdaContext {
    let c = imports::current_lambda_context();
    crate::LambdaContext {
        request_id: c.request_id,
        function_name: c.function_name,
        function_version: c.function_version,
        invoked_function_arn: c.invoked_function_arn,
        memory_limit_mb: c.memory_limit_mb,
        deadline_ms: c.deadline_ms,
        log_group_name: c.log_group_name,
        log_stream_name: c.log_stream_name,
    }
}

/// Log levels for [`log`] and [`crate::logger`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Debug
    Debug,
    /// Info
    Info,
    /// Warn
    Warn,
    /// Error
    Error,
}

impl From<Level> for imports::LogLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::Debug => imports::LogLevel::Debug,
            Level::Info => imports::LogLevel::Info,
            Level::Warn => imports::LogLevel::Warn,
            Level::Error => imports::LogLevel::Error,
        }
    }
}

/// Writes a line through the host's logger, with the invocation's keys; [`crate::logger`]
/// has the rest of Powertools' Logger (keys of a line, appended keys, the correlation id).
#[track_caller]
pub fn log(level: Level, message: &str) {
    crate::logger::log(level, message, ());
}

/// Sends every panic of this component to the host, which ends the call with it: a panic is
/// then one line of the host's log naming its message and location (and debug mode's 500
/// body), instead of Rust's default text on stderr, whose advice to set `RUST_BACKTRACE` a
/// guest cannot follow. wasm32-wasip2 aborts on a panic, so the hook is the last code that
/// runs in the call.
pub(crate) fn report_panics_to_host() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or("Box<dyn Any>");
        let location = info.location().map(ToString::to_string).unwrap_or_default();
        imports::panicked(message, &location);
    }));
}
