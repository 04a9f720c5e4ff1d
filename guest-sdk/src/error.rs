//! Errors a handler or middleware returns: `ServiceError`, the named HTTP errors, and any
//! Rust error, which travel up the middleware chain the way an exception does in Powertools.

use std::any::type_name;
use std::fmt;
use std::rc::Rc;

use serde_json::Value;

/// An HTTP error answered as `{"statusCode": status, "message": msg}` (Powertools' `ServiceError`).
///
/// ```
/// use switchyard_sdk::ServiceError;
/// let err = ServiceError::new(502, "Something went wrong!");
/// assert_eq!(err.status(), 502);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    status: u16,
    message: Value,
}

impl ServiceError {
    /// An error with this status and message.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: Value::String(message.into()),
        }
    }

    /// An error whose `message` is any JSON value (Powertools accepts a dict there).
    pub fn with_json(status: u16, message: Value) -> Self {
        Self { status, message }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `message` value of the JSON body.
    pub fn message(&self) -> &Value {
        &self.message
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Value::String(s) => write!(f, "{} {}", self.status, s),
            other => write!(f, "{} {}", self.status, other),
        }
    }
}

impl std::error::Error for ServiceError {}

macro_rules! named_errors {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $default:literal;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq)]
            pub struct $name(ServiceError);

            impl $name {
                /// The error with this message.
                pub fn new(message: impl Into<String>) -> Self {
                    Self(ServiceError::new($status, message))
                }
            }

            impl Default for $name {
                fn default() -> Self {
                    Self::new($default)
                }
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    self.0.fmt(f)
                }
            }

            impl std::error::Error for $name {}

            impl From<$name> for ServiceError {
                fn from(err: $name) -> ServiceError {
                    err.0
                }
            }
        )*

        /// The named error's type name and its service error, if `err` is one.
        fn as_named_error(err: &(dyn std::error::Error + 'static)) -> Option<(&'static str, ServiceError)> {
            $(
                if let Some(named) = err.downcast_ref::<$name>() {
                    return Some((stringify!($name), named.0.clone()));
                }
            )*
            None
        }
    };
}

named_errors! {
    /// 400 Bad Request.
    BadRequestError = 400, "Bad Request";
    /// 401 Unauthorized.
    UnauthorizedError = 401, "Unauthorized";
    /// 403 Forbidden.
    ForbiddenError = 403, "Forbidden";
    /// 404 Not Found; the default message is Powertools' `Not found`.
    NotFoundError = 404, "Not found";
    /// 408 Request Timeout.
    RequestTimeoutError = 408, "Request Timeout";
    /// 413 Request Entity Too Large.
    RequestEntityTooLargeError = 413, "Request Entity Too Large";
    /// 500 Internal Server Error.
    InternalServerError = 500, "Internal Server Error";
    /// 502 Bad Gateway.
    BadGatewayError = 502, "Bad Gateway";
    /// 503 Service Unavailable.
    ServiceUnavailableError = 503, "Service Unavailable";
    /// 504 Gateway Timeout.
    GatewayTimeoutError = 504, "Gateway Timeout";
}

/// A request that failed the host's validation (Powertools' `RequestValidationError`).
///
/// The host answers it with 422 and Pydantic-style details; an exception handler registered
/// for it answers instead, and reads the details with [`Error::validation_errors`].
///
/// ```
/// use switchyard_sdk::{App, Error, Request, RequestValidationError, Response};
/// let app = App::new().enable_validation().exception_handler::<RequestValidationError, _>(
///     |_req: &Request, err: &Error| {
///         let count = err.validation_errors().map_or(0, |e| e.len());
///         Response::json(400, serde_json::json!({"invalid": count}))
///     },
/// );
/// # let _: App = app;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestValidationError;

/// An ALB answer past ALB's 1 MiB limit for a Lambda response (Powertools'
/// `ResponseSizeExceededError`), raised by the host when the app enables
/// [`App::enable_response_size_validation`](crate::App::enable_response_size_validation).
///
/// An exception handler registered for it answers instead of the oversized answer, and reads
/// both sizes through [`Error::downcast_ref`], as a Python handler reads the exception's
/// `actual_size` and `max_size`:
///
/// ```
/// use switchyard_sdk::{App, Error, Request, Response, ResponseSizeExceededError};
/// let app = App::new().enable_response_size_validation().exception_handler::<ResponseSizeExceededError, _>(
///     |_req: &Request, err: &Error| {
///         let size = err.downcast_ref::<ResponseSizeExceededError>().map(|e| e.actual_size);
///         Response::json(413, serde_json::json!({"error": err.message(), "size": size}))
///     },
/// );
/// # let _: App = app;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseSizeExceededError {
    /// The size of the whole serialized Lambda response, in bytes.
    pub actual_size: u64,
    /// The most the integration takes, in bytes.
    pub max_size: u64,
}

impl ResponseSizeExceededError {
    const PREFIX: &str = "Serialized response size (";
    const MIDDLE: &str = " bytes) exceeds the maximum allowed size (";
    const SUFFIX: &str = " bytes)";

    /// The sizes of the host's message (Powertools' wording), which is how they cross the
    /// sandbox.
    pub(crate) fn from_message(message: &str) -> Option<Self> {
        let sizes = message
            .strip_prefix(Self::PREFIX)?
            .strip_suffix(Self::SUFFIX)?;
        let (actual, max) = sizes.split_once(Self::MIDDLE)?;
        Some(Self {
            actual_size: actual.parse().ok()?,
            max_size: max.parse().ok()?,
        })
    }
}

impl std::error::Error for ResponseSizeExceededError {}

impl fmt::Display for ResponseSizeExceededError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            actual_size,
            max_size,
        } = self;
        let (prefix, middle, suffix) = (Self::PREFIX, Self::MIDDLE, Self::SUFFIX);
        write!(f, "{prefix}{actual_size}{middle}{max_size}{suffix}")
    }
}

/// The type name every service error answers to, after its own.
pub(crate) const SERVICE_ERROR: &str = "ServiceError";

/// Any error a handler returns; `?` converts every `std::error::Error` into it, and a
/// `Box<dyn Error>` or an `anyhow::Error`.
///
/// It keeps the Rust error's value for [`Error::downcast_ref`], so it is neither `Send` nor
/// `Sync` (a component runs on one thread).
///
/// The error keeps its Rust type name, so an exception handler registered for that type
/// (`App::exception_handler::<ParseIntError>`) catches it, as `@app.exception_handler(ValueError)`
/// does in Powertools.
///
/// ```
/// use switchyard_sdk::Error;
/// fn parse(limit: &str) -> Result<i32, Error> {
///     Ok(limit.parse::<i32>()?)
/// }
/// let err = parse("three").unwrap_err();
/// assert_eq!(err.type_name(), "core::num::error::ParseIntError");
/// ```
#[derive(Debug, Clone)]
pub struct Error(Box<ErrorParts>);

/// What an [`Error`] carries; boxed so that `Result<T, Error>` stays one pointer wide.
#[derive(Debug, Clone)]
pub(crate) struct ErrorParts {
    pub(crate) type_names: Vec<String>,
    pub(crate) message: String,
    pub(crate) service: Option<ServiceError>,
    /// The Rust error itself, while it stays in this component (see [`Error::downcast_ref`]).
    pub(crate) value: Option<ErrorValue>,
}

/// A raised error's own value, shared by the clones of its [`Error`].
#[derive(Clone)]
pub(crate) struct ErrorValue(pub(crate) Rc<dyn std::error::Error>);

impl fmt::Debug for ErrorValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErrorValue(..)")
    }
}

impl Error {
    pub(crate) fn from_parts(parts: ErrorParts) -> Self {
        Self(Box::new(parts))
    }

    pub(crate) fn into_parts(self) -> ErrorParts {
        *self.0
    }

    /// An error with a free-form type name (for errors that are not Rust types).
    pub fn custom(type_name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::from_parts(ErrorParts {
            type_names: vec![type_name.into()],
            message: message.into(),
            service: None,
            value: None,
        })
    }

    /// An error from a `Box<dyn Error + Send + Sync>` (what tower, hyper and lambda_runtime
    /// return), for `.map_err(Error::from_boxed)?`. `?` takes every other error directly
    /// (`Box<dyn Error>`, `anyhow::Error`, any `std::error::Error`), but not this one: Rust
    /// cannot be told that it does not also convert into a `Box<dyn Error>` (E0119). It is
    /// the same error as `?` on a `Box<dyn Error>` holding it: named `Box<dyn Error>`, and
    /// the boxed value is what [`Error::downcast_ref`] reads.
    ///
    /// ```
    /// use switchyard_sdk::Error;
    ///
    /// fn parse(text: &str) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
    ///     Ok(text.parse()?)
    /// }
    /// fn handler() -> Result<String, Error> {
    ///     let n = parse("x").map_err(Error::from_boxed)?;
    ///     Ok(n.to_string())
    /// }
    /// let err = handler().unwrap_err();
    /// assert_eq!(err.message(), "invalid digit found in string");
    /// assert!(err.is::<Box<dyn std::error::Error>>());
    /// assert!(err.downcast_ref::<std::num::ParseIntError>().is_some());
    /// ```
    pub fn from_boxed(err: Box<dyn std::error::Error + Send + Sync>) -> Self {
        let err: Box<dyn std::error::Error> = err;
        Self::from(err)
    }

    /// The most specific type name this error answers to.
    pub fn type_name(&self) -> &str {
        self.0
            .type_names
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Every type name this error answers to, most specific first.
    pub fn type_names(&self) -> &[String] {
        &self.0.type_names
    }

    /// The error's display text.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The HTTP error this is, if it is one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.0.service.as_ref()
    }

    /// The errors of a validation error raised by the host, as Pydantic's
    /// `ValidationError.errors()` lists them: `loc`, `type`, `msg`, `input` and, for the
    /// types that have one, `ctx` (`{"le": 255}`). The default 422 body keeps `loc` and `type`
    /// only, as Powertools writes it.
    pub fn validation_errors(&self) -> Option<Vec<Value>> {
        let validation = ["RequestValidationError", "ResponseValidationError"];
        if !validation.contains(&self.type_name()) {
            return None;
        }
        serde_json::from_str(&self.0.message).ok()
    }

    /// True when this error answers to `E` (its own type, or `ServiceError` for a named error).
    pub fn is<E: 'static>(&self) -> bool {
        type_keys::<E>()
            .iter()
            .any(|key| self.0.type_names.contains(key))
    }

    /// The error value this was made from, if it is an `E`: what an exception handler reads
    /// a custom error's fields through, as a Python handler reads the exception object's.
    ///
    /// The value stays inside the component that raised it. An exception handler of the same
    /// component gets it back (the host hands the error on by name and message, and the
    /// component keeps the value of the last error it raised); one in another component has
    /// names and message only, and this is `None`. Of the errors the host raises,
    /// [`ResponseSizeExceededError`] has its value, read from its message.
    ///
    /// An error raised through a `Box<dyn Error>` is read as the error in the box; an
    /// `anyhow::Error` boxes itself in a type of its own, so take its value out with
    /// `anyhow::Error::downcast` before `?` to read it here.
    ///
    /// ```
    /// use switchyard_sdk::Error;
    /// #[derive(Debug)]
    /// struct TodoLocked(u32);
    /// impl std::fmt::Display for TodoLocked {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         write!(f, "todo {} is locked", self.0)
    ///     }
    /// }
    /// impl std::error::Error for TodoLocked {}
    ///
    /// let err: Error = TodoLocked(5).into();
    /// assert_eq!(err.downcast_ref::<TodoLocked>().map(|locked| locked.0), Some(5));
    /// assert!(err.downcast_ref::<std::num::ParseIntError>().is_none());
    /// ```
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.value.as_ref()?.0.downcast_ref::<E>()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

/// `?` on any error: every `std::error::Error`, a `Box<dyn Error>`, an `anyhow::Error`, or a
/// `String` message. The bound is "converts into a `Box<dyn Error>`" rather than "is a
/// `std::error::Error`", as only it takes the boxes too; see [`Error::from_boxed`] for the one
/// box it cannot take.
impl<E: Into<Box<dyn std::error::Error>> + 'static> From<E> for Error {
    fn from(err: E) -> Self {
        // What the error is, is read in the box, so that a boxed `NotFoundError` is still one.
        let value: Box<dyn std::error::Error> = err.into();
        let message = value.to_string();
        let (type_names, service) = if let Some((name, service)) = as_named_error(&*value) {
            (
                vec![name.to_string(), SERVICE_ERROR.to_string()],
                Some(service),
            )
        } else if value.is::<crate::rejection::Rejection>() {
            // An extractor's refusal is a `BadRequestError` too (`rejection.rs`).
            let mut names = type_keys::<crate::rejection::Rejection>();
            names.extend(["BadRequestError".to_string(), SERVICE_ERROR.to_string()]);
            (names, Some(ServiceError::new(400, message.clone())))
        } else if let Some(service) = value.downcast_ref::<ServiceError>() {
            (vec![SERVICE_ERROR.to_string()], Some(service.clone()))
        } else {
            (type_keys::<E>(), None)
        };
        Self::from_parts(ErrorParts {
            type_names,
            message,
            service,
            value: Some(ErrorValue(Rc::from(value))),
        })
    }
}

/// The name an exception handler for `E` is registered under first: the plain name for the
/// SDK's HTTP errors (so every guest language can raise them), the Rust type path otherwise.
pub(crate) fn type_key<E: 'static>() -> String {
    let full = type_name::<E>();
    match full.strip_prefix("switchyard_sdk::error::") {
        Some(short) => short.to_string(),
        None => full.to_string(),
    }
}

/// Every name an error of type `E` answers to, most specific first: [`type_key`], then for a
/// Rust type its stable name, the crate and the type's own name (`core::ParseIntError` for
/// `core::num::error::ParseIntError`). `std::any::type_name` is not promised to stay the same
/// between compilers (the standard library moves types between modules), so a router built
/// with another rustc than the app's still reaches the app's handler, through the stable
/// name; within one build the full path is matched first. Two types of one crate with one
/// name share the stable name.
pub(crate) fn type_keys<E: 'static>() -> Vec<String> {
    let key = type_key::<E>();
    match stable_name(&key) {
        Some(stable) => vec![key, stable],
        None => vec![key],
    }
}

/// `crate::Name` for a type path of more segments, without generic arguments.
fn stable_name(path: &str) -> Option<String> {
    let path = path.split('<').next().unwrap_or(path);
    let segments: Vec<&str> = path.split("::").collect();
    match segments.as_slice() {
        // Two segments or fewer are stable already.
        [krate, _, .., name] if segments.len() > 2 => Some(format!("{krate}::{name}")),
        _ => None,
    }
}

/// The error types an exception handler is registered for at once
/// (`@app.exception_handler([ValueError, KeyError])`): a tuple of up to six of them.
pub trait ErrorTypes {
    /// The names each of them answers to.
    fn keys() -> Vec<String>;
}

macro_rules! error_type_tuples {
    ($($first:ident $(, $rest:ident)*);+) => {$(
        impl<$first: 'static $(, $rest: 'static)*> ErrorTypes for ($first, $($rest,)*) {
            fn keys() -> Vec<String> {
                type_keys::<$first>()
                    .into_iter()
                    $(.chain(type_keys::<$rest>()))*
                    .collect()
            }
        }
    )+};
}

error_type_tuples! {
    A; A, B; A, B, C; A, B, C, D; A, B, C, D, E; A, B, C, D, E, F
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rust_error_answers_to_its_path_then_its_stable_name() {
        let err: Error = "x".parse::<u32>().unwrap_err().into();
        let names = err.type_names();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names[0].ends_with("::ParseIntError") && names[0].starts_with("core::"));
        assert_eq!(names[1], "core::ParseIntError");
        assert!(err.is::<std::num::ParseIntError>());
        // The same error raised by a component another rustc built, whose path differs:
        // the stable name still matches.
        let elsewhere = Error::from_parts(ErrorParts {
            type_names: vec![
                "core::num::moved::ParseIntError".into(),
                "core::ParseIntError".into(),
            ],
            message: "invalid digit".into(),
            service: None,
            value: None,
        });
        assert!(elsewhere.is::<std::num::ParseIntError>());
        assert!(!elsewhere.is::<std::num::ParseFloatError>());
        // Short paths, the SDK's own errors and generic arguments.
        assert_eq!(stable_name("myapp::Locked"), None);
        assert_eq!(
            stable_name("myapp::errors::Wrap<core::num::error::ParseIntError>"),
            Some("myapp::Wrap".into())
        );
        assert_eq!(type_keys::<NotFoundError>(), ["NotFoundError"]);
        assert_eq!(<(NotFoundError, std::num::ParseIntError)>::keys().len(), 3);
    }

    #[test]
    fn named_errors_answer_to_their_name_then_service_error() {
        let err: Error = NotFoundError::new("todo 9 not found").into();
        assert_eq!(err.type_names(), ["NotFoundError", "ServiceError"]);
        assert_eq!(err.service_error().map(ServiceError::status), Some(404));
        assert!(err.is::<NotFoundError>());
        assert!(err.is::<ServiceError>());
    }

    #[test]
    fn question_mark_takes_boxed_and_anyhow_errors_and_reads_what_is_in_them() {
        fn boxed() -> Result<(), Error> {
            let parsed: Result<u32, Box<dyn std::error::Error>> =
                "x".parse::<u32>().map_err(Into::into);
            parsed?;
            Ok(())
        }
        fn from_anyhow() -> Result<(), Error> {
            let parsed = "x".parse::<u32>().map_err(anyhow::Error::from);
            parsed?;
            Ok(())
        }
        fn boxed_not_found() -> Result<(), Error> {
            let missing: Box<dyn std::error::Error> = NotFoundError::new("no todo 9").into();
            Err(missing)?
        }
        let err = boxed().unwrap_err();
        assert!(
            err.is::<Box<dyn std::error::Error>>(),
            "{:?}",
            err.type_names()
        );
        assert_eq!(err.message(), "invalid digit found in string");
        assert!(err.downcast_ref::<std::num::ParseIntError>().is_some());
        let err = from_anyhow().unwrap_err();
        assert!(err.is::<anyhow::Error>(), "{:?}", err.type_names());
        assert_eq!(err.message(), "invalid digit found in string");
        assert!(err.downcast_ref::<std::num::ParseFloatError>().is_none());
        // A boxed HTTP error is still that HTTP error, as a raised Python exception keeps its class.
        let err = boxed_not_found().unwrap_err();
        assert_eq!(err.type_names(), ["NotFoundError", "ServiceError"]);
        assert_eq!(err.service_error().map(ServiceError::status), Some(404));
    }

    #[test]
    fn the_hosts_size_error_reads_back_from_its_message() {
        let error = ResponseSizeExceededError {
            actual_size: 1_153_455,
            max_size: 1_048_576,
        };
        let message = error.to_string();
        assert_eq!(
            message,
            "Serialized response size (1153455 bytes) exceeds the maximum allowed size (1048576 bytes)"
        );
        assert_eq!(
            ResponseSizeExceededError::from_message(&message),
            Some(error)
        );
        for other in [
            "",
            "Serialized response size (x bytes) exceeds the maximum allowed size (1 bytes)",
            "too big",
        ] {
            assert_eq!(
                ResponseSizeExceededError::from_message(other),
                None,
                "{other}"
            );
        }
    }

    #[test]
    fn rust_errors_keep_their_type_path() {
        let err: Error = "x".parse::<i32>().unwrap_err().into();
        assert!(err.is::<std::num::ParseIntError>());
        assert!(err.service_error().is_none());
    }
}
