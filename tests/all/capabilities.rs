//! Capabilities granted in the bundle manifest, through the real `switchyard` binary: an
//! environment allow-list (AWS credentials only by exact name), a read-only directory, and
//! outbound HTTP to an allowed upstream (`examples/outbound-http`, served here on
//! 127.0.0.1 by a one-request server thread).

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{
    ScratchBundle, bundle_dir, guest_wasm, rest_event, status_and_body, switchyard_bin,
};

fn reader_bundle() -> ScratchBundle {
    let bundle = ScratchBundle::new(
        "grants",
        &json!({"components": [{
            "name": "reader",
            "file": "sandbox_env_read.wasm",
            "env": ["SANDBOX_*", "AWS_*", "AWS_SESSION_TOKEN"],
            "dirs": [{"path": "data", "mount": "/data"}],
        }]}),
        &[guest_wasm("sandbox_env_read.wasm")],
    );
    std::fs::create_dir(bundle.dir.join("data")).unwrap();
    std::fs::write(bundle.dir.join("data/hello.txt"), "hi from the bundle").unwrap();
    bundle
}

const HOST_ENV: [(&str, &str); 5] = [
    ("SANDBOX_GREETING", "hello"),
    ("AWS_REGION", "eu-west-1"),
    ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
    ("AWS_SECRET_ACCESS_KEY", "do-not-leak"),
    ("AWS_SESSION_TOKEN", "session"),
];

#[test]
fn a_component_sees_only_the_environment_it_is_granted() {
    let bundle = reader_bundle();
    let (status, responses, stderr) = bundle.invoke(&[rest_event("GET", "/env", &[])], &HOST_ENV);
    assert!(status.success(), "{stderr}");
    assert_eq!(
        status_and_body(&responses[0]).1,
        json!({
            "SANDBOX_GREETING": "hello",
            "AWS_REGION": "eu-west-1",
            "AWS_SESSION_TOKEN": "session",
        }),
        "`AWS_*` grants neither the key id nor the secret; the exact name grants the token"
    );
}

#[test]
fn a_granted_directory_is_readable_and_never_writable() {
    let bundle = reader_bundle();
    let events = [
        rest_event("GET", "/file/hello.txt", &[]),
        rest_event("POST", "/file/hello.txt", &[]),
        rest_event("POST", "/file/new.txt", &[]),
    ];
    let (status, responses, stderr) = bundle.invoke(&events, &[]);
    assert!(status.success(), "{stderr}");
    let bodies: Vec<Value> = responses.iter().map(|r| status_and_body(r).1).collect();
    assert_eq!(bodies[0], json!({"text": "hi from the bundle"}));
    assert_eq!(bodies[1]["written"], false, "{}", bodies[1]);
    assert_eq!(bodies[2]["written"], false, "{}", bodies[2]);
    let on_disk = std::fs::read_to_string(bundle.dir.join("data/hello.txt")).unwrap();
    assert_eq!(on_disk, "hi from the bundle");
    assert!(!bundle.dir.join("data/new.txt").exists());
}

#[test]
fn switchyard_routes_prints_the_grants_and_never_their_values() {
    let bundle = reader_bundle();
    let mut command = std::process::Command::new(switchyard_bin());
    command
        .args(["routes", "--bundle"])
        .arg(&bundle.dir)
        .env_clear();
    for (name, value) in HOST_ENV {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("reader "))
        .unwrap_or_else(|| panic!("no grants line:\n{stdout}"));
    assert!(
        line.contains("env=SANDBOX_GREETING,AWS_REGION,AWS_SESSION_TOKEN"),
        "{line}"
    );
    assert!(
        line.contains("dir=/data<-") && line.contains("(read-only)"),
        "{line}"
    );
    for (_, value) in HOST_ENV {
        assert!(!stdout.contains(value), "`{value}` printed:\n{stdout}");
    }
    let sandbox = std::process::Command::new(switchyard_bin())
        .args(["routes", "--bundle"])
        .arg(bundle_dir("sandbox"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&sandbox.stdout);
    let bomb = stdout
        .lines()
        .find(|l| l.starts_with("memory-bomb "))
        .unwrap();
    assert!(
        bomb.contains("memory=8MiB timeout=500ms") && bomb.ends_with("none"),
        "{bomb}"
    );
}

/// Serves one HTTP request on 127.0.0.1 and answers it with `body`; gives back the request
/// head it read. Stops by itself after 30 s without a connection.
pub(crate) fn one_request_upstream(body: &'static str) -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let server = std::thread::spawn(move || {
        for _ in 0..3000 {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                        match stream.read(&mut byte) {
                            Ok(1) => head.push(byte[0]),
                            _ => break,
                        }
                    }
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    stream.write_all(answer.as_bytes()).unwrap();
                    return String::from_utf8_lossy(&head).into_owned();
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        String::new()
    });
    (port, server)
}

/// `examples/outbound-http` allowed to reach `127.0.0.1:port` only.
pub(crate) fn outbound_bundle(port: u16) -> ScratchBundle {
    ScratchBundle::new(
        "outbound",
        &json!({"components": [{
            "name": "quotes",
            "file": "outbound_http.wasm",
            "env": ["UPSTREAM_URL"],
            "allowed_hosts": [format!("http://127.0.0.1:{port}")],
            "limits": {"timeout_ms": 5000},
        }]}),
        &[bundle_dir("outbound-http").join("outbound_http.wasm")],
    )
}

#[test]
fn outbound_http_reaches_an_allowed_upstream_and_nothing_else() {
    let (port, server) = one_request_upstream(r#"{"text": "simple is better than complex"}"#);
    let bundle = outbound_bundle(port);
    let url = format!("http://127.0.0.1:{port}/quote?lang=en");
    let events = [
        rest_event("GET", "/quote", &[]),
        rest_event("GET", "/elsewhere", &[]),
    ];
    let (status, responses, stderr) = bundle.invoke(&events, &[("UPSTREAM_URL", &url)]);
    assert!(status.success(), "{stderr}");
    assert_eq!(
        status_and_body(&responses[0]),
        (
            200,
            json!({"upstream_status": 200, "quote": {"text": "simple is better than complex"}})
        ),
        "{stderr}"
    );
    let head = server.join().unwrap();
    assert!(
        head.starts_with("GET /quote?lang=en HTTP/1.1\r\n"),
        "{head}"
    );
    let (status, body) = status_and_body(&responses[1]);
    assert_eq!((status, &body["denied"]), (502, &json!(true)), "{body}");
    assert!(
        stderr.contains("refused an HTTP request to `https://example.com:443`"),
        "{stderr}"
    );
}

/// `examples/outbound-http` allowed to reach `allowed` only, asked for a quote from
/// `upstream`: the call must be refused with a 502. The error body and the host's log.
fn refused_quote(name: &str, allowed: &str, upstream: &str) -> (Value, String) {
    let bundle = ScratchBundle::new(
        name,
        &json!({"components": [{
            "name": "quotes",
            "file": "outbound_http.wasm",
            "env": ["UPSTREAM_URL"],
            "allowed_hosts": [allowed],
        }]}),
        &[bundle_dir("outbound-http").join("outbound_http.wasm")],
    );
    let (status, responses, stderr) = bundle.invoke(
        &[rest_event("GET", "/quote", &[])],
        &[("UPSTREAM_URL", upstream)],
    );
    assert!(status.success(), "{stderr}");
    let (status, body) = status_and_body(&responses[0]);
    assert_eq!(status, 502, "{body}");
    (body, stderr)
}

#[test]
fn an_allowed_host_on_another_port_is_still_refused() {
    // Lambda's Runtime API listens on 127.0.0.1:9001; nothing needs to listen for the refusal.
    let (body, _) = refused_quote(
        "outbound-port",
        "http://127.0.0.1:1",
        "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next",
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not in this component's `allowed_hosts`"),
        "{body}"
    );
}

#[test]
fn an_allowed_name_that_resolves_to_loopback_is_refused() {
    // Where Lambda's Runtime API listens: refused before any connection is made.
    let (body, stderr) = refused_quote(
        "outbound-localhost",
        "http://localhost:9001",
        "http://localhost:9001/2018-06-01/runtime/invocation/next",
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("DestinationIpProhibited"),
        "{body}"
    );
    assert!(
        stderr.contains("the name resolves to `127.0.0.1`") || stderr.contains("resolves to `::1`"),
        "{stderr}"
    );
}
