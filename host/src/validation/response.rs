//! Response validation: a handler's JSON answer checked against its declared response
//! schema before the middlewares see it, and written again from the validated value.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Failure, REQUEST_VALIDATION_ERROR, RESPONSE_VALIDATION_ERROR, RouteSchemas};
use crate::response::{Body, RaisedError};

/// A route's check of its handler's answer, which the runtime applies between the handler
/// and the middlewares: the body to pass on, or the error raised in its place, which travels
/// up through the middlewares like any other.
#[derive(Debug, Clone)]
pub(crate) struct ResponseCheck {
    schemas: Arc<RouteSchemas>,
    /// The status of a failure, when the route or app sets one ([`validate_response`]).
    custom_status: Option<u16>,
    /// The component writes answers with its own serializer, which writes a changed answer
    /// again (Powertools serializes the checked value with the app's serializer).
    custom_serializer: bool,
}

/// A handler's answer body that passed its check.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The body to pass on.
    pub(crate) body: Body,
    /// It is a value the check changed, for the component's own serializer to write again
    /// before the middlewares see it.
    pub(crate) rewrite: bool,
}

impl ResponseCheck {
    /// The check of a route whose `schemas` declare its response; `None` when they do not.
    pub(crate) fn new(
        schemas: &Arc<RouteSchemas>,
        custom_status: Option<u16>,
        custom_serializer: bool,
    ) -> Option<Self> {
        schemas.has_response().then(|| Self {
            schemas: schemas.clone(),
            custom_status,
            custom_serializer,
        })
    }

    /// Checks `body`, the handler's answer.
    pub(crate) fn check(&self, body: Body) -> Result<Checked, RaisedError> {
        let text = match &body {
            Body::None => None,
            Body::Text(text) => Some(text.as_str()),
            // Bytes are not a JSON answer; Pydantic fails them as it would a `str`.
            Body::Binary(_) => Some(""),
        };
        let checked = validate_response(&self.schemas, text, self.custom_status)?;
        let rewrite = self.custom_serializer && matches!(checked, CheckedBody::Changed(_));
        Ok(Checked {
            body: Body::Text(checked.into_text()),
            rewrite,
        })
    }
}

/// A handler's answer after response validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CheckedBody {
    /// The text the guest wrote: checking left the answer as it was, or the route declares
    /// no response.
    AsWritten(String),
    /// The checked value in Powertools' default format: checking changed the answer. An app
    /// with its own serializer writes it again.
    Changed(String),
}

impl CheckedBody {
    /// The answer's text.
    pub(crate) fn into_text(self) -> String {
        match self {
            CheckedBody::AsWritten(text) | CheckedBody::Changed(text) => text,
        }
    }
}

/// Validates a handler's JSON answer against the declared response schema; the answer
/// re-serialized from the validated value (declared fields, in declared order, defaults
/// filled, as Pydantic serializes a model), or the failure. `custom_status` is the route's
/// `custom_response_validation_http_code`, else the app's `response_validation_error_http_code`:
/// when either is set, whatever its value, the failure is a `ResponseValidationError` with that
/// status (Powertools' `_has_response_validation_error`); otherwise a 422
/// `RequestValidationError`.
pub(crate) fn validate_response(
    compiled: &RouteSchemas,
    body: Option<&str>,
    custom_status: Option<u16>,
) -> Result<CheckedBody, Failure> {
    let Some(schema) = compiled.response else {
        return Ok(CheckedBody::AsWritten(body.unwrap_or_default().to_string()));
    };
    // The JSON text as the guest wrote it, when it is JSON.
    let (input, written) = match body {
        None => (Value::Null, None),
        Some(text) => match serde_json::from_str(text) {
            Ok(value) => (value, Some(text)),
            Err(_) => (Value::String(text.into()), None),
        },
    };
    let (status, kind) = match custom_status {
        Some(status) => (status, RESPONSE_VALIDATION_ERROR),
        None => (422, REQUEST_VALIDATION_ERROR),
    };
    let mut errors = Vec::new();
    let checked = compiled
        .schemas
        .check(schema, &input, &[json!("response")], &mut errors)
        .ok_or_else(|| Failure::new(status, kind, &errors))?;
    // Powertools serializes the checked answer with the app's serializer. When checking left
    // it as it was, that is the text the guest's serializer (Powertools' default, or the
    // app's own) already wrote; otherwise the host writes it with the default, for an app's
    // own serializer to write again.
    Ok(match written {
        Some(text) if same_json(&checked, &input) => CheckedBody::AsWritten(text.to_string()),
        _ => CheckedBody::Changed(switchyard_pyjson::to_string(&checked).unwrap_or_default()),
    })
}

/// Equal as JSON text would be: the same members in the same order (`Value`'s own `==`
/// ignores the order of an object's members), and numbers of the same kind (`1` is not `1.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_json(va, vb))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_json(x, y))
        }
        (a, b) => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app_manifest::RouteSpec;
    use serde_json::Map;

    #[test]
    fn a_checked_answer_keeps_the_guests_text_unless_checking_changed_it() {
        let spec: RouteSpec = serde_json::from_value(json!({
            "response_schema": {
                "type": "object",
                "properties": {"n": {"type": "integer"}, "tag": {"type": "string", "default": "x"}},
            },
        }))
        .unwrap();
        let compiled = RouteSchemas::compile(&spec, &Map::new()).unwrap();
        // The guest's text, and the answer's.
        let unchanged = |text: &str| CheckedBody::AsWritten(text.into());
        let changed = |text: &str| CheckedBody::Changed(text.into());
        let table = [
            // Unchanged: the text as written (an app's own serializer's spacing, its
            // unescaped text).
            (
                r#"{"n": 1, "tag": "ü"}"#,
                unchanged(r#"{"n": 1, "tag": "ü"}"#),
            ),
            // Changed: members put in the model's order, a default filled in, a string read
            // as an integer, an integral float read as an integer; written as Powertools'
            // default serializer writes it.
            (r#"{"tag": "t", "n": 1}"#, changed(r#"{"n":1,"tag":"t"}"#)),
            (r#"{"n": 1}"#, changed(r#"{"n":1,"tag":"x"}"#)),
            (
                r#"{"n": "2", "tag": "ü"}"#,
                changed(r#"{"n":2,"tag":"\u00fc"}"#),
            ),
            (r#"{"n": 3.0, "tag": "t"}"#, changed(r#"{"n":3,"tag":"t"}"#)),
        ];
        for (text, want) in table {
            let got = validate_response(&compiled, Some(text), None).unwrap();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn a_set_response_validation_code_raises_response_validation_error_whatever_its_value() {
        let spec = RouteSpec {
            response_schema: Some(json!({"type": "integer"})),
            ..RouteSpec::default()
        };
        let compiled = RouteSchemas::compile(&spec, &Map::new()).unwrap();
        let failure = |custom| validate_response(&compiled, Some("\"x\""), custom).unwrap_err();
        // Not set: Powertools raises RequestValidationError, 422.
        let unset = failure(None);
        assert_eq!((unset.status, unset.kind), (422, REQUEST_VALIDATION_ERROR));
        // Set, even to 422: ResponseValidationError with that status.
        for status in [422, 500] {
            let set = failure(Some(status));
            assert_eq!((set.status, set.kind), (status, RESPONSE_VALIDATION_ERROR));
        }
    }

    #[test]
    fn json_is_the_same_only_in_the_same_order_and_number_kind() {
        let rows = [
            (
                json!({"a": 1, "b": [1, {"c": null}]}),
                json!({"a": 1, "b": [1, {"c": null}]}),
                true,
            ),
            (json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1}), false),
            (json!([1]), json!([1.0]), false),
            (json!([1, 2]), json!([1]), false),
            (json!({"a": 1}), json!({"a": 1, "b": 1}), false),
            (json!("1"), json!(1), false),
        ];
        for (a, b, same) in rows {
            assert_eq!(same_json(&a, &b), same, "{a} {b}");
        }
    }
}
