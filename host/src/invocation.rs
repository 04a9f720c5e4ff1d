//! The Lambda invocation a request arrives in: its id, the function, and its deadline.

/// The Lambda invocation's context, as the host knows it.
#[derive(Debug, Clone, Default)]
pub struct InvocationContext {
    /// The invocation's request id.
    pub request_id: String,
    /// The function's name.
    pub function_name: String,
    /// The function's version.
    pub function_version: String,
    /// The ARN the function was invoked with.
    pub invoked_function_arn: String,
    /// The function's memory, in MB.
    pub memory_limit_mb: u32,
    /// Milliseconds since the Unix epoch when Lambda stops the invocation; 0 when unknown.
    pub deadline_ms: u64,
    /// The function's CloudWatch log group (`AWS_LAMBDA_LOG_GROUP_NAME`).
    pub log_group_name: String,
    /// The execution environment's log stream (`AWS_LAMBDA_LOG_STREAM_NAME`).
    pub log_stream_name: String,
    /// The invocation's X-Ray trace header (the Runtime API's `Lambda-Runtime-Trace-Id`),
    /// when Lambda traces it.
    pub xray_trace_id: Option<String>,
}

impl InvocationContext {
    /// The local context with a fresh request id (`new_request_id`, as `serve` gives each
    /// request), as `sam local invoke` gives each invocation: what `switchyard invoke` uses,
    /// so each event's log lines carry their own id.
    pub fn local_invocation() -> Self {
        Self {
            request_id: new_request_id(),
            ..Self::local()
        }
    }

    /// The context tests use: the Powertools docs' fake context, with a fixed request id.
    pub fn local() -> Self {
        Self {
            request_id: "00000000-0000-0000-0000-000000000000".into(),
            function_name: "test".into(),
            function_version: "$LATEST".into(),
            invoked_function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:test".into(),
            memory_limit_mb: 128,
            deadline_ms: 0,
            log_group_name: "/aws/lambda/test".into(),
            log_stream_name: "2024/01/01/[$LATEST]00000000000000000000000000000000".into(),
            xray_trace_id: None,
        }
    }
}

/// True for the process's first invocation, false ever after: Powertools' `cold_start`.
/// Each invocation asks once.
pub(crate) fn take_cold_start() -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    static COLD_START: AtomicBool = AtomicBool::new(true);
    COLD_START.swap(false, Ordering::Relaxed)
}

/// A random number, for ids and sampling (not for secrets): the standard library's randomly
/// keyed hasher over a counter, rather than a dependency.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher as _, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A fresh request id in UUID form (random, version 4 layout).
pub(crate) fn new_request_id() -> String {
    let (high, low) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        ((low >> 48) & 0x3fff) | 0x8000,
        low & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuids_and_differ() {
        let a = new_request_id();
        let b = InvocationContext::local_invocation().request_id;
        assert_ne!(a, b);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{a}");
        assert_eq!(&a[14..15], "4", "{a}");
    }
}
