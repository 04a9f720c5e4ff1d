//! Name/value pairs as an event carries them: headers, query strings, cookies.

use std::collections::HashSet;
use std::ops::{Deref, DerefMut};

/// Ordered name/value pairs that keep repeats. What an event carries is read in through
/// [`Fields::bounded`], which refuses more than [`Fields::MAX`] pairs: no front door sends
/// that many (API Gateway caps a request's headers at 10 KB, ALB at 64 KB), and an event
/// invoked directly could otherwise hold millions in its 6 MB.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fields(Vec<(String, String)>);

/// An event field with more pairs than [`Fields::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("more than {} pairs", Fields::MAX)]
pub(crate) struct TooManyFields;

impl Fields {
    /// The most pairs one field of an event may hold.
    pub(crate) const MAX: usize = 10_000;

    /// Up to this many pairs, a lookup by name scans them; past it, a lookup per name of
    /// another field would make decoding quadratic, so names are hashed.
    pub(crate) const SCANNED: usize = 32;

    /// No pairs.
    pub(crate) fn new() -> Self {
        Self(Vec::new())
    }

    /// The pairs of `pairs`, refused past [`Fields::MAX`] without reading the rest.
    pub(crate) fn bounded(
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, TooManyFields> {
        let mut fields = Vec::new();
        for pair in pairs {
            if fields.len() == Self::MAX {
                return Err(TooManyFields);
            }
            fields.push(pair);
        }
        Ok(Self(fields))
    }

    /// `pairs`, refused past [`Fields::MAX`].
    pub(crate) fn from_vec(pairs: Vec<(String, String)>) -> Result<Self, TooManyFields> {
        match pairs.len() > Self::MAX {
            true => Err(TooManyFields),
            false => Ok(Self(pairs)),
        }
    }

    /// Adds a pair at the end.
    pub(crate) fn push(&mut self, name: String, value: String) {
        self.0.push((name, value));
    }

    /// A test of whether a name is among these pairs' names (ASCII case ignored when
    /// `ignore_case`): a scan over the few pairs a request has, a set past a few dozen, so
    /// that asking for each of another field's names stays linear, not quadratic.
    pub(crate) fn names(&self, ignore_case: bool) -> Names<'_> {
        let set = (self.0.len() > Self::SCANNED).then(|| {
            self.0
                .iter()
                .map(|(name, _)| fold(name, ignore_case))
                .collect()
        });
        Names {
            fields: self,
            ignore_case,
            set,
        }
    }
}

/// The names of some [`Fields`], to test others against ([`Fields::names`]).
pub(crate) struct Names<'a> {
    fields: &'a Fields,
    ignore_case: bool,
    set: Option<HashSet<String>>,
}

impl Names<'_> {
    /// Whether `name` is one of them.
    pub(crate) fn contains(&self, name: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(&fold(name, self.ignore_case)),
            None => self.fields.iter().any(|(n, _)| match self.ignore_case {
                true => n.eq_ignore_ascii_case(name),
                false => n == name,
            }),
        }
    }
}

fn fold(name: &str, ignore_case: bool) -> String {
    match ignore_case {
        true => name.to_ascii_lowercase(),
        false => name.to_string(),
    }
}

impl Deref for Fields {
    type Target = [(String, String)];
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Fields {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// Pairs the host makes itself (path parameters, tests), not read from an event.
impl FromIterator<(String, String)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Self(pairs.into_iter().collect())
    }
}

impl IntoIterator for Fields {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = &'a (String, String);
    type IntoIter = std::slice::Iter<'a, (String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Extend<(String, String)> for Fields {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, pairs: I) {
        self.0.extend(pairs);
    }
}

/// Tests compare fields with the pairs they expect.
#[cfg(test)]
impl<const N: usize> PartialEq<[(String, String); N]> for Fields {
    fn eq(&self, other: &[(String, String); N]) -> bool {
        self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(n: usize) -> impl Iterator<Item = (String, String)> {
        (0..n).map(|i| (format!("name-{i}"), i.to_string()))
    }

    #[test]
    fn an_event_field_holds_at_most_max_pairs() {
        assert_eq!(
            Fields::bounded(pairs(Fields::MAX)).map(|f| f.len()),
            Ok(Fields::MAX)
        );
        assert_eq!(Fields::bounded(pairs(Fields::MAX + 1)), Err(TooManyFields));
        // The rest of a runaway field is never read.
        assert_eq!(Fields::bounded(pairs(usize::MAX)), Err(TooManyFields));
    }

    #[test]
    fn names_are_found_alike_scanned_or_hashed() {
        for n in [3, 100] {
            let mut fields: Fields = pairs(n).collect();
            fields.push("Content-Type".into(), "text/plain".into());
            let exact = fields.names(false);
            let any_case = fields.names(true);
            assert!(
                exact.contains("name-2") && any_case.contains("NAME-2"),
                "{n}"
            );
            assert!(!exact.contains("content-type"), "{n}");
            assert!(any_case.contains("content-type"), "{n}");
            assert!(
                !exact.contains("name-x") && !any_case.contains("name-x"),
                "{n}"
            );
        }
    }
}
