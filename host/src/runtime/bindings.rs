//! Host bindings generated from `wit/`.

#![expect(unreachable_pub, reason = "bindgen-generated code")]

wasmtime::component::bindgen!({
    world: "handler",
    path: "../wit",
    imports: { default: trappable },
});

pub use self::switchyard::handler::host::LogLevel;
pub use self::switchyard::handler::manifest::Prefix;
pub use self::switchyard::handler::types::{
    Body, Cookie, EventSource, LambdaContext, LocalChain, PairCounts, SameSite, ServiceError,
};
