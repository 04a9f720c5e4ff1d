//! How a guest call fails: each failure answers with an HTTP error (504 or 500) and its
//! instance is dropped, never reused.

use super::host_impl::GuestPanic;
use super::store::{HostLimit, MAX_RESOURCES};

/// Why a guest call did not return, or returned what the host refuses. Each is answered with
/// an HTTP error and the instance is discarded: `Timeout` with 504, the others with 500.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum CallFailure {
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
    /// The guest panicked, and its panic hook told the host what and where (the SDK's does).
    #[error("component `{component}` panicked at {location}: {message}")]
    Panic {
        /// The component.
        component: String,
        /// The panic's message.
        message: String,
        /// `file:line:column`.
        location: String,
    },
    /// The guest trapped (an unreachable, a bad memory access, a panic no hook reported).
    #[error("component `{component}` trapped: {message}")]
    Trap {
        /// The component.
        component: String,
        /// What wasmtime said.
        message: String,
    },
    /// The guest answered with more than the bundle's limits allow (body bytes, headers).
    #[error("component `{component}` returned too much: {message}")]
    ResponseTooLarge {
        /// The component.
        component: String,
        /// What was over which limit.
        message: String,
    },
    /// The guest made the host hold more than its budget: resources (open files, streams,
    /// headers objects) or the request's shared context.
    #[error("component `{component}` ran out of its host budget: {message}")]
    HostBudget {
        /// The component.
        component: String,
        /// Which budget.
        message: String,
    },
    /// The host refused what the guest handed it while copying it out of the guest: more
    /// than its hostcall fuel in one call, or data that does not lift (a bad pointer,
    /// invalid UTF-8).
    #[error("component `{component}` handed the host what it refuses: {message}")]
    Refused {
        /// The component.
        component: String,
        /// What wasmtime said.
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
    /// The failure a call's error stands for, told by the error's type, never its words:
    /// wasmtime's traps, the host's own limits ([`HostLimit`]), a full resource table. What is
    /// left is wasmtime refusing to copy the guest's answer (hostcall fuel, bad data).
    /// `resources_exhausted`: the instance's table is at its limit.
    pub(super) fn classify(
        component: &str,
        err: wasmtime::Error,
        resources_exhausted: bool,
    ) -> Self {
        let component = component.to_string();
        if let Some(panic) = err.downcast_ref::<GuestPanic>() {
            return CallFailure::Panic {
                component,
                message: panic.message.clone(),
                location: panic.location.clone(),
            };
        }
        if let Some(trap) = err.downcast_ref::<wasmtime::Trap>() {
            if *trap == wasmtime::Trap::Interrupt {
                return CallFailure::Timeout { component };
            }
            // The wasm backtrace goes to the debug log.
            crate::log::emit(
                crate::log::Level::Debug,
                &format!("{err:?}"),
                &[("component", &component)],
            );
            return CallFailure::Trap {
                component,
                message: trap.to_string(),
            };
        }
        if let Some(limit) = err.downcast_ref::<HostLimit>() {
            return match limit {
                HostLimit::Memory { .. } => CallFailure::MemoryLimit { component },
                HostLimit::Deadline => CallFailure::Timeout { component },
                HostLimit::Context { .. } => CallFailure::HostBudget {
                    component,
                    message: limit.to_string(),
                },
            };
        }
        let table_full = matches!(
            err.downcast_ref::<wasmtime::component::ResourceTableError>(),
            Some(wasmtime::component::ResourceTableError::Full)
        );
        if table_full || resources_exhausted {
            return CallFailure::HostBudget {
                component,
                message: format!("it holds {MAX_RESOURCES} resources in the host"),
            };
        }
        let message = anyhow::Error::from(err).root_cause().to_string();
        CallFailure::Refused { component, message }
    }

    /// The failure's kind, as an error type names a raised error (`GuestPanic`): what the
    /// invocation fails with when the bundle says unhandled errors do.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CallFailure::Timeout { .. } => "GuestTimeout",
            CallFailure::MemoryLimit { .. } => "GuestMemoryLimit",
            CallFailure::Panic { .. } => "GuestPanic",
            CallFailure::Trap { .. } => "GuestTrap",
            CallFailure::ResponseTooLarge { .. } => "GuestResponseTooLarge",
            CallFailure::HostBudget { .. } => "GuestHostBudget",
            CallFailure::Refused { .. } => "GuestRefused",
            CallFailure::Instantiate { .. } => "GuestInstantiate",
        }
    }

    /// The HTTP status this failure answers with.
    pub(crate) fn status(&self) -> u16 {
        match self {
            CallFailure::Timeout { .. } => 504,
            _ => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_told_apart_by_type_not_by_wasmtimes_words() {
        let classify =
            |err: wasmtime::Error, exhausted| match CallFailure::classify("c", err, exhausted) {
                CallFailure::Timeout { .. } => "timeout",
                CallFailure::MemoryLimit { .. } => "memory",
                CallFailure::Panic { .. } => "panic",
                CallFailure::Trap { .. } => "trap",
                CallFailure::HostBudget { .. } => "budget",
                CallFailure::Refused { .. } => "refused",
                other => panic!("{other}"),
            };
        let memory = HostLimit::Memory {
            desired: 2,
            limit: 1,
        };
        let context = HostLimit::Context { bytes: 2, limit: 1 };
        let panic = GuestPanic {
            message: "boom".into(),
            location: "src/lib.rs:1:1".into(),
        };
        let rows: [(wasmtime::Error, bool, &str); 9] = [
            (wasmtime::Error::new(panic), false, "panic"),
            (wasmtime::Trap::Interrupt.into(), false, "timeout"),
            (wasmtime::Error::new(HostLimit::Deadline), false, "timeout"),
            (wasmtime::Trap::UnreachableCodeReached.into(), false, "trap"),
            (wasmtime::Error::new(memory.clone()), false, "memory"),
            // wasmtime adds context on the way out; the type is still found.
            (
                wasmtime::Error::new(memory).context("while growing"),
                false,
                "memory",
            ),
            (wasmtime::Error::new(context), false, "budget"),
            (
                wasmtime::Error::new(wasmtime::component::ResourceTableError::Full),
                false,
                "budget",
            ),
            // Anything else refused while copying out of the guest, whatever its text says.
            (
                wasmtime::Error::msg("forcing trap when growing memory"),
                false,
                "refused",
            ),
        ];
        for (err, exhausted, want) in rows {
            let text = format!("{err:#}");
            assert_eq!(classify(err, exhausted), want, "{text}");
        }
        assert_eq!(classify(wasmtime::Error::msg("any"), true), "budget");
    }
}
