//! The wasmtime `Engine`, configured in one place and shared by the whole process.
//! Precompiled components only load into an engine with the same settings, so
//! `switchyard compile` and the host get their engine here.

use std::sync::OnceLock;
use std::time::Duration;

use wasmtime::{Config, Engine};

/// How often the epoch advances; deadlines are counted in these ticks.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// The process's engine, with its epoch ticker running.
pub fn shared_engine() -> anyhow::Result<Engine> {
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
pub fn target_engine(target: &str) -> anyhow::Result<Engine> {
    let mut config = config();
    config.target(target).map_err(|err| {
        anyhow::anyhow!("`{target}` is not a target triple wasmtime can compile for: {err}")
    })?;
    Ok(Engine::new(&config)?)
}

fn new_engine() -> anyhow::Result<Engine> {
    Ok(Engine::new(&config())?)
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
