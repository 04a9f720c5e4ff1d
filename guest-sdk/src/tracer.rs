//! Powertools' Tracer for handlers: annotations, metadata and subsegments of your own in
//! the invocation's X-Ray trace. The host records the invocation, validation and outbound
//! calls by itself, and the SDK each middleware and route handler (`## <name>`, a
//! middleware's holding the frames it calls); these add to the innermost open subsegment,
//! the handler's in a handler. When the invocation is not traced (outside Lambda, not
//! sampled, `POWERTOOLS_TRACE_DISABLED`), they do nothing.
//!
//! ```no_run
//! use switchyard_sdk::tracer;
//!
//! fn get_todos() -> Result<serde_json::Value, switchyard_sdk::Error> {
//!     tracer::put_annotation("TodoCount", 2)?;          // tracer.put_annotation(...)
//!     let todos = tracer::in_subsegment("## load_todos", || vec![1, 2]);
//!     tracer::put_metadata("todos", &todos)?;            // tracer.put_metadata(...)
//!     Ok(serde_json::json!({"todos": todos}))
//! }
//! ```

use std::fmt::Display;

use serde::Serialize;

use crate::__private::wit::switchyard::handler::host as imports;
use crate::error::{Error, type_key};
use crate::response::Response;

/// An annotation or metadata the host refused, and why (X-Ray indexes annotations of a
/// string, number or boolean under a key of letters, digits and `_`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracerError(pub String);

impl Display for TracerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TracerError {}

fn json(value: impl Serialize) -> Result<String, TracerError> {
    serde_json::to_string(&value).map_err(|e| TracerError(e.to_string()))
}

/// Annotates the innermost open subsegment (`tracer.put_annotation`): searchable in X-Ray.
pub fn put_annotation(key: &str, value: impl Serialize) -> Result<(), TracerError> {
    imports::trace_annotation(key, &json(value)?).map_err(TracerError)
}

/// Adds metadata to the innermost open subsegment, under the service's namespace
/// (`tracer.put_metadata`).
pub fn put_metadata(key: &str, value: impl Serialize) -> Result<(), TracerError> {
    imports::trace_metadata(key, &json(value)?).map_err(TracerError)
}

/// Runs `block` in a subsegment of its own named `name`
/// (`with tracer.provider.in_subsegment(name)`).
pub fn in_subsegment<R>(name: &str, block: impl FnOnce() -> R) -> R {
    imports::trace_span_begin(name);
    let result = block();
    imports::trace_span_end(None);
    result
}

/// Runs a middleware or route handler in a subsegment of its own (`## name`) when the
/// invocation is traced, as `@tracer.capture_method` on each records it in Powertools: a
/// middleware's holds those of the frames below it, a handler's its own annotations. An
/// error it raises is the subsegment's fault, with the error's type and message.
pub(crate) fn frame(
    name: &str,
    run: impl FnOnce() -> Result<Response, Error>,
) -> Result<Response, Error> {
    if !imports::trace_active() {
        return run();
    }
    imports::trace_span_begin(&format!("## {name}"));
    let result = run();
    match &result {
        Ok(_) => imports::trace_span_end(None),
        Err(error) => imports::trace_span_fail(error.type_name(), error.message()),
    }
    result
}

/// Runs `block` in a subsegment named `name`, whose error, if it returns one, is the
/// subsegment's fault, its cause an error of `E`'s type (`@tracer.capture_method`).
pub fn capture<T, E: Display + 'static>(
    name: &str,
    block: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    imports::trace_span_begin(name);
    let result = block();
    match &result {
        Ok(_) => imports::trace_span_end(None),
        Err(error) => imports::trace_span_fail(&type_key::<E>(), &error.to_string()),
    }
    result
}
