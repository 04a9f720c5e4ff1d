//! The wasmtime `Engine`, configured in one place and shared by the whole process.
//! Precompiled components only load into an engine with the same settings, so
//! `switchyard bundle` and the host get their engine here.

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

fn new_engine() -> anyhow::Result<Engine> {
    let mut config = Config::new();
    // Deadlines per call (route timeout, Lambda's remaining time) interrupt a looping guest.
    config.epoch_interruption(true);
    // Instances start copy-on-write from the component's memory image.
    config.memory_init_cow(true);
    Ok(Engine::new(&config)?)
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
