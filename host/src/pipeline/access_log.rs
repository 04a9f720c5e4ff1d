//! The access log: one line per request, after its answer is encoded.

use std::time::Instant;

use crate::invocation::InvocationContext;
use crate::request::Request;

/// One line per request: who asked for what, the route that answered, how, and how fast.
/// The correlation id is the caller's `X-Correlation-Id`, else the trace id the load balancer
/// or API Gateway added.
pub(super) fn access_log(
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
