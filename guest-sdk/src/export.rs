//! What `export!(app)` expands to: WIT ⇄ SDK conversion and dispatch. A guest that panics
//! traps with the panic's message (`host::report_panics_to_host`); the host answers 500 and
//! replaces the instance.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use serde_json::Value;

use crate::__private::wit::switchyard::handler::manifest as m;
use crate::__private::wit::switchyard::handler::types as w;
use crate::app::{App, CompressionLevel, Prefix};
use crate::error::{
    Error, ErrorParts, ErrorValue, ResponseSizeExceededError, ServiceError, type_key,
};
use crate::host::Next;
use crate::request::{EventSource, Request};
use crate::response::{Body, Cookie, Response, SameSite};

thread_local! {
    static APP: OnceCell<App> = const { OnceCell::new() };
    /// The last error this component raised with its value: errors cross the WIT boundary
    /// as names and a message (between middlewares, and to the host and back to an exception
    /// handler), and the value is given back to the error that returns with the same ones.
    static RAISED: RefCell<Option<Raised>> = const { RefCell::new(None) };
}

/// An error's names and message, and its value.
struct Raised {
    type_names: Vec<String>,
    message: String,
    value: ErrorValue,
}

fn with_app<R>(factory: fn() -> App, f: impl FnOnce(&App) -> R) -> R {
    APP.with(|cell| {
        f(cell.get_or_init(|| {
            // Before the app is built: a route string that panics there is reported too.
            crate::host::report_panics_to_host();
            let mut app = factory();
            app.routes.declare_dependencies();
            app.routes.refuse_validation_without_schemas(app.validation);
            app
        }))
    })
}

/// Runs `f` with the app this instance built, `None` before it is built (or outside a
/// component, in a native test).
pub(crate) fn with_current_app<R>(f: impl FnOnce(Option<&App>) -> R) -> R {
    APP.with(|cell| f(cell.get()))
}

/// The `manifest` export.
pub fn manifest(factory: fn() -> App) -> m::AppManifest {
    with_app(factory, |app| m::AppManifest {
        routes: app
            .routes
            .entries
            .iter()
            .map(|r| m::Route {
                handler: r.handler,
                methods: vec![r.method.clone()],
                rule: r.rule.clone(),
                cors: r.cors,
                compress: r.compress,
                cache_control: r.cache_control.clone(),
                middlewares: r.middlewares.clone(),
                metadata_json: serde_json::to_string(&r.doc).unwrap_or_default(),
            })
            .collect(),
        middlewares: app
            .routes
            .middlewares
            .iter()
            .map(|(name, _)| m::Middleware { name: name.clone() })
            .collect(),
        global_middlewares: app.routes.global_middlewares.clone(),
        exception_handlers: app
            .routes
            .exception_handlers
            .iter()
            .enumerate()
            .map(|(i, (type_name, _))| m::ExceptionHandler {
                type_name: type_name.clone(),
                handler: i as u32,
            })
            .collect(),
        cors: app.cors.as_ref().map(|c| m::CorsConfig {
            allow_origin: c.allow_origin.clone(),
            extra_origins: c.extra_origins.clone(),
            allow_headers: c.allow_headers.clone(),
            expose_headers: c.expose_headers.clone(),
            max_age: c.max_age,
            allow_credentials: c.allow_credentials,
        }),
        strip_prefixes: app
            .strip_prefixes
            .iter()
            .map(|p| match p {
                Prefix::Exact(s) => m::Prefix::Exact(s.clone()),
                Prefix::Regex(s) => m::Prefix::Regex(s.clone()),
            })
            .collect(),
        debug: app.debug,
        metadata_json: app_metadata(app).to_string(),
    })
}

/// The app's validation, OpenAPI and Swagger settings and its named schemas.
fn app_metadata(app: &App) -> serde_json::Value {
    serde_json::json!({
        "validation": {
            "enabled": app.validation,
            "response_validation_error_http_code": app.response_validation_error_http_code,
        },
        "openapi": app.openapi.0,
        "swagger": app.swagger.as_ref().map(|s| &s.0),
        "schemas": app.routes.schemas.components(),
        "custom_serializer": app.serializer.is_some(),
        "traces_frames": true,
        "compression_level": app.compression_level.map(CompressionLevel::level),
        "build_errors": app.routes.build_errors,
        "alb": {
            "decode_query_parameters": app.alb_decode_query,
            "response_size_validation": app.alb_response_size_validation,
        },
    })
}

/// The `handle` export.
pub fn handle(
    factory: fn() -> App,
    target: w::Target,
    request: w::Request,
) -> Result<w::Response, w::Error> {
    with_app(factory, |app| {
        let req = Rc::new(request_from_wit(request));
        let handles_error = matches!(target, w::Target::ExceptionHandler(_));
        if !handles_error {
            // New work: no error of an earlier call can come back.
            RAISED.set(None);
        }
        let answer = match target {
            w::Target::Route(i) => run_route(app, i, &req),
            w::Target::Middleware(i) => run_chain(app, &req, &[i], None),
            w::Target::Chain(chain) => run_chain(app, &req, &chain.middlewares, chain.handler),
            w::Target::ExceptionHandler((i, err)) => {
                let result = match app.routes.exception_handlers.get(i as usize) {
                    Some((_, handler)) => handler(&req, &error_from_wit(err)),
                    None => Err(missing("exception handler", i)),
                };
                to_wit(app, result, None)
            }
            w::Target::Serialize(json) => serialize_checked(app, &json),
        };
        // Only an error leaving this call can come back to an exception handler, which the
        // host runs on this same instance: it keeps the instance for the rest of the request,
        // and drops it, rather than pool it, if no exception handler ran there. What a handler
        // raises goes to no other handler.
        if answer.is_ok() || handles_error {
            RAISED.set(None);
        }
        answer
    })
}

/// The `serialize` target: a value the host's response validation changed, written with
/// the app's serializer as Powertools writes every checked answer. The host takes the body.
fn serialize_checked(app: &App, json: &str) -> Result<w::Response, w::Error> {
    let value = serde_json::from_str::<Value>(json).map_err(Error::from);
    to_wit(app, value.map(|v| Response::json(200, v)), None)
}

/// Runs `middlewares` in order, each `next` going to the one after, then `handler` (or,
/// without one, `host.next`). Every answer is converted as it would be crossing to the host,
/// so a middleware sees the same response whether the frame below ran here or elsewhere.
fn run_chain(
    app: &App,
    req: &Rc<Request>,
    middlewares: &[u32],
    handler: Option<u32>,
) -> Result<w::Response, w::Error> {
    match (middlewares.split_first(), handler) {
        (Some((&first, rest)), _) => {
            let result = match app.routes.middlewares.get(first as usize) {
                Some((name, mw)) => crate::tracer::frame(name, || {
                    mw.handle(req, Next::new(req.clone(), rest.to_vec(), handler))
                }),
                None => Err(missing("middleware", first)),
            };
            to_wit(app, result, None)
        }
        (None, Some(handler)) => run_route(app, handler, req),
        (None, None) => crate::host::next_in_host(),
    }
}

/// The rest of a chain run within the guest: what [`Next::run`] calls.
pub(crate) fn run_local_chain(
    req: &Rc<Request>,
    middlewares: &[u32],
    handler: Option<u32>,
) -> Result<w::Response, w::Error> {
    APP.with(|cell| match cell.get() {
        Some(app) => run_chain(app, req, middlewares, handler),
        None => Err(error_to_wit(Error::custom(
            "SwitchyardError",
            "`next` was called before the app was built",
        ))),
    })
}

/// Route handler `index`, its default status applied (`@app.get(..., status_code=201)`).
fn run_route(app: &App, index: u32, req: &Request) -> Result<w::Response, w::Error> {
    let entry = app.routes.entries.iter().find(|r| r.handler == index);
    let status = entry.and_then(|r| r.doc.status_code);
    let name = entry.map_or("handler", |r| r.doc.name.as_str());
    let result = crate::tracer::frame(name, || call_handler(app, index, req));
    to_wit(app, result, status)
}

fn to_wit(
    app: &App,
    result: Result<Response, Error>,
    status_code: Option<u16>,
) -> Result<w::Response, w::Error> {
    result
        .and_then(|mut r| {
            if let (Some(status), true) = (status_code, r.default_status) {
                r.status = status;
            }
            response_to_wit(app, r)
        })
        .map_err(error_to_wit)
}

fn call_handler(app: &App, index: u32, req: &Request) -> Result<Response, Error> {
    match app.routes.handlers.get(index as usize) {
        Some(handler) => handler(req),
        None => Err(missing("handler", index)),
    }
}

fn missing(what: &str, index: u32) -> Error {
    Error::custom(
        "SwitchyardError",
        format!("the host asked for {what} {index}, which this component does not have"),
    )
}

fn request_from_wit(r: w::Request) -> Request {
    let c = &r.pair_counts;
    let strings = switchyard_packed::unpack_request(
        &r.text,
        &r.ends,
        [c.path_params, c.headers, c.query, c.cookies],
    );
    Request {
        source: match r.source {
            w::EventSource::RestV1 => EventSource::RestV1,
            w::EventSource::HttpV2 => EventSource::HttpV2,
            w::EventSource::Alb => EventSource::Alb,
            w::EventSource::AlbMultiValue => EventSource::AlbMultiValue,
            w::EventSource::FunctionUrl => EventSource::FunctionUrl,
            w::EventSource::LatticeV1 => EventSource::LatticeV1,
            w::EventSource::LatticeV2 => EventSource::LatticeV2,
        },
        method: strings.method.to_string(),
        path: strings.path.to_string(),
        route_path: strings.route_path.to_string(),
        path_params: strings.path_params.to_vec(),
        headers: strings.headers.into(),
        query: strings.query.into(),
        cookies: strings.cookies.into(),
        body: r.body,
        validated: r.validated,
        parsed_event: Default::default(),
        dependencies: Default::default(),
        lambda_context: Default::default(),
    }
}

/// Powertools' `ResponseBuilder` serialize step: `Content-Type` from the header or the
/// `content_type` argument (the header wins), and JSON bodies through the app's serializer.
fn response_to_wit(app: &App, r: Response) -> Result<w::Response, Error> {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(r.headers.len() + 1);
    for (name, values) in &r.headers {
        headers.extend(values.iter().map(|v| (name.clone(), v.clone())));
    }
    let header_ct = r
        .headers
        .iter()
        .find(|(n, _)| n == "Content-Type")
        .and_then(|(_, v)| v.first());
    if header_ct.is_none()
        && let Some(ct) = &r.content_type
    {
        headers.push(("Content-Type".to_string(), ct.clone()));
    }
    let body = match r.body {
        Body::None => w::Body::None,
        Body::Text(s) => w::Body::Text(s),
        Body::Binary(b) => w::Body::Binary(b),
        Body::Json(v) => w::Body::Text(match &app.serializer {
            Some(serialize) => serialize(&v),
            None => switchyard_pyjson::to_string(&v)?,
        }),
    };
    Ok(w::Response {
        status: r.status,
        headers,
        cookies: r.cookies.into_iter().map(cookie_to_wit).collect(),
        body,
        compress: r.compress,
    })
}

fn cookie_to_wit(c: Cookie) -> w::Cookie {
    w::Cookie {
        name: c.name,
        value: c.value,
        path: c.path,
        domain: c.domain,
        expires: c.expires,
        max_age: c.max_age,
        http_only: c.http_only,
        secure: c.secure,
        same_site: c.same_site.map(|s| match s {
            SameSite::Strict => w::SameSite::Strict,
            SameSite::Lax => w::SameSite::Lax,
            SameSite::None => w::SameSite::None,
        }),
        custom_attributes: c.custom_attributes,
    }
}

pub(crate) fn response_from_wit(r: w::Response) -> Response {
    let mut response = Response::new(r.status);
    for (name, value) in r.headers {
        match response.headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => response.headers.push((name, vec![value])),
        }
    }
    response.cookies = r
        .cookies
        .into_iter()
        .map(|c| Cookie {
            name: c.name,
            value: c.value,
            path: c.path,
            domain: c.domain,
            expires: c.expires,
            max_age: c.max_age,
            http_only: c.http_only,
            secure: c.secure,
            same_site: c.same_site.map(|s| match s {
                w::SameSite::Strict => SameSite::Strict,
                w::SameSite::Lax => SameSite::Lax,
                w::SameSite::None => SameSite::None,
            }),
            custom_attributes: c.custom_attributes,
        })
        .collect();
    response.body = match r.body {
        w::Body::None => Body::None,
        w::Body::Text(s) => Body::Text(s),
        w::Body::Binary(b) => Body::Binary(b),
    };
    response.compress = r.compress;
    response
}

fn error_to_wit(e: Error) -> w::Error {
    let e = e.into_parts();
    if let Some(value) = e.value {
        RAISED.set(Some(Raised {
            type_names: e.type_names.clone(),
            message: e.message.clone(),
            value,
        }));
    }
    w::Error {
        type_names: e.type_names,
        message: e.message,
        service: e.service.map(|s| w::ServiceError {
            status: s.status(),
            message_json: s.message().to_string(),
        }),
    }
}

pub(crate) fn error_from_wit(e: w::Error) -> Error {
    let value = RAISED
        .with_borrow(|raised| {
            raised
                .as_ref()
                .filter(|r| r.type_names == e.type_names && r.message == e.message)
                .map(|r| r.value.clone())
        })
        .or_else(|| host_raised_value(&e));
    Error::from_parts(ErrorParts {
        type_names: e.type_names,
        message: e.message,
        service: e.service.map(|s| {
            ServiceError::with_json(
                s.status,
                serde_json::from_str(&s.message_json)
                    .unwrap_or(serde_json::Value::String(s.message_json)),
            )
        }),
        value,
    })
}

/// The value of an error the host raised, which crosses as names and message: so far only
/// `ResponseSizeExceededError` has fields.
fn host_raised_value(e: &w::Error) -> Option<ErrorValue> {
    if *e.type_names.first()? != type_key::<ResponseSizeExceededError>() {
        return None;
    }
    let error = ResponseSizeExceededError::from_message(&e.message)?;
    Some(ErrorValue(Rc::new(error)))
}
