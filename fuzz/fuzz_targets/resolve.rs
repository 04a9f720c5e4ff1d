//! Any bytes as a Lambda event, answered by the conformance and features bundles: the host must
//! answer or refuse with a decode error, never panic, and every answer must be a Lambda response
//! a client can read.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use switchyard::{Bundle, InvocationContext, Pipeline};

/// The bundles each input is answered by (`make bundles` builds them).
const BUNDLES: [&str; 3] = ["conformance-todos", "conformance-validated", "features"];

fn pipelines() -> &'static [Pipeline] {
    static PIPELINES: OnceLock<Vec<Pipeline>> = OnceLock::new();
    PIPELINES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bundles");
        BUNDLES
            .iter()
            .map(|name| {
                Bundle::open(&root.join(name))
                    .and_then(|bundle| bundle.load())
                    .unwrap_or_else(|e| panic!("bundle {name} (run `make bundles`): {e:#}"))
            })
            .collect()
    })
}

fuzz_target!(|event: &[u8]| {
    let context = InvocationContext::local();
    for pipeline in pipelines() {
        let Ok(response) = pipeline.handle(event, &context) else {
            continue;
        };
        let text = serde_json::to_vec(&response).expect("a response serializes");
        let answer: serde_json::Value = serde_json::from_slice(&text).expect("it is JSON");
        let status = answer["statusCode"].as_u64().expect("it has a status code");
        assert!((100..600).contains(&status), "status {status}");
    }
});
