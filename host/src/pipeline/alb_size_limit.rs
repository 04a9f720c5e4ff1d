//! ALB's limit on a Lambda response, checked before ALB refuses it
//! (`ALBResolver(enable_response_size_validation=True)`): ALB answers an oversized response
//! with a bare 502, and neither the client nor the function's logs say why.

use std::sync::Arc;

use super::Pipeline;
use super::route::ResponseOptions;
use crate::event::LambdaResponse;
use crate::request::Request;
use crate::response::{RaisedError, json_len};
use crate::runtime::Invocation;

/// The most ALB takes from a Lambda function: 1 MiB of response JSON.
pub(super) const ALB_MAX_RESPONSE_SIZE: usize = 1024 * 1024;

/// The error an exception handler sees, as Powertools words it.
const TYPE_NAME: &str = "ResponseSizeExceededError";

impl Pipeline {
    /// `encoded` if it fits ALB's limit. Otherwise `ResponseSizeExceededError` is raised: an
    /// exception handler registered for it answers, and its answer is checked again (an answer
    /// still too large, or no handler, is an unhandled error: a 500 and a log line).
    pub(super) fn within_alb_limit(
        &self,
        encoded: LambdaResponse,
        invocation: &Arc<Invocation>,
        options: &ResponseOptions,
        request: &Request,
    ) -> LambdaResponse {
        let size = json_len(&encoded);
        if size <= ALB_MAX_RESPONSE_SIZE {
            return encoded;
        }
        let encode = |response| self.finish_encoded(response, options, request);
        // Without an exception handler for it, this is the unhandled error's 500.
        let handled = encode(self.error_response(invocation, exceeded(size)));
        // Checked once more, without calling the exception handler again.
        match json_len(&handled) {
            fits if fits <= ALB_MAX_RESPONSE_SIZE => handled,
            size => encode(self.uncaught(exceeded(size))),
        }
    }
}

/// `ResponseSizeExceededError` for an answer of `size` bytes.
fn exceeded(size: usize) -> RaisedError {
    RaisedError {
        type_names: vec![TYPE_NAME.to_string()],
        message: format!(
            "Serialized response size ({size} bytes) exceeds the maximum allowed size ({ALB_MAX_RESPONSE_SIZE} bytes)"
        ),
        service: None,
    }
}
