//! Logs on stderr (stdout carries `invoke`'s answers and `serve`'s one line; Lambda sends
//! both to CloudWatch): one JSON object a line in Powertools Logger's shape, or, when stderr
//! is a terminal, a readable line (`12:00:01.123 INFO  GET /todos 200  request_id=..`),
//! coloured unless `NO_COLOR` or `TERM=dumb` says not to. `SWITCHYARD_LOG_FORMAT=json|pretty`
//! overrides the choice.
//!
//! A JSON line has Powertools' keys in Powertools' order: `level`, `location`, `message`,
//! `timestamp`, `service`, then within an invocation ([`invocation`]) `cold_start`, the
//! function's keys, `correlation_id` and the appended keys, then the line's own keys, and
//! `xray_trace_id` last. Keys without a value are left out, as Powertools strips `None`s.
//!
//! The level is the first set of `SWITCHYARD_LOG_LEVEL`, Lambda's `AWS_LAMBDA_LOG_LEVEL`,
//! `POWERTOOLS_LOG_LEVEL` and `LOG_LEVEL`, `info` by default; `POWERTOOLS_LOGGER_SAMPLE_RATE`
//! logs that share of invocations at debug level. `POWERTOOLS_SERVICE_NAME` names the
//! service (`service_undefined`), and `POWERTOOLS_LOGGER_LOG_EVENT` logs each event. A value
//! the host cannot read is a warning naming it and what was used instead.
//!
//! Contents: `Level` and `Settings` (what is logged, and how, read once from the
//! environment); the writers ([`emit`], [`trace`], [`always`], [`error`], [`warn`], [`info`],
//! [`metrics_document`], [`event`]); the two line formats (`json_line` in Powertools' shape,
//! `pretty_line`); then tests. [`invocation`] holds an invocation's keys, `correlation` the
//! correlation id's path for each source.

mod correlation;
pub(crate) mod invocation;

use std::io::{IsTerminal as _, Write as _};
use std::panic::Location;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

pub(crate) use correlation::CorrelationPath;

/// Log levels, least severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Details for debugging.
    Debug,
    /// Normal operation.
    Info,
    /// Something to look at.
    Warn,
    /// A failure.
    Error,
}

impl Level {
    /// The level's name as Python's `logging` writes it, which Powertools logs and
    /// CloudWatch queries filter on (`WARNING`, not `WARN`).
    fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARNING",
            Level::Error => "ERROR",
        }
    }

    /// The name in a readable line, five wide.
    fn short_name(self) -> &'static str {
        match self {
            Level::Warn => "WARN",
            level => level.name(),
        }
    }

    /// A level's name in any case, as Rust's `log`, Lambda (`TRACE`, `FATAL`) and Python's
    /// `logging` (`WARNING`, `CRITICAL`) spell them.
    fn parse(name: &str) -> Option<Level> {
        match name.to_ascii_lowercase().as_str() {
            "debug" | "trace" => Some(Level::Debug),
            "info" => Some(Level::Info),
            "warn" | "warning" => Some(Level::Warn),
            "error" | "fatal" | "critical" => Some(Level::Error),
            _ => None,
        }
    }
}

/// The log's settings, read once from the environment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    level: Level,
    format: Format,
    /// `POWERTOOLS_SERVICE_NAME`, read here for Logger, Metrics and Tracer alike.
    service: Option<String>,
    /// `POWERTOOLS_LOGGER_SAMPLE_RATE`: the share of invocations logged at debug level.
    pub(crate) sample_rate: Option<f64>,
    /// `POWERTOOLS_LOGGER_LOG_EVENT`: each event is logged, as its line's message.
    pub(crate) log_event: bool,
}

impl Settings {
    /// The service's name, `service_undefined` when it has none, as Logger and Tracer name it.
    pub(crate) fn service(&self) -> &str {
        self.service.as_deref().unwrap_or("service_undefined")
    }

    /// The service's name when `POWERTOOLS_SERVICE_NAME` gives one: Metrics adds no `service`
    /// dimension without it.
    pub(crate) fn named_service(&self) -> Option<&str> {
        self.service.as_deref()
    }

    /// The settings `var` gives (a variable's value, `None` when unset), for a stderr that
    /// is a `terminal` or not, and a warning for each value that could not be read, naming
    /// it and what was used instead.
    fn read(var: impl Fn(&str) -> Option<String>, terminal: bool) -> (Settings, Vec<String>) {
        let mut warnings = Vec::new();
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        let level = LEVEL_VARIABLES
            .iter()
            .find_map(|name| set(name).map(|value| (*name, value)))
            .map_or(Level::Info, |(name, value)| {
                Level::parse(&value).unwrap_or_else(|| {
                    warnings.push(invalid_setting(
                        name,
                        &value,
                        "a log level (debug, info, warn, error)",
                        "info",
                    ));
                    Level::Info
                })
            });
        let colour = colour(terminal, &var);
        let automatic = match terminal && var("AWS_LAMBDA_FUNCTION_NAME").is_none() {
            true => Format::Pretty { colour },
            false => Format::Json,
        };
        let format = match set("SWITCHYARD_LOG_FORMAT") {
            None => automatic,
            Some(value) => match value.to_ascii_lowercase().as_str() {
                "json" => Format::Json,
                "pretty" => Format::Pretty { colour },
                _ => {
                    let used = match automatic {
                        Format::Json => "json",
                        Format::Pretty { .. } => "pretty",
                    };
                    warnings.push(invalid_setting(
                        "SWITCHYARD_LOG_FORMAT",
                        &value,
                        "a log format (json, pretty)",
                        used,
                    ));
                    automatic
                }
            },
        };
        let service = set("POWERTOOLS_SERVICE_NAME").filter(|name| !name.trim().is_empty());
        let sample_rate = set("POWERTOOLS_LOGGER_SAMPLE_RATE").and_then(|value| {
            match value.trim().parse::<f64>() {
                Ok(rate) if (0.0..=1.0).contains(&rate) => (rate > 0.0).then_some(rate),
                _ => {
                    warnings.push(invalid_setting(
                        "POWERTOOLS_LOGGER_SAMPLE_RATE",
                        &value,
                        "a share of invocations from 0 to 1",
                        "no sampling",
                    ));
                    None
                }
            }
        });
        let log_event = set("POWERTOOLS_LOGGER_LOG_EVENT").is_some_and(|value| truthy(&value));
        let settings = Settings {
            level,
            format,
            service,
            sample_rate,
            log_event,
        };
        (settings, warnings)
    }
}

/// Python's `strtobool`, as Powertools reads its switches: `1`, `true`, `yes`, `y`, `on`.
pub(crate) fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "y" | "on" | "t"
    )
}

/// Whether text on stderr may be coloured: the log's readable lines follow this, and so should
/// anything else a command draws there (progress bars, cargo's output).
pub(crate) fn colour_on_stderr() -> bool {
    colour(std::io::stderr().is_terminal(), |name| {
        std::env::var(name).ok()
    })
}

/// Colour on a `terminal` unless `NO_COLOR` is set and non-empty (<https://no-color.org>) or
/// `TERM` is `dumb` (a terminal that shows escape codes as text).
fn colour(terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    terminal
        && var("NO_COLOR").is_none_or(|v| v.is_empty())
        && var("TERM").as_deref() != Some("dumb")
}

/// Where the level comes from: the first of these that is set. Powertools lets Lambda's
/// advanced logging controls win over its own variable, and reads `LOG_LEVEL` last.
const LEVEL_VARIABLES: [&str; 4] = [
    "SWITCHYARD_LOG_LEVEL",
    "AWS_LAMBDA_LOG_LEVEL",
    "POWERTOOLS_LOG_LEVEL",
    "LOG_LEVEL",
];

/// The settings, read on first use; the first use writes a warning for each bad value.
pub(crate) fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    let mut warnings = Vec::new();
    let settings = SETTINGS.get_or_init(|| {
        let (settings, bad) = Settings::read(
            |name| std::env::var(name).ok(),
            std::io::stderr().is_terminal(),
        );
        warnings = bad;
        settings
    });
    if Level::Warn >= settings.level {
        for warning in warnings {
            write_line(Level::Warn, Location::caller(), &warning, &[]);
        }
    }
    settings
}

/// The warning for a setting that could not be read: the variable and its value, what it
/// takes, and what was used instead.
pub(crate) fn invalid_setting(name: &str, value: &str, expected: &str, used: &str) -> String {
    format!("`{name}={value}` is not {expected}; using {used}")
}

/// Writes one log line with extra fields (empty values are left out).
#[track_caller]
pub(crate) fn emit(level: Level, message: &str, fields: &[(&str, &str)]) {
    if enabled(level) {
        write_line(level, Location::caller(), message, fields);
    }
}

/// True when lines of `level` are written: callers skip building a line nobody reads. An
/// invocation sampled for debug (`POWERTOOLS_LOGGER_SAMPLE_RATE`) writes every level.
pub(crate) fn enabled(level: Level) -> bool {
    level >= settings().level
        || invocation::with_current(|keys| keys.is_some_and(|keys| keys.debug_sampled))
}

/// Writes a debug-mode trace line whatever the log level: turning debug mode on is the
/// request for these (Powertools prints them unconditionally).
#[track_caller]
pub(crate) fn trace(message: &str, fields: &[(&str, &str)]) {
    write_line(Level::Debug, Location::caller(), message, fields);
}

/// Writes a line whatever the log level: for what a guest printed (`runtime::guest_output`),
/// which is the guest's own output, not the host's to filter.
#[track_caller]
pub(crate) fn always(level: Level, message: &str, fields: &[(&str, &str)]) {
    write_line(level, Location::caller(), message, fields);
}

/// Writes a CloudWatch EMF document (`crate::metrics`): the document itself, a JSON line,
/// whatever the level, as Powertools prints it; in a terminal, a readable line of the
/// metrics and their values.
pub(crate) fn metrics_document(document: &Value) {
    let line = match settings().format {
        Format::Json => format!("{document}\n"),
        Format::Pretty { .. } => {
            let names = document["_aws"]["CloudWatchMetrics"][0]["Metrics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|metric| metric["Name"].as_str());
            let values: Vec<String> = names
                .map(|name| format!("{name}={}", document[name]))
                .collect();
            format_record(&Record {
                level: Level::Info,
                location: "metrics",
                message: Message::Text(&format!("metrics {}", values.join(" "))),
                keys: &Map::new(),
            })
        }
    };
    write_formatted(&line);
}

/// Logs the event as Powertools' `log_event` does: one info line whose message is the event.
#[track_caller]
pub(crate) fn event(raw_event: &str) {
    if enabled(Level::Info) {
        let message = serde_json::from_str(raw_event).unwrap_or_else(|_| raw_event.into());
        let line = format_record(&Record {
            level: Level::Info,
            location: &location_of(Location::caller()),
            message: Message::Json(message),
            keys: &Map::new(),
        });
        write_formatted(&line);
    }
}

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// One JSON object a line, for CloudWatch and other machines.
    Json,
    /// A readable line; coloured when `colour` is set.
    Pretty { colour: bool },
}

fn write_line(level: Level, location: &Location<'_>, message: &str, fields: &[(&str, &str)]) {
    let keys = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| (key.to_string(), Value::from(*value)))
        .collect();
    write_formatted(&format_record(&Record {
        level,
        location: &location_of(location),
        message: Message::Text(message),
        keys: &keys,
    }));
}

/// Where a line of the host was written, as Powertools' `location` names a function and line:
/// the host's source file and line (`pipeline/access_log.rs:30`).
fn location_of(location: &Location<'_>) -> String {
    let file = location.file();
    let file = file.split_once("src/").map_or(file, |(_, path)| path);
    format!("{file}:{}", location.line())
}

/// One log line's own parts; the invocation's keys come from its scope.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    pub(crate) level: Level,
    /// Where it was written (`file:line`, or a guest's stream).
    pub(crate) location: &'a str,
    pub(crate) message: Message<'a>,
    /// The line's own keys (a guest's `extra`), after the invocation's.
    pub(crate) keys: &'a Map<String, Value>,
}

/// A line's message: text, or a JSON value (a logged event, a guest's structured message).
#[derive(Debug)]
pub(crate) enum Message<'a> {
    Text(&'a str),
    Json(Value),
}

/// One line as it would be written, newline included: for callers that count what they
/// write before writing it (a guest's output, within its limits).
pub(crate) fn format_record(record: &Record<'_>) -> String {
    let now = SystemTime::now();
    let mut text = match settings().format {
        Format::Json => json_line(now, settings(), record),
        Format::Pretty { colour } => pretty_line(now, record, colour),
    };
    text.push('\n');
    text
}

/// Writes a line [`format_record`] made, whatever the log level.
pub(crate) fn write_formatted(line: &str) {
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

fn json_line(now: SystemTime, settings: &Settings, record: &Record<'_>) -> String {
    let mut line = Map::new();
    line.insert("level".into(), record.level.name().into());
    line.insert("location".into(), record.location.into());
    let message = match &record.message {
        Message::Text(text) => Value::from(*text),
        Message::Json(value) => value.clone(),
    };
    line.insert("message".into(), message);
    line.insert("timestamp".into(), powertools_timestamp(now).into());
    line.insert("service".into(), settings.service().into());
    if let Some(rate) = settings.sample_rate {
        line.insert("sampling_rate".into(), rate.into());
    }
    let trace_id = invocation::with_current(|keys| {
        let keys = keys?;
        line.insert("cold_start".into(), keys.cold_start.into());
        line.insert("function_name".into(), keys.function_name.as_str().into());
        line.insert(
            "function_memory_size".into(),
            keys.function_memory_size.into(),
        );
        line.insert("function_arn".into(), keys.function_arn.as_str().into());
        line.insert(
            "function_request_id".into(),
            keys.function_request_id.as_str().into(),
        );
        if let Some(id) = &keys.correlation_id {
            line.insert("correlation_id".into(), id.clone());
        }
        for (key, value) in &keys.appended {
            line.insert(key.clone(), value.clone());
        }
        keys.xray_trace_id.clone()
    });
    for (key, value) in record.keys {
        line.insert(key.clone(), value.clone());
    }
    // Powertools sets it after every other key; a key set to `null` is left out as its `None`.
    if let Some(trace_id) = trace_id {
        line.insert("xray_trace_id".into(), trace_id.into());
    }
    line.retain(|_, value| !value.is_null());
    Value::Object(line).to_string()
}

/// Powertools' default `%Y-%m-%d %H:%M:%S,%F%z` (`2026-12-06 20:13:20,086+0000`), in UTC
/// as Lambda's clock is.
fn powertools_timestamp(now: SystemTime) -> String {
    let rfc3339 = humantime::format_rfc3339_millis(now).to_string();
    let mut text = rfc3339.replacen('T', " ", 1).replacen('.', ",", 1);
    if text.ends_with('Z') {
        text.pop();
        text.push_str("+0000");
    }
    text
}

/// `HH:MM:SS.mmm LEVEL message  key=value ..`, in UTC; a field of several lines (a
/// debug-mode event) follows on its own indented lines. Within an invocation, its request id
/// is the first field.
fn pretty_line(now: SystemTime, record: &Record<'_>, colour: bool) -> String {
    let paint = |code: &str, text: &str| match colour {
        true => format!("\x1b[{code}m{text}\x1b[0m"),
        false => text.to_string(),
    };
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since_epoch.as_secs() % 86_400;
    let clock = format!(
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        since_epoch.subsec_millis()
    );
    let level = record.level;
    let level_colour = match level {
        Level::Debug => "34",
        Level::Info => "32",
        Level::Warn => "33",
        Level::Error => "1;31",
    };
    let message = match &record.message {
        Message::Text(text) => text.to_string(),
        Message::Json(value) => serde_json::to_string_pretty(value).unwrap_or_default(),
    };
    let mut line = format!(
        "{} {} {message}",
        paint("2", &clock),
        paint(level_colour, &format!("{:<5}", level.short_name()))
    );
    let mut blocks = String::new();
    // A field the message already shows as a word (an access line's method, path and
    // status) is not repeated.
    let shown = |value: &str| message.split(' ').any(|word| word == value);
    let request_id = invocation::with_current(|keys| {
        keys.map(|keys| {
            (
                "request_id".to_string(),
                Value::from(keys.function_request_id.as_str()),
            )
        })
    });
    for (key, value) in request_id.iter().map(|(k, v)| (k, v)).chain(record.keys) {
        let value = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if value.is_empty() || shown(&value) {
            continue;
        }
        if value.contains('\n') {
            blocks.push_str(&format!("\n  {}", paint("2", &format!("{key}:"))));
            for row in value.lines() {
                blocks.push_str(&format!("\n    {row}"));
            }
        } else {
            line.push_str(&format!("  {}{value}", paint("2", &format!("{key}="))));
        }
    }
    line.push_str(&blocks);
    line
}

/// An error line.
#[track_caller]
pub(crate) fn error(message: &str) {
    emit(Level::Error, message, &[]);
}

/// A warning line.
#[track_caller]
pub(crate) fn warn(message: &str) {
    emit(Level::Warn, message, &[]);
}

/// An info line.
#[track_caller]
pub(crate) fn info(message: &str) {
    emit(Level::Info, message, &[]);
}

/// An environment holding only `vars`, for tests of the settings the log, metrics and trace
/// read from variables.
#[cfg(test)]
pub(crate) fn variables<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<String> + 'a {
    |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// 2020-03-04T19:15:17.135Z.
    fn at() -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(1_583_349_317_135)
    }

    fn record<'a>(level: Level, message: Message<'a>, keys: &'a Map<String, Value>) -> Record<'a> {
        Record {
            level,
            location: "pipeline/access_log.rs:30",
            message,
            keys,
        }
    }

    #[test]
    fn json_lines_have_powertools_keys_in_powertools_order() {
        let (settings, _) = read(&[("POWERTOOLS_SERVICE_NAME", "todos")], false);
        let keys = Map::from_iter([
            ("route".to_string(), Value::from("/todos")),
            ("gone".to_string(), Value::Null),
        ]);
        let line = json_line(
            at(),
            &settings,
            &record(Level::Warn, Message::Text("GET /todos 200"), &keys),
        );
        assert_eq!(
            line,
            r#"{"level":"WARNING","location":"pipeline/access_log.rs:30","message":"GET /todos 200","timestamp":"2020-03-04 19:15:17,135+0000","service":"todos","route":"/todos"}"#
        );
        // Within an invocation: its keys, the appended ones, the line's, the trace id last.
        let context = crate::invocation::InvocationContext {
            request_id: "da658bd3".into(),
            xray_trace_id: Some("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1".into()),
            ..crate::invocation::InvocationContext::local()
        };
        let (settings, _) = read(&[("POWERTOOLS_LOGGER_SAMPLE_RATE", "0.5")], false);
        let scope = invocation::enter(&context, true, None);
        invocation::set_correlation_id(Some("c6af9ac6".into()));
        invocation::append_keys(Map::from_iter([("tenant".to_string(), Value::from("a"))]));
        let keys = Map::from_iter([("count".to_string(), Value::from(2))]);
        let line = json_line(
            at(),
            &settings,
            &record(
                Level::Info,
                Message::Json(serde_json::json!({"path": "/"})),
                &keys,
            ),
        );
        drop(scope);
        let line: Value = serde_json::from_str(&line).unwrap();
        let order: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            order,
            [
                "level",
                "location",
                "message",
                "timestamp",
                "service",
                "sampling_rate",
                "cold_start",
                "function_name",
                "function_memory_size",
                "function_arn",
                "function_request_id",
                "correlation_id",
                "tenant",
                "count",
                "xray_trace_id"
            ]
        );
        assert_eq!(line["message"], serde_json::json!({"path": "/"}));
        assert_eq!(line["service"], "service_undefined");
        assert_eq!(line["sampling_rate"], 0.5);
        assert_eq!(line["function_memory_size"], 128);
        assert_eq!(line["function_request_id"], "da658bd3");
        assert_eq!(line["xray_trace_id"], "1-5759e988-bd862e3fe1be46a994272793");
    }

    /// The settings read from `vars` alone.
    fn read(vars: &[(&str, &str)], terminal: bool) -> (Settings, Vec<String>) {
        Settings::read(variables(vars), terminal)
    }

    #[test]
    fn a_setting_that_cannot_be_read_is_a_warning_naming_it_and_what_was_used() {
        let (settings, warnings) = read(
            &[
                ("POWERTOOLS_LOG_LEVEL", "loud"),
                ("SWITCHYARD_LOG_FORMAT", "xml"),
            ],
            true,
        );
        assert_eq!(settings.level, Level::Info);
        assert_eq!(settings.format, Format::Pretty { colour: true });
        assert_eq!(
            warnings,
            [
                "`POWERTOOLS_LOG_LEVEL=loud` is not a log level (debug, info, warn, error); using info",
                "`SWITCHYARD_LOG_FORMAT=xml` is not a log format (json, pretty); using pretty",
            ]
        );
        let (settings, warnings) = read(
            &[
                ("POWERTOOLS_LOGGER_SAMPLE_RATE", "2"),
                ("POWERTOOLS_LOGGER_LOG_EVENT", "True"),
                ("LOG_LEVEL", "debug"),
            ],
            false,
        );
        assert_eq!(settings.sample_rate, None);
        assert!(settings.log_event);
        assert_eq!(settings.level, Level::Debug);
        assert_eq!(
            warnings,
            [
                "`POWERTOOLS_LOGGER_SAMPLE_RATE=2` is not a share of invocations from 0 to 1; using no sampling"
            ]
        );
        // The first level set is the one read, in any case and in Python's words too.
        let (settings, warnings) = read(
            &[
                ("SWITCHYARD_LOG_LEVEL", ""),
                ("AWS_LAMBDA_LOG_LEVEL", "CRITICAL"),
                ("POWERTOOLS_LOG_LEVEL", "loud"),
                ("SWITCHYARD_LOG_FORMAT", "JSON"),
            ],
            true,
        );
        assert_eq!(settings.level, Level::Error);
        assert_eq!(settings.format, Format::Json);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn no_color_and_a_dumb_terminal_get_no_colour() {
        type Row<'a> = (&'a [(&'a str, &'a str)], bool, Format);
        let rows: [Row<'_>; 7] = [
            (&[], true, Format::Pretty { colour: true }),
            (&[("NO_COLOR", "1")], true, Format::Pretty { colour: false }),
            // https://no-color.org: an empty NO_COLOR is unset.
            (&[("NO_COLOR", "")], true, Format::Pretty { colour: true }),
            (&[("TERM", "dumb")], true, Format::Pretty { colour: false }),
            (&[("TERM", "xterm")], true, Format::Pretty { colour: true }),
            (
                &[("SWITCHYARD_LOG_FORMAT", "pretty")],
                false,
                Format::Pretty { colour: false },
            ),
            (&[("AWS_LAMBDA_FUNCTION_NAME", "f")], true, Format::Json),
        ];
        for (vars, terminal, format) in rows {
            assert_eq!(read(vars, terminal).0.format, format, "{vars:?} {terminal}");
        }
    }

    #[test]
    fn pretty_lines_read_as_text_and_indent_multi_line_fields() {
        let keys = Map::from_iter(
            [
                ("method", "GET"),
                ("request_id", "r-1"),
                ("event", "{\n  \"a\": 1\n}"),
            ]
            .map(|(k, v)| (k.to_string(), Value::from(v))),
        );
        let plain = pretty_line(
            at(),
            &record(Level::Info, Message::Text("GET /todos 200"), &keys),
            false,
        );
        assert_eq!(
            plain,
            "19:15:17.135 INFO  GET /todos 200  request_id=r-1\n  event:\n    {\n      \"a\": 1\n    }"
        );
        let none = Map::new();
        let coloured = pretty_line(
            at(),
            &record(Level::Error, Message::Text("boom"), &none),
            true,
        );
        assert_eq!(
            coloured,
            "\x1b[2m19:15:17.135\x1b[0m \x1b[1;31mERROR\x1b[0m boom"
        );
    }
}
