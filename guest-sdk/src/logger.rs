//! Powertools' Logger for handlers: lines in the host's log, in Powertools Logger's JSON
//! shape, with the invocation's keys the host adds to every line (`service`, `cold_start`,
//! the function's name, memory, ARN and request id, `correlation_id`, `xray_trace_id`).
//!
//! ```no_run
//! use switchyard_sdk::logger;
//! use serde_json::json;
//!
//! fn get_todos() -> serde_json::Value {
//!     logger::append_keys(json!({"tenant": "acme"}));
//!     logger::info_with("listing todos", json!({"count": 2}));
//!     json!({"todos": []})
//! }
//! ```
//!
//! The host writes the line: its level filter (`POWERTOOLS_LOG_LEVEL`, sampling with
//! `POWERTOOLS_LOGGER_SAMPLE_RATE`) applies, and a component's lines count against its log
//! limits as what it prints does. Each line's `location` is where it was logged
//! (`src/lib.rs:14`), as Powertools names the function and line.

use std::panic::Location;

use serde::Serialize;
use serde_json::Value;

use crate::__private::wit::switchyard::handler::host as imports;
use crate::host::Level;

/// Writes a line at `level` with its own keys, `extra` (a JSON object; `()` for none), as
/// Powertools' `logger.info(message, extra={...})`.
#[track_caller]
pub fn log(level: Level, message: &str, extra: impl Serialize) {
    let keys = match serde_json::to_value(extra) {
        Ok(Value::Object(keys)) if !keys.is_empty() => Value::Object(keys).to_string(),
        // `()` and an empty object are no keys; anything else is the host's to refuse.
        Ok(Value::Null | Value::Object(_)) => String::new(),
        Ok(other) => other.to_string(),
        // A map with keys that are not strings, say: the line goes without them.
        Err(_) => String::new(),
    };
    let caller = Location::caller();
    let location = format!("{}:{}", caller.file(), caller.line());
    imports::log_record(level.into(), message, &location, &keys);
}

/// A debug line.
#[track_caller]
pub fn debug(message: &str) {
    log(Level::Debug, message, ());
}

/// An info line.
#[track_caller]
pub fn info(message: &str) {
    log(Level::Info, message, ());
}

/// A warning line (`WARNING`, as Powertools writes it).
#[track_caller]
pub fn warn(message: &str) {
    log(Level::Warn, message, ());
}

/// An error line.
#[track_caller]
pub fn error(message: &str) {
    log(Level::Error, message, ());
}

/// A debug line with keys of its own.
#[track_caller]
pub fn debug_with(message: &str, extra: impl Serialize) {
    log(Level::Debug, message, extra);
}

/// An info line with keys of its own (`logger.info(message, extra={...})`).
#[track_caller]
pub fn info_with(message: &str, extra: impl Serialize) {
    log(Level::Info, message, extra);
}

/// A warning line with keys of its own.
#[track_caller]
pub fn warn_with(message: &str, extra: impl Serialize) {
    log(Level::Warn, message, extra);
}

/// An error line with keys of its own.
#[track_caller]
pub fn error_with(message: &str, extra: impl Serialize) {
    log(Level::Error, message, extra);
}

/// Adds keys (a JSON object) to every later line of this invocation, the host's and every
/// component's (`logger.append_keys`). They last for the invocation: the next one starts
/// without them, as with Powertools' `clear_state=True`.
pub fn append_keys(keys: impl Serialize) {
    if let Ok(keys) = serde_json::to_string(&keys) {
        imports::append_log_keys(&keys);
    }
}

/// Removes appended keys (`logger.remove_keys`).
pub fn remove_keys(keys: &[&str]) {
    let keys: Vec<String> = keys.iter().map(|key| key.to_string()).collect();
    imports::remove_log_keys(&keys);
}

/// The invocation's correlation id (`logger.get_correlation_id()`): by default what the
/// event holds at Powertools' correlation path for its source (`requestContext.requestId`
/// for API Gateway and Function URLs, the `x-amzn-trace-id` header for ALB and VPC Lattice),
/// or the bundle's `correlation_id_path`. A value that is not a string comes as its JSON.
pub fn correlation_id() -> Option<String> {
    let json = imports::correlation_id()?;
    match serde_json::from_str(&json) {
        Ok(Value::String(id)) => Some(id),
        _ => Some(json),
    }
}

/// Sets the invocation's correlation id (`logger.set_correlation_id`); `None` removes it.
pub fn set_correlation_id(id: Option<&str>) {
    let json = id.map(|id| Value::from(id).to_string());
    imports::set_correlation_id(json.as_deref());
}
