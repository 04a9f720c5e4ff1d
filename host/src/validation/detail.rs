//! One validation failure in Pydantic's shape: `loc`, `type`, `msg`, `input` and `ctx`.
//!
//! The default 422 body keeps `loc` and `type` only, as Powertools writes it ("for security
//! reasons"); an exception handler for `RequestValidationError` reads the whole error, as
//! `exc.errors()` gives it to a Python handler.

use serde_json::{Map, Value, json};

/// One failure: where (`["query", "limit"]`), Pydantic's error type, the value that failed
/// and the constraint's values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Detail {
    pub(crate) loc: Vec<Value>,
    pub(crate) kind: &'static str,
    /// Pydantic's `input`: the value checked (`null` for a missing parameter, `{}` for a
    /// missing model field and for a body that is not JSON, as Powertools writes them).
    pub(crate) input: Value,
    /// Pydantic's `ctx`, for the error types that have one (`{"le": 255}`).
    pub(crate) ctx: Option<Map<String, Value>>,
}

impl Detail {
    pub(crate) fn new(loc: Vec<Value>, kind: &'static str, input: Value) -> Self {
        Self {
            loc,
            kind,
            input,
            ctx: None,
        }
    }

    /// The same failure with `ctx` member `key`.
    pub(crate) fn with(mut self, key: &str, value: Value) -> Self {
        self.ctx
            .get_or_insert_default()
            .insert(key.to_string(), value);
        self
    }

    /// `{"loc": [...], "type": "..."}`, the shape Powertools' default 422 body keeps.
    pub(crate) fn to_json(&self) -> Value {
        json!({"loc": self.loc, "type": self.kind})
    }

    /// The whole error, as Pydantic's `ValidationError.errors()` lists it.
    pub(crate) fn to_full_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), json!(self.kind));
        out.insert("loc".into(), json!(self.loc));
        out.insert("msg".into(), json!(self.message()));
        out.insert("input".into(), self.input.clone());
        if let Some(ctx) = &self.ctx {
            out.insert("ctx".into(), Value::Object(ctx.clone()));
        }
        Value::Object(out)
    }

    /// Pydantic's `msg` for this error type, with its `ctx` filled in.
    pub(crate) fn message(&self) -> String {
        let ctx = |key: &str| self.ctx.as_ref().and_then(|c| c.get(key));
        let text = |key: &str| match ctx(key) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => python_repr(other),
            None => String::new(),
        };
        let plural = |key: &str, word: &str| {
            let n = ctx(key).and_then(Value::as_u64).unwrap_or_default();
            format!("{n} {word}{}", if n == 1 { "" } else { "s" })
        };
        match self.kind {
            "missing" => "Field required".into(),
            "int_parsing" => {
                "Input should be a valid integer, unable to parse string as an integer".into()
            }
            "int_type" => "Input should be a valid integer".into(),
            "int_from_float" => {
                "Input should be a valid integer, got a number with a fractional part".into()
            }
            "int_parsing_size" => {
                "Unable to parse input string as an integer, exceeded maximum size".into()
            }
            "float_parsing" => {
                "Input should be a valid number, unable to parse string as a number".into()
            }
            "float_type" => "Input should be a valid number".into(),
            "bool_parsing" => "Input should be a valid boolean, unable to interpret input".into(),
            "bool_type" => "Input should be a valid boolean".into(),
            "string_type" => "Input should be a valid string".into(),
            "string_too_short" => {
                format!(
                    "String should have at least {}",
                    plural("min_length", "character")
                )
            }
            "string_too_long" => {
                format!(
                    "String should have at most {}",
                    plural("max_length", "character")
                )
            }
            "string_pattern_mismatch" => {
                format!("String should match pattern '{}'", text("pattern"))
            }
            "greater_than" => format!("Input should be greater than {}", text("gt")),
            "greater_than_equal" => {
                format!("Input should be greater than or equal to {}", text("ge"))
            }
            "less_than" => format!("Input should be less than {}", text("lt")),
            "less_than_equal" => format!("Input should be less than or equal to {}", text("le")),
            "multiple_of" => format!("Input should be a multiple of {}", text("multiple_of")),
            "list_type" => "Input should be a valid list".into(),
            "too_short" => format!(
                "{} should have at least {} after validation, not {}",
                text("field_type"),
                plural("min_length", "item"),
                text("actual_length")
            ),
            "too_long" => format!(
                "{} should have at most {} after validation, not {}",
                text("field_type"),
                plural("max_length", "item"),
                text("actual_length")
            ),
            "dict_type" => "Input should be a valid dictionary".into(),
            "model_attributes_type" => {
                "Input should be a valid dictionary or object to extract fields from".into()
            }
            "enum" | "literal_error" => format!("Input should be {}", text("expected")),
            "none_required" => "Input should be None".into(),
            "recursion_loop" => "Recursion error - cyclic reference detected".into(),
            "json_invalid" => "JSON decode error".into(),
            "value_error" => format!("Value error, {}", text("error")),
            "finite_number" => "Input should be a finite number".into(),
            "decimal_parsing" => "Input should be a valid decimal".into(),
            "decimal_type" => {
                "Decimal input should be an integer, float, string or Decimal object".into()
            }
            "decimal_max_digits" => format!(
                "Decimal input should have no more than {} in total",
                plural("max_digits", "digit")
            ),
            "decimal_max_places" => format!(
                "Decimal input should have no more than {}",
                plural("decimal_places", "decimal place")
            ),
            "decimal_whole_digits" => format!(
                "Decimal input should have no more than {} before the decimal point",
                plural("whole_digits", "digit")
            ),
            "unsupported_content_type" => {
                format!("Unsupported content type: {}", text("content_type"))
            }
            other => other.replace('_', " "),
        }
    }
}

/// How Python's `repr` writes a JSON scalar in a message: `'a'`, `1`, `2.5`, `True`, `None`.
pub(crate) fn python_repr(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        Value::Number(n) => match (n.as_f64(), n.is_f64()) {
            (Some(x), true) if x.fract() == 0.0 && x.abs() < 1e16 => format!("{x:.1}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Pydantic's `expected` for a choice of values: `'a', 'b' or 'c'`.
pub(crate) fn expected_choices(choices: &[Value]) -> String {
    let reprs: Vec<String> = choices.iter().map(python_repr).collect();
    match reprs.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_pydantics() {
        // Each row as Pydantic 2 writes it (`TypeAdapter(...).validate_python(...)`).
        let rows = [
            (
                Detail::new(vec![], "decimal_max_digits", json!("12")).with("max_digits", json!(1)),
                "Decimal input should have no more than 1 digit in total",
            ),
            (
                Detail::new(vec![], "decimal_max_places", json!("1.234"))
                    .with("decimal_places", json!(2)),
                "Decimal input should have no more than 2 decimal places",
            ),
            (
                Detail::new(vec![], "decimal_whole_digits", json!("123"))
                    .with("whole_digits", json!(2)),
                "Decimal input should have no more than 2 digits before the decimal point",
            ),
            (
                Detail::new(vec![], "finite_number", json!("inf")),
                "Input should be a finite number",
            ),
            (
                Detail::new(vec![], "value_error", json!("x"))
                    .with("error", json!("Expected UploadFile, got str")),
                "Value error, Expected UploadFile, got str",
            ),
            (
                Detail::new(vec![], "string_too_short", json!("a")).with("min_length", json!(3)),
                "String should have at least 3 characters",
            ),
            (
                Detail::new(vec![], "string_too_long", json!("ab")).with("max_length", json!(1)),
                "String should have at most 1 character",
            ),
            (
                Detail::new(vec![], "string_pattern_mismatch", json!("b"))
                    .with("pattern", json!("^a")),
                "String should match pattern '^a'",
            ),
            (
                Detail::new(vec![], "less_than_equal", json!(5)).with("le", json!(3.5)),
                "Input should be less than or equal to 3.5",
            ),
            (
                Detail::new(vec![], "greater_than", json!(1)).with("gt", json!(3)),
                "Input should be greater than 3",
            ),
            (
                Detail::new(vec![], "too_short", json!([1]))
                    .with("field_type", json!("List"))
                    .with("min_length", json!(2))
                    .with("actual_length", json!(1)),
                "List should have at least 2 items after validation, not 1",
            ),
            (
                Detail::new(vec![], "enum", json!("z")).with(
                    "expected",
                    json!(expected_choices(&[json!("a"), json!("b"), json!("c")])),
                ),
                "Input should be 'a', 'b' or 'c'",
            ),
            (
                Detail::new(vec![], "literal_error", json!(2))
                    .with("expected", json!(expected_choices(&[json!(1)]))),
                "Input should be 1",
            ),
            (
                Detail::new(vec![], "int_parsing", json!("x")),
                "Input should be a valid integer, unable to parse string as an integer",
            ),
        ];
        for (detail, msg) in rows {
            assert_eq!(detail.message(), msg, "{detail:?}");
        }
    }

    #[test]
    fn the_full_error_has_every_member_and_the_short_one_two() {
        let detail = Detail::new(
            vec![json!("query"), json!("n")],
            "less_than_equal",
            json!(300),
        )
        .with("le", json!(255));
        assert_eq!(
            detail.to_full_json(),
            json!({"type": "less_than_equal", "loc": ["query", "n"],
                   "msg": "Input should be less than or equal to 255", "input": 300,
                   "ctx": {"le": 255}})
        );
        assert_eq!(
            detail.to_json(),
            json!({"loc": ["query", "n"], "type": "less_than_equal"})
        );
        let missing = Detail::new(vec![json!("query"), json!("q")], "missing", Value::Null);
        assert_eq!(
            missing.to_full_json(),
            json!({"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": null})
        );
    }
}
