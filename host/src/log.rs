//! Logs on stderr (stdout carries `invoke`'s answers and `serve`'s one line; Lambda sends
//! both to CloudWatch): one JSON object a line, or, when stderr is a terminal, a readable
//! line (`12:00:01.123 INFO  GET /todos 200  request_id=..`), coloured unless `NO_COLOR` or
//! `TERM=dumb` says not to. `SWITCHYARD_LOG_FORMAT=json|pretty` overrides the choice.
//!
//! The level is the first set of `SWITCHYARD_LOG_LEVEL`, Lambda's `AWS_LAMBDA_LOG_LEVEL` and
//! `POWERTOOLS_LOG_LEVEL`, `info` by default. A value the host cannot read is a warning
//! naming it and what was used instead.

use std::io::{IsTerminal as _, Write as _};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

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
    fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    level: Level,
    format: Format,
}

impl Settings {
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
        (Settings { level, format }, warnings)
    }
}

/// Whether text on stderr may be coloured: the log's readable lines follow this, and so should
/// anything else a command draws there (progress bars, cargo's output).
pub(crate) fn colour_on_stderr() -> bool {
    colour(std::io::stderr().is_terminal(), |name| {
        std::env::var(name).ok()
    })
}

/// Colour on a `terminal` unless `NO_COLOR` is set and non-empty (https://no-color.org) or
/// `TERM` is `dumb` (a terminal that shows escape codes as text).
fn colour(terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    terminal
        && var("NO_COLOR").is_none_or(|v| v.is_empty())
        && var("TERM").as_deref() != Some("dumb")
}

/// Where the level comes from: the first of these that is set. Powertools lets Lambda's
/// advanced logging controls win over its own variable.
const LEVEL_VARIABLES: [&str; 3] = [
    "SWITCHYARD_LOG_LEVEL",
    "AWS_LAMBDA_LOG_LEVEL",
    "POWERTOOLS_LOG_LEVEL",
];

/// The settings, read on first use; the first use writes a warning for each bad value.
fn settings() -> Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    let mut warnings = Vec::new();
    let settings = *SETTINGS.get_or_init(|| {
        let (settings, bad) = Settings::read(
            |name| std::env::var(name).ok(),
            std::io::stderr().is_terminal(),
        );
        warnings = bad;
        settings
    });
    if Level::Warn >= settings.level {
        for warning in warnings {
            write_line(Level::Warn, &warning, &[]);
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
pub(crate) fn emit(level: Level, message: &str, fields: &[(&str, &str)]) {
    if enabled(level) {
        write_line(level, message, fields);
    }
}

/// True when lines of `level` are written: callers skip building a line nobody reads.
pub(crate) fn enabled(level: Level) -> bool {
    level >= settings().level
}

/// Writes a debug-mode trace line whatever the log level: turning debug mode on is the
/// request for these (Powertools prints them unconditionally).
pub(crate) fn trace(message: &str, fields: &[(&str, &str)]) {
    write_line(Level::Debug, message, fields);
}

/// Writes a line whatever the log level: for what a guest printed (`runtime::guest_output`),
/// which is the guest's own output, not the host's to filter.
pub(crate) fn always(level: Level, message: &str, fields: &[(&str, &str)]) {
    write_line(level, message, fields);
}

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// One JSON object a line, for CloudWatch and other machines.
    Json,
    /// A readable line; coloured when `colour` is set.
    Pretty { colour: bool },
}

fn write_line(level: Level, message: &str, fields: &[(&str, &str)]) {
    write_formatted(&format_line(level, message, fields));
}

/// One line as it would be written, newline included: for callers that count what they
/// write before writing it (a guest's output, within its limits).
pub(crate) fn format_line(level: Level, message: &str, fields: &[(&str, &str)]) -> String {
    let now = SystemTime::now();
    let mut text = match settings().format {
        Format::Json => json_line(now, level, message, fields),
        Format::Pretty { colour } => pretty_line(now, level, message, fields, colour),
    };
    text.push('\n');
    text
}

/// Writes a line [`format_line`] made, whatever the log level.
pub(crate) fn write_formatted(line: &str) {
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

fn json_line(now: SystemTime, level: Level, message: &str, fields: &[(&str, &str)]) -> String {
    let mut line = serde_json::Map::new();
    line.insert(
        "timestamp".into(),
        humantime::format_rfc3339_millis(now).to_string().into(),
    );
    line.insert("level".into(), level.name().into());
    line.insert("message".into(), message.into());
    for (key, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        line.insert((*key).into(), (*value).into());
    }
    serde_json::Value::Object(line).to_string()
}

/// `HH:MM:SS.mmm LEVEL message  key=value ..`, in UTC; a field of several lines (a
/// debug-mode event) follows on its own indented lines.
fn pretty_line(
    now: SystemTime,
    level: Level,
    message: &str,
    fields: &[(&str, &str)],
    colour: bool,
) -> String {
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
    let level_colour = match level {
        Level::Debug => "34",
        Level::Info => "32",
        Level::Warn => "33",
        Level::Error => "1;31",
    };
    let mut line = format!(
        "{} {} {message}",
        paint("2", &clock),
        paint(level_colour, &format!("{:<5}", level.name()))
    );
    let mut blocks = String::new();
    // A field the message already shows as a word (an access line's method, path and
    // status) is not repeated.
    let shown = |value: &str| message.split(' ').any(|word| word == value);
    for (key, value) in fields.iter().filter(|(_, v)| !v.is_empty() && !shown(v)) {
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
pub(crate) fn error(message: &str) {
    emit(Level::Error, message, &[]);
}

/// A warning line.
pub(crate) fn warn(message: &str) {
    emit(Level::Warn, message, &[]);
}

/// An info line.
pub(crate) fn info(message: &str) {
    emit(Level::Info, message, &[]);
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// 2020-03-04T19:15:17.135Z.
    fn at() -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(1_583_349_317_135)
    }

    #[test]
    fn json_lines_carry_the_fields_and_leave_out_empty_ones() {
        let line = json_line(
            at(),
            Level::Warn,
            "GET /todos 200",
            &[("request_id", "r-1"), ("route", "")],
        );
        assert_eq!(
            line,
            r#"{"timestamp":"2020-03-04T19:15:17.135Z","level":"WARN","message":"GET /todos 200","request_id":"r-1"}"#
        );
    }

    /// The settings read from `vars` alone.
    fn read(vars: &[(&str, &str)], terminal: bool) -> (Settings, Vec<String>) {
        Settings::read(
            |name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            },
            terminal,
        )
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
        let plain = pretty_line(
            at(),
            Level::Info,
            "GET /todos 200",
            &[
                ("method", "GET"),
                ("request_id", "r-1"),
                ("event", "{\n  \"a\": 1\n}"),
            ],
            false,
        );
        assert_eq!(
            plain,
            "19:15:17.135 INFO  GET /todos 200  request_id=r-1\n  event:\n    {\n      \"a\": 1\n    }"
        );
        let coloured = pretty_line(at(), Level::Error, "boom", &[], true);
        assert_eq!(
            coloured,
            "\x1b[2m19:15:17.135\x1b[0m \x1b[1;31mERROR\x1b[0m boom"
        );
    }
}
