//! Integration tests: real components, built by `make bundles`, through the real host.
//! One test binary, so the host links once.

mod alb_options;
mod capabilities;
mod conformance;
mod debug_mode;
mod dependencies;
mod events;
mod instances;
mod invoke_cli;
mod lambda_bootstrap;
mod logger;
mod metrics;
mod mutated_events;
mod openapi;
mod parameters;
mod project_cli;
mod route_options;
mod routers;
mod routes50;
mod sandbox;
mod sdk_features;
mod serve;
mod split_router;
mod support;
mod testing;
mod tracer;
mod typed_events;
