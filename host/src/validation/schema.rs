//! A JSON Schema validator that answers the way Pydantic (v2, lax mode) does: it coerces
//! what Pydantic coerces (`"5"` to `5` for an integer, `"true"` to `true`, `3` to `3.0` for a
//! number), fills declared defaults, keeps only declared fields, and names each failure with
//! Pydantic's error type (`int_parsing`, `missing`, `string_too_short`, `less_than_equal`...).
//!
//! Written by hand because general JSON Schema crates validate without coercing and report
//! JSON Schema keywords, not the error types Powertools' 422 bodies carry.
//!
//! In this file, in order:
//! - the compiled form: [`Schemas`], a flat list of `Node`s (`Kind`, `Limits`, `Property`)
//!   addressed by [`NodeId`];
//! - [`Compiler`]: schema JSON to nodes when a bundle loads (`$ref`s followed, `pattern`s
//!   compiled as Python `re` within [`PATTERN_SIZE_LIMIT`], a bad one a [`PatternError`]);
//! - `impl Schemas`: validating a value (`check`: unions, types, arrays, objects with
//!   defaults, each failure a `Detail` at its `Loc`) and what the extractors ask of a schema
//!   (`default_of`, `expects_array`, `accepts_null`);
//! - Pydantic's lax coercions (`coerce_int`, `coerce_float`, `coerce_bool`, `parse_int`);
//! - the constraint checks (`constraint_failure`: lengths, bounds, multiples, patterns,
//!   enums; `integer_range_failure`: the Rust type's range from the schema's `format`);
//! - tests.

use std::collections::HashMap;

use fancy_regex::Regex;
use serde_json::{Map, Number, Value, json};
use switchyard_multipart::FilePart;
use switchyard_pyjson::decimal;

use super::detail::{Detail, expected_choices};

/// A compiled schema node's index in its [`Schemas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeId(usize);

/// JSON Schemas compiled once, when the bundle loads: each node's keywords read into fields,
/// `$ref`s followed into `components.schemas`, `pattern`s compiled. Validating then walks
/// these nodes; walking the schema JSON instead meant a dozen keyword lookups per node per
/// request, most of a validated request's time in the host.
#[derive(Debug)]
pub(crate) struct Schemas {
    nodes: Vec<Node>,
}

/// What one (resolved) schema says, read once.
#[derive(Debug, Default)]
struct Node {
    /// `true` or `{}`: any input, kept as sent.
    any: bool,
    all_of: Option<Vec<NodeId>>,
    /// The values of a union made only of `const` alternatives, if it is one.
    const_choices: Option<Vec<Value>>,
    /// Whether `anyOf` or `oneOf` is present.
    union: bool,
    /// The `anyOf` then `oneOf` alternatives.
    alternatives: Vec<NodeId>,
    /// `type`, one name or a list of them.
    types: Vec<String>,
    /// The first type that is not `null` (`object` for a schema with only `properties` or
    /// `additionalProperties`).
    kind: Option<Kind>,
    enum_values: Option<Vec<Value>>,
    constant: Option<Value>,
    default: Option<Value>,
    limits: Limits,
    /// The range of the integer type `format` names (`uint32`), if it names one.
    integer_range: Option<(i128, i128)>,
    /// A string of `format: binary`: an uploaded file (Powertools' `UploadFile`), which only
    /// a multipart body's file part ([`FilePart`], read from an [`Origin::Multipart`] body)
    /// satisfies.
    file: bool,
    /// A string of `format: decimal` (Pydantic's `Decimal`): a number or a numeric string,
    /// kept as its text.
    decimal: bool,
    /// Pydantic's `strict=True` ([`STRICT`]): the input must already be of the type.
    strict: bool,
    /// `allow_inf_nan=False` ([`ALLOW_INF_NAN`]): `"inf"` and `"nan"` fail `finite_number`.
    refuse_inf_nan: bool,
    /// `max_digits` and `decimal_places` ([`MAX_DIGITS`], [`DECIMAL_PLACES`]), checked on
    /// the number's digits as sent, as Pydantic checks a `Decimal`.
    max_digits: Option<u64>,
    decimal_places: Option<u64>,
    /// The `pattern`, in Python `re` syntax (look-around and back-references included, as
    /// Pydantic's `python-re` engine takes them). A pattern that cannot be compiled is a
    /// [`Compiler::finish`] error, never a node without the check.
    pattern: Option<Regex>,
    prefix_items: Option<Vec<NodeId>>,
    items: Option<NodeId>,
    properties: Option<Vec<Property>>,
    additional_properties: Option<NodeId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Number,
    Boolean,
    String,
    Array,
    Object,
    /// A type name JSON Schema does not have: the input is kept as sent.
    Unknown,
}

/// Numeric keywords, as `f64` (what Pydantic compares with).
#[derive(Debug, Default)]
struct Limits {
    exclusive_minimum: Option<f64>,
    minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    maximum: Option<f64>,
    multiple_of: Option<f64>,
    min_length: Option<f64>,
    max_length: Option<f64>,
    min_items: Option<f64>,
    max_items: Option<f64>,
}

#[derive(Debug)]
struct Property {
    name: String,
    node: NodeId,
    required: bool,
}

/// The keywords that carry Pydantic's field options JSON Schema has no word for, as guests
/// declare them (`#[schemars(extend("x-strict" = true))]`) and the OpenAPI document shows them.
pub(crate) const STRICT: &str = "x-strict";
pub(crate) const ALLOW_INF_NAN: &str = "x-allow-inf-nan";
pub(crate) const MAX_DIGITS: &str = "x-max-digits";
pub(crate) const DECIMAL_PLACES: &str = "x-decimal-places";

/// The most memory one compiled `pattern` may take (the `regex` crate's default is 10 MiB).
const PATTERN_SIZE_LIMIT: usize = 2 << 20;

/// The schema that accepts anything, node 0 of every [`Schemas`].
const ANY: NodeId = NodeId(0);
static TRUE: Value = Value::Bool(true);

/// `#/components/schemas/Name` (or `#/$defs/Name`) to `Name`.
fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// Compiles schemas into one [`Schemas`], each `$ref` target once.
pub(crate) struct Compiler<'a> {
    definitions: &'a Map<String, Value>,
    nodes: Vec<Node>,
    /// Nodes of `$ref` targets by the target's address: a recursive model refers back to
    /// the node being built.
    targets: HashMap<*const Value, NodeId>,
    /// Patterns that could not be compiled since the last [`Compiler::take_errors`].
    errors: Vec<PatternError>,
}

/// A `pattern` no regex engine here compiles: its text and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PatternError {
    pub(crate) pattern: String,
    pub(crate) reason: String,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pattern `{}` cannot be compiled: {}",
            self.pattern, self.reason
        )
    }
}

impl<'a> Compiler<'a> {
    /// A compiler whose `$ref`s point into `definitions` (`components.schemas`).
    pub(crate) fn new(definitions: &'a Map<String, Value>) -> Self {
        let any = Node {
            any: true,
            ..Node::default()
        };
        Self {
            definitions,
            nodes: vec![any],
            targets: HashMap::new(),
            errors: Vec::new(),
        }
    }

    /// The patterns that failed to compile since the last call: a check that cannot be made
    /// must refuse the schema, not let every value through.
    pub(crate) fn take_errors(&mut self) -> Vec<PatternError> {
        std::mem::take(&mut self.errors)
    }

    /// The compiled schemas.
    pub(crate) fn finish(self) -> Schemas {
        Schemas { nodes: self.nodes }
    }

    /// Compiles `schema`, following its `$ref`s; a `$ref` to an unknown name is a schema
    /// with no keywords but `$ref`, which accepts anything.
    pub(crate) fn compile(&mut self, schema: &'a Value) -> NodeId {
        let target = self.resolve(schema);
        if std::ptr::eq(target, schema) {
            let node = self.node(schema);
            return self.push(node);
        }
        let id = match self.targets.get(&(target as *const Value)) {
            Some(&id) => id,
            None => {
                let id = self.push(Node::default());
                self.targets.insert(target as *const Value, id);
                self.nodes[id.0] = self.node(target);
                id
            }
        };
        // A `$ref` beside its own `default` (a field whose type is a named model or enum)
        // is the shared target with that default: a node of its own holding both.
        match keyword(schema, "default") {
            Some(default) => self.push(Node {
                all_of: Some(vec![id]),
                default: Some(default.clone()),
                ..Node::default()
            }),
            None => id,
        }
    }

    /// The schema behind a chain of `$ref`s (a chain that loops ends where it loops).
    pub(crate) fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..=self.definitions.len() {
            match keyword(schema, "$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.definitions.get(ref_name(r)))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        NodeId(self.nodes.len() - 1)
    }

    fn compile_all(&mut self, schemas: &'a [Value]) -> Vec<NodeId> {
        schemas.iter().map(|s| self.compile(s)).collect()
    }

    /// Compiles a `pattern`, recording it as an error when it cannot be.
    fn pattern(&mut self, pattern: &str) -> Option<Regex> {
        // The size limits bound what one guest's pattern can make the host build.
        let built = fancy_regex::RegexBuilder::new(pattern)
            .delegate_size_limit(PATTERN_SIZE_LIMIT)
            .delegate_dfa_size_limit(PATTERN_SIZE_LIMIT)
            .build();
        built
            .map_err(|err| {
                self.errors.push(PatternError {
                    pattern: pattern.to_string(),
                    reason: err.to_string(),
                })
            })
            .ok()
    }

    fn node(&mut self, schema: &'a Value) -> Node {
        if schema == &TRUE || schema.as_object().is_some_and(Map::is_empty) {
            return Node {
                any: true,
                ..Node::default()
            };
        }
        let raw_alternatives: Vec<&'a Value> = ["anyOf", "oneOf"]
            .into_iter()
            .filter_map(|k| keyword(schema, k).and_then(Value::as_array))
            .flatten()
            .collect();
        // A Rust enum whose variants carry docs derives as `oneOf` of `const`s.
        let const_choices = match raw_alternatives.is_empty() {
            true => None,
            false => raw_alternatives
                .iter()
                .map(|alt| keyword(alt, "const").cloned())
                .collect(),
        };
        let types: Vec<String> = match keyword(schema, "type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        let kind = types
            .iter()
            .find(|t| *t != "null")
            .map(|t| match t.as_str() {
                "integer" => Kind::Integer,
                "number" => Kind::Number,
                "boolean" => Kind::Boolean,
                "string" => Kind::String,
                "array" => Kind::Array,
                "object" => Kind::Object,
                _ => Kind::Unknown,
            })
            .or_else(|| {
                (keyword(schema, "properties").is_some()
                    || keyword(schema, "additionalProperties").is_some())
                .then_some(Kind::Object)
            });
        let limit = |key: &str| keyword(schema, key).and_then(Value::as_f64);
        let required = string_list(keyword(schema, "required"));
        Node {
            any: false,
            all_of: keyword(schema, "allOf")
                .and_then(Value::as_array)
                .map(|parts| self.compile_all(parts)),
            const_choices,
            union: keyword(schema, "anyOf").is_some() || keyword(schema, "oneOf").is_some(),
            alternatives: raw_alternatives
                .iter()
                .map(|alt| self.compile(alt))
                .collect(),
            kind,
            types,
            enum_values: keyword(schema, "enum").and_then(Value::as_array).cloned(),
            constant: keyword(schema, "const").cloned(),
            default: keyword(schema, "default").cloned(),
            limits: Limits {
                exclusive_minimum: limit("exclusiveMinimum"),
                minimum: limit("minimum"),
                exclusive_maximum: limit("exclusiveMaximum"),
                maximum: limit("maximum"),
                multiple_of: limit("multipleOf"),
                min_length: limit("minLength"),
                max_length: limit("maxLength"),
                min_items: limit("minItems"),
                max_items: limit("maxItems"),
            },
            integer_range: match kind {
                Some(Kind::Integer) => keyword(schema, "format")
                    .and_then(Value::as_str)
                    .and_then(integer_range),
                _ => None,
            },
            file: kind == Some(Kind::String)
                && keyword(schema, "format").and_then(Value::as_str) == Some("binary"),
            decimal: kind == Some(Kind::String)
                && keyword(schema, "format").and_then(Value::as_str) == Some("decimal"),
            strict: keyword(schema, STRICT) == Some(&Value::Bool(true)),
            refuse_inf_nan: keyword(schema, ALLOW_INF_NAN) == Some(&Value::Bool(false)),
            max_digits: keyword(schema, MAX_DIGITS).and_then(Value::as_u64),
            decimal_places: keyword(schema, DECIMAL_PLACES).and_then(Value::as_u64),
            pattern: keyword(schema, "pattern")
                .and_then(Value::as_str)
                .and_then(|p| self.pattern(p)),
            prefix_items: keyword(schema, "prefixItems")
                .and_then(Value::as_array)
                .map(|items| self.compile_all(items)),
            items: keyword(schema, "items").map(|items| self.compile(items)),
            properties: keyword(schema, "properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(name, property)| Property {
                            name: name.clone(),
                            node: self.compile(property),
                            required: required.contains(&name.as_str()),
                        })
                        .collect()
                }),
            additional_properties: keyword(schema, "additionalProperties")
                .map(|values| self.compile(values)),
        }
    }
}

impl Schemas {
    fn get(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The schema's `default`.
    pub(crate) fn default_of(&self, id: NodeId) -> Option<&Value> {
        self.get(id).default.as_ref()
    }

    /// True when the schema takes a list (a `Vec<T>`, or an `Option<Vec<T>>`).
    pub(crate) fn expects_array(&self, id: NodeId) -> bool {
        self.any_in_unions(id, |node| node.types.iter().any(|t| t == "array"))
    }

    /// True when the schema accepts `null` (an `Option<T>`).
    pub(crate) fn accepts_null(&self, id: NodeId) -> bool {
        self.any_in_unions(id, |node| node.types.iter().any(|t| t == "null"))
    }

    /// Whether `test` holds for the node or one of its alternatives or `allOf` parts, theirs,
    /// and so on.
    /// Each node is looked at once, so unions that refer back to themselves end.
    fn any_in_unions(&self, id: NodeId, test: impl Fn(&Node) -> bool) -> bool {
        let node = self.get(id);
        if test(node) {
            return true;
        }
        let mut seen = vec![id];
        let mut next: Vec<NodeId> = node.alternatives.clone();
        next.extend(node.all_of.iter().flatten());
        while let Some(id) = next.pop() {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            let node = self.get(id);
            if test(node) {
                return true;
            }
            next.extend(&node.alternatives);
            next.extend(node.all_of.iter().flatten());
        }
        false
    }

    /// Checks `input` against schema `id`; the coerced value, or `None` with the failures
    /// added to `errors` (each at `loc` plus its own path).
    pub(crate) fn check(
        &self,
        id: NodeId,
        input: &Value,
        loc: &[Value],
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        self.check_from(id, input, loc, Origin::Text, errors)
    }

    /// [`Schemas::check`] of a value read from a body of `origin`: only a multipart body's
    /// reader makes files, so only there does an object describing one stand for a file.
    pub(crate) fn check_from(
        &self,
        id: NodeId,
        input: &Value,
        loc: &[Value],
        origin: Origin,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        self.check_at(id, input, &Loc::Root(loc, origin), errors, &Visits::None)
    }

    /// `visits`: the nodes `allOf` and unions led through to here without going into the
    /// input. A schema that comes back to itself that way (`"U": {"anyOf": [{"$ref": U},
    /// ..]}`) would recurse forever; it fails at once, as Pydantic's `recursion_loop` does.
    fn check_at(
        &self,
        id: NodeId,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
        visits: &Visits<'_>,
    ) -> Option<Value> {
        let node = self.get(id);
        if node.any {
            return Some(input.clone());
        }
        if visits.contains(id) {
            errors.push(fail(loc, "recursion_loop", input));
            return None;
        }
        let visits = Visits::Node(visits, id);
        if let Some(parts) = &node.all_of {
            let mut out = input.clone();
            for &part in parts {
                out = self.check_at(part, &out, loc, errors, &visits)?;
            }
            return Some(out);
        }
        if let Some(allowed) = &node.const_choices {
            // An enum all the same, and Pydantic names the failure `enum`.
            let value = coerce_like(allowed, input);
            if allowed.iter().any(|a| same(a, &value)) {
                return Some(value);
            }
            errors.push(choice_failure(loc, "enum", input, allowed));
            return None;
        }
        if node.union {
            return self.check_union(id, input, loc, errors, &visits);
        }
        // An Enum field names any input that is not a member `enum`, whatever its type.
        if let Some(allowed) = &node.enum_values {
            let candidate = coerce_like(allowed, input);
            if !allowed.iter().any(|a| same(a, &candidate)) {
                errors.push(choice_failure(loc, "enum", input, allowed));
                return None;
            }
        }
        let value = self.check_type(node, input, loc, errors)?;
        if let Some(constant) = &node.constant
            && !same(constant, &value)
        {
            errors.push(choice_failure(
                loc,
                "literal_error",
                input,
                std::slice::from_ref(constant),
            ));
            return None;
        }
        match constraint_failure(node, &value) {
            Some((kind, ctx)) => {
                let mut detail = fail(loc, kind, input);
                detail.ctx = Some(ctx);
                errors.push(detail);
                None
            }
            None => Some(value),
        }
    }

    /// `anyOf` / `oneOf`: `null` where allowed, else the first alternative that accepts the
    /// value. Failing all, the errors are those of the first non-null alternative (for an
    /// `Option<T>` that is `T`'s, as Pydantic reports a nullable field).
    fn check_union(
        &self,
        id: NodeId,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
        visits: &Visits<'_>,
    ) -> Option<Value> {
        if input.is_null() && self.accepts_null(id) {
            return Some(Value::Null);
        }
        let mut first_errors = None;
        let alternatives = self.get(id).alternatives.iter();
        for &alt in alternatives.filter(|&&alt| self.get(alt).types != ["null"]) {
            let mut alt_errors = Vec::new();
            if let Some(value) = self.check_at(alt, input, loc, &mut alt_errors, visits) {
                return Some(value);
            }
            first_errors.get_or_insert(alt_errors);
        }
        errors.extend(first_errors.unwrap_or_else(|| vec![fail(loc, "none_required", input)]));
        None
    }

    fn check_type(
        &self,
        node: &Node,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        if input.is_null() && node.types.iter().any(|t| t == "null") {
            return Some(Value::Null);
        }
        if node.strict
            && let Some(kind) = strict_failure(node.kind, input)
        {
            errors.push(fail(loc, kind, input));
            return None;
        }
        let coerced = match node.kind {
            Some(Kind::Integer) => coerce_int(input),
            Some(Kind::Number) => match coerce_float(input) {
                // Pydantic takes `"nan"` and `"inf"` (unless told not to) and checks them
                // against the field's bounds; one it lets through cannot cross as JSON, so it
                // stays a parse error.
                Err(kind) => match non_finite(input) {
                    Some(_) if node.refuse_inf_nan => Err("finite_number"),
                    Some(x) => match number_limit_failure(&node.limits, x) {
                        Some((bound, ctx)) => {
                            let mut detail = fail(loc, bound, input);
                            detail.ctx = Some(ctx);
                            errors.push(detail);
                            return None;
                        }
                        None => Err(kind),
                    },
                    None => Err(kind),
                },
                ok => ok,
            },
            Some(Kind::Boolean) => coerce_bool(input),
            // What `UploadFile`'s own validator answers anything but a file with.
            Some(Kind::String) if node.file => match FilePart::from_json(input) {
                Some(_) if loc.origin() == Origin::Multipart => Ok(input.clone()),
                _ => {
                    let reason = format!("Expected UploadFile, got {}", python_type(input));
                    errors.push(fail(loc, "value_error", input).with("error", json!(reason)));
                    return None;
                }
            },
            // What Pydantic's `Decimal` takes: a number, as its digits were sent, or a string
            // that reads as one.
            Some(Kind::String) if node.decimal => match input {
                Value::Number(n) => Ok(Value::String(n.as_str().to_string())),
                Value::String(s) if decimal::digits(s.trim()).is_some() => {
                    Ok(Value::String(s.trim().to_string()))
                }
                // `Decimal` fields refuse NaN and infinities (`allow_inf_nan=False` is theirs
                // by default).
                Value::String(s) if is_nan_or_infinity(s) => Err("finite_number"),
                Value::String(_) => Err("decimal_parsing"),
                _ => Err("decimal_type"),
            },
            Some(Kind::String) => match input {
                Value::String(_) => Ok(input.clone()),
                _ => Err("string_type"),
            },
            Some(Kind::Array) => return self.check_array(node, input, loc, errors),
            Some(Kind::Object) => return self.check_object(node, input, loc, errors),
            Some(Kind::Unknown) | None => Ok(input.clone()),
        };
        coerced
            .map_err(|kind| errors.push(fail(loc, kind, input)))
            .ok()
    }

    fn check_array(
        &self,
        node: &Node,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        let Value::Array(items) = input else {
            errors.push(fail(loc, "list_type", input));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (index, item) in items.iter().enumerate() {
            let item_schema = node
                .prefix_items
                .as_ref()
                .and_then(|p| p.get(index).copied())
                .or(node.items)
                .unwrap_or(ANY);
            match self.check_at(
                item_schema,
                item,
                &Loc::Index(loc, index),
                errors,
                &Visits::None,
            ) {
                Some(value) => out.push(value),
                None => ok = false,
            }
        }
        ok.then_some(Value::Array(out))
    }

    /// A struct: declared fields in declared order, missing ones `missing` unless they have
    /// a default or are optional; undeclared keys are dropped (Pydantic's `extra="ignore"`).
    /// A map (`additionalProperties` only) keeps every key.
    fn check_object(
        &self,
        node: &Node,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        let Value::Object(fields) = input else {
            let kind = match node.properties {
                // Powertools validates models `from_attributes`, whose error this is.
                Some(_) => "model_attributes_type",
                None => "dict_type",
            };
            errors.push(fail(loc, kind, input));
            return None;
        };
        let mut ok = true;
        let Some(properties) = &node.properties else {
            let mut out = Map::with_capacity(fields.len());
            let values = node.additional_properties.unwrap_or(ANY);
            for (key, value) in fields {
                match self.check_at(values, value, &Loc::Key(loc, key), errors, &Visits::None) {
                    Some(value) => {
                        out.insert(key.clone(), value);
                    }
                    None => ok = false,
                }
            }
            return ok.then_some(Value::Object(out));
        };
        let mut out = Map::with_capacity(properties.len());
        for property in properties {
            let name = &property.name;
            let field_loc = Loc::Key(loc, name);
            match field(fields, name) {
                Some(value) => {
                    match self.check_at(property.node, value, &field_loc, errors, &Visits::None) {
                        Some(value) => {
                            out.insert(name.clone(), value);
                        }
                        None => ok = false,
                    }
                }
                None => {
                    if let Some(default) = self.default_of(property.node) {
                        out.insert(name.clone(), default.clone());
                    } else if property.required {
                        errors.push(fail(&field_loc, "missing", &json!({})));
                        ok = false;
                    } else if self.accepts_null(property.node) {
                        out.insert(name.clone(), Value::Null);
                    }
                }
            }
        }
        ok.then_some(Value::Object(out))
    }
}

/// The member `name` of an input object. A model's input has a handful of members: finding
/// one by comparing names beats hashing it (`serde_json::Map` hashes with SipHash).
fn field<'v>(fields: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    match fields.len() {
        0..=16 => fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v),
        _ => fields.get(name),
    }
}

/// The schema nodes one value has been checked against so far (see `Schemas::check_at`).
enum Visits<'a> {
    None,
    Node(&'a Visits<'a>, NodeId),
}

impl Visits<'_> {
    fn contains(&self, id: NodeId) -> bool {
        let mut at = self;
        while let Visits::Node(before, seen) = at {
            if *seen == id {
                return true;
            }
            at = before;
        }
        false
    }
}

/// Where a value sits: the caller's path, then the keys and indexes below it. Built into a
/// list only when a failure names it, so valid input allocates no paths.
/// Where a checked value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Parameters, a JSON or urlencoded body: text and JSON only.
    Text,
    /// A multipart body, whose reader describes file parts as objects ([`FilePart`]).
    Multipart,
}

enum Loc<'a> {
    Root(&'a [Value], Origin),
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl Loc<'_> {
    /// Where the whole value was read from.
    fn origin(&self) -> Origin {
        match self {
            Loc::Root(_, origin) => *origin,
            Loc::Key(parent, _) | Loc::Index(parent, _) => parent.origin(),
        }
    }

    fn to_vec(&self) -> Vec<Value> {
        match self {
            Loc::Root(root, _) => root.to_vec(),
            Loc::Key(parent, key) => {
                let mut path = parent.to_vec();
                path.push(Value::from(*key));
                path
            }
            Loc::Index(parent, index) => {
                let mut path = parent.to_vec();
                path.push(Value::from(*index));
                path
            }
        }
    }
}

/// The name of the Python type `json.loads` makes of `value`.
fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        // Digits as sent (`arbitrary_precision`): an integer however large.
        Value::Number(n)
            if n.to_string()
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-') =>
        {
            "int"
        }
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn fail(loc: &Loc<'_>, kind: &'static str, input: &Value) -> Detail {
    Detail::new(loc.to_vec(), kind, input.clone())
}

/// An `enum` or `literal_error` failure, naming the values it expected.
fn choice_failure(loc: &Loc<'_>, kind: &'static str, input: &Value, allowed: &[Value]) -> Detail {
    fail(loc, kind, input).with("expected", Value::from(expected_choices(allowed)))
}

/// A keyword of a schema object.
fn keyword<'s>(schema: &'s Value, name: &str) -> Option<&'s Value> {
    match schema {
        Value::Object(members) => members.iter().find(|(k, _)| *k == name).map(|(_, v)| v),
        _ => None,
    }
}

/// A string input read as a number when the choices are numbers (`?level=2`).
fn coerce_like(choices: &[Value], input: &Value) -> Value {
    match input {
        Value::String(s) if choices.iter().all(Value::is_number) => {
            coerce_float(&Value::from(s.as_str())).unwrap_or_else(|_| input.clone())
        }
        _ => input.clone(),
    }
}

fn string_list(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// JSON equality, with `1` and `1.0` equal as Python compares them.
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Pydantic's lax integer: integral numbers, `true`/`false`, and strings holding an integer
/// (surrounding whitespace, a sign, `_` between digits, or a float string with no fraction).
fn coerce_int(input: &Value) -> Result<Value, &'static str> {
    match input {
        // An integer of any size, as Python's `int` (numbers keep their digits).
        Value::Number(n) if is_integer_text(n.as_str()) => Ok(input.clone()),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // Pydantic takes an integral float that fits an i64 and names one that does not
            // `int_parsing_size`.
            match (f.fract() == 0.0, f.abs() < i64::MAX as f64) {
                (true, true) => Ok(Value::from(f as i64)),
                (true, false) => Err("int_parsing_size"),
                (false, _) => Err("int_from_float"),
            }
        }
        Value::Bool(b) => Ok(Value::from(i64::from(*b))),
        Value::String(s) => parse_int(s.trim()).ok_or("int_parsing"),
        _ => Err("int_type"),
    }
}

fn parse_int(text: &str) -> Option<Value> {
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    let digits = digits
        .split_once('.')
        .filter(|(_, f)| !f.is_empty() && f.bytes().all(|b| b == b'0'))
        .map_or(digits, |(i, _)| i);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__");
    if !well_formed {
        return None;
    }
    // Python's `int("007")` is 7; JSON's number syntax has no leading zeros.
    let digits = digits.replace('_', "");
    let digits = match digits.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    };
    let sign = if digits == "0" { "" } else { sign };
    let joined = format!("{sign}{digits}");
    // Python's `int` has no size limit, only one of 4,300 digits on parsing text.
    if joined.len() > 4_300 {
        return None;
    }
    joined.parse::<Number>().map(Value::Number).ok()
}

/// Whether a number's JSON text is an integer (no fraction, no exponent).
fn is_integer_text(text: &str) -> bool {
    !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// Pydantic's lax float: numbers (integers become floats), booleans, numeric strings.
fn coerce_float(input: &Value) -> Result<Value, &'static str> {
    let number = match input {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::String(s) => Some(parse_float(s.trim()).ok_or("float_parsing")?),
        _ => return Err("float_type"),
    };
    number
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or("float_parsing")
}

/// Pydantic's strict mode: the error for an input not already of the node's type (a JSON
/// integer for an integer, any number for a number), if it is not.
fn strict_failure(kind: Option<Kind>, input: &Value) -> Option<&'static str> {
    match (kind?, input) {
        (Kind::Integer, Value::Number(n)) if is_integer_text(n.as_str()) => None,
        (Kind::Integer, _) => Some("int_type"),
        (Kind::Number, Value::Number(_)) => None,
        (Kind::Number, _) => Some("float_type"),
        (Kind::Boolean, Value::Bool(_)) => None,
        (Kind::Boolean, _) => Some("bool_type"),
        _ => None,
    }
}

/// `max_digits` and `decimal_places` on a decimal's `text`, as Pydantic checks a `Decimal`:
/// on its normalized digits (`1.50` has 2, one of them a decimal place; `100` has 3), the
/// total first, then the places, then the digits left before the point. Text that is not a
/// decimal number is left to the type check.
fn decimal_failure(text: &str, node: &Node) -> Option<Broken> {
    let (digits, decimals) = decimal::digits(text)?;
    if let Some(max) = node.max_digits.filter(|&max| digits > max) {
        return Some(broken("decimal_max_digits", &[("max_digits", max.into())]));
    }
    let places = node.decimal_places?;
    if decimals > places {
        return Some(broken(
            "decimal_max_places",
            &[("decimal_places", places.into())],
        ));
    }
    let whole = node.max_digits?.saturating_sub(places);
    (digits - decimals > whole)
        .then(|| broken("decimal_whole_digits", &[("whole_digits", whole.into())]))
}

/// `NaN`, `sNaN` or an infinity, signed or not, in any case, as Python's `Decimal` reads them.
fn is_nan_or_infinity(text: &str) -> bool {
    let text = text.trim();
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    ["nan", "snan", "inf", "infinity"]
        .iter()
        .any(|name| unsigned.eq_ignore_ascii_case(name))
}

/// A string Python's `float()` reads as NaN or an infinity (`"nan"`, `"-inf"`, `"Infinity"`).
fn non_finite(input: &Value) -> Option<f64> {
    let text = input.as_str()?.trim();
    text.parse::<f64>().ok().filter(|x| !x.is_finite())
}

/// Python's `float(text)` for finite numbers: `_` is allowed between digits (`1_000.5`).
fn parse_float(text: &str) -> Option<f64> {
    if !text.contains('_') {
        return text.parse().ok();
    }
    let bytes = text.as_bytes();
    let between_digits = bytes.iter().enumerate().all(|(at, &b)| {
        b != b'_'
            || (at > 0
                && bytes[at - 1].is_ascii_digit()
                && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
    });
    match between_digits {
        true => text.replace('_', "").parse().ok(),
        false => None,
    }
}

/// Pydantic's lax bool: `true`/`false`, `0`/`1`, and the strings Python's `strtobool` knows.
fn coerce_bool(input: &Value) -> Result<Value, &'static str> {
    match input {
        Value::Bool(_) => Ok(input.clone()),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Ok(Value::Bool(false)),
            Some(1.0) => Ok(Value::Bool(true)),
            _ => Err("bool_parsing"),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "on" | "t" | "true" | "y" | "yes" => Ok(Value::Bool(true)),
            "0" | "off" | "f" | "false" | "n" | "no" => Ok(Value::Bool(false)),
            _ => Err("bool_parsing"),
        },
        _ => Err("bool_type"),
    }
}

/// A broken constraint: Pydantic's error type and its `ctx`.
type Broken = (&'static str, Map<String, Value>);

fn broken(kind: &'static str, members: &[(&str, Value)]) -> Broken {
    let ctx = members
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    (kind, ctx)
}

/// A schema's bound as `ctx` writes it: an integral one as an integer (`{"le": 3}`), as
/// Pydantic echoes the `le=3` it was given.
fn bound_value(limit: f64) -> Value {
    match limit.fract() == 0.0 && limit.abs() < 9_007_199_254_740_992.0 {
        true => Value::from(limit as i64),
        false => Number::from_f64(limit).map_or(Value::Null, Value::Number),
    }
}

/// The first numeric bound `x` breaks, as Pydantic's error type (NaN breaks every bound).
fn number_limit_failure(limits: &Limits, x: f64) -> Option<Broken> {
    type Bound = (
        Option<f64>,
        fn(f64, f64) -> bool,
        &'static str,
        &'static str,
    );
    let checks: [Bound; 4] = [
        (limits.exclusive_minimum, |x, l| x > l, "greater_than", "gt"),
        (limits.minimum, |x, l| x >= l, "greater_than_equal", "ge"),
        (limits.exclusive_maximum, |x, l| x < l, "less_than", "lt"),
        (limits.maximum, |x, l| x <= l, "less_than_equal", "le"),
    ];
    for (limit, holds, kind, key) in checks {
        if let Some(l) = limit
            && !holds(x, l)
        {
            return Some(broken(kind, &[(key, bound_value(l))]));
        }
    }
    let multiple = limits.multiple_of.filter(|m| *m != 0.0)?;
    let ratio = x / multiple;
    ((ratio - ratio.round()).abs() > 1e-9)
        .then(|| broken("multiple_of", &[("multiple_of", bound_value(multiple))]))
}

/// The range of the integer type a schema's `format` names (`uint32`, as schemars writes a
/// `u32`): values outside it would fail in the guest, so they fail validation, a 422 like any
/// other bound. `int`/`uint` are `isize`/`usize`, 32 bits in a `wasm32` guest. 128-bit types
/// need no check: the host reads no integer past 64 bits.
fn integer_range(format: &str) -> Option<(i128, i128)> {
    let range = |min: i128, max: i128| Some((min, max));
    match format {
        "int8" => range(i8::MIN.into(), i8::MAX.into()),
        "int16" => range(i16::MIN.into(), i16::MAX.into()),
        "int32" | "int" => range(i32::MIN.into(), i32::MAX.into()),
        "int64" => range(i64::MIN.into(), i64::MAX.into()),
        "uint8" => range(0, u8::MAX.into()),
        "uint16" => range(0, u16::MAX.into()),
        "uint32" | "uint" => range(0, u32::MAX.into()),
        "uint64" => range(0, u64::MAX.into()),
        _ => None,
    }
}

/// The integer type's bound an integral `n` breaks, compared exactly (an `f64` cannot tell
/// `u64::MAX` from `u64::MAX + 1`).
fn integer_range_failure(range: Option<(i128, i128)>, n: &Number) -> Option<Broken> {
    let (min, max) = range?;
    let text = n.as_str();
    if !is_integer_text(text) {
        return None;
    }
    // Past `i128` is past every range checked here, on the side of its sign.
    let value = text.parse::<i128>().unwrap_or(match text.starts_with('-') {
        true => i128::MIN,
        false => i128::MAX,
    });
    let as_json = |bound: i128| {
        i64::try_from(bound)
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(u64::try_from(bound).unwrap_or(u64::MAX)))
    };
    match value {
        v if v < min => Some(broken("greater_than_equal", &[("ge", as_json(min))])),
        v if v > max => Some(broken("less_than_equal", &[("le", as_json(max))])),
        _ => None,
    }
}

/// The first constraint `value` breaks, as Pydantic's error type and `ctx`.
fn constraint_failure(node: &Node, value: &Value) -> Option<Broken> {
    let limits = &node.limits;
    if node.max_digits.is_some() || node.decimal_places.is_some() {
        let text = match value {
            Value::Number(n) => Some(n.as_str()),
            Value::String(s) => Some(s.trim()),
            _ => None,
        };
        if let Some(broken) = text.and_then(|t| decimal_failure(t, node)) {
            return Some(broken);
        }
    }
    match value {
        Value::Number(n) => number_limit_failure(limits, n.as_f64()?)
            .or_else(|| integer_range_failure(node.integer_range, n)),
        Value::String(s) => {
            let chars = s.chars().count() as f64;
            if let Some(l) = limits.min_length.filter(|&l| chars < l) {
                return Some(broken(
                    "string_too_short",
                    &[("min_length", bound_value(l))],
                ));
            }
            if let Some(l) = limits.max_length.filter(|&l| chars > l) {
                return Some(broken("string_too_long", &[("max_length", bound_value(l))]));
            }
            let pattern = node.pattern.as_ref()?;
            // A match that gives up (fancy-regex's backtrack limit) is not a match: the
            // check fails closed.
            (!pattern.is_match(s).unwrap_or(false)).then(|| {
                broken(
                    "string_pattern_mismatch",
                    &[("pattern", Value::from(pattern.as_str()))],
                )
            })
        }
        Value::Array(items) => {
            let len = items.len() as f64;
            let sized = |kind, key, l: f64| {
                broken(
                    kind,
                    &[
                        ("field_type", Value::from("List")),
                        (key, bound_value(l)),
                        ("actual_length", Value::from(items.len())),
                    ],
                )
            };
            if let Some(l) = limits.min_items.filter(|&l| len < l) {
                return Some(sized("too_short", "min_length", l));
            }
            limits
                .max_items
                .filter(|&l| len > l)
                .map(|l| sized("too_long", "max_length", l))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    type Outcome = Result<Value, Vec<(Vec<Value>, &'static str)>>;

    fn run(schema: Value, input: Value) -> Outcome {
        let definitions = json!({
            "Color": {"type": "string", "enum": ["red", "green", "blue"]},
            "Item": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 40},
                    "price": {"type": "number", "exclusiveMinimum": 0},
                    "quantity": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
                    "color": {"anyOf": [{"$ref": "#/components/schemas/Color"}, {"type": "null"}]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "finish": {"$ref": "#/components/schemas/Color", "default": "green"},
                },
                "required": ["name", "price", "tags"],
            },
        });
        run_with(&definitions, schema, input)
    }

    fn run_with(definitions: &Value, schema: Value, input: Value) -> Outcome {
        let mut compiler = Compiler::new(definitions.as_object().unwrap());
        let root = compiler.compile(&schema);
        let schemas = compiler.finish();
        let mut errors = Vec::new();
        schemas
            .check(root, &input, &[json!("body")], &mut errors)
            .ok_or_else(|| errors.into_iter().map(|d| (d.loc, d.kind)).collect())
    }

    #[test]
    fn a_model_that_contains_itself_is_checked_at_every_level() {
        let definitions = json!({
            "Tree": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Tree"},
                        "default": [],
                    },
                },
                "required": ["name"],
            },
            "Alias": {"$ref": "#/components/schemas/Tree"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
            // Refers to itself through a `$ref` with a default: compiles once, ends.
            "Chain": {"type": "object", "properties": {
                "next": {"$ref": "#/components/schemas/Chain", "default": {}},
            }},
        });
        let chain = json!({"$ref": "#/components/schemas/Chain"});
        assert_eq!(
            run_with(&definitions, chain, json!({"next": {}})),
            Ok(json!({"next": {"next": {}}}))
        );
        for name in ["Tree", "Alias"] {
            let schema = json!({"$ref": format!("#/components/schemas/{name}")});
            assert_eq!(
                run_with(
                    &definitions,
                    schema.clone(),
                    json!({"name": "a", "children": [{"name": "b"}]})
                ),
                Ok(json!({"name": "a", "children": [{"name": "b", "children": []}]})),
                "{name}"
            );
            assert_eq!(
                run_with(
                    &definitions,
                    schema,
                    json!({"name": "a", "children": [{"name": "b"}, {"children": []}]})
                ),
                Err(vec![(
                    vec![json!("body"), json!("children"), json!(1), json!("name")],
                    "missing"
                )]),
                "{name}"
            );
        }
        // A `$ref` that only refers to itself says nothing else: anything passes.
        let schema = json!({"$ref": "#/components/schemas/Loop"});
        assert_eq!(run_with(&definitions, schema, json!([1])), Ok(json!([1])));
    }

    #[test]
    fn a_union_or_all_of_that_reaches_itself_fails_instead_of_recursing_forever() {
        let u = json!({"$ref": "#/components/schemas/U"});
        // Thirty ways back to itself: checked naively, 30^n calls.
        let ways = [vec![u.clone(); 30], vec![json!({"type": "string"})]].concat();
        let definitions = json!({
            "U": {"anyOf": ways},
            "A": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        });
        assert_eq!(
            run_with(&definitions, u.clone(), json!("s")),
            Ok(json!("s"))
        );
        for input in [json!(5), json!(null)] {
            assert_eq!(
                run_with(&definitions, u.clone(), input),
                Err(vec![(vec![json!("body")], "recursion_loop")])
            );
        }
        let all_of = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(
            run_with(&definitions, all_of, json!(5)),
            Err(vec![(vec![json!("body")], "recursion_loop")])
        );
    }

    #[test]
    fn strings_coerce_to_integers_the_way_pydantic_does() {
        let int = json!({"type": "integer"});
        for (input, expected) in [
            (json!("21"), json!(21)),
            (json!(" -7 "), json!(-7)),
            (json!("1_000"), json!(1000)),
            (json!("5.0"), json!(5)),
            (json!(3.0), json!(3)),
            (
                json!(9_007_199_254_740_992.0),
                json!(9_007_199_254_740_992_i64),
            ),
        ] {
            assert_eq!(run(int.clone(), input.clone()), Ok(expected), "{input}");
        }
        for (input, kind) in [
            (json!("abc"), "int_parsing"),
            (json!("5.5"), "int_parsing"),
            (json!("5."), "int_parsing"),
            (json!(1e20), "int_parsing_size"),
            (json!("_1"), "int_parsing"),
            (json!(2.5), "int_from_float"),
            (json!(null), "int_type"),
            (json!([1]), "int_type"),
        ] {
            assert_eq!(
                run(int.clone(), input.clone()),
                Err(vec![(vec![json!("body")], kind)]),
                "{input}"
            );
        }
    }

    #[test]
    fn numbers_booleans_and_strings_follow_lax_mode() {
        assert_eq!(run(json!({"type": "number"}), json!(3)), Ok(json!(3.0)));
        assert_eq!(
            run(json!({"type": "number"}), json!("x")),
            Err(vec![(vec![json!("body")], "float_parsing")])
        );
        assert_eq!(
            run(json!({"type": "boolean"}), json!("Yes")),
            Ok(json!(true))
        );
        assert_eq!(
            run(json!({"type": "boolean"}), json!("maybe")),
            Err(vec![(vec![json!("body")], "bool_parsing")])
        );
        assert_eq!(
            run(json!({"type": "string"}), json!(5)),
            Err(vec![(vec![json!("body")], "string_type")])
        );
        // Python's `float()` takes `_` between digits, and nowhere else.
        let number = json!({"type": "number"});
        for (input, want) in [("1_000.5", Ok(json!(1000.5))), ("1_0", Ok(json!(10.0)))] {
            assert_eq!(run(number.clone(), json!(input)), want, "{input}");
        }
        for input in ["_1", "1_", "1__0", "1_.5", "1._5"] {
            assert_eq!(
                run(number.clone(), json!(input)),
                Err(vec![(vec![json!("body")], "float_parsing")]),
                "{input}"
            );
        }
    }

    /// The field options JSON Schema has no keyword for, as Powertools 3.37 answered them
    /// (`Field(strict=True)`, `allow_inf_nan=False`, `max_digits`/`decimal_places`).
    #[test]
    fn strict_finite_and_decimal_fields_fail_as_pydantic_fails_them() {
        let none = json!({});
        let table = [
            (
                json!({"type": "integer", STRICT: true}),
                json!(2),
                Ok(json!(2)),
            ),
            (
                json!({"type": "integer", STRICT: true}),
                json!("2"),
                Err("int_type"),
            ),
            (
                json!({"type": "integer", STRICT: true}),
                json!(2.0),
                Err("int_type"),
            ),
            (
                json!({"type": "integer", STRICT: true}),
                json!(true),
                Err("int_type"),
            ),
            (
                json!({"type": "number", STRICT: true}),
                json!(2),
                Ok(json!(2.0)),
            ),
            (
                json!({"type": "number", STRICT: true}),
                json!("2.5"),
                Err("float_type"),
            ),
            (
                json!({"type": "boolean", STRICT: true}),
                json!("true"),
                Err("bool_type"),
            ),
            (
                json!({"type": ["integer", "null"], STRICT: true}),
                Value::Null,
                Ok(Value::Null),
            ),
            (
                json!({"type": "number", ALLOW_INF_NAN: false}),
                json!("inf"),
                Err("finite_number"),
            ),
            (
                json!({"type": "number", ALLOW_INF_NAN: false}),
                json!("nan"),
                Err("finite_number"),
            ),
            (
                json!({"type": "number", ALLOW_INF_NAN: false}),
                json!("1.5"),
                Ok(json!(1.5)),
            ),
            (
                json!({"type": "number", MAX_DIGITS: 4, DECIMAL_PLACES: 1}),
                json!("123.45"),
                Err("decimal_max_digits"),
            ),
            (
                json!({"type": "number", MAX_DIGITS: 4, DECIMAL_PLACES: 1}),
                json!("12.34"),
                Err("decimal_max_places"),
            ),
            (
                json!({"type": "number", MAX_DIGITS: 4, DECIMAL_PLACES: 1}),
                json!("1.5"),
                Ok(json!(1.5)),
            ),
            (
                json!({"type": "number", MAX_DIGITS: 5, DECIMAL_PLACES: 2}),
                json!(1234.5),
                Err("decimal_whole_digits"),
            ),
            (
                json!({"type": "number", MAX_DIGITS: 5, DECIMAL_PLACES: 2}),
                json!(1.234),
                Err("decimal_max_places"),
            ),
            (
                json!({"type": "string", MAX_DIGITS: 5, DECIMAL_PLACES: 2}),
                json!("123.45"),
                Ok(json!("123.45")),
            ),
            (
                // Trailing zeros are not places: `1.50` as sent has one once normalized.
                json!({"type": "number", DECIMAL_PLACES: 1}),
                serde_json::from_str::<Value>("1.50").unwrap(),
                Ok(json!(1.5)),
            ),
            (
                json!({"type": "string", "format": "decimal"}),
                json!("NaN"),
                Err("finite_number"),
            ),
            (
                json!({"type": "string", "format": "decimal", MAX_DIGITS: 5}),
                json!("10e9223372036854775807"),
                Err("decimal_parsing"),
            ),
            (
                json!({"type": "string", "format": "decimal"}),
                json!(10),
                Ok(json!("10")),
            ),
            (
                json!({"type": "string", "format": "decimal"}),
                json!(" 1.50 "),
                Ok(json!("1.50")),
            ),
            (
                json!({"type": "string", "format": "decimal"}),
                json!("ten"),
                Err("decimal_parsing"),
            ),
            (
                json!({"type": "string", "format": "decimal"}),
                json!(true),
                Err("decimal_type"),
            ),
            (
                json!({"type": "string", "format": "decimal", MAX_DIGITS: 5, DECIMAL_PLACES: 2}),
                json!(1234.5),
                Err("decimal_whole_digits"),
            ),
        ];
        for (schema, input, want) in table {
            let got = run_with(&none, schema.clone(), input.clone()).map_err(|errors| errors[0].1);
            assert_eq!(got, want, "{schema} {input}");
        }
    }

    /// Pydantic reads `"nan"` and `"inf"` as floats and checks them against the bounds;
    /// a value it would let through cannot cross as JSON, so it stays `float_parsing`.
    #[test]
    fn nan_and_infinity_strings_fail_the_bound_they_break() {
        let positive = json!({"type": "number", "exclusiveMinimum": 0});
        let at_most_ten = json!({"type": "number", "maximum": 10});
        let any = json!({"type": "number"});
        let cases = [
            (&positive, "nan", "greater_than"),
            (&positive, " NaN ", "greater_than"),
            (&positive, "-inf", "greater_than"),
            (&positive, "-Infinity", "greater_than"),
            (&positive, "inf", "float_parsing"),
            (&at_most_ten, "inf", "less_than_equal"),
            (&at_most_ten, "nan", "less_than_equal"),
            (&any, "nan", "float_parsing"),
            (&positive, "nanx", "float_parsing"),
        ];
        for (schema, input, kind) in cases {
            assert_eq!(
                run(schema.clone(), json!(input)),
                Err(vec![(vec![json!("body")], kind)]),
                "{schema} {input}"
            );
        }
    }

    #[test]
    fn an_enum_names_any_input_that_is_not_a_member_enum_whatever_its_type() {
        let colors = json!({"type": "string", "enum": ["red", "green"]});
        assert_eq!(run(colors.clone(), json!("red")), Ok(json!("red")));
        for input in [
            json!("blue"),
            json!(1),
            json!(["red"]),
            json!(true),
            json!(null),
        ] {
            assert_eq!(
                run(colors.clone(), input.clone()),
                Err(vec![(vec![json!("body")], "enum")]),
                "{input}"
            );
        }
        let levels = json!({"type": "integer", "enum": [1, 2]});
        assert_eq!(run(levels.clone(), json!("2")), Ok(json!(2)));
    }

    #[test]
    fn constraints_name_the_bound_that_failed() {
        let cases = [
            (
                json!({"type": "integer", "maximum": 100}),
                json!(500),
                "less_than_equal",
            ),
            (
                json!({"type": "integer", "minimum": 1}),
                json!(0),
                "greater_than_equal",
            ),
            (
                json!({"type": "number", "exclusiveMinimum": 0}),
                json!(0),
                "greater_than",
            ),
            (
                json!({"type": "number", "exclusiveMaximum": 10}),
                json!(10),
                "less_than",
            ),
            (
                json!({"type": "integer", "multipleOf": 5}),
                json!(7),
                "multiple_of",
            ),
            (
                json!({"type": "string", "minLength": 3}),
                json!("ab"),
                "string_too_short",
            ),
            (
                json!({"type": "string", "maxLength": 2}),
                json!("abc"),
                "string_too_long",
            ),
            (
                json!({"type": "string", "pattern": "^[a-z]+$"}),
                json!("A1"),
                "string_pattern_mismatch",
            ),
            (
                json!({"type": "array", "minItems": 1}),
                json!([]),
                "too_short",
            ),
            (
                json!({"$ref": "#/components/schemas/Color"}),
                json!("purple"),
                "enum",
            ),
        ];
        for (schema, input, kind) in cases {
            assert_eq!(
                run(schema.clone(), input),
                Err(vec![(vec![json!("body")], kind)]),
                "{schema}"
            );
        }
    }

    #[test]
    fn a_kept_pattern_constrains_every_call() {
        let lower = json!({"type": "string", "pattern": "^[a-z]+$"});
        for _ in 0..3 {
            assert_eq!(run(lower.clone(), json!("abc")), Ok(json!("abc")));
        }
        assert!(run(lower, json!("ABC")).is_err());
    }

    #[test]
    fn integers_keep_their_digits_and_their_types_range() {
        let digits = "123456789012345678901234567890";
        let big: Value = serde_json::from_str(digits).unwrap();
        // Python's `int`: any size, from a number or a string.
        let int = json!({"type": "integer"});
        assert_eq!(run(int.clone(), big.clone()).unwrap().to_string(), digits);
        assert_eq!(run(int.clone(), json!(digits)).unwrap().to_string(), digits);
        assert_eq!(run(int.clone(), json!("-0009")), Ok(json!(-9)));
        assert_eq!(run(int, json!("-000")), Ok(json!(0)));
        // A Rust integer type's range, compared exactly.
        let int64 = json!({"type": "integer", "format": "int64"});
        let le = Err(vec![(vec![json!("body")], "less_than_equal")]);
        assert_eq!(run(int64.clone(), big), le);
        assert_eq!(run(int64.clone(), json!("9223372036854775808")), le);
        assert_eq!(
            run(int64, json!("-9223372036854775809")),
            Err(vec![(vec![json!("body")], "greater_than_equal")])
        );
        let uint64 = json!({"type": "integer", "format": "uint64"});
        assert!(run(uint64.clone(), json!(u64::MAX)).is_ok());
        assert_eq!(run(uint64, json!("18446744073709551616")), le);
    }

    #[test]
    fn python_re_patterns_check_with_search_semantics() {
        // Pydantic's `python-re` engine: look-around and back-references, `re.search`.
        let cases = [
            ("^(?!admin).*$", "admin1", false),
            ("^(?!admin).*$", "bob", true),
            ("(a)\\1", "xaax", true),
            ("(a)\\1", "ab", false),
            ("(?<=@)example", "me@example", true),
            ("(?<=@)example", "example", false),
            ("b", "abc", true),
        ];
        for (pattern, input, accepted) in cases {
            let schema = json!({"type": "string", "pattern": pattern});
            let expected = match accepted {
                true => Ok(json!(input)),
                false => Err(vec![(vec![json!("body")], "string_pattern_mismatch")]),
            };
            assert_eq!(run(schema, json!(input)), expected, "{pattern} on {input}");
        }
    }

    #[test]
    fn a_pattern_nothing_compiles_is_an_error_not_a_missing_check() {
        let definitions = Map::new();
        let mut compiler = Compiler::new(&definitions);
        let good = json!({"type": "string", "pattern": "^[a-z]+$"});
        compiler.compile(&good);
        assert_eq!(compiler.take_errors(), Vec::new());
        let nested = json!({"type": "array", "items": {"type": "string", "pattern": "([a-z"}});
        compiler.compile(&nested);
        let errors = compiler.take_errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pattern, "([a-z");
        assert!(
            errors[0].to_string().contains("cannot be compiled"),
            "{}",
            errors[0]
        );
        // A pattern past the size limit is refused too, not compiled unbounded.
        let huge = json!({"type": "string", "pattern": "\\w{5000}\\w{5000}"});
        compiler.compile(&huge);
        assert_eq!(compiler.take_errors().len(), 1);
    }

    #[test]
    fn models_report_every_field_and_fill_defaults() {
        let item = json!({"$ref": "#/components/schemas/Item"});
        assert_eq!(
            run(
                item.clone(),
                json!({"name": "lamp", "price": 9.5, "tags": ["home"], "extra": 1})
            ),
            Ok(
                json!({"name": "lamp", "price": 9.5, "quantity": 1, "color": null, "tags": ["home"], "finish": "green"})
            )
        );
        let errors = run(
            item.clone(),
            json!({"name": "", "price": -1, "quantity": 5000}),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                (vec![json!("body"), json!("name")], "string_too_short"),
                (vec![json!("body"), json!("price")], "greater_than"),
                (vec![json!("body"), json!("quantity")], "less_than_equal"),
                (vec![json!("body"), json!("tags")], "missing"),
            ]
        );
        assert_eq!(
            run(item, json!([1])),
            Err(vec![(vec![json!("body")], "model_attributes_type")])
        );
    }

    #[test]
    fn list_items_are_located_by_index() {
        let colors = json!({"type": "array", "items": {"$ref": "#/components/schemas/Color"}});
        assert_eq!(
            run(colors.clone(), json!(["red", "blue"])),
            Ok(json!(["red", "blue"]))
        );
        assert_eq!(
            run(colors.clone(), json!(["red", "XX"])),
            Err(vec![(vec![json!("body"), json!(1)], "enum")])
        );
        assert_eq!(
            run(colors, json!("red")),
            Err(vec![(vec![json!("body")], "list_type")])
        );
    }
}
