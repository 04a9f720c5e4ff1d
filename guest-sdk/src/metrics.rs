//! Powertools' Metrics for handlers: CloudWatch metrics the host writes in the Embedded
//! Metric Format when the invocation ends, one document for the invocation's metrics with a
//! `service` dimension (`POWERTOOLS_SERVICE_NAME`) in the namespace
//! `POWERTOOLS_METRICS_NAMESPACE` (or the bundle's `metrics.namespace`).
//!
//! ```no_run
//! use switchyard_sdk::metrics::{self, MetricUnit};
//!
//! fn create_todo() -> Result<&'static str, switchyard_sdk::Error> {
//!     metrics::add_metric("TodoCreated", MetricUnit::Count, 1.0)?;
//!     metrics::add_dimension("environment", "prod")?;
//!     metrics::add_metadata("todo_id", 42)?;
//!     Ok("created")
//! }
//! ```
//!
//! What Powertools raises for (a name over 255 characters, a resolution other than 1 or 60,
//! a 30th dimension, a value that is not a number) is an [`MetricError`] here; with `?` it is
//! an unhandled error, as the raised exception is in Powertools.

use serde::Serialize;

use crate::__private::wit::switchyard::handler::host as imports;

/// CloudWatch's units (Powertools' `MetricUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "each variant is the CloudWatch unit it names")]
pub enum MetricUnit {
    Seconds,
    Microseconds,
    Milliseconds,
    Bytes,
    Kilobytes,
    Megabytes,
    Gigabytes,
    Terabytes,
    Bits,
    Kilobits,
    Megabits,
    Gigabits,
    Terabits,
    Percent,
    Count,
    BytesPerSecond,
    KilobytesPerSecond,
    MegabytesPerSecond,
    GigabytesPerSecond,
    TerabytesPerSecond,
    BitsPerSecond,
    KilobitsPerSecond,
    MegabitsPerSecond,
    GigabitsPerSecond,
    TerabitsPerSecond,
    CountPerSecond,
    NoUnit,
}

impl MetricUnit {
    /// The unit as Powertools' `MetricUnit` member names it; the host takes it or
    /// CloudWatch's name (`Count/Second`).
    fn member(self) -> &'static str {
        use MetricUnit::*;
        match self {
            Seconds => "Seconds",
            Microseconds => "Microseconds",
            Milliseconds => "Milliseconds",
            Bytes => "Bytes",
            Kilobytes => "Kilobytes",
            Megabytes => "Megabytes",
            Gigabytes => "Gigabytes",
            Terabytes => "Terabytes",
            Bits => "Bits",
            Kilobits => "Kilobits",
            Megabits => "Megabits",
            Gigabits => "Gigabits",
            Terabits => "Terabits",
            Percent => "Percent",
            Count => "Count",
            BytesPerSecond => "BytesPerSecond",
            KilobytesPerSecond => "KilobytesPerSecond",
            MegabytesPerSecond => "MegabytesPerSecond",
            GigabytesPerSecond => "GigabytesPerSecond",
            TerabytesPerSecond => "TerabytesPerSecond",
            BitsPerSecond => "BitsPerSecond",
            KilobitsPerSecond => "KilobitsPerSecond",
            MegabitsPerSecond => "MegabitsPerSecond",
            GigabitsPerSecond => "GigabitsPerSecond",
            TerabitsPerSecond => "TerabitsPerSecond",
            CountPerSecond => "CountPerSecond",
            NoUnit => "NoUnit",
        }
    }
}

/// How finely CloudWatch stores a metric (Powertools' `MetricResolution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricResolution {
    /// One data point a minute.
    #[default]
    Standard,
    /// One a second.
    High,
}

/// A metric, dimension or metadata the host refused, and why (Powertools' `MetricUnitError`,
/// `MetricValueError`, `SchemaValidationError`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricError(pub String);

impl std::fmt::Display for MetricError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MetricError {}

/// Adds a value to a metric (`metrics.add_metric(name=..., unit=..., value=...)`).
pub fn add_metric(name: &str, unit: MetricUnit, value: f64) -> Result<(), MetricError> {
    add_metric_with_resolution(name, unit, value, MetricResolution::Standard)
}

/// Adds a value to a metric at a resolution (`add_metric(..., resolution=...)`).
pub fn add_metric_with_resolution(
    name: &str,
    unit: MetricUnit,
    value: f64,
    resolution: MetricResolution,
) -> Result<(), MetricError> {
    let seconds = match resolution {
        MetricResolution::Standard => 60,
        MetricResolution::High => 1,
    };
    imports::add_metric(name, unit.member(), value, seconds).map_err(MetricError)
}

/// Adds a dimension to the invocation's metrics (`metrics.add_dimension`).
pub fn add_dimension(name: &str, value: &str) -> Result<(), MetricError> {
    imports::add_metric_dimension(name, value).map_err(MetricError)
}

/// Adds metadata to the invocation's metrics document (`metrics.add_metadata`): searchable
/// in the log, not a dimension.
pub fn add_metadata(key: &str, value: impl Serialize) -> Result<(), MetricError> {
    let json = serde_json::to_string(&value).map_err(|e| MetricError(e.to_string()))?;
    imports::add_metric_metadata(key, &json).map_err(MetricError)
}
