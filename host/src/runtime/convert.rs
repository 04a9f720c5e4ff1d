//! Neutral request/response ⇄ WIT types.

use switchyard_packed::{RequestStrings, pack_request, unpack_request};

use super::bindings::{self as wit, Body as WitBody, Cookie, SameSite};
use crate::app_manifest::{self, AppManifest};
use crate::invocation::InvocationContext;
use crate::request::EventSource;
use crate::request::{Fields, Request};
use crate::response::{Body, Headers, Outcome, RaisedError, Response, ServiceAnswer};

/// The context as the `current-lambda-context` import answers it. Outside Lambda
/// (`serve`, `invoke`, tests) there is no Lambda deadline: the guest gets the one the host
/// enforces, `timeout` from now, so `remaining_time_in_millis()` says how long it has
/// rather than nothing.
pub(super) fn context_to_wit(
    context: &InvocationContext,
    timeout: std::time::Duration,
) -> wit::LambdaContext {
    let deadline_ms = match context.deadline_ms {
        0 => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
            .saturating_add(timeout.as_millis()) as u64,
        lambda => lambda,
    };
    wit::LambdaContext {
        request_id: context.request_id.clone(),
        function_name: context.function_name.clone(),
        function_version: context.function_version.clone(),
        invoked_function_arn: context.invoked_function_arn.clone(),
        memory_limit_mb: context.memory_limit_mb,
        deadline_ms,
        log_group_name: context.log_group_name.clone(),
        log_stream_name: context.log_stream_name.clone(),
    }
}

/// The request as the guest gets it: its strings packed into one text with the offsets where
/// each ends (`switchyard-packed`).
pub(super) fn request_to_wit(
    request: &Request,
    route_path: &str,
    path_params: Fields,
) -> wit::Request {
    // Names a REST event has only in its single-value `headers`: Powertools' handlers read
    // them, so the guest gets them after the others.
    let headers: std::borrow::Cow<'_, [(String, String)]> =
        match request.handler_only_headers.is_empty() {
            true => std::borrow::Cow::Borrowed(&request.headers),
            false => std::borrow::Cow::Owned(
                [&request.headers[..], &request.handler_only_headers[..]].concat(),
            ),
        };
    let packed = pack_request(&RequestStrings {
        method: &request.method,
        path: &request.path,
        route_path,
        path_params: &path_params,
        headers: &headers,
        query: &request.query,
        cookies: &request.cookies,
    });
    let [path_params, headers, query, cookies] = packed.pair_counts;
    wit::Request {
        source: match request.source {
            EventSource::RestV1 => wit::EventSource::RestV1,
            EventSource::HttpV2 => wit::EventSource::HttpV2,
            EventSource::Alb => wit::EventSource::Alb,
            EventSource::AlbMultiValue => wit::EventSource::AlbMultiValue,
            EventSource::FunctionUrl => wit::EventSource::FunctionUrl,
            EventSource::LatticeV1 => wit::EventSource::LatticeV1,
            EventSource::LatticeV2 => wit::EventSource::LatticeV2,
        },
        text: packed.text,
        ends: packed.ends,
        pair_counts: wit::PairCounts {
            path_params,
            headers,
            query,
            cookies,
        },
        body: request.body.clone(),
        validated: None,
    }
}

/// The path parameters packed in `request` (for handlers run in the host).
pub(super) fn path_params_of(request: &wit::Request) -> Fields {
    let c = &request.pair_counts;
    let counts = [c.path_params, c.headers, c.query, c.cookies];
    unpack_request(&request.text, &request.ends, counts)
        .path_params
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

pub(super) fn response_from_wit(r: wit::Response) -> Response {
    let mut headers = Headers::default();
    for (name, value) in r.headers {
        headers.append(&name, value);
    }
    Response {
        status: r.status,
        headers,
        cookies: r.cookies.iter().map(format_cookie).collect(),
        body: body_from_wit(r.body),
        compress: r.compress,
    }
}

/// A `Set-Cookie` value in Powertools' attribute order (`shared/cookies.py` `__str__`).
fn format_cookie(c: &Cookie) -> String {
    let mut out = format!("{}={}", c.name, c.value);
    if let Some(path) = &c.path {
        out.push_str(&format!("; Path={path}"));
    }
    if let Some(domain) = &c.domain {
        out.push_str(&format!("; Domain={domain}"));
    }
    if let Some(expires) = &c.expires {
        out.push_str(&format!("; Expires={expires}"));
    }
    if let Some(age) = c.max_age {
        out.push_str(&format!("; Max-Age={}", age.max(0)));
    }
    if c.http_only {
        out.push_str("; HttpOnly");
    }
    if c.secure {
        out.push_str("; Secure");
    }
    if let Some(same_site) = c.same_site {
        out.push_str(match same_site {
            SameSite::Strict => "; SameSite=Strict",
            SameSite::Lax => "; SameSite=Lax",
            SameSite::None => "; SameSite=None",
        });
    }
    for attribute in &c.custom_attributes {
        out.push_str("; ");
        out.push_str(attribute);
    }
    out
}

/// A component's manifest, as the host reads it.
pub(super) fn manifest_from_wit(m: wit::AppManifest) -> AppManifest {
    AppManifest {
        routes: m
            .routes
            .into_iter()
            .map(|r| app_manifest::Route {
                handler: r.handler,
                methods: r.methods,
                rule: r.rule,
                cors: r.cors,
                compress: r.compress,
                cache_control: r.cache_control,
                middlewares: r.middlewares,
                metadata_json: r.metadata_json,
            })
            .collect(),
        middleware_names: m.middlewares.into_iter().map(|m| m.name).collect(),
        global_middlewares: m.global_middlewares,
        exception_handlers: m
            .exception_handlers
            .into_iter()
            .map(|h| app_manifest::ExceptionHandler {
                type_name: h.type_name,
                handler: h.handler,
            })
            .collect(),
        cors: m.cors.map(|c| app_manifest::Cors {
            allow_origin: c.allow_origin,
            extra_origins: c.extra_origins,
            allow_headers: c.allow_headers,
            expose_headers: c.expose_headers,
            max_age: c.max_age,
            allow_credentials: c.allow_credentials,
        }),
        strip_prefixes: m
            .strip_prefixes
            .into_iter()
            .map(|p| match p {
                wit::Prefix::Exact(prefix) => app_manifest::Prefix::Exact(prefix),
                wit::Prefix::Regex(regex) => app_manifest::Prefix::Regex(regex),
            })
            .collect(),
        debug: m.debug,
        metadata_json: m.metadata_json,
    }
}

/// A raised error as the guest's exception handler gets it.
pub(super) fn error_to_wit(error: RaisedError) -> wit::Error {
    wit::Error {
        type_names: error.type_names,
        message: error.message,
        service: error.service.map(|s| wit::ServiceError {
            status: s.status,
            message_json: s.message_json,
        }),
    }
}

/// A guest's raised error, as the pipeline maps it.
pub(super) fn error_from_wit(error: wit::Error) -> RaisedError {
    RaisedError {
        type_names: error.type_names,
        message: error.message,
        service: error.service.map(|s| ServiceAnswer {
            status: s.status,
            message_json: s.message_json,
        }),
    }
}

/// A guest's outcome, as the pipeline maps it.
pub(super) fn outcome_from_wit(outcome: Result<wit::Response, wit::Error>) -> Outcome {
    outcome.map(response_from_wit).map_err(error_from_wit)
}

/// An answer the host gives (the pre-flight, the 404, a handler run in the host) as a guest
/// middleware gets it from `next`: its cookies, already formatted, as `Set-Cookie` headers.
pub(super) fn response_to_wit(response: Response) -> wit::Response {
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
    wit::Response {
        status: response.status,
        headers,
        cookies: Vec::new(),
        body: body_to_wit(response.body),
        compress: response.compress,
    }
}

pub(super) fn body_to_wit(body: Body) -> WitBody {
    match body {
        Body::None => WitBody::None,
        Body::Text(text) => WitBody::Text(text),
        Body::Binary(bytes) => WitBody::Binary(bytes),
    }
}

pub(super) fn body_from_wit(body: WitBody) -> Body {
    match body {
        WitBody::None => Body::None,
        WitBody::Text(text) => Body::Text(text),
        WitBody::Binary(bytes) => Body::Binary(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_packs_its_strings_into_one_text_and_their_ends() {
        let pairs = |list: &[(&str, &str)]| -> Fields {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let request = |headers: Fields, query: Fields, cookies: Fields| Request {
            method: "get".into(),
            path: "/v1/ü".into(),
            headers,
            query,
            cookies,
            ..Request::for_test(EventSource::HttpV2, &[], b"{}")
        };
        // The request, its path parameters, then the text, ends and pair counts it packs to.
        type Row = (Request, Fields, &'static str, &'static [u32], [u32; 4]);
        let table: [Row; 3] = [
            (
                request(pairs(&[]), pairs(&[]), pairs(&[])),
                pairs(&[]),
                "get/v1/ü/ü",
                &[3, 9, 12],
                [0, 0, 0, 0],
            ),
            (
                request(
                    pairs(&[("Accept", "*/*"), ("X-Id", ""), ("X-Id", "ü")]),
                    pairs(&[("q", "1")]),
                    pairs(&[("c", "v")]),
                ),
                pairs(&[("id", "7")]),
                "get/v1/ü/üid7Accept*/*X-IdX-Idüq1cv",
                &[3, 9, 12, 14, 15, 21, 24, 28, 28, 32, 34, 35, 36, 37, 38],
                [1, 3, 1, 1],
            ),
            (
                request(pairs(&[("", "v")]), pairs(&[]), pairs(&[])),
                pairs(&[]),
                "get/v1/ü/üv",
                &[3, 9, 12, 12, 13],
                [0, 1, 0, 0],
            ),
        ];
        for (request, params, text, ends, counts) in table {
            let packed = request_to_wit(&request, "/ü", params.clone());
            assert_eq!(packed.text, text);
            assert_eq!(packed.ends, ends, "{text}");
            let c = &packed.pair_counts;
            assert_eq!([c.path_params, c.headers, c.query, c.cookies], counts);
            assert_eq!(path_params_of(&packed), params);
        }
    }
}
