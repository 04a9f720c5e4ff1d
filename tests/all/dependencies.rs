//! Dependencies (`Depends`) beyond the routers example's Powertools-recorded cases
//! (`routers.rs`): what a dependency's own extractors read is validated by the host and in
//! the OpenAPI document on every route that depends on it, and a dependency cycle, a
//! dependency no function provides or app state never given is a 500 naming it, never a
//! trapped guest.

use serde_json::{Value, json};

use crate::support::{TestHost, bundle_dir, rest_event, status_and_body};

#[test]
fn a_dependencys_extractors_are_validated_and_documented_on_the_route() {
    let host = TestHost::shared("features");
    let (status, body) = status_and_body(&host.invoke(&rest_event("GET", "/whose-key", &[])));
    // The features app answers validation errors with its own handler: a 400 with the first.
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["first"]["loc"],
        json!(["header", "x-api-key"]),
        "{body}"
    );
    assert_eq!(body["first"]["type"], "missing", "{body}");
    let with_key = rest_event("GET", "/whose-key", &[("X-Api-Key", "k-1")]);
    assert_eq!(
        status_and_body(&host.invoke(&with_key)),
        (200, json!({"key": "k-1"}))
    );

    let document = host.pipeline().openapi_document("").unwrap();
    let parameters = &document["paths"]["/whose-key"]["get"]["parameters"];
    let api_key: Vec<&Value> = parameters
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == "x-api-key")
        .collect();
    assert_eq!(api_key.len(), 1, "{parameters}");
    assert_eq!(api_key[0]["in"], "header");
    assert_eq!(api_key[0]["required"], true);
}

#[test]
fn a_dependency_cycle_a_missing_provider_or_missing_state_is_a_500_that_names_it() {
    let host = switchyard::testing::TestApp::from_bundle(bundle_dir("features-debug")).unwrap();
    for (path, says) in [
        ("/cycle", "depends on itself"),
        ("/unregistered", "no dependency provides"),
        ("/no-state", "no state of type"),
    ] {
        let response = host.invoke(&rest_event("GET", path, &[]));
        assert_eq!(response.status(), 500, "{path}");
        let text = response.text();
        assert!(text.contains(says), "{path}: {text}");
    }
    let with_key = rest_event("GET", "/whose-key", &[("X-Api-Key", "k-2")]);
    assert_eq!(
        host.invoke(&with_key).status(),
        200,
        "the host keeps serving"
    );
}
