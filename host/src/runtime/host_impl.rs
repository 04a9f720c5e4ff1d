//! The imports of `wit/world.wit` `interface host`: what guests may ask of the host.

use serde_json::{Map, Value};

use super::bindings::switchyard::handler::{host, manifest, types};
use super::bindings::{Error as WitError, LambdaContext, LogLevel, Response as WitResponse};
use super::store::State;
use crate::invocation::InvocationContext;
use crate::log::Message;

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

    /// The first SDKs' `log`: `log_record` with no location or keys.
    fn log(&mut self, level: LogLevel, message: String) -> wasmtime::Result<()> {
        self.log_record(level, message, String::new(), String::new())
    }

    /// The SDK's logger: a line of the host's log with the invocation's keys, within the
    /// request's output limits (`guest_output`), as what the guest prints is. Keys that are
    /// not a JSON object are left off the line, and a warning says so.
    fn log_record(
        &mut self,
        level: LogLevel,
        message: String,
        location: String,
        keys_json: String,
    ) -> wasmtime::Result<()> {
        let level = match level {
            LogLevel::Debug => crate::log::Level::Debug,
            LogLevel::Info => crate::log::Level::Info,
            LogLevel::Warn => crate::log::Level::Warn,
            LogLevel::Error => crate::log::Level::Error,
        };
        let keys = match keys_json.is_empty() {
            true => Map::new(),
            false => self.guest_log_keys("log", &keys_json),
        };
        self.output
            .log(level, &location, Message::Text(&message), &keys);
        Ok(())
    }

    /// `logger.append_keys`: keys on every later line of the invocation.
    fn append_log_keys(&mut self, keys_json: String) -> wasmtime::Result<()> {
        let keys = self.guest_log_keys("append_keys", &keys_json);
        crate::log::invocation::append_keys(keys);
        Ok(())
    }

    /// `logger.remove_keys`.
    fn remove_log_keys(&mut self, keys: Vec<String>) -> wasmtime::Result<()> {
        crate::log::invocation::remove_keys(keys.iter().map(String::as_str));
        Ok(())
    }

    /// The invocation's correlation id, as JSON text.
    fn correlation_id(&mut self) -> wasmtime::Result<Option<String>> {
        Ok(crate::log::invocation::correlation_id().map(|id| id.to_string()))
    }

    /// `metrics.add_metric`.
    fn add_metric(
        &mut self,
        name: String,
        unit: String,
        value: f64,
        resolution: u32,
    ) -> wasmtime::Result<Result<(), String>> {
        Ok(crate::metrics::add_metric(&name, &unit, value, resolution).map_err(|e| e.0))
    }

    /// `metrics.add_dimension`.
    fn add_metric_dimension(
        &mut self,
        name: String,
        value: String,
    ) -> wasmtime::Result<Result<(), String>> {
        Ok(crate::metrics::add_dimension(&name, &value).map_err(|e| e.0))
    }

    /// `metrics.add_metadata`: the value is JSON text, within the size a logger call's keys
    /// may have.
    fn add_metric_metadata(
        &mut self,
        key: String,
        value_json: String,
    ) -> wasmtime::Result<Result<(), String>> {
        Ok(guest_json("metadata", &key, &value_json)
            .and_then(|value| crate::metrics::add_metadata(&key, value).map_err(|e| e.0)))
    }

    /// `tracer.put_annotation`.
    fn trace_annotation(
        &mut self,
        key: String,
        value_json: String,
    ) -> wasmtime::Result<Result<(), String>> {
        Ok(guest_json("annotation", &key, &value_json)
            .and_then(|value| crate::trace::annotate(&key, value).map_err(|e| e.0)))
    }

    /// `tracer.put_metadata`, within the size a logger call's keys may have.
    fn trace_metadata(
        &mut self,
        key: String,
        value_json: String,
    ) -> wasmtime::Result<Result<(), String>> {
        Ok(guest_json("metadata", &key, &value_json)
            .map(|value| crate::trace::put_metadata(&key, value)))
    }

    /// A guest's span (`tracer.provider.in_subsegment`): open until the guest ends it or the
    /// invocation ends.
    fn trace_span_begin(&mut self, name: String) -> wasmtime::Result<()> {
        crate::trace::guest_span_begin(&trace_name(&name));
        Ok(())
    }

    /// Ends the guest's innermost span, if the innermost open subsegment is a guest's.
    fn trace_span_end(&mut self, error: Option<String>) -> wasmtime::Result<()> {
        crate::trace::guest_span_end(error.as_deref().map(|message| crate::trace::Failure {
            error_type: "GuestError",
            message,
        }));
        Ok(())
    }

    /// Ends the guest's innermost span with a fault of an error of type `error_type`.
    fn trace_span_fail(&mut self, error_type: String, message: String) -> wasmtime::Result<()> {
        crate::trace::guest_span_end(Some(crate::trace::Failure {
            error_type: &trace_name(&error_type),
            message: &message,
        }));
        Ok(())
    }

    fn trace_active(&mut self) -> wasmtime::Result<bool> {
        Ok(crate::trace::active())
    }

    /// `logger.set_correlation_id`; text that is not JSON is taken as a string.
    fn set_correlation_id(&mut self, value_json: Option<String>) -> wasmtime::Result<()> {
        let value =
            value_json.map(|text| serde_json::from_str(&text).unwrap_or(Value::String(text)));
        crate::log::invocation::set_correlation_id(value);
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

/// The most JSON text one logger call may hand the host as keys: far more than a line's
/// keys, far less than a flood (every line of the invocation would carry appended keys).
const MAX_LOG_KEYS_JSON: usize = 64 * 1024;

/// A JSON value a guest gave for `what` `key` (metrics' or traces' metadata, an annotation),
/// within [`MAX_LOG_KEYS_JSON`]; otherwise why not, for the guest.
fn guest_json(what: &str, key: &str, value_json: &str) -> Result<Value, String> {
    if value_json.len() > MAX_LOG_KEYS_JSON {
        return Err(format!(
            "{what} `{key}` is {} bytes of JSON, over the {MAX_LOG_KEYS_JSON} a call may give",
            value_json.len()
        ));
    }
    serde_json::from_str(value_json).map_err(|err| format!("{what} `{key}` is not JSON: {err}"))
}

impl State {
    /// The keys a guest's logger call (`what`) gave, as a JSON object; anything else, or more
    /// than [`MAX_LOG_KEYS_JSON`], is no keys and a warning naming the component.
    fn guest_log_keys(&self, what: &str, keys_json: &str) -> Map<String, Value> {
        let keys = match keys_json.len() <= MAX_LOG_KEYS_JSON {
            true => {
                serde_json::from_str::<Map<String, Value>>(keys_json).map_err(|e| e.to_string())
            }
            false => Err(format!(
                "{} bytes, over the {MAX_LOG_KEYS_JSON} a call may give",
                keys_json.len()
            )),
        };
        keys.unwrap_or_else(|why| {
            crate::log::warn(&format!(
                "component `{}` gave `{what}` keys that are not a JSON object ({why}); left off",
                self.output.component()
            ));
            Map::new()
        })
    }
}

/// A name a guest gives a subsegment or its error's type, cut to 200 characters, as X-Ray
/// takes them.
fn trace_name(name: &str) -> String {
    name.chars().take(200).collect()
}
