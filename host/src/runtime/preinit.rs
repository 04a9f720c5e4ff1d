//! Pre-initialisation: `switchyard compile` runs a component until it has built its app (its
//! `manifest` call), then snapshots its memory and globals with wasmtime-wizer. The snapshot
//! is what gets compiled, so every instance starts with the app already built: a fresh
//! instance skips the construction, and the heap it grew is part of the copy-on-write image.
//!
//! A snapshot freezes whatever the construction saw. A component whose construction reads
//! what belongs to the deployment (environment variables, granted directories, outbound
//! HTTP) or still holds a WASI handle afterwards (an open stream or file) is not
//! snapshotted; it builds its app in each instance as before.
//!
//! Randomness drawn while the app is built is frozen too: Rust's `HashMap` keys (from
//! `wasi:random/insecure-seed`) are drawn at compile time, so every instance of one build
//! shares them, and two compiles of the same component differ in those bytes. They stay
//! secret (they are in the artifact only), which hash-flooding protection needs; a fixed
//! seed would make builds reproducible but the keys public.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use anyhow::Context as _;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, ComponentType, Instance, Lift, Linker, WasmList};
use wasmtime::{Engine, Store};
use wasmtime_wasi::WasiView;
use wasmtime_wizer::{ComponentInstanceState, Wizer};

use super::store::{State, StoreSpec, new_store};
use super::{Sandbox, bindings, engine, linker};

/// Imports whose answers come from the deployment, not the build machine, with what a
/// component calling one is doing. Calling one while the app is built leaves it unsnapshotted.
const DEPLOYMENT_INPUTS: [(&str, &str); 3] = [
    ("wasi:cli/environment", "reads its environment"),
    ("wasi:filesystem/preopens", "opens its granted directories"),
    (
        "wasi:http/outgoing-handler",
        "makes an outbound HTTP request",
    ),
];

/// How much one pre-initialisation may use.
#[derive(Debug, Clone, Copy)]
pub struct PreinitLimits {
    /// The most linear memory the instance may grow to, in bytes.
    pub memory: usize,
    /// The longest building the app may take.
    pub timeout: Duration,
}

/// `wasm` with its app built, as a component whose instances start from that state; or why
/// it cannot be snapshotted, in which case `wasm` is to be used as it is.
pub fn preinitialize(
    engine: &Engine,
    wasm: &[u8],
    limits: PreinitLimits,
) -> anyhow::Result<Vec<u8>> {
    let wizer = Wizer::new();
    let (shape, instrumented) = wizer
        .instrument_component(wasm)
        .map_err(anyhow::Error::from)?;
    let component = Component::new(engine, &instrumented).map_err(anyhow::Error::from)?;
    let tripped: Arc<OnceLock<&str>> = Arc::new(OnceLock::new());
    let mut linker = linker(engine)?;
    trip_deployment_inputs(&mut linker, engine, &component, &tripped)?;
    let name: Arc<str> = "pre-initialisation".into();
    let sandbox = Sandbox::default();
    let spec = StoreSpec {
        component: 0,
        name: &name,
        sandbox: &sandbox,
        memory_limit: limits.memory,
        hostcall_bytes: limits.memory,
    };
    let mut store = new_store(engine, &spec)?;
    store.set_epoch_deadline(engine::ticks(limits.timeout));
    let instance = linker
        .instantiate(&mut store, &component)
        .map_err(anyhow::Error::from)
        .context("it does not start")?;
    let handler = bindings::Handler::new(&mut store, &instance).map_err(anyhow::Error::from)?;
    let built = handler.call_manifest(&mut store);
    if let Some(input) = tripped.get() {
        anyhow::bail!("its app {input} while it is built");
    }
    built
        .map_err(anyhow::Error::from)
        .context("it failed while declaring its routes")?;
    if !store.data_mut().ctx().table.is_empty() {
        anyhow::bail!("it keeps a WASI handle (an open stream or file) once its app is built");
    }
    let mut access = Access {
        store: &mut store,
        instance,
        failure: None,
    };
    let snapshot = run_ready(wizer.snapshot_component(&shape, &mut access))?;
    if let Some(failure) = access.failure {
        return Err(failure.context("reading its state failed"));
    }
    snapshot.map_err(anyhow::Error::from)
}

/// Replaces every function of the deployment-input interfaces the component imports with one
/// that records the attempt and traps.
fn trip_deployment_inputs(
    linker: &mut Linker<State>,
    engine: &Engine,
    component: &Component,
    tripped: &Arc<OnceLock<&'static str>>,
) -> anyhow::Result<()> {
    linker.allow_shadowing(true);
    for (name, item) in component.component_type().imports(engine) {
        let interface = name.split('@').next().unwrap_or(name);
        let Some(&(_, doing)) = DEPLOYMENT_INPUTS.iter().find(|(i, _)| *i == interface) else {
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
            let tripped = tripped.clone();
            wired
                .func_new(func, move |_, _, _, _| {
                    let _ = tripped.set(doing);
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
