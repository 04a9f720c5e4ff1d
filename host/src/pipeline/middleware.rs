//! Building the chain for a request: global middlewares (every component's `app.use`, in
//! bundle order), then the route's own, then the handler; for a miss, the globals then the
//! not-found answer (the automatic pre-flight, a custom not-found handler, or the 404).

use super::{Pipeline, RouteTarget};
use crate::request::Request;
use crate::response::{Body, RaisedError, Response};
use crate::runtime::Frame;

impl Pipeline {
    pub(super) fn route_frames(&self, route: &RouteTarget) -> Vec<Frame> {
        let mut frames = self.global_frames();
        frames.extend(
            route
                .middlewares
                .iter()
                .map(|&middleware| Frame::Middleware {
                    component: route.component,
                    middleware,
                }),
        );
        frames.push(Frame::Handler {
            component: route.component,
            handler: route.handler,
            check: self.response_check(route),
            native: route.native.clone(),
        });
        frames
    }

    pub(super) fn not_found_frames(&self, request: &Request) -> Vec<Frame> {
        let mut frames = self.global_frames();
        let terminal =
            if self.settings.cors.is_some() && request.method.eq_ignore_ascii_case("OPTIONS") {
                let mut preflight = Response::new(204, None, Body::Text(String::new()));
                preflight
                    .headers
                    .set("Access-Control-Allow-Methods", self.cors_methods.clone());
                Frame::Fixed(preflight)
            } else {
                let error = RaisedError::not_found();
                match self.exception_handler_for(&error.type_names) {
                    Some((component, handler)) => Frame::ExceptionHandler {
                        component,
                        handler,
                        error,
                    },
                    None => Frame::Fixed(Response::new(
                        404,
                        Some("application/json"),
                        Body::Text(r#"{"statusCode":404,"message":"Not found"}"#.into()),
                    )),
                }
            };
        frames.push(terminal);
        frames
    }

    /// The global middlewares around an answer the host gives itself (Swagger UI).
    pub(super) fn fixed_frames(&self, answer: Response) -> Vec<Frame> {
        let mut frames = self.global_frames();
        frames.push(Frame::Fixed(answer));
        frames
    }

    fn global_frames(&self) -> Vec<Frame> {
        self.global_middlewares
            .iter()
            .map(|&(component, middleware)| Frame::Middleware {
                component,
                middleware,
            })
            .collect()
    }
}
