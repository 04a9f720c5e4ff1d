//! Pre-initialisation: `switchyard compile` runs a component until it has built its app (its
//! `manifest` call), then snapshots its memory and globals with wasmtime-wizer. The snapshot
//! is what gets compiled, so every instance starts with the app already built: a fresh
//! instance skips the construction, and the heap it grew is part of the copy-on-write image.
//!
//! A snapshot freezes whatever the construction saw, so only imports that answer the same at
//! compile time as in the deployment may be called while the app is built: logging, WASI's
//! streams, and what no grant can open (files without a preopen, sockets). A call to any
//! other import (the environment, granted directories, outbound HTTP, clocks, random numbers)
//! stops the snapshot, as does a WASI handle still held afterwards (a stream wasi-libc keeps
//! after a `println!`); the component then builds its app in each instance as before.
//!
//! The one exception is `wasi:random/insecure-seed`, from which Rust's `HashMap` keys come:
//! nearly every app draws it while it is built. The keys are drawn at compile time, so every
//! instance of one build shares them, and two compiles of the same component differ in those
//! bytes. They stay secret (they are in the artifact only), which hash-flooding protection
//! needs; a fixed seed would make builds reproducible but the keys public.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use anyhow::Context as _;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, ComponentType, Instance, Lift, Linker, WasmList};
use wasmtime::{Engine, Store};
use wasmtime_wasi::WasiView;
use wasmtime_wizer::{ComponentInstanceState, Wizer};

use super::host_impl::GuestPanic;
use super::store::{GuestLimits, State, StoreSpec, new_store};
use super::{Sandbox, bindings, engine, linker};

/// Interfaces (by name or prefix, without version) a component may call while its app is
/// built: each answers the same at compile time as in the deployment, or leaves a handle the
/// emptiness check sees.
const SAME_AT_BUILD: [&str; 10] = [
    "switchyard:handler/host",
    "wasi:random/insecure-seed",
    "wasi:io/",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-",
    "wasi:filesystem/types",
    "wasi:sockets/",
    "wasi:http/types",
];

/// Why a component that calls `interface` while its app is built cannot be snapshotted, or
/// `None` when it may call it.
fn tripwire_reason(interface: &str) -> Option<String> {
    if SAME_AT_BUILD
        .iter()
        .any(|allowed| match allowed.strip_suffix(['/', '-']) {
            Some(_) => interface.starts_with(allowed),
            None => interface == *allowed,
        })
    {
        return None;
    }
    let doing = match interface {
        "wasi:cli/environment" => "reads its environment",
        "wasi:filesystem/preopens" => "opens its granted directories",
        "wasi:http/outgoing-handler" => "makes an outbound HTTP request",
        _ if interface.starts_with("wasi:clocks/") => "reads the clock",
        _ if interface.starts_with("wasi:random/") => "draws random numbers",
        _ => return Some(format!("calls `{interface}`")),
    };
    Some(doing.to_string())
}

/// How much one pre-initialisation may use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreinitLimits {
    /// The most linear memory the instance may grow to, in bytes.
    pub memory: usize,
    /// The longest building the app may take.
    pub timeout: Duration,
}

/// `wasm` with its app built, as a component whose instances start from that state; or why
/// it cannot be snapshotted, in which case `wasm` is to be used as it is.
pub(crate) fn preinitialize(
    engine: &Engine,
    wasm: &[u8],
    limits: PreinitLimits,
) -> anyhow::Result<Vec<u8>> {
    let wizer = Wizer::new();
    let (shape, instrumented) = wizer
        .instrument_component(wasm)
        .map_err(anyhow::Error::from)?;
    let component = Component::new(engine, &instrumented).map_err(anyhow::Error::from)?;
    let tripped = Arc::new(OnceLock::new());
    let mut linker = linker(engine)?;
    install_tripwires(&mut linker, engine, &component, &tripped)?;
    let mut store = bare_store(engine, limits)?;
    // A tripwire traps, so when one fired it is the reason, whatever failed after it.
    let tripped_reason = || {
        tripped
            .get()
            .map(|doing| anyhow::anyhow!("its app {doing} while it is built"))
    };
    let instance = match linker.instantiate(&mut store, &component) {
        Ok(instance) => instance,
        Err(err) => {
            return Err(tripped_reason()
                .unwrap_or_else(|| anyhow::Error::from(err).context("it does not start")));
        }
    };
    let handler = bindings::Handler::new(&mut store, &instance).map_err(anyhow::Error::from)?;
    let built = handler.call_manifest(&mut store);
    if let Some(reason) = tripped_reason() {
        return Err(reason);
    }
    built
        .map_err(GuestPanic::or_error)
        .context("it failed while declaring its routes")?;
    if !store.data_mut().ctx().table.is_empty() {
        anyhow::bail!("it keeps a WASI handle (an open stream or file) once its app is built");
    }
    // Reading the state back runs wizer's accessors in the guest: one grows memory by a
    // page, and all of them run after the build's time. Neither limit is the app's to meet.
    store.data_mut().limits = GuestLimits::unlimited();
    store.set_epoch_deadline(engine::ticks(Duration::from_secs(3600)));
    let mut access = Access {
        store: &mut store,
        instance,
        failure: None,
    };
    // wizer asserts on what it read (it is not written for a reader that can fail): a
    // failure that reaches one of its asserts is turned back into this component's error.
    let snapshot = std::panic::catch_unwind(AssertUnwindSafe(|| {
        run_ready(wizer.snapshot_component(&shape, &mut access))
    }));
    if let Some(failure) = access.failure {
        return Err(failure.context("reading its state failed"));
    }
    match snapshot {
        Ok(snapshot) => snapshot?.map_err(anyhow::Error::from),
        Err(_) => anyhow::bail!("wizer could not snapshot it"),
    }
}

/// A store with no grants at all (no environment, directories or hosts), within `limits`.
fn bare_store(engine: &Engine, limits: PreinitLimits) -> anyhow::Result<Store<State>> {
    let name: Arc<str> = "pre-initialisation".into();
    let spec = StoreSpec {
        name: &name,
        sandbox: &Sandbox::default(),
        memory_limit: limits.memory,
        hostcall_bytes: limits.memory,
    };
    let mut store = new_store(engine, &spec)?;
    store.set_epoch_deadline(engine::ticks(limits.timeout));
    Ok(store)
}

/// Replaces every function of the imported interfaces a component may not call while its
/// app is built with one that records why and traps.
fn install_tripwires(
    linker: &mut Linker<State>,
    engine: &Engine,
    component: &Component,
    tripped: &Arc<OnceLock<String>>,
) -> anyhow::Result<()> {
    linker.allow_shadowing(true);
    for (name, item) in component.component_type().imports(engine) {
        let interface = name.split('@').next().unwrap_or(name);
        let Some(reason) = tripwire_reason(interface) else {
            continue;
        };
        let ComponentItem::ComponentInstance(ty) = item.ty else {
            continue;
        };
        // The guest's own name for the interface: defined exactly, it is found before the
        // semver-compatible version the WASI implementation registered.
        let mut wired = linker.instance(name).map_err(anyhow::Error::from)?;
        for (func, item) in ty.exports(engine) {
            if !matches!(item.ty, ComponentItem::ComponentFunc(_)) {
                continue;
            }
            let (tripped, reason) = (tripped.clone(), reason.clone());
            wired
                .func_new(func, move |_, _, _, _| {
                    let _ = tripped.set(reason.clone());
                    wasmtime::bail!("not available while the app is pre-initialised")
                })
                .map_err(anyhow::Error::from)?;
        }
    }
    Ok(())
}

/// Polls a future that never waits. wizer's snapshot is async for embedders with async
/// guests; every call here is synchronous, so it is ready on the first poll.
fn run_ready<F: Future>(future: F) -> anyhow::Result<F::Output> {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => anyhow::bail!("the snapshot waited on something"),
    }
}

/// wizer's view of the instance: the accessor functions its instrumentation exported. The
/// trait cannot fail, so the first error is kept in `failure` and defaults are returned.
struct Access<'a> {
    store: &'a mut Store<State>,
    instance: Instance,
    failure: Option<anyhow::Error>,
}

impl Access<'_> {
    fn call<R>(&mut self, interface: &str, func: &str, read: impl FnOnce(&Store<State>, R))
    where
        R: ComponentType + Lift + Send + Sync + 'static,
    {
        if self.failure.is_some() {
            return;
        }
        let store = &mut *self.store;
        let result = (|| {
            let (_, parent) = self
                .instance
                .get_export(&mut *store, None, interface)
                .with_context(|| format!("no export `{interface}`"))?;
            let (_, index) = self
                .instance
                .get_export(&mut *store, Some(&parent), func)
                .with_context(|| format!("no export `{interface}#{func}`"))?;
            let typed = self
                .instance
                .get_typed_func::<(), (R,)>(&mut *store, index)
                .map_err(anyhow::Error::from)?;
            let (value,) = typed.call(&mut *store, ()).map_err(anyhow::Error::from)?;
            read(store, value);
            anyhow::Ok(())
        })();
        if let Err(err) = result {
            self.failure = Some(err);
        }
    }

    fn scalar<R>(&mut self, interface: &str, func: &str) -> R
    where
        R: ComponentType + Lift + Send + Sync + Default + 'static,
    {
        let mut out = R::default();
        self.call(interface, func, |_, value| out = value);
        out
    }
}

impl ComponentInstanceState for Access<'_> {
    async fn call_func_ret_list_u8(
        &mut self,
        interface: &str,
        func: &str,
        contents: impl FnOnce(&[u8]) + Send,
    ) {
        self.call(interface, func, |store, list: WasmList<u8>| {
            contents(list.as_le_slice(store))
        });
    }

    async fn call_func_ret_s32(&mut self, interface: &str, func: &str) -> i32 {
        self.scalar(interface, func)
    }

    async fn call_func_ret_s64(&mut self, interface: &str, func: &str) -> i64 {
        self.scalar(interface, func)
    }

    async fn call_func_ret_f32(&mut self, interface: &str, func: &str) -> u32 {
        self.scalar::<f32>(interface, func).to_bits()
    }

    async fn call_func_ret_f64(&mut self, interface: &str, func: &str) -> u64 {
        self.scalar::<f64>(interface, func).to_bits()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, OnceLock};
    use std::time::Duration;

    use wasmtime::component::Component;

    use super::{PreinitLimits, bare_store, install_tripwires, linker, tripwire_reason};
    use crate::runtime::shared_engine;

    /// Imports the monotonic clock at an older WASI version than the host implements (the
    /// linker serves it by semver) and reads it from its `run` export.
    const READS_AN_OLDER_CLOCK: &str = r#"
        (component
          (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
            (export "now" (func (result u64)))))
          (core func $now (canon lower (func $clock "now")))
          (core module $m
            (import "clock" "now" (func $now (result i64)))
            (func (export "run") (drop (call $now))))
          (core instance $i (instantiate $m (with "clock" (instance (export "now" (func $now))))))
          (func (export "run") (canon lift (core func $i "run"))))
    "#;

    /// Runs the component's `run` export, with or without the tripwires: whether it
    /// succeeded, and the reason a tripwire recorded.
    fn run(with_tripwires: bool) -> (bool, Option<String>) {
        let engine = shared_engine().unwrap();
        let component = Component::new(&engine, READS_AN_OLDER_CLOCK).unwrap();
        let mut linker = linker(&engine).unwrap();
        let tripped = Arc::new(OnceLock::new());
        if with_tripwires {
            install_tripwires(&mut linker, &engine, &component, &tripped).unwrap();
        }
        let limits = PreinitLimits {
            memory: 1 << 20,
            timeout: Duration::from_secs(5),
        };
        let mut store = bare_store(&engine, limits).unwrap();
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let run = instance
            .get_typed_func::<(), ()>(&mut store, "run")
            .unwrap();
        let ran = run.call(&mut store, ()).is_ok();
        (ran, tripped.get().cloned())
    }

    #[test]
    fn a_tripwire_catches_an_import_of_an_older_wasi_version() {
        assert_eq!(run(false), (true, None), "the host's clock answers");
        assert_eq!(run(true), (false, Some("reads the clock".to_string())));
    }

    #[test]
    fn imports_that_answer_differently_in_the_deployment_trip_the_snapshot() {
        let cases = [
            ("wasi:cli/environment", Some("reads its environment")),
            (
                "wasi:filesystem/preopens",
                Some("opens its granted directories"),
            ),
            (
                "wasi:http/outgoing-handler",
                Some("makes an outbound HTTP request"),
            ),
            ("wasi:clocks/wall-clock", Some("reads the clock")),
            ("wasi:clocks/monotonic-clock", Some("reads the clock")),
            ("wasi:random/random", Some("draws random numbers")),
            ("wasi:random/insecure", Some("draws random numbers")),
            ("wasi:cli/exit", Some("calls `wasi:cli/exit`")),
            ("wasi:keyvalue/store", Some("calls `wasi:keyvalue/store`")),
            // A prefix entry is not a prefix of a longer interface name.
            (
                "switchyard:handler/host-extra",
                Some("calls `switchyard:handler/host-extra`"),
            ),
            ("wasi:random/insecure-seed", None),
            ("switchyard:handler/host", None),
            ("wasi:io/streams", None),
            ("wasi:io/error", None),
            ("wasi:cli/stdout", None),
            ("wasi:cli/terminal-stdout", None),
            ("wasi:filesystem/types", None),
            ("wasi:sockets/tcp", None),
            ("wasi:http/types", None),
        ];
        for (interface, expected) in cases {
            assert_eq!(
                tripwire_reason(interface).as_deref(),
                expected,
                "{interface}"
            );
        }
    }
}
