//! Request validation: the declared path, query, header and cookie parameters and the body,
//! read as Powertools reads them for each source, coerced and checked before any middleware
//! runs; the validated values go to the guest as JSON.
//!
//! Contents: [`validate_request`], the stage; `param_input` (a parameter as its source
//! carries it) and `decoded_alb_query_input`; `check_form` (a form body, field by field);
//! `read_body` (JSON, form or multipart, as `BodyInput`) and `error_position`; then tests.

use serde_json::{Map, Value, json};
use switchyard_multipart::{FilePart, MultipartError};

use super::json_position;
use super::schema::{Origin, Schemas};
use super::{
    Detail, Failure, FormField, REQUEST_VALIDATION_ERROR, RouteSchemas, UNSUPPORTED_CONTENT_TYPE,
};
use crate::app_manifest::{Location, ParamSpec, RouteSpec};
use crate::request::{EventSource, Request};

/// Validates a request's declared parameters and body; the validated values as JSON text
/// (`{"path": .., "query": .., "header": .., "cookie": .., "body": ..}`) or the 422 / 415.
/// `decode_query` is `ALBResolver(decode_query_parameters=True)` on an ALB event: the query
/// is read as [`decoded_alb_query_input`] reads it.
pub(crate) fn validate_request(
    spec: &RouteSpec,
    compiled: &RouteSchemas,
    request: &Request,
    path_params: &[(String, String)],
    decode_query: bool,
) -> Result<String, Failure> {
    let schemas = &compiled.schemas;
    let mut errors = Vec::new();
    // One object per location, made only for locations some parameter is read from.
    let mut params: [Option<Map<String, Value>>; 4] = Default::default();
    let mut body_out = None;
    for (param, &schema) in spec.params.iter().zip(&compiled.params) {
        let loc = [json!(param.location.key()), json!(param.name)];
        let wants_list = schemas.expects_array(schema);
        let input = match param.location {
            Location::Query if decode_query => decoded_alb_query_input(request, param, wants_list),
            _ => param_input(request, path_params, param, wants_list),
        };
        let input = match input {
            Some(input) => input,
            None if param.required => {
                errors.push(Detail::new(loc.to_vec(), "missing", Value::Null));
                continue;
            }
            None => schemas.default_of(schema).cloned().unwrap_or(Value::Null),
        };
        if let Some(value) = schemas.check(schema, &input, &loc, &mut errors) {
            params[param.location as usize]
                .get_or_insert_default()
                .insert(param.field.clone(), value);
        }
    }
    if let (Some(body), Some(body_schema)) = (&spec.body, compiled.body) {
        match read_body(request) {
            Err(()) => {
                let content_type = request.header_values("content-type").last();
                let detail =
                    [
                        Detail::new(vec![json!("body")], "unsupported_content_type", json!({}))
                            .with("content_type", json!(content_type.unwrap_or_default())),
                    ];
                return Err(Failure::new(415, UNSUPPORTED_CONTENT_TYPE, &detail));
            }
            Ok(BodyInput::Missing) if let Some(fields) = &compiled.form_fields => {
                body_out = check_form(schemas, fields, None, Origin::Text, &mut errors)
            }
            Ok(BodyInput::Value(value, origin)) if let Some(fields) = &compiled.form_fields => {
                body_out = check_form(schemas, fields, Some(&value), origin, &mut errors)
            }
            Ok(BodyInput::Missing) if body.required => {
                errors.push(Detail::new(vec![json!("body")], "missing", Value::Null))
            }
            Ok(BodyInput::Missing) => body_out = Some(Value::Null),
            Ok(BodyInput::Invalid(position, reason)) => errors.push(
                Detail::new(
                    vec![json!("body"), json!(position)],
                    "json_invalid",
                    json!({}),
                )
                .with("error", json!(reason)),
            ),
            Ok(BodyInput::MultipartInvalid) => errors.push(Detail::new(
                vec![json!("body")],
                "multipart_invalid",
                json!({}),
            )),
            Ok(BodyInput::Value(value, origin)) => {
                // A list sent for a body that is not one counts as its first item
                // (Powertools' `_normalize_field_value`).
                let value = match value {
                    Value::Array(mut items)
                        if !items.is_empty() && !schemas.expects_array(body_schema) =>
                    {
                        items.swap_remove(0)
                    }
                    other => other,
                };
                if let Some(value) =
                    schemas.check_from(body_schema, &value, &[json!("body")], origin, &mut errors)
                {
                    body_out = Some(value);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Failure::new(422, REQUEST_VALIDATION_ERROR, &errors));
    }
    // Written out rather than built as a `Value` first: four nested objects made and
    // hashed per request only to be serialized once.
    let mut out = Vec::with_capacity(128);
    out.push(b'{');
    for (location, values) in Location::ALL.iter().zip(&params) {
        out.push(b'"');
        out.extend_from_slice(location.key().as_bytes());
        out.extend_from_slice(b"\":");
        match values {
            Some(values) => write_json(&mut out, values),
            None => out.extend_from_slice(b"{}"),
        }
        out.push(b',');
    }
    match body_out {
        Some(body) => {
            out.extend_from_slice(b"\"body\":");
            write_json(&mut out, &body);
        }
        None => {
            out.pop();
        }
    }
    out.push(b'}');
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Appends `value` as compact JSON (serde_json's writer: faster than its `Display`).
fn write_json(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    // Serializing a `Value` or a `Map` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// A parameter's input: a string, or a list of strings where the field takes a list or the
/// event carries the parameter more than once (which fails a scalar field, as in Powertools).
fn param_input(
    request: &Request,
    path_params: &[(String, String)],
    param: &ParamSpec,
    wants_list: bool,
) -> Option<Value> {
    let values: Vec<&str> = match param.location {
        Location::Path => path_params
            .iter()
            .filter(|(n, _)| *n == param.name)
            .map(|(_, v)| v.as_str())
            .collect(),
        Location::Query => request
            .query
            .iter()
            .filter(|(n, _)| *n == param.name)
            .map(|(_, v)| v.as_str())
            .collect(),
        Location::Header => request.header_values(&param.name).collect(),
        Location::Cookie => request
            .cookies
            .iter()
            .filter(|(n, _)| *n == param.name)
            .map(|(_, v)| v.as_str())
            .collect(),
    };
    if values.is_empty() {
        return None;
    }
    let source = request.source;
    if wants_list {
        // Sources that carry one string per name split it on commas (without trimming, as
        // Powertools does); REST and ALB multi-value lists are kept as they are.
        let split = match param.location {
            Location::Query => !matches!(source, EventSource::RestV1 | EventSource::AlbMultiValue),
            Location::Header => source.joins_repeated_headers(),
            _ => false,
        };
        let items: Vec<Value> = match split {
            true => values
                .iter()
                .flat_map(|v| v.split(','))
                .map(Value::from)
                .collect(),
            false => values.iter().map(|v| Value::from(*v)).collect(),
        };
        return Some(Value::Array(items));
    }
    match values.as_slice() {
        [one] => Some(Value::from(*one)),
        // VPC Lattice v1 carries one comma-joined string, which decoding split: a scalar
        // gets it back whole.
        many if source == EventSource::LatticeV1 && param.location == Location::Query => {
            Some(Value::from(many.join(",")))
        }
        many => Some(Value::Array(many.iter().map(|v| Value::from(*v)).collect())),
    }
}

/// A query parameter's input with `ALBResolver(decode_query_parameters=True)`, as
/// Powertools reads it: values split on commas first (single-value ALB) and then decoded, so
/// an encoded `%2C` stays a comma in its value; of raw names that decode alike, the last one
/// the event carries wins, as in the dict Powertools decodes into.
fn decoded_alb_query_input(
    request: &Request,
    param: &ParamSpec,
    wants_list: bool,
) -> Option<Value> {
    let raw_name = request
        .query
        .iter()
        .rev()
        .map(|(name, _)| name)
        .find(|name| crate::event::unquote(name) == param.name)?;
    let values = request
        .query
        .iter()
        .filter(|(name, _)| name == raw_name)
        .map(|(_, value)| value.as_str());
    let decoded = |text: &str| Value::from(crate::event::unquote(text).into_owned());
    if wants_list {
        let items: Vec<Value> = match request.source {
            // One string per name: split on commas, as for every such source.
            EventSource::Alb => values.flat_map(|v| v.split(',')).map(decoded).collect(),
            _ => values.map(decoded).collect(),
        };
        return Some(Value::Array(items));
    }
    let mut items: Vec<Value> = values.map(decoded).collect();
    match items.len() {
        1 => items.pop(),
        _ => Some(Value::Array(items)),
    }
}

/// A form body's fields (Powertools' `_request_body_to_args` for `Form()` and `File()`
/// parameters), each read by name and checked on its own: a list counts as its first value
/// unless the field takes a list, a file is kept as it is (Powertools hands `UploadFile`s over
/// unchecked; one sent for a list of files is a list of one), and a field not sent is `missing` at its own location (one more for each
/// field, required or not, when the body is not an object: Powertools' `.get` fails on it).
/// `received` is `None` for an empty body. The fields, or `None` when one failed.
fn check_form(
    schemas: &Schemas,
    fields: &[FormField],
    received: Option<&Value>,
    origin: Origin,
    errors: &mut Vec<Detail>,
) -> Option<Value> {
    let mut out = Map::new();
    let mut ok = true;
    for field in fields {
        let loc = [json!("body"), json!(field.name)];
        let value = match received {
            None => None,
            Some(Value::Object(sent)) => sent.get(&field.name),
            Some(_) => {
                errors.push(Detail::new(loc.to_vec(), "missing", Value::Null));
                ok = false;
                None
            }
        };
        let Some(value) = value else {
            match field.required {
                true => {
                    errors.push(Detail::new(loc.to_vec(), "missing", Value::Null));
                    ok = false;
                }
                false => {
                    let default = schemas.default_of(field.node).cloned();
                    out.insert(field.name.clone(), default.unwrap_or(Value::Null));
                }
            }
            continue;
        };
        let takes_list = schemas.expects_array(field.node);
        let value = match value {
            Value::Array(items) if !items.is_empty() && !takes_list => &items[0],
            value => value,
        };
        if origin == Origin::Multipart && FilePart::from_json(value).is_some() {
            // One file for a list of them is a list of one (Powertools hands the handler
            // the file itself, and the handler fails iterating it).
            let value = match takes_list {
                true => Value::Array(vec![value.clone()]),
                false => value.clone(),
            };
            out.insert(field.name.clone(), value);
            continue;
        }
        match schemas.check_from(field.node, value, &loc, origin, errors) {
            Some(value) => {
                out.insert(field.name.clone(), value);
            }
            None => ok = false,
        }
    }
    ok.then_some(Value::Object(out))
}

enum BodyInput {
    Missing,
    /// Not JSON: where Python's parser stops, and why (serde_json's words).
    Invalid(usize, String),
    /// A multipart body whose parts cannot be read.
    MultipartInvalid,
    /// The body's value, and what it was read from (only a multipart body holds files).
    Value(Value, Origin),
}

/// The body by its content type, as Powertools reads it (`_get_body`): JSON (also when none
/// is given), where an empty body or `null` is missing; a form, every field a list of its
/// values (`parse_qs`); or multipart form data; anything else is unsupported, empty or not.
fn read_body(request: &Request) -> Result<BodyInput, ()> {
    // Powertools reads the event's single-value `headers`, which hold the last value, or
    // on HTTP APIs all of them joined, whose first decides (as for VPC Lattice v2, whose
    // lists Powertools cannot read, and which is validated as an HTTP API).
    let mut content_types = request.header_values("content-type");
    let content_type = match request.source {
        EventSource::LatticeV2 => content_types.next(),
        _ => content_types.last(),
    };
    let content_type = content_type.unwrap_or_default().trim();
    if content_type.is_empty() || content_type.starts_with("application/json") {
        return Ok(match request.body.is_empty() {
            // VPC Lattice v1 events parse even an empty body (`json_body` has no guard).
            true if request.source == EventSource::LatticeV1 => {
                BodyInput::Invalid(0, "EOF while parsing a value".into())
            }
            true => BodyInput::Missing,
            false => match serde_json::from_slice::<Value>(&request.body) {
                Ok(Value::Null) => BodyInput::Missing,
                Ok(value) => BodyInput::Value(value, Origin::Text),
                Err(err) => BodyInput::Invalid(
                    error_position(&request.body, &err),
                    // The classification without serde_json's own line and column.
                    err.to_string()
                        .split(" at line ")
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
            },
        });
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let mut fields: Map<String, Value> = Map::new();
        for (name, value) in form_urlencoded::parse(&request.body) {
            let values = fields.entry(name.into_owned()).or_insert_with(|| json!([]));
            if let Value::Array(items) = values {
                items.push(Value::from(value.into_owned()));
            }
        }
        return Ok(BodyInput::Value(Value::Object(fields), Origin::Text));
    }
    if content_type.starts_with("multipart/form-data") {
        return match switchyard_multipart::fields(&request.body, content_type) {
            Ok(fields) => Ok(BodyInput::Value(Value::Object(fields), Origin::Multipart)),
            Err(MultipartError::Invalid) => Ok(BodyInput::MultipartInvalid),
            // Powertools raises; the content type is as good as unsupported.
            Err(MultipartError::NoBoundary) => Err(()),
        };
    }
    Err(())
}

/// The character offset of a JSON syntax error, as Python's `JSONDecodeError.pos` gives it;
/// where Python would have parsed the text (`NaN`, deep nesting), where serde_json stopped.
fn error_position(body: &[u8], err: &serde_json::Error) -> usize {
    let text = String::from_utf8_lossy(body);
    if let Some(position) = json_position::python_error_position(&text) {
        return position;
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(|l| l.chars().count())
        .sum();
    line_start + err.column().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn param(name: &str, field: &str, location: &str, schema: Value) -> Value {
        json!({"name": name, "field": field, "in": location, "required": false, "schema": schema})
    }

    #[test]
    fn validated_values_are_written_per_location_then_the_body() {
        let spec: RouteSpec = serde_json::from_value(json!({
            "params": [
                param("limit", "limit", "query", json!({"type": "integer"})),
                param("id", "id", "path", json!({"type": "integer"})),
                param("X-Tag", "tag", "header", json!({"type": "string", "default": "none"})),
                param("q", "q", "query", json!({"type": "string"})),
            ],
            "body": {"required": false, "schema": {"type": "object", "properties": {"n": {"type": "number"}}}},
        }))
        .unwrap();
        let compiled = RouteSchemas::compile(&spec, &Map::new()).unwrap();
        let request = |body: &[u8]| Request {
            query: [("limit".into(), "5".into()), ("q".into(), "a\"b".into())]
                .into_iter()
                .collect(),
            ..Request::for_test(
                EventSource::RestV1,
                &[("Content-Type", "application/json")],
                body,
            )
        };
        let path = [("id".to_string(), "7".to_string())];
        let table: [(&[u8], &str); 2] = [
            (
                br#"{"n": 2, "x": 1}"#,
                r#"{"path":{"id":7},"query":{"limit":5,"q":"a\"b"},"header":{"tag":"none"},"cookie":{},"body":{"n":2.0}}"#,
            ),
            (
                b"",
                r#"{"path":{"id":7},"query":{"limit":5,"q":"a\"b"},"header":{"tag":"none"},"cookie":{},"body":null}"#,
            ),
        ];
        for (body, want) in table {
            let text = validate_request(&spec, &compiled, &request(body), &path, false).unwrap();
            assert_eq!(text, want);
            let _: Value = serde_json::from_str(&text).expect("the text is JSON");
        }
        let no_body = RouteSpec {
            body: None,
            ..spec.clone()
        };
        let compiled = RouteSchemas::compile(&no_body, &Map::new()).unwrap();
        assert_eq!(
            validate_request(&no_body, &compiled, &request(b""), &path, false).unwrap(),
            r#"{"path":{"id":7},"query":{"limit":5,"q":"a\"b"},"header":{"tag":"none"},"cookie":{}}"#
        );
    }

    #[test]
    fn header_names_differing_in_case_are_one_header_holding_the_last_ones_values() {
        let tags = json!({"type": "array", "items": {"type": "string"}});
        let spec: RouteSpec =
            serde_json::from_value(json!({"params": [param("X-Tag", "tags", "header", tags)]}))
                .unwrap();
        let compiled = RouteSchemas::compile(&spec, &Map::new()).unwrap();
        let headers = [
            ("X-Tag", "a"),
            ("x-tag", "b"),
            ("Accept", "*/*"),
            ("x-tag", "c"),
        ];
        let request = Request::for_test(EventSource::RestV1, &headers, b"");
        let text = validate_request(&spec, &compiled, &request, &[], false).unwrap();
        let validated: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(validated["header"]["tags"], json!(["b", "c"]));
    }

    #[test]
    fn bodies_are_read_by_content_type_as_powertools_reads_them() {
        let item = json!({
            "type": "object",
            "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
            "required": ["name"],
        });
        let spec: RouteSpec = serde_json::from_value(
            json!({"params": [], "body": {"required": true, "schema": item}}),
        )
        .unwrap();
        let compiled = RouteSchemas::compile(&spec, &Map::new()).unwrap();
        let request = |source: EventSource, content_types: &[&str], body: &str| {
            let headers: Vec<_> = content_types.iter().map(|t| ("Content-Type", *t)).collect();
            Request::for_test(source, &headers, body.as_bytes())
        };
        let outcome = |req: &Request| match validate_request(&spec, &compiled, req, &[], false) {
            Ok(text) => Ok(serde_json::from_str::<Value>(&text).unwrap()["body"].clone()),
            Err(failure) => Err((failure.status, failure.detail())),
        };
        let missing_body = Err((422, json!([{"loc": ["body"], "type": "missing"}])));
        let cases = [
            // `null` and an empty body are missing, unless the content type is unsupported.
            (
                request(EventSource::HttpV2, &[], "null"),
                missing_body.clone(),
            ),
            (request(EventSource::HttpV2, &[], ""), missing_body.clone()),
            (
                request(EventSource::HttpV2, &["text/plain"], ""),
                Err((
                    415,
                    json!([{"loc": ["body"], "type": "unsupported_content_type"}]),
                )),
            ),
            // VPC Lattice v1 parses an empty body, and fails; v2 is validated as an HTTP API.
            (
                request(EventSource::LatticeV1, &[], ""),
                Err((422, json!([{"loc": ["body", 0], "type": "json_invalid"}]))),
            ),
            (
                request(EventSource::LatticeV2, &[], ""),
                missing_body.clone(),
            ),
            (
                request(
                    EventSource::LatticeV2,
                    &["text/plain", "application/json"],
                    "{}",
                ),
                Err((
                    415,
                    json!([{"loc": ["body"], "type": "unsupported_content_type"}]),
                )),
            ),
            // A list for a body that is not one: its first item.
            (
                request(EventSource::HttpV2, &[], r#"[{"name": "lamp"}, {}]"#),
                Ok(json!({"name": "lamp"})),
            ),
            // Form fields are lists, so a single-valued field fails a string.
            (
                request(
                    EventSource::HttpV2,
                    &["application/x-www-form-urlencoded"],
                    "name=lamp&tags=a",
                ),
                Err((
                    422,
                    json!([{"loc": ["body", "name"], "type": "string_type"}]),
                )),
            ),
            (
                request(
                    EventSource::HttpV2,
                    &["application/x-www-form-urlencoded"],
                    "",
                ),
                Err((422, json!([{"loc": ["body", "name"], "type": "missing"}]))),
            ),
            // Multipart form data: text parts are strings.
            (
                request(
                    EventSource::HttpV2,
                    &["multipart/form-data; boundary=XX"],
                    "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nlamp\r\n--XX--\r\n",
                ),
                Ok(json!({"name": "lamp"})),
            ),
            (
                request(EventSource::HttpV2, &["multipart/form-data"], "x"),
                Err((
                    415,
                    json!([{"loc": ["body"], "type": "unsupported_content_type"}]),
                )),
            ),
            // The last content type counts, as the single-value `headers` hold it.
            (
                request(
                    EventSource::RestV1,
                    &["text/plain", "application/json"],
                    r#"{"name": "a"}"#,
                ),
                Ok(json!({"name": "a"})),
            ),
        ];
        for (req, want) in cases {
            assert_eq!(outcome(&req), want, "{:?} {:?}", req.headers, req.body);
        }
    }

    #[test]
    fn form_fields_are_read_one_by_one_as_powertools_reads_form_parameters() {
        let form = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "tags": {"type": "array", "items": {"type": "string"}},
                "count": {"type": "integer", "default": 1},
                "doc": {"anyOf": [{"type": "string", "format": "binary"}, {"type": "null"}]},
            },
            "required": ["name"],
        });
        let spec: RouteSpec = serde_json::from_value(json!({"params": [], "body": {
            "required": true, "schema": {"$ref": "#/components/schemas/Upload"}, "form": true,
        }}))
        .unwrap();
        let definitions = Map::from_iter([("Upload".to_string(), form)]);
        let compiled = RouteSchemas::compile(&spec, &definitions).unwrap();
        let outcome = |content_type: &str, body: &str| {
            let headers = [("Content-Type", content_type)];
            let request = Request::for_test(EventSource::HttpV2, &headers, body.as_bytes());
            match validate_request(&spec, &compiled, &request, &[], false) {
                Ok(text) => Ok(serde_json::from_str::<Value>(&text).unwrap()["body"].clone()),
                Err(failure) => Err((failure.status, failure.errors())),
            }
        };
        let urlencoded = "application/x-www-form-urlencoded";
        // A repeated field counts as its first value unless it takes a list; defaults fill in.
        assert_eq!(
            outcome(urlencoded, "name=lamp&name=desk&tags=a&tags=b&count=3"),
            Ok(json!({"name": "lamp", "tags": ["a", "b"], "count": 3, "doc": null}))
        );
        assert_eq!(
            outcome(urlencoded, "name=lamp&tags=a"),
            Ok(json!({"name": "lamp", "tags": ["a"], "count": 1, "doc": null}))
        );
        // Each field fails at its own location; one not sent is `missing`, with no input.
        let failed = outcome(urlencoded, "count=x").unwrap_err();
        assert_eq!(failed.0, 422);
        let got: Vec<_> = failed
            .1
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["loc"].clone(), e["type"].clone(), e["input"].clone()))
            .collect();
        assert_eq!(
            got,
            [
                (json!(["body", "name"]), json!("missing"), Value::Null),
                (json!(["body", "count"]), json!("int_parsing"), json!("x")),
            ]
        );
        // A JSON body that is not an object misses every field, a required one twice.
        let failed = outcome("application/json", "[1]").unwrap_err();
        let types: Vec<_> = failed
            .1
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["loc"][1].clone())
            .collect();
        assert_eq!(
            types,
            [
                json!("name"),
                json!("name"),
                json!("tags"),
                json!("count"),
                json!("doc")
            ]
        );
        // A file part: kept as it is, where it lies in the body; text is not a file.
        let multipart = "multipart/form-data; boundary=XX";
        let body = "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nlamp\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XX--";
        let read = outcome(multipart, body).unwrap();
        let file = FilePart::from_json(&read["doc"]).unwrap();
        assert_eq!(file.content(body.as_bytes()), Some(&b"hello"[..]));
        assert_eq!(file.filename, "a.txt");
        let body = "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nlamp\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"doc\"\r\n\r\nhello\r\n--XX--";
        let failed = outcome(multipart, body).unwrap_err();
        assert_eq!(failed.1[0]["loc"], json!(["body", "doc"]));
        assert_eq!(failed.1[0]["type"], json!("value_error"));
        assert_eq!(
            failed.1[0]["msg"],
            json!("Value error, Expected UploadFile, got str")
        );
        // Only a multipart body holds files: an object shaped like one, sent as JSON, is a
        // dict, for a file field and any other.
        let forged = r#"{"name": {"filename": "x", "content_type": null, "offset": 0, "size": 9},
            "doc": {"filename": "x", "content_type": null, "offset": 0, "size": 9}}"#;
        let failed = outcome("application/json", forged).unwrap_err();
        let got: Vec<_> = failed
            .1
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["loc"][1].clone(), e["msg"].clone()))
            .collect();
        assert_eq!(
            got,
            [
                (json!("name"), json!("Input should be a valid string")),
                (
                    json!("doc"),
                    json!("Value error, Expected UploadFile, got dict")
                ),
            ]
        );
    }

    #[test]
    fn a_json_error_is_located_at_its_character_offset() {
        let body = b"{not json";
        let err = serde_json::from_slice::<Value>(body).unwrap_err();
        assert_eq!(error_position(body, &err), 1);
        let body = b"{\n  \"a\": ,\n}";
        let err = serde_json::from_slice::<Value>(body).unwrap_err();
        assert_eq!(error_position(body, &err), 9);
        // Python reads `NaN`; where serde_json stopped stands in.
        let body = b"[NaN]";
        let err = serde_json::from_slice::<Value>(body).unwrap_err();
        assert_eq!(error_position(body, &err), 1);
    }
}
