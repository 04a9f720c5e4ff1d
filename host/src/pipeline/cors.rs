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
        Self::new("*")
    }
}

impl CorsConfig {
    /// `CORSConfig(allow_origin=...)`: that origin, Powertools' default headers, no exposed
    /// headers, no max age, no credentials. The `with_` methods give the other arguments.
    pub fn new(allow_origin: &str) -> Self {
        let defaults = Self {
            allowed_origins: vec![allow_origin.to_string()],
            allow_headers: Vec::new(),
            expose_headers: Vec::new(),
            max_age: None,
            allow_credentials: false,
        };
        defaults.with_allow_headers(DEFAULT_ALLOW_HEADERS.map(str::to_string).into())
    }

    /// `extra_origins=`: more allowed origins, after `allow_origin`.
    pub fn with_extra_origins(mut self, origins: Vec<String>) -> Self {
        self.allowed_origins.extend(origins);
        self
    }

    /// `allow_headers=`: allowed besides the defaults (sorted, each once, as Powertools
    /// answers them).
    pub fn with_allow_headers(mut self, headers: Vec<String>) -> Self {
        self.allow_headers.extend(headers);
        self.allow_headers.sort();
        self.allow_headers.dedup();
        self
    }

    /// `expose_headers=`, in the order given.
    pub fn with_expose_headers(mut self, headers: Vec<String>) -> Self {
        self.expose_headers = headers;
        self
    }

    /// `max_age=`.
    pub fn with_max_age(mut self, max_age: Option<u32>) -> Self {
        self.max_age = max_age;
        self
    }

    /// `allow_credentials=`.
    pub fn with_allow_credentials(mut self, allow: bool) -> Self {
        self.allow_credentials = allow;
        self
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

    #[test]
    fn the_default_headers_are_answered_sorted() {
        assert_eq!(
            CorsConfig::default().allow_headers.join(","),
            "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key"
        );
    }

    fn config() -> CorsConfig {
        CorsConfig::new("https://www.example.com")
            .with_extra_origins(vec!["https://dev.example.com".into()])
            .with_allow_headers(vec!["X-Api-Key".into(), "X-Correlation-Id".into()])
            .with_expose_headers(vec!["X-Transaction-Id".into()])
            .with_max_age(Some(300))
            .with_allow_credentials(true)
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
        let cors = CorsConfig::new("*")
            .with_max_age(Some(0))
            .with_allow_credentials(true);
        let mut headers = Headers::default();
        cors.apply(Some("https://any.example.com"), &mut headers);
        assert_eq!(headers.get("Access-Control-Allow-Origin").unwrap(), ["*"]);
        assert_eq!(headers.get("Access-Control-Max-Age").unwrap(), ["0"]);
        assert!(headers.get("Access-Control-Allow-Credentials").is_none());
    }
}
