//! The response stages after the chain, in Powertools' order: CORS headers, Cache-Control,
//! gzip, base64, then encoding for the event's source.

use base64::Engine as _;

use super::route::ResponseOptions;
use super::{CorsConfig, Pipeline, compress};
use crate::event::{self, Encoded, LambdaResponse};
use crate::request::Request;
use crate::response::{Body, Response};

impl Pipeline {
    /// The response finished and encoded for the request's source.
    pub(super) fn finish_encoded(
        &self,
        response: Response,
        options: &ResponseOptions,
        request: &Request,
    ) -> LambdaResponse {
        event::encode(self.finish(response, options, request), request.source)
    }

    /// CORS, Cache-Control, gzip and base64, in Powertools' order.
    pub(super) fn finish(
        &self,
        mut response: Response,
        options: &ResponseOptions,
        request: &Request,
    ) -> Encoded {
        if options.cors {
            // A route with `cors=True` in an app without CORS gets `CORSConfig()`: built
            // once, not per request.
            static DEFAULT: std::sync::LazyLock<CorsConfig> =
                std::sync::LazyLock::new(CorsConfig::default);
            let cors = self.settings.cors.as_ref().unwrap_or(&DEFAULT);
            cors.apply(request.first_header_item("origin"), &mut response.headers);
        }
        if let Some(value) = &options.cache_control {
            let value = if response.status == 200 {
                value.clone()
            } else {
                "no-cache".to_string()
            };
            response.headers.set("Cache-Control", value);
        }
        let accepts = compress::accepts_gzip(request);
        if compress::should_compress(accepts, response.compress, options.compress) {
            let bytes = match std::mem::replace(&mut response.body, Body::None) {
                Body::Text(text) => Some(text.into_bytes()),
                Body::Binary(bytes) => Some(bytes),
                Body::None => None,
            };
            if let Some(bytes) = bytes {
                response.headers.set("Content-Encoding", "gzip".to_string());
                response.body = Body::Binary(compress::gzip(&bytes, options.compression_level));
            }
        }
        let (body, is_base64) = match response.body {
            Body::None => (None, false),
            Body::Text(text) => (Some(text), false),
            Body::Binary(bytes) => (
                Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                true,
            ),
        };
        Encoded {
            status: response.status,
            headers: response.headers,
            cookies: response.cookies,
            body,
            is_base64,
        }
    }
}
