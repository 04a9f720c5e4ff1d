//! Test guest for SDK features the conformance apps leave out: a custom JSON serializer, a
//! middleware configured with arguments (Powertools' `BaseMiddlewareHandler`), unhandled
//! errors, which debug mode answers with their text, typed parameters without validation,
//! printed output, Swagger UI at a custom path with compression, persisted authorization and
//! a declared security scheme, the `cache_control` and `status_code` route options, and
//! `head` and `options` routes.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::{
    App, Depends, Error, EventSource, Header, Json, JsonSchema, Middleware, Next, NotFoundError,
    OpenApi, Path, Query, Rejection, Request, RequestValidationError, Response, State, Swagger,
    events::RequestContext,
};

/// A middleware that carries its settings, as a `BaseMiddlewareHandler` subclass would.
pub struct StampHeader {
    /// The header to set on every answer.
    pub name: &'static str,
    /// Its value.
    pub value: String,
}

impl Middleware for StampHeader {
    fn handle(&self, _req: &Request, next: Next) -> Result<Response, Error> {
        let mut response = next.run()?;
        response.set_header(self.name, self.value.clone());
        Ok(response)
    }
}

/// Serializes JSON bodies with sorted keys and a space after each separator, so a test can
/// tell it ran (the default is compact and keeps insertion order).
pub fn sorted_serializer(value: &Value) -> String {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<_> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sort(&map[k])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(value)
        .to_string()
        .replace("\":", "\": ")
        .replace(",\"", ", \"")
}

/// What `GET /answer/<n>` answers: its schema comes from the handler's return type.
#[derive(Serialize, JsonSchema)]
pub struct Answer {
    /// The number asked for.
    pub n: u32,
    /// Its double.
    pub double: u32,
}

/// The 404 body of `GET /answer/<n>`, declared with `response_model`.
#[derive(Serialize, JsonSchema)]
pub struct Problem {
    /// What went wrong.
    pub problem: String,
}

/// `GET /answer/<n>`: `Json<Answer>` (and `201` for 0), without `.returns::<Answer>()`.
pub fn answer(Path(n): Path<u32>) -> Result<(Json<Answer>, u16), Error> {
    let status = if n == 0 { 201 } else { 200 };
    Ok((Json(Answer { n, double: n * 2 }), status))
}

/// A body whose serialization leaves out what its schema requires: its `Serialize` is
/// written by hand and does not say what its derived schema says.
#[derive(JsonSchema)]
pub struct Lying {
    /// Required by the schema, written as `identifier`.
    pub id: u32,
}

impl Serialize for Lying {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("identifier", &self.id)?;
        map.end()
    }
}

/// `GET /lying-answer`: response validation, from the return type alone, catches it.
pub fn lying_answer() -> Json<Lying> {
    Json(Lying { id: 1 })
}

/// The `X-Api-Key` header, as a dependency reads it.
#[derive(Deserialize, JsonSchema)]
pub struct ApiKeyHeader {
    /// `x-api-key`.
    pub x_api_key: String,
}

/// The caller's API key.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

/// A dependency whose extractor is declared on every route that uses it: validated by the
/// host and in the OpenAPI document.
pub fn api_key(Header(header): Header<ApiKeyHeader>) -> Result<ApiKey, Error> {
    Ok(ApiKey(header.x_api_key))
}

/// `GET /whose-key`, validated.
pub fn whose_key(Depends(key): Depends<ApiKey>) -> Value {
    json!({"key": key.0})
}

/// Two dependencies that need each other.
#[derive(Clone, Deserialize)]
pub struct Chicken;
/// See [`Chicken`].
#[derive(Clone, Deserialize)]
pub struct Egg;

/// Needs an egg.
pub fn chicken(Depends(_): Depends<Egg>) -> Result<Chicken, Error> {
    Ok(Chicken)
}

/// Needs a chicken.
pub fn egg(Depends(_): Depends<Chicken>) -> Result<Egg, Error> {
    Ok(Egg)
}

/// A dependency no function provides.
#[derive(Clone)]
pub struct Unregistered;

/// `GET /aws-event`: the whole event as `aws_lambda_events`' type for its source.
pub fn aws_event(req: &Request) -> Result<Value, Error> {
    use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayV2httpRequest};
    Ok(match req.source() {
        EventSource::RestV1 => {
            let event: ApiGatewayProxyRequest = req.event()?;
            json!({"method": event.http_method.as_str(), "request_id": event.request_context.request_id})
        }
        EventSource::HttpV2 => {
            let event: ApiGatewayV2httpRequest = req.event()?;
            json!({"method": event.request_context.http.method.as_str(), "request_id": event.request_context.request_id})
        }
        other => json!({"source": format!("{other:?}")}),
    })
}

/// `/typed-context`, any method: the request context typed per source and the accessors every
/// source answers, in the shape `tests/conformance/typed-events/record.py` writes what
/// Powertools' data classes read.
pub fn typed_context(req: &Request) -> Result<Value, Error> {
    let context = match req.request_context()? {
        RequestContext::Rest(rest) => json!({
            "account_id": rest.account_id, "api_id": rest.api_id,
            "domain_name": rest.domain_name, "domain_prefix": rest.domain_prefix,
            "extended_request_id": rest.extended_request_id, "http_method": rest.http_method,
            "path": rest.path, "protocol": rest.protocol, "request_id": rest.request_id,
            "request_time": rest.request_time, "request_time_epoch": rest.request_time_epoch,
            "resource_id": rest.resource_id, "resource_path": rest.resource_path,
            "stage": rest.stage, "operation_name": rest.operation_name,
            "identity": {
                "access_key": rest.identity.access_key, "account_id": rest.identity.account_id,
                "api_key": rest.identity.api_key, "api_key_id": rest.identity.api_key_id,
                "caller": rest.identity.caller,
                "cognito_authentication_provider": rest.identity.cognito_authentication_provider,
                "cognito_authentication_type": rest.identity.cognito_authentication_type,
                "cognito_identity_id": rest.identity.cognito_identity_id,
                "cognito_identity_pool_id": rest.identity.cognito_identity_pool_id,
                "principal_org_id": rest.identity.principal_org_id,
                "source_ip": rest.identity.source_ip, "user": rest.identity.user,
                "user_agent": rest.identity.user_agent, "user_arn": rest.identity.user_arn,
            },
            "authorizer": {
                "claims": rest.authorizer.claims(),
                "scopes": rest.authorizer.scopes(),
                "principal_id": rest.authorizer.principal_id(),
                "integration_latency": rest.authorizer.integration_latency(),
                "tenant": rest.authorizer.get("tenant"),
            },
        }),
        RequestContext::HttpApi(http) | RequestContext::FunctionUrl(http) => json!({
            "account_id": http.account_id, "api_id": http.api_id,
            "domain_name": http.domain_name, "domain_prefix": http.domain_prefix,
            "request_id": http.request_id, "route_key": http.route_key, "stage": http.stage,
            "time": http.time, "time_epoch": http.time_epoch,
            "http": {
                "method": http.http.method, "path": http.http.path,
                "protocol": http.http.protocol, "source_ip": http.http.source_ip,
                "user_agent": http.http.user_agent,
            },
            "authorizer": {
                "jwt_claims": http.authorizer.jwt_claims(),
                "jwt_scopes": http.authorizer.jwt_scopes(),
                "lambda": http.authorizer.lambda(),
                "iam": http.authorizer.iam.as_ref().map(|iam| {
                    let cognito = iam.cognito_identity.clone().unwrap_or_default();
                    json!({
                        "access_key": iam.access_key, "account_id": iam.account_id,
                        "caller_id": iam.caller_id, "principal_org_id": iam.principal_org_id,
                        "user_arn": iam.user_arn, "user_id": iam.user_id,
                        "cognito_identity_id": cognito.identity_id,
                        "cognito_identity_pool_id": cognito.identity_pool_id,
                        "cognito_amr": cognito.amr,
                    })
                }),
            },
        }),
        RequestContext::Alb(alb) => json!({"target_group_arn": alb.elb.target_group_arn}),
        RequestContext::Lattice(lattice) => json!({
            "service_network_arn": lattice.service_network_arn,
            "service_arn": lattice.service_arn,
            "target_group_arn": lattice.target_group_arn,
            "region": lattice.region, "time_epoch": lattice.time_epoch,
            "identity": {
                "source_vpc_arn": lattice.identity.source_vpc_arn,
                "type": lattice.identity.identity_type,
                "principal": lattice.identity.principal,
                "principal_org_id": lattice.identity.principal_org_id,
                "session_name": lattice.identity.session_name,
                "x509_subject_cn": lattice.identity.x509_subject_cn,
                "x509_issuer_ou": lattice.identity.x509_issuer_ou,
                "x509_san_dns": lattice.identity.x509_san_dns,
                "x509_san_uri": lattice.identity.x509_san_uri,
                "x509_san_name_cn": lattice.identity.x509_san_name_cn,
            },
        }),
        RequestContext::None => Value::Null,
    };
    Ok(json!({
        "source": format!("{:?}", req.source()),
        "request_id": req.request_id(),
        "source_ip": req.source_ip(),
        "user_agent": req.user_agent(),
        "claims": req.authorizer_claims(),
        "context": context,
    }))
}

/// `GET /values`: a JSON body the serializer reorders.
pub fn values() -> Value {
    json!({"zeta": 1, "alpha": [3, 2], "mid": {"b": true, "a": null}})
}

/// `GET /context`: a header read through `current_event` (the host hands over the event's
/// `headers` field alone), then the event's `requestContext` (the whole event parsed), and
/// the Lambda context (asked of the host) with the time it has left.
pub fn context(req: &Request) -> Value {
    let accept = req.current_event().header("accept");
    let lambda = req.lambda_context();
    json!({
        "context": req.raw_event().get("requestContext"),
        "accept": accept,
        "lambda": [
            lambda.request_id,
            lambda.function_name,
            lambda.function_version,
            lambda.invoked_function_arn,
            lambda.memory_limit_mb,
            lambda.deadline_ms,
            lambda.log_group_name,
            lambda.log_stream_name,
        ],
        "remaining_ms": lambda.remaining_time_in_millis(),
    })
}

/// `GET /parse/<n>`: a `ParseIntError` that no exception handler catches.
pub fn parse(req: &Request) -> Result<Value, Error> {
    let n: i32 = req.path_param("n").unwrap_or_default().parse()?;
    Ok(json!({"n": n}))
}

/// `GET /typed/<n>`: a validated path parameter.
pub fn typed(Path(n): Path<i64>) -> Value {
    json!({"n": n})
}

/// `GET /logged`: Powertools' Logger sample (`logger.info("listing todos", extra={"count": 2})`)
/// and the rest of its API, as `tests/conformance/observability/record.py` writes it in Python.
pub fn logged() -> Value {
    use switchyard_sdk::logger;
    logger::info_with("listing todos", json!({"count": 2}));
    logger::append_keys(json!({"tenant": "acme", "gone": true}));
    logger::remove_keys(&["gone"]);
    let correlation_id = logger::correlation_id();
    logger::set_correlation_id(Some("set-by-guest"));
    logger::warn("after");
    json!({"todos": [], "correlation_id": correlation_id})
}

/// `GET /metered`: Powertools' Metrics sample (`metrics.add_metric(name="TodosListed",
/// unit=MetricUnit.Count, value=2)`) with a dimension and metadata, as
/// `tests/conformance/observability/record.py` writes it in Python; the refusal of a nameless metric
/// is the body.
pub fn metered() -> Result<Value, Error> {
    use switchyard_sdk::metrics::{self, MetricResolution, MetricUnit};
    metrics::add_metric("TodosListed", MetricUnit::Count, 2.0)?;
    metrics::add_dimension("environment", "prod")?;
    metrics::add_metadata("request", "r-1")?;
    metrics::add_metric_with_resolution(
        "Fetch",
        MetricUnit::Milliseconds,
        1.5,
        MetricResolution::High,
    )?;
    metrics::add_metric("TodosListed", MetricUnit::Count, 3.0)?;
    let refused = metrics::add_metric(" ", MetricUnit::Count, 1.0).unwrap_err();
    Ok(json!({"refused": refused.to_string()}))
}

/// `GET /traced`: Powertools' Tracer API: an annotation and metadata on the handler's
/// subsegment, a subsegment of its own with an annotation, one that fails, and a refused key.
pub fn traced() -> Result<Value, Error> {
    use switchyard_sdk::tracer;
    tracer::put_annotation("TodoCount", 2)?;
    tracer::put_metadata("todos", json!([]))?;
    let total = tracer::in_subsegment("## count", || {
        tracer::put_annotation("Inner", true).map(|()| 2)
    })?;
    let failed: Result<(), String> = tracer::capture("## fails", || Err("no luck".into()));
    let refused = tracer::put_annotation("bad key!", 1).unwrap_err();
    Ok(json!({"total": total, "failed": failed.is_err(), "refused": refused.to_string()}))
}

/// `GET /prints`: lines printed in pieces.
pub fn prints() -> Value {
    use std::io::Write as _;
    print!("partial ");
    let (word, number) = ("one", 2);
    println!("{word} and {number}");
    // Unbuffered: each piece is a write (and, in WASI, a flush) of its own.
    let mut stderr = std::io::stderr();
    let _ = stderr.write_all(b"warning: ");
    let _ = stderr.write_all(b"in pieces\n");
    print!("flushed without a newline");
    let _ = std::io::stdout().flush();
    json!({"printed": true})
}

/// The query of `GET /search/<n>`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Search {
    /// How many.
    pub limit: i64,
    /// Every `tags` value sent.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whether to match exactly.
    pub exact: Option<bool>,
}

/// `GET /search/<n>`: typed path and query parameters on a route without validation, each
/// parsed from its text by the SDK.
pub fn search(Path(n): Path<u32>, Query(search): Query<Search>) -> Value {
    json!({"n": n, "limit": search.limit, "tags": search.tags, "exact": search.exact})
}

/// A form or JSON body with one required field.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// The note, at least two characters.
    #[schemars(length(min = 2))]
    pub text: String,
    /// How urgent, 1 to 5.
    #[serde(default)]
    #[schemars(range(min = 1, max = 5))]
    pub urgency: Option<i64>,
}

/// `POST /notes`: echoes the validated note.
pub fn create_note(Json(note): Json<Note>) -> Json<Note> {
    Json(note)
}

/// `POST /echo`: the JSON body as it came, every number with its digits.
pub fn echo(Json(body): Json<Value>) -> Json<Value> {
    Json(body)
}

/// A body with an integer past 64 bits.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Wide {
    /// Any `i128`.
    pub big: i128,
}

/// `POST /wide`: a validated `i128` field, doubled as Python's `int` would.
pub fn wide(Json(body): Json<Wide>) -> Result<Json<Value>, Error> {
    let doubled = body
        .big
        .checked_mul(2)
        .ok_or_else(|| Error::custom("OverflowError", "past i128"))?;
    Ok(Json(json!({"big": body.big, "doubled": doubled})))
}

/// `GET /note`: an answer that is a `Note` as it is, written by the app's serializer.
pub fn note() -> Value {
    json!({"urgency": 2, "text": "hi"})
}

/// `GET /short-note`: a `Note` without its optional member, which checking fills in, so the
/// app's serializer writes the checked answer again.
pub fn short_note() -> Value {
    json!({"text": "hi"})
}

/// `GET /broken-note`: an answer that is not a `Note`.
pub fn broken_note() -> Value {
    json!({"text": 5})
}

/// Raised by `GET /locked/<id>`: an error with a field its exception handler reads.
#[derive(Debug)]
pub struct TodoLocked {
    /// The locked todo.
    pub id: u32,
}

impl std::fmt::Display for TodoLocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "todo {} is locked", self.id)
    }
}

impl std::error::Error for TodoLocked {}

/// `GET /locked/<id>`: raises `TodoLocked`, which passes the app's middleware on its way out.
pub fn locked(Path(id): Path<u32>) -> Result<Value, Error> {
    Err(TodoLocked { id }.into())
}

/// `GET /locked-note/<id>`: raises `TodoLocked` from a route whose answer is checked, so the
/// host runs the handler in a call of its own inside the middleware's.
pub fn locked_note(Path(id): Path<u32>) -> Result<Value, Error> {
    Err(TodoLocked { id }.into())
}

/// Answers `TodoLocked` with 423 and the id read from the error's value.
pub fn todo_locked(_req: &Request, err: &Error) -> Response {
    match err.downcast_ref::<TodoLocked>() {
        Some(locked) => Response::json(423, json!({"locked": locked.id})),
        None => Response::json(500, json!({"no value for": err.message()})),
    }
}

/// Answers a failed validation with 400, the number of problems and the first one whole
/// (Pydantic's `loc`, `type`, `msg`, `input`, `ctx`), instead of the 422.
pub fn invalid_request(_req: &Request, err: &Error) -> Response {
    let errors = err.validation_errors().unwrap_or_default();
    Response::json(
        400,
        json!({"invalid": errors.len(), "first": errors.first()}),
    )
}

/// An extractor's refusal, answered as the default 400 with what the `Rejection` says.
pub fn rejected(_req: &Request, err: &Error) -> Response {
    let rejection = err.downcast_ref::<Rejection>();
    Response::json(
        400,
        json!({
            "statusCode": 400,
            "message": err.message(),
            "part": rejection.map(|r| format!("{:?}", r.part)),
            "parameter": rejection.and_then(|r| r.parameter.clone()),
        }),
    )
}

/// `GET /bounded/<n>?small=`: a `u32` and a `u8`, validated by the host with their types'
/// bounds.
pub fn bounded(Path(n): Path<u32>, Query(query): Query<Bounded>) -> Value {
    json!({"n": n, "small": query.small})
}

/// The query of `/bounded/<n>`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Bounded {
    /// A byte.
    #[serde(default)]
    pub small: u8,
    /// A signed 64-bit value.
    #[serde(default)]
    pub wide: i64,
}

/// `GET /cached/<status>`: answers with that status, or raises a 404, on a route with a
/// `Cache-Control` setting.
pub fn cached(Path(status): Path<u16>) -> Result<Response, Error> {
    match status {
        404 => Err(NotFoundError::new("no such thing").into()),
        status => Ok(Response::json(status, json!({"status": status}))),
    }
}

/// `GET /created...`: a plain return, a tuple, a `Response` and an error, on routes whose
/// default status is 201.
pub fn created() -> Value {
    json!({"created": true})
}

/// `GET /created-tuple`: a status of its own.
pub fn created_tuple() -> (Value, u16) {
    (json!({"created": true}), 202)
}

/// `GET /created-response`: a whole response.
pub fn created_response() -> Response {
    Response::json(200, json!({"created": true}))
}

/// `GET /created-error`: an error instead of the value.
pub fn created_error() -> Result<Value, Error> {
    Err(NotFoundError::new("nothing created").into())
}

/// `HEAD /resource`: headers and no body.
pub fn head_resource() -> Response {
    Response::new(200)
        .content_type("text/plain")
        .header("X-Resource-Size", "42")
        .body("")
}

/// `OPTIONS /resource`: the methods it answers.
pub fn options_resource() -> Response {
    Response::new(204).header("Allow", "HEAD, OPTIONS").body("")
}

/// `GET /gzip/...`: text that compresses well.
pub fn repeated_text() -> Response {
    Response::new(200)
        .content_type("text/plain")
        .body("lorem ipsum dolor sit amet, ".repeat(200))
}

/// The app.
pub fn app() -> App {
    App::new()
        .serializer(sorted_serializer)
        .use_middleware(StampHeader {
            name: "X-Stamp",
            value: "configured".to_string(),
        })
        .openapi(
            OpenApi::new()
                .title("Features")
                .security_scheme(
                    "apiKey",
                    json!({"type": "apiKey", "in": "header", "name": "x-api-key"}),
                )
                .security(json!({"apiKey": []})),
        )
        .enable_swagger(
            Swagger::new()
                .path("/docs")
                .compress(true)
                .persist_authorization(true),
        )
        .get("/values", values)
        .summary("Values in an unusual order")
        // The same compressible text gzipped at the app's level (Powertools' 9) and at a
        // route's own.
        .get("/gzip/best", repeated_text)
        .compress(true)
        .include_in_schema(false)
        .get("/gzip/fastest", repeated_text)
        .compress(true)
        .compression_level(switchyard_sdk::CompressionLevel::Fastest)
        .include_in_schema(false)
        // A dynamic rule that also matches the Swagger UI path: the page, a static route
        // in Powertools, still answers `/docs`.
        .get("/doc(s?)", || json!({"route": "dynamic"}))
        .include_in_schema(false)
        .get("/context", context)
        .get("/aws-event", aws_event)
        .dependency(api_key)
        .dependency(chicken)
        .dependency(egg)
        .get("/whose-key", whose_key)
        .validation(true)
        .get("/answer/<n>", answer)
        .validation(true)
        // As in Powertools, custom responses list every status; one without `content` gets
        // the return type's schema.
        .responses(json!({"200": {"description": "The answer"}}))
        .response_model::<Problem>(404, "No answer")
        .get("/lying-answer", lying_answer)
        .validation(true)
        .get("/cycle", |Depends(_): Depends<Chicken>| "never answered")
        .get(
            "/unregistered",
            |Depends(_): Depends<Unregistered>| "never answered",
        )
        .get("/no-state", |_: State<Unregistered>| "never answered")
        .route(
            "/typed-context",
            &["GET", "POST", "PUT", "PATCH", "DELETE"],
            typed_context,
        )
        .include_in_schema(false)
        .get("/parse/<n>", parse)
        .get("/typed/<n>", typed)
        .validation(true)
        .get("/bounded/<n>", bounded)
        .validation(true)
        .get("/search/<n>", search)
        .get("/prints", prints)
        .get("/logged", logged)
        .get("/metered", metered)
        .get("/traced", traced)
        .post("/notes", create_note)
        .validation(true)
        .post("/raw-note", create_note)
        .post("/echo", echo)
        .post("/wide", wide)
        .validation(true)
        .get("/note", note)
        .validation(true)
        .returns::<Note>()
        .get("/short-note", short_note)
        .validation(true)
        .returns::<Note>()
        .get("/broken-note", broken_note)
        .validation(true)
        .returns::<Note>()
        .custom_response_validation_http_code(503)
        .get("/locked/<id>", locked)
        .get("/locked-note/<id>", locked_note)
        .validation(true)
        .returns::<Note>()
        .get("/cached/<status>", cached)
        .cache_control("max-age=60")
        .get("/created", created)
        .status_code(201)
        .get("/created-tuple", created_tuple)
        .status_code(201)
        .get("/created-response", created_response)
        .status_code(201)
        .get("/created-error", created_error)
        .status_code(201)
        .head("/resource", head_resource)
        .options("/resource", options_resource)
        .exception_handler::<RequestValidationError, _>(invalid_request)
        .exception_handler::<Rejection, _>(rejected)
        .exception_handler::<TodoLocked, _>(todo_locked)
}

switchyard_sdk::export!(app);
