//! The bundle manifest, `switchyard.json`: app settings and one entry per component.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::event::EventSource;

/// The file name of a bundle's manifest.
pub const MANIFEST_FILE: &str = "switchyard.json";

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
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_mb: default_memory_mb(),
            timeout_ms: default_timeout_ms(),
        }
    }
}

fn default_memory_mb() -> u32 {
    128
}

fn default_timeout_ms() -> u64 {
    30_000
}

#[cfg(test)]
mod tests {
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
}
