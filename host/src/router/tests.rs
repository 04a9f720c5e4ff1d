//! Table-driven routing tests; rows from Powertools' tests and the conformance ids.

use super::*;
use crate::request::EventSource::{self, *};

/// One request row: method, path, source, the rule expected to match, and its params.
type Case = (
    &'static str,
    &'static str,
    EventSource,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

struct RouteTest {
    routes: &'static [(&'static str, &'static str)],
    cases: &'static [Case],
}

/// A router over `(method, rule)` rows, each route's value being `"METHOD rule"`.
fn router(routes: &[(&str, &str)]) -> Router<String> {
    let entries = routes
        .iter()
        .map(|(method, rule)| RouteEntry {
            method: method.to_string(),
            rule: rule.to_string(),
            compiled: compile(rule).unwrap(),
            value: format!("{method} {rule}"),
        })
        .collect();
    Router::new(entries)
}

impl RouteTest {
    fn run(&self) {
        let router = router(self.routes);
        for (method, path, source, want, params) in self.cases {
            let got = router.at(method, path, *source);
            assert_eq!(
                got.as_ref().map(|m| m.value.as_str()),
                *want,
                "{method} {path} on {source}"
            );
            if let Some(m) = got {
                let want_params: Vec<_> = params
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                assert_eq!(m.params, want_params, "{method} {path}");
            }
        }
    }
}

#[test]
fn static_routes_beat_dynamic_ones_whatever_the_order() {
    RouteTest {
        routes: &[
            ("GET", "/todos/<id>"),
            ("GET", "/todos/special"),
            ("GET", "/<a>/<b>"),
            ("GET", "/users/<id>"),
        ],
        cases: &[
            (
                "GET",
                "/todos/special",
                HttpV2,
                Some("GET /todos/special"),
                &[],
            ),
            (
                "GET",
                "/todos/7",
                HttpV2,
                Some("GET /todos/<id>"),
                &[("id", "7")],
            ),
            // Among dynamic routes the first registered wins.
            (
                "GET",
                "/users/1",
                HttpV2,
                Some("GET /<a>/<b>"),
                &[("a", "users"), ("b", "1")],
            ),
        ],
    }
    .run();
}

#[test]
fn unknown_route_and_method_mismatch_are_misses_never_405() {
    RouteTest {
        routes: &[("GET", "/todos"), ("POST", "/todos")],
        cases: &[
            ("PUT", "/todos", RestV1, None, &[]),        // method-mismatch
            ("GET", "/nothing/here", RestV1, None, &[]), // unknown-route
            ("get", "/todos", RestV1, Some("GET /todos"), &[]), // methods compare upper-cased
        ],
    }
    .run();
}

#[test]
fn trailing_slashes_match_only_on_rest_v1() {
    RouteTest {
        routes: &[("GET", "/todos"), ("GET", "/"), ("GET", "/x/")],
        cases: &[
            ("GET", "/todos/", RestV1, Some("GET /todos"), &[]), // trailing-slash@rest-v1
            ("GET", "/todos//", RestV1, Some("GET /todos"), &[]),
            ("GET", "/todos/", HttpV2, None, &[]), // trailing-slash@http-v2
            ("GET", "/todos/", Alb, None, &[]),
            ("GET", "/todos/", LatticeV2, None, &[]),
            ("GET", "", RestV1, Some("GET /"), &[]),
            ("GET", "//", RestV1, Some("GET /"), &[]),
            ("GET", "/x", RestV1, Some("GET /x/"), &[]),
            ("GET", "/x", HttpV2, None, &[]),
        ],
    }
    .run();
}

#[test]
fn parameters_take_uri_safe_characters_but_never_a_slash() {
    RouteTest {
        routes: &[
            ("GET", "/users/<user_id>/todos/<todo_id>"),
            ("GET", "/p/<v>"),
        ],
        cases: &[
            (
                "GET",
                "/users/7/todos/3",
                HttpV2,
                Some("GET /users/<user_id>/todos/<todo_id>"),
                &[("user_id", "7"), ("todo_id", "3")],
            ),
            (
                "GET",
                "/p/user@example.com",
                HttpV2,
                Some("GET /p/<v>"),
                &[("v", "user@example.com")],
            ),
            (
                "GET",
                "/p/-._~'!*:@,;()=+&$",
                HttpV2,
                Some("GET /p/<v>"),
                &[("v", "-._~'!*:@,;()=+&$")],
            ),
            (
                "GET",
                "/p/%<>[]{}|^",
                HttpV2,
                Some("GET /p/<v>"),
                &[("v", "%<>[]{}|^")],
            ),
            (
                "GET",
                "/p/abc%20def",
                HttpV2,
                Some("GET /p/<v>"),
                &[("v", "abc%20def")],
            ),
            (
                "GET",
                "/p/with space",
                HttpV2,
                Some("GET /p/<v>"),
                &[("v", "with space")],
            ),
            (
                "GET",
                "/p/über",
                HttpV2,
                Some("GET /p/<v>"),
                &[("v", "über")],
            ),
            // Python's `\w`: numbers such as `½` and `²` are word characters...
            ("GET", "/p/½²", HttpV2, Some("GET /p/<v>"), &[("v", "½²")]),
            // ...combining marks and joiners are not (a decomposed `é`, a Thai vowel sign).
            ("GET", "/p/e\u{301}", HttpV2, None, &[]),
            ("GET", "/p/\u{e17}\u{e35}", HttpV2, None, &[]),
            ("GET", "/p/a\u{200d}", HttpV2, None, &[]),
            ("GET", "/p/a/b", HttpV2, None, &[]),
            ("GET", "/p/", HttpV2, None, &[]),
        ],
    }
    .run();
}

#[test]
fn rules_are_regular_expressions() {
    RouteTest {
        routes: &[
            ("GET", "/files/.+"),
            ("GET", "/v1.0/x"),
            ("GET", "/my/{path}"),
        ],
        cases: &[
            ("GET", "/files/a/b.txt", HttpV2, Some("GET /files/.+"), &[]), // regex-route
            ("GET", "/v1X0/x", HttpV2, Some("GET /v1.0/x"), &[]),
            ("GET", "/my/{path}", HttpV2, Some("GET /my/{path}"), &[]), // a literal, static route
        ],
    }
    .run();
}

#[test]
fn a_catch_all_without_groups_is_static_and_shadows_dynamic_routes() {
    RouteTest {
        routes: &[("GET", "/todos/<id>"), ("GET", ".+")],
        cases: &[("GET", "/todos/1", HttpV2, Some("GET .+"), &[])],
    }
    .run();
}

#[test]
fn invalid_rules_are_errors_naming_the_rule() {
    // Python's `re` refuses each of these when Powertools registers the route.
    for rule in ["/bad/(unclosed", "/items/<1>", "/a/<id>/b/<id>"] {
        let err = compile(rule).unwrap_err();
        assert!(err.to_string().contains(&format!("`{rule}`")), "{err}");
    }
}

#[test]
fn literal_and_pattern_static_routes_keep_registration_order() {
    RouteTest {
        routes: &[
            ("GET", "/early"),
            ("GET", "/earl."),
            ("GET", "/lat."),
            ("GET", "/late"),
            ("POST", "/late/"),
            ("GET", "/"),
        ],
        cases: &[
            // the literal route came first
            ("GET", "/early", HttpV2, Some("GET /early"), &[]),
            // the pattern came before the literal: it wins though the literal is looked up
            ("GET", "/late", HttpV2, Some("GET /lat."), &[]),
            ("get", "/early", HttpV2, Some("GET /early"), &[]),
            ("GET", "/earlx", HttpV2, Some("GET /earl."), &[]),
            ("POST", "/late/", HttpV2, Some("POST /late/"), &[]),
            ("POST", "/late", HttpV2, None, &[]),
            ("POST", "/late", RestV1, Some("POST /late/"), &[]),
            ("POST", "/late///", RestV1, Some("POST /late/"), &[]),
            ("GET", "/", HttpV2, Some("GET /"), &[]),
            ("GET", "", RestV1, Some("GET /"), &[]),
            ("GET", "///", RestV1, Some("GET /"), &[]),
            ("GET", "///", HttpV2, None, &[]),
        ],
    }
    .run();
}

#[test]
fn an_empty_rule_matches_as_written() {
    RouteTest {
        routes: &[("GET", "")],
        cases: &[
            ("GET", "", HttpV2, Some("GET "), &[]),
            ("GET", "/", HttpV2, None, &[]),
            ("GET", "/", RestV1, Some("GET "), &[]),
            ("GET", "", RestV1, Some("GET "), &[]),
            ("GET", "//", RestV1, Some("GET "), &[]),
        ],
    }
    .run();
}

#[test]
fn the_end_of_a_rule_matches_before_a_final_newline_as_in_python() {
    RouteTest {
        routes: &[("GET", "/hello"), ("GET", "/todos/<id>")],
        cases: &[
            ("GET", "/hello\n", HttpV2, Some("GET /hello"), &[]),
            ("GET", "/hello/\n", RestV1, Some("GET /hello"), &[]),
            ("GET", "/hello\n\n", HttpV2, None, &[]),
            (
                "GET",
                "/todos/5\n",
                HttpV2,
                Some("GET /todos/<id>"),
                &[("id", "5")],
            ),
        ],
    }
    .run();
}

/// The router's indexes (literal static paths, dynamic routes by first segment) must pick
/// the route a plain scan in matching order picks, for every path.
#[test]
fn indexed_lookup_picks_what_a_scan_in_order_picks() {
    let rules = [
        ("GET", "/todos"),
        ("GET", "/todos/<id>"),
        ("POST", "/todos/<id>"),
        ("GET", "/todos/<id>/items/<item>"),
        ("GET", "/<a>/<b>"),
        ("GET", "/users/<id>"),
        ("GET", "/users/me"),
        ("GET", "/v<version>/x"),
        ("GET", "/files/(.+)"),
        ("GET", "/todos/(special|other)"),
        ("GET", "/api.+"),
        ("GET", "/"),
        ("GET", "/users/<id>/"),
    ];
    let router = router(&rules);
    let scan = |method: &str, path: &str, source: EventSource| {
        router
            .routes()
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method))
            .find_map(|r| {
                let params = r
                    .compiled
                    .matches(path, source.tolerates_trailing_slash())?;
                Some((r.value.clone(), params))
            })
    };
    let paths = [
        "",
        "/",
        "//",
        "/todos",
        "/todos/",
        "/todos/5",
        "/todos/5/",
        "/todos/special",
        "/todos/5/items/6",
        "/users/me",
        "/users/7",
        "/users/7/",
        "/users",
        "/v2/x",
        "/v/x",
        "/files/a/b",
        "/todos\n",
        "/users/me\n",
        "/users/me/\n",
        "/\n",
        "/api",
        "/apiv1",
        "/x/y",
        "/x/y/z",
        "todos/5",
        "/TODOS/5",
    ];
    for source in [HttpV2, RestV1] {
        for method in ["GET", "post", "DELETE"] {
            for path in paths {
                let got = router
                    .at(method, path, source)
                    .map(|m| (m.value.clone(), m.params));
                assert_eq!(
                    got,
                    scan(method, path, source),
                    "{method} {path} on {source}"
                );
            }
        }
    }
}

/// Routes owned by components: (owner, method, rule).
fn owned(routes: &[(usize, &str, &str)]) -> Vec<RouteEntry<usize>> {
    routes
        .iter()
        .map(|(owner, method, rule)| RouteEntry {
            method: method.to_string(),
            rule: rule.to_string(),
            compiled: compile(rule).unwrap(),
            value: *owner,
        })
        .collect()
}

#[test]
fn a_method_and_rule_of_two_owners_is_refused_by_the_router() {
    let routes = owned(&[(0, "GET", "/a"), (1, "POST", "/a"), (1, "GET", "/a")]);
    let conflict = Router::checked(routes, |owner| *owner).err();
    assert_eq!(
        conflict,
        Some(Duplicate {
            method: "GET".into(),
            rule: "/a".into(),
            first: 0,
            again: 1,
        })
    );
}

#[test]
fn one_owner_registering_twice_keeps_the_first_and_is_reported() {
    let routes = owned(&[(0, "GET", "/a"), (1, "GET", "/b"), (0, "GET", "/a")]);
    let (router, repeats) = Router::checked(routes, |owner| *owner).unwrap();
    assert_eq!(repeats.len(), 1);
    assert_eq!((repeats[0].first, repeats[0].again), (0, 0));
    assert_eq!(
        router.routes().len(),
        3,
        "kept; the first registration matches first"
    );
    assert_eq!(router.at("GET", "/a", RestV1).map(|m| *m.value), Some(0));
}
