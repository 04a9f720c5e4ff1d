//! A JSON Schema validator that answers the way Pydantic (v2, lax mode) does: it coerces
//! what Pydantic coerces (`"5"` to `5` for an integer, `"true"` to `true`, `3` to `3.0` for a
//! number), fills declared defaults, keeps only declared fields, and names each failure with
//! Pydantic's error type (`int_parsing`, `missing`, `string_too_short`, `less_than_equal`...).
//!
//! Written by hand because general JSON Schema crates validate without coercing and report
//! JSON Schema keywords, not the error types Powertools' 422 bodies carry.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use serde_json::{Map, Number, Value};

/// One failure: where (`["query", "limit"]`) and Pydantic's error type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Detail {
    pub(crate) loc: Vec<Value>,
    pub(crate) kind: &'static str,
}

impl Detail {
    /// `{"loc": [...], "type": "..."}`, the shape Powertools keeps (msg, input, ctx dropped).
    pub(crate) fn to_json(&self) -> Value {
        serde_json::json!({"loc": self.loc, "type": self.kind})
    }
}

/// Validates values against schemas whose `$ref`s point into `components.schemas`.
pub(crate) struct Validator<'a> {
    pub(crate) definitions: &'a Map<String, Value>,
}

/// `#/components/schemas/Name` (or `#/$defs/Name`) to `Name`.
fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

impl Validator<'_> {
    /// The schema behind a `$ref`, or the schema itself.
    pub(crate) fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match keyword(schema, "$ref").and_then(Value::as_str) {
            Some(reference) => self
                .definitions
                .get(ref_name(reference))
                .map_or(schema, |target| self.resolve(target)),
            None => schema,
        }
    }

    /// True when the schema takes a list (a `Vec<T>`, or an `Option<Vec<T>>`).
    pub(crate) fn expects_array(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        type_names(schema).any(|t| t == "array")
            || alternatives(schema).any(|alt| self.expects_array(alt))
    }

    /// True when the schema accepts `null` (an `Option<T>`).
    pub(crate) fn accepts_null(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        type_names(schema).any(|t| t == "null")
            || alternatives(schema).any(|alt| self.accepts_null(alt))
    }

    /// Checks `input` against `schema`; the coerced value, or `None` with the failures added
    /// to `errors` (each at `loc` plus its own path).
    pub(crate) fn check(
        &self,
        schema: &Value,
        input: &Value,
        loc: &[Value],
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        self.check_at(schema, input, &Loc::Root(loc), errors)
    }

    fn check_at(
        &self,
        schema: &Value,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        let schema = self.resolve(schema);
        if schema == &Value::Bool(true) || schema.as_object().is_some_and(Map::is_empty) {
            return Some(input.clone());
        }
        if let Some(all) = keyword(schema, "allOf").and_then(Value::as_array) {
            let mut out = input.clone();
            for part in all {
                out = self.check_at(part, &out, loc, errors)?;
            }
            return Some(out);
        }
        if let Some(allowed) = const_choices(schema) {
            // A Rust enum whose variants carry docs derives as `oneOf` of `const`s: it is an
            // enum all the same, and Pydantic names the failure `enum`.
            let value = coerce_like(&allowed, input);
            if allowed.iter().any(|a| same(a, &value)) {
                return Some(value);
            }
            errors.push(fail(loc, "enum"));
            return None;
        }
        if keyword(schema, "anyOf").is_some() || keyword(schema, "oneOf").is_some() {
            return self.check_union(schema, input, loc, errors);
        }
        let value = self.check_type(schema, input, loc, errors)?;
        if let Some(allowed) = keyword(schema, "enum").and_then(Value::as_array)
            && !allowed.iter().any(|a| same(a, &value))
        {
            errors.push(fail(loc, "enum"));
            return None;
        }
        if let Some(constant) = keyword(schema, "const")
            && !same(constant, &value)
        {
            errors.push(fail(loc, "literal_error"));
            return None;
        }
        match constraint_failure(schema, &value) {
            Some(kind) => {
                errors.push(fail(loc, kind));
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
        schema: &Value,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        if input.is_null() && self.accepts_null(schema) {
            return Some(Value::Null);
        }
        let mut first_errors = None;
        for alt in alternatives(schema).filter(|alt| !is_null_schema(self.resolve(alt))) {
            let mut alt_errors = Vec::new();
            if let Some(value) = self.check_at(alt, input, loc, &mut alt_errors) {
                return Some(value);
            }
            first_errors.get_or_insert(alt_errors);
        }
        errors.extend(first_errors.unwrap_or_else(|| vec![fail(loc, "none_required")]));
        None
    }

    fn check_type(
        &self,
        schema: &Value,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        if input.is_null() && type_names(schema).any(|t| t == "null") {
            return Some(Value::Null);
        }
        let kind = type_names(schema).find(|t| *t != "null").or_else(|| {
            (keyword(schema, "properties").is_some()
                || keyword(schema, "additionalProperties").is_some())
            .then_some("object")
        });
        let coerced = match kind {
            Some("integer") => coerce_int(input),
            Some("number") => coerce_float(input),
            Some("boolean") => coerce_bool(input),
            Some("string") => match input {
                Value::String(_) => Ok(input.clone()),
                _ => Err("string_type"),
            },
            Some("null") => match input {
                Value::Null => Ok(Value::Null),
                _ => Err("none_required"),
            },
            Some("array") => return self.check_array(schema, input, loc, errors),
            Some("object") => return self.check_object(schema, input, loc, errors),
            _ => Ok(input.clone()),
        };
        coerced.map_err(|kind| errors.push(fail(loc, kind))).ok()
    }

    fn check_array(
        &self,
        schema: &Value,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        let Value::Array(items) = input else {
            errors.push(fail(loc, "list_type"));
            return None;
        };
        let prefix = keyword(schema, "prefixItems").and_then(Value::as_array);
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (index, item) in items.iter().enumerate() {
            let item_schema = prefix
                .and_then(|p| p.get(index))
                .or_else(|| keyword(schema, "items"))
                .unwrap_or(&Value::Bool(true));
            match self.check_at(item_schema, item, &Loc::Index(loc, index), errors) {
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
        schema: &Value,
        input: &Value,
        loc: &Loc<'_>,
        errors: &mut Vec<Detail>,
    ) -> Option<Value> {
        let properties = keyword(schema, "properties").and_then(Value::as_object);
        let Value::Object(fields) = input else {
            let kind = match properties {
                // Powertools validates models `from_attributes`, whose error this is.
                Some(_) => "model_attributes_type",
                None => "dict_type",
            };
            errors.push(fail(loc, kind));
            return None;
        };
        let mut out = Map::new();
        let mut ok = true;
        let Some(properties) = properties else {
            let values = keyword(schema, "additionalProperties").unwrap_or(&Value::Bool(true));
            for (key, value) in fields {
                match self.check_at(values, value, &Loc::Key(loc, key), errors) {
                    Some(value) => {
                        out.insert(key.clone(), value);
                    }
                    None => ok = false,
                }
            }
            return ok.then_some(Value::Object(out));
        };
        let required = string_list(keyword(schema, "required"));
        for (name, property) in properties {
            let field_loc = Loc::Key(loc, name);
            match fields.get(name) {
                Some(value) => match self.check_at(property, value, &field_loc, errors) {
                    Some(value) => {
                        out.insert(name.clone(), value);
                    }
                    None => ok = false,
                },
                None => {
                    if let Some(default) = keyword(self.resolve(property), "default") {
                        out.insert(name.clone(), default.clone());
                    } else if required.contains(&name.as_str()) {
                        errors.push(fail(&field_loc, "missing"));
                        ok = false;
                    } else if self.accepts_null(property) {
                        out.insert(name.clone(), Value::Null);
                    }
                }
            }
        }
        ok.then_some(Value::Object(out))
    }
}

/// Where a value sits: the caller's path, then the keys and indexes below it. Built into a
/// list only when a failure names it, so valid input allocates no paths.
enum Loc<'a> {
    Root(&'a [Value]),
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl Loc<'_> {
    fn to_vec(&self) -> Vec<Value> {
        match self {
            Loc::Root(root) => root.to_vec(),
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

fn fail(loc: &Loc<'_>, kind: &'static str) -> Detail {
    Detail {
        loc: loc.to_vec(),
        kind,
    }
}

/// A keyword of a schema object. Schema objects hold a handful of members, and validation
/// asks each node for a dozen keywords: comparing names in order beats hashing each one
/// (`serde_json::Map` hashes with SipHash), which was a sixth of a validated request.
fn keyword<'s>(schema: &'s Value, name: &str) -> Option<&'s Value> {
    match schema {
        Value::Object(members) => members.iter().find(|(k, _)| *k == name).map(|(_, v)| v),
        _ => None,
    }
}

/// The schema's `type`, one name or a list of them.
fn type_names(schema: &Value) -> impl Iterator<Item = &str> {
    let (one, many) = match keyword(schema, "type") {
        Some(Value::String(t)) => (Some(t.as_str()), None),
        Some(Value::Array(ts)) => (None, Some(ts.iter().filter_map(Value::as_str))),
        _ => (None, None),
    };
    one.into_iter().chain(many.into_iter().flatten())
}

fn alternatives(schema: &Value) -> impl Iterator<Item = &Value> {
    ["anyOf", "oneOf"]
        .into_iter()
        .filter_map(|k| keyword(schema, k).and_then(Value::as_array))
        .flatten()
}

/// The values of a union made only of `const` alternatives, if it is one.
fn const_choices(schema: &Value) -> Option<Vec<Value>> {
    let alts: Vec<&Value> = alternatives(schema).collect();
    if alts.is_empty() {
        return None;
    }
    alts.iter()
        .map(|alt| keyword(alt, "const").cloned())
        .collect()
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

fn is_null_schema(schema: &Value) -> bool {
    type_names(schema).eq(["null"])
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
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(input.clone()),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            match f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
                true => Ok(Value::from(f as i64)),
                false => Err("int_from_float"),
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
        .strip_suffix(".0")
        .or_else(|| {
            digits
                .split_once('.')
                .filter(|(_, f)| f.bytes().all(|b| b == b'0'))
                .map(|(i, _)| i)
        })
        .unwrap_or(digits);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__");
    if !well_formed {
        return None;
    }
    let joined = format!("{sign}{}", digits.replace('_', ""));
    joined
        .parse::<i64>()
        .map(Value::from)
        .or_else(|_| joined.parse::<u64>().map(Value::from))
        .ok()
}

/// Pydantic's lax float: numbers (integers become floats), booleans, numeric strings.
fn coerce_float(input: &Value) -> Result<Value, &'static str> {
    let number = match input {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::String(s) => Some(s.trim().parse::<f64>().map_err(|_| "float_parsing")?),
        _ => return Err("float_type"),
    };
    number
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or("float_parsing")
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

/// The first constraint `value` breaks, as Pydantic's error type.
/// Whether `text` matches the schema `pattern`; `None` for a pattern the regex crate
/// cannot compile (then it constrains nothing). Each pattern is compiled once per process:
/// compiling one per request cost more than the rest of the validation.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<Regex>>>> =
        LazyLock::new(Default::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|p| p.into_inner());
    if !compiled.contains_key(pattern) {
        compiled.insert(pattern.to_string(), Regex::new(pattern).ok());
    }
    compiled.get(pattern)?.as_ref().map(|re| re.is_match(text))
}

fn constraint_failure(schema: &Value, value: &Value) -> Option<&'static str> {
    let limit = |key: &str| keyword(schema, key).and_then(Value::as_f64);
    match value {
        Value::Number(n) => {
            let x = n.as_f64()?;
            type Bound = (&'static str, fn(f64, f64) -> bool, &'static str);
            let checks: [Bound; 4] = [
                ("exclusiveMinimum", |x, l| x > l, "greater_than"),
                ("minimum", |x, l| x >= l, "greater_than_equal"),
                ("exclusiveMaximum", |x, l| x < l, "less_than"),
                ("maximum", |x, l| x <= l, "less_than_equal"),
            ];
            for (key, holds, kind) in checks {
                if let Some(l) = limit(key)
                    && !holds(x, l)
                {
                    return Some(kind);
                }
            }
            let multiple = limit("multipleOf").filter(|m| *m != 0.0)?;
            let ratio = x / multiple;
            ((ratio - ratio.round()).abs() > 1e-9).then_some("multiple_of")
        }
        Value::String(s) => {
            let chars = s.chars().count() as f64;
            if limit("minLength").is_some_and(|l| chars < l) {
                return Some("string_too_short");
            }
            if limit("maxLength").is_some_and(|l| chars > l) {
                return Some("string_too_long");
            }
            let pattern = keyword(schema, "pattern").and_then(Value::as_str)?;
            let matches = pattern_matches(pattern, s);
            (!matches.unwrap_or(true)).then_some("string_pattern_mismatch")
        }
        Value::Array(items) => {
            let len = items.len() as f64;
            if limit("minItems").is_some_and(|l| len < l) {
                return Some("too_short");
            }
            limit("maxItems")
                .is_some_and(|l| len > l)
                .then_some("too_long")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(schema: Value, input: Value) -> Result<Value, Vec<(Vec<Value>, &'static str)>> {
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
                },
                "required": ["name", "price", "tags"],
            },
        });
        let validator = Validator {
            definitions: definitions.as_object().unwrap(),
        };
        let mut errors = Vec::new();
        validator
            .check(&schema, &input, &[json!("body")], &mut errors)
            .ok_or_else(|| errors.into_iter().map(|d| (d.loc, d.kind)).collect())
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
        ] {
            assert_eq!(run(int.clone(), input.clone()), Ok(expected), "{input}");
        }
        for (input, kind) in [
            (json!("abc"), "int_parsing"),
            (json!("5.5"), "int_parsing"),
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
    fn a_kept_pattern_constrains_every_call_and_a_bad_one_constrains_nothing() {
        let lower = json!({"type": "string", "pattern": "^[a-z]+$"});
        for _ in 0..3 {
            assert_eq!(run(lower.clone(), json!("abc")), Ok(json!("abc")));
        }
        assert!(run(lower, json!("ABC")).is_err());
        let broken = json!({"type": "string", "pattern": "([a-z"});
        assert_eq!(run(broken, json!("A1")), Ok(json!("A1")));
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
                json!({"name": "lamp", "price": 9.5, "quantity": 1, "color": null, "tags": ["home"]})
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
