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
//! Beneath the path, the neutral types every stage shares and that depend on nothing above
//! them: the request with its event source and raw event (`request`), the response and raised
//! errors (`response`), the Lambda invocation (`invocation`), and the event JSON reader
//! (`json`), and what a component declares (`app_manifest`). WIT types never leave `runtime`.
//!
//! Around the path: the bundle on disk and its manifest (`bundle`), OpenAPI and Swagger UI
//! (`openapi`), how guest projects are built (`project`), the command line (`cli`), the local
//! dev server (`dev`), the Lambda bootstrap (`lambda`), the log (`log`) and CloudWatch
//! metrics (`metrics`), and the test harness
//! for guest authors ([`testing`]).
//!
//! The modules are private: what the binary, the benches, the fuzz target and guest authors'
//! tests use is re-exported here.

// The neutral types.
mod app_manifest;
mod invocation;
mod json;
mod request;
mod response;

// The request path, in the order a request meets it.
mod event;
mod pipeline;
mod router;
mod runtime;
mod validation;

// Around the path.
mod bundle;
pub mod cli;
mod dev;
mod lambda;
mod log;
mod metrics;
mod openapi;
mod project;
pub mod testing;
mod trace;

pub use bundle::Bundle;
pub use invocation::InvocationContext;
pub use pipeline::{InvocationError, Pipeline};
pub use request::EventSource;
pub use response::{Body, Response};
