//! Headers, query and cookies as the host packs them (`switchyard-packed`): each keeps its
//! part of the request's text and is read in place.

use std::cell::OnceCell;

use switchyard_packed::{Pairs, piece};

/// Ordered name/value pairs, a repeated name kept as repeated entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields {
    text: String,
    /// Per pair, where its name ends and then where its value ends, in bytes of `text`.
    ends: Vec<u32>,
    /// The pairs as owned strings, made on the first call that needs them as a slice
    /// (`Request::headers`); lookups by name read `text` in place.
    pairs: OnceCell<Vec<(String, String)>>,
}

impl Fields {
    /// The pairs packed in `text` as `ends` says. Offsets past `text`, or not on character
    /// boundaries, read as empty strings rather than fail: the host is trusted, a guest
    /// must not panic all the same.
    pub(crate) fn from_packed(text: String, ends: Vec<u32>) -> Self {
        Self {
            text,
            ends,
            pairs: OnceCell::new(),
        }
    }

    /// Appends a pair (the test builder).
    pub(crate) fn push(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len() as u32);
        self.text.push_str(value);
        self.ends.push(self.text.len() as u32);
        self.pairs = OnceCell::new();
    }

    /// The pairs in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> {
        (0..self.ends.len() / 2).map(|pair| {
            (
                piece(&self.text, &self.ends, pair * 2),
                piece(&self.text, &self.ends, pair * 2 + 1),
            )
        })
    }

    /// The pairs as a slice of owned strings.
    pub(crate) fn as_pairs(&self) -> &[(String, String)] {
        self.pairs.get_or_init(|| {
            self.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        })
    }

    /// The last value whose name `is`.
    pub(crate) fn last(&self, mut is: impl FnMut(&str) -> bool) -> Option<&str> {
        self.iter().rev().find(|(n, _)| is(n)).map(|(_, v)| v)
    }

    /// Every value whose name `is`, in order.
    pub(crate) fn all(&self, mut is: impl FnMut(&str) -> bool) -> Vec<&str> {
        self.iter().filter(|(n, _)| is(n)).map(|(_, v)| v).collect()
    }
}

impl From<Pairs<'_>> for Fields {
    fn from(pairs: Pairs<'_>) -> Self {
        Self::from_packed(pairs.text().to_string(), pairs.ends().collect())
    }
}

impl PartialEq for Fields {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_read_in_place_as_the_host_packed_them() {
        // The host's packing of [("Accept", "*/*"), ("X-Id", ""), ("X-Id", "ü")].
        let fields = Fields::from_packed("Accept*/*X-IdX-Idü".into(), vec![6, 9, 13, 13, 17, 19]);
        let pairs: Vec<_> = fields.iter().collect();
        assert_eq!(pairs, [("Accept", "*/*"), ("X-Id", ""), ("X-Id", "ü")]);
        assert_eq!(fields.last(|n| n == "X-Id"), Some("ü"));
        assert_eq!(fields.all(|n| n == "X-Id"), ["", "ü"]);
        assert_eq!(
            fields.as_pairs()[0],
            ("Accept".to_string(), "*/*".to_string())
        );

        let mut built = Fields::default();
        for (name, value) in pairs {
            built.push(name, value);
        }
        assert_eq!(built, fields);
    }

    #[test]
    fn offsets_that_do_not_fit_read_as_empty_and_a_last_name_without_value_is_left_out() {
        // The offsets' own edge cases are `switchyard-packed`'s tests; here, the pairs.
        let fields = Fields::from_packed("abcdü".into(), vec![2, 99, 5, 9, 11]);
        let pairs: Vec<_> = fields.iter().collect();
        assert_eq!(pairs, [("ab", ""), ("", "")]);
    }
}
