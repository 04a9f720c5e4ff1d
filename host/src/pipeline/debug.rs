//! Debug mode's trace (`debug=True` or `POWERTOOLS_DEV`): the event as received, the route and
//! the middlewares it runs through, and the answer. Powertools prints these to stdout; here they
//! are log lines on stderr, because stdout carries `invoke`'s answers.

use serde_json::Value;

use super::Pipeline;
use crate::event::LambdaResponse;
use crate::log::trace;
use crate::runtime::Frame;

impl Pipeline {
    /// The event, pretty-printed (Powertools' `print(serializer(event))`, made readable).
    pub(super) fn trace_event(&self, raw_event: &str) {
        let pretty = serde_json::from_str::<Value>(raw_event)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| raw_event.to_string());
        trace("event", &[("event", &pretty)]);
    }

    /// `Processing Route:::<rule>` and the middleware names in the order they run.
    pub(super) fn trace_route(&self, method: &str, rule: &str, frames: &[Frame]) {
        let names = self.frame_names(frames).join(" -> ");
        trace(
            &format!("Processing Route:::{method} {rule}"),
            &[("middlewares", &names)],
        );
    }

    /// The Lambda response, as it leaves.
    pub(super) fn trace_response(&self, response: &LambdaResponse) {
        let pretty = serde_json::to_string_pretty(response).unwrap_or_default();
        trace("response", &[("response", &pretty)]);
    }

    /// Each frame's name: a middleware's declared name, `handler`, or the host's own answer.
    fn frame_names(&self, frames: &[Frame]) -> Vec<String> {
        let components = self.runtime.components();
        frames
            .iter()
            .map(|frame| match frame {
                Frame::Middleware {
                    component,
                    middleware,
                } => components
                    .get(*component)
                    .and_then(|c| c.manifest.middleware_names.get(*middleware as usize))
                    .map_or_else(|| format!("middleware #{middleware}"), Clone::clone),
                Frame::Handler { .. } => "handler".to_string(),
                Frame::ExceptionHandler { .. } => "not_found handler".to_string(),
                Frame::Fixed(answer) => format!("host answer {}", answer.status),
            })
            .collect()
    }
}
