//! A guest's stdout and stderr as log lines. Each line a component prints (a `println!`, a
//! panic's message) becomes one line of the host's log, naming the component and the stream,
//! so the log stays one format (JSON in Lambda, for CloudWatch's queries) and a panic's
//! `file:line` sits beside the trap it caused. Written whatever the log level: what a guest
//! prints is its own, not the host's to filter.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// Text longer than this without a newline is written as a line of its own.
const MAX_LINE: usize = 16 * 1024;

/// One of a component's output streams.
#[derive(Debug, Clone)]
pub(crate) struct GuestOutput {
    component: Arc<str>,
    stream: &'static str,
}

impl GuestOutput {
    pub(crate) fn stdout(component: &Arc<str>) -> Self {
        Self {
            component: component.clone(),
            stream: "stdout",
        }
    }

    pub(crate) fn stderr(component: &Arc<str>) -> Self {
        Self {
            component: component.clone(),
            stream: "stderr",
        }
    }

    fn lines(&self) -> Lines {
        Lines {
            output: self.clone(),
            pending: Vec::new(),
        }
    }
}

impl IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.lines())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.lines())
    }
}

/// A stream's text not yet written: the start of a line.
struct Lines {
    output: GuestOutput,
    pending: Vec<u8>,
}

impl Lines {
    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(end) = memchr::memchr(b'\n', &self.pending[start..]) {
            self.write_line(start, start + end);
            start += end + 1;
        }
        self.pending.drain(..start);
        while self.pending.len() > MAX_LINE {
            self.write_line(0, MAX_LINE);
            self.pending.drain(..MAX_LINE);
        }
    }

    /// Writes what is pending, a line or not.
    fn flush_pending(&mut self) {
        if !self.pending.is_empty() {
            self.write_line(0, self.pending.len());
            self.pending.clear();
        }
    }

    fn write_line(&self, start: usize, end: usize) {
        let line = &self.pending[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Blank lines (Rust's panic message starts with one) say nothing in a log.
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        crate::log::guest_output(
            self.output.stream,
            &String::from_utf8_lossy(line),
            &self.output.component,
        );
    }
}

impl Drop for Lines {
    fn drop(&mut self) {
        self.flush_pending();
    }
}

impl OutputStream for Lines {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        self.flush_pending();
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(MAX_LINE)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Lines {
    async fn ready(&mut self) {}
}

impl AsyncWrite for Lines {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flush_pending();
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
