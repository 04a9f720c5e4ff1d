//! The wasmtime `Engine`, configured in one place and shared by the whole process.
//! Precompiled components only load into an engine with the same settings, so
//! `switchyard compile` and the host get their engine here.

use std::sync::OnceLock;
use std::time::Duration;

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances; deadlines are counted in these ticks.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// The process's engine, with its epoch ticker running.
pub(crate) fn shared_engine() -> anyhow::Result<Engine> {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    if let Some(engine) = ENGINE.get() {
        return Ok(engine.clone());
    }
    let engine = new_engine()?;
    if ENGINE.set(engine.clone()).is_ok() {
        start_epoch_ticker(engine.clone());
    }
    Ok(ENGINE.get().cloned().unwrap_or(engine))
}

/// An engine that compiles for `target` (a Rust target triple such as
/// `aarch64-unknown-linux-musl`) instead of this machine, for `switchyard compile --target`.
///
/// It has the shared engine's settings, so its artifacts load into the host built for that
/// target. Unlike the shared engine it infers no CPU features from this machine: the code
/// needs only the architecture's baseline and loads on any CPU of it (Lambda's included).
/// It runs no epoch ticker: it only compiles.
pub(crate) fn target_engine(target: &str) -> anyhow::Result<Engine> {
    let mut config = config();
    config.target(target).map_err(|err| {
        anyhow::anyhow!("`{target}` is not a target triple wasmtime can compile for: {err}")
    })?;
    Ok(Engine::new(&config)?)
}

/// The host's engine: instances come from a pool of pre-reserved slots, so instantiating is
/// no mmap and dropping no munmap, and a slot reused by the same component keeps its
/// copy-on-write image mapped (what makes fresh-instance mode affordable). Where the pool's
/// address space cannot be reserved (a `ulimit -v`), instances are allocated one by one.
fn new_engine() -> anyhow::Result<Engine> {
    let mut pooled = config();
    pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pool()));
    match Engine::new(&pooled) {
        Ok(engine) => Ok(engine),
        Err(err) => {
            crate::log::warn(&format!(
                "cannot reserve the instance pool ({err}); allocating instances on demand"
            ));
            Ok(Engine::new(&config())?)
        }
    }
}

/// Slots for every instance alive at once: warm ones kept per component, plus those serving
/// requests (one per middleware hop across components). Each memory slot is address space
/// only (4 GiB and guards, as without a pool); `StoreLimits` still caps what a component may
/// use. A call past the pool's size fails to instantiate and is answered with a 500.
fn pool() -> PoolingAllocationConfig {
    const INSTANCES: u32 = 1000;
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(INSTANCES)
        // wasm32-wasip2 components hold a few core instances each (the program and
        // wit-bindgen's shims), one memory and a couple of tables.
        .total_core_instances(INSTANCES * 4)
        .total_memories(INSTANCES)
        .total_tables(INSTANCES * 4)
        // Fiber stacks serve async calls only, which this host does not make; reserving
        // and guarding them was most of the pool's start-up time.
        .total_stacks(0)
        // A reused slot's table is cleared by memset rather than decommitted: cheaper than
        // faulting its pages in again.
        .table_keep_resident(1 << 16);
    // Where the kernel has PAGEMAP_SCAN (Linux 6.7+), a reused memory slot is reset by
    // copying back only the pages the last instance dirtied: no madvise, so no TLB-shootdown
    // IPIs, and no page faults when the next instance touches the same pages. Fresh-instance
    // mode measured 53 → 27 µs a request. Without the scan (older kernels, Lambda's among
    // them at the time of writing), keep_resident would memset the whole budget on every
    // drop, which costs more than the faults it saves; memories are then decommitted. What
    // stays resident is at most 1 MiB per slot ever used at once.
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        pool.pagemap_scan(Enabled::Auto)
            .linear_memory_keep_resident(1 << 20);
    }
    pool
}

/// The settings every engine of this host shares: an artifact loads only into an engine
/// with the same ones.
fn config() -> Config {
    let mut config = Config::new();
    // Deadlines per call (route timeout, Lambda's remaining time) interrupt a looping guest.
    config.epoch_interruption(true);
    // Instances start copy-on-write from the component's memory image.
    config.memory_init_cow(true);
    config
}

/// Advances the epoch every `EPOCH_TICK` for the life of the process.
fn start_epoch_ticker(engine: Engine) {
    let spawned = std::thread::Builder::new()
        .name("switchyard-epoch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        });
    if let Err(err) = spawned {
        crate::log::error(&format!(
            "cannot start the epoch thread; guest deadlines will not fire: {err}"
        ));
    }
}

/// The number of epoch ticks in `duration`, at least one.
pub(crate) fn ticks(duration: Duration) -> u64 {
    (duration.as_micros() / EPOCH_TICK.as_micros()).max(1) as u64
}

#[cfg(test)]
mod tests {
    use wasmtime::component::Component;

    use super::{shared_engine, target_engine};

    #[test]
    fn an_unknown_target_is_refused_by_name() {
        let err = target_engine("bogus-thing").unwrap_err().to_string();
        assert!(err.contains("`bogus-thing`"), "{err}");
    }

    #[test]
    fn code_compiled_for_this_architecture_loads_into_the_host_engine() {
        let triple = format!("{}-unknown-linux-musl", std::env::consts::ARCH);
        let artifact = target_engine(&triple)
            .unwrap()
            .precompile_component(b"(component)")
            .unwrap();
        // SAFETY: the artifact was just made by an engine with the host's settings.
        unsafe { Component::deserialize(&shared_engine().unwrap(), &artifact) }.unwrap();
    }
}
