//! CORS with Powertools' `CORSConfig` semantics.
//!
//! Headers go on every response of a CORS-enabled route, only when the request's `Origin`
//! is allowed; an origin matched through `*` is answered with `*`, and credentials are never
//! allowed with `*`. `Access-Control-Allow-Methods` is only on the automatic pre-flight.

use crate::response::Headers;

/// Powertools' default allowed headers, always allowed.
const DEFAULT_ALLOW_HEADERS: [&str; 5] = [
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Api-Key",
    "X-Amz-Security-Token",
];

/// A CORS policy.
#[derive(Debug, Clone, PartialEq)]
pub struct CorsConfig {
    /// `allow_origin` then `extra_origins`.
    pub allowed_origins: Vec<String>,
    /// Allowed headers, the defaults included.
    pub allow_headers: Vec<String>,
    /// `Access-Control-Expose-Headers`, in the order given.
    pub expose_headers: Vec<String>,
    /// `Access-Control-Max-Age`.
    pub max_age: Option<u32>,
    /// `Access-Control-Allow-Credentials`.
    pub allow_credentials: bool,
}

impl Default for CorsConfig {
    /// `CORSConfig()`: any origin, default headers.
    fn default() -> Self {
        Self::new("*", Vec::new(), Vec::new(), Vec::new(), None, false)
    }
}

impl CorsConfig {
    /// A policy from `CORSConfig`'s arguments.
    pub fn new(
        allow_origin: &str,
        extra_origins: Vec<String>,
        allow_headers: Vec<String>,
        expose_headers: Vec<String>,
        max_age: Option<u32>,
        allow_credentials: bool,
    ) -> Self {
        let mut allowed_origins = vec![allow_origin.to_string()];
        allowed_origins.extend(extra_origins);
        let mut headers: Vec<String> = DEFAULT_ALLOW_HEADERS
            .iter()
            .map(|h| h.to_string())
            .collect();
        headers.extend(allow_headers);
        headers.sort();
        headers.dedup();
        Self {
            allowed_origins,
            allow_headers: headers,
            expose_headers,
            max_age,
            allow_credentials,
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request origin, if it is allowed.
    pub fn allowed_origin(&self, origin: Option<&str>) -> Option<String> {
        let origin = origin?;
        if self.allowed_origins.iter().any(|o| o == origin) {
            return Some(origin.to_string());
        }
        self.allowed_origins
            .iter()
            .any(|o| o == "*")
            .then(|| "*".to_string())
    }

    /// Adds the CORS headers for `origin`, overwriting the handler's own values.
    pub fn apply(&self, origin: Option<&str>, headers: &mut Headers) {
        let Some(allowed) = self.allowed_origin(origin) else {
            return;
        };
        headers.set("Access-Control-Allow-Origin", allowed.clone());
        headers.set("Access-Control-Allow-Headers", self.allow_headers.join(","));
        if !self.expose_headers.is_empty() {
            headers.set(
                "Access-Control-Expose-Headers",
                self.expose_headers.join(","),
            );
        }
        if let Some(max_age) = self.max_age {
            headers.set("Access-Control-Max-Age", max_age.to_string());
        }
        if self.allow_credentials && allowed != "*" {
            headers.set("Access-Control-Allow-Credentials", "true".to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> CorsConfig {
        CorsConfig::new(
            "https://www.example.com",
            vec!["https://dev.example.com".into()],
            vec!["X-Api-Key".into(), "X-Correlation-Id".into()],
            vec!["X-Transaction-Id".into()],
            Some(300),
            true,
        )
    }

    #[test]
    fn an_allowed_origin_is_echoed_with_every_header() {
        let mut headers = Headers::default();
        config().apply(Some("https://dev.example.com"), &mut headers);
        assert_eq!(
            headers.get("Access-Control-Allow-Origin").unwrap(),
            ["https://dev.example.com"]
        );
        assert_eq!(
            headers.get("Access-Control-Allow-Headers").unwrap(),
            [
                "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key,X-Correlation-Id"
            ]
        );
        assert_eq!(
            headers.get("Access-Control-Expose-Headers").unwrap(),
            ["X-Transaction-Id"]
        );
        assert_eq!(headers.get("Access-Control-Max-Age").unwrap(), ["300"]);
        assert_eq!(
            headers.get("Access-Control-Allow-Credentials").unwrap(),
            ["true"]
        );
    }

    #[test]
    fn a_disallowed_or_missing_origin_gets_no_cors_headers() {
        for origin in [Some("https://evil.example.com"), None] {
            let mut headers = Headers::default();
            config().apply(origin, &mut headers);
            assert_eq!(headers, Headers::default(), "{origin:?}");
        }
    }

    #[test]
    fn the_wildcard_answers_star_and_never_allows_credentials() {
        let cors = CorsConfig::new("*", vec![], vec![], vec![], Some(0), true);
        let mut headers = Headers::default();
        cors.apply(Some("https://any.example.com"), &mut headers);
        assert_eq!(headers.get("Access-Control-Allow-Origin").unwrap(), ["*"]);
        assert_eq!(headers.get("Access-Control-Max-Age").unwrap(), ["0"]);
        assert!(headers.get("Access-Control-Allow-Credentials").is_none());
    }
}
