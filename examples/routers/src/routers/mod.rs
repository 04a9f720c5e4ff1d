//! The routers, one module each, as `routers/` holds them in the Powertools docs.

pub(crate) mod health;
pub(crate) mod orders;
pub(crate) mod todos;
