//! A route handler run natively in the host instead of in its guest, for the benchmark that
//! prices the sandbox: the same route, the same pipeline, only the handler call differs.
//! Nothing in a bundle can reach this; it is hidden from the docs.

use std::sync::Arc;

use super::Pipeline;
use crate::response::{Body, Response};
use crate::runtime::{NativeHandler, WitBody, WitResponse};

impl Pipeline {
    /// Runs `handler` in place of the guest handler of `method rule`; it gets the path
    /// parameters. Cookies come back as `Set-Cookie` headers. Returns false when no such
    /// route exists.
    #[doc(hidden)]
    pub fn bench_native_handler(
        &mut self,
        method: &str,
        rule: &str,
        handler: impl Fn(&[(String, String)]) -> Response + Send + Sync + 'static,
    ) -> bool {
        let handler = NativeHandler(Arc::new(move |request| {
            to_wit(handler(&crate::runtime::path_params_of(request)))
        }));
        let mut found = false;
        for (m, r, target) in self.router.values_mut() {
            if m == method && r == rule {
                target.native = Some(handler.clone());
                found = true;
            }
        }
        found
    }
}

fn to_wit(response: Response) -> WitResponse {
    let mut headers: Vec<(String, String)> = response
        .headers
        .iter()
        .flat_map(|(name, values)| values.iter().map(move |v| (name.to_string(), v.clone())))
        .collect();
    headers.extend(
        response
            .cookies
            .into_iter()
            .map(|c| ("Set-Cookie".to_string(), c)),
    );
    WitResponse {
        status: response.status,
        headers,
        cookies: Vec::new(),
        body: match response.body {
            Body::None => WitBody::None,
            Body::Text(text) => WitBody::Text(text),
            Body::Binary(bytes) => WitBody::Binary(bytes),
        },
        compress: response.compress,
    }
}
