//! The route table and app settings assembled from every component's manifest when a bundle
//! loads: the app's settings (CORS, strip prefixes, debug, ALB options), each component's
//! routes under its mount prefix with their options, schemas and timeouts, the global
//! middlewares and exception handlers in order, and Swagger UI. Errors name the component
//! and the route: app-only settings on a router, invalid rules or metadata, a timeout for
//! a route that does not exist, two components declaring one route.

use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;

use super::CorsConfig;
use super::compress::GzipLevel;
use crate::app_manifest::{AlbOptions, AppManifest, AppSpec, Prefix, RouteSpec};
use crate::bundle::{SwaggerOverride, UnhandledErrors};
use crate::log::CorrelationPath;
use crate::metrics::MetricsOptions;
use crate::openapi::SwaggerPage;
use crate::request::EventSource;
use crate::router::{self, RouteEntry, Router, StripPrefix};
use crate::runtime::Runtime;
use crate::validation::RouteSchemas;

/// App-wide settings: from the app component's manifest, some overridden by the bundle.
#[derive(Debug, Clone, Default)]
pub struct AppSettings {
    /// CORS for routes that do not turn it off; `None` is no CORS and no automatic pre-flight.
    pub cors: Option<CorsConfig>,
    /// `strip_prefixes`.
    pub strip_prefixes: Vec<StripPrefix>,
    /// Debug mode: unhandled errors answer 500 with their text.
    pub debug: bool,
    /// The event source, when detection is not wanted.
    pub source: Option<EventSource>,
    /// `ALBResolver`'s options, for ALB events.
    pub alb: AlbOptions,
    /// Where the correlation id lies; `None` is Powertools' path for the event's source.
    pub(crate) correlation_path: Option<CorrelationPath>,
    /// CloudWatch metrics, shared with each invocation's metrics.
    pub metrics: Arc<MetricsOptions>,
    /// What an unhandled error does to the invocation.
    pub unhandled_errors: UnhandledErrors,
    /// The gzip level of compressed answers whose route sets none (Swagger UI's too).
    pub(crate) compression_level: GzipLevel,
}

/// Where a route's handler lives and its options.
#[derive(Debug, Clone)]
pub struct RouteTarget {
    /// The component's index.
    pub component: usize,
    /// The handler's index in the component.
    pub handler: u32,
    /// The route's CORS setting; `None` follows the app.
    pub cors: Option<bool>,
    /// gzip when accepted.
    pub compress: bool,
    /// `Cache-Control` for 200 answers.
    pub cache_control: Option<String>,
    /// The component's middlewares for this route, in order.
    pub middlewares: Vec<u32>,
    /// What the route declares for validation and OpenAPI.
    pub spec: Arc<RouteSpec>,
    /// The route's schemas, compiled for validation.
    pub schemas: Arc<RouteSchemas>,
    /// Whether the host validates this route's requests and responses.
    pub validated: bool,
    /// Whether the component writes JSON with its own serializer, which then writes a
    /// validated answer the check changed.
    pub custom_serializer: bool,
    /// Whether the component records its handler's and middlewares' subsegments itself.
    pub traces_frames: bool,
    /// The gzip level of its compressed answers: the route's, else the app's.
    pub(crate) compression_level: GzipLevel,
    /// Registration order across the bundle.
    pub order: usize,
    /// The rule as an OpenAPI path, which a guest asks for as Powertools' `request.route`.
    pub openapi_path: Arc<str>,
    /// The longest a request to this route may spend in guests: the route's own timeout,
    /// else its component's, else the bundle's.
    pub timeout: Duration,
    /// A handler run in the host instead of the guest's (benchmarks only).
    #[doc(hidden)]
    pub native: Option<crate::runtime::NativeHandler>,
}

pub(super) struct ExceptionHandlerEntry {
    pub(super) type_name: String,
    pub(super) component: usize,
    pub(super) handler: u32,
}

/// A component's place in the API: its optional mount prefix (`include_router(prefix=)`).
#[derive(Debug, Clone, Default)]
pub struct Mount {
    /// Prepended to every rule: `prefix + rule`, or the prefix alone for the rule `/`.
    pub prefix: Option<String>,
    /// Timeouts of single routes, keyed `"METHOD RULE"` with the full rule (prefix included).
    pub route_timeouts: Vec<(String, Duration)>,
}

/// What the bundle overrides.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Debug mode.
    pub debug: Option<bool>,
    /// The event source.
    pub source: Option<EventSource>,
    /// The bundle directory, where Swagger UI's assets are read from.
    pub bundle_dir: Option<std::path::PathBuf>,
    /// Swagger UI on or off, over the app's `enable_swagger`.
    pub swagger: Option<SwaggerOverride>,
    /// Where the correlation id lies, over Powertools' path for the event's source.
    pub(crate) correlation_path: Option<CorrelationPath>,
    /// CloudWatch metrics.
    pub metrics: MetricsOptions,
    /// What an unhandled error does to the invocation.
    pub unhandled_errors: UnhandledErrors,
}

/// What [`super::Pipeline`] serves with, besides the runtime.
pub(super) struct Assembly {
    pub(super) router: Router<RouteTarget>,
    pub(super) settings: AppSettings,
    pub(super) global_middlewares: Vec<(usize, u32)>,
    pub(super) exception_handlers: Vec<ExceptionHandlerEntry>,
    /// `Access-Control-Allow-Methods` of the automatic pre-flight.
    pub(super) cors_methods: String,
    pub(super) app_spec: AppSpec,
    pub(super) swagger: Option<SwaggerPage>,
}

impl Assembly {
    /// Assembles the API from the runtime's components, each at its mount.
    pub(super) fn build(
        runtime: &Runtime,
        mounts: &[Mount],
        overrides: Overrides,
    ) -> anyhow::Result<Self> {
        let components = runtime.components();
        let app = components.first().map(|c| &c.manifest);
        let cors = app.and_then(|m| m.cors.as_ref()).map(|c| {
            CorsConfig::new(&c.allow_origin)
                .with_extra_origins(c.extra_origins.clone())
                .with_allow_headers(c.allow_headers.clone())
                .with_expose_headers(c.expose_headers.clone())
                .with_max_age(c.max_age)
                .with_allow_credentials(c.allow_credentials)
        });
        let mut strip_prefixes = Vec::new();
        for prefix in app.map(|m| m.strip_prefixes.as_slice()).unwrap_or_default() {
            strip_prefixes.push(match prefix {
                Prefix::Exact(p) => StripPrefix::Exact(p.clone()),
                Prefix::Regex(r) => StripPrefix::Regex(
                    regex::Regex::new(r)
                        .map_err(|e| anyhow::anyhow!("strip prefix regex `{r}` is invalid: {e}"))?,
                ),
            });
        }
        let debug = overrides
            .debug
            .or(app.and_then(|m| m.debug))
            .unwrap_or_else(powertools_dev);
        let mut settings = AppSettings {
            cors,
            strip_prefixes,
            debug,
            source: overrides.source,
            alb: AlbOptions::default(),
            correlation_path: overrides.correlation_path.clone(),
            metrics: Arc::new(overrides.metrics.clone()),
            unhandled_errors: overrides.unhandled_errors,
            compression_level: GzipLevel::default(),
        };

        let mut component_specs = Vec::with_capacity(components.len());
        for component in components {
            let spec = AppSpec::parse(&component.manifest.metadata_json).map_err(|e| {
                anyhow::anyhow!(
                    "component `{}` declares invalid app metadata: {e}",
                    component.name
                )
            })?;
            if !spec.build_errors.is_empty() {
                bail!(
                    "component `{}` was built wrong: {}",
                    component.name,
                    spec.build_errors.join("; ")
                );
            }
            let index = component_specs.len();
            if index > 0 {
                let settings = app_only_settings(&component.manifest, &spec);
                if !settings.is_empty() {
                    bail!(
                        "component `{}` is mounted as a router (component {} of the bundle) but sets app-only settings: {}; only the bundle's first component, the app, may set them",
                        component.name,
                        index + 1,
                        settings.join(", ")
                    );
                }
            }
            component_specs.push(spec);
        }
        // Each component's own settings: its serializer, and whether it traces its frames.
        let own_settings: Vec<(bool, bool)> = component_specs
            .iter()
            .map(|s| (s.custom_serializer, s.traces_frames))
            .collect();
        // The app's settings are the first component's; the schemas are everyone's.
        let mut specs = component_specs.into_iter();
        let mut app_spec = specs.next().unwrap_or_default();
        settings.alb = app_spec.alb;
        if let Some(level) = app_spec.compression_level {
            settings.compression_level =
                GzipLevel::new(level).map_err(|e| anyhow::anyhow!("the app component: {e}"))?;
        }
        for spec in specs {
            for (name, schema) in spec.schemas {
                app_spec.schemas.entry(name).or_insert(schema);
            }
        }

        let mut entries: Vec<RouteEntry<RouteTarget>> = Vec::new();
        let mut global_middlewares = Vec::new();
        let mut exception_handlers = Vec::new();
        let mut cors_methods = vec!["OPTIONS".to_string()];
        for (index, component) in components.iter().enumerate() {
            let manifest = &component.manifest;
            let mount = mounts.get(index);
            let prefix = mount.and_then(|m| m.prefix.as_deref());
            let route_timeouts = mount
                .map(|m| m.route_timeouts.as_slice())
                .unwrap_or_default();
            let component_timeout = component.timeout(runtime.settings());
            global_middlewares.extend(manifest.global_middlewares.iter().map(|&m| (index, m)));
            exception_handlers.extend(manifest.exception_handlers.iter().map(|h| {
                ExceptionHandlerEntry {
                    type_name: h.type_name.clone(),
                    component: index,
                    handler: h.handler,
                }
            }));
            for route in &manifest.routes {
                let rule = match (prefix, route.rule.as_str()) {
                    (Some(p), "/") => p.to_string(),
                    (Some(p), rule) => format!("{p}{rule}"),
                    (None, rule) => rule.to_string(),
                };
                let compiled = router::compile(&rule)
                    .map_err(|e| anyhow::anyhow!("component `{}`: {e}", component.name))?;
                let spec = Arc::new(RouteSpec::parse(&route.metadata_json).map_err(|e| {
                    anyhow::anyhow!(
                        "component `{}` declares invalid metadata for route `{rule}`: {e}",
                        component.name
                    )
                })?);
                let compression_level = match spec.compression_level {
                    Some(level) => GzipLevel::new(level).map_err(|e| {
                        anyhow::anyhow!("component `{}`, route `{rule}`: {e}", component.name)
                    })?,
                    None => settings.compression_level,
                };
                let validated = spec.validation.unwrap_or(app_spec.validation.enabled);
                // Only routes the host validates need their schemas compiled.
                let schemas = Arc::new(match validated {
                    true => RouteSchemas::compile(&spec, &app_spec.schemas).map_err(|e| {
                        anyhow::anyhow!("component `{}`, route `{rule}`: {e}", component.name)
                    })?,
                    false => RouteSchemas::none(),
                });
                for method in &route.methods {
                    let method = method.to_ascii_uppercase();
                    if route.cors.unwrap_or(settings.cors.is_some()) {
                        cors_methods.push(method.clone());
                    }
                    let timeout = route_timeouts
                        .iter()
                        .find(|(key, _)| key_is_route(key, &method, &rule))
                        .map_or(component_timeout, |(_, t)| *t);
                    entries.push(RouteEntry {
                        method,
                        rule: rule.clone(),
                        compiled: compiled.clone(),
                        value: RouteTarget {
                            component: index,
                            handler: route.handler,
                            cors: route.cors,
                            compress: route.compress,
                            cache_control: route.cache_control.clone(),
                            middlewares: route.middlewares.clone(),
                            spec: spec.clone(),
                            schemas: schemas.clone(),
                            validated,
                            custom_serializer: own_settings[index].0,
                            traces_frames: own_settings[index].1,
                            compression_level,
                            order: entries.len(),
                            openapi_path: crate::openapi::openapi_path(&route.rule).into(),
                            timeout,
                            native: None,
                        },
                    });
                }
            }
            for (key, _) in route_timeouts {
                if !entries
                    .iter()
                    .any(|e| e.value.component == index && key_is_route(key, &e.method, &e.rule))
                {
                    bail!(
                        "component `{}` sets a timeout for `{key}`, which is not one of its routes (write `METHOD RULE` as `switchyard routes` prints it)",
                        component.name
                    );
                }
            }
        }
        let swagger =
            match SwaggerOverride::apply(overrides.swagger.as_ref(), app_spec.swagger.as_ref()) {
                Some(settings) => Some(SwaggerPage::new(
                    &settings,
                    overrides.bundle_dir.as_deref(),
                )?),
                None => None,
            };
        if swagger.is_some() {
            cors_methods.push("GET".into());
        }
        cors_methods.sort();
        cors_methods.dedup();
        let name = |index: usize| components[index].name.as_str();
        let (router, repeats) =
            Router::checked(entries, |target| target.component).map_err(|conflict| {
                anyhow::anyhow!(
                    "route `{} {}` is declared by both component `{}` and component `{}`",
                    conflict.method,
                    conflict.rule,
                    name(conflict.first),
                    name(conflict.again)
                )
            })?;
        for repeat in repeats {
            crate::log::warn(&format!(
                "component `{}` registers `{} {}` twice; the first registration wins",
                name(repeat.first),
                repeat.method,
                repeat.rule
            ));
        }
        Ok(Self {
            router,
            settings,
            global_middlewares,
            exception_handlers,
            cors_methods: cors_methods.join(","),
            app_spec,
            swagger,
        })
    }
}

/// Whether a `"METHOD RULE"` key of a route timeout names this route.
fn key_is_route(key: &str, method: &str, rule: &str) -> bool {
    key.split_once(' ')
        .is_some_and(|(m, r)| m.eq_ignore_ascii_case(method) && r.trim() == rule)
}

/// The settings a component sets that only the app (the bundle's first component) owns, as
/// `Router` in Powertools cannot set them: CORS, prefixes, debug, validation, OpenAPI,
/// Swagger UI and `ALBResolver`'s options. A router that sets one is refused at load, so a
/// setting is never silently dropped.
fn app_only_settings(manifest: &AppManifest, spec: &AppSpec) -> Vec<&'static str> {
    let set = [
        (manifest.cors.is_some(), "cors"),
        (!manifest.strip_prefixes.is_empty(), "strip_prefixes"),
        (manifest.debug.is_some(), "debug"),
        (spec.validation.enabled, "enable_validation"),
        (
            spec.validation
                .response_validation_error_http_code
                .is_some(),
            "response_validation_error_http_code",
        ),
        (spec.openapi != Default::default(), "openapi"),
        (spec.swagger.is_some(), "enable_swagger"),
        (spec.alb.decode_query_parameters, "decode_query_parameters"),
        (
            spec.alb.response_size_validation,
            "enable_response_size_validation",
        ),
    ];
    set.into_iter()
        .filter_map(|(is_set, name)| is_set.then_some(name))
        .collect()
}

/// `POWERTOOLS_DEV`, read as Powertools' `strtobool` does. Where `strtobool` raises on a
/// value it does not know, debug mode stays off, with a warning (once) that says so.
fn powertools_dev() -> bool {
    let value = std::env::var("POWERTOOLS_DEV").unwrap_or_default();
    match value.to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "t" | "true" | "on" => true,
        "" | "0" | "n" | "no" | "f" | "false" | "off" => false,
        _ => {
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                crate::log::warn(&crate::log::invalid_setting(
                    "POWERTOOLS_DEV",
                    &value,
                    "a boolean (true, false, 1, 0, yes, no, on, off)",
                    "false: debug mode stays off",
                ))
            });
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_timeout_keys_name_method_and_full_rule() {
        assert!(key_is_route("GET /todos/<id>", "GET", "/todos/<id>"));
        assert!(key_is_route("get /todos", "GET", "/todos"));
        assert!(!key_is_route("GET /todos", "POST", "/todos"));
        assert!(!key_is_route("/todos", "GET", "/todos"));
    }
}
