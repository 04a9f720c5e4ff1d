//! Telling the event source from the event's own marker fields.

use super::json::{Json, Object};
use super::{DecodeError, EventSource, has_entries};

/// The source of a Lambda event, from its marker fields:
///
/// | marker | source |
/// | --- | --- |
/// | `requestContext.elb` | ALB (multi-value when `multiValueHeaders` has entries) |
/// | `raw_path` + `method` | VPC Lattice v1 |
/// | `method` + `path`, no `httpMethod` | VPC Lattice v2 |
/// | `rawPath` or `requestContext.http` | Function URL when the domain is `*.lambda-url.*`, else HTTP API v2 |
/// | `httpMethod` + `path` with a `requestContext` | REST v1 |
/// | `httpMethod` + `path` without one | ALB (the docs' minimal ALB test event) |
pub(super) fn detect(obj: &Object<'_>) -> Result<EventSource, DecodeError> {
    let context = obj.get("requestContext").and_then(Json::as_object);
    let alb = || match has_entries(obj, "multiValueHeaders") {
        true => EventSource::AlbMultiValue,
        false => EventSource::Alb,
    };
    if context.is_some_and(|c| c.contains_key("elb")) {
        return Ok(alb());
    }
    if obj.contains_key("raw_path") && obj.contains_key("method") {
        return Ok(EventSource::LatticeV1);
    }
    if obj.contains_key("method") && obj.contains_key("path") && !obj.contains_key("httpMethod") {
        return Ok(EventSource::LatticeV2);
    }
    if obj.contains_key("rawPath") || context.is_some_and(|c| c.contains_key("http")) {
        let domain = context
            .and_then(|c| c.get("domainName"))
            .and_then(Json::as_str)
            .unwrap_or_default();
        return Ok(match domain.contains(".lambda-url.") {
            true => EventSource::FunctionUrl,
            false => EventSource::HttpV2,
        });
    }
    if obj.contains_key("httpMethod") && obj.contains_key("path") {
        return Ok(match context {
            Some(_) => EventSource::RestV1,
            None => alb(),
        });
    }
    Err(DecodeError::UnknownSource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn source_of(event: Value) -> Result<EventSource, DecodeError> {
        let text = event.to_string();
        detect(&super::super::json::parse(&text).unwrap().unwrap())
    }

    #[test]
    fn the_docs_minimal_events_are_told_apart() {
        let cases = [
            (
                json!({"path": "/todos", "httpMethod": "GET", "requestContext": {"requestId": "r"}}),
                EventSource::RestV1,
            ),
            (
                json!({"rawPath": "/todos", "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}),
                EventSource::HttpV2,
            ),
            (
                json!({"path": "/todos", "httpMethod": "GET", "headers": {"x-amzn-trace-id": "t"}}),
                EventSource::Alb,
            ),
            (
                json!({"path": "/t", "httpMethod": "GET", "multiValueHeaders": {"a": ["b"]}, "requestContext": {"elb": {}}}),
                EventSource::AlbMultiValue,
            ),
            (
                json!({"rawPath": "/", "requestContext": {"http": {"method": "GET"}, "domainName": "x.lambda-url.us-east-1.on.aws"}}),
                EventSource::FunctionUrl,
            ),
            (
                json!({"raw_path": "/", "method": "GET", "headers": {}}),
                EventSource::LatticeV1,
            ),
            (
                json!({"path": "/", "method": "GET", "version": "2.0"}),
                EventSource::LatticeV2,
            ),
        ];
        for (event, want) in cases {
            assert_eq!(source_of(event.clone()).unwrap(), want, "{event}");
        }
    }

    #[test]
    fn an_unknown_shape_names_what_was_looked_for() {
        let err = source_of(json!({"hello": "world"})).unwrap_err();
        assert!(err.to_string().contains("requestContext.elb"), "{err}");
    }

    #[test]
    fn every_shared_sample_event_is_detected() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance/events"
        );
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let event: Value =
                serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
            let got = source_of(event).unwrap_or_else(|e| panic!("{name}: {e}"));
            let want = match name.as_str() {
                n if n.starts_with("alb") => {
                    [EventSource::Alb, EventSource::AlbMultiValue].contains(&got)
                }
                n if n.starts_with("apiGatewayProxyV2") => got == EventSource::HttpV2,
                n if n.starts_with("apiGateway") || n.starts_with("apigateway") => {
                    got == EventSource::RestV1
                }
                n if n.starts_with("lambdaFunctionUrl") => got == EventSource::FunctionUrl,
                n if n.starts_with("vpcLatticeV2") || n.starts_with("vpcLatticeEventV2") => {
                    got == EventSource::LatticeV2
                }
                n if n.starts_with("vpcLattice") => got == EventSource::LatticeV1,
                _ => true,
            };
            assert!(want, "{name} detected as {got}");
        }
    }
}
