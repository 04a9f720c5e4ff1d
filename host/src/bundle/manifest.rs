//! The bundle manifest, `switchyard.json`: app settings and one entry per component, with
//! what each component may use. A component gets no environment, no files and no network
//! unless its entry grants them (`env`, `dirs`, `allowed_hosts`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::app_manifest::SwaggerSettings;
use crate::metrics::MetricsOptions;
use crate::request::EventSource;

/// What a bundle says of Swagger UI (its manifest's `swagger`), over the app's
/// `enable_swagger`: a deployment may serve the page where the app does not (a development
/// stage) or turn it off where it does (production).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum SwaggerOverride {
    /// `true`: served, with the app's settings if it has any; `false`: not served.
    Switch(bool),
    /// Served with these settings, as `enable_swagger` takes them (`path`, `compress`,
    /// `persist_authorization`, `swagger_base_url`, `oauth2_config`).
    Settings(SwaggerSettings),
}

impl SwaggerOverride {
    /// The Swagger settings in force: `app`'s, unless `bundle` says otherwise.
    pub(crate) fn apply(
        bundle: Option<&Self>,
        app: Option<&SwaggerSettings>,
    ) -> Option<SwaggerSettings> {
        match bundle {
            None => app.cloned(),
            Some(Self::Switch(false)) => None,
            Some(Self::Switch(true)) => Some(app.cloned().unwrap_or_default()),
            Some(Self::Settings(settings)) => Some(settings.clone()),
        }
    }
}

/// The file name of a bundle's manifest.
pub(crate) const MANIFEST_FILE: &str = "switchyard.json";

/// What an unhandled error (or a failing guest) does to the invocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnhandledErrors {
    /// Answer 500, and log and count the fault (Switchyard's default).
    #[default]
    Answer,
    /// Fail the invocation with the error's type and message, as an exception leaving
    /// Powertools' resolver does: Lambda's `Errors` metric and alarms see it, and API
    /// Gateway answers 502.
    Fail,
}

/// True for a setting at its default, which a written manifest leaves out.
fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A bundle's manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BundleManifest {
    /// The API's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The components, in order: the first is the app (its CORS, strip_prefixes and debug
    /// settings apply to all), the others are routers mounted beside it.
    pub components: Vec<ComponentEntry>,
    /// The event source, when it should not be detected.
    #[serde(default)]
    pub source: Option<EventSource>,
    /// Debug mode; unset, the app's setting, then `POWERTOOLS_DEV`.
    #[serde(default)]
    pub debug: Option<bool>,
    /// Swagger UI, over the app's `enable_swagger`: `true` or the settings `enable_swagger`
    /// takes serve it, `false` turns it off; unset, the app decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swagger: Option<SwaggerOverride>,
    /// Where each event's correlation id lies, as a JMESPath field path
    /// (`headers."x-correlation-id"`); unset, Powertools' `correlation_paths` for the
    /// event's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id_path: Option<String>,
    /// CloudWatch metrics: the namespace, the `ColdStart` metric and per-route metrics.
    #[serde(default, skip_serializing_if = "is_default")]
    pub metrics: MetricsOptions,
    /// What an unhandled error does: `answer` (default) answers 500, `fail` fails the
    /// invocation as Powertools lets the exception do.
    #[serde(default, skip_serializing_if = "is_default")]
    pub unhandled_errors: UnhandledErrors,
    /// `warm` (default) reuses instances; `fresh` makes one per call.
    #[serde(default)]
    pub instances: InstanceMode,
    /// Limits for every call.
    #[serde(default)]
    pub limits: Limits,
}

/// One component of a bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ComponentEntry {
    /// The component's name (in logs, errors and `routes`).
    pub name: String,
    /// The `.wasm` file, relative to the bundle directory.
    pub file: PathBuf,
    /// Mount prefix, as `include_router(router, prefix=...)`.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Environment variables the component may read, by name, with the host's values at load.
    /// `NAME_*` grants every variable starting with `NAME_`, except AWS credentials
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), which only an
    /// exact name grants.
    #[serde(default)]
    pub env: Vec<String>,
    /// Directories of the bundle the component may read (never write).
    #[serde(default)]
    pub dirs: Vec<DirGrant>,
    /// Hosts the component may send HTTP requests to through `wasi:http`: `host`,
    /// `host:port`, or either with `http://` or `https://` in front to allow one scheme only.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Limits of this component's instances, each overriding the bundle's.
    #[serde(default)]
    pub limits: ComponentLimits,
}

/// A read-only directory grant.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DirGrant {
    /// The directory on the host, relative to the bundle directory.
    pub path: PathBuf,
    /// Where the guest sees it (`/data`).
    pub mount: String,
}

/// A component's own limits; unset ones are the bundle's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ComponentLimits {
    /// The most memory one instance may have, in MiB.
    #[serde(default)]
    pub memory_mb: Option<u32>,
    /// The longest one request routed to this component may spend in guests, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Timeouts of single routes in milliseconds, keyed `"METHOD RULE"` with the rule as
    /// `switchyard routes` prints it (prefix included): `{"GET /todos/<id>": 200}`.
    #[serde(default)]
    pub routes: BTreeMap<String, u64>,
}

/// How instances are made.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceMode {
    /// Keep instances warm across requests (a trap discards one).
    #[default]
    Warm,
    /// A fresh instance for every call.
    Fresh,
}

/// Per-call limits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// The most memory one instance may have, in MiB.
    #[serde(default = "default_memory_mb")]
    pub memory_mb: u32,
    /// The longest one request may spend in guests, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The largest response, in bytes of the JSON Lambda is handed (the body escaped or in
    /// base64, headers and cookies included).
    #[serde(default = "default_response_bytes")]
    pub response_bytes: usize,
    /// The most headers (cookies included) a guest response may carry.
    #[serde(default = "default_response_headers")]
    pub response_headers: usize,
    /// The largest header section of a response, in bytes: each header value and cookie
    /// counted as the line `Name: value\r\n` it becomes.
    #[serde(default = "default_response_header_bytes")]
    pub response_header_bytes: usize,
    /// The most bytes of the host's log a component's output (what it prints, and the
    /// SDK's `log`) may take in one call (and outside calls, while it starts), each line
    /// counted as written.
    #[serde(default = "default_log_bytes")]
    pub log_bytes: usize,
    /// The most lines of the host's log a component's output may take in one call.
    #[serde(default = "default_log_lines")]
    pub log_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_mb: default_memory_mb(),
            timeout_ms: default_timeout_ms(),
            response_bytes: default_response_bytes(),
            response_headers: default_response_headers(),
            response_header_bytes: default_response_header_bytes(),
            log_bytes: default_log_bytes(),
            log_lines: default_log_lines(),
        }
    }
}

fn default_memory_mb() -> u32 {
    128
}

fn default_timeout_ms() -> u64 {
    30_000
}

/// Lambda's limit on a synchronous response payload, 6 MB: 6,291,456 bytes of the JSON the
/// function returns (the `Invoke` API reference). A bigger answer is never delivered.
fn default_response_bytes() -> usize {
    6 << 20
}

/// More than a hundred headers is a runaway guest, not an API.
fn default_response_headers() -> usize {
    100
}

/// AWS documents no limit on the headers of a Lambda proxy response; API Gateway's REST and
/// HTTP APIs take at most 10,240 bytes of request line and headers, the smallest header
/// limit of the sources. An answer with a header section larger than any request may carry
/// is a runaway guest (docs/sandbox.md).
fn default_response_header_bytes() -> usize {
    10_240
}

fn default_log_bytes() -> usize {
    crate::runtime::OutputLimits::default().bytes
}

fn default_log_lines() -> usize {
    crate::runtime::OutputLimits::default().lines
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sources_take_their_short_and_long_names() {
        for (name, source) in [
            ("alb-multi", EventSource::AlbMultiValue),
            ("alb-multi-value", EventSource::AlbMultiValue),
            ("rest-v1", EventSource::RestV1),
            ("lattice-v2", EventSource::LatticeV2),
        ] {
            let manifest: BundleManifest = serde_json::from_value(serde_json::json!({
                "components": [{"name": "a", "file": "a.wasm"}], "source": name,
            }))
            .unwrap();
            assert_eq!(manifest.source, Some(source), "{name}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_value::<BundleManifest>(serde_json::json!({
            "components": [{"name": "a", "file": "a.wasm"}], "instance": "fresh",
        }))
        .unwrap_err();
        assert!(err.to_string().contains("instance"), "{err}");
    }

    #[test]
    fn capabilities_default_to_none() {
        let manifest: BundleManifest = serde_json::from_value(serde_json::json!({
            "components": [{"name": "a", "file": "a.wasm"}],
        }))
        .unwrap();
        let a = &manifest.components[0];
        assert!(a.env.is_empty() && a.dirs.is_empty() && a.allowed_hosts.is_empty());
        assert_eq!(a.limits, ComponentLimits::default());
    }

    #[test]
    fn limits_default_to_lambdas_and_take_each_field() {
        let defaults = Limits::default();
        assert_eq!(defaults.response_bytes, 6_291_456);
        assert_eq!(defaults.response_header_bytes, 10_240);
        assert_eq!((defaults.log_bytes, defaults.log_lines), (1 << 20, 1000));
        let manifest: BundleManifest = serde_json::from_value(serde_json::json!({
            "components": [{"name": "a", "file": "a.wasm"}],
            "limits": {"response_header_bytes": 4096, "log_bytes": 65536, "log_lines": 10},
        }))
        .unwrap();
        let limits = &manifest.limits;
        assert_eq!(
            (
                limits.response_header_bytes,
                limits.log_bytes,
                limits.log_lines
            ),
            (4096, 65536, 10)
        );
        assert_eq!(limits.response_bytes, 6_291_456, "unset: the default");
    }

    #[test]
    fn a_misspelt_grant_is_refused() {
        let err = serde_json::from_value::<BundleManifest>(serde_json::json!({
            "components": [{"name": "a", "file": "a.wasm", "allowed_host": ["x"]}],
        }))
        .unwrap_err();
        assert!(err.to_string().contains("allowed_host"), "{err}");
    }

    #[test]
    fn a_bundle_turns_swagger_ui_on_or_off_over_the_app() {
        let settings = |v: serde_json::Value| serde_json::from_value::<SwaggerSettings>(v).ok();
        let app = settings(json!({"path": "/docs"}));
        // The bundle's setting as its manifest spells it, the app's, and what is in force.
        let table = [
            (None, app.clone(), app.clone()),
            (None, None, None),
            (Some(json!(false)), app.clone(), None),
            (Some(json!(true)), app.clone(), app.clone()),
            (Some(json!(true)), None, settings(json!({}))),
            (
                Some(json!({"path": "/api-docs"})),
                app.clone(),
                settings(json!({"path": "/api-docs"})),
            ),
        ];
        for (bundle, app, want) in table {
            let bundle: Option<SwaggerOverride> =
                bundle.map(|b| serde_json::from_value(b).unwrap());
            assert_eq!(
                SwaggerOverride::apply(bundle.as_ref(), app.as_ref()),
                want,
                "{bundle:?} {app:?}"
            );
        }
        assert!(serde_json::from_value::<SwaggerOverride>(json!("yes")).is_err());
        // A misspelt setting is refused, not ignored.
        assert!(serde_json::from_value::<SwaggerOverride>(json!({"pth": "/docs"})).is_err());
    }
}
