//! `routers/orders.py`: dependencies (`Depends`), as the Powertools docs write them. The
//! tenant comes from a header, the user depends on the tenant and on the request's route (a
//! tree), and a request builds each once: the router's middleware and the handler that ask
//! for the same dependency get the same value, unless an argument opts out
//! (`Depends(fn, use_cache=False)`, `Depends<T, false>`). A dependency's error answers the
//! request as the handler's would.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchyard_sdk::{
    Depends, Error, Next, Request, Response, Router, UnauthorizedError, append_context, context,
};

/// The caller's tenant, from `X-Tenant`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Tenant(String);

/// `get_tenant`: a 401 without `X-Tenant`.
pub(crate) fn get_tenant(req: &Request) -> Result<Tenant, Error> {
    match req.header("x-tenant") {
        Some(tenant) if !tenant.is_empty() => Ok(Tenant(tenant.to_string())),
        _ => Err(UnauthorizedError::new("no tenant").into()),
    }
}

/// The user behind the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct User {
    tenant: String,
    route: Option<String>,
}

/// `get_user`: depends on the tenant, and reads the route (Powertools' `request.route`).
fn get_user(req: &Request, Depends(tenant): Depends<Tenant>) -> Result<User, Error> {
    Ok(User {
        tenant: tenant.0,
        route: req.route(),
    })
}

/// How many times a dependency was built in this request so far, counted in the request's
/// shared context.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Builds(u32);

/// `count_builds`.
fn count_builds() -> Result<Builds, Error> {
    let builds = context::<u32>("builds").unwrap_or(0) + 1;
    append_context("builds", builds);
    Ok(Builds(builds))
}

/// The router's middleware: asks for the build count first, so the handler's cached
/// arguments see its value.
fn builds_header(req: &Request, next: Next) -> Result<Response, Error> {
    let Builds(seen) = req.dependency::<Builds>()?;
    let mut response = next.run()?;
    response.set_header("X-Builds-Seen-By-Middleware", seen.to_string());
    Ok(response)
}

/// `GET /orders`.
fn list_orders(Depends(user): Depends<User>, Depends(tenant): Depends<Tenant>) -> Value {
    json!({"user": user, "tenant": tenant})
}

/// `GET /orders/builds`: two cached arguments and one that builds again.
fn builds(
    Depends(first): Depends<Builds>,
    Depends(second): Depends<Builds>,
    Depends(fresh): Depends<Builds, false>,
) -> Value {
    json!({"first": first, "second": second, "fresh": fresh})
}

/// `GET /orders/<order_id>`.
fn get_order(req: &Request) -> Result<Value, Error> {
    let user = req.dependency::<User>()?;
    Ok(json!({"order_id": req.path_param("order_id"), "user": user}))
}

/// The orders router.
pub(crate) fn router() -> Router {
    Router::new()
        .dependency(get_tenant)
        .dependency(get_user)
        .dependency(count_builds)
        .use_middleware(builds_header)
        .get("/", list_orders)
        .get("/builds", builds)
        .get("/<order_id>", get_order)
}
