//! `switchyard lambda`, the bootstrap, against a fake Lambda Runtime API on 127.0.0.1: the
//! bytes it posts for each invocation are the response Lambda would get.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::support::{ScratchBundle, bundle_dir, guest_wasm, rest_event, switchyard_bin};

/// The longest the test waits for an answer before it gives up (a hung bootstrap).
const PATIENCE: Duration = Duration::from_secs(120);

/// One request the bootstrap sent: method, path and body; or, as `("NEXT", "request-{n}",
/// [])`, the fake Runtime API handing it invocation `n`.
type Sent = (String, String, Vec<u8>);

/// The method of the step that hands an invocation out.
const HANDED_OUT: &str = "NEXT";

/// Reads one HTTP/1.1 request (its body by `Content-Length`); `None` once the peer closes.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Sent> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, body))
}

/// Serves `events`, one for each `next`, and hands every other request to `sent`, on as
/// many connections as the client opens (concurrent `next` polls each get their own event),
/// telling `sent` as each event is handed out, before the bootstrap can answer it. Past the last event, `next` never answers, as
/// Lambda's does not while no invocation comes.
fn fake_runtime_api(listener: TcpListener, events: Vec<Value>, sent: mpsc::Sender<Sent>) {
    let events = Arc::new(Mutex::new(events.into_iter().enumerate()));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { return };
        let (events, sent) = (events.clone(), sent.clone());
        std::thread::spawn(move || serve_connection(stream, &events, &sent));
    }
}

type Events = Mutex<std::iter::Enumerate<std::vec::IntoIter<Value>>>;

fn serve_connection(stream: TcpStream, events: &Events, sent: &mpsc::Sender<Sent>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some((method, path, body)) = read_request(&mut reader) {
        if !path.ends_with("/invocation/next") {
            let _ = writer.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
            let _ = sent.send((method, path, body));
            continue;
        }
        let next = events.lock().unwrap().next();
        let Some((n, event)) = next else {
            std::thread::sleep(PATIENCE);
            return;
        };
        let _ = sent.send((HANDED_OUT.into(), format!("request-{n}"), Vec::new()));
        let deadline =
            SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(60);
        let body = event.to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
             Lambda-Runtime-Aws-Request-Id: request-{n}\r\n\
             Lambda-Runtime-Deadline-Ms: {}\r\n\
             Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:123456789012:function:test\r\n\
             Lambda-Runtime-Trace-Id: {}\r\n\
             Content-Length: {}\r\n\r\n",
            deadline.as_millis(),
            trace_header(n),
            body.len()
        );
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(body.as_bytes());
    }
}

/// The X-Ray trace header of invocation `n` (`request-{n}`), as Lambda hands it with an
/// invocation (`tests/conformance/observability/record.py` gives Powertools the same).
pub(crate) fn trace_header(n: usize) -> String {
    format!("Root=1-5759e988-bd862e3fe1be46a99427279{n};Parent=53995c3f42cd8ad{n};Sampled=1")
}

/// The bytes the bootstrap posts as the response to each event, in order, and what it
/// logged, with the log level at `warn` unless `env` says otherwise.
pub(crate) fn bootstrap_answers(
    bundle: &std::path::Path,
    events: Vec<Value>,
    env: &[(&str, &str)],
) -> (Vec<Vec<u8>>, String) {
    let (posts, log) = bootstrap_posts(bundle, events, env);
    let answers = posts
        .into_iter()
        .map(|(path, body)| {
            assert!(path.ends_with("/response"), "{path}: {body:?}");
            body
        })
        .collect();
    (answers, log)
}

/// What the bootstrap posts for each event, in order (the path, `.../response` or
/// `.../error`, and the body), and what it logged.
pub(crate) fn bootstrap_posts(
    bundle: &std::path::Path,
    events: Vec<Value>,
    env: &[(&str, &str)],
) -> (Vec<(String, Vec<u8>)>, String) {
    let (steps, log) = bootstrap_steps(bundle, events, env);
    let posts = steps
        .into_iter()
        .filter(|(method, ..)| method != HANDED_OUT)
        .map(|(method, path, body)| {
            assert_eq!(method, "POST");
            (path, body)
        })
        .collect();
    (posts, log)
}

/// Everything between the bootstrap and the fake Runtime API, in the order the API saw it:
/// each event handed out, and each answer posted; and what the bootstrap logged.
fn bootstrap_steps(
    bundle: &std::path::Path,
    events: Vec<Value>,
    env: &[(&str, &str)],
) -> (Vec<Sent>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let api = listener.local_addr().unwrap().to_string();
    let count = events.len();
    let (sent, received) = mpsc::channel();
    std::thread::spawn(move || fake_runtime_api(listener, events, sent));
    let mut child = Command::new(switchyard_bin())
        .arg("lambda")
        .env_clear()
        .env("SWITCHYARD_BUNDLE", bundle)
        .env("AWS_LAMBDA_RUNTIME_API", &api)
        .env("AWS_LAMBDA_FUNCTION_NAME", "test")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "stream")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/test")
        .env("SWITCHYARD_LOG_LEVEL", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("switchyard runs");
    let mut steps: Vec<Sent> = Vec::new();
    while steps.iter().filter(|(m, ..)| m != HANDED_OUT).count() < count {
        match received.recv_timeout(PATIENCE) {
            Ok(step) => steps.push(step),
            Err(err) => {
                let _ = child.kill();
                let output = child.wait_with_output().unwrap();
                panic!("{err}: {}", String::from_utf8_lossy(&output.stderr));
            }
        }
    }
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    (steps, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// https://github.com/switchyard/switchyard/issues/23 (5, 6): what the bootstrap posts to
/// Lambda for a guest's invalid or oversized answer is the documented 500, never the answer
/// itself; a valid answer after it goes through.
#[test]
fn the_bootstrap_posts_500_for_answers_lambda_cannot_deliver() {
    let refused = [
        "/invalid/status/42",
        "/invalid/value/crlf",
        "/invalid/name/space",
        "/encoded/quotes",
        "/encoded/headers",
    ];
    let events: Vec<Value> = refused
        .iter()
        .chain(&["/encoded/fits", "/neighbour/ok"])
        .map(|path| rest_event("GET", path, &[]))
        .collect();
    let (answers, stderr) = bootstrap_answers(&bundle_dir("sandbox"), events, &[]);
    let internal = json!({"statusCode": 500, "message": "Internal Server Error"});
    for (path, bytes) in refused.iter().zip(&answers) {
        let answer: Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(answer["statusCode"], 500, "{path}");
        let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
        assert_eq!(body, internal, "{path}");
    }
    // The sandbox bundle's limit is 1 MiB: what Lambda gets fits it.
    let fits = &answers[refused.len()];
    assert!(fits.len() <= 1 << 20, "{}", fits.len());
    assert_eq!(
        serde_json::from_slice::<Value>(fits).unwrap()["statusCode"],
        200
    );
    let ok: Value = serde_json::from_slice(&answers[refused.len() + 1]).unwrap();
    assert_eq!(ok["statusCode"], 200);
    for component in ["invalid-response", "encoded-size"] {
        assert!(
            stderr.contains(&format!("component `{component}` answered")),
            "{stderr}"
        );
    }
}

/// A bundle of one component whose `GET /nap` sleeps 300 ms, then answers and logs the
/// request id its Lambda context holds.
fn napping_bundle() -> ScratchBundle {
    let wasm = guest_wasm("sandbox_blocking_sleep.wasm");
    ScratchBundle::new(
        "naps",
        &json!({"components": [{"name": "naps", "file": "sandbox_blocking_sleep.wasm"}]}),
        &[wasm],
    )
}

/// Each step's method and path, without the bodies.
fn outline(steps: &[Sent]) -> Vec<(&str, &str)> {
    steps
        .iter()
        .map(|(method, path, _)| (method.as_str(), path.as_str()))
        .collect()
}

/// The request id each answer was posted for (`.../invocation/{id}/response`) beside the one
/// the guest's Lambda context held.
fn answered_ids(steps: &[Sent]) -> Vec<(String, String)> {
    steps
        .iter()
        .filter(|(method, ..)| method == "POST")
        .map(|(_, path, body)| {
            let posted_for = path.rsplit('/').nth(1).unwrap().to_string();
            let answer: Value = serde_json::from_slice(body).unwrap();
            assert_eq!(answer["statusCode"], 200, "{answer}");
            let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
            (posted_for, body["request_id"].as_str().unwrap().to_string())
        })
        .collect()
}

/// https://github.com/switchyard/switchyard/issues/28 (1): with `AWS_LAMBDA_MAX_CONCURRENCY`
/// the bootstrap takes that many invocations at once, each on its own instance with its own
/// context: all four naps are handed out before the first is answered, each answer is posted
/// for its own invocation with the request id its guest saw, and each log line carries it.
#[test]
fn the_bootstrap_answers_up_to_max_concurrency_invocations_at_once() {
    let bundle = napping_bundle();
    let events = vec![rest_event("GET", "/nap", &[]); 4];
    let (steps, log) = bootstrap_steps(&bundle.dir, events, &[("AWS_LAMBDA_MAX_CONCURRENCY", "4")]);
    let first_answer = steps.iter().position(|(m, ..)| m == "POST").unwrap();
    let handed_out = steps[..first_answer]
        .iter()
        .filter(|(m, ..)| m == HANDED_OUT)
        .count();
    assert_eq!(handed_out, 4, "{:?}", outline(&steps));
    let mut answered = answered_ids(&steps);
    for (posted_for, seen) in &answered {
        assert_eq!(posted_for, seen);
    }
    answered.sort();
    let all: Vec<String> = (0..4).map(|n| format!("request-{n}")).collect();
    let ids: Vec<&String> = answered.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, all.iter().collect::<Vec<_>>());
    // The guest's line carries its own invocation's request id, as the host put it there.
    let napped: Vec<Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "napped")
        .collect();
    assert_eq!(napped.len(), 4, "{log}");
    for line in &napped {
        assert_eq!(
            line["function_request_id"], line["seen_request_id"],
            "{line}"
        );
    }
}

/// Without `AWS_LAMBDA_MAX_CONCURRENCY`, one invocation at a time, as before: the next event
/// is taken only once the last is answered.
#[test]
fn without_max_concurrency_the_bootstrap_answers_one_invocation_at_a_time() {
    let bundle = napping_bundle();
    let events = vec![rest_event("GET", "/nap", &[]); 2];
    let (steps, _) = bootstrap_steps(&bundle.dir, events, &[]);
    let order: Vec<&str> = steps.iter().map(|(m, ..)| m.as_str()).collect();
    assert_eq!(
        order,
        [HANDED_OUT, "POST", HANDED_OUT, "POST"],
        "{:?}",
        outline(&steps)
    );
    for (posted_for, seen) in answered_ids(&steps) {
        assert_eq!(posted_for, seen);
    }
}
