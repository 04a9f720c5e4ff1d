//! Per-instance state: WASI with only what the component's bundle entry grants, `wasi:http`
//! behind its allow-list, memory limits, and the request being served.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use super::chain::Invocation;
use super::guest_output::{GuestOutput, Stream};
use super::sandbox::{OutboundHooks, Sandbox};

/// What a store carries for its instance.
pub(crate) struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    pub(super) hooks: OutboundHooks,
    table: ResourceTable,
    pub(super) limits: StoreLimits,
    /// The component's index in the runtime, for nested calls and log lines.
    pub(super) component: usize,
    /// The request being served and this instance's place in its middleware chain.
    pub(super) call: Option<(Arc<Invocation>, usize)>,
    /// What the guest prints, on its way to the log.
    pub(super) output: GuestOutput,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// What a new store needs to know about its component.
pub(crate) struct StoreSpec<'a> {
    pub(crate) component: usize,
    pub(crate) name: &'a Arc<str>,
    pub(crate) sandbox: &'a Sandbox,
    pub(crate) memory_limit: usize,
    /// The most bytes the guest may hand the host in one call (`Store::set_hostcall_fuel`).
    pub(crate) hostcall_bytes: usize,
}

/// A store for one instance: the granted environment and read-only directories and nothing
/// else (no inherited environment, arguments, sockets or stdin); guest stdout and stderr
/// become lines of the host's log, on its stderr, so stdout stays the host's own (`invoke`).
pub(crate) fn new_store(engine: &Engine, spec: &StoreSpec<'_>) -> anyhow::Result<Store<State>> {
    let output = GuestOutput::new(spec.name);
    let mut wasi = WasiCtxBuilder::new();
    wasi.stdout(output.stream(Stream::Stdout))
        .stderr(output.stream(Stream::Stderr))
        .envs(&spec.sandbox.env);
    for (host, guest) in &spec.sandbox.dirs {
        wasi.preopened_dir(host, guest, FsPerms::ReadOnly)
            .map_err(anyhow::Error::from)?;
    }
    let limits = StoreLimitsBuilder::new()
        .memory_size(spec.memory_limit)
        .trap_on_grow_failure(true)
        .build();
    let mut store = Store::new(
        engine,
        State {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks {
                component: spec.name.clone(),
                hosts: spec.sandbox.hosts.clone(),
                deadline: None,
            },
            table: ResourceTable::new(),
            limits,
            component: spec.component,
            call: None,
            output,
        },
    );
    store.limiter(|state| &mut state.limits);
    store.set_hostcall_fuel(spec.hostcall_bytes);
    Ok(store)
}
