//! The metadata a component's manifest carries as JSON (`route.metadata-json`,
//! `app-manifest.metadata-json`), typed: what each route declares for validation and OpenAPI,
//! and the app's validation, OpenAPI, Swagger UI and ALB settings.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A `<name>` of the rule.
    Path,
    /// The query string.
    Query,
    /// A header, by case-insensitive name.
    Header,
    /// A request cookie.
    Cookie,
}

impl Location {
    /// Every location, in the order the validated values list them (and of `as usize`).
    pub(crate) const ALL: [Location; 4] = [
        Location::Path,
        Location::Query,
        Location::Header,
        Location::Cookie,
    ];

    /// The name Pydantic's `loc` and the validated values use.
    pub fn key(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// A declared parameter.
#[derive(Debug, Clone, Deserialize)]
pub struct ParamSpec {
    /// The name on the wire.
    pub name: String,
    /// The field of the guest's type it is delivered as.
    pub field: String,
    /// Where it is read from.
    #[serde(rename = "in")]
    pub location: Location,
    /// Whether a request without it fails with `missing`.
    pub required: bool,
    /// Its JSON Schema.
    pub schema: Value,
}

/// A declared request body.
#[derive(Debug, Clone, Deserialize)]
pub struct BodySpec {
    /// Whether an empty body fails with `missing`.
    pub required: bool,
    /// Its JSON Schema.
    pub schema: Value,
    /// Its media type in the OpenAPI document.
    #[serde(default = "json_media_type")]
    pub media_type: String,
    /// Whether its schema's properties are form fields (Powertools' `Form()` and `File()`
    /// parameters, each an embedded body field) rather than one model: each is read from
    /// the body by name and checked on its own.
    #[serde(default)]
    pub form: bool,
}

fn json_media_type() -> String {
    "application/json".into()
}

/// What a route declares (`route.metadata-json`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteSpec {
    /// The handler's function name.
    #[serde(default)]
    pub name: String,
    /// Validation on or off for this route, over the app's setting.
    #[serde(default)]
    pub validation: Option<bool>,
    /// The status of plain return values.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// Declared parameters.
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    /// The declared body.
    #[serde(default)]
    pub body: Option<BodySpec>,
    /// The declared response body.
    #[serde(default)]
    pub response_schema: Option<Value>,
    /// The gzip level of its compressed answers, over the app's.
    #[serde(default)]
    pub compression_level: Option<u32>,
    /// OpenAPI metadata (`summary`, `tags`, `operation_id`, `responses`, ...).
    #[serde(flatten)]
    pub openapi: OperationDoc,
}

impl RouteSpec {
    /// Parses a route's metadata; empty metadata declares nothing.
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        match json.trim() {
            "" => Ok(Self::default()),
            text => serde_json::from_str(text),
        }
    }

    /// `custom_response_validation_http_code` of the route.
    pub fn response_validation_status(&self) -> Option<u16> {
        self.openapi.custom_response_validation_http_code
    }
}

/// A route's OpenAPI options, as the route decorator takes them. Text options are typed;
/// those that are OpenAPI fragments (tags, security, responses, extensions) stay JSON, copied
/// into the document as given. By default a route is in the document.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct OperationDoc {
    /// `summary=`; default `"METHOD /path"`.
    pub summary: Option<String>,
    /// `description=`.
    pub description: Option<String>,
    /// `tags=`.
    pub tags: Option<Value>,
    /// `operation_id=`; default from the handler's name, path and method.
    pub operation_id: Option<String>,
    /// `deprecated=True`.
    pub deprecated: bool,
    /// `include_in_schema=False` leaves the route out of the document.
    pub include_in_schema: bool,
    /// `responses=`: the document's responses, by status.
    pub responses: Option<Map<String, Value>>,
    /// `response_description=`, for the default response.
    pub response_description: Option<String>,
    /// `security=`: requirements, each naming declared schemes.
    pub security: Option<Value>,
    /// `openapi_extensions=`: `x-` keys added to the operation.
    pub openapi_extensions: Option<Value>,
    /// `custom_response_validation_http_code=`.
    pub custom_response_validation_http_code: Option<u16>,
}

impl Default for OperationDoc {
    /// What a route without OpenAPI options declares, and what a missing option reads as:
    /// `include_in_schema=True`, nothing else set.
    fn default() -> Self {
        Self {
            summary: None,
            description: None,
            tags: None,
            operation_id: None,
            deprecated: false,
            include_in_schema: true,
            responses: None,
            response_description: None,
            security: None,
            openapi_extensions: None,
            custom_response_validation_http_code: None,
        }
    }
}

/// The document-level OpenAPI settings (`configure_openapi(...)`, `enable_swagger(...)`).
/// Text options are typed; fragments (contact, license, servers, tags, security, external
/// docs, extensions) stay JSON, copied into the document as given.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(crate) struct DocumentSettings {
    /// `title=`.
    pub title: Option<String>,
    /// `version=`: the API's version.
    pub version: Option<String>,
    /// `openapi_version=`: 3.1 only, as in Powertools.
    pub openapi_version: Option<String>,
    /// `summary=`.
    pub summary: Option<Value>,
    /// `description=`.
    pub description: Option<Value>,
    /// `terms_of_service=`.
    pub terms_of_service: Option<Value>,
    /// `contact=`.
    pub contact: Option<Value>,
    /// `license_info=`.
    pub license_info: Option<Value>,
    /// `servers=`; default one server, the stage's base path.
    pub servers: Option<Value>,
    /// `security_schemes=`, by name.
    pub security_schemes: Option<Map<String, Value>>,
    /// `security=`: requirements every operation gets.
    pub security: Option<Value>,
    /// `tags=`.
    pub tags: Option<Value>,
    /// `external_documentation=`.
    pub external_documentation: Option<Value>,
    /// `openapi_extensions=`: `x-` keys added to the document's root.
    pub openapi_extensions: Option<Value>,
}

/// `enable_swagger(...)`'s page settings, from the app or the bundle manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct SwaggerSettings {
    /// `path=`; default `/swagger`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `compress=True`: gzip the page when accepted.
    pub compress: bool,
    /// `persist_authorization=True`.
    pub persist_authorization: bool,
    /// `swagger_base_url=`: the assets' base URL instead of the bundle's copies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swagger_base_url: Option<String>,
    /// `oauth2_config=`: Swagger UI's `initOAuth` settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth2_config: Option<Value>,
}

/// App-level validation settings.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ValidationSettings {
    /// `enable_validation=True`.
    #[serde(default)]
    pub enabled: bool,
    /// `response_validation_error_http_code=`.
    #[serde(default)]
    pub response_validation_error_http_code: Option<u16>,
}

/// What an app component declares (`app-manifest.metadata-json`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AppSpec {
    /// Validation settings.
    #[serde(default)]
    pub validation: ValidationSettings,
    /// Document-level OpenAPI settings.
    #[serde(default)]
    pub openapi: DocumentSettings,
    /// Swagger UI settings, when enabled.
    #[serde(default)]
    pub swagger: Option<SwaggerSettings>,
    /// Named schemas (`components.schemas`).
    #[serde(default)]
    pub schemas: Map<String, Value>,
    /// Whether this component writes JSON with its own serializer (`serializer=`). A
    /// component's own setting, not the app's: routes carry it as
    /// `RouteTarget::custom_serializer`.
    #[serde(default)]
    pub custom_serializer: bool,
    /// Whether this component records its middlewares' and handlers' X-Ray subsegments
    /// itself (the SDK does, nested as they call each other): the host then opens none for
    /// its handlers. A component's own setting, as `custom_serializer`.
    #[serde(default)]
    pub traces_frames: bool,
    /// The gzip level of compressed answers whose route sets none; Powertools' 9 when
    /// `None`. The app component's, as the app's other settings.
    #[serde(default)]
    pub compression_level: Option<u32>,
    /// `ALBResolver`'s own options.
    #[serde(default)]
    pub alb: AlbOptions,
    /// Mistakes the guest's SDK found while the app was built (a route option before any
    /// route, two dependencies of one type), each with the caller's location: the component
    /// is refused at load with them rather than trapping where they were made.
    #[serde(default)]
    pub build_errors: Vec<String>,
}

/// `ALBResolver(decode_query_parameters=..., enable_response_size_validation=...)`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct AlbOptions {
    /// URL-decode query names and values.
    #[serde(default)]
    pub decode_query_parameters: bool,
    /// Check each answer against ALB's 1 MiB limit.
    #[serde(default)]
    pub response_size_validation: bool,
}

impl AppSpec {
    /// Parses an app's metadata; empty metadata declares nothing.
    pub(crate) fn parse(json: &str) -> Result<Self, serde_json::Error> {
        match json.trim() {
            "" => Ok(Self::default()),
            text => serde_json::from_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_without_openapi_options_is_in_the_document() {
        let empty = RouteSpec::parse("").unwrap();
        let braces = RouteSpec::parse("{}").unwrap();
        assert!(empty.openapi.include_in_schema && braces.openapi.include_in_schema);
        assert_eq!(empty.openapi, braces.openapi);
        let hidden = RouteSpec::parse(r#"{"include_in_schema": false}"#).unwrap();
        assert!(!hidden.openapi.include_in_schema);
    }
}
