//! Per-instance state: WASI (nothing granted), memory limits, and the request being served.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::chain::Invocation;

/// What a store carries for its instance.
pub(crate) struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(super) limits: StoreLimits,
    /// The component's index in the runtime, for nested calls and log lines.
    pub(super) component: usize,
    /// The request being served and this instance's place in its middleware chain.
    pub(super) call: Option<(Arc<Invocation>, usize)>,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A store for one instance of `component`: no environment, files or network; guest
/// stdout and stderr go to the host's stderr, so stdout stays the host's own (`invoke`).
pub(crate) fn new_store(engine: &Engine, component: usize, memory_limit: usize) -> Store<State> {
    let wasi = WasiCtxBuilder::new()
        .stdout(std::io::stderr())
        .stderr(std::io::stderr())
        .build();
    let limits = StoreLimitsBuilder::new()
        .memory_size(memory_limit)
        .trap_on_grow_failure(true)
        .build();
    let mut store = Store::new(
        engine,
        State {
            wasi,
            table: ResourceTable::new(),
            limits,
            component,
            call: None,
        },
    );
    store.limiter(|state| &mut state.limits);
    store
}
