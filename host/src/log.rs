//! Structured logs: one JSON object a line on stderr (stdout carries `invoke`'s answers;
//! Lambda sends both to CloudWatch). The level comes from `SWITCHYARD_LOG_LEVEL` or
//! Lambda's `AWS_LAMBDA_LOG_LEVEL`, `info` by default.

use std::io::Write as _;
use std::sync::OnceLock;
use std::time::SystemTime;

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
        let value = std::env::var("SWITCHYARD_LOG_LEVEL")
            .or_else(|_| std::env::var("AWS_LAMBDA_LOG_LEVEL"));
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
    if level >= threshold() {
        write_line(level, message, fields);
    }
}

/// Writes a debug-mode trace line whatever the log level: turning debug mode on is the
/// request for these (Powertools prints them unconditionally).
pub fn trace(message: &str, fields: &[(&str, &str)]) {
    write_line(Level::Debug, message, fields);
}

fn write_line(level: Level, message: &str, fields: &[(&str, &str)]) {
    let mut line = serde_json::Map::new();
    line.insert(
        "timestamp".into(),
        humantime::format_rfc3339_millis(SystemTime::now())
            .to_string()
            .into(),
    );
    line.insert("level".into(), level.name().into());
    line.insert("message".into(), message.into());
    for (key, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        line.insert((*key).into(), (*value).into());
    }
    let mut text = serde_json::Value::Object(line).to_string();
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
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
