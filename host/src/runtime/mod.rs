//! The WebAssembly side: loading components, keeping warm instances, and calling into them.
//!
//! Each component is compiled (or deserialized from its precompiled artifact) once and
//! pre-instantiated once. Calls take an idle instance or create one; an instance that traps
//! is dropped, never reused. A middleware that calls `next` into its own component gets a
//! second instance, since a component instance cannot be re-entered. Every instance runs in
//! its component's [`Sandbox`]: only the grants of its bundle entry, within its limits.

mod bindings;
mod chain;
mod convert;
mod engine;
mod failure;
mod guest_output;
mod host_impl;
mod preinit;
mod sandbox;
mod store;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, Store};

use bindings::{Error as WitError, Response as WitResponse, Target};
pub(crate) use chain::{Call, Frame, Invocation, NativeHandler};
pub(crate) use engine::{shared_engine, target_engine};
pub(crate) use failure::CallFailure;
pub(crate) use guest_output::OutputLimits;
use host_impl::GuestPanic;
pub(crate) use preinit::{PreinitLimits, preinitialize};
pub(crate) use sandbox::{AllowedHosts, Sandbox, env_grants};
use store::{State, StoreSpec, new_store};

use crate::app_manifest::AppManifest;

/// How instances are created and what each call may use.
#[derive(Debug, Clone)]
pub struct RuntimeSettings {
    /// A fresh instance for every call instead of warm reuse.
    pub fresh_instances: bool,
    /// The most linear memory one instance may grow to, in bytes.
    pub memory_limit: usize,
    /// The longest one request's guest calls may run.
    pub call_timeout: Duration,
    /// The largest Lambda response, as the JSON Lambda is handed, in bytes; it sets the
    /// hostcall fuel too ([`Self::hostcall_bytes`]).
    pub response_bytes: usize,
    /// The most headers and cookies a guest response may carry.
    pub response_headers: usize,
    /// The largest header section of a response, each value and cookie counted as its
    /// `Name: value\r\n` line.
    pub response_header_bytes: usize,
    /// How much of the host's log a guest's output may take in each call.
    pub output: OutputLimits,
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        Self {
            fresh_instances: false,
            memory_limit: 128 << 20,
            call_timeout: Duration::from_secs(30),
            response_bytes: 6 << 20,
            response_headers: 100,
            response_header_bytes: 10_240,
            output: OutputLimits::default(),
        }
    }
}

impl RuntimeSettings {
    /// The most bytes a guest may copy to the host in one call (its answer, a log line):
    /// the largest body with room for its headers, so that wasmtime refuses a runaway answer
    /// while lifting it, before the host allocates it (`Store::set_hostcall_fuel`).
    fn hostcall_bytes(&self) -> usize {
        self.response_bytes
            .saturating_mul(2)
            .saturating_add(1 << 20)
    }
}

struct Instance {
    store: Store<State>,
    bindings: bindings::Handler,
}

/// One loaded component.
pub struct LoadedComponent {
    /// The component's name in the bundle.
    pub name: String,
    /// What it declared.
    pub(crate) manifest: AppManifest,
    /// What it may use, and its own limits.
    pub sandbox: Sandbox,
    label: Arc<str>,
    pre: bindings::HandlerPre<State>,
    idle: Mutex<Vec<Instance>>,
}

/// Where a component's code comes from.
#[derive(Debug, Clone)]
pub struct ComponentSource {
    /// The component's name.
    pub name: String,
    /// The `.wasm` component.
    pub wasm: std::path::PathBuf,
    /// Its precompiled artifact, used when present and built by this host's engine.
    pub precompiled: Option<std::path::PathBuf>,
    /// What it may use, and its own limits.
    pub sandbox: Sandbox,
}

impl LoadedComponent {
    /// The longest a request routed to this component may run.
    pub fn timeout(&self, settings: &RuntimeSettings) -> Duration {
        self.sandbox.timeout.unwrap_or(settings.call_timeout)
    }
}

/// Every component of a bundle, ready to call.
pub struct Runtime {
    engine: Engine,
    components: Vec<LoadedComponent>,
    settings: RuntimeSettings,
}

/// The most warm instances kept per component between requests.
const MAX_IDLE_INSTANCES: usize = 64;

impl Runtime {
    /// Loads, links and pre-instantiates every component and reads its manifest.
    pub fn load(
        sources: &[ComponentSource],
        settings: RuntimeSettings,
    ) -> anyhow::Result<Arc<Self>> {
        let engine = shared_engine()?;
        let linker = linker(&engine)?;
        let mut components = Vec::with_capacity(sources.len());
        for source in sources {
            let component = load_component(&engine, source)
                .with_context(|| format!("component `{}` cannot be loaded", source.name))?;
            if let Some(sockets) = component
                .component_type()
                .imports(&engine)
                .map(|(name, _)| name)
                .find(|name| name.starts_with("wasi:sockets/"))
            {
                anyhow::bail!(
                    "component `{}` imports `{sockets}`, and no bundle grant opens a socket: call other services through `wasi:http` and the component's `allowed_hosts`",
                    source.name
                );
            }
            let pre = linker.instantiate_pre(&component).map_err(anyhow::Error::from).with_context(|| {
                format!(
                    "component `{}` does not fit this host's WIT (switchyard:handler@0.4.0); rebuild it against this SDK",
                    source.name
                )
            })?;
            let pre = bindings::HandlerPre::new(pre)
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!(
                        "component `{}` does not export the `handler` world",
                        source.name
                    )
                })?;
            let label: Arc<str> = source.name.as_str().into();
            let mut instance = instantiate(&engine, &pre, &label, &source.sandbox, &settings)
                .with_context(|| format!("component `{}` failed to start", source.name))?;
            // Declaring routes gets the component's own time, outbound calls included.
            let timeout = source.sandbox.timeout.unwrap_or(settings.call_timeout);
            instance.store.set_epoch_deadline(engine::ticks(timeout));
            instance.store.data_mut().hooks.deadline = Some(std::time::Instant::now() + timeout);
            let manifest = instance
                .bindings
                .call_manifest(&mut instance.store)
                .map_err(GuestPanic::or_error)
                .with_context(|| {
                    format!(
                        "component `{}` failed while declaring its routes",
                        source.name
                    )
                })?;
            components.push(LoadedComponent {
                name: source.name.clone(),
                manifest: convert::manifest_from_wit(manifest),
                sandbox: source.sandbox.clone(),
                label,
                pre,
                idle: Mutex::new(vec![instance]),
            });
        }
        Ok(Arc::new(Self {
            engine,
            components,
            settings,
        }))
    }

    /// The loaded components, in bundle order.
    pub fn components(&self) -> &[LoadedComponent] {
        &self.components
    }

    /// The runtime's settings.
    pub fn settings(&self) -> &RuntimeSettings {
        &self.settings
    }

    /// Calls `target` of `component` for the invocation, as frame `frame` of its chain.
    fn call(
        &self,
        component: usize,
        target: &Target,
        invocation: &Arc<Invocation>,
        frame: usize,
    ) -> Result<Result<WitResponse, WitError>, CallFailure> {
        let slot = &self.components[component];
        // An exception handler runs on the instance that raised its error: the component
        // keeps the error's value there (`Error::downcast_ref` in the SDK).
        let raised = match target {
            Target::ExceptionHandler(_) => invocation.take_raised(component),
            _ => None,
        };
        let reused = raised.or_else(|| match self.settings.fresh_instances {
            true => None,
            false => slot.idle.lock().unwrap_or_else(|p| p.into_inner()).pop(),
        });
        let mut instance = match reused {
            Some(instance) => instance,
            None => instantiate(
                &self.engine,
                &slot.pre,
                &slot.label,
                &slot.sandbox,
                &self.settings,
            )
            .map_err(|e| CallFailure::Instantiate {
                component: slot.name.clone(),
                message: format!("{e:#}"),
            })?,
        };
        let remaining = invocation
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        instance.store.set_epoch_deadline(engine::ticks(remaining));
        let state = instance.store.data_mut();
        state.call = Some((invocation.clone(), frame));
        state.hooks.deadline = Some(invocation.deadline);
        state.output.begin_call();
        let result =
            instance
                .bindings
                .call_handle(&mut instance.store, target, &invocation.request);
        let state = instance.store.data_mut();
        state.call = None;
        // Before the host logs how the call went: a panic's message comes before its trap.
        state.output.end_call();
        if let Ok(Ok(response)) = &result
            && let Some(message) = self.oversized(response)
        {
            // Dropped with the instance: a guest that answers this much is not trusted again.
            return Err(CallFailure::ResponseTooLarge {
                component: slot.name.clone(),
                message,
            });
        }
        match result {
            Ok(answer) => {
                match &answer {
                    Err(error) => invocation.park_raised(component, error, instance),
                    // An instance still holding resources in the host (an open file, a
                    // headers object it never dropped) is dropped, not pooled: the next
                    // request must not inherit them, nor the host keep them.
                    Ok(_) if !instance.store.data_mut().holds_only_kept_resources() => {}
                    Ok(_) => self.release(component, instance),
                }
                Ok(answer)
            }
            // The instance is dropped: after a trap its state cannot be trusted.
            Err(err) => Err(invocation.take_failure().unwrap_or_else(|| {
                let exhausted = instance.store.data_mut().resources_exhausted();
                CallFailure::classify(&slot.name, err, exhausted)
            })),
        }
    }

    /// Puts an instance back for the next call, or drops it (fresh instances, or a burst's
    /// extra ones: past `MAX_IDLE_INSTANCES` they would hold memory and pool slots that other
    /// components' instances may need).
    fn release(&self, component: usize, instance: Instance) {
        if self.settings.fresh_instances {
            return;
        }
        let mut idle = self.components[component]
            .idle
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_INSTANCES {
            idle.push(instance);
        }
    }

    /// Why a guest's response is over the bundle's limits, if it is. Only the count of
    /// headers is checked here: sizes are measured on the response the host encodes, as
    /// Lambda measures it (`pipeline::deliverable`), since gzip, base64 and JSON escaping
    /// change them, and a middleware may replace the answer.
    fn oversized(&self, response: &WitResponse) -> Option<String> {
        let headers = response.headers.len() + response.cookies.len();
        let limits = &self.settings;
        (headers > limits.response_headers).then(|| {
            format!(
                "{headers} response headers and cookies are over the limit of {}",
                limits.response_headers
            )
        })
    }
}

fn load_component(engine: &Engine, source: &ComponentSource) -> anyhow::Result<Component> {
    let precompiled = source.precompiled.as_deref().filter(|p| p.exists());
    let fresh = precompiled.filter(|cwasm| is_fresh(cwasm, &source.wasm));
    if let (Some(cwasm), None) = (precompiled, fresh) {
        crate::log::info(&format!(
            "`{}` is older than `{}`; compiling the component (`switchyard compile` refreshes it)",
            cwasm.display(),
            source.wasm.display()
        ));
    }
    if let Some(cwasm) = fresh {
        // SAFETY: `switchyard compile` wrote this artifact with this engine's settings;
        // wasmtime checks the engine compatibility header and refuses a mismatch.
        match unsafe { Component::deserialize_file(engine, cwasm) } {
            Ok(component) => return Ok(component),
            Err(err) => crate::log::warn(&format!(
                "precompiled `{}` does not fit this host ({err}); compiling `{}` instead",
                cwasm.display(),
                source.wasm.display()
            )),
        }
    }
    compile_file(engine, &source.wasm)
}

/// True when the precompiled artifact exists and is not older than its `.wasm`: a component
/// rebuilt after `switchyard compile` (the dev server's inner loop) must be compiled again,
/// or the host would keep serving the old code. Equal times count as fresh, since filesystems
/// with coarse timestamps give both files of one `make bundles` run the same time.
fn is_fresh(cwasm: &Path, wasm: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(cwasm), modified(wasm)) {
        (Some(artifact), Some(source)) => artifact >= source,
        // No `.wasm` beside it: the artifact is all there is (a bundle shipped precompiled).
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Reads a `.wasm` file, saying clearly when it is missing or not WebAssembly.
pub(crate) fn read_wasm(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read component `{}`", path.display()))?;
    if !bytes.starts_with(b"\0asm") {
        anyhow::bail!("`{}` is not a WebAssembly file", path.display());
    }
    Ok(bytes)
}

/// Compiles a `.wasm` component, saying clearly when the file is not one.
pub(crate) fn compile_file(engine: &Engine, path: &Path) -> anyhow::Result<Component> {
    let bytes = read_wasm(path)?;
    Component::from_binary(engine, &bytes)
        .map_err(anyhow::Error::from)
        .with_context(|| {
            format!(
                "`{}` is not a WebAssembly component (build it for `wasm32-wasip2`)",
                path.display()
            )
        })
}

/// What every component links against: WASI, `wasi:http` and the Switchyard host.
fn linker(engine: &Engine) -> anyhow::Result<Linker<State>> {
    let mut linker = Linker::<State>::new(engine);
    link_wasi_without_sockets(&mut linker)?;
    // Every component links `wasi:http`; the allow-list is checked per request.
    wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
    bindings::Handler::add_to_linker::<State, HasSelf<State>>(&mut linker, |state| state)?;
    Ok(linker)
}

/// WASI 0.2 as `wasmtime_wasi::p2::add_to_linker_sync` links it, less `wasi:sockets`: no
/// bundle grant can open a socket (outbound calls go through `wasi:http` and its
/// `allowed_hosts`), so a component that imports sockets is refused at load, by name, rather
/// than linked and refused at run time.
fn link_wasi_without_sockets(linker: &mut Linker<State>) -> anyhow::Result<()> {
    use wasmtime::component::{HasData, ResourceTable};
    use wasmtime_wasi::WasiView;
    use wasmtime_wasi::cli::{WasiCli, WasiCliView};
    use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
    use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
    use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sync};
    use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

    /// `wasi:io` reaches only the resource table.
    struct Io;
    impl HasData for Io {
        type Data<'a> = &'a mut ResourceTable;
    }
    /// `wasi:io/poll`, bounded by the call's deadline.
    struct Poll;
    impl HasData for Poll {
        type Data<'a> = store::DeadlinePoll<'a>;
    }
    let l = linker;
    clocks::wall_clock::add_to_linker::<State, WasiClocks>(l, State::clocks)?;
    clocks::monotonic_clock::add_to_linker::<State, WasiClocks>(l, State::clocks)?;
    filesystem::preopens::add_to_linker::<State, WasiFilesystem>(l, State::filesystem)?;
    random::random::add_to_linker::<State, WasiRandom>(l, State::random)?;
    random::insecure::add_to_linker::<State, WasiRandom>(l, State::random)?;
    random::insecure_seed::add_to_linker::<State, WasiRandom>(l, State::random)?;
    cli::exit::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::environment::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::stdin::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::stdout::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::stderr::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::terminal_input::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::terminal_output::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::terminal_stdin::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::terminal_stdout::add_to_linker::<State, WasiCli>(l, State::cli)?;
    cli::terminal_stderr::add_to_linker::<State, WasiCli>(l, State::cli)?;
    sync::io::error::add_to_linker::<State, Io>(l, |t| t.ctx().table)?;
    sync::io::poll::add_to_linker::<State, Poll>(l, State::deadline_poll)?;
    sync::io::streams::add_to_linker::<State, Io>(l, |t| t.ctx().table)?;
    sync::filesystem::types::add_to_linker::<State, WasiFilesystem>(l, State::filesystem)?;
    Ok(())
}

fn instantiate(
    engine: &Engine,
    pre: &bindings::HandlerPre<State>,
    name: &Arc<str>,
    sandbox: &Sandbox,
    settings: &RuntimeSettings,
) -> anyhow::Result<Instance> {
    let spec = StoreSpec {
        name,
        sandbox,
        memory_limit: sandbox.memory_limit.unwrap_or(settings.memory_limit),
        hostcall_bytes: settings.hostcall_bytes(),
    };
    let mut store = new_store(engine, &spec)?;
    // Before the instance starts: what it prints while it starts is within them too.
    store.data().output.set_limits(settings.output);
    store.set_epoch_deadline(engine::ticks(
        sandbox.timeout.unwrap_or(settings.call_timeout),
    ));
    let bindings = pre.instantiate(&mut store)?;
    Ok(Instance { store, bindings })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::is_fresh;

    fn touch(path: &std::path::Path, at: SystemTime) {
        let file = std::fs::File::create(path).unwrap();
        file.set_modified(at).unwrap();
    }

    #[test]
    fn a_precompiled_artifact_older_than_its_wasm_is_stale() {
        let dir = std::env::temp_dir().join(format!("switchyard-fresh-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (wasm, cwasm) = (dir.join("app.wasm"), dir.join("app.cwasm"));
        let then = SystemTime::now() - Duration::from_secs(60);
        touch(&cwasm, then);
        touch(&wasm, then + Duration::from_secs(1));
        assert!(!is_fresh(&cwasm, &wasm), "rebuilt after the artifact");
        touch(&cwasm, then + Duration::from_secs(1));
        assert!(is_fresh(&cwasm, &wasm), "same time: one `make bundles` run");
        touch(&cwasm, then + Duration::from_secs(2));
        assert!(is_fresh(&cwasm, &wasm), "precompiled after the build");
        std::fs::remove_file(&wasm).unwrap();
        assert!(is_fresh(&cwasm, &wasm), "shipped without its wasm");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
