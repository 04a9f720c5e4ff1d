//! Hot swap: watch the bundle, load a changed one off to the side, and swap it in whole.
//!
//! The watcher polls the manifest and the component files it names every [`POLL`]. It does
//! not use inotify (the `notify` crate): polling a handful of files costs nothing, behaves
//! the same on every filesystem (bind mounts, network drives and editors that write through
//! a temporary file and rename it all confuse event-based watchers), and needs no dependency.
//!
//! A change is loaded only once the files have stayed the same for one poll, so a file
//! being copied in is not read half-written; a load that still fails is retried on the
//! next polls, [`ATTEMPTS`] times in all, before the new version is refused. A component
//! whose `.cwasm` is older than its new `.wasm` is being precompiled (`switchyard build`
//! copies the `.wasm`, then writes the `.cwasm`): the load waits for it, up to
//! [`PRECOMPILE_WAIT`], rather than compile the component itself as well. Requests hold
//! the `Arc<Pipeline>` they started with, so in-flight requests finish on the old version
//! and no request ever sees half a swap.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::bundle::MANIFEST_FILE;
use crate::pipeline::Pipeline;
use crate::request::EventSource;

/// How often the bundle is looked at.
const POLL: Duration = Duration::from_millis(200);
/// Loads tried for one change before it is refused.
const ATTEMPTS: u32 = 3;
/// Polls a settled change waits for a stale `.cwasm` to be rewritten (5 s; a debug host
/// precompiles a component in about a second here): whatever copied the `.wasm` may not
/// precompile at all.
const PRECOMPILE_WAIT: u32 = 25;

/// The pipeline being served, replaced whole when the bundle changes.
pub(super) struct LivePipeline {
    current: RwLock<Arc<Pipeline>>,
    version: AtomicU64,
}

impl LivePipeline {
    pub(super) fn new(pipeline: Pipeline) -> Self {
        Self {
            current: RwLock::new(Arc::new(pipeline)),
            version: AtomicU64::new(1),
        }
    }

    /// The version to answer the next request with.
    pub(super) fn current(&self) -> Arc<Pipeline> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Puts `pipeline` in service and returns its version number. The old one is dropped
    /// when its last in-flight request finishes.
    pub(super) fn replace(&self, pipeline: Pipeline) -> u64 {
        let new = Arc::new(pipeline);
        let old = std::mem::replace(
            &mut *self
                .current
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            new,
        );
        drop(old);
        self.version.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// What the bundle looks like on disk: the modification time and length of the manifest
/// and of each component file it names, with its `.cwasm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Snapshot {
    files: Vec<(PathBuf, Option<Stamp>)>,
    /// Some component has a `.cwasm` older than its `.wasm`.
    stale_precompiled: bool,
}

/// A file's modification time and length.
type Stamp = (SystemTime, u64);

impl Snapshot {
    pub(super) fn take(dir: &Path) -> Self {
        let stamp = |path: &Path| {
            std::fs::metadata(path)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        };
        let manifest = dir.join(MANIFEST_FILE);
        let mut files = vec![(manifest.clone(), stamp(&manifest))];
        let mut stale_precompiled = false;
        // Read leniently: a manifest that does not parse is still watched, and its load
        // fails with the real error.
        let listed = std::fs::read(&manifest)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
        for component in listed
            .as_ref()
            .and_then(|m| m.get("components"))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(file) = component.get("file").and_then(serde_json::Value::as_str) {
                let wasm = dir.join(file);
                let cwasm = wasm.with_extension("cwasm");
                let (wasm_stamp, cwasm_stamp) = (stamp(&wasm), stamp(&cwasm));
                if let (Some((built, _)), Some((precompiled, _))) = (wasm_stamp, cwasm_stamp) {
                    stale_precompiled |= precompiled < built;
                }
                files.push((wasm, wasm_stamp));
                files.push((cwasm, cwasm_stamp));
            }
        }
        Self {
            files,
            stale_precompiled,
        }
    }
}

/// What to do after a look at the bundle.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Nothing new, or still changing.
    Wait,
    /// A change has settled: load it.
    Load,
}

/// The debounce and retry rules, apart from the clock and the disk.
#[derive(Debug)]
struct Debounce {
    /// The bundle as last loaded or refused.
    seen: Snapshot,
    /// A change seen on the last look, waiting to settle or being retried.
    pending: Option<Snapshot>,
    /// Failed loads of `pending`.
    failures: u32,
    /// Polls `pending` has waited, settled, for its `.cwasm` files.
    waited: u32,
}

impl Debounce {
    fn new(seen: Snapshot) -> Self {
        Self {
            seen,
            pending: None,
            failures: 0,
            waited: 0,
        }
    }

    fn observe(&mut self, now: Snapshot) -> Step {
        if now == self.seen {
            // Changed back (an editor's save-and-restore): nothing to do.
            self.pending = None;
            self.failures = 0;
            return Step::Wait;
        }
        if self.pending.as_ref() != Some(&now) {
            // New, or still being written: look again before reading it.
            self.pending = Some(now);
            self.failures = 0;
            self.waited = 0;
            return Step::Wait;
        }
        if now.stale_precompiled && self.waited < PRECOMPILE_WAIT {
            self.waited += 1;
            return Step::Wait;
        }
        Step::Load
    }

    /// The pending change is in service.
    fn loaded(&mut self) {
        if let Some(pending) = self.pending.take() {
            self.seen = pending;
        }
        self.failures = 0;
    }

    /// The pending change failed to load; true when it is now refused for good (until the
    /// files change again).
    fn failed(&mut self) -> bool {
        self.failures += 1;
        if self.failures < ATTEMPTS {
            return false;
        }
        self.loaded();
        true
    }
}

/// Starts the watcher thread. `served` is the bundle as it was when `live` was loaded.
pub(super) fn spawn(
    dir: PathBuf,
    source: EventSource,
    live: Arc<LivePipeline>,
    served: Snapshot,
) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("switchyard-watch".into())
        .spawn(move || {
            let mut debounce = Debounce::new(served);
            loop {
                std::thread::sleep(POLL);
                if debounce.observe(Snapshot::take(&dir)) == Step::Load {
                    reload(&dir, source, &live, &mut debounce);
                }
            }
        })?;
    Ok(())
}

fn reload(dir: &Path, source: EventSource, live: &LivePipeline, debounce: &mut Debounce) {
    let started = Instant::now();
    match super::load(dir, source) {
        Ok(pipeline) => {
            let version = live.replace(pipeline);
            debounce.loaded();
            crate::log::info(&format!(
                "swapped in the changed bundle `{}` (version {version}, loaded in {} ms)",
                dir.display(),
                started.elapsed().as_millis()
            ));
        }
        Err(err) if debounce.failed() => crate::log::error(&format!(
            "refused the changed bundle `{}`; still serving the previous version: {err:#}",
            dir.display()
        )),
        Err(err) => crate::log::emit(
            crate::log::Level::Debug,
            &format!("the changed bundle does not load yet (retrying): {err:#}"),
            &[],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(len: u64) -> Snapshot {
        Snapshot {
            files: vec![(
                PathBuf::from("app.wasm"),
                Some((SystemTime::UNIX_EPOCH, len)),
            )],
            stale_precompiled: false,
        }
    }

    /// A component copied in whose `.cwasm` is still the previous build's.
    fn precompiling(len: u64) -> Snapshot {
        Snapshot {
            stale_precompiled: true,
            ..snapshot(len)
        }
    }

    #[test]
    fn a_change_loads_only_after_it_settles() {
        let mut d = Debounce::new(snapshot(1));
        assert_eq!(d.observe(snapshot(1)), Step::Wait);
        assert_eq!(d.observe(snapshot(5)), Step::Wait, "first sight");
        assert_eq!(d.observe(snapshot(9)), Step::Wait, "still growing");
        assert_eq!(d.observe(snapshot(9)), Step::Load, "settled");
        d.loaded();
        assert_eq!(d.observe(snapshot(9)), Step::Wait, "in service");
    }

    #[test]
    fn a_failing_change_is_retried_then_refused_until_it_changes_again() {
        let mut d = Debounce::new(snapshot(1));
        d.observe(snapshot(2));
        for attempt in 1..ATTEMPTS {
            assert_eq!(d.observe(snapshot(2)), Step::Load, "attempt {attempt}");
            assert!(!d.failed());
        }
        assert_eq!(d.observe(snapshot(2)), Step::Load);
        assert!(d.failed(), "refused after {ATTEMPTS} attempts");
        assert_eq!(d.observe(snapshot(2)), Step::Wait, "not retried forever");
        assert_eq!(d.observe(snapshot(3)), Step::Wait);
        assert_eq!(d.observe(snapshot(3)), Step::Load, "a new change is tried");
    }

    #[test]
    fn a_change_during_retries_starts_over() {
        let mut d = Debounce::new(snapshot(1));
        d.observe(snapshot(2));
        assert_eq!(d.observe(snapshot(2)), Step::Load);
        assert!(!d.failed());
        assert_eq!(d.observe(snapshot(4)), Step::Wait, "the copy went on");
        assert_eq!(d.observe(snapshot(4)), Step::Load);
        assert!(!d.failed(), "the count started over");
    }

    #[test]
    fn a_settled_change_waits_for_its_precompiled_code_for_a_while() {
        let mut d = Debounce::new(snapshot(1));
        assert_eq!(d.observe(precompiling(2)), Step::Wait, "first sight");
        assert_eq!(
            d.observe(precompiling(2)),
            Step::Wait,
            "the .cwasm is older"
        );
        // The build writes the .cwasm: the snapshot changes, settles and loads.
        let precompiled = snapshot(2);
        assert_eq!(d.observe(precompiled.clone()), Step::Wait);
        assert_eq!(d.observe(precompiled), Step::Load);

        // Nothing rewrites the .cwasm: the change loads anyway, PRECOMPILE_WAIT polls on.
        let mut d = Debounce::new(snapshot(1));
        d.observe(precompiling(3));
        for poll in 0..PRECOMPILE_WAIT {
            assert_eq!(d.observe(precompiling(3)), Step::Wait, "poll {poll}");
        }
        assert_eq!(d.observe(precompiling(3)), Step::Load);
    }

    #[test]
    fn snapshots_follow_the_files_the_manifest_names() {
        let dir = std::env::temp_dir().join(format!("switchyard-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(MANIFEST_FILE),
            r#"{"components": [{"name": "a", "file": "a.wasm"}]}"#,
        )
        .unwrap();
        let before = Snapshot::take(&dir);
        assert_eq!(before.files.len(), 3, "the manifest, a.wasm and a.cwasm");
        std::fs::write(dir.join("unrelated.txt"), "x").unwrap();
        assert_eq!(Snapshot::take(&dir), before, "other files are not watched");
        std::fs::write(dir.join("a.cwasm"), "old").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(dir.join("a.wasm"), "x").unwrap();
        let built = Snapshot::take(&dir);
        assert_ne!(built, before, "a component appeared");
        assert!(built.stale_precompiled, "its .cwasm is older");
        std::fs::write(dir.join("a.cwasm"), "new").unwrap();
        let precompiled = Snapshot::take(&dir);
        assert_ne!(precompiled, built, "the .cwasm is watched");
        assert!(!precompiled.stale_precompiled);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
