//! Switchyard: Powertools' REST event handler as a native host for WebAssembly handlers.
//!
//! ```text
//! Lambda event JSON ──► detect source ──► Request (neutral, lossless)
//!   ──► strip_prefixes ──► router (method + path ──► route, params)
//!   ──► CORS pre-flight? ──► middleware chain: global ──► route ──► handler   [guest components]
//!   ──► error mapping (exception handlers, ServiceError, trap ──► 500)
//!   ──► CORS headers ──► gzip ──► base64 ──► encode for the source
//! ```
//!
//! Modules follow that path: [`event`] decodes and encodes, [`router`] matches, the
//! pipeline runs the arrows, the runtime calls the components; then the bundle on disk,
//! the CLI, the local dev server ([`dev`]) and the Lambda bootstrap.

pub mod bundle;
pub mod cli;
pub mod dev;
pub mod event;
pub mod lambda;
pub mod log;
pub mod openapi;
pub mod pipeline;
mod project;
pub mod request;
pub mod response;
pub mod router;
pub mod runtime;
pub mod testing;
pub mod validation;

pub use bundle::Bundle;
pub use event::EventSource;
pub use pipeline::Pipeline;
pub use runtime::InvocationContext;
