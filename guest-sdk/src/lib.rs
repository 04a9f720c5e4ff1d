//! Write Switchyard route handlers and middlewares as plain Rust functions.
//!
//! A handler component is an [`App`] built the way a Powertools resolver is decorated,
//! exported with [`export!`], and compiled to `wasm32-wasip2`. The Switchyard host decodes
//! the Lambda event, routes it, runs your functions, and applies CORS, compression and the
//! event source's response format.
//!
//! ```
//! use serde_json::{json, Value};
//! use switchyard_sdk::{App, Error, NotFoundError, Request};
//!
//! fn get_todo(req: &Request) -> Result<Value, Error> {
//!     let id: u32 = req.path_param("todo_id").unwrap_or_default().parse()?;
//!     if id == 0 {
//!         return Err(NotFoundError::new("no todo 0").into());
//!     }
//!     Ok(json!({"todo": {"id": id}}))
//! }
//!
//! fn app() -> App {
//!     App::new()
//!         .get("/todos", || json!({"todos": []}))
//!         .get("/todos/<todo_id>", get_todo)
//! }
//!
//! switchyard_sdk::export!(app);
//! # fn main() {}
//! ```
//!
//! The SDK installs the component's `#[global_allocator]` (feature `talc`, on by default);
//! turn default features off to bring your own.

/// The component's allocator (the `talc` feature, on by default): talc, faster than
/// wasi-libc's dlmalloc, with small blocks recycled in front of it (`alloc.rs`).
#[cfg(all(
    feature = "talc",
    target_family = "wasm",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: alloc::Recycling<talc::wasm::WasmDynamicTalc> =
    alloc::Recycling::new(talc::wasm::new_wasm_dynamic_allocator());

#[cfg(any(
    test,
    all(
        feature = "talc",
        target_family = "wasm",
        not(target_feature = "atomics")
    )
))]
mod alloc;
mod app;
mod compat;
mod decimal;
mod depends;
mod error;
pub mod events;
#[doc(hidden)]
pub mod export;
mod fields;
mod form;
mod handler;
mod host;
pub mod logger;
pub mod metrics;
mod openapi;
pub mod outbound;
mod params;
mod rejection;
mod request;
mod response;
mod router;
mod state;
pub mod tracer;
#[doc(hidden)]
pub mod wit;

pub use app::{App, CompressionLevel, CorsConfig, Prefix};
pub use compat::CurrentEvent;
pub use decimal::{Decimal, InvalidDecimal};
pub use depends::{Depends, Provider};
pub use error::{
    BadGatewayError, BadRequestError, Error, ErrorTypes, ForbiddenError, GatewayTimeoutError,
    InternalServerError, NotFoundError, RequestEntityTooLargeError, RequestTimeoutError,
    RequestValidationError, ResponseSizeExceededError, ServiceError, ServiceUnavailableError,
    UnauthorizedError,
};
pub use form::{Form, UploadFile};
pub use handler::{ByRef, Handler, Middleware};
pub use host::{Level, Next, append_context, context, log};
pub use openapi::{Declare, Documented, OpenApi, Swagger};
pub use rejection::{Part, Rejection};
pub use request::{
    Cookies, EventSource, FromRequest, Header, LambdaContext, Path, Query, Request, RequestBuilder,
};
pub use response::{Body, Cookie, IntoResponse, Json, Response, SameSite, content_types};
pub use router::Router;
/// Derive `JsonSchema` on the types your handlers take and return.
pub use schemars::{self, JsonSchema};
pub use state::State;

#[doc(hidden)]
pub mod __private {
    pub use crate::export::{handle, manifest};
    pub use crate::wit;
}

/// Exports an app from this component: `export!(app)` where `fn app() -> App`.
///
/// The app is built once per instance, on the first call.
#[macro_export]
macro_rules! export {
    ($app:path) => {
        #[doc(hidden)]
        mod __switchyard_export {
            use $crate::__private::wit as bindings;

            struct Component;

            impl bindings::Guest for Component {
                fn manifest() -> bindings::switchyard::handler::manifest::AppManifest {
                    $crate::__private::manifest(super::__switchyard_app)
                }
                fn handle(
                    target: bindings::switchyard::handler::types::Target,
                    request: bindings::switchyard::handler::types::Request,
                ) -> ::core::result::Result<
                    bindings::switchyard::handler::types::Response,
                    bindings::switchyard::handler::types::Error,
                > {
                    $crate::__private::handle(super::__switchyard_app, target, request)
                }
            }

            $crate::__private::wit::export_component!(Component with_types_in $crate::__private::wit);
        }

        #[doc(hidden)]
        fn __switchyard_app() -> $crate::App {
            $app()
        }
    };
}

/// The README's examples compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct Readme;

/// The validation guide's examples compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/validation.md")]
struct ValidationGuide;
