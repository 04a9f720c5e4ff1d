//! Routing with Powertools' rules: static routes before dynamic ones, each group in
//! registration order, first match wins; a method mismatch is a miss (404, never 405).

mod prefix;
mod rule;
#[cfg(test)]
mod tests;

pub(crate) use prefix::{StripPrefix, strip};
pub(crate) use rule::{CompiledRule, compile, replace_params};

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::request::EventSource;

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
pub(crate) struct Match<'a, T> {
    /// The matched route's value.
    pub value: &'a T,
    /// The rule as written.
    pub rule: &'a str,
    /// Named groups and their values.
    pub params: Vec<(String, String)>,
    /// Whether the matched route is a dynamic one, which a static route (Swagger UI's
    /// included) registered anywhere would have come before.
    pub dynamic: bool,
}

/// The route table.
#[derive(Debug, Clone)]
pub(crate) struct Router<T> {
    /// Static routes first, then dynamic ones, each in registration order.
    ordered: Vec<RouteEntry<T>>,
    /// Literal static routes by the one path each matches, exact and with trailing slashes
    /// trimmed (REST v1): a static route is found without trying the others in turn.
    literal: [LiteralIndex; 2],
    /// The static routes with regular-expression syntax, which must still be tried in order.
    static_patterns: Vec<usize>,
    /// Dynamic routes by the first path segment their rule spells out, in matching order:
    /// a request tries only those whose segment is its own, and `dynamic_anywhere`.
    dynamic_by_segment: HashMap<Box<str>, Vec<usize>>,
    /// Dynamic routes that may match whatever the first segment (`/<a>/<b>`, `.+/(x)`).
    dynamic_anywhere: Vec<usize>,
}

/// One method and rule registered twice: by two owners (a conflict, refused), or by one
/// owner (allowed: the first registration wins, as in Powertools).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate<O> {
    /// The upper-case method.
    pub method: String,
    /// The rule as written.
    pub rule: String,
    /// Whose the first registration is.
    pub first: O,
    /// Whose the later one is.
    pub again: O,
}

/// Path → (method, position in `ordered`) in matching order.
type LiteralIndex = HashMap<Box<str>, Vec<(Box<str>, usize)>>;

impl<T> Router<T> {
    /// Builds the table from routes in registration order.
    pub(crate) fn new(routes: Vec<RouteEntry<T>>) -> Self {
        let (mut ordered, dynamic): (Vec<_>, Vec<_>) =
            routes.into_iter().partition(|r| !r.compiled.dynamic);
        let first_dynamic = ordered.len();
        ordered.extend(dynamic);
        let mut literal: [LiteralIndex; 2] = Default::default();
        let mut static_patterns = Vec::new();
        for (position, route) in ordered[..first_dynamic].iter().enumerate() {
            for (tolerant, index) in [false, true].into_iter().zip(&mut literal) {
                match route.compiled.literal_path(tolerant) {
                    Some(path) => index
                        .entry(path.into())
                        .or_default()
                        .push((route.method.as_str().into(), position)),
                    None if !tolerant => static_patterns.push(position),
                    None => {}
                }
            }
        }
        let mut dynamic_by_segment: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        let mut dynamic_anywhere = Vec::new();
        for (position, route) in ordered.iter().enumerate().skip(first_dynamic) {
            match route.compiled.first_segment() {
                Some(segment) => dynamic_by_segment
                    .entry(segment.into())
                    .or_default()
                    .push(position),
                None => dynamic_anywhere.push(position),
            }
        }
        Self {
            ordered,
            literal,
            static_patterns,
            dynamic_by_segment,
            dynamic_anywhere,
        }
    }

    /// Builds the table as [`Router::new`] does, from routes whose `owner` (a component)
    /// registered them. A method and rule registered by two owners is refused; registered
    /// twice by one owner it is kept (the first registration wins) and returned, for the
    /// caller to warn about.
    pub(crate) fn checked<O: PartialEq + Clone>(
        routes: Vec<RouteEntry<T>>,
        owner: impl Fn(&T) -> O,
    ) -> Result<(Self, Vec<Duplicate<O>>), Duplicate<O>> {
        let mut repeats = Vec::new();
        {
            let mut first: HashMap<(&str, &str), &T> = HashMap::new();
            for route in &routes {
                match first.entry((route.method.as_str(), route.rule.as_str())) {
                    Entry::Vacant(slot) => {
                        slot.insert(&route.value);
                    }
                    Entry::Occupied(slot) => {
                        let duplicate = Duplicate {
                            method: route.method.clone(),
                            rule: route.rule.clone(),
                            first: owner(slot.get()),
                            again: owner(&route.value),
                        };
                        if duplicate.first != duplicate.again {
                            return Err(duplicate);
                        }
                        repeats.push(duplicate);
                    }
                }
            }
        }
        Ok((Self::new(routes), repeats))
    }

    /// Every route, in matching order.
    pub(crate) fn routes(&self) -> &[RouteEntry<T>] {
        &self.ordered
    }

    /// Each route's method, rule and value, to change the values (the rules stay as built).
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = (&str, &str, &mut T)> {
        self.ordered
            .iter_mut()
            .map(|r| (r.method.as_str(), r.rule.as_str(), &mut r.value))
    }

    /// The first route matching `method` (compared upper-cased) and `path`.
    pub(crate) fn at(&self, method: &str, path: &str, source: EventSource) -> Option<Match<'_, T>> {
        let tolerant = source.tolerates_trailing_slash();
        let index = &self.literal[usize::from(tolerant)];
        let lookup = |path: &str| {
            let key = if tolerant {
                path.trim_end_matches('/')
            } else {
                path
            };
            index.get(key).and_then(|routes| {
                routes
                    .iter()
                    .find(|(m, _)| m.eq_ignore_ascii_case(method))
                    .map(|&(_, position)| position)
            })
        };
        // A rule's end matches before a final newline too (Python's `$`): `/hello\n` is
        // `/hello`'s as well as a literal `/hello\n`'s, whichever was registered first.
        let without_newline = path.strip_suffix('\n').and_then(lookup);
        let literal = match (lookup(path), without_newline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // A static pattern registered before the literal match still comes first.
        let earlier_pattern = self
            .static_patterns
            .iter()
            .take_while(|&&position| literal.is_none_or(|l| position < l))
            .find_map(|&position| self.try_route(position, method, path, tolerant));
        if let Some(found) = earlier_pattern {
            return Some(found);
        }
        if let Some(position) = literal {
            let route = &self.ordered[position];
            return Some(Match {
                value: &route.value,
                rule: &route.rule,
                params: Vec::new(),
                dynamic: false,
            });
        }
        let segment = path
            .strip_prefix('/')
            .map(|rest| rest.split('/').next().unwrap_or_default());
        let same_segment = segment
            .and_then(|s| self.dynamic_by_segment.get(s))
            .map_or(&[][..], Vec::as_slice);
        // Both lists are in matching order: merged, they are every candidate in that order.
        let (mut these, mut anywhere) = (
            same_segment.iter().peekable(),
            self.dynamic_anywhere.iter().peekable(),
        );
        loop {
            let position = match (these.peek(), anywhere.peek()) {
                (Some(&&a), Some(&&b)) if a < b => these.next(),
                (_, Some(_)) => anywhere.next(),
                (Some(_), None) => these.next(),
                (None, None) => return None,
            };
            if let Some(found) = position.and_then(|&p| self.try_route(p, method, path, tolerant)) {
                return Some(found);
            }
        }
    }

    fn try_route(
        &self,
        position: usize,
        method: &str,
        path: &str,
        tolerant: bool,
    ) -> Option<Match<'_, T>> {
        let route = &self.ordered[position];
        if !route.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let params = route.compiled.matches(path, tolerant)?;
        Some(Match {
            value: &route.value,
            rule: &route.rule,
            params,
            dynamic: route.compiled.dynamic,
        })
    }
}
