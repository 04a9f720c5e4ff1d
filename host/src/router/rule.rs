//! Powertools' route rule → regular expression.
//!
//! `<name>` becomes a named group of one or more URI-safe characters (never `/`); every other
//! character of the rule is regular-expression syntax, as in Powertools (`.+`, `(a|b)`).
//! `api_gateway.py` `_compile_regex`: `_NAMED_GROUP_BOUNDARY_PATTERN` and `_ROUTE_REGEX`.

use std::sync::LazyLock;

use regex::Regex;

/// What `<name>` matches: Python's `\w` plus `-._~()'!*:@,;=+&$` and `%<> []{}|^`. Python's
/// `\w` is a letter, a number or `_` (`str.isalnum()`): unlike Rust's `\w` it takes `½` and
/// `²` but not combining marks (a decomposed `é`, Thai vowel signs) or joiners.
const SEGMENT: &str = r"[\-._~()'!*:@,;=+&$%<> \[\]{}|^\p{L}\p{N}_]+";

/// A compiled rule: how it matches a path, and whether it is dynamic.
///
/// Most rules are plain: literal text and `<name>` parameters, each parameter followed by `/`
/// or the end. Those are matched piece by piece, which is what their regular expression
/// would do (a parameter never holds `/`, so it ends where the next `/` starts) without
/// compiling one: building two Unicode-aware regexes per route was most of the cold start.
/// Any other rule is regular-expression syntax, as in Powertools, and compiled as one.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    matcher: Matcher,
    /// True when the rule has groups: dynamic routes match after every static one.
    pub dynamic: bool,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// Pieces of the rule, and of the rule with trailing slashes trimmed (REST v1).
    Plain {
        exact: Vec<Piece>,
        trimmed: Vec<Piece>,
    },
    Pattern {
        /// `^rule$`: every source but REST v1.
        exact: Regex,
        /// `^rule.rstrip("/")/*$`: REST v1, which tolerates trailing slashes.
        slash_tolerant: Regex,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Literal(String),
    Param(String),
}

/// Why a rule could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("route rule `{rule}` is not a valid pattern: {reason}")]
pub(crate) struct RuleError {
    /// The rule as written.
    pub rule: String,
    /// What the regex engine said.
    pub reason: String,
}

/// Python's `$`: the end of the text, or just before a newline that ends it.
const END: &str = r"\n?\z";

/// Compiles a Powertools rule.
///
/// The rule is compiled as written: Powertools shows an empty rule as `/` (`Route.path`)
/// but matches it as `^$`, so `""` answers `/` only where trailing slashes are tolerated.
pub(crate) fn compile(rule: &str) -> Result<CompiledRule, RuleError> {
    let trimmed = rule.trim_end_matches('/');
    if let (Some(exact), Some(trimmed)) = (plain_pieces(rule), plain_pieces(trimmed)) {
        let dynamic = exact.iter().any(|p| matches!(p, Piece::Param(_)));
        return Ok(CompiledRule {
            matcher: Matcher::Plain { exact, trimmed },
            dynamic,
        });
    }
    let exact = build(&format!("^{}{END}", substitute_params(rule)), rule)?;
    let slash_tolerant = build(&format!("^{}/*{END}", substitute_params(trimmed)), rule)?;
    let dynamic = exact.captures_len() > 1;
    Ok(CompiledRule {
        matcher: Matcher::Pattern {
            exact,
            slash_tolerant,
        },
        dynamic,
    })
}

impl CompiledRule {
    /// The path parameters in rule order when `path` matches; with `tolerate_trailing_slashes`
    /// (REST v1) any number of `/` may follow the rule.
    pub fn matches(
        &self,
        path: &str,
        tolerate_trailing_slashes: bool,
    ) -> Option<Vec<(String, String)>> {
        match &self.matcher {
            Matcher::Plain { exact, trimmed } => match tolerate_trailing_slashes {
                true => match_pieces(trimmed, path, true),
                false => match_pieces(exact, path, false),
            },
            Matcher::Pattern {
                exact,
                slash_tolerant,
            } => {
                let regex = if tolerate_trailing_slashes {
                    slash_tolerant
                } else {
                    exact
                };
                // `is_match` runs without capture slots: most routes are misses.
                if path.len() > MAX_PATTERN_PATH || !regex.is_match(path) {
                    return None;
                }
                let caps = regex.captures(path)?;
                Some(
                    regex
                        .capture_names()
                        .flatten()
                        .filter_map(|name| {
                            Some((name.to_string(), caps.name(name)?.as_str().to_string()))
                        })
                        .collect(),
                )
            }
        }
    }

    /// The first path segment every path this rule matches begins with (`todos` for
    /// `/todos/<id>`), when the rule spells it out: a router can then skip the rule for
    /// paths that begin otherwise. `None` for a rule that starts with a parameter or with
    /// regular-expression syntax, or whose first segment runs into a parameter (`/v<n>/x`).
    pub fn first_segment(&self) -> Option<&str> {
        let Matcher::Plain { exact, .. } = &self.matcher else {
            return None;
        };
        match exact.first() {
            Some(Piece::Literal(text)) => text.strip_prefix('/')?.split_once('/').map(|(s, _)| s),
            _ => None,
        }
    }

    /// For a rule without parameters or regular-expression syntax, the one path it matches
    /// (trailing slashes trimmed when `tolerate_trailing_slashes`), so a router can look it
    /// up instead of trying it.
    pub fn literal_path(&self, tolerate_trailing_slashes: bool) -> Option<&str> {
        let Matcher::Plain { exact, trimmed } = &self.matcher else {
            return None;
        };
        let pieces = if tolerate_trailing_slashes {
            trimmed
        } else {
            exact
        };
        match pieces.as_slice() {
            [] => Some(""),
            [Piece::Literal(text)] => Some(text),
            _ => None,
        }
    }
}

/// Splits a rule into literal text and parameters, or `None` when it needs a regular
/// expression: a metacharacter in its text, or a parameter followed by anything a parameter
/// could itself hold (then where it ends depends on backtracking).
fn plain_pieces(rule: &str) -> Option<Vec<Piece>> {
    const METACHARACTERS: &[char] = &[
        '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$',
    ];
    let mut pieces = Vec::new();
    let marked = replace_params(rule, |name| format!("\0{name}\0"));
    for (index, part) in marked.split('\0').enumerate() {
        let is_param = index % 2 == 1;
        if is_param {
            // A name the regex engine refuses (`<1>`, a name used twice) is left to it, so
            // the rule fails to load as it does in Powertools.
            let taken = pieces.iter().any(|p| *p == Piece::Param(part.to_string()));
            if taken || part.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            pieces.push(Piece::Param(part.to_string()));
        } else if part.contains(METACHARACTERS) {
            return None;
        } else if !part.is_empty() {
            pieces.push(Piece::Literal(part.to_string()));
        }
    }
    let ends_params = pieces.windows(2).all(|pair| match pair {
        [Piece::Param(_), Piece::Literal(next)] => next
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii() && !in_segment(c)),
        [Piece::Param(_), Piece::Param(_)] => false,
        _ => true,
    });
    (ends_params && !rule.contains('\0')).then_some(pieces)
}

fn match_pieces(
    pieces: &[Piece],
    path: &str,
    tolerate_trailing_slashes: bool,
) -> Option<Vec<(String, String)>> {
    let mut rest = path;
    let mut params = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
            Piece::Param(name) => {
                let len = segment_len(rest);
                if len == 0 {
                    return None;
                }
                params.push((name.clone(), rest[..len].to_string()));
                rest = &rest[len..];
            }
        }
    }
    // Python's `$` also matches just before a final newline.
    let rest = rest.strip_suffix('\n').unwrap_or(rest);
    let done = match tolerate_trailing_slashes {
        true => rest.bytes().all(|b| b == b'/'),
        false => rest.is_empty(),
    };
    done.then_some(params)
}

/// The length of the longest run at the start of `text` that a parameter can hold.
fn segment_len(text: &str) -> usize {
    // A parameter may hold any Unicode word character; the class regex decides past ASCII.
    static SEGMENT_RUN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!(r"\A{SEGMENT}")).expect("static regex"));
    for (index, byte) in text.bytes().enumerate() {
        if !byte.is_ascii() {
            let rest = SEGMENT_RUN.find(&text[index..]).map_or(0, |m| m.end());
            return index + rest;
        }
        if !in_segment(byte as char) {
            return index;
        }
    }
    text.len()
}

/// True for an ASCII character that `SEGMENT` holds.
fn in_segment(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-._~()'!*:@,;=+&$%<> []{}|^".contains(c)
}

/// Replaces each `<word>` with a named group; `<my-id>` is not a parameter and stays literal.
fn substitute_params(rule: &str) -> String {
    replace_params(rule, |name| format!("(?P<{name}>{SEGMENT})"))
}

/// Replaces each `<word>` parameter of a Powertools rule with `with(word)`; anything else
/// (`<my-id>`, a lone `<`) stays as written, as Powertools' `<(\w+)>` substitution leaves it.
pub(crate) fn replace_params(rule: &str, with: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(rule.len() + 32);
    for piece in switchyard_rule::pieces(rule) {
        match piece {
            switchyard_rule::Piece::Text(text) => out.push_str(text),
            switchyard_rule::Piece::Param(name) => out.push_str(&with(name)),
        }
    }
    out
}

/// Compiles the pattern; where Python's `re` reads `{...}` that is no quantifier as literal
/// text (`/my/{path}`), retries with braces escaped.
fn build(pattern: &str, rule: &str) -> Result<Regex, RuleError> {
    bounded(pattern).or_else(|first| {
        let escaped = escape_non_quantifier_braces(pattern);
        bounded(&escaped).map_err(|_| RuleError {
            rule: rule.to_string(),
            reason: first.to_string(),
        })
    })
}

/// The most memory one rule's compiled pattern may take. A guest's rule is compiled and
/// matched by the host, outside any guest's limits: `[ab]*a[ab]{3000}x` took 1.8 s of host
/// CPU on one 50 KB path. Bounding the pattern's size bounds the work per byte of path, and
/// [`MAX_PATTERN_PATH`] the bytes; a rule past it refuses its bundle at load. Each `<param>`
/// takes ~48 KB (its Unicode classes), so 2 MiB leaves room for ~40 of them in one rule.
const RULE_SIZE_LIMIT: usize = 2 << 20;

/// The longest path a regular-expression rule is matched against: past every event
/// source's own limit (API Gateway takes 10,240 bytes of request line and headers, ALB 16 KiB
/// of request line), so only a hand-made event is longer, and matching it stays bounded.
const MAX_PATTERN_PATH: usize = 16 << 10;

fn bounded(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(RULE_SIZE_LIMIT)
        .dfa_size_limit(RULE_SIZE_LIMIT * 4)
        .build()
}

fn escape_non_quantifier_braces(pattern: &str) -> String {
    let quantifier = Regex::new(r"^\{\d+(,\d*)?\}").expect("static regex");
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < pattern.len() {
        let rest = &pattern[i..];
        let c = rest.chars().next().unwrap_or_default();
        if c == '{' && !quantifier.is_match(rest) {
            out.push_str(r"\{");
        } else if c == '}' && !out.ends_with(|d: char| d.is_ascii_digit() || d == ',') {
            out.push_str(r"\}");
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule's regular expression, as Powertools builds it and as every rule was matched
    /// before plain rules got their own matcher.
    fn reference(rule: &str, tolerant: bool) -> Regex {
        let body = match tolerant {
            true => format!("^{}/*{END}", substitute_params(rule.trim_end_matches('/'))),
            false => format!("^{}{END}", substitute_params(rule)),
        };
        build(&body, rule).unwrap()
    }

    #[test]
    fn a_rule_whose_pattern_is_too_costly_is_refused_and_long_paths_are_not_matched() {
        // A counted repetition of any character compiles to a state per count and byte.
        let err = compile("/re/.{5000}x").unwrap_err();
        assert_eq!(err.rule, "/re/.{5000}x");
        assert!(err.reason.contains("size limit"), "{}", err.reason);
        // A modest pattern compiles, and matches paths up to the bound only.
        let rule = compile("/re/[ab]+").unwrap();
        let long = format!("/re/{}", "a".repeat(MAX_PATTERN_PATH - 4));
        assert!(rule.matches(&long, false).is_some());
        let longer = format!("{long}a");
        assert!(rule.matches(&longer, false).is_none());
    }

    #[test]
    fn plain_rules_match_exactly_what_their_regex_matches() {
        let rules = [
            "/",
            "/hello",
            "/hello/",
            "/todos/<id>",
            "/todos/<id>/",
            "/todos/<id>/items/<item>",
            "/v<version>/x",
            "/<a>/<b>",
            "/files/<name>?x",
            "/my-id/<my-id>",
            "/ü/<name>",
        ];
        let paths = [
            "",
            "/",
            "//",
            "/hello",
            "/hello/",
            "/hello//",
            "/hellox",
            "/todos",
            "/todos/",
            "/todos/5",
            "/todos/5/",
            "/todos/5//",
            "/todos/5/6",
            "/todos/a b",
            "/todos/%20",
            "/todos/ü",
            "/todos/e\u{301}",
            "/todos/½",
            "/todos/x\u{200d}y",
            "/todos/❤",
            "/todos/a?b",
            "/todos/a#b",
            "/todos/a\"b",
            "/todos/a\\b",
            "/todos/a`b",
            "/todos/(){}[]|^<>",
            "/todos/1/items/2",
            "/todos/1/items/",
            "/todos//items/2",
            "/v1/x",
            "/v1.0/x",
            "/vx",
            "/a/b",
            "/a/b/",
            "/a//b",
            "/files/f",
            "/my-id/<my-id>",
            "/ü/ann",
            "/u/ann",
            "/todos/5\n",
            "/hello\n",
            "/hello/\n",
            "/hello\n\n",
            "/todos/5\n/",
        ];
        let mut plain = 0;
        for rule in rules {
            let compiled = compile(rule).unwrap();
            plain += usize::from(matches!(compiled.matcher, Matcher::Plain { .. }));
            for tolerant in [false, true] {
                let regex = reference(rule, tolerant);
                for path in paths {
                    let want = regex.captures(path).map(|caps| {
                        regex
                            .capture_names()
                            .flatten()
                            .map(|n| (n.to_string(), caps[n].to_string()))
                            .collect::<Vec<_>>()
                    });
                    assert_eq!(
                        compiled.matches(path, tolerant),
                        want,
                        "rule {rule:?}, path {path:?}, tolerant {tolerant}"
                    );
                }
            }
        }
        assert!(plain >= 8, "most of these rules take the plain matcher");
    }

    #[test]
    fn rules_needing_a_regex_get_one() {
        let table = [
            ("/todos/<id>", true),
            ("/v<major>.<minor>", false), // `.` is any character
            ("/<a>-<b>", false),          // where `<a>` ends depends on backtracking
            ("/<a><b>", false),
            (".+", false),
            ("/my/{path}", false),
            ("/(a|b)", false),
            ("/files/<name>?", false),
        ];
        for (rule, plain) in table {
            let compiled = compile(rule).unwrap();
            assert_eq!(
                matches!(compiled.matcher, Matcher::Plain { .. }),
                plain,
                "{rule}"
            );
        }
        // `/<a>-<b>` backtracks: `<a>` gives up its last `-` for `<b>`.
        let params = compile("/<a>-<b>").unwrap().matches("/x-y-z", false);
        assert_eq!(
            params,
            Some(vec![
                ("a".to_string(), "x-y".to_string()),
                ("b".to_string(), "z".to_string())
            ])
        );
    }

    #[test]
    fn only_a_literal_rule_has_a_literal_path() {
        let table = [
            ("/hello", Some("/hello"), Some("/hello")),
            ("/hello//", Some("/hello//"), Some("/hello")),
            ("/", Some("/"), Some("")),
            ("/todos/<id>", None, None),
            (".+", None, None),
        ];
        for (rule, exact, trimmed) in table {
            let compiled = compile(rule).unwrap();
            assert_eq!(compiled.literal_path(false), exact, "{rule}");
            assert_eq!(compiled.literal_path(true), trimmed, "{rule}");
        }
    }
}
