//! Host bindings generated from `wit/`.

#![expect(missing_docs, unreachable_pub, reason = "bindgen-generated code")]

wasmtime::component::bindgen!({
    world: "handler",
    path: "../wit",
    imports: { default: trappable },
});

pub use self::switchyard::handler::host::LogLevel;
pub use self::switchyard::handler::manifest::{CorsConfig, Prefix, Route};
pub use self::switchyard::handler::types::{
    Body, Cookie, EventSource, LambdaContext, LocalChain, PairCounts, SameSite, ServiceError,
};
