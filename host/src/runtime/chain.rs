//! One request's run through the middleware chain: frames, shared context, failures.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{Map, Value};

use super::Runtime;
use super::bindings::{Error as WitError, Request as WitRequest, Response as WitResponse, Target};

/// One step of the chain.
#[derive(Debug, Clone)]
pub enum Frame {
    /// A middleware, handler or exception handler in a component.
    Guest {
        /// The component's index.
        component: usize,
        /// What to call.
        target: Target,
    },
    /// A route handler, whose answer the host may check before the middlewares see it.
    Handler {
        /// The component's index.
        component: usize,
        /// The handler's index in the component.
        handler: u32,
        /// Response validation, when the route has it.
        check: Option<ResponseCheck>,
        /// The handler run in the host instead (benchmarks only: [`NativeHandler`]).
        native: Option<NativeHandler>,
    },
    /// An answer the host gives itself (the pre-flight, the default 404).
    Fixed(WitResponse),
}

/// A check of a handler's answer (response validation): the answer to pass on, or the error
/// to raise in its place, which travels up through the middlewares like any other.
#[derive(Clone)]
pub struct ResponseCheck(
    pub Arc<dyn Fn(WitResponse) -> Result<WitResponse, WitError> + Send + Sync>,
);

/// A route handler run in the host instead of its guest, so that a benchmark can price the
/// sandbox on the same route (`host/benches/resolve.rs`). No bundle can set one.
#[doc(hidden)]
#[derive(Clone)]
pub struct NativeHandler(pub Arc<dyn Fn(&WitRequest) -> WitResponse + Send + Sync>);

impl std::fmt::Debug for NativeHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativeHandler")
    }
}

impl std::fmt::Debug for ResponseCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponseCheck")
    }
}

/// Why a guest call did not return, or returned what the host refuses. Each is answered with
/// an HTTP error and the instance is discarded: `Timeout` with 504, the others with 500.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallFailure {
    /// The call ran past its deadline.
    #[error("component `{component}` ran past its deadline")]
    Timeout {
        /// The component.
        component: String,
    },
    /// The instance tried to grow its memory past the limit.
    #[error("component `{component}` exceeded its memory limit")]
    MemoryLimit {
        /// The component.
        component: String,
    },
    /// The guest trapped (a panic, an unreachable, a bad memory access).
    #[error("component `{component}` trapped: {message}")]
    Trap {
        /// The component.
        component: String,
        /// What wasmtime said.
        message: String,
    },
    /// The guest answered with more than the bundle's limits allow (body bytes, headers),
    /// or tried to copy more to the host in one call than its hostcall fuel.
    #[error("component `{component}` returned too much: {message}")]
    ResponseTooLarge {
        /// The component.
        component: String,
        /// What was over which limit.
        message: String,
    },
    /// A new instance could not be created.
    #[error("component `{component}` could not be instantiated: {message}")]
    Instantiate {
        /// The component.
        component: String,
        /// What wasmtime said.
        message: String,
    },
}

impl CallFailure {
    pub(super) fn classify(component: &str, err: wasmtime::Error) -> Self {
        let component = component.to_string();
        if matches!(
            err.downcast_ref::<wasmtime::Trap>(),
            Some(wasmtime::Trap::Interrupt)
        ) {
            return CallFailure::Timeout { component };
        }
        let err = anyhow::Error::from(err);
        let full = format!("{err:#}");
        // `StoreLimits` with `trap_on_grow_failure`: "forcing trap when growing memory to N
        // bytes" in wasmtime 48 ("forcing a memory growth failure to be a trap" before).
        if full.contains("forcing trap when growing memory")
            || full.contains("forcing a memory growth failure")
            || full.contains("memory minimum size")
        {
            return CallFailure::MemoryLimit { component };
        }
        if full.contains("too much data is being copied between the host and the guest") {
            return CallFailure::ResponseTooLarge {
                component,
                message: "more data than its hostcall fuel allows in one call".into(),
            };
        }
        // The root cause names the trap; the wasm backtrace goes to the debug log.
        crate::log::emit(
            crate::log::Level::Debug,
            &full,
            &[("component", &component)],
        );
        CallFailure::Trap {
            component,
            message: err.root_cause().to_string(),
        }
    }

    /// The HTTP status this failure answers with.
    pub fn status(&self) -> u16 {
        match self {
            CallFailure::Timeout { .. } => 504,
            _ => 500,
        }
    }
}

/// A request in flight: what every frame sees and what they share.
pub struct Invocation {
    pub(super) runtime: Arc<Runtime>,
    pub(super) request: WitRequest,
    pub(super) raw_event: Arc<str>,
    pub(super) request_id: String,
    frames: Vec<Frame>,
    context: Mutex<Map<String, Value>>,
    failure: Mutex<Option<CallFailure>>,
    pub(super) deadline: Instant,
}

impl Invocation {
    /// A request about to run through `frames`.
    pub(crate) fn new(
        runtime: Arc<Runtime>,
        request: WitRequest,
        raw_event: Arc<str>,
        frames: Vec<Frame>,
        deadline: Instant,
    ) -> Arc<Self> {
        let request_id = request.lambda_context.request_id.clone();
        Arc::new(Self {
            runtime,
            request,
            raw_event,
            request_id,
            frames,
            context: Mutex::new(Map::new()),
            failure: Mutex::new(None),
            deadline,
        })
    }

    /// Runs the chain from its first frame.
    pub fn run(self: &Arc<Self>) -> Result<Result<WitResponse, WitError>, CallFailure> {
        self.call_frame(0)
    }

    /// Calls one target outside the chain (an exception handler); `next` there is an error.
    pub fn call_outside_chain(
        self: &Arc<Self>,
        component: usize,
        target: &Target,
    ) -> Result<Result<WitResponse, WitError>, CallFailure> {
        self.runtime.call(component, target, self, usize::MAX - 1)
    }

    /// Calls frame `index`; past the last frame, the caller gets an error back.
    pub(super) fn call_frame(
        self: &Arc<Self>,
        index: usize,
    ) -> Result<Result<WitResponse, WitError>, CallFailure> {
        match self.frames.get(index) {
            Some(Frame::Guest { component, target }) => {
                self.runtime.call(*component, target, self, index)
            }
            Some(Frame::Handler {
                component,
                handler,
                check,
                native,
            }) => {
                let answer = match native {
                    Some(native) => Ok((native.0)(&self.request)),
                    None => self
                        .runtime
                        .call(*component, &Target::Route(*handler), self, index)?,
                };
                Ok(match (answer, check) {
                    (Ok(response), Some(check)) => (check.0)(response),
                    (answer, _) => answer,
                })
            }
            Some(Frame::Fixed(response)) => Ok(Ok(response.clone())),
            None => Ok(Err(WitError {
                type_names: vec!["SwitchyardError".into()],
                message: "`next` was called where there is no next middleware or handler".into(),
                service: None,
            })),
        }
    }

    /// The shared context's value for `key`.
    pub(super) fn context_get(&self, key: &str) -> Option<Value> {
        self.context
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    /// Sets a key of the shared context.
    pub(super) fn context_set(&self, key: String, value: Value) {
        self.context
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, value);
    }

    /// Remembers the failure of a nested call, which traps every frame above it.
    pub(super) fn record_failure(&self, failure: CallFailure) {
        let mut slot = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(failure);
    }

    pub(super) fn take_failure(&self) -> Option<CallFailure> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}
