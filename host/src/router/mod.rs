//! Routing with Powertools' rules: static routes before dynamic ones, each group in
//! registration order, first match wins; a method mismatch is a miss (404, never 405).

mod prefix;
mod rule;
#[cfg(test)]
mod tests;

pub use prefix::{StripPrefix, strip};
pub use rule::{CompiledRule, RuleError, compile, replace_params};

use crate::event::EventSource;

/// A route as the router sees it: a method, a compiled rule and the caller's value.
#[derive(Debug, Clone)]
pub struct RouteEntry<T> {
    /// The upper-case method.
    pub method: String,
    /// The rule as written.
    pub rule: String,
    /// The compiled rule.
    pub compiled: CompiledRule,
    /// Whatever the caller attaches (the component and handler).
    pub value: T,
}

/// A match: the route's value and its path parameters in rule order.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a, T> {
    /// The matched route's value.
    pub value: &'a T,
    /// The rule as written.
    pub rule: &'a str,
    /// Named groups and their values.
    pub params: Vec<(String, String)>,
}

/// The route table.
#[derive(Debug, Clone)]
pub struct Router<T> {
    /// Static routes first, then dynamic ones, each in registration order.
    ordered: Vec<RouteEntry<T>>,
}

impl<T> Router<T> {
    /// Builds the table from routes in registration order.
    pub fn new(routes: Vec<RouteEntry<T>>) -> Self {
        let (mut ordered, dynamic): (Vec<_>, Vec<_>) =
            routes.into_iter().partition(|r| !r.compiled.dynamic);
        ordered.extend(dynamic);
        Self { ordered }
    }

    /// Every route, in matching order.
    pub fn routes(&self) -> &[RouteEntry<T>] {
        &self.ordered
    }

    /// Each route's method, rule and value, to change the values (the rules stay as built).
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = (&str, &str, &mut T)> {
        self.ordered
            .iter_mut()
            .map(|r| (r.method.as_str(), r.rule.as_str(), &mut r.value))
    }

    /// The first route matching `method` (compared upper-cased) and `path`.
    pub fn at(&self, method: &str, path: &str, source: EventSource) -> Option<Match<'_, T>> {
        let method = method.to_ascii_uppercase();
        self.ordered
            .iter()
            .filter(|r| r.method == method)
            .find_map(|r| {
                let regex = match source.tolerates_trailing_slash() {
                    true => &r.compiled.slash_tolerant,
                    false => &r.compiled.exact,
                };
                // `is_match` runs without capture slots: most routes are misses.
                if !regex.is_match(path) {
                    return None;
                }
                let caps = regex.captures(path)?;
                let params = regex
                    .capture_names()
                    .flatten()
                    .filter_map(|name| {
                        Some((name.to_string(), caps.name(name)?.as_str().to_string()))
                    })
                    .collect();
                Some(Match {
                    value: &r.value,
                    rule: &r.rule,
                    params,
                })
            })
    }
}
