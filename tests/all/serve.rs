//! `switchyard serve`: real HTTP against the real binary on a free port, every event source,
//! a burst of concurrent requests, graceful shutdown, and hot swap under load.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{bundle_dir, switchyard_bin, workspace};

/// The longest any one wait may take before the test gives up. A safety net against a hung
/// server, never an assertion about speed.
const PATIENCE: Duration = Duration::from_secs(120);

/// `switchyard serve` (or `watch`) on port 0, killed on drop; its stderr is kept and printed
/// when a test fails.
pub(crate) struct SwitchyardServe {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl SwitchyardServe {
    fn start(bundle: &Path, args: &[&str]) -> Self {
        Self::start_with_env(bundle, args, &[])
    }

    pub(crate) fn start_with_env(bundle: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(switchyard_bin());
        command
            .args(["serve", "--port", "0", "--bundle"])
            .arg(bundle)
            .args(args);
        Self::spawn(command, env)
    }

    /// Runs `command` (a `switchyard` that prints `Serving on http://127.0.0.1:PORT/` first)
    /// with the default log settings but for `env`, and waits for that line.
    pub(crate) fn spawn(mut command: Command, env: &[(&str, &str)]) -> Self {
        let mut child = command
            .env_remove("SWITCHYARD_LOG_LEVEL")
            .env_remove("AWS_LAMBDA_LOG_LEVEL")
            .env_remove("POWERTOOLS_LOG_LEVEL")
            .env_remove("SWITCHYARD_LOG_FORMAT")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("switchyard runs");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let (first_line, line) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = first_line.send(lines.next());
            // Keep draining, so a stray print can never block the server.
            lines.for_each(drop);
        });
        let mut server = Self {
            child,
            port: 0,
            stderr,
        };
        let line = match line.recv_timeout(PATIENCE) {
            Ok(Some(Ok(line))) => line,
            other => panic!(
                "no `Serving on` line ({other:?}); stderr:\n{}",
                server.stderr()
            ),
        };
        server.port = line
            .strip_prefix("Serving on http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line `{line}`"));
        server
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The JSON log lines so far (with `SWITCHYARD_LOG_FORMAT=json`).
    pub(crate) fn json_lines(&self) -> Vec<Value> {
        self.stderr()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    pub(crate) fn get(&self, target: &str) -> HttpResponse {
        self.send("GET", target, &[], b"")
    }

    fn send(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResponse {
        http(self.port, method, target, headers, body)
            .unwrap_or_else(|e| panic!("{method} {target}: {e}; stderr:\n{}", self.stderr()))
    }

    /// Waits until the server's log has `needle`; false if it never comes.
    pub(crate) fn wait_for_log(&self, needle: &str) -> bool {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self.stderr().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Sends SIGTERM, as Ctrl-C or a process manager would.
    fn sigterm(&self) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
    }

    /// Waits for the process to exit.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SwitchyardServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("[switchyard serve] stderr:\n{}", self.stderr());
        }
    }
}

/// One HTTP/1.1 exchange on its own connection.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).first().copied()
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&addr, PATIENCE)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    Ok(stream)
}

fn request_head(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    length: usize,
) -> String {
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    head
}

fn http(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<HttpResponse> {
    let mut stream = connect(port)?;
    stream.write_all(request_head(port, method, target, headers, body.len()).as_bytes())?;
    stream.write_all(body)?;
    read_response(stream)
}

fn read_response(mut stream: TcpStream) -> std::io::Result<HttpResponse> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if let Some(len) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        if body.len() != len {
            return Err(bad("body shorter than Content-Length"));
        }
        body.truncate(len);
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// A copy of a built bundle in a fresh directory, removed on drop.
struct TempBundle(PathBuf);

impl TempBundle {
    fn copy_of(name: &str, test: &str) -> Self {
        let dir = workspace()
            .join("target/tmp")
            .join(format!("serve-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let bundle = Self(dir);
        copy_dir(&bundle_dir(name), &bundle.0);
        bundle
    }
}

/// Copies a bundle; its `.cwasm` files last, so none is older than its `.wasm` (the host
/// would compile the component instead).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    entries.sort_by_key(|e| e.path().extension().is_some_and(|x| x == "cwasm"));
    for entry in entries {
        let target = to.join(entry.file_name());
        match entry.file_type().unwrap().is_dir() {
            true => copy_dir(&entry.path(), &target),
            false => {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
}

impl Drop for TempBundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn todos_answers_real_http_like_the_lambda() {
    let server = SwitchyardServe::start(&bundle_dir("todos"), &[]);

    let list = server.get("/todos?limit=3");
    assert_eq!(list.status, 200, "{}", list.text());
    assert_eq!(list.header("content-type"), Some("application/json"));
    assert_eq!(list.json()["todos"].as_array().unwrap().len(), 3);

    let one = server.get("/todos/4");
    assert_eq!(one.json()["todo"]["id"], 4);

    let created = server.send(
        "POST",
        "/todos",
        &[("Content-Type", "application/json")],
        br#"{"title": "write the dev server"}"#,
    );
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["title"], "write the dev server");

    let missing = server.get("/todos/999");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json(),
        json!({"statusCode": 404, "message": "todo 999 not found"})
    );

    let no_route = server.send("DELETE", "/nothing/here", &[], b"");
    assert_eq!(no_route.status, 404, "{}", no_route.text());

    // What the README shows: `GET /` names the API, CORS as in its sample, no catch-all.
    let index = server.get("/");
    assert_eq!(index.status, 200, "{}", index.text());
    assert_eq!(index.json()["name"], "todos");
    for unknown in ["/swagger", "/nothing/here"] {
        let response = server.get(unknown);
        assert_eq!(response.status, 404, "{unknown}: {}", response.text());
    }
    let cross_origin = server.send(
        "GET",
        "/todos/2",
        &[("Origin", "https://www.example.com")],
        b"",
    );
    assert_eq!(
        cross_origin.header("access-control-allow-origin"),
        Some("https://www.example.com")
    );

    let crash = server.get("/panic");
    assert_eq!(crash.status, 500);
    assert_eq!(
        server.get("/todos/1").status,
        200,
        "the server outlives a trap"
    );

    assert!(
        server.wait_for_log(r#""message":"GET /todos 200","timestamp""#)
            && server.wait_for_log(r#""function_request_id""#)
            && server.wait_for_log(r#""route":"/todos/<todo_id>""#),
        "each request is logged with its route"
    );
}

#[test]
fn cookies_repeated_headers_gzip_and_binary_bodies_come_back_as_http() {
    let server = SwitchyardServe::start(&bundle_dir("conformance-todos"), &[]);

    let cookies = server.get("/cookies");
    assert_eq!(cookies.status, 200);
    assert_eq!(
        cookies.header_values("set-cookie"),
        [
            "session_id=12345; Secure",
            "theme=dark; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax"
        ]
    );
    assert_eq!(cookies.header_values("x-multi"), ["a", "b"]);
    assert_eq!(cookies.header("x-transaction-id"), Some("txn-123"));

    let query = server.get("/query?name=ann&category=red&category=blue");
    assert_eq!(
        query.json(),
        json!({"name": "ann", "category": ["red", "blue"]})
    );

    let headers = server.send(
        "GET",
        "/headers",
        &[("X-API-KEY", "k1"), ("User-Agent", "test/1")],
        b"",
    );
    assert_eq!(
        headers.json(),
        json!({"api_key": "k1", "user_agent": "test/1"})
    );

    let gzipped = server.send("GET", "/compressed", &[("Accept-Encoding", "gzip")], b"");
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(gzipped.body.as_slice())
        .read_to_string(&mut text)
        .expect("a gzip body");
    let items: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(items["items"].as_array().unwrap().len(), 100);

    let png = server.get("/pixel.png");
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"), "{:?}", png.body);

    let preflight = server.send(
        "OPTIONS",
        "/todos",
        &[
            ("Origin", "https://www.example.com"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204, "{}", preflight.text());
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://www.example.com")
    );
}

#[test]
fn every_event_source_serves_the_same_routes() {
    let sources = [
        "rest-v1",
        "http-v2",
        "alb",
        "alb-multi-value",
        "function-url",
        "lattice-v1",
        "lattice-v2",
    ];
    for source in sources {
        let server =
            SwitchyardServe::start(&bundle_dir("conformance-todos"), &["--source", source]);
        let todo = server.get("/todos/2");
        assert_eq!(todo.status, 200, "{source}: {}", todo.text());
        assert_eq!(todo.json()["todo"]["id"], 2, "{source}");
        let created = server.send("POST", "/todos", &[], br#"{"title": "x"}"#);
        assert_eq!(created.status, 201, "{source}: {}", created.text());
        assert_eq!(created.json()["todo"]["title"], "x", "{source}");
        let cookies = server.get("/cookies");
        // ALB without multi-value headers has room for one cookie only; VPC Lattice reads no
        // `cookies` field, where Powertools' shape (and so the host's) puts them.
        let want = match source {
            "alb" => 1,
            "lattice-v1" | "lattice-v2" => 0,
            _ => 2,
        };
        assert_eq!(cookies.header_values("set-cookie").len(), want, "{source}");
        // The manifest's name for it, as the server logs it.
        let logged = source.replace("alb-multi-value", "alb-multi");
        assert!(
            server.wait_for_log(&format!("as {logged} events")),
            "{source}"
        );
    }
}

#[test]
fn a_burst_of_concurrent_requests_is_all_answered() {
    let server = SwitchyardServe::start(&bundle_dir("todos"), &[]);
    let port = server.port;
    let workers: Vec<_> = (0..16)
        .map(|worker| {
            std::thread::spawn(move || {
                (0..8)
                    .map(|i| {
                        let id = 1 + (worker * 8 + i) % 20;
                        let response = http(port, "GET", &format!("/todos/{id}"), &[], b"")?;
                        Ok((id, response))
                    })
                    .collect::<std::io::Result<Vec<_>>>()
            })
        })
        .collect();
    let mut answered = 0;
    for worker in workers {
        for (id, response) in worker.join().unwrap().expect("every request is answered") {
            assert_eq!(response.status, 200, "{}", response.text());
            assert_eq!(response.json()["todo"]["id"], id);
            answered += 1;
        }
    }
    assert_eq!(answered, 128);
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let mut server = SwitchyardServe::start_with_env(
        &bundle_dir("todos"),
        &[],
        &[("SWITCHYARD_LOG_LEVEL", "debug")],
    );
    let body = br#"{"title": "finish me"}"#;
    // Send the head and half the body: the request is in flight when the signal comes.
    let mut stream = connect(server.port).unwrap();
    let head = request_head(
        server.port,
        "POST",
        "/todos",
        &[("Content-Type", "application/json")],
        body.len(),
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..8]).unwrap();
    stream.flush().unwrap();
    // Only a request the server has begun is in flight; one still in the socket is not.
    assert!(server.wait_for_log("POST /todos started"));
    server.sigterm();
    assert!(server.wait_for_log("shutting down"), "the signal is seen");
    stream.write_all(&body[8..]).unwrap();
    let response = read_response(stream).expect("the in-flight request is answered");
    assert_eq!(response.status, 201, "{}", response.text());
    assert_eq!(response.json()["title"], "finish me");
    let status = server.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        http(server.port, "GET", "/todos", &[], b"").is_err(),
        "no longer listening"
    );
}

#[test]
fn an_idle_server_stops_on_sigterm_with_exit_0() {
    let mut server = SwitchyardServe::start(&bundle_dir("todos"), &[]);
    assert_eq!(server.get("/todos/1").status, 200);
    server.sigterm();
    let status = server.wait_exit();
    assert!(status.success(), "{status:?}");
}

#[test]
fn powertools_log_level_quiets_the_access_log() {
    let server = SwitchyardServe::start_with_env(
        &bundle_dir("todos"),
        &[],
        &[("POWERTOOLS_LOG_LEVEL", "WARN")],
    );
    assert_eq!(server.get("/todos/1").status, 200);
    assert_eq!(server.get("/panic").status, 500);
    // Lines come in order, so once the 500's line is there the 200's would be too.
    assert!(server.wait_for_log("GET /panic 500"));
    assert!(
        !server.stderr().contains("GET /todos/1 200"),
        "{}",
        server.stderr()
    );
}

#[test]
fn pretty_logs_are_plain_lines_with_the_fields_after_the_message() {
    let server = SwitchyardServe::start_with_env(
        &bundle_dir("todos"),
        &[],
        &[("SWITCHYARD_LOG_FORMAT", "pretty")],
    );
    assert_eq!(server.get("/todos/1").status, 200);
    assert!(server.wait_for_log("INFO  GET /todos/1 200  request_id="));
    let stderr = server.stderr();
    assert!(!stderr.contains('{'), "no JSON: {stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "no colour off a terminal: {stderr}"
    );
}

#[test]
fn bad_flags_and_bundles_fail_before_listening() {
    let run = |args: &[&str]| {
        let out = Command::new(switchyard_bin())
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "nothing served: {args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let todos = bundle_dir("todos");
    let todos = todos.to_str().unwrap();
    let unknown = run(&["--bundle", todos, "--source", "kafka"]);
    assert!(
        unknown.contains("unknown event source `kafka`"),
        "{unknown}"
    );
    let missing = run(&["--bundle", "/nonexistent/bundle", "--port", "0"]);
    assert!(
        missing.contains("failed to read bundle manifest"),
        "{missing}"
    );

    let broken = TempBundle::copy_of("todos", "broken");
    std::fs::write(broken.0.join("todos.wasm"), b"not wasm at all").unwrap();
    std::fs::remove_file(broken.0.join("todos.cwasm")).unwrap();
    let refused = run(&["--bundle", broken.0.to_str().unwrap(), "--port", "0"]);
    assert!(refused.contains("is not a WebAssembly file"), "{refused}");
}

/// Swap `todos` for `conformance-todos` under a steady load of requests, then offer a broken
/// file: the new answer appears, no request fails, and the broken version is refused.
#[test]
fn hot_swap_under_load_drops_no_request_and_refuses_a_broken_component() {
    let bundle = TempBundle::copy_of("todos", "swap");
    let server = SwitchyardServe::start(&bundle.0, &["--watch"]);
    let load = RootLoad::start(&server);

    // A changed build copied in place over the served file; its `.cwasm` is now stale.
    let replacement = workspace().join("target/bundles/conformance-todos/conformance_todos.wasm");
    std::fs::copy(&replacement, bundle.0.join("todos.wasm")).unwrap();
    load.wait_for_new_answers_past(0, "the swap");
    assert!(server.wait_for_log("swapped in the changed bundle"));

    // Garbage where the component was: refused, and the new version keeps answering.
    let before = load.new_answers();
    std::fs::write(
        bundle.0.join("todos.wasm"),
        b"\0asm garbage, not a component",
    )
    .unwrap();
    assert!(
        server.wait_for_log("refused the changed bundle"),
        "the broken file is refused"
    );
    load.wait_for_new_answers_past(before + 5, "answers after the refusal");

    load.finish_without_failures();
    let after = server.get(RootLoad::PATH);
    assert_eq!(after.text(), RootLoad::NEW_ANSWER);
    assert!(
        server.stderr().contains("is not a WebAssembly component"),
        "{}",
        server.stderr()
    );
}

/// What `switchyard build` does to a served bundle: the new `.wasm` first, its `.cwasm` a
/// moment later. The server waits for the `.cwasm` instead of compiling the component too.
#[test]
fn a_hot_swap_waits_for_the_new_build_to_be_precompiled() {
    let bundle = TempBundle::copy_of("todos", "precompiled-swap");
    let server = SwitchyardServe::start(&bundle.0, &["--watch"]);
    let built = workspace().join("target/bundles/conformance-todos");

    replace_with(
        &built.join("conformance_todos.wasm"),
        &bundle.0.join("todos.wasm"),
    );
    // Three polls: the copy has settled and its `.cwasm` (the old build's) is older.
    std::thread::sleep(Duration::from_millis(600));
    replace_with(
        &built.join("conformance_todos.cwasm"),
        &bundle.0.join("todos.cwasm"),
    );

    assert!(server.wait_for_log("swapped in the changed bundle"));
    assert_eq!(server.get("/text").text(), "hello, world");
    assert!(
        !server.stderr().contains("is older than"),
        "the server compiled the component itself: {}",
        server.stderr()
    );
}

/// `make watch` under load: a new `.wasm` renamed into the served bundle, then `switchyard
/// compile` writing its `.cwasm` where the server's runs from. The server runs a component's
/// code from the `.cwasm` file's pages, so the new artifact must replace that file, not
/// rewrite it: rewritten in place, it killed the server (SIGBUS) on the next request.
#[test]
fn precompiling_a_served_bundle_under_load_swaps_it_in_without_a_failed_request() {
    let bundle = TempBundle::copy_of("todos", "compile-under-load");
    let server = SwitchyardServe::start(&bundle.0, &["--watch"]);
    let load = RootLoad::start(&server);
    load.wait_for_old_answers_past(20);

    replace_with(
        &workspace().join("target/bundles/conformance-todos/conformance_todos.wasm"),
        &bundle.0.join("todos.wasm"),
    );
    let compiled = Command::new(switchyard_bin())
        .args(["compile", "--bundle"])
        .arg(&bundle.0)
        .env("SWITCHYARD_LOG_LEVEL", "warn")
        .output()
        .expect("switchyard compile runs");
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    load.wait_for_new_answers_past(50, "answers from the new build");
    load.finish_without_failures();
    assert!(server.wait_for_log("swapped in the changed bundle"));
    assert_eq!(server.get(RootLoad::PATH).text(), RootLoad::NEW_ANSWER);
}

/// Requests for `/` sent one after another from a thread: the index of `todos` (the old
/// answer) or the `{"root":true}` of `conformance-todos` (the new one), anything else a
/// failure.
struct RootLoad {
    stop: Arc<AtomicBool>,
    old_answers: Arc<AtomicUsize>,
    new_answers: Arc<AtomicUsize>,
    thread: std::thread::JoinHandle<(usize, Vec<String>)>,
}

impl RootLoad {
    const PATH: &str = "/";
    const NEW_ANSWER: &str = r#"{"root":true}"#;
    const OLD_ANSWER_HOLDS: &str = "getting-started todos API";

    fn start(server: &SwitchyardServe) -> Self {
        let first = server.get(Self::PATH);
        assert_eq!(first.status, 200);
        assert!(
            first.json()["description"]
                .as_str()
                .is_some_and(|d| d.contains(Self::OLD_ANSWER_HOLDS)),
            "{}",
            first.text()
        );
        let port = server.port;
        let stop = Arc::new(AtomicBool::new(false));
        let old_answers = Arc::new(AtomicUsize::new(0));
        let new_answers = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, old_answers, new_answers) =
                (stop.clone(), old_answers.clone(), new_answers.clone());
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut total = 0;
                while !stop.load(Ordering::Relaxed) {
                    total += 1;
                    let counter = match http(port, "GET", Self::PATH, &[], b"") {
                        Ok(r) if r.status == 200 && r.text() == Self::NEW_ANSWER => &new_answers,
                        Ok(r) if r.status == 200 && r.text().contains(Self::OLD_ANSWER_HOLDS) => {
                            &old_answers
                        }
                        Ok(r) => {
                            failures.push(format!("{} {}", r.status, r.text()));
                            continue;
                        }
                        Err(e) => {
                            failures.push(e.to_string());
                            continue;
                        }
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                (total, failures)
            })
        };
        Self {
            stop,
            old_answers,
            new_answers,
            thread,
        }
    }

    fn new_answers(&self) -> usize {
        self.new_answers.load(Ordering::Relaxed)
    }

    /// Waits for more than `count` answers from the old build.
    fn wait_for_old_answers_past(&self, count: usize) {
        wait_until("answers from the old build", || {
            self.old_answers.load(Ordering::Relaxed) > count
        });
    }

    /// Waits for more than `count` answers from the new build.
    fn wait_for_new_answers_past(&self, count: usize, what: &str) {
        wait_until(what, || self.new_answers() > count);
    }

    /// Stops the load; every request it sent was answered, by the old build or the new.
    fn finish_without_failures(self) {
        self.stop.store(true, Ordering::Relaxed);
        let (total, failures) = self.thread.join().unwrap();
        assert!(
            failures.is_empty(),
            "{} of {total} requests failed: {failures:?}",
            failures.len()
        );
    }
}

/// Waits until `done`, or fails the test naming `what` after [`PATIENCE`].
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Puts a copy of `from` at `to` by a rename, as `make watch` and `switchyard build` do.
fn replace_with(from: &Path, to: &Path) {
    let temporary = to.with_extension("tmp");
    std::fs::copy(from, &temporary).unwrap();
    std::fs::rename(&temporary, to).unwrap();
}

/// The server answers from a blocking task inside its tokio runtime, as the Lambda bootstrap
/// does; a guest's `wasi:http` request must work from there too (`switchyard invoke` has no
/// runtime of its own, so it tests the other path).
#[test]
fn outbound_http_works_from_inside_the_servers_runtime() {
    let (upstream, server) =
        crate::capabilities::one_request_upstream(r#"{"text": "from the upstream"}"#);
    let bundle = crate::capabilities::outbound_bundle(upstream);
    let url = format!("http://127.0.0.1:{upstream}/quote");
    let serve = SwitchyardServe::start_with_env(&bundle.dir, &[], &[("UPSTREAM_URL", &url)]);
    let quote = serve.get("/quote");
    assert_eq!(quote.status, 200, "{}", serve.stderr());
    assert_eq!(
        serde_json::from_slice::<Value>(&quote.body).unwrap(),
        json!({"upstream_status": 200, "quote": {"text": "from the upstream"}})
    );
    assert!(
        server
            .join()
            .unwrap()
            .starts_with("GET /quote HTTP/1.1\r\n")
    );
    assert_eq!(serve.get("/elsewhere").status, 502);
}

/// https://github.com/switchyard/switchyard/issues/23 (6): the dev server dropped invalid
/// header lines (a 200 without them) and answered 502 for a status outside 100..=599, where
/// `invoke` passed both through. Every front end now answers the pipeline's 500, and the
/// log line names the component.
#[test]
fn invalid_guest_responses_answer_500_as_in_lambda() {
    let server = SwitchyardServe::start(&bundle_dir("sandbox"), &[]);
    let internal = json!({"statusCode": 500, "message": "Internal Server Error"});
    for target in [
        "/invalid/status/42",
        "/invalid/status/600",
        "/invalid/status/0",
        "/invalid/name/space",
        "/invalid/value/crlf",
        "/invalid/value/nul",
        "/invalid/cookie",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 500, "{target}");
        let body: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(body, internal, "{target}");
        assert!(
            response.header_values("x-injected").is_empty(),
            "{target}: {:?}",
            response.headers
        );
        assert_eq!(server.get("/invalid/ok").status, 200);
        assert_eq!(server.get("/neighbour/ok").status, 200);
    }
    assert!(server.wait_for_log("component `invalid-response`"));
}
