//! App state: values the app builds once per instance and every handler, middleware and
//! dependency of a request may read (`App::state(value)`, then a [`State<T>`] argument), in
//! place of a `thread_local!` of the component's own. An instance serves one request at a
//! time, so state that changes uses a `RefCell` (or a `Cell`).
//!
//! ```
//! use std::cell::RefCell;
//! use serde_json::{json, Value};
//! use switchyard_sdk::{App, State};
//!
//! struct Visits {
//!     count: RefCell<u64>,
//! }
//!
//! fn visit(visits: State<Visits>) -> Value {
//!     *visits.count.borrow_mut() += 1;
//!     json!({"visits": *visits.count.borrow()})
//! }
//!
//! fn app() -> App {
//!     App::new().state(Visits { count: RefCell::new(0) }).get("/visit", visit)
//! }
//! # let _ = app;
//! ```

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::ops::Deref;
use std::rc::Rc;

use crate::error::{Error, InternalServerError};
use crate::request::{FromRequest, Request};

/// The app's state of type `T`, as a handler argument; derefs to `T`.
#[derive(Debug)]
pub struct State<T>(pub Rc<T>);

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: 'static> FromRequest for State<T> {
    fn from_request(_req: &Request) -> Result<Self, Error> {
        crate::export::with_current_app(|app| app?.states.get::<T>())
            .map(State)
            .ok_or_else(|| {
                InternalServerError::new(format!(
                    "no state of type `{}`: give it with `App::state`",
                    type_name::<T>()
                ))
                .into()
            })
    }
}

/// The app's states, one per type.
#[derive(Default)]
pub(crate) struct States(HashMap<TypeId, Rc<dyn Any>>);

impl States {
    /// Keeps `value`, replacing an earlier state of its type.
    pub(crate) fn insert<T: 'static>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Rc::new(value));
    }

    /// The state of type `T`.
    pub(crate) fn get<T: 'static>(&self) -> Option<Rc<T>> {
        self.0.get(&TypeId::of::<T>())?.clone().downcast::<T>().ok()
    }
}
