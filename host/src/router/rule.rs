//! Powertools' route rule → regular expression.
//!
//! `<name>` becomes a named group of one or more URI-safe characters (never `/`); every other
//! character of the rule is regular-expression syntax, as in Powertools (`.+`, `(a|b)`).
//! `api_gateway.py` `_compile_regex`: `_NAMED_GROUP_BOUNDARY_PATTERN` and `_ROUTE_REGEX`.

use regex::Regex;

/// What `<name>` matches: Python's `\w` plus `-._~()'!*:@,;=+&$` and `%<> []{}|^`.
const SEGMENT: &str = r"[\-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+";

/// A compiled rule: the regex for each trailing-slash policy, and whether it is dynamic.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// `^rule$`: every source but REST v1.
    pub exact: Regex,
    /// `^rule.rstrip("/")/*$`: REST v1, which tolerates trailing slashes.
    pub slash_tolerant: Regex,
    /// True when the regex has groups: dynamic routes match after every static one.
    pub dynamic: bool,
}

/// Why a rule could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("route rule `{rule}` is not a valid pattern: {reason}")]
pub struct RuleError {
    /// The rule as written.
    pub rule: String,
    /// What the regex engine said.
    pub reason: String,
}

/// Compiles a Powertools rule.
pub fn compile(rule: &str) -> Result<CompiledRule, RuleError> {
    let rule = if rule.trim().is_empty() { "/" } else { rule };
    let body = substitute_params(rule);
    let exact = build(&format!("^{body}$"), rule)?;
    let trimmed = substitute_params(rule.trim_end_matches('/'));
    let slash_tolerant = build(&format!("^{trimmed}/*$"), rule)?;
    let dynamic = exact.captures_len() > 1;
    Ok(CompiledRule {
        exact,
        slash_tolerant,
        dynamic,
    })
}

/// Replaces each `<word>` with a named group; `<my-id>` is not a parameter and stays literal.
fn substitute_params(rule: &str) -> String {
    replace_params(rule, |name| format!("(?P<{name}>{SEGMENT})"))
}

/// Replaces each `<word>` parameter of a Powertools rule with `with(word)`; anything else
/// (`<my-id>`, a lone `<`) stays as written, as Powertools' `<(\w+)>` substitution leaves it.
pub fn replace_params(rule: &str, with: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(rule.len() + 32);
    let mut rest = rule;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end)
                if end > 0
                    && after[..end]
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_') =>
            {
                out.push_str(&with(&after[..end]));
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Compiles the pattern; where Python's `re` reads `{...}` that is no quantifier as literal
/// text (`/my/{path}`), retries with braces escaped.
fn build(pattern: &str, rule: &str) -> Result<Regex, RuleError> {
    Regex::new(pattern).or_else(|first| {
        let escaped = escape_non_quantifier_braces(pattern);
        Regex::new(&escaped).map_err(|_| RuleError {
            rule: rule.to_string(),
            reason: first.to_string(),
        })
    })
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
