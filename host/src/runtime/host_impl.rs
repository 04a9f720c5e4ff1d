//! The imports of `wit/world.wit` `interface host`: what guests may ask of the host.

use serde_json::Value;

use super::bindings::switchyard::handler::{host, manifest, types};
use super::bindings::{Error as WitError, LambdaContext, LogLevel, Response as WitResponse};
use super::store::State;
use crate::invocation::InvocationContext;

impl types::Host for State {}
impl manifest::Host for State {}

impl host::Host for State {
    fn next(&mut self) -> wasmtime::Result<Result<WitResponse, WitError>> {
        let Some((invocation, frame)) = self.call.clone() else {
            wasmtime::bail!("`next` was called outside a request");
        };
        match invocation.call_frame(frame.saturating_add(1)) {
            Ok(answer) => Ok(answer),
            Err(failure) => {
                // A trap below traps the caller too: the failure is answered once, at the top.
                let message = failure.to_string();
                invocation.record_failure(failure);
                Err(wasmtime::Error::msg(message))
            }
        }
    }

    fn context_set(&mut self, key: String, value_json: String) -> wasmtime::Result<()> {
        if let Some((invocation, _)) = &self.call {
            let value = serde_json::from_str(&value_json).unwrap_or(Value::String(value_json));
            // Past the request's budget the guest traps: a typed failure, 500.
            invocation
                .context_set(key, value)
                .map_err(wasmtime::Error::new)?;
        }
        Ok(())
    }

    fn context_get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self
            .call
            .as_ref()
            .and_then(|(invocation, _)| invocation.context_get(&key))
            .map(|v| v.to_string()))
    }

    fn raw_event(&mut self) -> wasmtime::Result<String> {
        Ok(self
            .call
            .as_ref()
            .map(|(invocation, _)| invocation.raw_event.text().to_string())
            .unwrap_or_default())
    }

    fn raw_event_member(&mut self, name: String) -> wasmtime::Result<Option<String>> {
        Ok(self
            .call
            .as_ref()
            .and_then(|(invocation, _)| invocation.raw_event.member(&name).map(str::to_string)))
    }

    fn current_route(&mut self) -> wasmtime::Result<Option<String>> {
        Ok(self
            .call
            .as_ref()
            .and_then(|(invocation, _)| invocation.route.as_deref().map(str::to_string)))
    }

    fn dependency_override(&mut self, name: String) -> wasmtime::Result<Option<String>> {
        Ok(self.call.as_ref().and_then(|(invocation, _)| {
            let overrides = invocation.dependency_overrides.as_ref()?;
            overrides.get(&name).map(Value::to_string)
        }))
    }

    fn current_lambda_context(&mut self) -> wasmtime::Result<LambdaContext> {
        Ok(self
            .call
            .as_ref()
            .map(|(invocation, _)| invocation.lambda_context.clone())
            .unwrap_or_else(|| {
                super::convert::context_to_wit(
                    &InvocationContext::default(),
                    std::time::Duration::ZERO,
                )
            }))
    }

    /// The SDK's `log`: a line of the host's log naming the component and the request,
    /// within the request's output limits (`guest_output`), as what the guest prints is.
    fn log(&mut self, level: LogLevel, message: String) -> wasmtime::Result<()> {
        let level = match level {
            LogLevel::Debug => crate::log::Level::Debug,
            LogLevel::Info => crate::log::Level::Info,
            LogLevel::Warn => crate::log::Level::Warn,
            LogLevel::Error => crate::log::Level::Error,
        };
        self.output.log(level, &message);
        Ok(())
    }

    /// The SDK's panic hook: the call ends here, with a trap the failure is told by.
    fn panicked(&mut self, message: String, location: String) -> wasmtime::Result<()> {
        Err(wasmtime::Error::new(GuestPanic { message, location }))
    }
}

/// A guest's panic, as its panic hook reported it through `panicked`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("panicked at {location}: {message}")]
pub(crate) struct GuestPanic {
    /// The panic's message.
    pub(crate) message: String,
    /// `file:line:column`.
    pub(crate) location: String,
}

impl GuestPanic {
    /// A failed call's error as it is shown: a panic by its message and location alone (the
    /// wasm backtrace wasmtime adds to it says less than the location), anything else whole.
    pub(crate) fn or_error(err: wasmtime::Error) -> anyhow::Error {
        match err.downcast::<GuestPanic>() {
            Ok(panic) => panic.into(),
            Err(err) => err.into(),
        }
    }
}
