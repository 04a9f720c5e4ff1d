//! Shared by the Switchyard bench (`host/benches/resolve.rs`) and the axum peer
//! (`benches/axum-peer/benches/peer.rs`): the scenarios' events, per-call timing under
//! criterion, and the JSON summary `benches/report.py` reads.
//!
//! Criterion picks the iteration counts; every call is also timed on its own, so the summary
//! has a true per-request median and p99 rather than a mean of batches.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use serde_json::{Value, json};

/// One scenario of `target/bench/events.json` (written by `benches/events.py`).
pub(crate) struct Scenario {
    /// `static`, `dynamic`, `routes_50`, ...
    pub(crate) name: String,
    /// The reference app: `todos`, `validated` or `routes50`.
    pub(crate) app: String,
    /// The event, as bytes.
    pub(crate) event: Vec<u8>,
}

/// Where the benches read events and write results: `$BENCH_DIR`, else `target/bench` under
/// the workspace root.
pub(crate) fn bench_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target/bench"))
}

/// The scenarios, in table order.
pub(crate) fn scenarios(bench_dir: &Path) -> Vec<Scenario> {
    let path = bench_dir.join("events.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read `{}` ({e}): run `make bench`, which writes it",
            path.display()
        )
    });
    let doc: Value = serde_json::from_str(&text).expect("events.json is JSON");
    doc["scenarios"]
        .as_array()
        .expect("a `scenarios` list")
        .iter()
        .map(|s| Scenario {
            name: s["name"].as_str().expect("a name").to_string(),
            app: s["app"].as_str().expect("an app").to_string(),
            event: serde_json::to_vec(&s["event"]).expect("an event"),
        })
        .collect()
}

/// Timings of one benchmark.
pub(crate) struct Summary {
    /// The benchmark's name.
    pub(crate) name: String,
    /// Every call's time, in nanoseconds, sorted.
    pub(crate) sorted_ns: Vec<u64>,
}

impl Summary {
    fn quantile(&self, q: f64) -> u64 {
        let last = self.sorted_ns.len().saturating_sub(1);
        self.sorted_ns
            .get((last as f64 * q).round() as usize)
            .copied()
            .unwrap_or_default()
    }

    fn to_json(&self) -> Value {
        let mean = self.sorted_ns.iter().sum::<u64>() as f64 / self.sorted_ns.len().max(1) as f64;
        json!({
            "median_ns": self.quantile(0.5),
            "p99_ns": self.quantile(0.99),
            "mean_ns": mean.round(),
            "calls": self.sorted_ns.len(),
        })
    }
}

/// Runs `call` under criterion as benchmark `name`, timing each call.
pub(crate) fn measure(c: &mut Criterion, name: &str, mut call: impl FnMut()) -> Summary {
    // A few calls first: the first ones fault in memory and fill caches.
    for _ in 0..100 {
        call();
    }
    let mut times: Vec<u64> = Vec::with_capacity(1 << 20);
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                call();
                let took = started.elapsed();
                total += took;
                times.push(took.as_nanos() as u64);
            }
            total
        })
    });
    times.sort_unstable();
    Summary {
        name: name.to_string(),
        sorted_ns: times,
    }
}

/// Criterion settings that keep a full `make bench` to a few minutes on two cores.
pub(crate) fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
        .configure_from_args()
}

/// Writes `{tool, results: {name: {median_ns, p99_ns, mean_ns, calls}}}` to `path`.
pub(crate) fn write(path: &Path, tool: &str, summaries: &[Summary]) {
    let results: serde_json::Map<String, Value> = summaries
        .iter()
        .filter(|s| !s.sorted_ns.is_empty())
        .map(|s| (s.name.clone(), s.to_json()))
        .collect();
    let doc = json!({"tool": tool, "results": results});
    std::fs::create_dir_all(path.parent().expect("a directory")).expect("bench dir");
    std::fs::write(path, serde_json::to_string_pretty(&doc).expect("JSON"))
        .unwrap_or_else(|e| panic!("cannot write `{}`: {e}", path.display()));
    println!("wrote {}", path.display());
}
