//! Request and response validation (`enable_validation=True`), done by the host from the
//! JSON Schemas guests declare: parameters are read from the request the way Powertools reads
//! them for each source, coerced and checked; failures answer 422 with Pydantic-style details.
//!
//! Contents: [`RouteSchemas`] here (a route's schemas, compiled from what its manifest
//! declares: `app_manifest::RouteSpec`) with the [`Failure`] both checks raise;
//! `request.rs` ([`validate_request`]: path, query, header, cookie and body, before any
//! middleware runs); `response.rs` ([`ResponseCheck`]: the handler's answer, before the
//! middlewares see it); `schema.rs`, the validator itself; `detail.rs`, Pydantic's error
//! details; `json_position.rs`, where a JSON body stops parsing (multipart bodies are read by
//! `switchyard_multipart`, which the guest SDK shares).

mod detail;
mod json_position;
mod request;
mod response;
mod schema;

use serde_json::{Map, Value};

pub(crate) use detail::Detail;
pub(crate) use request::validate_request;
pub(crate) use response::ResponseCheck;
use schema::{Compiler, NodeId, Schemas};

use crate::app_manifest::RouteSpec;
use crate::response::{RaisedError, ServiceAnswer};

/// A route's schemas, compiled when the bundle loads: its parameters' (in declaration
/// order), its body's and its response's, with the `components.schemas` they refer to.
#[derive(Debug)]
pub struct RouteSchemas {
    schemas: Schemas,
    params: Vec<NodeId>,
    body: Option<NodeId>,
    /// The body's fields, checked one by one, when it is a form (`BodySpec::form`).
    form_fields: Option<Vec<FormField>>,
    response: Option<NodeId>,
}

/// A field of a form body.
#[derive(Debug)]
struct FormField {
    name: String,
    node: NodeId,
    required: bool,
}

impl RouteSchemas {
    /// Compiles what `spec` declares; `$ref`s point into `definitions`. A `pattern` that
    /// cannot be compiled is an error naming the field it constrains.
    pub fn compile(spec: &RouteSpec, definitions: &Map<String, Value>) -> anyhow::Result<Self> {
        let mut compiler = Compiler::new(definitions);
        let mut params = Vec::with_capacity(spec.params.len());
        for p in &spec.params {
            let field = || format!("{} parameter `{}`", p.location.key(), p.name);
            params.push(compile_field(&mut compiler, &p.schema, field)?);
        }
        let body = match &spec.body {
            Some(b) => Some(compile_field(&mut compiler, &b.schema, || {
                "the request body".into()
            })?),
            None => None,
        };
        let form_fields = match &spec.body {
            Some(b) if b.form => Some(form_fields(&mut compiler, &b.schema)?),
            _ => None,
        };
        let response = match &spec.response_schema {
            Some(r) => Some(compile_field(&mut compiler, r, || {
                "the response body".into()
            })?),
            None => None,
        };
        Ok(Self {
            schemas: compiler.finish(),
            params,
            body,
            form_fields,
            response,
        })
    }

    /// Nothing compiled, for a route the host does not validate.
    pub fn none() -> Self {
        Self {
            schemas: Compiler::new(&Map::new()).finish(),
            params: Vec::new(),
            body: None,
            form_fields: None,
            response: None,
        }
    }

    /// Whether the route declares its response.
    pub fn has_response(&self) -> bool {
        self.response.is_some()
    }
}

/// Compiles one field's schema; a pattern in it that cannot be compiled is an error naming
/// `field`.
fn compile_field<'a>(
    compiler: &mut Compiler<'a>,
    schema: &'a Value,
    field: impl Fn() -> String,
) -> anyhow::Result<NodeId> {
    let id = compiler.compile(schema);
    match compiler.take_errors().into_iter().next() {
        None => Ok(id),
        Some(err) => Err(anyhow::anyhow!("{}: {err}", field())),
    }
}

/// The fields of a form body whose schema is `schema` (a model, or a `$ref` to one): its
/// properties, in order.
fn form_fields<'a>(
    compiler: &mut Compiler<'a>,
    schema: &'a Value,
) -> anyhow::Result<Vec<FormField>> {
    let model = compiler.resolve(schema);
    let Some(properties) = model.get("properties").and_then(Value::as_object) else {
        anyhow::bail!("the request body is a form, but its schema names no fields");
    };
    let required = model.get("required").and_then(Value::as_array);
    let is_required = |name: &str| required.is_some_and(|r| r.iter().any(|n| n == name));
    properties
        .iter()
        .map(|(name, property)| {
            Ok(FormField {
                name: name.clone(),
                node: compile_field(compiler, property, || format!("form field `{name}`"))?,
                required: is_required(name),
            })
        })
        .collect()
}

/// Why a request or response failed validation: the status and the `detail` list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    /// 422, 415 for an unsupported body, or the configured response-validation status.
    pub status: u16,
    /// The Powertools error class it stands for (exception handlers are looked up by it).
    pub kind: &'static str,
    details: Vec<Detail>,
}

/// A failure as the error it raises: its class, the whole errors as its message (what an
/// exception handler reads), and its status and short `detail` (the default body).
impl From<Failure> for RaisedError {
    fn from(failure: Failure) -> Self {
        RaisedError {
            type_names: vec![failure.kind.to_string()],
            message: failure.errors().to_string(),
            service: Some(ServiceAnswer {
                status: failure.status,
                message_json: failure.detail().to_string(),
            }),
        }
    }
}

impl Failure {
    fn new(status: u16, kind: &'static str, details: &[Detail]) -> Self {
        Self {
            status,
            kind,
            details: details.to_vec(),
        }
    }

    /// `[{"loc": [...], "type": "..."}]`, what the default answer's body lists.
    pub(crate) fn detail(&self) -> Value {
        Value::Array(self.details.iter().map(Detail::to_json).collect())
    }

    /// The whole errors (`loc`, `type`, `msg`, `input`, `ctx`), what an exception handler
    /// reads.
    pub(crate) fn errors(&self) -> Value {
        Value::Array(self.details.iter().map(Detail::to_full_json).collect())
    }
}

/// The Powertools class of a failed request.
pub(crate) const REQUEST_VALIDATION_ERROR: &str = "RequestValidationError";
/// The Powertools class of a failed response with a custom status.
pub(crate) const RESPONSE_VALIDATION_ERROR: &str = "ResponseValidationError";
/// The Powertools class of a body in an unsupported content type.
pub(crate) const UNSUPPORTED_CONTENT_TYPE: &str = "RequestUnsupportedContentType";

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    #[test]
    fn a_pattern_nothing_compiles_names_the_field_it_constrains() {
        let spec: RouteSpec = serde_json::from_value(json!({
            "params": [
                {"name": "q", "field": "q", "in": "query", "required": true,
                 "schema": {"type": "string", "pattern": "^(?!admin).*$"}},
                {"name": "tag", "field": "tag", "in": "query", "required": true,
                 "schema": {"type": "string", "pattern": "([a-z"}},
            ],
        }))
        .unwrap();
        let err = RouteSchemas::compile(&spec, &Map::new()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("query parameter `tag`: pattern `([a-z` cannot be compiled: "),
            "{err}"
        );
        let body: RouteSpec = serde_json::from_value(json!({
            "body": {"required": true, "schema": {"type": "object", "properties": {
                "name": {"type": "string", "pattern": "(?<"}}}},
        }))
        .unwrap();
        let err = RouteSchemas::compile(&body, &Map::new()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the request body: pattern `(?<`"),
            "{err}"
        );
    }
}
