//! Errors to responses: exception handlers by type name, `ServiceError` bodies, unhandled
//! errors (500, with the error text in debug mode), and failed guest calls (500 or 504, with
//! what happened in debug mode).

use std::sync::Arc;

use serde_json::Value;

use super::Pipeline;
use super::validate::is_validation_error;
use crate::event::DecodeError;
use crate::response::{Body, Outcome, RaisedError, Response};
use crate::runtime::{CallFailure, Invocation};

impl Pipeline {
    /// The errors stage: the chain's outcome as a response, and the component that gave it
    /// (for the log line if it cannot be delivered): the chain's outermost component
    /// (`outermost`), or the exception handler's.
    pub(super) fn respond(
        &self,
        outcome: Result<Outcome, CallFailure>,
        invocation: &Arc<Invocation>,
        outermost: Option<usize>,
    ) -> (Response, Option<usize>) {
        match outcome {
            Ok(Ok(response)) => (response, outermost),
            Ok(Err(err)) => {
                let handler = self.exception_handler_for(&err.type_names);
                let answered_by = handler.map(|(component, _)| component).or(outermost);
                (self.error_response(invocation, err), answered_by)
            }
            Err(failure) => (self.failure_response(&failure), None),
        }
    }

    /// The response for an error that reached the top of the chain.
    pub(super) fn error_response(
        &self,
        invocation: &Arc<Invocation>,
        err: RaisedError,
    ) -> Response {
        let Some((component, handler)) = self.exception_handler_for(&err.type_names) else {
            return self.uncaught(err);
        };
        match invocation.call_exception_handler(component, handler, err) {
            Ok(Ok(response)) => response,
            // A handler that raises a `ServiceError` answers with it; anything else is unhandled.
            Ok(Err(raised)) => self.uncaught(raised),
            Err(failure) => self.failure_response(&failure),
        }
    }

    /// The exception handler registered for the most specific of `type_names`, else a
    /// catch-all (`*`). Later registrations win, as later `include_router` calls do.
    pub(super) fn exception_handler_for(&self, type_names: &[String]) -> Option<(usize, u32)> {
        let lookup = |name: &str| {
            self.exception_handlers
                .iter()
                .rev()
                .find(|h| h.type_name == name)
                .map(|h| (h.component, h.handler))
        };
        type_names
            .iter()
            .find_map(|name| lookup(name))
            .or_else(|| lookup("*"))
    }

    pub(super) fn uncaught(&self, err: RaisedError) -> Response {
        if let Some(service) = err
            .service
            .as_ref()
            .filter(|_| is_validation_error(&err.type_names))
        {
            let detail: Value = serde_json::from_str(&service.message_json).unwrap_or_default();
            let body = serde_json::json!({"statusCode": service.status, "detail": detail});
            return Response::json(service.status, &body);
        }
        if let Some(service) = err.service {
            let message = serde_json::from_str(&service.message_json)
                .unwrap_or(Value::String(service.message_json));
            return Response::json_error(service.status, message);
        }
        let kind = err.type_name();
        crate::log::error(&format!("unhandled error {kind}: {}", err.message));
        super::fault::record(kind, &err.message);
        match self.settings.debug {
            true => Response::new(
                500,
                Some("text/plain"),
                Body::Text(format!("{kind}: {}", err.message)),
            ),
            false => Response::json_error(500, Value::String("Internal Server Error".into())),
        }
    }

    /// The response for a guest call that panicked, trapped, timed out or could not start:
    /// in debug mode its body says what happened (a panic's message and location), as an
    /// unhandled error's does.
    pub(super) fn failure_response(&self, failure: &CallFailure) -> Response {
        let text = failure.to_string();
        crate::log::error(&text);
        super::fault::record(failure.kind(), &text);
        if self.settings.debug {
            return Response::new(failure.status(), Some("text/plain"), Body::Text(text));
        }
        let message = match failure {
            CallFailure::Timeout { .. } => "Gateway Timeout",
            _ => "Internal Server Error",
        };
        Response::json_error(failure.status(), Value::String(message.into()))
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
