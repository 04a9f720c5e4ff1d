//! The local dev server: each HTTP request becomes a Lambda event of the configured source,
//! goes through the same [`Pipeline`] as in Lambda, and its Lambda response goes back as HTTP.
//!
//! - `lambda_to_http`: the Lambda response as that front door would send it;
//! - `watch`: hot swap of a changed bundle.
//!
//! The pipeline is synchronous (wasmtime calls block), so each request runs it on tokio's
//! blocking pool; the runtime keeps one warm instance per concurrent call, so concurrent
//! requests run in parallel. Ctrl-C or SIGTERM stops accepting, lets every in-flight request
//! finish, and returns; a second signal stops at once.

mod lambda_to_http;
mod watch;

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::Context as _;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;

use serde_json::Value;

use crate::bundle::Bundle;
use crate::event::from_http::{self, HttpRequest};
use crate::invocation::InvocationContext;
use crate::log::Level;
use crate::pipeline::{InvocationError, Pipeline, malformed_event_response};
use crate::request::EventSource;
use watch::{LivePipeline, Snapshot};

/// The largest request body accepted: Lambda's synchronous invocation payload limit (6 MB).
const MAX_BODY: usize = 6 * 1024 * 1024;

/// What `switchyard serve` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// The port on 127.0.0.1; 0 takes any free port.
    pub port: u16,
    /// The event source requests are turned into.
    pub source: EventSource,
    /// Hot-swap the bundle when its files change.
    pub watch: bool,
    /// The X-Ray daemon (`host:port`) each request's subsegments also go to; either way,
    /// each request's stages are logged.
    pub xray_daemon: Option<String>,
}

type HttpResponse = hyper::Response<Full<Bytes>>;

/// Shared by every connection.
struct Server {
    live: Arc<LivePipeline>,
    source: EventSource,
    port: u16,
}

/// Loads the bundle, binds the port, prints `Serving on http://127.0.0.1:PORT/` on stdout,
/// and serves until Ctrl-C or SIGTERM.
pub(crate) fn serve(options: ServeOptions) -> anyhow::Result<()> {
    DevServer::bind(options)?.run()
}

/// A dev server bound to its port, with its bundle loaded, not yet serving.
pub(crate) struct DevServer {
    options: ServeOptions,
    listener: std::net::TcpListener,
    live: Arc<LivePipeline>,
    /// The bundle's files as they were when it was loaded, for `--watch`.
    snapshot: Snapshot,
}

impl DevServer {
    /// Loads the bundle and binds the port.
    pub(crate) fn bind(options: ServeOptions) -> anyhow::Result<Self> {
        crate::trace::serve_locally(options.xray_daemon.as_deref());
        // Taken before loading, so a change made while loading is noticed.
        let snapshot = Snapshot::take(&options.bundle);
        let pipeline = load(&options.bundle, options.source)?;
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", options.port))?;
        listener.set_nonblocking(true)?;
        Ok(Self {
            options,
            listener,
            live: Arc::new(LivePipeline::new(pipeline)),
            snapshot,
        })
    }

    /// What swaps a rebuilt bundle in, from another thread.
    pub(crate) fn swapper(&self) -> Swapper {
        Swapper {
            dir: self.options.bundle.clone(),
            source: self.options.source,
            live: self.live.clone(),
        }
    }

    /// Prints `Serving on http://127.0.0.1:PORT/` on stdout and serves until Ctrl-C or
    /// SIGTERM.
    pub(crate) fn run(self) -> anyhow::Result<()> {
        let Self {
            options,
            listener,
            live,
            snapshot,
        } = self;
        let port = listener.local_addr()?.port();
        if options.watch {
            watch::spawn(
                options.bundle.clone(),
                options.source,
                live.clone(),
                snapshot,
            )
            .context("cannot start the bundle watcher")?;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let server = Arc::new(Server {
            live,
            source: options.source,
            port,
        });
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let signals = Signals::new().context("cannot listen for Ctrl-C and SIGTERM")?;
            announce(&options, port);
            accept_loop(listener, server, signals).await
        })
    }
}

/// Puts a rebuilt bundle in service the moment its builder is done (`switchyard watch`), with
/// no polling in between: the next request after [`Swapper::swap`] returns gets it.
#[derive(Clone)]
pub(crate) struct Swapper {
    dir: PathBuf,
    source: EventSource,
    live: Arc<LivePipeline>,
}

impl Swapper {
    /// Loads the bundle again and swaps it in; returns its version number. On an error the
    /// previous version stays in service.
    pub(crate) fn swap(&self) -> anyhow::Result<u64> {
        let pipeline = load(&self.dir, self.source)?;
        Ok(self.live.replace(pipeline))
    }
}

/// Opens and loads the bundle, with the dev server's source forced so the events it builds
/// are decoded as what they are. A manifest naming another source is an error.
fn load(dir: &Path, source: EventSource) -> anyhow::Result<Pipeline> {
    let mut bundle = Bundle::open(dir)?;
    if let Some(own) = bundle.manifest.source.filter(|own| *own != source) {
        anyhow::bail!(
            "bundle `{}` sets `\"source\": \"{own}\"` but the dev server makes `{source}` events; \
             pass `--source {own}` or drop the setting",
            dir.display()
        );
    }
    bundle.manifest.source = Some(source);
    bundle.load()
}

/// The one stdout line tests and scripts read, then a log line with the details.
fn announce(options: &ServeOptions, port: u16) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Serving on http://127.0.0.1:{port}/");
    let _ = stdout.flush();
    crate::log::info(&format!(
        "serving bundle `{}` as {} events{}; Ctrl-C stops",
        options.bundle.display(),
        options.source,
        if options.watch {
            ", swapping it in again when it changes"
        } else {
            ""
        }
    ));
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    server: Arc<Server>,
    mut signals: Signals,
) -> anyhow::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        crate::log::warn(&format!("cannot accept a connection: {err}"));
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let server = server.clone();
                let service = hyper::service::service_fn(move |request| {
                    handle_request(server.clone(), request, peer)
                });
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    if let Err(err) = connection.await {
                        crate::log::emit(Level::Debug, &format!("connection from {peer} ended: {err}"), &[]);
                    }
                });
            }
            () = signals.recv() => break,
        }
    }
    drop(listener);
    crate::log::info(&format!(
        "shutting down: finishing requests on {} open connection(s)",
        graceful.count()
    ));
    tokio::select! {
        () = graceful.shutdown() => crate::log::info("every request answered; bye"),
        () = signals.recv() => crate::log::warn("second signal: stopping without waiting"),
    }
    Ok(())
}

/// Ctrl-C and SIGTERM. The handlers are installed when this is made, before the `Serving on`
/// line: a signal sent right after that line must stop the server, not kill the process.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The next signal.
    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// One request: answered, then logged.
async fn handle_request(
    server: Arc<Server>,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> Result<HttpResponse, Infallible> {
    let started = Instant::now();
    let request_id = crate::invocation::new_request_id();
    let method = request.method().to_string();
    let target = request
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |pq| pq.to_string());
    crate::log::emit(
        Level::Debug,
        &format!("{method} {target} started"),
        &[("request_id", &request_id)],
    );
    let response = answer(&server, request, peer, &request_id).await;
    let status = response.status().as_u16();
    // The pipeline logs each request with its route; this is the HTTP side, for debugging.
    crate::log::emit(
        Level::Debug,
        &format!("{method} {target} {status}"),
        &[
            ("request_id", &request_id),
            ("method", &method),
            ("path", &target),
            ("status", &status.to_string()),
            (
                "latency_ms",
                &format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
            ),
        ],
    );
    Ok(response)
}

async fn answer(
    server: &Server,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    request_id: &str,
) -> HttpResponse {
    let received = SystemTime::now();
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err)
            if err
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            return lambda_to_http::error_response(
                413,
                "Request Entity Too Large: Lambda accepts at most 6 MB",
            );
        }
        Err(err) => {
            return lambda_to_http::error_response(
                400,
                &format!("cannot read the request body: {err}"),
            );
        }
    };
    let http_request = HttpRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        peer: peer.ip(),
        port: server.port,
        request_id: request_id.to_string(),
        received,
    };
    let event = from_http::build(server.source, &http_request);
    let event = serde_json::to_vec(&event).unwrap_or_default();
    let pipeline = server.live.current();
    let context = InvocationContext {
        request_id: request_id.to_string(),
        ..InvocationContext::local()
    };
    let lambda_response = tokio::task::spawn_blocking(move || {
        match pipeline.handle_invocation(&event, &context) {
            Ok(response) => Value::from(response),
            Err(InvocationError::Malformed(err)) => malformed_event_response(&err),
            // The bundle fails invocations on unhandled errors: API Gateway's answer to a
            // failed invocation.
            Err(InvocationError::Unhandled { .. }) => serde_json::json!({
                "statusCode": 502,
                "headers": {"Content-Type": "application/json"},
                "body": r#"{"message":"Internal server error"}"#,
            }),
        }
    })
    .await;
    let lambda_response = match lambda_response {
        Ok(response) => response,
        Err(err) => {
            crate::log::error(&format!("the pipeline failed: {err}"));
            return lambda_to_http::error_response(500, "Internal Server Error");
        }
    };
    lambda_to_http::to_http(&lambda_response, server.source).unwrap_or_else(|err| {
        crate::log::error(&format!("{err}: {lambda_response}"));
        // What API Gateway answers for a malformed Lambda proxy response.
        lambda_to_http::error_response(502, "Internal server error")
    })
}
