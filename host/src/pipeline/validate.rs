//! The validation arrows of the request path: the request's declared parameters and body
//! before the chain runs, and the handler's answer before the middlewares see it. Failures
//! become errors of Powertools' validation classes, which exception handlers may catch.

use super::route::Selected;
use super::{Pipeline, RouteTarget};
use crate::request::EventSource;
use crate::request::Request;
use crate::response::RaisedError;
use crate::validation::{self, ResponseCheck};

impl Pipeline {
    /// The request validation stage: the validated values for the guest (`None` for a route
    /// the host does not validate), or the error the request raises in the handler's place.
    pub(super) fn check_request(
        &self,
        selected: &Selected<'_>,
        request: &Request,
    ) -> Result<Option<String>, RaisedError> {
        let decode_query = self.decodes_alb_query(request.source);
        selected
            .route
            .filter(|route| route.validated)
            .map(|route| self.validate_request(route, request, &selected.params, decode_query))
            .transpose()
    }

    /// `ALBResolver(decode_query_parameters=True)` on an ALB event: the query is URL-decoded
    /// after validation, which reads it split first and decoded after, as Powertools does;
    /// the guest's accessors read it decoded.
    pub(super) fn decodes_alb_query(&self, source: EventSource) -> bool {
        self.settings.alb.decode_query_parameters && source.is_alb()
    }

    /// The validated values for the guest, or the error the request is rejected with;
    /// `decode_query` for an ALB query the app asks to be URL-decoded.
    fn validate_request(
        &self,
        route: &RouteTarget,
        request: &Request,
        path_params: &[(String, String)],
        decode_query: bool,
    ) -> Result<String, RaisedError> {
        validation::validate_request(
            &route.spec,
            &route.schemas,
            request,
            path_params,
            decode_query,
        )
        .map_err(RaisedError::from)
    }

    /// Response validation for a route that declares its response and is validated.
    pub(super) fn response_check(&self, route: &RouteTarget) -> Option<ResponseCheck> {
        if !route.validated {
            return None;
        }
        let custom_status = route
            .spec
            .response_validation_status()
            .or(self.app_spec.validation.response_validation_error_http_code);
        ResponseCheck::new(&route.schemas, custom_status, route.custom_serializer)
    }
}

/// True for the errors whose body lists `detail` rather than a `message`.
pub(super) fn is_validation_error(type_names: &[String]) -> bool {
    type_names.first().is_some_and(|name| {
        [
            validation::REQUEST_VALIDATION_ERROR,
            validation::RESPONSE_VALIDATION_ERROR,
            validation::UNSUPPORTED_CONTENT_TYPE,
        ]
        .contains(&name.as_str())
    })
}
