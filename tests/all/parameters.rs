//! Parameters as Powertools declares them (`examples/parameters`): `Form<T>`, `UploadFile` and
//! `Cookies<T>`, and the field options (`validation_alias` and `serialization_alias` as serde
//! renames, `strict`, `allow_inf_nan`, `max_digits` and `decimal_places` as schema keywords,
//! `Decimal`, `Header<T, false>`) on a validated app, checked against what Powertools 3.37
//! answered the same app (`tests/conformance/parameters/record.py`) on REST, HTTP API and ALB
//! events, multipart bodies base64-encoded or not, and against the OpenAPI document it wrote.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::support::{TestHost, status_and_body, workspace};

fn recorded(file: &str) -> Value {
    let path = workspace().join("tests/conformance/parameters").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn parameters_answer_as_powertools_does() {
    let host = TestHost::shared("parameters");
    let cases = recorded("cases.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 111);
    let mut differ = Vec::new();
    for case in cases {
        let (status, body) = status_and_body(&host.invoke(&case["event"]));
        let want = (case["status"].as_u64().unwrap(), case["body"].clone());
        if (status, &body) != (want.0, &want.1) {
            differ.push(format!(
                "{} {} {}: got {status} {body}, Powertools {} {}",
                case["event"]["httpMethod"],
                case["event"]["path"],
                case["event"]["body"],
                want.0,
                want.1
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Powertools hands a list-of-files field the one file sent under its name, and the handler
/// fails iterating it; here it is a list of one.
#[test]
fn one_file_for_a_list_of_files_is_a_list_of_one() {
    let host = TestHost::shared("parameters");
    let body = "--B\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.png\"\r\n\
                Content-Type: image/png\r\n\r\n\x01\x02\r\n--B--\r\n";
    let event = json!({
        "version": "2.0", "routeKey": "$default", "rawPath": "/gallery", "rawQueryString": "",
        "headers": {"content-type": "multipart/form-data; boundary=B"},
        "requestContext": {"http": {"method": "POST", "path": "/gallery"}, "requestId": "r"},
        "body": base64::engine::general_purpose::STANDARD.encode(body), "isBase64Encoded": true,
    });
    let (status, body) = status_and_body(&host.invoke(&event));
    assert_eq!(
        (status, body),
        (200, json!({"images": [{"filename": "a.png", "size": 2}]}))
    );
}

/// The media type, fields and file format of each form route's request body, and the cookie
/// parameters, as Powertools documents them (Swagger UI shows a file picker for a
/// `format: binary` field of a multipart body).
#[test]
fn openapi_documents_forms_files_and_cookies_as_powertools_does() {
    let host = TestHost::shared("parameters");
    let ours = host.pipeline().openapi_document("").unwrap();
    let theirs = recorded("openapi.json");
    let resolve = |doc: &Value, schema: &Value| -> Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                doc["components"]["schemas"][name].clone()
            }
            None => schema.clone(),
        }
    };
    // What a form field's schema says that matters to a client: whether it takes a file,
    // and whether a list (of files or of texts). How a number or an optional is written is
    // the JSON Schema generator's and not for this test.
    let shape = |field: &Value| -> Value {
        let binary = |schema: &Value| schema["format"] == "binary";
        json!({
            "file": binary(field) || binary(&field["items"]),
            "list": field["type"] == "array",
            "items": if binary(&field["items"]) { json!("binary") } else { field["items"]["type"].clone() },
        })
    };
    for path in ["/contact", "/upload", "/gallery"] {
        let body = |doc: &Value| {
            let body = &doc["paths"][path]["post"]["requestBody"];
            let content = body["content"].as_object().unwrap();
            assert_eq!(content.len(), 1, "{path}");
            let (media_type, media) = content.iter().next().unwrap();
            let form = resolve(doc, &media["schema"]);
            let fields: Vec<(String, Value)> = form["properties"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, field)| (name.clone(), shape(&resolve(doc, field))))
                .collect();
            (
                media_type.clone(),
                body["required"].clone(),
                fields,
                form["required"].clone(),
            )
        };
        assert_eq!(body(&ours), body(&theirs), "{path}");
    }
    let parameters = |doc: &Value, path: &str| -> Vec<(Value, Value, Value)> {
        let mut parameters: Vec<_> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].clone(), p["in"].clone(), p["required"].clone()))
            .collect();
        parameters.sort_by_key(|p| p.0.to_string());
        parameters
    };
    for path in ["/preferences", "/search"] {
        assert_eq!(parameters(&ours, path), parameters(&theirs, path), "{path}");
    }
    // A model read and written under different names is two schemas, `-Input` for the body
    // and `-Output` for the answer, as Pydantic splits it.
    let model = |doc: &Value, pointer: &str| -> (String, Vec<String>) {
        let reference = doc.pointer(pointer).and_then(Value::as_str).unwrap();
        let name = reference.rsplit('/').next().unwrap().to_string();
        let fields = doc["components"]["schemas"][&name]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        (name, fields)
    };
    let body = "/paths/~1items/post/requestBody/content/application~1json/schema/$ref";
    let answer = "/paths/~1items/post/responses/200/content/application~1json/schema/$ref";
    assert_eq!(model(&ours, body), model(&theirs, body));
    assert_eq!(model(&ours, answer), model(&theirs, answer));
}
