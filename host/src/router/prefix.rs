//! `strip_prefixes`, as Powertools' `_remove_prefix` applies them.
//!
//! Prefixes are tried in order. A literal prefix equal to the path gives `/`; one followed by
//! `/` is cut and ends the search. A regex prefix removes every match anywhere in the path
//! (not anchored unless it says `^`), gives `/` if nothing is left, and the search goes on.

use regex::Regex;

/// One compiled `strip_prefixes` entry.
#[derive(Debug, Clone)]
pub enum StripPrefix {
    /// A literal prefix.
    Exact(String),
    /// A regular expression.
    Regex(Regex),
}

/// Applies the prefixes to a path.
pub(crate) fn strip<'a>(prefixes: &[StripPrefix], path: &'a str) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    let mut path: Cow<'a, str> = Cow::Borrowed(path);
    for prefix in prefixes {
        match prefix {
            StripPrefix::Exact(p) if p.is_empty() => {}
            StripPrefix::Exact(p) => {
                if path == p.as_str() {
                    return Cow::Borrowed("/");
                }
                if path.starts_with(p.as_str()) && path[p.len()..].starts_with('/') {
                    return Cow::Owned(path[p.len()..].to_string());
                }
            }
            StripPrefix::Regex(re) => {
                let replaced = re.replace_all(&path, "").into_owned();
                if replaced.is_empty() {
                    return Cow::Borrowed("/");
                }
                path = Cow::Owned(replaced);
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes() -> Vec<StripPrefix> {
        vec![
            StripPrefix::Exact("/pay".into()),
            StripPrefix::Exact("/payment".into()),
            StripPrefix::Regex(Regex::new(r"/v\d+").unwrap()),
        ]
    }

    #[test]
    fn powertools_prefix_table() {
        // (path, stripped) rows from powertools-behaviour.md §7 and probe5.
        let rows = [
            ("/pay/foo", "/foo"),
            ("/pay", "/"),
            ("/pay/", "/"),
            ("/payfoo", "/payfoo"),
            ("/payment/foo", "/foo"),
            ("/x/v1/foo", "/x/foo"),
            ("/v1/v2/foo", "/foo"),
            ("/v1", "/"),
            ("/other", "/other"),
        ];
        for (path, want) in rows {
            assert_eq!(strip(&prefixes(), path), want, "{path}");
        }
    }

    #[test]
    fn conformance_todos_prefixes() {
        // prefix-str, prefix-root and prefix-regex cases of the conformance suite.
        let p = vec![
            StripPrefix::Exact("/api".into()),
            StripPrefix::Regex(Regex::new(r"/v[1-3]+/(dev|stg|qa)").unwrap()),
        ];
        assert_eq!(strip(&p, "/api/todos"), "/todos");
        assert_eq!(strip(&p, "/api"), "/");
        assert_eq!(strip(&p, "/v2/dev/todos/2"), "/todos/2");
    }
}
