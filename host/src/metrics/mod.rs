//! CloudWatch metrics in the Embedded Metric Format, as Powertools' `Metrics` writes them
//! under `@metrics.log_metrics(capture_cold_start_metric=True)`: the metrics guests add in an
//! invocation, flushed as one EMF document when it ends (or whenever 100 accumulate), the
//! `ColdStart` metric in a document of its own, and, beyond Powertools, a document per
//! request with the route's latency, status class and faults (the bundle's
//! `metrics.routes`), with no guest code.
//!
//! An invocation's metrics are held on the thread that answers it, as its log keys are
//! ([`crate::log::invocation`]): guests add to them through the host's imports.

mod unit;

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::invocation::InvocationContext;
pub(crate) use unit::Unit;

/// At most this many metrics in a document, and values of one metric (EMF's limits).
const MAX_METRICS: usize = 100;
/// At most this many dimensions (CloudWatch's 30, less the `service` Powertools adds).
const MAX_DIMENSIONS: usize = 29;
/// A metric name's length, in characters.
const NAME_LENGTH: std::ops::RangeInclusive<usize> = 1..=255;
/// The longest dimension value CloudWatch takes, in characters.
const MAX_DIMENSION_VALUE: usize = 1024;
/// At most this many full documents a guest's metrics make in one invocation (10,000
/// values), and this many metadata keys: the log's limits hold for metrics too.
const MAX_EARLY_DOCUMENTS: usize = 100;
const MAX_METADATA_KEYS: usize = 1000;

/// What a bundle says about metrics (`"metrics": {...}` in its manifest).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsOptions {
    /// The CloudWatch namespace, over `POWERTOOLS_METRICS_NAMESPACE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// A `ColdStart` metric on the first invocation of each execution environment.
    #[serde(default)]
    pub cold_start: bool,
    /// Each request's `Latency`, status class (`2xx` .. `5xx`) and `Fault` with a `route`
    /// dimension.
    #[serde(default)]
    pub routes: bool,
}

/// Powertools' variables, read once.
#[derive(Debug, Clone, Default)]
struct Environment {
    namespace: Option<String>,
    function_name: Option<String>,
    disabled: bool,
}

fn environment() -> &'static Environment {
    static ENVIRONMENT: OnceLock<Environment> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| Environment::read(|name| std::env::var(name).ok()))
}

impl Environment {
    fn read(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let truthy = |name: &str| set(name).is_some_and(|v| crate::log::truthy(&v));
        // Powertools: metrics are off in dev mode unless POWERTOOLS_METRICS_DISABLED says no.
        let disabled = match set("POWERTOOLS_METRICS_DISABLED") {
            Some(value) => crate::log::truthy(&value),
            None => truthy("POWERTOOLS_DEV"),
        };
        Self {
            namespace: set("POWERTOOLS_METRICS_NAMESPACE"),
            function_name: set("POWERTOOLS_METRICS_FUNCTION_NAME"),
            disabled,
        }
    }
}

/// Why a metric, dimension or value was refused, in Powertools' words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetricError(pub(crate) String);

impl std::fmt::Display for MetricError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One metric's unit, resolution and values.
#[derive(Debug, Clone, PartialEq)]
struct Metric {
    unit: Unit,
    high_resolution: bool,
    values: Vec<f64>,
}

/// The metrics, dimensions and metadata of an invocation, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq)]
struct MetricSet {
    metrics: Vec<(String, Metric)>,
    dimensions: Vec<(String, String)>,
    metadata: Map<String, Value>,
}

impl MetricSet {
    /// Adds a value (`metrics.add_metric`); a full set is flushed as a document of its own
    /// first-come, as Powertools prints it at 100 metrics or 100 values of one.
    fn add_metric(
        &mut self,
        name: &str,
        unit: &str,
        value: f64,
        resolution: u32,
    ) -> Result<bool, MetricError> {
        let name = name.trim();
        if !NAME_LENGTH.contains(&name.chars().count()) {
            return Err(MetricError(format!(
                "The metric name should be between {} and {} characters",
                NAME_LENGTH.start(),
                NAME_LENGTH.end()
            )));
        }
        if !value.is_finite() {
            return Err(MetricError(format!("{value} is not a valid number")));
        }
        let unit = Unit::parse(unit)?;
        let high_resolution = match resolution {
            60 => false,
            1 => true,
            other => {
                return Err(MetricError(format!(
                    "Invalid metric resolution '{other}', expected either option: [60, 1]"
                )));
            }
        };
        let at = match self.metrics.iter().position(|(n, _)| n == name) {
            Some(at) => at,
            None => {
                self.metrics.push((
                    name.to_string(),
                    Metric {
                        unit,
                        high_resolution,
                        values: Vec::new(),
                    },
                ));
                self.metrics.len() - 1
            }
        };
        let metric = &mut self.metrics[at].1;
        metric.unit = unit;
        metric.high_resolution = high_resolution;
        metric.values.push(value);
        let values = metric.values.len();
        Ok(self.metrics.len() == MAX_METRICS || values == MAX_METRICS)
    }

    /// `metrics.add_dimension`: an empty name or value is left out with a warning, as in
    /// Powertools; a 30th is refused.
    fn add_dimension(&mut self, name: &str, value: &str) -> Result<(), MetricError> {
        if self.dimensions.len() == MAX_DIMENSIONS {
            return Err(MetricError(format!(
                "Maximum number of dimensions exceeded ({MAX_DIMENSIONS}): Unable to add dimension {name}."
            )));
        }
        if value.chars().count() > MAX_DIMENSION_VALUE {
            return Err(MetricError(format!(
                "The value of dimension {name} is over CloudWatch's {MAX_DIMENSION_VALUE} characters"
            )));
        }
        if name.trim().is_empty() || value.trim().is_empty() {
            crate::log::warn(&format!(
                "The dimension {name} doesn't meet the requirements and won't be added. \
                 Ensure the dimension name and value are non-empty strings"
            ));
            return Ok(());
        }
        match self.dimensions.iter_mut().find(|(n, _)| n == name) {
            Some((_, old)) => *old = value.to_string(),
            None => self.dimensions.push((name.to_string(), value.to_string())),
        }
        Ok(())
    }

    /// The EMF document of the set: `_aws`, the dimensions (`service` last unless added),
    /// the metadata, then each metric's values.
    fn document(&self, namespace: &str, service: Option<&str>, timestamp_ms: u64) -> Value {
        let mut dimensions = self.dimensions.clone();
        if let Some(service) = service
            && !dimensions.iter().any(|(name, _)| name == "service")
        {
            dimensions.push(("service".into(), service.into()));
        }
        let definitions: Vec<Value> = self
            .metrics
            .iter()
            .map(|(name, metric)| match metric.high_resolution {
                true => json!({"Name": name, "Unit": metric.unit.name(), "StorageResolution": 1}),
                false => json!({"Name": name, "Unit": metric.unit.name()}),
            })
            .collect();
        let names: Vec<&str> = dimensions.iter().map(|(name, _)| name.as_str()).collect();
        let mut document = Map::new();
        document.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": namespace,
                    "Dimensions": [names],
                    "Metrics": definitions,
                }],
            }),
        );
        for (name, value) in &dimensions {
            document.insert(name.clone(), value.as_str().into());
        }
        for (key, value) in &self.metadata {
            document.insert(key.clone(), value.clone());
        }
        for (name, metric) in &self.metrics {
            document.insert(name.clone(), metric.values.clone().into());
        }
        Value::Object(document)
    }
}

/// The invocation's metrics and what the host learns of it.
#[derive(Debug)]
struct Current {
    options: Arc<MetricsOptions>,
    set: MetricSet,
    /// How the request was answered, once it was.
    answer: Option<RouteAnswer>,
    /// Documents written before the end, when the set filled.
    early_documents: usize,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// What the bundle and Powertools' variables make of metrics for an invocation.
struct Resolved<'a> {
    namespace: Option<&'a str>,
    service: Option<&'a str>,
}

fn resolved(options: &MetricsOptions) -> Resolved<'_> {
    let environment = environment();
    Resolved {
        namespace: options
            .namespace
            .as_deref()
            .or(environment.namespace.as_deref()),
        service: crate::log::settings().named_service(),
    }
}

/// An invocation's metrics on this thread, until [`Scope::finish`] flushes them.
#[must_use = "the invocation's metrics are flushed by `finish`"]
pub(crate) struct Scope {
    previous: Option<Current>,
    finished: bool,
}

/// Starts collecting the metrics of an invocation on this thread.
pub(crate) fn enter(options: &Arc<MetricsOptions>) -> Scope {
    let current = Current {
        options: Arc::clone(options),
        set: MetricSet::default(),
        answer: None,
        early_documents: 0,
    };
    let previous = CURRENT.with(|c| c.borrow_mut().replace(current));
    Scope {
        previous,
        finished: false,
    }
}

/// How a request was answered, for the route metrics.
#[derive(Debug, Clone)]
struct RouteAnswer {
    /// The matched rule, as the access log names it (`<not found>` when none matched).
    rule: String,
    status: u16,
    latency: Duration,
}

/// Records how the invocation's request was answered: its route's rule, the status and how
/// long it took, when the bundle wants route metrics.
pub(crate) fn request_answered(rule: &str, status: u16, latency: Duration) {
    CURRENT.with(|c| {
        if let Some(current) = c.borrow_mut().as_mut()
            && current.options.routes
        {
            current.answer = Some(RouteAnswer {
                rule: rule.to_string(),
                status,
                latency,
            });
        }
    });
}

impl Scope {
    /// Writes the invocation's documents (its `ColdStart`, the guests' metrics, the route's,
    /// whose `Fault` is `fault`: an unhandled error or a failing guest made the answer) and
    /// ends the scope.
    pub(crate) fn finish(mut self, context: &InvocationContext, cold_start: bool, fault: bool) {
        self.finished = true;
        let Some(current) = CURRENT.with(|c| c.borrow_mut().take()) else {
            return;
        };
        let environment = environment();
        if environment.disabled {
            return;
        }
        let Resolved { namespace, service } = resolved(&current.options);
        let now = now_ms();
        let wants_documents =
            current.options.cold_start || current.options.routes || !current.set.metrics.is_empty();
        let Some(namespace) = namespace else {
            if wants_documents {
                crate::log::error(
                    "metrics were added but have no namespace: set POWERTOOLS_METRICS_NAMESPACE \
                     or the bundle's `metrics.namespace`; they are dropped",
                );
            }
            return;
        };
        if current.options.cold_start && cold_start {
            let function_name = environment
                .function_name
                .as_deref()
                .unwrap_or(&context.function_name);
            let mut set = MetricSet::default();
            let _ = set.add_dimension("function_name", function_name);
            if let Some(service) = service {
                let _ = set.add_dimension("service", service);
            }
            let _ = set.add_metric("ColdStart", "Count", 1.0, 60);
            crate::log::metrics_document(&set.document(namespace, None, now));
        }
        if !current.set.metrics.is_empty() {
            crate::log::metrics_document(&current.set.document(namespace, service, now));
        }
        if let (true, Some(answer)) = (current.options.routes, &current.answer) {
            let set = route_metrics(answer, fault);
            crate::log::metrics_document(&set.document(namespace, service, now));
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// The route document's metrics: `Latency`, one count per status class (1 for the
/// request's, 0 for the rest, so every class has data points), and `Fault`.
fn route_metrics(answer: &RouteAnswer, fault: bool) -> MetricSet {
    let mut set = MetricSet::default();
    let _ = set.add_dimension("route", &answer.rule);
    let milliseconds = answer.latency.as_secs_f64() * 1000.0;
    let _ = set.add_metric("Latency", "Milliseconds", milliseconds, 60);
    for class in 2..=5 {
        let name = format!("{class}xx");
        let count = f64::from(u8::from(answer.status / 100 == class));
        let _ = set.add_metric(&name, "Count", count, 60);
    }
    let _ = set.add_metric("Fault", "Count", f64::from(u8::from(fault)), 60);
    set
}

/// Runs `change` on the invocation's metrics; outside an invocation there are none, and a
/// guest's call is refused.
fn with_current<R>(
    change: impl FnOnce(&mut Current) -> Result<R, MetricError>,
) -> Result<R, MetricError> {
    CURRENT.with(|c| match c.borrow_mut().as_mut() {
        Some(current) => change(current),
        None => Err(MetricError(
            "metrics are collected within an invocation only".into(),
        )),
    })
}

/// `metrics.add_metric`, from a guest.
pub(crate) fn add_metric(
    name: &str,
    unit: &str,
    value: f64,
    resolution: u32,
) -> Result<(), MetricError> {
    with_current(|current| {
        if current.early_documents == MAX_EARLY_DOCUMENTS {
            return Err(MetricError(format!(
                "more than {} metric values in one invocation",
                MAX_EARLY_DOCUMENTS * MAX_METRICS
            )));
        }
        if current.set.add_metric(name, unit, value, resolution)? {
            current.early_documents += 1;
            // Powertools prints a full set at once and starts a new one (dimensions stay).
            let Resolved { namespace, service } = resolved(&current.options);
            if let Some(namespace) = namespace
                && !environment().disabled
            {
                crate::log::metrics_document(&current.set.document(namespace, service, now_ms()));
            }
            current.set.metrics.clear();
        }
        Ok(())
    })
}

/// `metrics.add_dimension`, from a guest.
pub(crate) fn add_dimension(name: &str, value: &str) -> Result<(), MetricError> {
    with_current(|current| current.set.add_dimension(name, value))
}

/// `metrics.add_metadata`, from a guest.
pub(crate) fn add_metadata(key: &str, value: Value) -> Result<(), MetricError> {
    with_current(|current| {
        let metadata = &mut current.set.metadata;
        if metadata.len() == MAX_METADATA_KEYS && !metadata.contains_key(key) {
            return Err(MetricError(format!(
                "more than {MAX_METADATA_KEYS} metadata keys in one invocation"
            )));
        }
        metadata.insert(key.to_string(), value);
        Ok(())
    })
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_the_document_powertools_writes() {
        let mut set = MetricSet::default();
        assert_eq!(set.add_metric("TodosListed", "Count", 2.0, 60), Ok(false));
        set.add_dimension("env", "prod").unwrap();
        set.metadata.insert("request".into(), "r-1".into());
        assert_eq!(
            set.add_metric(" Latency ", "Milliseconds", 1.5, 1),
            Ok(false)
        );
        assert_eq!(set.add_metric("TodosListed", "Count", 3.0, 60), Ok(false));
        let document = set.document("Todos", Some("example"), 1_796_588_000_086);
        assert_eq!(
            document.to_string(),
            r#"{"_aws":{"Timestamp":1796588000086,"CloudWatchMetrics":[{"Namespace":"Todos","Dimensions":[["env","service"]],"Metrics":[{"Name":"TodosListed","Unit":"Count"},{"Name":"Latency","Unit":"Milliseconds","StorageResolution":1}]}]},"env":"prod","service":"example","request":"r-1","TodosListed":[2.0,3.0],"Latency":[1.5]}"#
        );
    }

    #[test]
    fn bad_metrics_are_refused_in_powertools_words() {
        let mut set = MetricSet::default();
        let refused = |result: Result<bool, MetricError>| result.unwrap_err().0;
        assert_eq!(
            refused(set.add_metric(" ", "Count", 1.0, 60)),
            "The metric name should be between 1 and 255 characters"
        );
        assert!(
            refused(set.add_metric("a", "Parsecs", 1.0, 60))
                .starts_with("Invalid metric unit 'Parsecs'")
        );
        assert!(refused(set.add_metric("a", "Count", 1.0, 5)).contains("'5'"));
        assert!(refused(set.add_metric("a", "Count", f64::NAN, 60)).contains("not a valid number"));
        // Unit names as Powertools takes them: the value or the enum member's name.
        assert_eq!(set.add_metric("a", "CountPerSecond", 1.0, 60), Ok(false));
        assert_eq!(set.add_metric("b", "Count/Second", 1.0, 60), Ok(false));
        assert_eq!(set.add_metric("c", "NoUnit", 1.0, 60), Ok(false));
        let document = set.document("N", None, 0);
        let units: Vec<&Value> = document["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["Unit"])
            .collect();
        assert_eq!(units, ["Count/Second", "Count/Second", "None"]);
        for n in 0..MAX_DIMENSIONS {
            set.add_dimension(&format!("d{n}"), "v").unwrap();
        }
        assert!(
            set.add_dimension("one-more", "v")
                .unwrap_err()
                .0
                .contains("(29)")
        );
    }

    #[test]
    fn a_hundredth_metric_or_value_fills_the_set() {
        let mut set = MetricSet::default();
        for n in 0..99 {
            assert_eq!(set.add_metric("m", "Count", f64::from(n), 60), Ok(false));
        }
        assert_eq!(set.add_metric("m", "Count", 99.0, 60), Ok(true));
        let mut set = MetricSet::default();
        for n in 0..99 {
            assert_eq!(
                set.add_metric(&format!("m{n}"), "Count", 1.0, 60),
                Ok(false)
            );
        }
        assert_eq!(set.add_metric("m99", "Count", 1.0, 60), Ok(true));
    }

    #[test]
    fn route_metrics_count_the_status_class_and_the_fault() {
        let answer = RouteAnswer {
            rule: "/todos/<id>".into(),
            status: 503,
            latency: Duration::from_micros(1500),
        };
        let document = route_metrics(&answer, true).document("Todos", Some("todos"), 0);
        assert_eq!(document["route"], "/todos/<id>");
        assert_eq!(document["service"], "todos");
        assert_eq!(document["Latency"], json!([1.5]));
        assert_eq!(
            ["2xx", "3xx", "4xx", "5xx", "Fault"].map(|name| document[name][0].as_f64().unwrap()),
            [0.0, 0.0, 0.0, 1.0, 1.0]
        );
    }

    #[test]
    fn dev_mode_turns_metrics_off_unless_told_otherwise() {
        let read = |vars: &[(&str, &str)]| Environment::read(crate::log::variables(vars));
        assert!(read(&[("POWERTOOLS_DEV", "true")]).disabled);
        assert!(
            !read(&[
                ("POWERTOOLS_DEV", "true"),
                ("POWERTOOLS_METRICS_DISABLED", "false")
            ])
            .disabled
        );
        assert!(read(&[("POWERTOOLS_METRICS_DISABLED", "1")]).disabled);
        assert!(!read(&[]).disabled);
    }
}
