//! One request's run through the middleware chain: frames, shared context, failures.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::bindings::{
    Body as WitBody, Error as WitError, LambdaContext, LocalChain, Request as WitRequest,
    Response as WitResponse, Target,
};
use super::convert::{
    body_from_wit, body_to_wit, context_to_wit, error_to_wit, outcome_from_wit, path_params_of,
    request_to_wit, response_to_wit,
};
use super::failure::CallFailure;
use super::store::HostLimit;
use super::{Instance, Runtime};
use crate::invocation::InvocationContext;
use crate::request::{Fields, RawEvent, Request};
use crate::response::{Outcome, RaisedError, Response};
use crate::validation::ResponseCheck;

/// The most one request's shared context (`append_context`) may hold, keys and values as
/// JSON text: it lives in the host, outside every guest's `memory_mb`.
pub(crate) const MAX_CONTEXT_BYTES: usize = 4 << 20;

/// One step of the chain.
#[derive(Debug, Clone)]
pub(crate) enum Frame {
    /// A middleware in a component.
    Middleware {
        /// The component's index.
        component: usize,
        /// The middleware's index in the component.
        middleware: u32,
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
    /// A component's exception handler, answering the error the request raised before
    /// any guest ran (a custom not-found handler).
    ExceptionHandler {
        /// The component's index.
        component: usize,
        /// The exception handler's index in the component.
        handler: u32,
        /// The error it handles.
        error: RaisedError,
    },
    /// An answer the host gives itself (the pre-flight, the default 404, Swagger UI).
    Fixed(Response),
}

/// A route handler run in the host instead of its guest, so that a benchmark can price the
/// sandbox on the same route (`host/benches/resolve.rs`); it gets the path parameters. No
/// bundle can set one.
#[doc(hidden)]
#[derive(Clone)]
pub struct NativeHandler(pub Arc<NativeFn>);

/// A [`NativeHandler`]'s function: the path parameters in, the answer out.
#[doc(hidden)]
pub(crate) type NativeFn = dyn Fn(&[(String, String)]) -> Response + Send + Sync;

impl std::fmt::Debug for NativeHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativeHandler")
    }
}

/// What one request's run through the chain starts from.
pub(crate) struct Call<'a> {
    /// The decoded request.
    pub request: &'a Request,
    /// Its path after `strip_prefixes`, as routed.
    pub route_path: &'a str,
    /// The matched route's path parameters.
    pub path_params: Fields,
    /// The matched route's rule as an OpenAPI path; `None` when no route matched.
    pub route: Option<Arc<str>>,
    /// Stand-ins for the guests' dependencies, by name (tests only).
    pub dependency_overrides: Option<Arc<Map<String, Value>>>,
    /// The request's validated values as JSON, when the route is validated.
    pub validated: Option<String>,
    /// The Lambda invocation.
    pub context: &'a InvocationContext,
    /// The route's timeout, which the guest sees as its remaining time outside Lambda.
    pub timeout: Duration,
    /// The chain.
    pub frames: Vec<Frame>,
    /// When the guests' time is up.
    pub deadline: Instant,
}

/// A request in flight: what every frame sees and what they share.
pub(crate) struct Invocation {
    pub(super) runtime: Arc<Runtime>,
    pub(super) request: WitRequest,
    pub(super) raw_event: RawEvent,
    pub(super) lambda_context: LambdaContext,
    /// The matched route's rule as an OpenAPI path (`request.route`).
    pub(super) route: Option<Arc<str>>,
    pub(super) dependency_overrides: Option<Arc<Map<String, Value>>>,
    frames: Vec<Frame>,
    /// The shared context, and the bytes of its keys and values as JSON text.
    context: Mutex<(Map<String, Value>, usize)>,
    failure: Mutex<Option<CallFailure>>,
    pub(super) deadline: Instant,
    /// Per component, the instance whose call answered with an error, and that error: its
    /// exception handler runs there, where the SDK kept the error's value. One no handler
    /// took is dropped with the invocation, not pooled: the SDK may still hold that value,
    /// which must not reach another request.
    raised: Mutex<Vec<Raised>>,
}

/// An instance kept for the exception handler of the error its call answered with.
struct Raised {
    component: usize,
    type_names: Vec<String>,
    message: String,
    instance: Instance,
}

impl Invocation {
    /// A request about to run through its frames.
    pub(crate) fn new(runtime: Arc<Runtime>, call: Call<'_>) -> Arc<Self> {
        let mut request = request_to_wit(call.request, call.route_path, call.path_params);
        request.validated = call.validated;
        Arc::new(Self {
            runtime,
            request,
            raw_event: call.request.raw_event.clone(),
            lambda_context: context_to_wit(call.context, call.timeout),
            route: call.route,
            dependency_overrides: call.dependency_overrides,
            frames: call.frames,
            context: Mutex::new((Map::new(), 0)),
            failure: Mutex::new(None),
            deadline: call.deadline,
            raised: Mutex::new(Vec::new()),
        })
    }

    /// Keeps `instance`, whose call answered with `error`, for the rest of the request. An
    /// instance of the same component already kept for the same error is the one that raised
    /// it (this call ran further out, in a frame around it, and passed it on): that one stays.
    pub(super) fn park_raised(&self, component: usize, error: &WitError, instance: Instance) {
        let mut raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        let kept = raised.iter().position(|r| r.component == component);
        if let Some(at) = kept {
            let same =
                raised[at].type_names == error.type_names && raised[at].message == error.message;
            if same {
                return;
            }
            raised.swap_remove(at);
        }
        raised.push(Raised {
            component,
            type_names: error.type_names.clone(),
            message: error.message.clone(),
            instance,
        });
    }

    /// The instance of `component` kept by [`Self::park_raised`], if any.
    pub(super) fn take_raised(&self, component: usize) -> Option<Instance> {
        let mut raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        let at = raised.iter().position(|r| r.component == component)?;
        Some(raised.swap_remove(at).instance)
    }

    /// Runs the chain from its first frame.
    pub(crate) fn run(self: &Arc<Self>) -> Result<Outcome, CallFailure> {
        self.call_frame(0).map(outcome_from_wit)
    }

    /// Calls `component`'s exception handler `handler` for `error`, outside the chain.
    pub(crate) fn call_exception_handler(
        self: &Arc<Self>,
        component: usize,
        handler: u32,
        error: RaisedError,
    ) -> Result<Outcome, CallFailure> {
        let target = Target::ExceptionHandler((handler, error_to_wit(error)));
        self.call_outside_chain(component, &target)
            .map(outcome_from_wit)
    }

    /// Calls one target outside the chain; `next` there is an error.
    fn call_outside_chain(
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
        if let Some((component, chain, last)) = local_chain(&self.frames, index) {
            return self
                .runtime
                .call(component, &Target::Chain(chain), self, last);
        }
        match self.frames.get(index) {
            Some(&Frame::Middleware {
                component,
                middleware,
            }) => self
                .runtime
                .call(component, &Target::Middleware(middleware), self, index),
            Some(Frame::ExceptionHandler {
                component,
                handler,
                error,
            }) => {
                let target = Target::ExceptionHandler((*handler, error_to_wit(error.clone())));
                self.runtime.call(*component, &target, self, index)
            }
            Some(Frame::Handler {
                component,
                handler,
                check,
                native,
            }) => {
                let answer = match native {
                    Some(native) => Ok(response_to_wit((native.0)(&path_params_of(&self.request)))),
                    None => self
                        .runtime
                        .call(*component, &Target::Route(*handler), self, index)?,
                };
                match (answer, check) {
                    (Ok(mut response), Some(check)) => {
                        let body = std::mem::replace(&mut response.body, WitBody::None);
                        match check.check(body_from_wit(body)) {
                            Ok(checked) => {
                                response.body = body_to_wit(checked.body);
                                match checked.rewrite {
                                    true => self.serialize_in_guest(*component, response),
                                    false => Ok(Ok(response)),
                                }
                            }
                            Err(error) => Ok(Err(error_to_wit(error))),
                        }
                    }
                    (answer, _) => Ok(answer),
                }
            }
            Some(Frame::Fixed(response)) => Ok(Ok(response_to_wit(response.clone()))),
            None => Ok(Err(WitError {
                type_names: vec!["SwitchyardError".into()],
                message: "`next` was called where there is no next middleware or handler".into(),
                service: None,
            })),
        }
    }

    /// `response` with its JSON body written again by `component`'s serializer, as
    /// Powertools writes a checked answer with the app's serializer. The guest's error, if
    /// its serializer raises one, travels up in the answer's place.
    fn serialize_in_guest(
        self: &Arc<Self>,
        component: usize,
        mut response: WitResponse,
    ) -> Result<Result<WitResponse, WitError>, CallFailure> {
        let WitBody::Text(json) = &response.body else {
            return Ok(Ok(response));
        };
        let written = self.call_outside_chain(component, &Target::Serialize(json.clone()))?;
        Ok(written.map(|written| {
            match written.body {
                WitBody::Text(text) => response.body = WitBody::Text(text),
                _ => crate::log::warn(
                    "a component's serializer answered without text; the checked answer goes out in the default format",
                ),
            }
            response
        }))
    }

    /// The shared context's value for `key`.
    pub(super) fn context_get(&self, key: &str) -> Option<Value> {
        self.context
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .get(key)
            .cloned()
    }

    /// Sets a key of the shared context, within [`MAX_CONTEXT_BYTES`] for the request:
    /// the context lives in the host, outside any guest's `memory_mb`.
    pub(super) fn context_set(&self, key: String, value: Value) -> Result<(), HostLimit> {
        let mut guard = self.context.lock().unwrap_or_else(|p| p.into_inner());
        let (context, bytes) = &mut *guard;
        let added = key.len() + crate::response::json_len(&value);
        let replaced = context
            .get(&key)
            .map_or(0, |old| key.len() + crate::response::json_len(old));
        let total = (*bytes + added).saturating_sub(replaced);
        if total > MAX_CONTEXT_BYTES {
            return Err(HostLimit::Context {
                bytes: total,
                limit: MAX_CONTEXT_BYTES,
            });
        }
        *bytes = total;
        context.insert(key, value);
        Ok(())
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

/// The frames from `index` on that one guest call can run: consecutive middlewares of
/// one component, then that component's handler when the host has nothing to do between
/// them (no response check). Every hop through the host copies the whole request into a
/// fresh instance, so a chain run within the guest saves one call per frame. `None` when
/// fewer than two frames qualify; else the component, the chain and its last frame.
///
/// The host's response limits apply to what crosses back to it: a handler's answer that a
/// middleware of the same component replaces is never seen by the host.
fn local_chain(frames: &[Frame], index: usize) -> Option<(usize, LocalChain, usize)> {
    let Some(&Frame::Middleware { component, .. }) = frames.get(index) else {
        return None;
    };
    let mut middlewares = Vec::new();
    let mut last = index;
    for (position, frame) in frames.iter().enumerate().skip(index) {
        match frame {
            Frame::Middleware {
                component: c,
                middleware: m,
            } if *c == component => {
                middlewares.push(*m);
                last = position;
            }
            _ => break,
        }
    }
    let handler = match frames.get(last + 1) {
        Some(Frame::Handler {
            component: c,
            handler,
            check: None,
            native: None,
        }) if *c == component => Some(*handler),
        _ => None,
    };
    if handler.is_some() {
        last += 1;
    }
    (last > index).then_some((
        component,
        LocalChain {
            middlewares,
            handler,
        },
        last,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Body;
    use crate::validation::RouteSchemas;

    fn middleware(component: usize, index: u32) -> Frame {
        Frame::Middleware {
            component,
            middleware: index,
        }
    }

    fn handler(component: usize, check: bool) -> Frame {
        Frame::Handler {
            component,
            handler: 7,
            check: check.then(|| {
                let spec = crate::app_manifest::RouteSpec {
                    response_schema: Some(serde_json::json!({})),
                    ..Default::default()
                };
                let schemas = RouteSchemas::compile(&spec, &Map::new()).unwrap();
                ResponseCheck::new(&Arc::new(schemas), None, false).unwrap()
            }),
            native: None,
        }
    }

    fn fixed() -> Frame {
        Frame::Fixed(Response::new(404, None, Body::None))
    }

    #[test]
    fn consecutive_frames_of_one_component_run_in_one_call() {
        // (frames, start, expected (component, middlewares, handler, last frame))
        type Row = (
            Vec<Frame>,
            usize,
            Option<(usize, Vec<u32>, Option<u32>, usize)>,
        );
        let table: Vec<Row> = vec![
            // middlewares and the handler, all in component 0
            (
                vec![middleware(0, 1), middleware(0, 2), handler(0, false)],
                0,
                Some((0, vec![1, 2], Some(7), 2)),
            ),
            // from the second frame on
            (
                vec![middleware(0, 1), middleware(0, 2), handler(0, false)],
                1,
                Some((0, vec![2], Some(7), 2)),
            ),
            // a global middleware of another component, then this component's chain
            (
                vec![middleware(1, 0), middleware(0, 2), handler(0, false)],
                0,
                None,
            ),
            (
                vec![middleware(1, 0), middleware(0, 2), handler(0, false)],
                1,
                Some((0, vec![2], Some(7), 2)),
            ),
            // the handler's answer is checked by the host: it stays a frame of its own
            (
                vec![middleware(0, 1), middleware(0, 2), handler(0, true)],
                0,
                Some((0, vec![1, 2], None, 1)),
            ),
            (vec![middleware(0, 1), handler(0, true)], 0, None),
            // the handler is in another component
            (vec![middleware(0, 1), handler(1, false)], 0, None),
            // a host answer ends the run
            (
                vec![middleware(0, 1), middleware(0, 3), fixed()],
                0,
                Some((0, vec![1, 3], None, 1)),
            ),
            // a handler alone is an ordinary call
            (vec![handler(0, false)], 0, None),
            (vec![middleware(0, 1)], 0, None),
            (vec![], 0, None),
        ];
        for (row, (frames, start, want)) in table.into_iter().enumerate() {
            let got = local_chain(&frames, start)
                .map(|(c, chain, last)| (c, chain.middlewares, chain.handler, last));
            assert_eq!(got, want, "row {row}");
        }
    }
}
