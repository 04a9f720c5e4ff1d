//! Telling the event source from the event's own marker fields.

use super::{DecodeError, EventSource, has_entries};
use crate::json::{Json, Object};

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
        detect(&crate::json::parse(&text).unwrap().unwrap())
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
        // Each file's source, by the prefix of its name (Powertools' naming; the first prefix
        // that matches wins). A file no prefix names fails: it needs a row of its own.
        const SOURCES: [(&str, EventSource); 9] = [
            ("albMultiValue", EventSource::AlbMultiValue),
            ("alb", EventSource::Alb),
            ("apiGatewayProxyV2", EventSource::HttpV2),
            ("apiGateway", EventSource::RestV1),
            ("apigateway", EventSource::RestV1),
            ("lambdaFunctionUrl", EventSource::FunctionUrl),
            ("vpcLatticeV2", EventSource::LatticeV2),
            ("vpcLatticeEventV2", EventSource::LatticeV2),
            ("vpcLattice", EventSource::LatticeV1),
        ];
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance/events"
        );
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("`{dir}`: {e}"));
        let mut seen = Vec::new();
        for entry in entries {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().to_string();
            let want = SOURCES
                .iter()
                .find(|(prefix, _)| name.starts_with(prefix))
                .map(|(_, source)| *source)
                .unwrap_or_else(|| panic!("`{name}`: no source expected for this file"));
            let event: Value =
                serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
            let got = source_of(event).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, want, "{name}");
            seen.push(got);
        }
        // The 30 sample events, every source among them.
        assert!(seen.len() >= 30, "{} sample events in `{dir}`", seen.len());
        for source in EventSource::ALL {
            assert!(
                seen.contains(&source),
                "no {source} sample event in `{dir}`"
            );
        }
    }
}
