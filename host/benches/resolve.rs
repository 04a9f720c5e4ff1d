//! Warm per-event resolve: Lambda event bytes in, Lambda response bytes out, in process, for
//! the scenarios of `target/bench/events.json` (`make bench` writes it from the shared
//! conformance events), plus the sandbox's price on the static `/hello` route of `routes50`:
//! the same route with its handler run natively in the host, and with a fresh instance per
//! request. Results go to `target/bench/switchyard.json`; `benches/report.py` compares them
//! with Powertools and the axum peer.
//!
//! Bundles come from `target/bench/bundles` (`make bench` precompiles them with the release
//! host). Run with `SWITCHYARD_LOG_LEVEL=warn`: the access log line is not what is measured.

#[path = "../../benches/harness.rs"]
mod harness;

use std::hint::black_box;

/// The allocator the `switchyard` binary ships with (`host/src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::Path;

use serde_json::json;
use switchyard::{Body, Response};
use switchyard::{Bundle, InvocationContext, Pipeline};

fn load(bench_dir: &Path, bundle: &str) -> Pipeline {
    let dir = bench_dir.join("bundles").join(bundle);
    Bundle::open(&dir)
        .and_then(|b| b.load())
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// The scenario's bundle: each reference app is one of the conformance guests.
fn bundle_of(app: &str) -> &str {
    match app {
        "todos" => "conformance-todos",
        "validated" => "conformance-validated",
        other => other,
    }
}

fn resolve(pipeline: &Pipeline, event: &[u8], context: &InvocationContext) -> Vec<u8> {
    let response = pipeline.handle(event, context).expect("the event decodes");
    serde_json::to_vec(&response).expect("the response serializes")
}

fn main() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bench_dir = harness::bench_dir(&workspace);
    let mut c = harness::criterion();
    let context = InvocationContext::local();
    let mut summaries = Vec::new();
    for scenario in harness::scenarios(&bench_dir) {
        let pipeline = load(&bench_dir, bundle_of(&scenario.app));
        let event = scenario.event.as_slice();
        summaries.push(harness::measure(&mut c, &scenario.name, || {
            black_box(resolve(&pipeline, black_box(event), &context));
        }));
        if scenario.name != "hello" {
            continue;
        }
        // The sandbox's price: the same route with the handler in the host...
        let mut native = load(&bench_dir, "routes50");
        let replaced = native.bench_native_handler("GET", "/hello", |_params| {
            let body = serde_json::to_string(&json!({"hello": "world"})).unwrap_or_default();
            Response::new(200, Some("application/json"), Body::Text(body))
        });
        assert!(replaced, "routes50 has `GET /hello`");
        assert_eq!(
            resolve(&native, event, &context),
            resolve(&pipeline, event, &context),
            "the native handler answers as the guest does"
        );
        summaries.push(harness::measure(&mut c, "hello/native", || {
            black_box(resolve(&native, black_box(event), &context));
        }));
        // ...and with a new instance for every request.
        let fresh = load(&bench_dir, "routes50-fresh");
        summaries.push(harness::measure(&mut c, "hello/fresh", || {
            black_box(resolve(&fresh, black_box(event), &context));
        }));
    }
    harness::write(&bench_dir.join("switchyard.json"), "switchyard", &summaries);
    c.final_summary();
}
