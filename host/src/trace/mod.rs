//! AWS X-Ray subsegments, as Powertools' Tracer sends them under
//! `@tracer.capture_lambda_handler` and `@tracer.capture_method`: one for the invocation
//! (`## lambda_handler`, annotations `ColdStart` and `Service`, the response as metadata),
//! and one inside it for each stage the host runs (request validation, the route's
//! handler), each sent to the X-Ray daemon over UDP when it ends, as the X-Ray SDK streams
//! them. A fault (an unhandled error, a failing guest) sets `fault` and its `cause`.
//!
//! Tracing is on inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), for invocations Lambda
//! samples (`Sampled=1` in the invocation's trace header), unless `POWERTOOLS_TRACE_DISABLED`
//! says otherwise; an unsampled invocation sends nothing and costs one header parse. Under
//! `switchyard serve` ([`serve_locally`]) every request is traced with a trace of its own: its
//! subsegments are logged as a tree of stage times when it ends, and sent to a local daemon
//! when one is named.
//!
//! Contents: `Settings` (read from the environment, or set by [`serve_locally`]) and
//! `TraceHeader`; the invocation's trace on its thread ([`enter`], [`Scope::finish`],
//! `stage_tree`); the host's stages ([`span`]) and a guest's ([`guest_span_begin`],
//! [`guest_span_end`], [`annotate`], [`put_metadata`]); outbound calls ([`remote_call`]);
//! the documents (`document`, `send`); then tests.
//!
//! X-Ray's segment documents are written by hand: the `opentelemetry` crates have no X-Ray
//! exporter (teams on X-Ray run the ADOT collector), and a document is a dozen fields of
//! JSON in one datagram.

use std::cell::RefCell;
use std::net::UdpSocket;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::invocation::InvocationContext;

/// The most subsegments open at once in an invocation, and the most an invocation sends: a
/// guest's spans cannot flood the daemon.
const MAX_OPEN: usize = 64;
const MAX_SENT: usize = 1000;

/// The most response JSON captured as the invocation's metadata: a subsegment document
/// travels in one UDP datagram (64 KiB at most).
const MAX_RESPONSE_METADATA: usize = 32 * 1024;

/// Powertools' variables and the daemon's address, read once.
#[derive(Debug, Clone)]
struct Settings {
    /// Where the daemon listens (`AWS_XRAY_DAEMON_ADDRESS`, its UDP address).
    daemon: String,
    enabled: bool,
    capture_response: bool,
    capture_error: bool,
    /// Documents go to the daemon: in Lambda, and under `serve` when it names one.
    send: bool,
    /// Every request is traced, in a trace of its own when it comes with none, and its
    /// stages are logged when it ends (`switchyard serve`).
    local: bool,
}

impl Settings {
    /// The settings in Lambda, from its variables and Powertools'.
    fn read(var: impl Fn(&str) -> Option<String>) -> Self {
        Self::read_for(var, false)
    }

    /// The settings in Lambda, or, when `local` (`serve`), tracing every request.
    fn read_for(var: impl Fn(&str) -> Option<String>, local: bool) -> Self {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let switch =
            |name: &str, default: bool| set(name).map_or(default, |v| crate::log::truthy(&v));
        Self {
            daemon: set("AWS_XRAY_DAEMON_ADDRESS")
                .map(|address| udp_address(&address))
                .unwrap_or_else(|| "127.0.0.1:2000".into()),
            enabled: (local || set("AWS_LAMBDA_FUNCTION_NAME").is_some())
                && !switch("POWERTOOLS_TRACE_DISABLED", false),
            capture_response: switch("POWERTOOLS_TRACER_CAPTURE_RESPONSE", true),
            capture_error: switch("POWERTOOLS_TRACER_CAPTURE_ERROR", true),
            send: !local,
            local,
        }
    }
}

/// Traces every request of this process as `switchyard serve` shows them: each one's stages
/// and their times logged when it ends, and its documents sent to the X-Ray daemon at
/// `daemon` (`host:port`) when one is named. Call it before the first request.
pub(crate) fn serve_locally(daemon: Option<&str>) {
    let mut settings = Settings::read_for(|name| std::env::var(name).ok(), true);
    if let Some(daemon) = daemon {
        settings.daemon = udp_address(daemon);
        settings.send = true;
    }
    let _ = SETTINGS.set(settings);
}

/// The UDP address of `AWS_XRAY_DAEMON_ADDRESS`, which is `host:port` or
/// `tcp:host:port udp:host:port`.
fn udp_address(address: &str) -> String {
    address
        .split_whitespace()
        .find_map(|part| part.strip_prefix("udp:"))
        .unwrap_or(address)
        .to_string()
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| Settings::read(|name| std::env::var(name).ok()))
}

/// The parts of an X-Ray trace header (`Root=1-..;Parent=..;Sampled=1`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct TraceHeader {
    root: String,
    parent: Option<String>,
    sampled: bool,
}

impl TraceHeader {
    /// A sampled trace of its own, for a request that came with none (`serve`): the root
    /// is the time in seconds and 96 random bits, as X-Ray writes trace ids.
    fn new_trace() -> TraceHeader {
        let seconds = now() as u64;
        let random = crate::invocation::random_u64();
        let more = crate::invocation::random_u64() as u32;
        TraceHeader {
            root: format!("1-{seconds:08x}-{more:08x}{random:016x}"),
            parent: None,
            sampled: true,
        }
    }

    fn parse(header: &str) -> Option<TraceHeader> {
        let mut root = None;
        let mut parent = None;
        let mut sampled = false;
        for part in header.split(';') {
            match part.trim().split_once('=') {
                Some(("Root", value)) => root = Some(value.to_string()),
                Some(("Parent", value)) => parent = Some(value.to_string()),
                Some(("Sampled", value)) => sampled = value == "1",
                _ => {}
            }
        }
        Some(TraceHeader {
            root: root.filter(|r| !r.is_empty())?,
            parent,
            sampled,
        })
    }
}

/// A subsegment being recorded.
#[derive(Debug)]
struct Open {
    id: String,
    name: String,
    start: f64,
    parent_id: Option<String>,
    annotations: Map<String, Value>,
    metadata: Map<String, Value>,
    /// A guest opened it: only a guest may end it, and a guest ends no other.
    guest: bool,
}

/// The invocation's trace on this thread: its root, the subsegments open in it, and how
/// many it sent.
#[derive(Debug)]
struct Tracing {
    root: String,
    open: Vec<Open>,
    sent: usize,
    /// The subsegments that ended, for the log of stages (`serve`).
    ended: Vec<Stage>,
}

/// An ended subsegment as the log of stages shows it.
#[derive(Debug, Clone, PartialEq)]
struct Stage {
    /// How many subsegments it lay in.
    depth: usize,
    name: String,
    start: f64,
    end: f64,
    fault: bool,
}

impl Stage {
    /// The stage `document` records, at `depth`.
    fn of(depth: usize, document: &Value) -> Self {
        Self {
            depth,
            name: document["name"].as_str().unwrap_or_default().to_string(),
            start: document["start_time"].as_f64().unwrap_or_default(),
            end: document["end_time"].as_f64().unwrap_or_default(),
            fault: document.get("fault").is_some(),
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Tracing>> = const { RefCell::new(None) };
}

/// What ended a subsegment with an error: the error's type and message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failure<'a> {
    pub(crate) error_type: &'a str,
    pub(crate) message: &'a str,
}

/// An invocation's trace on this thread.
#[must_use = "the invocation's subsegment is sent by `finish`"]
pub(crate) struct Scope {
    previous: Option<Tracing>,
}

/// Starts the invocation's subsegment when the invocation is traced.
pub(crate) fn enter(context: &InvocationContext, cold_start: bool) -> Scope {
    let tracing = start(context, cold_start, settings());
    let previous = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), tracing));
    Scope { previous }
}

/// The invocation's trace, when `settings` trace and Lambda sampled it.
fn start(context: &InvocationContext, cold_start: bool, settings: &Settings) -> Option<Tracing> {
    if !settings.enabled {
        return None;
    }
    context
        .xray_trace_id
        .as_deref()
        .and_then(TraceHeader::parse)
        .or_else(|| settings.local.then(TraceHeader::new_trace))
        .filter(|header| header.sampled)
        .map(|header| Tracing {
            root: header.root,
            sent: 0,
            ended: Vec::new(),
            open: vec![Open {
                id: new_id(),
                name: "## lambda_handler".into(),
                start: now(),
                parent_id: header.parent,
                annotations: Map::from_iter([
                    ("ColdStart".to_string(), Value::Bool(cold_start)),
                    (
                        "Service".to_string(),
                        crate::log::settings().service().into(),
                    ),
                ]),
                metadata: Map::new(),
                guest: false,
            }],
        })
}

impl Scope {
    /// Ends the invocation's subsegment with its response (or its fault) and sends it. A
    /// response past [`MAX_RESPONSE_METADATA`] of JSON is left out: the document must fit a
    /// datagram.
    pub(crate) fn finish(self, response: impl FnOnce() -> Value, failure: Option<Failure<'_>>) {
        let captured =
            active() && settings().send && settings().capture_response && failure.is_none();
        let response = captured
            .then(response)
            .filter(|response| response.to_string().len() <= MAX_RESPONSE_METADATA);
        CURRENT.with(|c| {
            if let Some(tracing) = c.borrow_mut().as_mut() {
                if let Some(response) = response {
                    metadata(tracing, "lambda_handler response", response);
                }
                close_all(tracing, failure);
                if settings().local {
                    let tree = stage_tree(&tracing.ended);
                    crate::log::emit(crate::log::Level::Info, "stages", &[("stages", &tree)]);
                }
            }
        });
    }
}

/// The ended subsegments as a tree of stage times, one per line in the order they began:
/// `## lambda_handler 1.84 ms`, each inside another indented under it, a fault marked.
fn stage_tree(ended: &[Stage]) -> String {
    let mut stages: Vec<&Stage> = ended.iter().collect();
    stages.sort_by(|a, b| a.start.total_cmp(&b.start));
    let lines: Vec<String> = stages
        .iter()
        .map(|stage| {
            format!(
                "{}{} {:.2} ms{}",
                "  ".repeat(stage.depth),
                stage.name,
                (stage.end - stage.start) * 1000.0,
                if stage.fault { " (fault)" } else { "" }
            )
        })
        .collect();
    lines.join("\n")
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// A stage's subsegment, open until [`Span::end`].
#[must_use = "a span is sent when it ends"]
pub(crate) struct Span {
    /// Where its subsegment lies in the open ones, when it was recorded.
    depth: Option<usize>,
}

/// Opens a subsegment named `name` (`## validation`) inside the innermost open one. Past
/// [`MAX_OPEN`] open ones (a guest that opens and never closes), it is not recorded.
pub(crate) fn span(name: &str) -> Span {
    Span {
        depth: open(name, false),
    }
}

/// Whether the invocation on this thread is traced.
pub(crate) fn active() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// Opens a guest's subsegment; [`guest_span_end`] ends it, or the invocation's end does.
pub(crate) fn guest_span_begin(name: &str) {
    open(name, true);
}

/// Ends the innermost open subsegment if a guest opened it.
pub(crate) fn guest_span_end(failure: Option<Failure<'_>>) {
    CURRENT.with(|c| {
        if let Some(tracing) = c.borrow_mut().as_mut()
            && tracing.open.last().is_some_and(|open| open.guest)
            && let Some(open) = tracing.open.pop()
        {
            let document = document(&tracing.root, open, failure);
            send_counted(tracing, &document);
        }
    });
}

/// Opens a subsegment inside the innermost open one: where it lies among the open ones, or
/// `None` when the invocation is not traced or too many are open.
fn open(name: &str, guest: bool) -> Option<usize> {
    CURRENT.with(|c| {
        let mut current = c.borrow_mut();
        let tracing = current.as_mut()?;
        if tracing.open.len() >= MAX_OPEN {
            return None;
        }
        let parent_id = tracing.open.last().map(|open| open.id.clone());
        tracing.open.push(Open {
            id: new_id(),
            name: name.to_string(),
            start: now(),
            parent_id,
            annotations: Map::new(),
            metadata: Map::new(),
            guest,
        });
        Some(tracing.open.len() - 1)
    })
}

impl Span {
    /// Ends the subsegment, with the failure that ended it if one did, and sends it; spans a
    /// guest opened inside it and left open end first.
    pub(crate) fn end(self, failure: Option<Failure<'_>>) {
        let Some(depth) = self.depth else {
            return;
        };
        CURRENT.with(|c| {
            let mut current = c.borrow_mut();
            let Some(tracing) = current.as_mut() else {
                return;
            };
            while tracing.open.len() > depth + 1
                && let Some(abandoned) = tracing.open.pop()
            {
                let document = document(&tracing.root, abandoned, None);
                send_counted(tracing, &document);
            }
            if depth > 0
                && tracing.open.len() == depth + 1
                && let Some(open) = tracing.open.pop()
            {
                let document = document(&tracing.root, open, failure);
                send_counted(tracing, &document);
            }
        });
    }
}

/// An outbound HTTP call's subsegment (`namespace: remote`), open from the moment the guest
/// sends the request until its response (or failure) arrives, which may be on another
/// thread: it holds what it needs to send itself.
#[derive(Debug)]
pub(crate) struct RemoteCall {
    root: String,
    open: Open,
    method: String,
    url: String,
}

/// Opens the subsegment of an outbound call inside the innermost open subsegment, when the
/// invocation is traced. `host` names it, as the X-Ray SDK names a patched client's calls.
pub(crate) fn remote_call(method: &str, url: &str, host: &str) -> Option<RemoteCall> {
    CURRENT.with(|c| {
        let current = c.borrow();
        let tracing = current.as_ref()?;
        Some(RemoteCall {
            root: tracing.root.clone(),
            open: Open {
                id: new_id(),
                name: host.to_string(),
                start: now(),
                parent_id: tracing.open.last().map(|open| open.id.clone()),
                annotations: Map::new(),
                metadata: Map::new(),
                guest: false,
            },
            method: method.to_string(),
            url: url.to_string(),
        })
    })
}

impl RemoteCall {
    /// The `X-Amzn-Trace-Id` the request carries downstream: the trace, with this call's
    /// subsegment as the parent of whatever the other side records.
    pub(crate) fn header(&self) -> String {
        format!("Root={};Parent={};Sampled=1", self.root, self.open.id)
    }

    /// Ends the call with the response's status, or the error that ended it, and sends it:
    /// a 4xx sets `error` (a 429 `throttle` too), a 5xx or a failure `fault`, as X-Ray reads
    /// them.
    pub(crate) fn end(self, outcome: Result<u16, String>) {
        let failure_text;
        let failure = match &outcome {
            Err(message) => {
                failure_text = message.clone();
                Some(Failure {
                    error_type: "HttpError",
                    message: &failure_text,
                })
            }
            Ok(_) => None,
        };
        let mut document = document(&self.root, self.open, failure);
        let mut http = json!({"request": {"method": self.method, "url": self.url}});
        if let Ok(status) = outcome {
            http["response"] = json!({"status": status});
            match status {
                429 => {
                    document["error"] = true.into();
                    document["throttle"] = true.into();
                }
                400..=499 => document["error"] = true.into(),
                500.. => document["fault"] = true.into(),
                _ => {}
            }
        }
        document["namespace"] = "remote".into();
        document["http"] = http;
        send(&document);
    }
}

/// Adds `value` under the service's metadata namespace of the innermost open subsegment, as
/// Powertools' `tracer.put_metadata` does.
fn metadata(tracing: &mut Tracing, key: &str, value: Value) {
    if let Some(open) = tracing.open.last_mut() {
        let namespace = open
            .metadata
            .entry(crate::log::settings().service())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(namespace) = namespace {
            namespace.insert(key.to_string(), value);
        }
    }
}

/// Ends every subsegment still open, innermost first, the invocation's last.
fn close_all(tracing: &mut Tracing, failure: Option<Failure<'_>>) {
    while let Some(open) = tracing.open.pop() {
        // Only the invocation's own subsegment carries the invocation's failure.
        let failure = failure.filter(|_| tracing.open.is_empty());
        let document = document(&tracing.root, open, failure);
        send_counted(tracing, &document);
    }
}

/// Sends a document of the invocation, within [`MAX_SENT`]; the invocation's own, sent last,
/// always goes.
fn send_counted(tracing: &mut Tracing, document: &Value) {
    if tracing.sent < MAX_SENT || tracing.open.is_empty() {
        tracing.sent += 1;
        if settings().local {
            tracing.ended.push(Stage::of(tracing.open.len(), document));
        }
        send(document);
    }
}

/// Why a guest's annotation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnnotationError(pub(crate) String);

/// `tracer.put_annotation` on the innermost open subsegment: X-Ray indexes a string, number
/// or boolean under a key of letters, digits and `_` (at most 500).
pub(crate) fn annotate(key: &str, value: Value) -> Result<(), AnnotationError> {
    let key_ok = !key.is_empty()
        && key.len() <= 500
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !key_ok {
        return Err(AnnotationError(format!(
            "annotation key `{key}` is not 1 to 500 letters, digits and `_`"
        )));
    }
    if !matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
        return Err(AnnotationError(format!(
            "annotation `{key}` is {value}: X-Ray annotates with a string, number or boolean"
        )));
    }
    CURRENT.with(|c| {
        if let Some(open) = c.borrow_mut().as_mut().and_then(|t| t.open.last_mut()) {
            open.annotations.insert(key.to_string(), value);
        }
    });
    Ok(())
}

/// `tracer.put_metadata` on the innermost open subsegment, under the service's namespace.
pub(crate) fn put_metadata(key: &str, value: Value) {
    CURRENT.with(|c| {
        if let Some(tracing) = c.borrow_mut().as_mut() {
            metadata(tracing, key, value);
        }
    });
}

/// A subsegment's document, ended now.
fn document(root: &str, open: Open, failure: Option<Failure<'_>>) -> Value {
    let mut document = Map::new();
    document.insert("id".into(), open.id.into());
    document.insert("name".into(), open.name.into());
    document.insert("start_time".into(), open.start.into());
    if let Some(parent) = open.parent_id {
        document.insert("parent_id".into(), parent.into());
    }
    document.insert("in_progress".into(), false.into());
    if !open.annotations.is_empty() {
        document.insert("annotations".into(), open.annotations.into());
    }
    if !open.metadata.is_empty() {
        document.insert("metadata".into(), open.metadata.into());
    }
    document.insert("trace_id".into(), root.into());
    document.insert("type".into(), "subsegment".into());
    document.insert("namespace".into(), "local".into());
    if let Some(failure) = failure {
        document.insert("fault".into(), true.into());
        if settings().capture_error {
            document.insert(
                "cause".into(),
                json!({"exceptions": [{
                    "id": new_id(),
                    "message": failure.message,
                    "type": failure.error_type,
                }]}),
            );
        }
    }
    document.insert("end_time".into(), now().into());
    Value::Object(document)
}

/// Sends a document to the daemon: the header line, then the document, in one datagram. A
/// daemon that is not there loses the document, as the X-Ray SDK's does.
fn send(document: &Value) {
    if !settings().send {
        return;
    }
    static SOCKET: OnceLock<Option<UdpSocket>> = OnceLock::new();
    let socket = SOCKET.get_or_init(|| UdpSocket::bind("0.0.0.0:0").ok());
    if let Some(socket) = socket {
        let datagram = format!("{{\"format\":\"json\",\"version\":1}}\n{document}");
        let _ = socket.send_to(datagram.as_bytes(), &settings().daemon);
    }
}

/// Seconds since the epoch, as X-Ray's times are.
fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A subsegment id: 16 hex digits, random.
fn new_id() -> String {
    format!("{:016x}", crate::invocation::random_u64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::variables;

    #[test]
    fn trace_headers_and_daemon_addresses_read_as_lambda_writes_them() {
        let header = TraceHeader::parse(
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        )
        .unwrap();
        assert_eq!(header.root, "1-5759e988-bd862e3fe1be46a994272793");
        assert_eq!(header.parent.as_deref(), Some("53995c3f42cd8ad8"));
        assert!(header.sampled);
        assert!(!TraceHeader::parse("Root=1-a;Sampled=0").unwrap().sampled);
        assert_eq!(TraceHeader::parse("Parent=1;Sampled=1"), None);
        assert_eq!(
            udp_address("tcp:127.0.0.1:2000 udp:127.0.0.2:2001"),
            "127.0.0.2:2001"
        );
        assert_eq!(udp_address("169.254.79.129:2000"), "169.254.79.129:2000");
    }

    #[test]
    fn tracing_is_on_in_lambda_unless_disabled() {
        let read = |vars: &[(&str, &str)]| Settings::read(variables(vars));
        assert!(!read(&[]).enabled, "outside Lambda");
        assert!(read(&[("AWS_LAMBDA_FUNCTION_NAME", "f")]).enabled);
        assert!(
            !read(&[
                ("AWS_LAMBDA_FUNCTION_NAME", "f"),
                ("POWERTOOLS_TRACE_DISABLED", "true")
            ])
            .enabled
        );
        let quiet = read(&[
            ("POWERTOOLS_TRACER_CAPTURE_RESPONSE", "false"),
            ("POWERTOOLS_TRACER_CAPTURE_ERROR", "0"),
        ]);
        assert!(!quiet.capture_response && !quiet.capture_error);
        assert_eq!(read(&[]).daemon, "127.0.0.1:2000");
    }

    #[test]
    fn only_a_sampled_invocation_in_lambda_is_traced() {
        let lambda =
            Settings::read(|name| (name == "AWS_LAMBDA_FUNCTION_NAME").then(|| "f".into()));
        let outside = Settings::read(|_| None);
        let with_header = |header: &str| InvocationContext {
            xray_trace_id: Some(header.into()),
            ..InvocationContext::local()
        };
        let sampled = with_header("Root=1-a-b;Parent=53995c3f42cd8ad8;Sampled=1");
        let tracing = start(&sampled, true, &lambda).expect("traced");
        assert_eq!(tracing.root, "1-a-b");
        let invocation = &tracing.open[0];
        assert_eq!(invocation.name, "## lambda_handler");
        assert_eq!(invocation.parent_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(invocation.annotations["ColdStart"], true);
        assert!(start(&with_header("Root=1-a-b;Sampled=0"), true, &lambda).is_none());
        assert!(start(&sampled, true, &outside).is_none());
        assert!(start(&InvocationContext::local(), true, &lambda).is_none());
    }

    #[test]
    fn serve_traces_every_request_in_a_trace_of_its_own_and_logs_its_stages() {
        let local = |vars: &[(&str, &str)]| Settings::read_for(variables(vars), true);
        let settings = local(&[]);
        assert!(settings.enabled && settings.local && !settings.send);
        let tracing = start(&InvocationContext::local(), false, &settings).expect("traced");
        assert!(
            tracing.root.starts_with("1-") && tracing.root.len() == 35,
            "{}",
            tracing.root
        );
        assert_eq!(tracing.open[0].parent_id, None);
        assert!(!local(&[("POWERTOOLS_TRACE_DISABLED", "1")]).enabled);
        let stage = |depth, name: &str, start, end, fault| Stage {
            depth,
            name: name.into(),
            start,
            end,
            fault,
        };
        let ended = [
            stage(1, "## typed", 2.0, 2.001, true),
            stage(0, "## lambda_handler", 1.0, 1.5, false),
        ];
        assert_eq!(
            stage_tree(&ended),
            "## lambda_handler 500.00 ms\n  ## typed 1.00 ms (fault)"
        );
    }

    #[test]
    fn ids_are_sixteen_hex_digits_and_differ() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert!(
            a.len() == 16 && a.bytes().all(|b| b.is_ascii_hexdigit()),
            "{a}"
        );
    }
}
