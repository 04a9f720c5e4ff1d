//! A guest's stdout and stderr as log lines. Each line a component prints (a `println!`, a
//! panic's message) becomes one line of the host's log, naming the component, the stream and
//! the request, so the log stays one format (JSON in Lambda, for CloudWatch's queries) and a
//! panic's `file:line` sits beside the trap it caused.
//!
//! A guest writes a line in pieces (Rust's stderr is unbuffered, so `eprintln!("{a}: {b}")`
//! is four writes) and WASI's blocking write flushes after each, so text is held until its
//! newline, not until a flush. What is left of a line when a call ends is written then,
//! before the host logs the call's outcome: text never waits in an idle instance for the next
//! request.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

use crate::log::Level;

/// Text longer than this without a newline is written as a line of its own.
const MAX_LINE: usize = 16 * 1024;

/// One instance's two output streams.
#[derive(Debug, Clone)]
pub(crate) struct GuestOutput {
    shared: Arc<Mutex<Pending>>,
}

/// The text of each stream not yet written (the start of a line), and who is writing it.
#[derive(Debug)]
struct Pending {
    component: Arc<str>,
    request_id: String,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
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
    pub(crate) fn new(component: &Arc<str>) -> Self {
        let pending = Pending {
            component: component.clone(),
            request_id: String::new(),
            stdout: Vec::new(),
            stderr: Vec::new(),
        };
        Self {
            shared: Arc::new(Mutex::new(pending)),
        }
    }

    /// The stream to hand the guest's WASI context.
    pub(crate) fn stream(&self, stream: Stream) -> GuestStream {
        GuestStream {
            output: self.clone(),
            stream,
        }
    }

    /// Lines from now on belong to `request_id`.
    pub(crate) fn begin_call(&self, request_id: &str) {
        let mut pending = self.lock();
        pending.request_id.clear();
        pending.request_id.push_str(request_id);
    }

    /// Writes what is left of each stream's line, then forgets the request.
    pub(crate) fn end_call(&self) {
        let mut pending = self.lock();
        pending.write_rest(Stream::Stdout);
        pending.write_rest(Stream::Stderr);
        pending.request_id.clear();
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

    /// Adds `bytes` and writes every line they complete.
    fn push(&mut self, stream: Stream, bytes: &[u8]) {
        let mut text = std::mem::take(self.buffer(stream));
        text.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(end) = memchr::memchr(b'\n', &text[start..]) {
            self.write_line(stream, &text[start..start + end]);
            start += end + 1;
        }
        while text.len() - start > MAX_LINE {
            let end = start + char_boundary_before(&text[start..], MAX_LINE);
            self.write_line(stream, &text[start..end]);
            start = end;
        }
        text.drain(..start);
        *self.buffer(stream) = text;
    }

    fn write_rest(&mut self, stream: Stream) {
        let rest = std::mem::take(self.buffer(stream));
        self.write_line(stream, &rest);
    }

    fn write_line(&self, stream: Stream, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Blank lines (Rust's panic message starts with one) say nothing in a log.
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        crate::log::always(
            stream.level(),
            &String::from_utf8_lossy(line),
            &[
                ("component", &self.component),
                ("stream", stream.name()),
                ("request_id", &self.request_id),
            ],
        );
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.write_rest(Stream::Stdout);
        self.write_rest(Stream::Stderr);
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
}
