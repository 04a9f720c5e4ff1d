//! The OpenAPI 3.1 document, built the way Powertools' `get_openapi_schema` builds it, from
//! what every component declares: routes with their parameters, bodies, responses and
//! metadata, the app's document-level settings, and the named schemas. `swagger.rs` serves it
//! with Swagger UI.

mod swagger;

use serde_json::{Map, Value, json};

pub(crate) use swagger::SwaggerPage;

use crate::app_manifest::{AppSpec, Location, RouteSpec};
use crate::router::replace_params;

/// Powertools' default `info.title` (3.37).
const DEFAULT_TITLE: &str = "Powertools for AWS Lambda (Python) API";

/// One operation's source: its method, rule and declarations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation<'a> {
    /// The upper-case method.
    pub method: &'a str,
    /// The rule as registered (`/items/<item_id>`).
    pub rule: &'a str,
    /// What the route declares.
    pub spec: &'a RouteSpec,
}

/// Why a document cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    /// A security requirement names a scheme that is not declared (Powertools'
    /// `SchemaValidationError`).
    #[error(
        "security requirement `{scheme}` of {required_by} is not among the declared security schemes; declare it with `OpenApi::security_scheme`"
    )]
    UnknownSecurityScheme {
        /// The scheme's name.
        scheme: String,
        /// Who requires it: the app's `security`, or a route.
        required_by: String,
    },
}

/// `<name>` to `{name}`.
pub(crate) fn openapi_path(rule: &str) -> String {
    let out = replace_params(rule, |name| format!("{{{name}}}"));
    if out.is_empty() { "/".into() } else { out }
}

/// Python's `str.title()`, applied to a parameter's name as Pydantic titles it.
fn title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut after_letter = false;
    for c in name.replace('_', " ").chars() {
        match (c.is_alphabetic(), after_letter) {
            (true, false) => out.extend(c.to_uppercase()),
            (true, true) => out.extend(c.to_lowercase()),
            (false, _) => out.push(c),
        }
        after_letter = c.is_alphabetic();
    }
    out
}

/// Powertools' default `operationId`: `re.sub(r"\W", "_", name + path) + "_" + method`.
fn operation_id(name: &str, path: &str, method: &str) -> String {
    let raw: String = format!("{name}{path}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{raw}_{}", method.to_ascii_lowercase())
}

fn validation_error_schemas() -> [(&'static str, Value); 3] {
    let detail = json!({
        "properties": {"detail": {"items": {"$ref": "#/components/schemas/ValidationError"}, "type": "array", "title": "Detail"}},
        "type": "object",
    });
    let mut http = detail.clone();
    http["title"] = json!("HTTPValidationError");
    let mut response = detail;
    response["title"] = json!("ResponseValidationError");
    [
        ("HTTPValidationError", http),
        ("ResponseValidationError", response),
        (
            "ValidationError",
            json!({
                "properties": {
                    "loc": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "type": "array", "title": "Location"},
                    "type": {"type": "string", "title": "Error Type"},
                },
                "type": "object",
                "required": ["loc", "msg", "type"],
                "title": "ValidationError",
            }),
        ),
    ]
}

fn json_content(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

/// A response schema inline gets Pydantic's `"title": "Return"`; a `$ref` stays as it is.
fn return_schema(spec: &RouteSpec) -> Value {
    match &spec.response_schema {
        Some(schema) if schema.get("$ref").is_some() => schema.clone(),
        Some(schema) => {
            let mut schema = schema.clone();
            if let Some(map) = schema.as_object_mut() {
                map.insert("title".into(), json!("Return"));
            }
            schema
        }
        None => json!({}),
    }
}

/// Builds the document for `operations`, with the server list for `base_path` unless the
/// app names its servers.
pub(crate) fn document(
    app: &AppSpec,
    operations: &[Operation<'_>],
    base_path: &str,
) -> Result<Value, DocumentError> {
    let settings = &app.openapi;
    let schemes = settings.security_schemes.clone().unwrap_or_default();

    let mut info = Map::new();
    info.insert(
        "title".into(),
        json!(settings.title.as_deref().unwrap_or(DEFAULT_TITLE)),
    );
    info.insert(
        "version".into(),
        json!(settings.version.as_deref().unwrap_or("1.0.0")),
    );
    for (value, name) in [
        (&settings.summary, "summary"),
        (&settings.description, "description"),
        (&settings.terms_of_service, "termsOfService"),
        (&settings.contact, "contact"),
        (&settings.license_info, "license"),
    ] {
        if let Some(value) = value.as_ref().filter(|v| truthy(v)) {
            info.insert(name.into(), value.clone());
        }
    }

    let mut doc = Map::new();
    // Pydantic v2 only speaks 3.1; Powertools forces any other version to 3.1.0.
    let version = settings
        .openapi_version
        .as_deref()
        .filter(|v| v.starts_with("3.1"))
        .unwrap_or("3.1.0");
    doc.insert("openapi".into(), json!(version));
    doc.insert("info".into(), Value::Object(info));
    let servers = match &settings.servers {
        Some(Value::Array(servers)) if !servers.is_empty() => Value::Array(servers.clone()),
        _ => json!([{"url": if base_path.is_empty() { "/" } else { base_path }}]),
    };
    doc.insert("servers".into(), servers);

    let mut paths: Map<String, Value> = Map::new();
    // Powertools lists dynamic routes, then static ones, each in registration order.
    let (dynamic, fixed): (Vec<&Operation<'_>>, Vec<_>) = operations
        .iter()
        .filter(|op| op.spec.openapi.include_in_schema)
        .partition(|op| op.rule.contains('<') || op.rule.contains('('));
    for op in dynamic.into_iter().chain(fixed) {
        let path = openapi_path(op.rule);
        let operation = build_operation(app, op, &path, &schemes)?;
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[op.method.to_ascii_lowercase()] = operation;
    }
    doc.insert("paths".into(), Value::Object(paths));

    // Pydantic titles every named schema with its name.
    let mut schemas: Vec<(String, Value)> = app
        .schemas
        .iter()
        .map(|(name, schema)| {
            let mut schema = schema.clone();
            if let Some(map) = schema.as_object_mut() {
                map.entry("title").or_insert_with(|| json!(name));
            }
            (name.clone(), schema)
        })
        .collect();
    for (name, schema) in validation_error_schemas() {
        if !app.schemas.contains_key(name) {
            schemas.push((name.into(), schema));
        }
    }
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    let mut components = Map::new();
    components.insert(
        "schemas".into(),
        Value::Object(schemas.into_iter().collect()),
    );
    if !schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(schemes.clone()));
    }
    doc.insert("components".into(), Value::Object(components));
    if let Some(security) = &settings.security {
        check_security(security, &schemes, || "the app's `security`".to_string())?;
        doc.insert("security".into(), security.clone());
    }
    if let Some(tags) = &settings.tags {
        doc.insert("tags".into(), tags.clone());
    }
    if let Some(docs) = &settings.external_documentation {
        doc.insert("externalDocs".into(), docs.clone());
    }
    if let Some(Value::Object(extensions)) = &settings.openapi_extensions {
        doc.extend(extensions.clone());
    }
    Ok(Value::Object(doc))
}

/// Python truthiness for optional metadata (`""` and `{}` are left out).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// Each scheme `security` (of `required_by`) names is declared.
fn check_security(
    security: &Value,
    schemes: &Map<String, Value>,
    required_by: impl FnOnce() -> String,
) -> Result<(), DocumentError> {
    let requirements = security.as_array().into_iter().flatten();
    let mut names = requirements.flat_map(|r| r.as_object().into_iter().flat_map(Map::keys));
    match names.find(|name| !schemes.contains_key(*name)) {
        Some(name) => Err(DocumentError::UnknownSecurityScheme {
            scheme: name.clone(),
            required_by: required_by(),
        }),
        None => Ok(()),
    }
}

fn build_operation(
    app: &AppSpec,
    op: &Operation<'_>,
    path: &str,
    schemes: &Map<String, Value>,
) -> Result<Value, DocumentError> {
    let meta = &op.spec.openapi;
    let mut operation = Map::new();
    if let Some(tags) = &meta.tags {
        operation.insert("tags".into(), tags.clone());
    }
    let summary = match &meta.summary {
        Some(summary) => summary.clone(),
        None => format!("{} {path}", op.method),
    };
    operation.insert("summary".into(), json!(summary));
    if let Some(description) = &meta.description {
        operation.insert("description".into(), json!(description));
    }
    let id = match &meta.operation_id {
        Some(id) => id.clone(),
        None => operation_id(&op.spec.name, path, op.method),
    };
    operation.insert("operationId".into(), json!(id));

    let parameters = parameters(op.spec);
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = &op.spec.body {
        let mut request_body = Map::new();
        request_body.insert(
            "content".into(),
            json!({ body.media_type.as_str(): {"schema": body.schema} }),
        );
        if body.required {
            request_body.insert("required".into(), json!(true));
        }
        operation.insert("requestBody".into(), Value::Object(request_body));
    }
    operation.insert("responses".into(), responses(app, op.spec));
    if meta.deprecated {
        operation.insert("deprecated".into(), json!(true));
    }
    if let Some(security) = &meta.security {
        check_security(security, schemes, || {
            format!("route `{} {}`", op.method, op.rule)
        })?;
        operation.insert("security".into(), security.clone());
    }
    if let Some(Value::Object(extensions)) = &meta.openapi_extensions {
        operation.extend(extensions.clone());
    }
    Ok(Value::Object(operation))
}

/// Path, query, header and cookie parameters, in that order; a header named `content-type`
/// is left out, as Powertools leaves it out.
fn parameters(spec: &RouteSpec) -> Vec<Value> {
    let order = [
        Location::Path,
        Location::Query,
        Location::Header,
        Location::Cookie,
    ];
    order
        .iter()
        .flat_map(|location| spec.params.iter().filter(move |p| p.location == *location))
        .filter(|p| {
            !(p.location == Location::Header && p.name.eq_ignore_ascii_case("content-type"))
        })
        .filter(|p| p.schema.get("x-include-in-schema") != Some(&json!(false)))
        .map(|p| {
            let mut schema = p.schema.clone();
            let mut param = Map::new();
            if let Some(map) = schema.as_object_mut() {
                if map.get("$ref").is_none() {
                    map.insert("title".into(), json!(title(&p.name)));
                }
                if let Some(description) = map.get("description") {
                    param.insert("description".into(), description.clone());
                }
                if map.get("deprecated") == Some(&json!(true)) {
                    param.insert("deprecated".into(), json!(true));
                }
                if let Some(examples) = map.get("examples") {
                    param.insert("examples".into(), examples.clone());
                }
            }
            param.insert("required".into(), json!(p.required));
            param.insert("schema".into(), schema);
            param.insert("name".into(), json!(p.name));
            param.insert("in".into(), json!(p.location.key()));
            Value::Object(param)
        })
        .collect()
}

fn responses(app: &AppSpec, spec: &RouteSpec) -> Value {
    let mut out = Map::new();
    if app.validation.enabled {
        out.insert(
            "422".into(),
            json!({"description": "Validation Error", "content": json_content(json!({"$ref": "#/components/schemas/HTTPValidationError"}))}),
        );
    }
    let response_error = json!({"description": "Response Validation Error", "content": json_content(json!({"$ref": "#/components/schemas/ResponseValidationError"}))});
    for code in [
        spec.response_validation_status(),
        app.validation.response_validation_error_http_code,
    ]
    .into_iter()
    .flatten()
    {
        out.insert(code.to_string(), response_error.clone());
    }
    let returns = return_schema(spec);
    match &spec.openapi.responses {
        Some(custom) => {
            for (code, response) in custom {
                let mut response = response.clone();
                if let Some(map) = response.as_object_mut()
                    && !map.contains_key("content")
                {
                    map.insert("content".into(), json_content(returns.clone()));
                }
                out.insert(code.clone(), response);
            }
        }
        None => {
            let status = spec.status_code.unwrap_or(200).to_string();
            let description = spec
                .openapi
                .response_description
                .as_deref()
                .unwrap_or("Successful Response");
            out.insert(
                status,
                json!({"description": description, "content": json_content(returns)}),
            );
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_become_openapi_paths() {
        assert_eq!(openapi_path("/items/<item_id>"), "/items/{item_id}");
        assert_eq!(openapi_path("/a/<x>/b/<y>"), "/a/{x}/b/{y}");
        assert_eq!(openapi_path("/files/.+"), "/files/.+");
        assert_eq!(openapi_path(""), "/");
    }

    #[test]
    fn operation_ids_and_titles_follow_powertools() {
        assert_eq!(
            operation_id("get_item", "/items/{item_id}", "GET"),
            "get_item_items__item_id__get"
        );
        assert_eq!(operation_id("handler", "/", "GET"), "handler__get");
        assert_eq!(title("item_id"), "Item Id");
        assert_eq!(
            title("cloudfront-viewer-country"),
            "Cloudfront-Viewer-Country"
        );
    }

    #[test]
    fn an_undeclared_security_scheme_is_an_error() {
        let mut app = AppSpec::default();
        app.openapi.security = Some(json!([{"apiKey": []}]));
        assert_eq!(
            document(&app, &[], ""),
            Err(DocumentError::UnknownSecurityScheme {
                scheme: "apiKey".into(),
                required_by: "the app's `security`".into()
            })
        );
        // A route's requirement names the route.
        let mut spec = RouteSpec::default();
        spec.openapi.security = Some(json!([{"oauth": ["read"]}]));
        let operation = Operation {
            method: "GET",
            rule: "/todos",
            spec: &spec,
        };
        let err = document(&AppSpec::default(), &[operation], "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "security requirement `oauth` of route `GET /todos` is not among the declared security schemes; declare it with `OpenApi::security_scheme`"
        );
        app.openapi.security_schemes = serde_json::from_value(
            json!({"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}}),
        )
        .ok();
        let doc = document(&app, &[], "").unwrap();
        assert_eq!(
            doc["components"]["securitySchemes"]["apiKey"]["type"],
            "apiKey"
        );
        assert_eq!(doc["servers"], json!([{"url": "/"}]));
    }
}
