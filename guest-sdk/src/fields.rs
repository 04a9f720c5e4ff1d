//! A request's strings as the host sends them (`request` in `wit/world.wit`): one text and
//! where each string ends. Headers, query and cookies keep their part of it and are read in
//! place.

use std::cell::OnceCell;

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

/// Where string `index` of a packed text starts: where the one before it ended.
fn start_of(ends: &[u32], index: usize) -> usize {
    match index {
        0 => 0,
        _ => ends.get(index - 1).copied().unwrap_or(0) as usize,
    }
}

/// String `index` of `text`, packed as `ends` says; empty where the offsets do not fit.
fn piece<'a>(text: &'a str, ends: &[u32], index: usize) -> &'a str {
    let end = ends.get(index).copied().unwrap_or(0) as usize;
    text.get(start_of(ends, index)..end).unwrap_or_default()
}

/// Reads a request's packed `text` string by string, in the order `wit/world.wit` gives.
/// Offsets past the text, or not on character boundaries, read as empty strings: the host
/// is trusted, but a guest must not panic all the same.
pub(crate) struct Pieces<'a> {
    text: &'a str,
    ends: &'a [u32],
    /// The index in `ends` of the next string.
    next: usize,
}

impl<'a> Pieces<'a> {
    pub(crate) fn new(text: &'a str, ends: &'a [u32]) -> Self {
        Self {
            text,
            ends,
            next: 0,
        }
    }

    /// The next string.
    pub(crate) fn next_str(&mut self) -> &'a str {
        self.next += 1;
        piece(self.text, self.ends, self.next - 1)
    }

    /// The next `count` name/value pairs (at most as many as are left), as fields holding
    /// their own part of the text.
    pub(crate) fn fields(&mut self, count: u32) -> Fields {
        let first = self.next.min(self.ends.len());
        let last = first
            .saturating_add((count as usize).saturating_mul(2))
            .min(self.ends.len());
        let start = start_of(self.ends, first);
        let end = match last > first {
            true => self.ends[last - 1] as usize,
            false => start,
        };
        self.next = last;
        let ends = self.ends[first..last]
            .iter()
            .map(|e| e.saturating_sub(start as u32))
            .collect();
        Fields::from_packed(
            self.text.get(start..end).unwrap_or_default().to_string(),
            ends,
        )
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
    fn a_request_text_reads_as_strings_then_fields() {
        // The host's packing of GET /v1/ü, path params [("id", "7")], headers
        // [("Accept", "*/*"), ("X-Id", ""), ("X-Id", "ü")], query [("q", "1")], no cookies.
        let text = "get/v1/ü/üid7Accept*/*X-IdX-Idüq1";
        let ends = [3, 9, 12, 14, 15, 21, 24, 28, 28, 32, 34, 35, 36];
        let mut pieces = Pieces::new(text, &ends);
        assert_eq!(
            [pieces.next_str(), pieces.next_str(), pieces.next_str()],
            ["get", "/v1/ü", "/ü"]
        );
        let params: Vec<_> = pieces
            .fields(1)
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(params, [("id".to_string(), "7".to_string())]);
        let headers = pieces.fields(3);
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [("Accept", "*/*"), ("X-Id", ""), ("X-Id", "ü")]
        );
        assert_eq!(pieces.fields(1).iter().collect::<Vec<_>>(), [("q", "1")]);
        // Past the end: empty, and a count larger than what is left stops at the end.
        assert_eq!(pieces.fields(u32::MAX).iter().count(), 0);
        assert_eq!(pieces.next_str(), "");
        let mut short = Pieces::new(text, &ends);
        short.next_str();
        assert_eq!(short.fields(u32::MAX).iter().count(), 6);
    }

    #[test]
    fn offsets_that_do_not_fit_read_as_empty_and_never_panic() {
        let table: [(&str, Vec<u32>); 4] = [
            ("abc", vec![1, 99]),    // past the end
            ("ü", vec![1, 2]),       // inside a character
            ("abcd", vec![3, 1]),    // going backwards
            ("abcd", vec![2, 4, 9]), // an odd count: the last offset is no pair
        ];
        for (text, ends) in table {
            let fields = Fields::from_packed(text.into(), ends.clone());
            let count = fields.iter().count();
            assert_eq!(count, ends.len() / 2, "{text} {ends:?}");
        }
    }
}
