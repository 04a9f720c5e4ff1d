//! Switchyard: Powertools' REST event handler as a native host for WebAssembly handlers.
//!
//! A request's path through the host, and the module of each stage:
//!
//! ```text
//! Lambda event JSON ──► detect source, decode ──► Request (neutral, lossless)    event, request
//!   ──► strip_prefixes ──► route (method + path ──► route, params)               router
//!   ──► CORS pre-flight? ──► validate the request (422) ──────────────────────── pipeline, validation
//!   ──► middleware chain: global ──► route ──► handler   [guest components]       runtime
//!   ──► validate the response ──► error mapping (exception handlers, ServiceError,
//!       trap ──► 500)                                                             pipeline, validation
//!   ──► CORS headers ──► Cache-Control ──► gzip ──► base64 ──► encode             pipeline, response, event
//! ```
//!
//! Around the path: the bundle on disk and its manifest (`bundle`), OpenAPI and Swagger UI
//! (`openapi`), how guest projects are built (`project`), the command line (`cli`), the local
//! dev server (`dev`), the Lambda bootstrap (`lambda`), the log (`log`), and the test harness
//! for guest authors ([`testing`]).
//!
//! The modules are private: what the binary, the benches, the fuzz target and guest authors'
//! tests use is re-exported here.

mod bundle;
pub mod cli;
mod dev;
mod event;
mod lambda;
mod log;
mod openapi;
mod pipeline;
mod project;
mod request;
mod response;
mod router;
mod runtime;
pub mod testing;
mod validation;

pub use bundle::Bundle;
pub use event::EventSource;
pub use pipeline::Pipeline;
pub use response::{Body, Response};
pub use runtime::InvocationContext;
