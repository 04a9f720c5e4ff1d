//! A route handler run natively in the host instead of in its guest, for the benchmark that
//! prices the sandbox: the same route, the same pipeline, only the handler call differs.
//! Nothing in a bundle can reach this; it is hidden from the docs.

use std::sync::Arc;

use super::Pipeline;
use crate::response::Response;
use crate::runtime::NativeHandler;

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
        let handler = NativeHandler(Arc::new(handler));
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
