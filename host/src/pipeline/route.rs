//! The route stage: what answers a request, after `strip_prefixes`. A matched route, else
//! Swagger UI, else not found; with the chain that runs (global middlewares first), how its
//! answer is finished, and how long its guests may take.

use std::time::Duration;

use super::compress::GzipLevel;
use super::{Pipeline, RouteTarget};
use crate::request::{Fields, Request};
use crate::runtime::Frame;

/// The options that shape a finished response.
pub(super) struct ResponseOptions {
    pub(super) cors: bool,
    pub(super) compress: bool,
    pub(super) compression_level: GzipLevel,
    pub(super) cache_control: Option<String>,
}

/// What answers a request.
pub(super) struct Selected<'a> {
    /// The matched rule, `<not found>` for a miss (Swagger UI is one).
    pub(super) rule: &'a str,
    /// The matched route.
    pub(super) route: Option<&'a RouteTarget>,
    /// The route's path parameters.
    pub(super) params: Fields,
    /// The chain to run.
    pub(super) frames: Vec<Frame>,
    /// How its answer is finished.
    pub(super) options: ResponseOptions,
    /// The longest its guests may run: the route's, else the app component's.
    pub(super) timeout: Duration,
}

impl Pipeline {
    /// Routes `request`, whose path after `strip_prefixes` is `route_path`.
    pub(super) fn select(&self, request: &Request, route_path: &str) -> Selected<'_> {
        let matched = self.router.at(&request.method, route_path, request.source);
        // Powertools registers Swagger UI as a static `GET` route: it comes after the app's
        // static routes and before every dynamic one.
        let swagger = match &matched {
            Some(m) if !m.dynamic => None,
            _ => self.swagger.as_ref().and_then(|page| {
                page.answer(request, route_path, |base| self.openapi_document(base))
            }),
        };
        let app_cors = self.settings.cors.is_some();
        match (matched, swagger) {
            (Some(m), None) => Selected {
                rule: m.rule,
                route: Some(m.value),
                params: m.params.into_iter().collect(),
                frames: self.route_frames(m.value),
                options: ResponseOptions {
                    cors: m.value.cors.unwrap_or(app_cors),
                    compress: m.value.compress,
                    compression_level: m.value.compression_level,
                    cache_control: m.value.cache_control.clone(),
                },
                timeout: m.value.timeout,
            },
            (_, swagger) => {
                let (frames, compress) = match swagger {
                    Some((answer, compress)) => (self.fixed_frames(answer), compress),
                    None => (self.not_found_frames(request), false),
                };
                Selected {
                    rule: "<not found>",
                    route: None,
                    params: Fields::new(),
                    frames,
                    options: ResponseOptions {
                        cors: app_cors,
                        compress,
                        compression_level: self.settings.compression_level,
                        cache_control: None,
                    },
                    timeout: self.app_timeout(),
                }
            }
        }
    }

    /// The app component's timeout, for requests no route answers.
    fn app_timeout(&self) -> Duration {
        let settings = self.runtime.settings();
        self.runtime
            .components()
            .first()
            .map_or(settings.call_timeout, |app| app.timeout(settings))
    }
}
