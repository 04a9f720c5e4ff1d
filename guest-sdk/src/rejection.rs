//! Why an extractor refused a request (axum's rejections): the part of the request, the
//! parameter to blame when there is one, and why.
//!
//! The status rule, for every extractor: on a route the host validates, a request that does
//! not match the declared types never reaches the handler (422, Powertools'
//! `RequestValidationError`); on one it does not, an extractor that cannot read its part
//! refuses the request with a [`Rejection`], a 400 `BadRequestError` whose message names the
//! part and the parameter. An exception handler for `BadRequestError` sees it; one for
//! `Rejection` gets its fields through `err.downcast_ref::<Rejection>()`.

use std::fmt;

/// The part of the request an extractor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `Path<T>`.
    Path,
    /// `Query<T>`.
    Query,
    /// `Header<T>`.
    Header,
    /// `Cookies<T>`.
    Cookie,
    /// `Json<T>`.
    Body,
    /// `Form<T>`.
    Form,
}

impl Part {
    /// How the message names it.
    fn described(self) -> &'static str {
        match self {
            Part::Path => "path parameters",
            Part::Query => "query parameters",
            Part::Header => "headers",
            Part::Cookie => "cookies",
            Part::Body => "JSON body",
            Part::Form => "form",
        }
    }
}

/// An extractor's refusal: a 400 (see the module's status rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The part it read.
    pub part: Part,
    /// The parameter (or the body's field, as a path: `items[0].qty`) at fault, when one is.
    pub parameter: Option<String>,
    /// Why, as the parser said it.
    pub reason: String,
}

impl Rejection {
    /// A refusal of `part`; a `path` of `.` (the whole value) names no parameter.
    pub(crate) fn new(part: Part, path: String, reason: impl fmt::Display) -> Self {
        Self {
            part,
            parameter: Some(path).filter(|p| p != "." && !p.is_empty()),
            reason: reason.to_string(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}", self.part.described())?;
        if let Some(parameter) = &self.parameter {
            write!(f, " (`{parameter}`)")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for Rejection {}
