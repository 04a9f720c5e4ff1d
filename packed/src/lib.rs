//! A request's strings as the host sends them to a guest (`request` in `wit/world.wit`):
//! every string appended to one `text`, with the byte offset where each ends. One string and
//! one list cross the component boundary instead of one string per header.
//!
//! The host writes with [`pack_request`]; the guest SDK reads with [`unpack_request`]. Both
//! live here so that the layout (which string comes where) is defined once.
//!
//! ```
//! use switchyard_packed::{RequestStrings, pack_request, unpack_request};
//!
//! let params = [("id".to_string(), "7".to_string())];
//! let headers = [("Accept".to_string(), "*/*".to_string())];
//! let packed = pack_request(&RequestStrings {
//!     method: "GET",
//!     path: "/v1/todos/7",
//!     route_path: "/todos/7",
//!     path_params: &params[..],
//!     headers: &headers[..],
//!     query: &[][..],
//!     cookies: &[][..],
//! });
//! assert_eq!(packed.text, "GET/v1/todos/7/todos/7id7Accept*/*");
//! assert_eq!(packed.pair_counts, [1, 1, 0, 0]);
//!
//! let request = unpack_request(&packed.text, &packed.ends, packed.pair_counts);
//! assert_eq!(request.route_path, "/todos/7");
//! assert_eq!(request.path_params.iter().collect::<Vec<_>>(), [("id", "7")]);
//! assert_eq!(request.path_params.to_vec(), params);
//! assert_eq!(request.headers.iter().collect::<Vec<_>>(), [("Accept", "*/*")]);
//! ```

/// A request's strings, in the order they are packed: the method, the path, the path the
/// router matched, then the path parameters, headers, query and cookies as name/value pairs.
/// The host packs it with owned pairs; the guest reads it back as [`Pairs`].
#[derive(Debug, Clone)]
pub struct RequestStrings<'a, P> {
    /// The HTTP method as the event carries it.
    pub method: &'a str,
    /// The path as the event carries it.
    pub path: &'a str,
    /// The path the router matched (after `strip_prefixes`).
    pub route_path: &'a str,
    /// The matched rule's parameters.
    pub path_params: P,
    /// Every header value, names as sent.
    pub headers: P,
    /// Every query value.
    pub query: P,
    /// The request cookies.
    pub cookies: P,
}

/// A packed request: the text, where each string ends, and how many pairs each list has
/// (path parameters, headers, query, cookies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedRequest {
    /// Every string, back to back.
    pub text: String,
    /// Where each string ends in `text`.
    pub ends: Vec<u32>,
    /// The pair counts of the four lists, in order.
    pub pair_counts: [u32; 4],
}

/// Packs `request` (the host's side).
pub fn pack_request(request: &RequestStrings<'_, &[(String, String)]>) -> PackedRequest {
    let lists = [
        request.path_params,
        request.headers,
        request.query,
        request.cookies,
    ];
    let leading = [request.method, request.path, request.route_path];
    let pairs = || lists.iter().flat_map(|pairs| pairs.iter());
    let bytes = leading.iter().map(|s| s.len()).sum::<usize>()
        + pairs().map(|(n, v)| n.len() + v.len()).sum::<usize>();
    let mut packer = Packer::with_capacity(bytes, leading.len() + 2 * pairs().count());
    for s in leading {
        packer.push(s);
    }
    for (name, value) in pairs() {
        packer.push(name);
        packer.push(value);
    }
    let (text, ends) = packer.finish();
    PackedRequest {
        text,
        ends,
        pair_counts: lists.map(|pairs| pairs.len() as u32),
    }
}

/// Reads a packed request back (the guest's side). Offsets that do not fit read as empty
/// strings and counts past the end stop at it: the host is trusted, but a guest must not
/// panic all the same.
pub fn unpack_request<'a>(
    text: &'a str,
    ends: &'a [u32],
    pair_counts: [u32; 4],
) -> RequestStrings<'a, Pairs<'a>> {
    let mut pieces = Pieces::new(text, ends);
    let [path_params, headers, query, cookies] = pair_counts;
    RequestStrings {
        method: pieces.next_str(),
        path: pieces.next_str(),
        route_path: pieces.next_str(),
        path_params: pieces.pairs(path_params),
        headers: pieces.pairs(headers),
        query: pieces.pairs(query),
        cookies: pieces.pairs(cookies),
    }
}

/// Appends strings to one text, noting where each ends.
#[derive(Debug, Default)]
struct Packer {
    text: String,
    ends: Vec<u32>,
}

impl Packer {
    /// Room for `bytes` of text in `strings` strings.
    fn with_capacity(bytes: usize, strings: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
        }
    }

    /// Appends `s`. Offsets are `u32`: a Lambda event is at most a few megabytes.
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    /// The text and the ends.
    fn finish(self) -> (String, Vec<u32>) {
        (self.text, self.ends)
    }
}

/// Where string `index` ends, counted from `base`.
fn end_of(ends: &[u32], index: usize, base: u32) -> usize {
    ends.get(index).map_or(0, |end| end.saturating_sub(base)) as usize
}

/// Where string `index` starts, counted from `base`: where the one before it ended.
fn start_of(ends: &[u32], index: usize, base: u32) -> usize {
    match index {
        0 => 0,
        _ => end_of(ends, index - 1, base),
    }
}

/// String `index` of `text`, whose strings end where `ends` says, counted from `base`; empty
/// where the offsets do not fit (past the text, going backwards, or inside a character): the
/// host is trusted, but a guest must not panic all the same.
fn string_at<'a>(text: &'a str, ends: &[u32], index: usize, base: u32) -> &'a str {
    text.get(start_of(ends, index, base)..end_of(ends, index, base))
        .unwrap_or_default()
}

/// String `index` of `text`, packed as `ends` says; empty where the offsets do not fit.
pub fn piece<'a>(text: &'a str, ends: &[u32], index: usize) -> &'a str {
    string_at(text, ends, index, 0)
}

/// Reads a packed text string by string, in the order it was written.
#[derive(Debug, Clone)]
struct Pieces<'a> {
    text: &'a str,
    ends: &'a [u32],
    /// The index in `ends` of the next string.
    next: usize,
}

impl<'a> Pieces<'a> {
    /// Reads `text`, whose strings end where `ends` says.
    fn new(text: &'a str, ends: &'a [u32]) -> Self {
        Self {
            text,
            ends,
            next: 0,
        }
    }

    /// The next string; empty past the last.
    fn next_str(&mut self) -> &'a str {
        self.next += 1;
        piece(self.text, self.ends, self.next - 1)
    }

    /// The next `count` name/value pairs (at most as many as are left).
    fn pairs(&mut self, count: u32) -> Pairs<'a> {
        let first = self.next.min(self.ends.len());
        let last = first
            .saturating_add((count as usize).saturating_mul(2))
            .min(self.ends.len());
        let start = start_of(self.ends, first, 0);
        let end = start_of(self.ends, last, 0);
        self.next = last;
        Pairs {
            text: self.text.get(start..end).unwrap_or_default(),
            ends: &self.ends[first..last],
            base: start as u32,
        }
    }
}

/// Name/value pairs cut from a packed text: their part of the text, and each name's and
/// then each value's end in the whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairs<'a> {
    text: &'a str,
    ends: &'a [u32],
    /// Where `text` starts in the whole text.
    base: u32,
}

impl<'a> Pairs<'a> {
    /// The pairs' part of the packed text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Where each name and each value ends, counted from the start of [`Pairs::text`].
    pub fn ends(&self) -> impl ExactSizeIterator<Item = u32> + 'a {
        let base = self.base;
        self.ends.iter().map(move |e| e.saturating_sub(base))
    }

    /// The pairs in order (a trailing name without its value is left out).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&'a str, &'a str)> + '_ {
        let string = |index| string_at(self.text, self.ends, index, self.base);
        (0..self.ends.len() / 2).map(move |pair| (string(pair * 2), string(pair * 2 + 1)))
    }

    /// The pairs as owned strings, in order.
    pub fn to_vec(&self) -> Vec<(String, String)> {
        self.iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(strings: &[&str]) -> (String, Vec<u32>) {
        let mut packer = Packer::default();
        for s in strings {
            packer.push(s);
        }
        packer.finish()
    }

    #[test]
    fn strings_read_back_as_they_were_written() {
        // Strings, then how many pairs each list has, then the pairs: what a request with
        // path parameters, headers and query packs.
        type Row = (
            &'static [&'static str],
            &'static [u32],
            &'static [(&'static str, &'static str)],
        );
        let table: [Row; 3] = [
            (&["get", "/v1/ü", "/ü"], &[], &[]),
            (
                &["get", "/v1/ü", "/ü"],
                &[1, 3, 1],
                &[
                    ("id", "7"),
                    ("Accept", "*/*"),
                    ("X-Id", ""),
                    ("X-Id", "ü"),
                    ("q", "1"),
                ],
            ),
            (&["", "", ""], &[1], &[("", "v")]),
        ];
        for (strings, counts, pairs) in table {
            let mut all: Vec<&str> = strings.to_vec();
            all.extend(pairs.iter().flat_map(|(n, v)| [*n, *v]));
            let (text, ends) = packed(&all);
            assert_eq!(text, all.concat());
            let mut pieces = Pieces::new(&text, &ends);
            let read: Vec<_> = strings.iter().map(|_| pieces.next_str()).collect();
            assert_eq!(read, strings);
            let mut rest = pairs.iter();
            for count in counts {
                let want: Vec<_> = rest.by_ref().take(*count as usize).copied().collect();
                assert_eq!(pieces.pairs(*count).iter().collect::<Vec<_>>(), want);
            }
            assert_eq!(pieces.next_str(), "");
        }
    }

    #[test]
    fn the_layout_is_one_text_and_each_strings_end() {
        let (text, ends) = packed(&["get", "/v1/ü", "", "Accept", "*/*"]);
        assert_eq!(text, "get/v1/üAccept*/*");
        assert_eq!(ends, [3, 9, 9, 15, 18]);
        let mut pieces = Pieces::new(&text, &ends);
        pieces.next_str();
        pieces.next_str();
        pieces.next_str();
        let pairs = pieces.pairs(1);
        assert_eq!(pairs.text(), "Accept*/*");
        assert_eq!(pairs.ends().collect::<Vec<_>>(), [6, 9]);
    }

    #[test]
    fn more_pairs_than_are_left_stop_at_the_end() {
        let (text, ends) = packed(&["m", "a", "1", "b", "2"]);
        let mut pieces = Pieces::new(&text, &ends);
        pieces.next_str();
        assert_eq!(pieces.pairs(u32::MAX).iter().count(), 2);
        assert_eq!(pieces.pairs(1).iter().count(), 0);
        assert_eq!(pieces.next_str(), "");
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
            for index in 0..ends.len() + 1 {
                let _ = piece(text, &ends, index);
            }
            let mut pieces = Pieces::new(text, &ends);
            let pairs = pieces.pairs(u32::MAX);
            assert!(pairs.iter().count() <= ends.len() / 2, "{text} {ends:?}");
            assert_eq!(pieces.next_str(), "");
        }
        assert_eq!(piece("abc", &[1, 99], 1), "");
        assert_eq!(piece("ü", &[1, 2], 0), "");
        assert_eq!(piece("abcd", &[3, 1], 1), "");
    }
}
