//! Dependencies (Powertools' `Depends()`): functions that build a value a handler needs from
//! the request, taking extractors or other dependencies (a tree), run once per request and
//! shared by every handler, middleware and dependency that asks for the same one.
//!
//! A dependency is registered by the type it returns ([`App::dependency`](crate::App)) and
//! asked for with [`Depends<T>`], as a handler argument or from a middleware through
//! [`Request::dependency`]. `Depends<T, false>` runs it again for that argument, as
//! `Depends(fn, use_cache=False)`. Its error answers the request as if the handler had raised
//! it: exception handlers see it, an HTTP error is that answer. What its extractors read is
//! declared on every route that depends on it, for validation and OpenAPI alike.
//!
//! ```
//! use serde::Deserialize;
//! use serde_json::{json, Value};
//! use switchyard_sdk::{App, Depends, Error, Request, UnauthorizedError};
//!
//! #[derive(Clone, Deserialize)]
//! struct User {
//!     name: String,
//! }
//!
//! fn current_user(req: &Request) -> Result<User, Error> {
//!     match req.header("authorization") {
//!         Some(token) => Ok(User { name: token.trim_start_matches("Bearer ").to_string() }),
//!         None => Err(UnauthorizedError::new("no token").into()),
//!     }
//! }
//!
//! fn orders(Depends(user): Depends<User>) -> Value {
//!     json!({"user": user.name})
//! }
//!
//! fn app() -> App {
//!     App::new().dependency(current_user).get("/orders", orders)
//! }
//! # let _ = app;
//! ```

use std::any::{Any, TypeId, type_name};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::de::DeserializeOwned;

use crate::error::{Error, InternalServerError};
use crate::handler::{ByRef, short_name};
use crate::openapi::Declare;
use crate::request::{FromRequest, Request};

/// A dependency's value, as a handler argument. `USE_CACHE = false` builds it again for this
/// argument rather than reuse the request's (`Depends(fn, use_cache=False)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Depends<T, const USE_CACHE: bool = true>(pub T);

impl<T: Clone + 'static, const USE_CACHE: bool> FromRequest for Depends<T, USE_CACHE> {
    fn from_request(req: &Request) -> Result<Self, Error> {
        resolve::<T>(req, USE_CACHE).map(Depends)
    }

    fn declare(declare: &mut Declare<'_>) {
        // What the dependency's own extractors read is declared when the app is complete
        // (`Dependencies::declare_on`): it may be registered after the routes that use it.
        declare.doc.dependencies.push(TypeId::of::<T>());
    }
}

impl Request {
    /// The dependency of type `T` for this request, from a middleware or anywhere a
    /// [`Depends<T>`] argument is not at hand; built once per request and then shared.
    pub fn dependency<T: Clone + 'static>(&self) -> Result<T, Error> {
        resolve::<T>(self, true)
    }
}

/// A function that provides a dependency: it takes `&Request`, nothing, up to four
/// extractors (other [`Depends`] among them), or `&Request` then up to four extractors, and
/// returns `Result<T, E>`.
pub trait Provider<Args>: 'static {
    /// The value it provides.
    type Output: Clone + DeserializeOwned + 'static;

    /// Builds the value for `req`.
    fn provide(&self, req: &Request) -> Result<Self::Output, Error>;

    /// Declares what its extractors read.
    #[doc(hidden)]
    fn declare(_declare: &mut Declare<'_>) {}
}

impl<F, T, E> Provider<()> for F
where
    F: Fn() -> Result<T, E> + 'static,
    T: Clone + DeserializeOwned + 'static,
    E: Into<Error>,
{
    type Output = T;
    fn provide(&self, _req: &Request) -> Result<T, Error> {
        self().map_err(Into::into)
    }
}

impl<F, T, E> Provider<ByRef> for F
where
    F: Fn(&Request) -> Result<T, E> + 'static,
    T: Clone + DeserializeOwned + 'static,
    E: Into<Error>,
{
    type Output = T;
    fn provide(&self, req: &Request) -> Result<T, Error> {
        self(req).map_err(Into::into)
    }
}

macro_rules! provider_with_extractors {
    ($($arg:ident),+) => {
        impl<F, T, E, $($arg),+> Provider<($($arg,)+)> for F
        where
            F: Fn($($arg),+) -> Result<T, E> + 'static,
            T: Clone + DeserializeOwned + 'static,
            E: Into<Error>,
            $($arg: FromRequest,)+
        {
            type Output = T;

            #[expect(non_snake_case, reason = "one binding per extractor type")]
            fn provide(&self, req: &Request) -> Result<T, Error> {
                $(let $arg = $arg::from_request(req)?;)+
                self($($arg),+).map_err(Into::into)
            }

            fn declare(declare: &mut Declare<'_>) {
                $($arg::declare(declare);)+
            }
        }

        impl<F, T, E, $($arg),+> Provider<(ByRef, $($arg,)+)> for F
        where
            F: Fn(&Request, $($arg),+) -> Result<T, E> + 'static,
            T: Clone + DeserializeOwned + 'static,
            E: Into<Error>,
            $($arg: FromRequest,)+
        {
            type Output = T;

            #[expect(non_snake_case, reason = "one binding per extractor type")]
            fn provide(&self, req: &Request) -> Result<T, Error> {
                $(let $arg = $arg::from_request(req)?;)+
                self(req, $($arg),+).map_err(Into::into)
            }

            fn declare(declare: &mut Declare<'_>) {
                $($arg::declare(declare);)+
            }
        }
    };
}

provider_with_extractors!(A);
provider_with_extractors!(A, B);
provider_with_extractors!(A, B, C);
provider_with_extractors!(A, B, C, D);

/// A built dependency, of the type its provider returns.
type Built = Rc<dyn Any>;
/// A provider, type-erased.
type ProvideFn = Rc<dyn Fn(&Request) -> Result<Built, Error>>;

/// One registered dependency.
pub(crate) struct Registered {
    /// The function's name: what errors and test overrides call it.
    name: String,
    /// Where it was registered, for the error of a second provider of its type.
    registered_at: &'static std::panic::Location<'static>,
    provide: ProvideFn,
    /// Reads a test's stand-in (`dependency-override` in `wit/world.wit`).
    from_json: fn(&str) -> Result<Built, Error>,
    /// Declares what its extractors read.
    declare: fn(&mut Declare<'_>),
}

/// The app's dependencies, by the type they provide.
#[derive(Default)]
pub(crate) struct Dependencies(HashMap<TypeId, Registered>);

impl Dependencies {
    /// Registers `provider` for its output type; a second provider of one type is an error
    /// naming both places.
    #[track_caller]
    pub(crate) fn add<P: Provider<Args>, Args>(&mut self, provider: P) -> Result<(), String> {
        let registered = Registered {
            name: short_name(type_name::<P>()),
            registered_at: std::panic::Location::caller(),
            provide: Rc::new(move |req| provider.provide(req).map(|v| Rc::new(v) as Built)),
            from_json: |json| {
                serde_json::from_str::<P::Output>(json)
                    .map(|v| Rc::new(v) as Built)
                    .map_err(Error::from)
            },
            declare: P::declare,
        };
        self.insert(
            TypeId::of::<P::Output>(),
            type_name::<P::Output>(),
            registered,
        )
    }

    fn insert(
        &mut self,
        id: TypeId,
        type_name: &str,
        registered: Registered,
    ) -> Result<(), String> {
        if let Some(first) = self.0.get(&id) {
            return Err(format!(
                "`{}` and `{}` both provide the dependency `{type_name}` (registered at {} and {}): give each its own type",
                first.name, registered.name, first.registered_at, registered.registered_at,
            ));
        }
        self.0.insert(id, registered);
        Ok(())
    }

    /// Takes in a router's dependencies (`include_router`); a type the app already provides
    /// is the error.
    pub(crate) fn extend(&mut self, other: Dependencies) -> Result<(), String> {
        other
            .0
            .into_iter()
            .try_for_each(|(id, registered)| self.insert(id, "(a router's)", registered))
    }

    /// Declares on a route what the dependencies it names (and theirs, down the tree) read.
    /// A dependency no one registered declares nothing; asking for it is the error.
    pub(crate) fn declare_on(&self, declare: &mut Declare<'_>) {
        let mut seen = Vec::new();
        let mut index = 0;
        while let Some(&id) = declare.doc.dependencies.get(index) {
            index += 1;
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if let Some(registered) = self.0.get(&id) {
                (registered.declare)(declare);
            }
        }
    }
}

/// Per request: the dependencies built so far, and the ones being built (a cycle is an
/// error, not a stack overflow). A clone of the request (a `Request` argument) shares them:
/// it is the same request.
#[derive(Default, Clone)]
pub(crate) struct RequestDependencies(Rc<Building>);

#[derive(Default)]
struct Building {
    built: RefCell<HashMap<TypeId, Built>>,
    building: RefCell<Vec<TypeId>>,
}

impl std::fmt::Debug for RequestDependencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestDependencies")
            .finish_non_exhaustive()
    }
}

impl PartialEq for RequestDependencies {
    /// A cache: two requests are equal whatever either has built.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The request's `T`: built, or a test's stand-in, or the one built earlier.
fn resolve<T: Clone + 'static>(req: &Request, use_cache: bool) -> Result<T, Error> {
    let id = TypeId::of::<T>();
    let cached = use_cache
        .then(|| req.dependencies.0.built.borrow().get(&id).cloned())
        .flatten();
    let value = match cached {
        Some(value) => value,
        None => {
            let value = build(req, id, type_name::<T>())?;
            if use_cache {
                req.dependencies
                    .0
                    .built
                    .borrow_mut()
                    .insert(id, value.clone());
            }
            value
        }
    };
    value.downcast_ref::<T>().cloned().ok_or_else(|| {
        InternalServerError::new(format!(
            "dependency `{}` built another type",
            type_name::<T>()
        ))
        .into()
    })
}

fn build(req: &Request, id: TypeId, type_name: &str) -> Result<Built, Error> {
    let (name, provide, from_json) = crate::export::with_current_app(|app| {
        let registered = app?.routes.dependencies.0.get(&id)?;
        Some((
            registered.name.clone(),
            registered.provide.clone(),
            registered.from_json,
        ))
    })
    .ok_or_else(|| {
        InternalServerError::new(format!(
            "no dependency provides `{type_name}`: register its function with `App::dependency`"
        ))
    })?;
    if let Some(json) = crate::host::dependency_override(&name) {
        return from_json(&json).map_err(|e| {
            InternalServerError::new(format!("the test's stand-in for `{name}`: {e}")).into()
        });
    }
    if req.dependencies.0.building.borrow().contains(&id) {
        return Err(InternalServerError::new(format!(
            "dependency `{name}` depends on itself (through `{type_name}`)"
        ))
        .into());
    }
    req.dependencies.0.building.borrow_mut().push(id);
    let built = provide(req);
    req.dependencies
        .0
        .building
        .borrow_mut()
        .retain(|b| *b != id);
    built
}
