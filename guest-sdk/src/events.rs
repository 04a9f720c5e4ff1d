//! The event's `requestContext`, typed per source (Powertools' `current_event.request_context`),
//! and the accessors every source answers ([`Request::request_id`], [`Request::source_ip`],
//! [`Request::user_agent`], [`Request::authorizer_claims`]).
//!
//! Every field is optional and a `null` reads as absent, as Powertools' data classes read
//! them with `.get`: a context that lacks a field is still a context. The types are written
//! here rather than taken from `aws_lambda_events`, whose contexts refuse an event without
//! `httpMethod` or `http.method` and keep REST authorizer claims as an untyped map; for the
//! whole event in that crate's types, ask [`Request::event`].
//!
//! ```
//! use switchyard_sdk::{Error, Request, events::RequestContext};
//!
//! fn whoami(req: &Request) -> Result<String, Error> {
//!     let email = match req.request_context()? {
//!         // A Cognito user pool authorizer on a REST API.
//!         RequestContext::Rest(rest) => rest.authorizer.claims().get("email").cloned(),
//!         // A JWT authorizer on an HTTP API.
//!         RequestContext::HttpApi(http) => http.authorizer.jwt_claims().get("email").cloned(),
//!         _ => None,
//!     };
//!     Ok(email.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())
//! }
//! ```

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::{Map, Value};

use crate::error::{Error, InternalServerError};
use crate::request::{EventSource, FromRequest, Request};

/// A JSON object.
pub type Object = Map<String, Value>;

/// `requestContext`, typed by the event's source.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestContext {
    /// API Gateway REST API (`APIGatewayEventRequestContext`).
    Rest(Box<RestContext>),
    /// API Gateway HTTP API (`RequestContextV2`).
    HttpApi(Box<HttpApiContext>),
    /// Lambda Function URL: an HTTP API context whose authorizer is IAM only.
    FunctionUrl(Box<HttpApiContext>),
    /// Application Load Balancer (`ALBEventRequestContext`).
    Alb(AlbContext),
    /// VPC Lattice v2 (`vpcLatticeEventV2RequestContext`).
    Lattice(Box<LatticeContext>),
    /// VPC Lattice v1 events carry no request context.
    None,
}

/// An API Gateway REST API request context.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RestContext {
    /// `accountId`.
    pub account_id: Option<String>,
    /// `apiId`.
    pub api_id: Option<String>,
    /// `domainName`.
    pub domain_name: Option<String>,
    /// `domainPrefix`.
    pub domain_prefix: Option<String>,
    /// `extendedRequestId`.
    pub extended_request_id: Option<String>,
    /// `httpMethod`.
    pub http_method: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `protocol`.
    pub protocol: Option<String>,
    /// `requestId`.
    pub request_id: Option<String>,
    /// `requestTime`.
    pub request_time: Option<String>,
    /// `requestTimeEpoch`.
    pub request_time_epoch: Option<i64>,
    /// `resourceId`.
    pub resource_id: Option<String>,
    /// `resourcePath`.
    pub resource_path: Option<String>,
    /// `stage`.
    pub stage: Option<String>,
    /// `operationName`.
    pub operation_name: Option<String>,
    /// `identity`.
    #[serde(deserialize_with = "null_as_default")]
    pub identity: Identity,
    /// `authorizer`.
    #[serde(deserialize_with = "null_as_default")]
    pub authorizer: RestAuthorizer,
}

/// Who called a REST API (`APIGatewayEventIdentity`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Identity {
    /// `accessKey`.
    pub access_key: Option<String>,
    /// `accountId`.
    pub account_id: Option<String>,
    /// `apiKey`.
    pub api_key: Option<String>,
    /// `apiKeyId`.
    pub api_key_id: Option<String>,
    /// `caller`.
    pub caller: Option<String>,
    /// `cognitoAuthenticationProvider`.
    pub cognito_authentication_provider: Option<String>,
    /// `cognitoAuthenticationType`.
    pub cognito_authentication_type: Option<String>,
    /// `cognitoIdentityId`.
    pub cognito_identity_id: Option<String>,
    /// `cognitoIdentityPoolId`.
    pub cognito_identity_pool_id: Option<String>,
    /// `principalOrgId`.
    pub principal_org_id: Option<String>,
    /// `sourceIp`.
    pub source_ip: Option<String>,
    /// `user`.
    pub user: Option<String>,
    /// `userAgent`.
    pub user_agent: Option<String>,
    /// `userArn`.
    pub user_arn: Option<String>,
}

/// A REST API authorizer's output: a Cognito user pool's `claims` (and `scopes`), or a
/// Lambda authorizer's `principalId`, `integrationLatency` and context keys.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct RestAuthorizer(#[serde(deserialize_with = "null_as_default")] pub Object);

impl RestAuthorizer {
    /// The Cognito user pool's claims; empty when there are none (`authorizer.claims`).
    pub fn claims(&self) -> &Object {
        object_at(&self.0, "claims")
    }
    /// The OAuth scopes the token granted (`authorizer.scopes`).
    pub fn scopes(&self) -> Vec<String> {
        strings_at(&self.0, "scopes")
    }
    /// The Lambda authorizer's principal (`authorizer.principal_id`).
    pub fn principal_id(&self) -> Option<&str> {
        self.0.get("principalId").and_then(Value::as_str)
    }
    /// How long the Lambda authorizer took, in milliseconds.
    pub fn integration_latency(&self) -> Option<i64> {
        self.0.get("integrationLatency").and_then(Value::as_i64)
    }
    /// A key of the Lambda authorizer's context (`authorizer.get(key)`).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }
    /// The whole authorizer object (`authorizer.get_context()`).
    pub fn context(&self) -> &Object {
        &self.0
    }
}

/// An API Gateway HTTP API (or Function URL) request context.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpApiContext {
    /// `accountId`.
    pub account_id: Option<String>,
    /// `apiId`.
    pub api_id: Option<String>,
    /// `domainName`.
    pub domain_name: Option<String>,
    /// `domainPrefix`.
    pub domain_prefix: Option<String>,
    /// `requestId`.
    pub request_id: Option<String>,
    /// `routeKey`.
    pub route_key: Option<String>,
    /// `stage`.
    pub stage: Option<String>,
    /// `time`.
    pub time: Option<String>,
    /// `timeEpoch`.
    pub time_epoch: Option<i64>,
    /// `http`.
    #[serde(deserialize_with = "null_as_default")]
    pub http: HttpDescription,
    /// `authorizer`.
    #[serde(deserialize_with = "null_as_default")]
    pub authorizer: HttpApiAuthorizer,
}

/// The HTTP request as the HTTP API saw it (`RequestContextV2Http`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpDescription {
    /// `method`.
    pub method: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `protocol`.
    pub protocol: Option<String>,
    /// `sourceIp`.
    pub source_ip: Option<String>,
    /// `userAgent`.
    pub user_agent: Option<String>,
}

/// An HTTP API authorizer's output: JWT, Lambda or IAM (`RequestContextV2Authorizer`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct HttpApiAuthorizer {
    /// `jwt`.
    pub jwt: Option<JwtAuthorizer>,
    /// `lambda`.
    pub lambda: Option<Object>,
    /// `iam`.
    pub iam: Option<IamAuthorizer>,
}

impl HttpApiAuthorizer {
    /// The JWT's claims; empty without a JWT authorizer (`authorizer.jwt_claim`).
    pub fn jwt_claims(&self) -> &Object {
        self.jwt.as_ref().map_or(&EMPTY, |jwt| &jwt.claims)
    }
    /// The JWT's scopes (`authorizer.jwt_scopes`).
    pub fn jwt_scopes(&self) -> &[String] {
        self.jwt.as_ref().map_or(&[], |jwt| &jwt.scopes)
    }
    /// The Lambda authorizer's context; empty without one (`authorizer.get_lambda`).
    pub fn lambda(&self) -> &Object {
        self.lambda.as_ref().unwrap_or(&EMPTY)
    }
}

/// What an absent object reads as (`Map::new` is not `const` with `preserve_order`).
static EMPTY: std::sync::LazyLock<Object> = std::sync::LazyLock::new(Map::new);

/// A JWT authorizer's output.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct JwtAuthorizer {
    /// `claims`.
    #[serde(deserialize_with = "null_as_default")]
    pub claims: Object,
    /// `scopes`.
    #[serde(deserialize_with = "null_as_default")]
    pub scopes: Vec<String>,
}

/// An IAM authorizer's caller (`RequestContextV2AuthorizerIam`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IamAuthorizer {
    /// `accessKey`.
    pub access_key: Option<String>,
    /// `accountId`.
    pub account_id: Option<String>,
    /// `callerId`.
    pub caller_id: Option<String>,
    /// `cognitoIdentity`.
    pub cognito_identity: Option<CognitoIdentity>,
    /// `principalOrgId`.
    pub principal_org_id: Option<String>,
    /// `userArn`.
    pub user_arn: Option<String>,
    /// `userId`.
    pub user_id: Option<String>,
}

/// The Cognito identity behind IAM credentials.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CognitoIdentity {
    /// `amr`.
    #[serde(deserialize_with = "null_as_default")]
    pub amr: Vec<String>,
    /// `identityId`.
    pub identity_id: Option<String>,
    /// `identityPoolId`.
    pub identity_pool_id: Option<String>,
}

/// An ALB request context: the target group.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AlbContext {
    /// `elb`.
    #[serde(deserialize_with = "null_as_default")]
    pub elb: Elb,
}

/// The ALB target group that sent the request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Elb {
    /// `targetGroupArn`.
    pub target_group_arn: Option<String>,
}

/// A VPC Lattice v2 request context.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LatticeContext {
    /// `serviceNetworkArn`.
    pub service_network_arn: Option<String>,
    /// `serviceArn`.
    pub service_arn: Option<String>,
    /// `targetGroupArn`.
    pub target_group_arn: Option<String>,
    /// `identity`.
    #[serde(deserialize_with = "null_as_default")]
    pub identity: LatticeIdentity,
    /// `region`.
    pub region: Option<String>,
    /// Microseconds since the Unix epoch, as the text Lattice sends.
    pub time_epoch: Option<String>,
}

/// Who called through VPC Lattice. Keys as AWS documents them; the capitalised `X509...`
/// spellings Powertools reads are accepted too.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LatticeIdentity {
    /// `sourceVpcArn`.
    pub source_vpc_arn: Option<String>,
    /// `AWS_IAM` when the caller signed the request (Powertools' `get_type`).
    #[serde(rename = "type")]
    pub identity_type: Option<String>,
    /// `principal`.
    pub principal: Option<String>,
    /// `principalOrgID`.
    #[serde(rename = "principalOrgID", alias = "principalOrgId")]
    pub principal_org_id: Option<String>,
    /// `sessionName`.
    pub session_name: Option<String>,
    /// `x509SubjectCn`.
    #[serde(alias = "X509SubjectCn")]
    pub x509_subject_cn: Option<String>,
    /// `x509IssuerOu`.
    #[serde(alias = "X509IssuerOu")]
    pub x509_issuer_ou: Option<String>,
    /// `x509SanDns`.
    #[serde(alias = "X509SanDns")]
    pub x509_san_dns: Option<String>,
    /// `x509SanUri`.
    #[serde(alias = "X509SanUri")]
    pub x509_san_uri: Option<String>,
    /// `x509SanNameCn`.
    #[serde(alias = "X509SanNameCn")]
    pub x509_san_name_cn: Option<String>,
}

impl RequestContext {
    /// Types `context` (the event's `requestContext`) for `source`.
    pub(crate) fn parse(source: EventSource, context: Option<&Value>) -> Result<Self, Error> {
        fn typed<T: DeserializeOwned + Default>(context: Option<&Value>) -> Result<T, Error> {
            match context {
                None => Ok(T::default()),
                Some(value) => T::deserialize(value).map_err(|e| {
                    InternalServerError::new(format!("the event's requestContext: {e}")).into()
                }),
            }
        }
        Ok(match source {
            EventSource::RestV1 => Self::Rest(Box::new(typed(context)?)),
            EventSource::HttpV2 => Self::HttpApi(Box::new(typed(context)?)),
            EventSource::FunctionUrl => Self::FunctionUrl(Box::new(typed(context)?)),
            EventSource::Alb | EventSource::AlbMultiValue => Self::Alb(typed(context)?),
            EventSource::LatticeV2 => Self::Lattice(Box::new(typed(context)?)),
            EventSource::LatticeV1 => Self::None,
        })
    }
}

impl FromRequest for RequestContext {
    fn from_request(req: &Request) -> Result<Self, Error> {
        req.request_context()
    }
}

impl Request {
    /// The event's `requestContext`, typed by its source (`current_event.request_context`).
    /// An error when a field has the wrong type (a string where an object belongs).
    pub fn request_context(&self) -> Result<RequestContext, Error> {
        RequestContext::parse(self.source, self.event_view().request_context())
    }

    /// The whole event as `T`: an `aws_lambda_events` request type, or your own.
    pub fn event<T: DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(self.event_view().full())
            .map_err(|e| InternalServerError::new(format!("the event: {e}")).into())
    }

    /// The request's id: API Gateway's and Function URLs' `requestContext.requestId`, or the
    /// `X-Amzn-Trace-Id` header on ALB and VPC Lattice (Powertools' `correlation_paths`).
    pub fn request_id(&self) -> Option<String> {
        match self.source {
            EventSource::RestV1 | EventSource::HttpV2 | EventSource::FunctionUrl => {
                self.context_str(&["requestId"])
            }
            _ => self.header("x-amzn-trace-id").map(str::to_string),
        }
    }

    /// The client's IP address: what API Gateway or the Function URL saw, or the first
    /// `X-Forwarded-For` address that ALB and VPC Lattice add.
    pub fn source_ip(&self) -> Option<String> {
        self.client_field("sourceIp").or_else(|| {
            let forwarded = self.header("x-forwarded-for")?;
            let first = forwarded.split(',').next()?.trim();
            (!first.is_empty()).then(|| first.to_string())
        })
    }

    /// The client's `User-Agent`, as the request context or the headers carry it.
    pub fn user_agent(&self) -> Option<String> {
        self.client_field("userAgent")
            .or_else(|| self.header("user-agent").map(str::to_string))
    }

    /// `key` of what the front door saw of the client: REST's `identity`, HTTP API's and
    /// Function URLs' `http`; `None` on sources whose context has neither.
    fn client_field(&self, key: &str) -> Option<String> {
        let place = match self.source {
            EventSource::RestV1 => "identity",
            EventSource::HttpV2 | EventSource::FunctionUrl => "http",
            _ => return None,
        };
        self.context_str(&[place, key])
    }

    /// The verified token's claims: a Cognito user pool authorizer's on a REST API, a JWT
    /// authorizer's on an HTTP API; empty otherwise (Lambda authorizers' context is
    /// [`RestAuthorizer::get`] and [`HttpApiAuthorizer::lambda`]).
    pub fn authorizer_claims(&self) -> Object {
        let path: &[&str] = match self.source {
            EventSource::RestV1 => &["authorizer", "claims"],
            EventSource::HttpV2 => &["authorizer", "jwt", "claims"],
            _ => return Object::new(),
        };
        self.context_at(path)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    /// The value at `path` in `requestContext`.
    fn context_at(&self, path: &[&str]) -> Option<&Value> {
        path.iter()
            .try_fold(self.event_view().request_context()?, |value, key| {
                value.get(key)
            })
    }

    fn context_str(&self, path: &[&str]) -> Option<String> {
        self.context_at(path)?.as_str().map(str::to_string)
    }
}

/// `key` of `object` as an object; empty when absent, `null` or not an object.
fn object_at<'a>(object: &'a Object, key: &str) -> &'a Object {
    object.get(key).and_then(Value::as_object).unwrap_or(&EMPTY)
}

/// `key` of `object` as a list of strings (other items skipped).
fn strings_at(object: &Object, key: &str) -> Vec<String> {
    let items = object.get(key).and_then(Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A `null` field reads as its default, as Powertools' `self.get(key) or {}` does.
fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
