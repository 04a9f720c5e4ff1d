//! Neutral request/response ⇄ WIT types.

use super::bindings::{self as wit, Body as WitBody, Cookie, SameSite};
use crate::event::EventSource;
use crate::request::{Fields, Request};
use crate::response::{Body, Headers, Response};

/// The Lambda invocation's context, as the host knows it.
#[derive(Debug, Clone, Default)]
pub struct InvocationContext {
    /// The invocation's request id.
    pub request_id: String,
    /// The function's name.
    pub function_name: String,
    /// The function's version.
    pub function_version: String,
    /// The ARN the function was invoked with.
    pub invoked_function_arn: String,
    /// The function's memory, in MB.
    pub memory_limit_mb: u32,
    /// Milliseconds since the Unix epoch when Lambda stops the invocation; 0 when unknown.
    pub deadline_ms: u64,
}

impl InvocationContext {
    /// The context `switchyard invoke` and tests use: the Powertools docs' fake context.
    pub fn local() -> Self {
        Self {
            request_id: "00000000-0000-0000-0000-000000000000".into(),
            function_name: "test".into(),
            function_version: "$LATEST".into(),
            invoked_function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:test".into(),
            memory_limit_mb: 128,
            deadline_ms: 0,
        }
    }
}

/// Name/value pairs as `packed-fields`: every name and value in one string, and where each
/// ends. Offsets are `u32`: a Lambda event is at most a few megabytes.
fn pack(fields: &Fields) -> wit::PackedFields {
    let mut text = String::with_capacity(fields.iter().map(|(n, v)| n.len() + v.len()).sum());
    let mut ends = Vec::with_capacity(fields.len() * 2);
    for (name, value) in fields {
        text.push_str(name);
        ends.push(text.len() as u32);
        text.push_str(value);
        ends.push(text.len() as u32);
    }
    wit::PackedFields { text, ends }
}

impl InvocationContext {
    /// The context as the `lambda-context` import answers it.
    pub(crate) fn to_wit(&self) -> wit::LambdaContext {
        wit::LambdaContext {
            request_id: self.request_id.clone(),
            function_name: self.function_name.clone(),
            function_version: self.function_version.clone(),
            invoked_function_arn: self.invoked_function_arn.clone(),
            memory_limit_mb: self.memory_limit_mb,
            deadline_ms: self.deadline_ms,
        }
    }
}

pub(crate) fn request_to_wit(
    request: &Request,
    route_path: &str,
    path_params: Fields,
) -> wit::Request {
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
        method: request.method.clone(),
        path: request.path.clone(),
        route_path: route_path.to_string(),
        path_params,
        headers: pack(&request.headers),
        query: pack(&request.query),
        cookies: pack(&request.cookies),
        body: request.body.clone(),
        validated: None,
    }
}

pub(crate) fn response_from_wit(r: wit::Response) -> Response {
    let mut headers = Headers::default();
    for (name, value) in r.headers {
        headers.append(&name, value);
    }
    Response {
        status: r.status,
        headers,
        cookies: r.cookies.iter().map(format_cookie).collect(),
        body: match r.body {
            WitBody::None => Body::None,
            WitBody::Text(s) => Body::Text(s),
            WitBody::Binary(b) => Body::Binary(b),
        },
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

/// The error an unmatched route raises, as Powertools' `NotFoundError()`.
pub(crate) fn not_found_error() -> wit::Error {
    wit::Error {
        type_names: vec!["NotFoundError".into(), "ServiceError".into()],
        message: "404 Not found".into(),
        service: Some(wit::ServiceError {
            status: 404,
            message_json: "\"Not found\"".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_pack_into_one_string_and_the_end_of_each_name_and_value() {
        let pairs = |list: &[(&str, &str)]| -> Fields {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let table: [(Fields, &str, &[u32]); 3] = [
            (pairs(&[]), "", &[]),
            (
                pairs(&[("Accept", "*/*"), ("X-Id", ""), ("X-Id", "ü")]),
                "Accept*/*X-IdX-Idü",
                &[6, 9, 13, 13, 17, 19],
            ),
            (pairs(&[("", "v")]), "v", &[0, 1]),
        ];
        for (fields, text, ends) in table {
            let packed = pack(&fields);
            assert_eq!(packed.text, text);
            assert_eq!(packed.ends, ends, "{fields:?}");
        }
    }
}
