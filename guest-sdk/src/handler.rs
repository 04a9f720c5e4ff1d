//! `Handler` and `Middleware`: how plain functions become route handlers and middlewares.

use std::any::type_name;

use crate::error::Error;
use crate::host::Next;
use crate::openapi::Declare;
use crate::request::{FromRequest, Request};
use crate::response::{IntoResponse, Response};

/// A function that answers a route. Implemented for functions taking `&Request`, up to four
/// extractors (`Path<T>`, `Query<T>`, `Json<T>`, `Depends<T>`, `State<T>`, `Request`...), or
/// `&Request` followed by up to four extractors, and returning anything that is
/// `IntoResponse`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a route handler",
    note = "a handler takes `&Request`, nothing, or up to four extractors (`Path<T>`, `Query<T>`, `Header<T>`, `Cookies<T>`, `Json<T>`, `Depends<T>`, `Request`), each of whose `T` derives `Deserialize` and `JsonSchema`",
    note = "and returns what `IntoResponse` takes: `Json<T>` needs `T: Serialize + JsonSchema` (its schema documents the route)"
)]
pub trait Handler<Args>: 'static {
    /// Runs the handler.
    fn call(&self, req: &Request) -> Result<Response, Error>;

    /// Declares what the handler's arguments read, for validation and OpenAPI.
    #[doc(hidden)]
    fn declare(_declare: &mut Declare<'_>) {}
}

/// Marks handlers that take the request by reference.
#[derive(Debug)]
pub struct ByRef;

impl<F, R> Handler<ByRef> for F
where
    F: Fn(&Request) -> R + 'static,
    R: IntoResponse,
{
    fn call(&self, req: &Request) -> Result<Response, Error> {
        self(req).into_response()
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.returns::<R>();
    }
}

impl<F, R> Handler<()> for F
where
    F: Fn() -> R + 'static,
    R: IntoResponse,
{
    fn call(&self, _req: &Request) -> Result<Response, Error> {
        self().into_response()
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.returns::<R>();
    }
}

macro_rules! handler_with_extractors {
    ($($arg:ident),+) => {
        impl<F, R, $($arg),+> Handler<($($arg,)+)> for F
        where
            F: Fn($($arg),+) -> R + 'static,
            R: IntoResponse,
            $($arg: FromRequest,)+
        {
            #[expect(non_snake_case, reason = "one binding per extractor type")]
            fn call(&self, req: &Request) -> Result<Response, Error> {
                $(let $arg = $arg::from_request(req)?;)+
                self($($arg),+).into_response()
            }

            fn declare(declare: &mut Declare<'_>) {
                $($arg::declare(declare);)+
                declare.returns::<R>();
            }
        }

        /// `&Request` first, then the extractors: the request is lent, not cloned.
        impl<F, R, $($arg),+> Handler<(ByRef, $($arg,)+)> for F
        where
            F: Fn(&Request, $($arg),+) -> R + 'static,
            R: IntoResponse,
            $($arg: FromRequest,)+
        {
            #[expect(non_snake_case, reason = "one binding per extractor type")]
            fn call(&self, req: &Request) -> Result<Response, Error> {
                $(let $arg = $arg::from_request(req)?;)+
                self(req, $($arg),+).into_response()
            }

            fn declare(declare: &mut Declare<'_>) {
                $($arg::declare(declare);)+
                declare.returns::<R>();
            }
        }
    };
}

handler_with_extractors!(A);
handler_with_extractors!(A, B);
handler_with_extractors!(A, B, C);
handler_with_extractors!(A, B, C, D);

/// A middleware: runs around the handler, calls `next.run()` or answers itself.
///
/// Plain functions `fn(&Request, Next) -> Result<Response, Error>` are middlewares; a type
/// that carries settings implements the trait (Powertools' `BaseMiddlewareHandler`).
///
/// ```
/// use switchyard_sdk::{Middleware, Next, Request, Response, Error};
/// struct AddHeader { name: &'static str, value: &'static str }
/// impl Middleware for AddHeader {
///     fn handle(&self, req: &Request, next: Next) -> Result<Response, Error> {
///         let mut response = next.run()?;
///         response.set_header(self.name, self.value);
///         Ok(response)
///     }
/// }
/// ```
pub trait Middleware: 'static {
    /// Runs the middleware.
    fn handle(&self, req: &Request, next: Next) -> Result<Response, Error>;

    /// The name debug output prints and its X-Ray subsegment carries (`## name`); the
    /// type's name by default.
    fn name(&self) -> String {
        short_name(type_name::<Self>())
    }
}

impl<F> Middleware for F
where
    F: Fn(&Request, Next) -> Result<Response, Error> + 'static,
{
    fn handle(&self, req: &Request, next: Next) -> Result<Response, Error> {
        self(req, next)
    }
}

/// The last path segment of a type name: `my_app::powered_by` becomes `powered_by`.
pub(crate) fn short_name(full: &str) -> String {
    let base = full.split('<').next().unwrap_or(full);
    // A path's only colons are its `::` separators; splitting on the character skips
    // building a substring searcher, which a 50-route app did 50 times at start-up.
    base.rsplit(':').next().unwrap_or(base).to_string()
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn short_names_are_the_last_path_segment_without_generics() {
        let table = [
            ("my_app::powered_by", "powered_by"),
            ("powered_by", "powered_by"),
            ("my_app::app::{{closure}}", "{{closure}}"),
            ("my_app::Stamp<my_app::Config>", "Stamp"),
            ("", ""),
        ];
        for (full, short) in table {
            assert_eq!(short_name(full), short, "{full}");
        }
    }
}
