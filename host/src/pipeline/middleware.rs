//! Building the chain for a request: global middlewares (every component's `app.use`, in
//! bundle order), then the route's own, then the handler; for a miss, the globals then the
//! not-found answer (the automatic pre-flight, a custom not-found handler, or the 404).

use super::{Pipeline, RouteTarget};
use crate::request::Request;
use crate::runtime::{Frame, Target, WitResponse, not_found_error};

impl Pipeline {
    pub(super) fn route_frames(&self, route: &RouteTarget) -> Vec<Frame> {
        let mut frames = self.global_frames();
        frames.extend(route.middlewares.iter().map(|&m| Frame::Guest {
            component: route.component,
            target: Target::Middleware(m),
        }));
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
                Frame::Fixed(WitResponse {
                    status: 204,
                    headers: vec![(
                        "Access-Control-Allow-Methods".into(),
                        self.cors_methods.clone(),
                    )],
                    cookies: Vec::new(),
                    body: crate::runtime::WitBody::Text(String::new()),
                    compress: None,
                })
            } else {
                let error = not_found_error();
                match self.exception_handler_for(&error.type_names) {
                    Some((component, handler)) => Frame::Guest {
                        component,
                        target: Target::ExceptionHandler((handler, error)),
                    },
                    None => Frame::Fixed(WitResponse {
                        status: 404,
                        headers: vec![("Content-Type".into(), "application/json".into())],
                        cookies: Vec::new(),
                        body: crate::runtime::WitBody::Text(
                            r#"{"statusCode":404,"message":"Not found"}"#.into(),
                        ),
                        compress: None,
                    }),
                }
            };
        frames.push(terminal);
        frames
    }

    /// The global middlewares around an answer the host gives itself (Swagger UI).
    pub(super) fn fixed_frames(&self, answer: WitResponse) -> Vec<Frame> {
        let mut frames = self.global_frames();
        frames.push(Frame::Fixed(answer));
        frames
    }

    fn global_frames(&self) -> Vec<Frame> {
        self.global_middlewares
            .iter()
            .map(|&(component, m)| Frame::Guest {
                component,
                target: Target::Middleware(m),
            })
            .collect()
    }
}
