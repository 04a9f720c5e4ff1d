//! Per-instance state: WASI with only what the component's bundle entry grants, `wasi:http`
//! behind its allow-list, memory limits, and the request being served.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, ResourceLimiter, Store};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};
use wasmtime_wasi_io::bindings::wasi::io::poll as async_poll;

use super::chain::Invocation;
use super::guest_output::{GuestOutput, Stream};
use super::sandbox::{OutboundHooks, Sandbox};

/// The most resources (open files, streams, `wasi:http` headers, requests and bodies,
/// pollables) one instance may hold in the host at once: each is host memory, some a file
/// descriptor, none counted in the guest's `memory_mb`. Past it, the call that asks for one
/// more fails (500) and the instance is dropped. A `wasi:http` headers object holds at most
/// wasmtime's 128 KiB, so an instance holds at most ~32 MiB of them.
pub(crate) const MAX_RESOURCES: usize = 256;

/// The resources a guest keeps between calls whatever it does: stdin, stdout and stderr and
/// their three terminal handles, as wasi-libc caches them, and two to spare.
const KEPT_RESOURCES: usize = 8;

/// A limit of the host's own that a guest call ran into: a typed error, so the failure is
/// told apart without reading wasmtime's words.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum HostLimit {
    /// Linear memory past `memory_mb`.
    #[error("memory would grow to {desired} bytes, over the limit of {limit}")]
    Memory {
        /// The size asked for.
        desired: usize,
        /// The limit.
        limit: usize,
    },
    /// A blocking host call (a poll on a clock, a stream, an outbound request) still waiting
    /// at the request's deadline.
    #[error("a blocking call was still waiting at the request's deadline")]
    Deadline,
    /// The request's shared context (`append_context`) past its budget.
    #[error("the request's context would hold {bytes} bytes, over the limit of {limit}")]
    Context {
        /// The size it would have.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
}

/// The instance's memory limit, refusing growth with a [`HostLimit::Memory`] trap.
pub(crate) struct GuestLimits {
    memory: usize,
}

impl GuestLimits {
    /// No memory limit (reading a snapshot back, which is not the app's work).
    pub(crate) fn unlimited() -> Self {
        Self { memory: usize::MAX }
    }
}

impl ResourceLimiter for GuestLimits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory || maximum.is_some_and(|max| desired > max) {
            return Err(wasmtime::Error::new(HostLimit::Memory {
                desired,
                limit: self.memory,
            }));
        }
        Ok(true)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        // The allocation itself failed: a trap, as any refused growth.
        Err(error)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(maximum.is_none_or(|max| desired <= max))
    }
}

/// `wasi:io/poll` bounded by the request's deadline. wasmtime's epoch deadline stops running
/// wasm only: a guest blocked in a host call (a sleep, a poll on a clock, a stream or an
/// outbound request) runs none, so without this it held its thread past its limit.
pub(crate) struct DeadlinePoll<'a> {
    table: &'a mut ResourceTable,
    deadline: Option<std::time::Instant>,
}

impl DeadlinePoll<'_> {
    /// Runs a poll future to its end or to the deadline, whichever comes first.
    fn until<T>(
        deadline: Option<std::time::Instant>,
        wait: impl std::future::Future<Output = wasmtime::Result<T>>,
    ) -> wasmtime::Result<T> {
        wasmtime_wasi::runtime::in_tokio(async move {
            match deadline {
                Some(deadline) => tokio::time::timeout_at(deadline.into(), wait)
                    .await
                    .unwrap_or_else(|_| Err(wasmtime::Error::new(HostLimit::Deadline))),
                None => wait.await,
            }
        })
    }
}

type Pollable = wasmtime::component::Resource<wasmtime_wasi_io::poll::DynPollable>;

impl wasmtime_wasi::p2::bindings::sync::io::poll::Host for DeadlinePoll<'_> {
    fn poll(&mut self, pollables: Vec<Pollable>) -> wasmtime::Result<Vec<u32>> {
        Self::until(self.deadline, async_poll::Host::poll(self.table, pollables))
    }
}

impl wasmtime_wasi::p2::bindings::sync::io::poll::HostPollable for DeadlinePoll<'_> {
    fn ready(&mut self, pollable: Pollable) -> wasmtime::Result<bool> {
        wasmtime_wasi::p2::bindings::sync::io::poll::HostPollable::ready(self.table, pollable)
    }
    fn block(&mut self, pollable: Pollable) -> wasmtime::Result<()> {
        Self::until(
            self.deadline,
            async_poll::HostPollable::block(self.table, pollable),
        )
    }
    fn drop(&mut self, pollable: Pollable) -> wasmtime::Result<()> {
        async_poll::HostPollable::drop(self.table, pollable)
    }
}

impl State {
    /// `wasi:io/poll` for this instance, bounded by the call's deadline.
    pub(crate) fn deadline_poll(&mut self) -> DeadlinePoll<'_> {
        DeadlinePoll {
            table: &mut self.table,
            deadline: self.hooks.deadline,
        }
    }

    /// Whether the instance holds no more resources in the host than a well-behaved guest
    /// keeps between calls: wasi-libc keeps the stdio streams (and their terminal handles) it
    /// has used, and the descriptors of its preopened directories, for the instance's life.
    /// One that ends a call holding more (an open file, a headers object never dropped) is
    /// not pooled for the next request; a leak of a few per call is so caught on the next.
    pub(super) fn holds_only_kept_resources(&mut self) -> bool {
        self.table.iter_mut().count() <= KEPT_RESOURCES + self.preopens
    }

    /// Whether the instance's resource table is at [`MAX_RESOURCES`].
    pub(super) fn resources_exhausted(&mut self) -> bool {
        self.table.iter_mut().count() >= MAX_RESOURCES
    }
}

/// What a store carries for its instance.
pub(crate) struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    pub(super) hooks: OutboundHooks,
    table: ResourceTable,
    /// How many directories are preopened (each a descriptor the guest keeps).
    preopens: usize,
    pub(super) limits: GuestLimits,
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
    let limits = GuestLimits {
        memory: spec.memory_limit,
    };
    let mut table = ResourceTable::new();
    table.set_max_capacity(MAX_RESOURCES);
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
            table,
            preopens: spec.sandbox.dirs.len(),
            limits,
            call: None,
            output,
        },
    );
    store.limiter(|state| &mut state.limits);
    store.set_hostcall_fuel(spec.hostcall_bytes);
    Ok(store)
}
