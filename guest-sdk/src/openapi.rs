//! What a guest declares for validation and OpenAPI: each route's parameters, body and
//! response as JSON Schemas (derived from Rust types with `schemars`), its OpenAPI metadata,
//! and the app's OpenAPI and Swagger UI settings. The host does the validating and builds the
//! document, so every guest gets both from these declarations alone.
//!
//! The manifest carries them as JSON (`route.metadata-json`, `app-manifest.metadata-json`);
//! `docs/validation.md` describes that format.

use std::collections::BTreeSet;

#[cfg(feature = "schemas")]
use schemars::JsonSchema;
use schemars::SchemaGenerator;
use schemars::generate::{Contract, SchemaSettings};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A type whose JSON Schema documents and validates a route: any `JsonSchema` type, or,
/// with the crate's `schemas` feature off, any type at all (its routes then declare no
/// schemas, and turning validation on is a build error rather than a check of nothing).
/// Extractors and `Json<T>` ask for it, so a crate that neither validates nor writes an
/// OpenAPI document need not derive `JsonSchema`.
#[cfg(feature = "schemas")]
pub trait Documented: JsonSchema {
    /// `T`'s schema, a `$ref` for a named type.
    #[doc(hidden)]
    fn referenced_schema(generator: &mut SchemaGenerator) -> Option<Value>;
    /// `T`'s own schema, never a `$ref`.
    #[doc(hidden)]
    fn own_schema(generator: &mut SchemaGenerator) -> Option<Value>;
}

#[cfg(feature = "schemas")]
impl<T: JsonSchema + ?Sized> Documented for T {
    fn referenced_schema(generator: &mut SchemaGenerator) -> Option<Value> {
        Some(generator.subschema_for::<T>().to_value())
    }
    fn own_schema(generator: &mut SchemaGenerator) -> Option<Value> {
        Some(T::json_schema(generator).to_value())
    }
}

/// A type whose JSON Schema documents and validates a route: with the `schemas` feature off,
/// any type, which declares nothing.
#[cfg(not(feature = "schemas"))]
pub trait Documented {
    /// Nothing: no schemas without the `schemas` feature.
    #[doc(hidden)]
    fn referenced_schema(_generator: &mut SchemaGenerator) -> Option<Value> {
        None
    }
    /// Nothing: no schemas without the `schemas` feature.
    #[doc(hidden)]
    fn own_schema(_generator: &mut SchemaGenerator) -> Option<Value> {
        None
    }
}

#[cfg(not(feature = "schemas"))]
impl<T: ?Sized> Documented for T {}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

/// One declared parameter.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ParamSpec {
    /// The name on the wire (the alias).
    name: String,
    /// The field the handler's type reads it into.
    field: String,
    #[serde(rename = "in")]
    location: Location,
    required: bool,
    schema: Value,
}

/// The declared body.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BodySpec {
    required: bool,
    schema: Value,
    media_type: &'static str,
    /// Its properties are form fields, each checked on its own (`Form<T>`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    form: bool,
}

/// Everything a route declares: filled by its extractors, then by its route options.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct RouteDoc {
    /// The handler's function name (for the default `operationId`).
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) validation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status_code: Option<u16>,
    pub(crate) params: Vec<ParamSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<BodySpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) response_schema: Option<Value>,
    /// The gzip level of its compressed answers, over the app's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compression_level: Option<u32>,
    /// OpenAPI metadata set by route options (`summary`, `tags`, `responses`, ...).
    #[serde(flatten)]
    pub(crate) openapi: Map<String, Value>,
    /// The dependencies its arguments ask for, whose own arguments are declared on the
    /// route once the app is complete.
    #[serde(skip)]
    pub(crate) dependencies: Vec<std::any::TypeId>,
}

/// The declaration context extractors write into; see [`crate::FromRequest::declare`].
pub struct Declare<'a> {
    pub(crate) rule: &'a str,
    /// What requests are read as (serde's deserialize contract).
    pub(crate) generator: &'a mut SchemaGenerator,
    /// What responses are written as (the serialize contract).
    pub(crate) output: &'a mut SchemaGenerator,
    pub(crate) doc: &'a mut RouteDoc,
}

/// The named types of every route of an app, each one entry of `components.schemas`
/// referenced as OpenAPI does (`#/components/schemas/Name`): as requests read them and as
/// responses write them, which differ where serde renames a field one way only
/// (`#[serde(rename(serialize = ".."))]`, Pydantic's `serialization_alias`) or skips it.
pub(crate) struct Schemas {
    pub(crate) input: SchemaGenerator,
    pub(crate) output: SchemaGenerator,
}

impl Default for Schemas {
    fn default() -> Self {
        let generator = |contract: Contract| {
            SchemaSettings::draft2020_12()
                .with(|s| {
                    s.definitions_path = "/components/schemas".into();
                    s.contract = contract;
                })
                .into_generator()
        };
        Self {
            input: generator(Contract::Deserialize),
            output: generator(Contract::Serialize),
        }
    }
}

impl Schemas {
    /// Takes in another set's types (a router's): a type both declare is one schema.
    pub(crate) fn absorb(&mut self, mut other: Schemas) {
        let input = std::mem::take(other.input.definitions_mut());
        self.input.definitions_mut().extend(input);
        let output = std::mem::take(other.output.definitions_mut());
        self.output.definitions_mut().extend(output);
    }

    /// The names whose two schemas differ in more than which fields are required, or that
    /// refer to such a name (an `Order` holding an `Item` read as `itemId` and written as
    /// `id` differs too): each becomes `Name-Input` and `Name-Output`, as Pydantic names a
    /// model whose validation and serialization schemas differ.
    fn split(&self) -> BTreeSet<String> {
        let (input, output) = (self.input.definitions(), self.output.definitions());
        let without_required = |schema: &Value| {
            let mut schema = schema.clone();
            if let Some(members) = schema.as_object_mut() {
                members.remove("required");
            }
            schema
        };
        let both: Vec<(&String, &Value)> = input
            .iter()
            .filter(|(name, _)| output.contains_key(*name))
            .collect();
        let mut split: BTreeSet<String> = both
            .iter()
            .filter(|(name, schema)| without_required(&output[*name]) != without_required(schema))
            .map(|(name, _)| (*name).clone())
            .collect();
        // Until no more: a type referring to a split one splits too.
        loop {
            let more: Vec<String> = both
                .iter()
                .filter(|(name, schema)| !split.contains(*name) && refers_to(schema, &split))
                .map(|(name, _)| (*name).clone())
                .collect();
            if more.is_empty() {
                return split;
            }
            split.extend(more);
        }
    }

    /// Settles every route's references once the app is complete: a split type is
    /// referred to as its `-Input` from parameters and bodies and as its `-Output` from
    /// responses.
    pub(crate) fn settle<'a>(&self, docs: impl Iterator<Item = &'a mut RouteDoc>) {
        let split = self.split();
        if split.is_empty() {
            return;
        }
        for doc in docs {
            for param in &mut doc.params {
                rename_refs(&mut param.schema, &split, "Input");
            }
            if let Some(body) = &mut doc.body {
                rename_refs(&mut body.schema, &split, "Input");
            }
            if let Some(schema) = &mut doc.response_schema {
                rename_refs(schema, &split, "Output");
            }
            if let Some(responses) = doc.openapi.get_mut("responses") {
                rename_refs(responses, &split, "Output");
            }
        }
    }

    /// `components.schemas`: each type once, a split one as its `-Input` and `-Output`,
    /// with enums in the `{"type", "enum"}` form Pydantic writes, and a field required only
    /// where a reader must send it ([`require_as_read`]).
    pub(crate) fn components(&self) -> Map<String, Value> {
        let split = self.split();
        let mut out = Map::new();
        for (generator, side) in [(&self.input, "Input"), (&self.output, "Output")] {
            for (name, schema) in generator.definitions() {
                let mut schema = enum_form(schema.clone());
                if side == "Output" {
                    require_as_read(&mut schema);
                }
                rename_refs(&mut schema, &split, side);
                let name = match split.contains(name) {
                    true => format!("{name}-{side}"),
                    false => name.clone(),
                };
                out.entry(name).or_insert(schema);
            }
        }
        out
    }
}

/// Requires in a serialize schema only the fields a reader must send, as Pydantic's
/// serialization schema requires fields without a default: serde's write contract requires
/// every field it always writes, an `Option` (which reads as `None` when missing) and a
/// `#[serde(default)]` one (whose schema carries its `default`) too.
fn require_as_read(written: &mut Value) {
    let Some(properties) = written.get("properties").and_then(Value::as_object) else {
        return;
    };
    let optional: Vec<String> = properties
        .iter()
        .filter(|(_, field)| field.get("default").is_some() || accepts_null(field))
        .map(|(name, _)| name.clone())
        .collect();
    let Some(Value::Array(required)) = written.get_mut("required") else {
        return;
    };
    required.retain(|name| !optional.iter().any(|o| name.as_str() == Some(o)));
    if required.is_empty()
        && let Some(members) = written.as_object_mut()
    {
        members.remove("required");
    }
}

/// Whether `schema` has a `$ref` to one of `names`.
fn refers_to(schema: &Value, names: &BTreeSet<String>) -> bool {
    match schema {
        Value::Object(members) => members
            .iter()
            .any(|(key, value)| match (key.as_str(), value) {
                ("$ref", Value::String(reference)) => named_in(reference, names),
                _ => refers_to(value, names),
            }),
        Value::Array(items) => items.iter().any(|item| refers_to(item, names)),
        _ => false,
    }
}

/// Whether a `$ref` points at one of `names` in `components.schemas`.
fn named_in(reference: &str, names: &BTreeSet<String>) -> bool {
    reference
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| names.contains(name))
}

/// Points each `$ref` to a `split` name at its `-{side}` schema.
fn rename_refs(value: &mut Value, split: &BTreeSet<String>, side: &str) {
    match value {
        Value::Object(members) => {
            if let Some(Value::String(reference)) = members.get_mut("$ref")
                && named_in(reference, split)
            {
                *reference = format!("{reference}-{side}");
            }
            members
                .values_mut()
                .for_each(|v| rename_refs(v, split, side));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, split, side)),
        _ => {}
    }
}

impl Declare<'_> {
    /// Declares `T`'s fields as parameters at `location`. A struct gives one parameter per
    /// field (Powertools expands a model used as `Query()` the same way); for path parameters a
    /// scalar or a tuple is matched to the rule's `<name>`s in order.
    pub(crate) fn params<T: Documented>(&mut self, location: Location) {
        self.params_named::<T>(location, false);
    }

    /// Declares `T`'s fields as headers, each named by its field with `_` as `-` when
    /// `convert_underscores` (Powertools' `Header(convert_underscores=True)`, the default).
    pub(crate) fn header_params<T: Documented>(&mut self, convert_underscores: bool) {
        self.params_named::<T>(Location::Header, convert_underscores);
    }

    fn params_named<T: Documented>(&mut self, location: Location, convert_underscores: bool) {
        let Some(schema) = T::own_schema(self.generator) else {
            return;
        };
        let schema = self.resolve(schema);
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (field, property) in properties {
                let name = match convert_underscores {
                    true => field.replace('_', "-"),
                    false => field.clone(),
                };
                self.push_param(
                    name,
                    field.clone(),
                    location,
                    required.contains(&field.as_str()) || location == Location::Path,
                    property.clone(),
                );
            }
            return;
        }
        let names: Vec<&str> = switchyard_rule::params(self.rule).collect();
        match schema.get("prefixItems").and_then(Value::as_array) {
            Some(items) => {
                for (name, item) in names.iter().zip(items) {
                    self.push_param(
                        name.to_string(),
                        name.to_string(),
                        location,
                        true,
                        item.clone(),
                    );
                }
            }
            None => {
                if let Some(name) = names.first() {
                    self.push_param(name.to_string(), name.to_string(), location, true, schema);
                }
            }
        }
    }

    /// Declares the response body as what `R`'s type says, if it says (`Json<T>`).
    pub(crate) fn returns<R: crate::IntoResponse>(&mut self) {
        if let Some(schema) = R::response_schema(self.output) {
            self.doc.response_schema = Some(schema);
        }
    }

    /// Declares the JSON body as `T`.
    pub(crate) fn body<T: Documented>(&mut self) {
        let Some(schema) = T::referenced_schema(self.generator) else {
            return;
        };
        let nullable = accepts_null(&self.resolve(schema.clone()));
        self.doc.body = Some(BodySpec {
            required: !nullable,
            schema,
            media_type: "application/json",
            form: false,
        });
    }

    /// Declares the body as a form whose fields are `T`'s: multipart when one of them is a
    /// file (`format: binary`), else urlencoded; required when a field is.
    pub(crate) fn form<T: Documented>(&mut self) {
        let Some(schema) = T::referenced_schema(self.generator) else {
            return;
        };
        let model = self.resolve(schema.clone());
        let has_file = model
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|fields| fields.values().any(|field| self.is_file(field)));
        let required = model
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|fields| !fields.is_empty());
        self.doc.body = Some(BodySpec {
            required,
            schema,
            media_type: match has_file {
                true => "multipart/form-data",
                false => "application/x-www-form-urlencoded",
            },
            form: true,
        });
    }

    /// Whether a field's schema is a file, a list of files, or an optional one.
    fn is_file(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema.clone());
        schema.get("format") == Some(&json!("binary"))
            || schema.get("items").is_some_and(|items| self.is_file(items))
            || ["anyOf", "oneOf"].iter().any(|k| {
                schema
                    .get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|alternatives| alternatives.iter().any(|a| self.is_file(a)))
            })
    }

    fn push_param(
        &mut self,
        name: String,
        field: String,
        location: Location,
        required: bool,
        schema: Value,
    ) {
        let required = required && schema.get("default").is_none();
        self.doc.params.push(ParamSpec {
            name,
            field,
            location,
            required,
            schema,
        });
    }

    /// A `$ref` to one of the generator's definitions, replaced by the definition itself.
    fn resolve(&self, schema: Value) -> Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                self.generator
                    .definitions()
                    .get(name)
                    .cloned()
                    .unwrap_or(schema)
            }
            None => schema,
        }
    }
}

/// True when the schema accepts `null` (an `Option<T>`).
fn accepts_null(schema: &Value) -> bool {
    let is_null = |s: &Value| {
        s.get("type") == Some(&json!("null"))
            || s.get("type")
                .and_then(Value::as_array)
                .is_some_and(|t| t.contains(&json!("null")))
    };
    is_null(schema)
        || ["anyOf", "oneOf"].iter().any(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .is_some_and(|alts| alts.iter().any(is_null))
        })
}

/// An enum in the `{"type", "enum"}` form Pydantic writes: a Rust enum whose variants carry
/// doc comments derives as a `oneOf` of documented `const`s.
fn enum_form(schema: Value) -> Value {
    let Some(variants) = schema.get("oneOf").and_then(Value::as_array) else {
        return schema;
    };
    let consts: Option<Vec<Value>> = variants.iter().map(|v| v.get("const").cloned()).collect();
    let Some(consts) = consts else {
        return schema;
    };
    let mut out = Map::new();
    if let Some(kind) = variants[0].get("type")
        && variants.iter().all(|v| v.get("type") == Some(kind))
    {
        out.insert("type".into(), kind.clone());
    }
    out.insert("enum".into(), Value::Array(consts));
    if let Some(description) = schema.get("description") {
        out.insert("description".into(), description.clone());
    }
    Value::Object(out)
}

/// The schema of a handler's declared return type.
pub(crate) fn response_schema<T: Documented>(generator: &mut SchemaGenerator) -> Option<Value> {
    T::referenced_schema(generator)
}

/// The document-level settings of `enable_swagger` / `configure_openapi`.
///
/// ```
/// use switchyard_sdk::OpenApi;
/// let openapi = OpenApi::new()
///     .title("Todos API")
///     .version("1.2.0")
///     .description("Everything about todos")
///     .server("https://api.example.com/prod");
/// # let _ = openapi;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenApi(pub(crate) Map<String, Value>);

macro_rules! openapi_setters {
    ($($(#[$doc:meta])* $method:ident => $key:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $method(mut self, value: impl Into<String>) -> Self {
                self.0.insert($key.into(), Value::String(value.into()));
                self
            }
        )*
    };
}

impl OpenApi {
    /// The defaults: Powertools' title, version `1.0.0`, OpenAPI `3.1.0`.
    pub fn new() -> Self {
        Self::default()
    }

    openapi_setters! {
        /// `info.title`.
        title => "title";
        /// `info.version`.
        version => "version";
        /// `info.summary`.
        summary => "summary";
        /// `info.description`.
        description => "description";
        /// `info.termsOfService`.
        terms_of_service => "terms_of_service";
    }

    /// Adds a server (`servers=[Server(url=...)]`); none means `[{"url": "/"}]`.
    pub fn server(mut self, url: impl Into<String>) -> Self {
        push(&mut self.0, "servers", json!({"url": url.into()}));
        self
    }

    /// Adds a server object as JSON (`description`, `variables`, `x-` extensions).
    pub fn server_object(mut self, server: Value) -> Self {
        push(&mut self.0, "servers", server);
        self
    }

    /// Adds a top-level tag (a name, or a full tag object).
    pub fn tag(mut self, tag: impl Into<Value>) -> Self {
        let tag = match tag.into() {
            Value::String(name) => json!({ "name": name }),
            other => other,
        };
        push(&mut self.0, "tags", tag);
        self
    }

    /// `info.contact`, as JSON (`{"name", "url", "email"}`).
    pub fn contact(mut self, contact: Value) -> Self {
        self.0.insert("contact".into(), contact);
        self
    }

    /// `info.license`, as JSON (`{"name", "identifier" | "url"}`).
    pub fn license_info(mut self, license: Value) -> Self {
        self.0.insert("license_info".into(), license);
        self
    }

    /// A security scheme under `components.securitySchemes`.
    pub fn security_scheme(mut self, name: &str, scheme: Value) -> Self {
        let schemes = self
            .0
            .entry("security_schemes")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = schemes {
            map.insert(name.to_string(), scheme);
        }
        self
    }

    /// A security requirement for every operation (`security=[{"name": []}]`).
    pub fn security(mut self, requirement: Value) -> Self {
        push(&mut self.0, "security", requirement);
        self
    }

    /// `externalDocs`, as JSON.
    pub fn external_documentation(mut self, docs: Value) -> Self {
        self.0.insert("external_documentation".into(), docs);
        self
    }

    /// Extra root keys (`openapi_extensions={"x-...": ...}`).
    pub fn extension(mut self, key: &str, value: Value) -> Self {
        let extensions = self
            .0
            .entry("openapi_extensions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = extensions {
            map.insert(key.to_string(), value);
        }
        self
    }
}

/// `enable_swagger(...)`: the Swagger UI page and its `?format=json` document.
///
/// ```
/// use switchyard_sdk::Swagger;
/// let swagger = Swagger::new().path("/docs").persist_authorization(true).compress(true);
/// # let _ = swagger;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Swagger(pub(crate) Map<String, Value>);

impl Default for Swagger {
    fn default() -> Self {
        let mut map = Map::new();
        map.insert("path".into(), json!("/swagger"));
        Self(map)
    }
}

impl Swagger {
    /// Swagger UI at `/swagger`, its assets embedded.
    pub fn new() -> Self {
        Self::default()
    }
    /// Where the page is served.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.0.insert("path".into(), Value::String(path.into()));
        self
    }
    /// Loads `swagger-ui.min.css` and `swagger-ui-bundle.min.js` from this base URL instead
    /// of embedding them.
    pub fn swagger_base_url(mut self, url: impl Into<String>) -> Self {
        self.0
            .insert("swagger_base_url".into(), Value::String(url.into()));
        self
    }
    /// `persistAuthorization` in the UI.
    pub fn persist_authorization(mut self, on: bool) -> Self {
        self.0.insert("persist_authorization".into(), json!(on));
        self
    }
    /// gzip the page when the client accepts it.
    pub fn compress(mut self, on: bool) -> Self {
        self.0.insert("compress".into(), json!(on));
        self
    }
    /// `ui.initOAuth(...)` settings, as JSON (`clientId`, `appName`, `scopes`, `usePkceWithAuthorizationCodeGrant`...).
    pub fn oauth2_config(mut self, config: Value) -> Self {
        self.0.insert("oauth2_config".into(), config);
        self
    }
}

fn push(map: &mut Map<String, Value>, key: &str, value: Value) {
    if let Value::Array(items) = map.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        items.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_enum_variants_become_an_enum() {
        let derived = json!({"oneOf": [
            {"type": "string", "const": "red", "description": "Red."},
            {"type": "string", "const": "blue", "description": "Blue."},
        ], "description": "A color."});
        assert_eq!(
            enum_form(derived),
            json!({"type": "string", "enum": ["red", "blue"], "description": "A color."})
        );
        let tagged = json!({"oneOf": [{"type": "object"}, {"const": "x"}]});
        assert_eq!(enum_form(tagged.clone()), tagged);
    }

    /// A type that derives no `JsonSchema`: extractors and `Json<T>` take it only without
    /// the `schemas` feature (`cargo test -p switchyard-sdk --no-default-features`).
    #[cfg(not(feature = "schemas"))]
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Plain {
        n: u32,
    }

    #[cfg(not(feature = "schemas"))]
    fn echo(crate::Query(q): crate::Query<Plain>) -> crate::Json<Plain> {
        crate::Json(q)
    }

    #[cfg(not(feature = "schemas"))]
    #[test]
    fn without_schemas_any_type_is_taken_and_validation_is_refused() {
        let mut app = crate::App::new().get("/echo", echo);
        let doc = &app.routes.entries[0].doc;
        assert!(doc.params.is_empty() && doc.response_schema.is_none());
        app.routes.refuse_validation_without_schemas(false);
        assert!(app.routes.build_errors.is_empty());
        app.routes.refuse_validation_without_schemas(true);
        assert!(app.routes.build_errors[0].contains("`schemas` feature"));
    }

    #[cfg(feature = "schemas")]
    #[test]
    fn a_type_read_and_written_differently_splits_and_so_does_what_holds_it() {
        #[derive(serde::Deserialize, serde::Serialize, JsonSchema)]
        struct Item {
            #[serde(rename(deserialize = "itemId", serialize = "id"))]
            item_id: u32,
        }
        #[derive(serde::Deserialize, serde::Serialize, JsonSchema)]
        struct Order {
            item: Item,
            note: Option<String>,
        }
        #[derive(serde::Serialize, JsonSchema)]
        struct Receipt {
            total: u32,
            note: Option<String>,
        }
        fn place(crate::Json(order): crate::Json<Order>) -> crate::Json<Order> {
            crate::Json(order)
        }
        fn receipt() -> crate::Json<Receipt> {
            crate::Json(Receipt {
                total: 1,
                note: None,
            })
        }
        let mut app = crate::App::new()
            .post("/orders", place)
            .get("/receipt", receipt);
        app.routes.declare_dependencies();
        let doc = &app.routes.entries[0].doc;
        let body = serde_json::to_value(doc.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["schema"]["$ref"], "#/components/schemas/Order-Input");
        assert_eq!(
            doc.response_schema.as_ref().unwrap()["$ref"],
            "#/components/schemas/Order-Output"
        );
        let components = app.routes.schemas.components();
        let mut names: Vec<&String> = components.keys().collect();
        names.sort();
        assert_eq!(
            names,
            [
                "Item-Input",
                "Item-Output",
                "Order-Input",
                "Order-Output",
                "Receipt"
            ]
        );
        let item_ref = |order: &str| components[order]["properties"]["item"]["$ref"].clone();
        assert_eq!(item_ref("Order-Input"), "#/components/schemas/Item-Input");
        assert_eq!(item_ref("Order-Output"), "#/components/schemas/Item-Output");
        assert_eq!(
            components["Item-Output"]["properties"]["id"]["type"],
            "integer"
        );
        // Written, an `Option` is required only where a reader must send it.
        assert_eq!(components["Receipt"]["required"], json!(["total"]));
    }

    #[cfg(feature = "schemas")]
    #[test]
    fn with_schemas_routes_declare_them_and_validation_is_allowed() {
        #[derive(serde::Deserialize, serde::Serialize, JsonSchema)]
        struct Documented {
            n: u32,
        }
        fn echo(crate::Query(q): crate::Query<Documented>) -> crate::Json<Documented> {
            crate::Json(q)
        }
        let mut app = crate::App::new().get("/echo", echo);
        let doc = &app.routes.entries[0].doc;
        assert_eq!(doc.params.len(), 1);
        assert!(doc.response_schema.is_some());
        app.routes.refuse_validation_without_schemas(true);
        assert!(app.routes.build_errors.is_empty());
    }
}
