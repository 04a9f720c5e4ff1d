//! Swagger UI (`enable_swagger`): the page with the document inlined, `?format=json` for the
//! document itself, and `?format=oauth2-redirect` for OAuth2 logins. The UI's CSS and JS are
//! embedded in the page from the bundle's `swagger-ui/` directory (taken from the
//! `swagger-ui-dist` npm package by `make bundles`), so it works offline, or linked from
//! `swagger_base_url` when one is set.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use serde_json::{Value, json};

use super::DocumentError;
use crate::app_manifest::SwaggerSettings;
use crate::request::{EventSource, Request};
use crate::response::{Body, Response};

/// The files of `swagger-ui-dist` the page needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct SwaggerAssets {
    css: String,
    js: String,
    oauth2_redirect: String,
}

/// Where the assets live inside a bundle.
const ASSETS_DIR: &str = "swagger-ui";

impl SwaggerAssets {
    /// Reads `swagger-ui.css`, `swagger-ui-bundle.js` and `oauth2-redirect.js` from `dir`.
    pub(crate) fn load(dir: &Path) -> anyhow::Result<Self> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).with_context(|| {
                format!(
                    "Swagger UI is enabled but `{}` is missing; `make bundles` copies the \
                     swagger-ui-dist assets there (or set `swagger_base_url`)",
                    dir.join(name).display()
                )
            })
        };
        Ok(Self {
            css: read("swagger-ui.css")?,
            js: read("swagger-ui-bundle.js")?,
            oauth2_redirect: read("oauth2-redirect.js")?,
        })
    }
}

/// The app's `enable_swagger` settings with the assets to serve.
#[derive(Debug)]
pub(crate) struct SwaggerPage {
    /// Where the page is served.
    pub path: String,
    /// gzip the page when accepted.
    pub compress: bool,
    base_url: Option<String>,
    persist_authorization: bool,
    oauth2_config: Option<Value>,
    assets: SwaggerAssets,
    /// The document as served, per base path (the API Gateway stage): built on the first
    /// request for it, not on every one.
    documents: Mutex<HashMap<String, Arc<str>>>,
}

impl SwaggerPage {
    /// The page for `settings` (from the app's metadata), with assets from the bundle unless
    /// a base URL is given.
    pub(crate) fn new(
        settings: &SwaggerSettings,
        bundle_dir: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let base_url = settings
            .swagger_base_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string());
        let assets = match (&base_url, bundle_dir) {
            (Some(_), _) => SwaggerAssets::default(),
            (None, Some(dir)) => SwaggerAssets::load(&dir.join(ASSETS_DIR))?,
            (None, None) => anyhow::bail!(
                "Swagger UI is enabled without `swagger_base_url` and there is no bundle directory to read its assets from"
            ),
        };
        Ok(Self {
            path: settings.path.as_deref().unwrap_or("/swagger").to_string(),
            compress: settings.compress,
            base_url,
            persist_authorization: settings.persist_authorization,
            oauth2_config: settings.oauth2_config.clone(),
            assets,
            documents: Mutex::default(),
        })
    }

    /// The static OAuth2 redirect page of Swagger UI.
    pub(crate) fn oauth2_redirect(&self) -> String {
        match &self.base_url {
            Some(base) => format!(
                "<!doctype html><html><head><title>Swagger UI: OAuth2 Redirect</title></head>\
                 <body><script src=\"{base}/oauth2-redirect.js\"></script></body></html>"
            ),
            None => format!(
                "<!doctype html><html><head><title>Swagger UI: OAuth2 Redirect</title></head>\
                 <body><script>\n{}\n</script></body></html>",
                self.assets
                    .oauth2_redirect
                    .replace("</script", "<\\/script")
            ),
        }
    }

    /// The Swagger UI page with `document_json` inlined (already `</`-escaped).
    pub(crate) fn html(&self, document_json: &str) -> String {
        let (style, script) = match &self.base_url {
            Some(base) => (
                format!(
                    "<link rel=\"stylesheet\" type=\"text/css\" href=\"{base}/swagger-ui.min.css\">"
                ),
                format!("<script src=\"{base}/swagger-ui-bundle.min.js\"></script>"),
            ),
            None => (
                format!("<style>\n{}\n</style>", self.assets.css),
                format!(
                    "<script>\n{}\n</script>",
                    self.assets.js.replace("</script", "<\\/script")
                ),
            ),
        };
        let init_oauth = match &self.oauth2_config {
            Some(config) => format!("ui.initOAuth({config});"),
            None => String::new(),
        };
        let options = json!({
            "dom_id": "#swagger-ui",
            "docExpansion": "list",
            "deepLinking": true,
            "filter": true,
            "layout": "BaseLayout",
            "showExtensions": true,
            "showCommonExtensions": true,
            "withCredentials": true,
            "persistAuthorization": self.persist_authorization,
        });
        format!(
            r#"<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta http-equiv="Cache-control" content="no-cache, no-store, must-revalidate">
<title>Swagger UI</title>
{style}
</head>
<body>
<div id="swagger-ui">Loading...</div>
{script}
<script>
  var currentUrl = new URL(window.location.href);
  var options = {options};
  options.spec = {document_json};
  options.presets = [SwaggerUIBundle.presets.apis];
  options.plugins = [SwaggerUIBundle.plugins.DownloadUrl];
  options.oauth2RedirectUrl = currentUrl.origin + currentUrl.pathname + "?format=oauth2-redirect";
  var ui = SwaggerUIBundle(options);
  ui.specActions.updateUrl(currentUrl.pathname + "?format=json");
  {init_oauth}
</script>
</body>
</html>
"#
        )
    }
}

impl SwaggerPage {
    /// The answer to `request` (whose path after `strip_prefixes` is `route_path`), with the
    /// page's compression setting, when it asks for this page: `GET` at its path. `document`
    /// builds the OpenAPI document for a base path.
    pub(crate) fn answer(
        &self,
        request: &Request,
        route_path: &str,
        document: impl FnOnce(&str) -> Result<Value, DocumentError>,
    ) -> Option<(Response, bool)> {
        let at_path = match request.source.tolerates_trailing_slash() {
            // The REST resolver strips the rule's trailing slash and accepts any number.
            true => route_path.trim_end_matches('/') == self.path.trim_end_matches('/'),
            false => route_path == self.path,
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
            Some("oauth2-redirect") => ("text/html", self.oauth2_redirect()),
            other => {
                let json = match self.document_json(&base_path(request), document) {
                    Ok(json) => json,
                    Err(err) => {
                        crate::log::error(&format!("cannot build the OpenAPI document: {err}"));
                        return None;
                    }
                };
                match other {
                    Some("json") => ("application/json", json.to_string()),
                    _ => ("text/html", self.html(&json)),
                }
            }
        };
        let answer = Response::new(200, Some(content_type), Body::Text(body));
        Some((answer, self.compress))
    }

    /// The OpenAPI document for `base_path` as the page serves it (pretty, with `</` escaped
    /// so the page can embed it), built once per base path. Stages are few; past a handful of
    /// them, documents are built per request rather than kept.
    fn document_json(
        &self,
        base_path: &str,
        document: impl FnOnce(&str) -> Result<Value, DocumentError>,
    ) -> Result<Arc<str>, DocumentError> {
        const MAX_KEPT: usize = 16;
        let mut kept = self.documents.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(json) = kept.get(base_path) {
            return Ok(json.clone());
        }
        let json: Arc<str> = serde_json::to_string_pretty(&document(base_path)?)
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
