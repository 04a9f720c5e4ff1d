//! A guest's stdout and stderr as log lines. Each line a component prints (a `println!`, the
//! panic text of a guest without the SDK's panic hook) becomes one line of the host's log,
//! naming the component, the stream and the request, so the log stays one format (JSON in
//! Lambda, for CloudWatch's queries) and what it wrote sits beside the trap it caused. The
//! SDK's `log` goes the same way.
//!
//! A guest writes a line in pieces (Rust's stderr is unbuffered, so `eprintln!("{a}: {b}")`
//! is four writes) and WASI's blocking write flushes after each, so text is held until its
//! newline, not until a flush. What is left of a line when a call ends is written then,
//! before the host logs the call's outcome: text never waits in an idle instance for the next
//! request.
//!
//! What a guest may write is capped ([`OutputLimits`]): per call (a request's call into the
//! component, and an instance's time outside any call, such as while it starts), at most so
//! many bytes of the host's log, counted as written (a 2-byte line costs its whole
//! JSON line), and so many lines. Past either, the rest is counted and dropped without being
//! formatted, and one line says how much was dropped. A guest that prints a gigabyte costs
//! the host its time to count it, never a gigabyte of log.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

use serde_json::{Map, Value};

use crate::log::{Level, Message, Record};

/// Text longer than this without a newline is written as a line of its own.
const MAX_LINE: usize = 16 * 1024;

/// How much of the host's log one call's output may take (the bundle's `log_bytes` and
/// `log_lines`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimits {
    /// Bytes of log, each line counted as the host writes it (its fields and newline included).
    pub bytes: usize,
    /// Lines of log.
    pub lines: usize,
}

impl Default for OutputLimits {
    /// 1 MiB and 1,000 lines: far more than a request's diagnostics, far less than a flood.
    fn default() -> Self {
        Self {
            bytes: 1 << 20,
            lines: 1000,
        }
    }
}

/// One instance's two output streams and its `log` calls.
#[derive(Debug, Clone)]
pub(crate) struct GuestOutput {
    shared: Arc<Mutex<Pending>>,
}

/// The text of each stream not yet written (the start of a line), who is writing it, and
/// what the current request (or the time outside one) has used of its limits.
#[derive(Debug)]
struct Pending {
    component: Arc<str>,
    /// A request's call is under way (else the instance is starting, or idle).
    in_call: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    limits: OutputLimits,
    used: Usage,
}

/// What one request has written and dropped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Usage {
    bytes: usize,
    lines: usize,
    /// Set once a line did not fit: everything after it is dropped too, so the log never
    /// shows a sample of the lines with holes in it.
    cut: bool,
    dropped_bytes: usize,
    dropped_lines: usize,
    /// The dropped text ended inside a line (counted when the call ends).
    dropped_partial: bool,
}

impl Usage {
    /// Takes a line of `cost` bytes of log if it fits; otherwise cuts the output.
    fn admit(&mut self, cost: usize, limits: OutputLimits) -> bool {
        if !self.cut && self.lines < limits.lines && self.bytes.saturating_add(cost) <= limits.bytes
        {
            self.bytes += cost;
            self.lines += 1;
            return true;
        }
        self.cut = true;
        false
    }

    /// Counts guest text that is not written: `bytes` of it, ending inside a line or not.
    fn drop_text(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.dropped_bytes = self.dropped_bytes.saturating_add(bytes.len());
        let newlines = memchr::memchr_iter(b'\n', bytes).count();
        self.dropped_lines = self.dropped_lines.saturating_add(newlines);
        self.dropped_partial = bytes.last() != Some(&b'\n');
    }

    /// Counts one whole line that is not written.
    fn drop_line(&mut self, len: usize) {
        self.dropped_bytes = self.dropped_bytes.saturating_add(len);
        self.dropped_lines = self.dropped_lines.saturating_add(1);
    }
}

/// A guest output stream.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }

    /// INFO for stdout, WARN for stderr.
    fn level(self) -> Level {
        match self {
            Stream::Stdout => Level::Info,
            Stream::Stderr => Level::Warn,
        }
    }
}

impl GuestOutput {
    /// The output of one instance of `component`, within the default [`OutputLimits`] until
    /// [`Self::set_limits`] says otherwise.
    pub(crate) fn new(component: &Arc<str>) -> Self {
        let pending = Pending {
            component: component.clone(),
            in_call: false,
            stdout: Vec::new(),
            stderr: Vec::new(),
            limits: OutputLimits::default(),
            used: Usage::default(),
        };
        Self {
            shared: Arc::new(Mutex::new(pending)),
        }
    }

    /// The limits of each request's output from now on.
    pub(crate) fn set_limits(&self, limits: OutputLimits) {
        self.lock().limits = limits;
    }

    /// The stream to hand the guest's WASI context.
    pub(crate) fn stream(&self, stream: Stream) -> GuestStream {
        GuestStream {
            output: self.clone(),
            stream,
        }
    }

    /// Lines from now on belong to a request's call (and carry its invocation's keys, from
    /// the log's scope), with limits of their own. Says first how much was dropped of what the
    /// instance printed outside a request (while it started).
    pub(crate) fn begin_call(&self) {
        let mut pending = self.lock();
        pending.end_period();
        pending.in_call = true;
    }

    /// Writes what is left of each stream's line, says how much of the request's output was
    /// dropped, then forgets the request.
    pub(crate) fn end_call(&self) {
        let mut pending = self.lock();
        pending.write_rest(Stream::Stdout);
        pending.write_rest(Stream::Stderr);
        pending.end_period();
        pending.in_call = false;
    }

    /// A line from the SDK's logger, at the guest's level, with its own keys: filtered by the
    /// host's log level like the host's own lines, and within the request's limits like the
    /// guest's output. `location` is where the guest logged it (`src/lib.rs:14`); empty, the
    /// component's name.
    pub(crate) fn log(
        &self,
        level: Level,
        location: &str,
        message: Message<'_>,
        keys: &Map<String, Value>,
    ) {
        if !crate::log::enabled(level) {
            return;
        }
        let mut pending = self.lock();
        let pending = &mut *pending;
        let guest_bytes = match &message {
            Message::Text(text) => text.len(),
            Message::Json(value) => value.to_string().len(),
        };
        if pending.used.cut {
            pending.used.drop_line(guest_bytes);
            return;
        }
        let component = pending.component.clone();
        let line = crate::log::format_record(&Record {
            level,
            location: if location.is_empty() {
                &component
            } else {
                location
            },
            message,
            keys,
        });
        pending.write(&line, guest_bytes);
    }

    /// The component's name.
    pub(crate) fn component(&self) -> Arc<str> {
        self.lock().component.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Pending {
    fn buffer(&mut self, stream: Stream) -> &mut Vec<u8> {
        match stream {
            Stream::Stdout => &mut self.stdout,
            Stream::Stderr => &mut self.stderr,
        }
    }

    /// Adds `bytes` and writes every line they complete. Once the output is cut, the bytes
    /// are only counted.
    fn push(&mut self, stream: Stream, bytes: &[u8]) {
        if self.used.cut {
            self.used.drop_text(bytes);
            return;
        }
        let mut text = std::mem::take(self.buffer(stream));
        text.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(end) = memchr::memchr(b'\n', &text[start..]) {
            self.write_line(stream, &text[start..start + end]);
            start += end + 1;
            if self.used.cut {
                break;
            }
        }
        while !self.used.cut && text.len() - start > MAX_LINE {
            let end = start + char_boundary_before(&text[start..], MAX_LINE);
            self.write_line(stream, &text[start..end]);
            start = end;
        }
        if self.used.cut {
            // What followed the line that did not fit is not written either.
            self.used.drop_text(&text[start..]);
            text.clear();
        } else {
            text.drain(..start);
        }
        *self.buffer(stream) = text;
    }

    fn write_rest(&mut self, stream: Stream) {
        let rest = std::mem::take(self.buffer(stream));
        self.write_line(stream, &rest);
    }

    fn write_line(&mut self, stream: Stream, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Blank lines (Rust's panic message starts with one) say nothing in a log.
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if self.used.cut {
            self.used.drop_line(line.len());
            return;
        }
        let keys = Map::from_iter([
            ("component".to_string(), Value::from(&*self.component)),
            ("stream".to_string(), Value::from(stream.name())),
        ]);
        let text = crate::log::format_record(&Record {
            level: stream.level(),
            location: stream.name(),
            message: Message::Text(&String::from_utf8_lossy(line)),
            keys: &keys,
        });
        self.write(&text, line.len());
    }

    /// Writes a formatted log line of `guest_bytes` of guest text, if it fits.
    fn write(&mut self, line: &str, guest_bytes: usize) {
        if self.used.admit(line.len(), self.limits) {
            crate::log::write_formatted(line);
        } else {
            self.used.drop_line(guest_bytes);
        }
    }

    /// Ends a request (or the time before the first): one line says how much was dropped, if
    /// anything was, and the next one starts with its limits whole.
    fn end_period(&mut self) {
        let mut used = std::mem::take(&mut self.used);
        if used.dropped_partial {
            used.dropped_lines += 1;
        }
        if !used.cut {
            return;
        }
        let during = match self.in_call {
            true => "in one request",
            false => "outside a request",
        };
        let notice = || {
            crate::log::always(
                Level::Warn,
                &format!(
                    "component `{}` output was cut at its log limit ({} bytes or {} lines of log {during}): {} bytes in {} lines dropped",
                    self.component,
                    self.limits.bytes,
                    self.limits.lines,
                    used.dropped_bytes,
                    used.dropped_lines
                ),
                &[("component", &self.component)],
            );
        };
        // What an instance printed while it started is not the invocation's that follows.
        match self.in_call {
            true => notice(),
            false => crate::log::invocation::outside(notice),
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.write_rest(Stream::Stdout);
        self.write_rest(Stream::Stderr);
        self.end_period();
    }
}

/// Where to cut `text` at most `limit` bytes in without splitting a UTF-8 character (at
/// `limit` when it holds no character boundary near there, as text that is not UTF-8 may).
fn char_boundary_before(text: &[u8], limit: usize) -> usize {
    (limit.saturating_sub(3)..=limit)
        .rev()
        .find(|&at| text.get(at).is_none_or(|&byte| (byte as i8) >= -0x40))
        .unwrap_or(limit)
}

/// One of an instance's output streams, as WASI hands it to the guest.
#[derive(Debug, Clone)]
pub(crate) struct GuestStream {
    output: GuestOutput,
    stream: Stream,
}

impl IsTerminal for GuestStream {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestStream {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for GuestStream {
    /// Never fails, past the limits too: Rust's `println!` panics when its write fails, and
    /// a guest that prints too much is cut short in the log, not trapped.
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.output.lock().push(self.stream, &bytes);
        Ok(())
    }

    /// Nothing to do: a line is written when it is complete or the call ends (WASI's
    /// blocking write flushes after every piece of a line).
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(MAX_LINE)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestStream {
    async fn ready(&mut self) {}
}

impl AsyncWrite for GuestStream {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.output.lock().push(self.stream, buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_between_characters() {
        let text = "é".repeat(10);
        let bytes = text.as_bytes();
        for limit in 1..bytes.len() {
            let at = char_boundary_before(bytes, limit);
            assert!(at <= limit && text.is_char_boundary(at), "{limit} → {at}");
            assert!(limit - at <= 1, "{limit} → {at}");
        }
        // Bytes that are no text are cut where asked.
        assert_eq!(char_boundary_before(&[0x80; 10], 6), 6);
    }

    #[test]
    fn a_request_writes_lines_until_either_limit_then_only_counts() {
        let limits = OutputLimits {
            bytes: 100,
            lines: 3,
        };
        // By lines: the fourth line is cut, whatever its size.
        let mut used = Usage::default();
        assert!((0..3).all(|_| used.admit(10, limits)));
        assert!(!used.admit(1, limits));
        assert!(used.cut && used.lines == 3 && used.bytes == 30);
        // By bytes: a line that does not fit cuts the output, and a smaller one after it
        // is cut too.
        let mut used = Usage::default();
        assert!(used.admit(60, limits));
        assert!(!used.admit(41, limits));
        assert!(!used.admit(1, limits));
        assert_eq!((used.lines, used.bytes), (1, 60));
    }

    #[test]
    fn dropped_text_is_counted_in_bytes_and_lines() {
        let mut used = Usage::default();
        used.drop_text(b"ab\ncd\nef");
        used.drop_text(b"gh");
        used.drop_text(b"\n");
        assert_eq!((used.dropped_bytes, used.dropped_lines), (11, 3));
        assert!(!used.dropped_partial);
        used.drop_text(b"unfinished");
        assert!(used.dropped_partial);
    }
}
