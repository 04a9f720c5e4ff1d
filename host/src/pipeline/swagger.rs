//! The Swagger UI route (`enable_swagger`): `GET <path>` answers the page, `?format=json` the
//! document, `?format=oauth2-redirect` the OAuth2 redirect page. Powertools registers it as a
//! static `GET` route, so the app's static routes come before it and its dynamic ones after.

use std::sync::Arc;

use serde_json::Value;

use super::Pipeline;
use crate::openapi::DocumentError;
use crate::request::EventSource;
use crate::request::Request;
use crate::response::{Body, Response};

impl Pipeline {
    /// The Swagger UI answer for `request`, with the page's compression setting, if the app
    /// serves Swagger UI at this path.
    pub(super) fn swagger_answer(
        &self,
        request: &Request,
        route_path: &str,
    ) -> Option<(Response, bool)> {
        let swagger = self.swagger.as_ref()?;
        let at_path = match request.source.tolerates_trailing_slash() {
            // The REST resolver strips the rule's trailing slash and accepts any number.
            true => route_path.trim_end_matches('/') == swagger.path.trim_end_matches('/'),
            false => route_path == swagger.path,
        };
        if !request.method.eq_ignore_ascii_case("GET") || !at_path {
            return None;
        }
        let format = request
            .query
            .iter()
            .rev()
            .find(|(name, _)| name == "format")
            .map(|(_, v)| v.as_str());
        let (content_type, body) = match format {
            Some("oauth2-redirect") => ("text/html", swagger.oauth2_redirect()),
            other => {
                let json = match self.swagger_document(&base_path(request)) {
                    Ok(json) => json,
                    Err(err) => {
                        crate::log::error(&format!("cannot build the OpenAPI document: {err}"));
                        return None;
                    }
                };
                match other {
                    Some("json") => ("application/json", json.to_string()),
                    _ => ("text/html", swagger.html(&json)),
                }
            }
        };
        let answer = Response::new(200, Some(content_type), Body::Text(body));
        Some((answer, swagger.compress))
    }
}

impl Pipeline {
    /// The OpenAPI document for `base_path` as the Swagger route serves it (pretty, with
    /// `</` escaped so the page can embed it), built once per base path. Stages are few; past
    /// a handful of them, documents are built per request rather than kept.
    fn swagger_document(&self, base_path: &str) -> Result<Arc<str>, DocumentError> {
        const MAX_KEPT: usize = 16;
        let mut kept = self
            .swagger_documents
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(json) = kept.get(base_path) {
            return Ok(json.clone());
        }
        let document = self.openapi_document(base_path)?;
        let json: Arc<str> = serde_json::to_string_pretty(&document)
            .unwrap_or_default()
            .replace("</", "<\\/")
            .into();
        if kept.len() < MAX_KEPT {
            kept.insert(base_path.to_string(), json.clone());
        }
        Ok(json)
    }
}

/// The API's base path as Powertools' `_get_base_path` finds it: `/<stage>` on API Gateway when
/// the stage is named and the request's path starts with it, else nothing.
fn base_path(request: &Request) -> String {
    // Only `requestContext` is read: that member's text is parsed, not the whole event.
    let Some(context) = request
        .raw_event
        .member("requestContext")
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
    else {
        return String::new();
    };
    let path = match request.source {
        EventSource::RestV1 => context["path"].as_str(),
        EventSource::HttpV2 => context["http"]["path"].as_str(),
        _ => None,
    };
    match (context["stage"].as_str(), path) {
        (Some(stage), Some(path))
            if stage != "$default" && path.starts_with(&format!("/{stage}")) =>
        {
            format!("/{stage}")
        }
        _ => String::new(),
    }
}
