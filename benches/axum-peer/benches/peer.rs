//! The native Rust peer on the same events as `host/benches/resolve.rs`: lambda_http's event
//! deserialization → axum 0.8 router → lambda_http's response, bytes in and bytes out.
//! Results go to `target/bench/axum.json`.

#[path = "../../harness.rs"]
mod harness;

use std::hint::black_box;
use std::path::Path;

fn main() {
    // The scenario events carry stage `Prod` and a stage-less `path`, as API Gateway sends
    // them; lambda_http would otherwise route `/Prod/...`.
    // SAFETY: set before any other thread exists.
    unsafe { std::env::set_var("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "1") };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bench_dir = harness::bench_dir(&workspace);
    let mut c = harness::criterion();
    let mut summaries = Vec::new();
    for scenario in harness::scenarios(&bench_dir) {
        let mut peer = axum_peer::Peer::new(&scenario.app);
        let event = scenario.event.as_slice();
        summaries.push(harness::measure(&mut c, &scenario.name, || {
            black_box(peer.handle(black_box(event)));
        }));
    }
    harness::write(&bench_dir.join("axum.json"), "axum", &summaries);
    c.final_summary();
}
