//! Outbound HTTP from a handler: a small blocking client over `wasi:http`.
//!
//! A component reaches only the hosts its bundle entry lists in `allowed_hosts`; the host
//! refuses any other before a byte leaves it, and [`OutboundRequest::send`] returns
//! [`OutboundError::Denied`]. The host also cuts every timeout to what is left of the
//! request's deadline.
//!
//! ```no_run
//! use serde_json::Value;
//! use switchyard_sdk::{Error, outbound};
//!
//! fn weather() -> Result<Value, Error> {
//!     let answer = outbound::get("https://api.example.com/weather?city=Lisbon")?;
//!     Ok(answer.json()?)
//! }
//! ```

use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme,
};
use wasip2::io::streams::StreamError;

/// Sends a `GET` request and reads the whole answer.
pub fn get(url: &str) -> Result<OutboundResponse, OutboundError> {
    OutboundRequest::new("GET", url).send()
}

/// An HTTP request to another service.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A whole HTTP answer.
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    /// The status code.
    pub status: u16,
    /// The headers, in order, repeats kept.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundError {
    /// The host refused it: the URL's host is not in the component's `allowed_hosts`.
    Denied(String),
    /// The URL is not `http://` or `https://` with a host.
    InvalidUrl(String),
    /// The request failed on the way (DNS, connection, timeout, protocol): `wasi:http`'s
    /// error code, as text.
    Failed(String),
}

impl std::fmt::Display for OutboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutboundError::Denied(url) => write!(
                f,
                "the host denied the request to `{url}`: its host is not in this component's `allowed_hosts`"
            ),
            OutboundError::InvalidUrl(url) => {
                write!(f, "`{url}` is not an http:// or https:// URL with a host")
            }
            OutboundError::Failed(why) => write!(f, "the request failed: {why}"),
        }
    }
}

impl std::error::Error for OutboundError {}

impl OutboundRequest {
    /// A request with `method` (`GET`, `POST`...) to an `http://` or `https://` URL.
    pub fn new(method: &str, url: &str) -> Self {
        Self {
            method: method.to_string(),
            url: url.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request and reads the whole answer, blocking this handler until it has.
    pub fn send(self) -> Result<OutboundResponse, OutboundError> {
        let invalid = || OutboundError::InvalidUrl(self.url.clone());
        let (scheme, rest) = match self.url.split_once("://") {
            Some(("http", rest)) => (Scheme::Http, rest),
            Some(("https", rest)) => (Scheme::Https, rest),
            _ => return Err(invalid()),
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            return Err(invalid());
        }
        let path = match path.starts_with('?') {
            true => format!("/{path}"),
            false => path.to_string(),
        };
        let fields: Vec<(String, Vec<u8>)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
            .collect();
        let headers = Fields::from_list(&fields)
            .map_err(|e| OutboundError::Failed(format!("invalid header: {e:?}")))?;
        let request = OutgoingRequest::new(headers);
        let method = match self.method.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "PATCH" => Method::Patch,
            "OPTIONS" => Method::Options,
            other => Method::Other(other.to_string()),
        };
        let refused = |what: &str| OutboundError::Failed(format!("invalid {what}"));
        request.set_method(&method).map_err(|_| refused("method"))?;
        request
            .set_scheme(Some(&scheme))
            .map_err(|_| refused("scheme"))?;
        request
            .set_authority(Some(authority))
            .map_err(|_| invalid())?;
        request
            .set_path_with_query(Some(&path))
            .map_err(|_| invalid())?;
        let body = request.body().map_err(|_| refused("body"))?;
        let pending = outgoing_handler::handle(request, None).map_err(|e| self.error(e))?;
        {
            let stream = body.write().map_err(|_| refused("body"))?;
            for chunk in self.body.chunks(4096) {
                stream
                    .blocking_write_and_flush(chunk)
                    .map_err(|e| OutboundError::Failed(format!("writing the body: {e:?}")))?;
            }
        }
        OutgoingBody::finish(body, None).map_err(|e| self.error(e))?;
        pending.subscribe().block();
        let response = match pending.get() {
            Some(Ok(Ok(response))) => response,
            Some(Ok(Err(code))) => return Err(self.error(code)),
            _ => return Err(OutboundError::Failed("no response".into())),
        };
        let status = response.status();
        let headers = response
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect();
        let incoming = response
            .consume()
            .map_err(|_| OutboundError::Failed("the body was already read".into()))?;
        let mut bytes = Vec::new();
        {
            let stream = incoming
                .stream()
                .map_err(|_| OutboundError::Failed("the body was already read".into()))?;
            loop {
                match stream.blocking_read(64 * 1024) {
                    Ok(chunk) => bytes.extend_from_slice(&chunk),
                    Err(StreamError::Closed) => break,
                    Err(StreamError::LastOperationFailed(e)) => {
                        return Err(OutboundError::Failed(e.to_debug_string()));
                    }
                }
            }
        }
        drop(IncomingBody::finish(incoming));
        Ok(OutboundResponse {
            status,
            headers,
            body: bytes,
        })
    }

    fn error(&self, code: ErrorCode) -> OutboundError {
        match code {
            ErrorCode::HttpRequestDenied => OutboundError::Denied(self.url.clone()),
            other => OutboundError::Failed(format!("{other:?}")),
        }
    }
}

impl OutboundResponse {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The first value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
