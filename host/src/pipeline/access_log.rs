//! The access log: one line per request, after its answer is encoded.

use std::time::Instant;

use crate::request::Request;

/// One line per request: who asked for what, the route that answered, how, and how fast.
/// The request id and correlation id are the invocation's keys, on every line of it.
pub(super) fn access_log(request: &Request, rule: &str, status: u16, started: Instant) {
    let level = match status {
        500.. => crate::log::Level::Error,
        _ => crate::log::Level::Info,
    };
    if !crate::log::enabled(level) {
        return;
    }
    crate::log::emit(
        level,
        &format!("{} {} {status}", request.method, request.path),
        &[
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
