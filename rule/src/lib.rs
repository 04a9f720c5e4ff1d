//! The `<name>` parameters of Powertools route rules (`/todos/<todo_id>`), read one way by
//! the host (matching, the OpenAPI path) and the guest SDK (declaring the path parameters),
//! so the two cannot disagree on what a rule's parameters are.
//!
//! A parameter is `<` one or more word characters `>`, as Powertools' `<(\w+)>`; anything
//! else (`<my-id>`, `<>`, a lone `<`) is literal text of the rule.
//!
//! ```
//! use switchyard_rule::{Piece, params, pieces};
//!
//! assert_eq!(params("/users/<user_id>/todos/<todo_id>").collect::<Vec<_>>(), ["user_id", "todo_id"]);
//! assert_eq!(
//!     pieces("/a/<id>").collect::<Vec<_>>(),
//!     [Piece::Text("/a/"), Piece::Param("id")]
//! );
//! ```

/// A piece of a rule, in order: literal text, or a parameter's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text matched as written (it may hold a `<` that starts no parameter).
    Text(&'a str),
    /// A `<name>` parameter's name.
    Param(&'a str),
}

/// The pieces of `rule`: concatenated, the text pieces and `<name>` for each parameter give
/// `rule` back.
pub fn pieces(rule: &str) -> Pieces<'_> {
    Pieces { rest: rule }
}

/// The parameter names of `rule`, in order.
pub fn params(rule: &str) -> impl Iterator<Item = &str> {
    pieces(rule).filter_map(|piece| match piece {
        Piece::Param(name) => Some(name),
        Piece::Text(_) => None,
    })
}

/// Iterator over a rule's [`Piece`]s; see [`pieces`].
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        if let Some(name) = param_at_start(self.rest) {
            // `<` + name + `>`: all ASCII delimiters, so the byte arithmetic stays on boundaries.
            self.rest = &self.rest[name.len() + 2..];
            return Some(Piece::Param(name));
        }
        // Text up to the next `<` (past a leading one, which starts no parameter here).
        let skip = usize::from(self.rest.starts_with('<'));
        let end = self.rest[skip..]
            .find('<')
            .map_or(self.rest.len(), |i| i + skip);
        let (text, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(Piece::Text(text))
    }
}

/// The name of the parameter `text` starts with, if it starts with one.
fn param_at_start(text: &str) -> Option<&str> {
    let after = text.strip_prefix('<')?;
    let name = &after[..after.find('>')?];
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    (!name.is_empty() && name.chars().all(is_word)).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::{Piece, pieces};
    use Piece::{Param, Text};

    #[test]
    fn rules_split_into_text_and_parameters() {
        let cases: [(&str, &[Piece<'_>]); 12] = [
            ("/todos", &[Text("/todos")]),
            ("/todos/<todo_id>", &[Text("/todos/"), Param("todo_id")]),
            (
                "/u/<a>/t/<b>/x",
                &[Text("/u/"), Param("a"), Text("/t/"), Param("b"), Text("/x")],
            ),
            ("/<a><b>", &[Text("/"), Param("a"), Param("b")]),
            // Not a word: literal, as Powertools' `<(\w+)>` leaves it.
            ("/a/<my-id>", &[Text("/a/"), Text("<my-id>")]),
            ("/a/<>", &[Text("/a/"), Text("<>")]),
            ("/a/<", &[Text("/a/"), Text("<")]),
            ("/a/<id", &[Text("/a/"), Text("<id")]),
            ("/<<id>>", &[Text("/"), Text("<"), Param("id"), Text(">")]),
            // Python's `\w` is Unicode-aware.
            ("/<名前>", &[Text("/"), Param("名前")]),
            // Regex rules keep their syntax as text.
            ("/files/.+", &[Text("/files/.+")]),
            ("", &[]),
        ];
        for (rule, expected) in cases {
            let got: Vec<Piece<'_>> = pieces(rule).collect();
            assert_eq!(got, expected, "{rule}");
            let rebuilt: String = got
                .iter()
                .map(|piece| match piece {
                    Text(text) => text.to_string(),
                    Param(name) => format!("<{name}>"),
                })
                .collect();
            assert_eq!(rebuilt, rule, "the pieces give the rule back");
        }
    }
}
