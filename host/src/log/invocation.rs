//! The keys Powertools' `@logger.inject_lambda_context` adds to every line of an invocation:
//! `cold_start`, the function's name, memory, ARN and request id, the correlation id, the
//! keys a guest appended, and the X-Ray trace id. The pipeline enters an invocation's scope
//! on the thread that answers it (an invocation runs on one thread, host and guests alike),
//! so every line written there carries its keys, and lines of concurrent invocations on
//! other threads carry their own.

use std::cell::RefCell;

use serde_json::{Map, Value};

use crate::invocation::InvocationContext;

/// What one invocation adds to its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct InvocationKeys {
    pub(super) cold_start: bool,
    pub(super) function_name: String,
    pub(super) function_memory_size: u32,
    pub(super) function_arn: String,
    pub(super) function_request_id: String,
    /// `None` when the event has nothing at the correlation path: Powertools leaves the key
    /// out then.
    pub(super) correlation_id: Option<Value>,
    /// What guests appended (`logger.append_keys`), in order.
    pub(super) appended: Map<String, Value>,
    /// The `Root` of the invocation's X-Ray trace header.
    pub(super) xray_trace_id: Option<String>,
    /// This invocation logs at debug level (`POWERTOOLS_LOGGER_SAMPLE_RATE`).
    pub(super) debug_sampled: bool,
}

thread_local! {
    static CURRENT: RefCell<Option<InvocationKeys>> = const { RefCell::new(None) };
}

/// An invocation's scope on this thread; the thread's previous scope (none, usually) comes
/// back when it is dropped.
#[must_use = "the invocation's keys are dropped with the scope"]
pub(crate) struct Scope {
    previous: Option<InvocationKeys>,
}

/// Enters the invocation of `context`: lines written on this thread until the scope is
/// dropped carry its keys. `sample_rate` is the share of invocations logged at debug level.
pub(crate) fn enter(
    context: &InvocationContext,
    cold_start: bool,
    sample_rate: Option<f64>,
) -> Scope {
    let keys = InvocationKeys {
        cold_start,
        function_name: context.function_name.clone(),
        function_memory_size: context.memory_limit_mb,
        function_arn: context.invoked_function_arn.clone(),
        function_request_id: context.request_id.clone(),
        correlation_id: None,
        appended: Map::new(),
        xray_trace_id: context.xray_trace_id.as_deref().and_then(trace_root),
        debug_sampled: sample_rate.is_some_and(|rate| random_unit() <= rate),
    };
    let previous = CURRENT.with(|current| current.borrow_mut().replace(keys));
    Scope { previous }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

/// Runs `write` outside the current invocation: for a line about what happened before it
/// (what an instance printed while it started), which is not the invocation's.
pub(crate) fn outside<R>(write: impl FnOnce() -> R) -> R {
    let keys = CURRENT.with(|current| current.borrow_mut().take());
    let _restore = Scope { previous: keys };
    write()
}

/// Reads the current invocation's keys, if a scope is entered on this thread.
pub(super) fn with_current<R>(read: impl FnOnce(Option<&InvocationKeys>) -> R) -> R {
    CURRENT.with(|current| read(current.borrow().as_ref()))
}

/// Changes the current invocation's keys; nothing outside an invocation.
fn update(change: impl FnOnce(&mut InvocationKeys)) {
    CURRENT.with(|current| {
        if let Some(keys) = current.borrow_mut().as_mut() {
            change(keys);
        }
    });
}

/// Sets the invocation's correlation id (`logger.set_correlation_id`); `None` removes it.
pub(crate) fn set_correlation_id(value: Option<Value>) {
    update(|keys| keys.correlation_id = value);
}

/// The invocation's correlation id, as JSON.
pub(crate) fn correlation_id() -> Option<Value> {
    with_current(|keys| keys.and_then(|keys| keys.correlation_id.clone()))
}

/// Adds keys to every later line of the invocation (`logger.append_keys`); a key appended
/// again keeps its place with the new value, as in Powertools' dict.
pub(crate) fn append_keys(appended: Map<String, Value>) {
    update(|keys| keys.appended.extend(appended));
}

/// Removes appended keys (`logger.remove_keys`).
pub(crate) fn remove_keys<'a>(names: impl IntoIterator<Item = &'a str>) {
    update(|keys| {
        for name in names {
            keys.appended.shift_remove(name);
        }
    });
}

/// The `Root` of an X-Ray trace header (`Root=1-5759e988-bd862e3fe1be46a994272793;Parent=..`),
/// what Powertools logs as `xray_trace_id`.
fn trace_root(header: &str) -> Option<String> {
    let first = header.split(';').next()?.trim();
    let root = first.strip_prefix("Root=").unwrap_or(first);
    (!root.is_empty()).then(|| root.to_string())
}

/// A number in [0, 1), for sampling.
fn random_unit() -> f64 {
    let bits = crate::invocation::random_u64() >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_id_is_the_headers_root() {
        let header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        assert_eq!(
            trace_root(header).as_deref(),
            Some("1-5759e988-bd862e3fe1be46a994272793")
        );
        assert_eq!(trace_root(""), None);
    }

    #[test]
    fn a_scope_holds_its_invocations_keys_and_gives_back_the_previous_ones() {
        let context = InvocationContext {
            request_id: "outer".into(),
            ..InvocationContext::local()
        };
        let outer = enter(&context, true, Some(1.0));
        set_correlation_id(Some("c-1".into()));
        append_keys(Map::from_iter([("a".to_string(), 1.into())]));
        {
            let inner = enter(
                &InvocationContext {
                    request_id: "inner".into(),
                    ..InvocationContext::local()
                },
                false,
                None,
            );
            with_current(|keys| {
                let keys = keys.unwrap();
                assert_eq!(keys.function_request_id, "inner");
                assert!(!keys.cold_start && !keys.debug_sampled);
                assert!(keys.appended.is_empty() && keys.correlation_id.is_none());
            });
            drop(inner);
        }
        with_current(|keys| {
            let keys = keys.unwrap();
            assert_eq!(keys.function_request_id, "outer");
            assert!(keys.debug_sampled, "a rate of 1 samples every invocation");
            assert_eq!(keys.appended["a"], 1);
        });
        assert_eq!(correlation_id(), Some("c-1".into()));
        remove_keys(["a"]);
        with_current(|keys| assert!(keys.unwrap().appended.is_empty()));
        drop(outer);
        assert_eq!(correlation_id(), None);
        with_current(|keys| assert!(keys.is_none()));
    }
}
