//! The OpenAPI document and Swagger UI served by the host: `?format=json`, the page with its
//! assets embedded, the OAuth2 redirect page, servers from the stage, compression.

use std::io::Read as _;

use base64::Engine as _;
use serde_json::{Value, json};

use switchyard::EventSource;
use switchyard::testing::TestRequest;

use crate::support::{TestHost, rest_event, status_and_body};

fn get(path: &str, query: Option<Value>, extra: Value) -> Value {
    let mut event = json!({
        "httpMethod": "GET", "path": path,
        "requestContext": {"requestId": "r-1", "stage": "$default", "path": path},
        "multiValueHeaders": {}, "queryStringParameters": query,
    });
    if let (Some(event), Some(extra)) = (event.as_object_mut(), extra.as_object()) {
        event.extend(extra.clone());
    }
    event
}

fn content_type(resp: &Value) -> &str {
    resp["multiValueHeaders"]["Content-Type"][0]
        .as_str()
        .unwrap_or_default()
}

fn body_text(resp: &Value) -> String {
    let raw = resp["body"].as_str().unwrap_or_default();
    if resp["isBase64Encoded"] != true {
        return raw.to_string();
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .unwrap();
    let mut out = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut out)
        .expect("gzip");
    out
}

#[test]
fn format_json_answers_the_document_of_every_route() {
    let host = TestHost::shared("conformance-validated-swagger");
    let resp = host.invoke(&get("/swagger", Some(json!({"format": "json"})), json!({})));
    assert_eq!(resp["statusCode"], 200);
    assert_eq!(content_type(&resp), "application/json");
    let doc: Value = serde_json::from_str(&body_text(&resp)).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Validated items API");
    assert_eq!(doc["servers"], json!([{"url": "/"}]));
    let search = &doc["paths"]["/search"]["get"];
    assert_eq!(search["operationId"], "searchItems");
    let names: Vec<&str> = search["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["q", "limit", "color", "tags"]);
    assert!(
        doc["paths"]["/swagger"].is_null(),
        "the UI route stays out of the document"
    );
}

#[test]
fn the_page_embeds_the_ui_and_the_document() {
    let host = TestHost::shared("conformance-validated-swagger");
    let resp = host.invoke(&get("/swagger", None, json!({})));
    assert_eq!(resp["statusCode"], 200);
    assert_eq!(content_type(&resp), "text/html");
    let html = body_text(&resp);
    assert!(
        html.contains("SwaggerUIBundle"),
        "the UI's script is inlined"
    );
    assert!(
        html.contains(".swagger-ui"),
        "the UI's stylesheet is inlined"
    );
    assert!(
        html.contains("\"operationId\": \"searchItems\""),
        "the document is inlined"
    );
    assert!(html.contains("\"persistAuthorization\":false"));
    assert!(
        !html.contains("<script src="),
        "no script is loaded from elsewhere"
    );
    assert!(
        !html.contains("<link rel="),
        "no stylesheet is loaded from elsewhere"
    );
}

#[test]
fn the_oauth2_redirect_page_is_served() {
    let host = TestHost::shared("conformance-validated-swagger");
    let resp = host.invoke(&get(
        "/swagger",
        Some(json!({"format": "oauth2-redirect"})),
        json!({}),
    ));
    assert_eq!(resp["statusCode"], 200);
    assert_eq!(content_type(&resp), "text/html");
    assert!(body_text(&resp).contains("swaggerUIRedirectOauth2"));
}

#[test]
fn a_named_stage_becomes_the_server() {
    let host = TestHost::shared("conformance-validated-swagger");
    let servers = |stage: Option<&str>| {
        let context = match stage {
            Some(stage) => json!({"requestContext": {"requestId": "r-2", "stage": stage,
                "path": format!("/{stage}/swagger")}}),
            None => json!({}),
        };
        let event = get("/swagger", Some(json!({"format": "json"})), context);
        let doc: Value = serde_json::from_str(&body_text(&host.invoke(&event))).unwrap();
        doc["servers"].clone()
    };
    // Each stage's document is built once and kept: asking in turn must not mix them up.
    for _ in 0..2 {
        assert_eq!(servers(Some("dev")), json!([{"url": "/dev"}]));
        assert_eq!(servers(None), json!([{"url": "/"}]));
        assert_eq!(servers(Some("prod")), json!([{"url": "/prod"}]));
    }
}

#[test]
fn a_custom_path_is_compressed_and_persists_authorization() {
    let host = TestHost::shared("features");
    let accept = json!({"multiValueHeaders": {"Accept-Encoding": ["gzip, deflate"]}});
    let resp = host.invoke(&get("/docs", None, accept.clone()));
    assert_eq!(resp["statusCode"], 200);
    assert_eq!(
        resp["multiValueHeaders"]["Content-Encoding"],
        json!(["gzip"])
    );
    let html = body_text(&resp);
    assert!(html.contains("\"persistAuthorization\":true"));
    let doc: Value = serde_json::from_str(&body_text(&host.invoke(&get(
        "/docs",
        Some(json!({"format": "json"})),
        accept,
    ))))
    .unwrap();
    assert_eq!(doc["security"], json!([{"apiKey": []}]));
    assert_eq!(
        doc["components"]["securitySchemes"]["apiKey"]["in"],
        "header"
    );
    assert_eq!(
        doc["paths"]["/values"]["get"]["summary"],
        "Values in an unusual order"
    );
    // No validation in this app: no automatic 422.
    assert!(doc["paths"]["/values"]["get"]["responses"]["422"].is_null());
}

#[test]
fn the_old_asset_routes_do_not_exist() {
    // Powertools removed /swagger.css and /swagger.js when it inlined the assets.
    let host = TestHost::shared("features");
    for path in ["/docs.css", "/docs.js", "/swagger.css", "/swagger.js"] {
        assert_eq!(
            host.invoke(&get(path, None, json!({})))["statusCode"],
            404,
            "{path}"
        );
    }
}

#[test]
fn swagger_ui_is_served_where_the_bundle_turns_it_on_and_not_where_the_app_leaves_it_off() {
    // The reference app does not enable Swagger UI: `/swagger` is one more unknown route,
    // answered by its not-found handler, as Powertools answers it.
    let plain = TestHost::shared("conformance-validated").invoke(&get("/swagger", None, json!({})));
    assert_eq!(plain["statusCode"], 418, "{plain}");
    assert_eq!(body_text(&plain), "I'm a teapot!");
    // The same component in a bundle whose manifest says `"swagger": true`.
    let page =
        TestHost::shared("conformance-validated-swagger").invoke(&get("/swagger", None, json!({})));
    assert_eq!(page["statusCode"], 200, "{page}");
    assert_eq!(content_type(&page), "text/html");
    assert!(body_text(&page).contains("Validated items API"));
}

#[test]
fn swagger_ui_comes_before_a_dynamic_route_that_matches_its_path() {
    // Powertools registers the page as a static route: static routes match before dynamic
    // ones, so `/doc(s?)` answers `/doc` but not the page's `/docs`, on every source.
    let host = TestHost::shared("features");
    let other = host.invoke(&get("/doc", None, json!({})));
    assert_eq!(other["statusCode"], 200, "{other}");
    assert!(body_text(&other).contains("dynamic"), "{other}");
    for source in EventSource::ALL {
        let page = host.invoke(&TestRequest::get("/docs").source(source).to_event());
        let status = page["statusCode"].as_u64().or(page["status"].as_u64());
        assert_eq!(status, Some(200), "{source:?}");
        assert!(
            body_text(&page).starts_with("<!DOCTYPE html>"),
            "{source:?}: not the Swagger UI page"
        );
    }
}

#[test]
fn a_handlers_return_type_is_its_documented_and_validated_response() {
    let host = TestHost::shared("features");
    let document = host.pipeline().openapi_document("").unwrap();
    let responses = &document["paths"]["/answer/{n}"]["get"]["responses"];
    let schema = |status: &str| responses[status]["content"]["application/json"]["schema"].clone();
    assert_eq!(
        schema("200"),
        json!({"$ref": "#/components/schemas/Answer"}),
        "{responses}"
    );
    assert_eq!(
        schema("404"),
        json!({"$ref": "#/components/schemas/Problem"}),
        "{responses}"
    );
    assert_eq!(responses["200"]["description"], "The answer");
    assert_eq!(responses["404"]["description"], "No answer");
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["Answer"]["required"],
        json!(["n", "double"]),
        "{schemas}"
    );
    assert_eq!(
        schemas["Problem"]["required"],
        json!(["problem"]),
        "{schemas}"
    );

    let answer = rest_event("GET", "/answer/21", &[]);
    assert_eq!(
        status_and_body(&host.invoke(&answer)),
        (200, json!({"n": 21, "double": 42}))
    );
    // Its body breaks the schema its type declares: response validation sees it, raising
    // RequestValidationError as Powertools does without a custom code, which the features
    // app answers with its own handler (400, the first failure).
    let (status, body) = status_and_body(&host.invoke(&rest_event("GET", "/lying-answer", &[])));
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["first"]["loc"], json!(["response", "id"]), "{body}");
    assert_eq!(body["first"]["type"], "missing", "{body}");
}
