//! Logs on stderr (stdout carries `invoke`'s answers and `serve`'s one line; Lambda sends
//! both to CloudWatch): one JSON object a line, or, when stderr is a terminal, a readable
//! coloured line (`12:00:01.123 INFO  GET /todos 200  request_id=..`).
//! `SWITCHYARD_LOG_FORMAT=json|pretty` overrides the choice.
//!
//! The level is the first set of `SWITCHYARD_LOG_LEVEL`, Lambda's `AWS_LAMBDA_LOG_LEVEL` and
//! `POWERTOOLS_LOG_LEVEL` (Powertools lets Lambda's advanced logging controls win over its
//! own variable), `info` by default.

use std::io::{IsTerminal as _, Write as _};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Log levels, least severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
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
}

fn threshold() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let value = [
            "SWITCHYARD_LOG_LEVEL",
            "AWS_LAMBDA_LOG_LEVEL",
            "POWERTOOLS_LOG_LEVEL",
        ]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        match value.unwrap_or_default().to_ascii_lowercase().as_str() {
            "debug" | "trace" => Level::Debug,
            "warn" | "warning" => Level::Warn,
            "error" | "fatal" => Level::Error,
            _ => Level::Info,
        }
    })
}

/// Writes one log line with extra fields (empty values are left out).
pub fn emit(level: Level, message: &str, fields: &[(&str, &str)]) {
    if enabled(level) {
        write_line(level, message, fields);
    }
}

/// True when lines of `level` are written: callers skip building a line nobody reads.
pub fn enabled(level: Level) -> bool {
    level >= threshold()
}

/// Writes a debug-mode trace line whatever the log level: turning debug mode on is the
/// request for these (Powertools prints them unconditionally).
pub fn trace(message: &str, fields: &[(&str, &str)]) {
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

fn format() -> Format {
    static FORMAT: OnceLock<Format> = OnceLock::new();
    *FORMAT.get_or_init(|| {
        let terminal = std::io::stderr().is_terminal();
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        match std::env::var("SWITCHYARD_LOG_FORMAT").as_deref() {
            Ok("json") => Format::Json,
            Ok("pretty") => Format::Pretty { colour },
            _ if terminal && std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_none() => {
                Format::Pretty { colour }
            }
            _ => Format::Json,
        }
    })
}

fn write_line(level: Level, message: &str, fields: &[(&str, &str)]) {
    write_formatted(&format_line(level, message, fields));
}

/// One line as it would be written, newline included: for callers that count what they
/// write before writing it (a guest's output, within its limits).
pub(crate) fn format_line(level: Level, message: &str, fields: &[(&str, &str)]) -> String {
    let now = SystemTime::now();
    let mut text = match format() {
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
pub fn error(message: &str) {
    emit(Level::Error, message, &[]);
}

/// A warning line.
pub fn warn(message: &str) {
    emit(Level::Warn, message, &[]);
}

/// An info line.
pub fn info(message: &str) {
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
