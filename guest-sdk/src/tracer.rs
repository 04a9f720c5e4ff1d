//! Powertools' Tracer for handlers: annotations, metadata and subsegments of your own in
//! the invocation's X-Ray trace. The host records the invocation, validation, the route's
//! handler and outbound calls by itself; these add to the innermost open subsegment. When
//! the invocation is not traced (outside Lambda, not sampled, `POWERTOOLS_TRACE_DISABLED`),
//! they do nothing.
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

/// Runs `block` in a subsegment named `name`, whose error, if it returns one, is the
/// subsegment's fault and cause (`@tracer.capture_method`).
pub fn capture<T, E: Display>(name: &str, block: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    imports::trace_span_begin(name);
    let result = block();
    let error = result.as_ref().err().map(ToString::to_string);
    imports::trace_span_end(error.as_deref());
    result
}
