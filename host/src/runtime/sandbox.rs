//! What a component may use beyond its own memory, and how much of it: the grants of its
//! bundle entry (environment variables, read-only directories, outbound HTTP hosts) and
//! its limits (memory, time, what it may hand back). Deny by default: a component whose
//! entry grants nothing sees an empty environment, no preopened directory, and every
//! `wasi:http` request refused with `HTTP-request-denied`.
//!
//! Contents: [`Sandbox`] (one component's grants and limits), [`AllowedHosts`] (the
//! outbound allow-list and its grammar), [`OutboundHooks`] (the `wasi:http` hook that
//! enforces it), and [`env_grants`] (an env allow-list read against the host's environment).

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

/// The AWS credentials Lambda puts in every function's environment. A `PREFIX_*` grant never
/// matches them: a component reads one only when its entry names it exactly.
const AWS_CREDENTIALS: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// One component's grants and limits, fixed at load.
#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    /// Environment variables the guest sees, with their values.
    pub env: Vec<(String, String)>,
    /// Read-only directories: the host directory and where the guest sees it.
    pub dirs: Vec<(PathBuf, String)>,
    /// Hosts the guest may reach over `wasi:http`.
    pub hosts: Arc<AllowedHosts>,
    /// The most linear memory one instance may grow to, in bytes; `None` is the bundle's.
    pub memory_limit: Option<usize>,
    /// The longest a request routed to this component may run; `None` is the bundle's.
    pub timeout: Option<Duration>,
}

impl Sandbox {
    /// The grants as `switchyard routes` prints them: names only, never values.
    pub fn describe(&self) -> Vec<String> {
        let mut grants = Vec::new();
        if !self.env.is_empty() {
            let names: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
            grants.push(format!("env={}", names.join(",")));
        }
        for (host, guest) in &self.dirs {
            grants.push(format!("dir={guest}<-{} (read-only)", host.display()));
        }
        if !self.hosts.rules.is_empty() {
            grants.push(format!("http={}", self.hosts));
        }
        grants
    }
}

/// The environment a component gets: each granted name with its value from `host_env`.
/// `NAME` grants that variable; `PREFIX*` grants every variable starting with `PREFIX`
/// except the AWS credentials. Unset variables are left out, as an unset one is in Python.
pub(crate) fn env_grants(
    grants: &[String],
    host_env: impl IntoIterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    let host_env: Vec<(String, String)> = host_env.into_iter().collect();
    let mut env: Vec<(String, String)> = Vec::new();
    for grant in grants {
        let matches = |name: &str| match grant.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix) && !AWS_CREDENTIALS.contains(&name),
            None => name == grant,
        };
        for (name, value) in &host_env {
            if matches(name) && !env.iter().any(|(n, _)| n == name) {
                env.push((name.clone(), value.clone()));
            }
        }
    }
    env
}

/// Why an `allowed_hosts` entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostRuleError {
    /// Nothing left once the scheme is taken off.
    #[error("`{0}` names no host")]
    Empty(String),
    /// A scheme other than `http` or `https`.
    #[error("`{0}` has a scheme other than `http://` or `https://`")]
    Scheme(String),
    /// A path, query, user or wildcard in the wrong place.
    #[error("`{0}` is not `host`, `host:port` or `*.domain` (no paths, users or other wildcards)")]
    Shape(String),
    /// A port that is not a number from 1 to 65535.
    #[error("`{0}` has an invalid port")]
    Port(String),
}

/// One `allowed_hosts` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HostRule {
    scheme: Option<String>,
    /// Lowercase; `*.example.com` is kept as `.example.com` and matches subdomains only.
    host: String,
    port: Option<u16>,
}

/// The hosts a component may send HTTP requests to. Matching is on the request's scheme,
/// host and port as written in its URL, before any DNS lookup: a name that resolves to a
/// private address is allowed if the name is (naming one is the operator's decision).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    rules: Vec<HostRule>,
}

impl AllowedHosts {
    /// Parses `allowed_hosts`: `host`, `host:port`, `*.domain`, each optionally with
    /// `http://` or `https://` in front. A rule without a port allows any port.
    pub fn parse(entries: &[String]) -> Result<Self, HostRuleError> {
        let rules = entries
            .iter()
            .map(|entry| parse_rule(entry))
            .collect::<Result<_, _>>()?;
        Ok(Self { rules })
    }

    /// Whether a request to `scheme://host:port` may be sent.
    pub fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.rules.iter().any(|rule| {
            let host_ok = match rule.host.strip_prefix('.') {
                Some(domain) => host
                    .to_ascii_lowercase()
                    .strip_suffix(domain)
                    .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1),
                None => host.eq_ignore_ascii_case(&rule.host),
            };
            host_ok
                && rule.scheme.as_deref().is_none_or(|s| s == scheme)
                && rule.port.is_none_or(|p| p == port)
        })
    }
}

impl std::fmt::Display for AllowedHosts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if let Some(scheme) = &rule.scheme {
                write!(f, "{scheme}://")?;
            }
            match rule.host.strip_prefix('.') {
                Some(domain) => write!(f, "*.{domain}")?,
                None => f.write_str(&rule.host)?,
            }
            if let Some(port) = rule.port {
                write!(f, ":{port}")?;
            }
        }
        Ok(())
    }
}

fn parse_rule(entry: &str) -> Result<HostRule, HostRuleError> {
    let (scheme, rest) = match entry.split_once("://") {
        Some((scheme @ ("http" | "https"), rest)) => (Some(scheme.to_string()), rest),
        Some(_) => return Err(HostRuleError::Scheme(entry.into())),
        None => (None, entry),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Err(HostRuleError::Empty(entry.into()));
    }
    if rest.contains(['/', '?', '#', '@']) {
        return Err(HostRuleError::Shape(entry.into()));
    }
    // `[::1]:8080`, `host:8080`, `host`.
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.ends_with(']') => (host, Some(port)),
        _ => (rest, None),
    };
    let port = match port {
        Some(port) => Some(
            port.parse::<u16>()
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| HostRuleError::Port(entry.into()))?,
        ),
        None => None,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host = match host.strip_prefix("*.") {
        Some(domain) => format!(".{domain}"),
        None => host.to_string(),
    };
    if host.is_empty() || host == "." || host.contains('*') {
        return Err(HostRuleError::Shape(entry.into()));
    }
    Ok(HostRule {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// The `wasi:http` hooks of one instance: requests to hosts off the allow-list are refused
/// with `HTTP-request-denied` before any DNS lookup or connection; allowed ones are sent by
/// wasmtime's default client with timeouts no longer than what is left of the call, since
/// a guest blocked on the network is not running wasm and the epoch deadline cannot stop it.
pub(crate) struct OutboundHooks {
    /// The component's name, for the log line of a refusal.
    pub(crate) component: Arc<str>,
    pub(crate) hosts: Arc<AllowedHosts>,
    /// The deadline of the call in progress.
    pub(crate) deadline: Option<Instant>,
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), HttpError>> + Send>,
                ),
                HttpError,
            >,
        > + Send,
>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> SendFuture {
        _ = fut;
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
        let host = uri.host().unwrap_or_default().to_string();
        let port = uri
            .port_u16()
            .unwrap_or(if scheme == "https" { 443 } else { 80 });
        if !self.hosts.allows(&scheme, &host, port) {
            crate::log::emit(
                crate::log::Level::Warn,
                &format!(
                    "refused an HTTP request to `{scheme}://{host}:{port}`: not in the component's `allowed_hosts`"
                ),
                &[("component", &self.component)],
            );
            return Box::new(async { Err(HttpError::HttpRequestDenied) });
        }
        let options = bounded(options, self.deadline);
        let component = self.component.clone();
        // A traced invocation records the call and sends its trace downstream.
        let mut request = request;
        let remote =
            crate::trace::remote_call(request.method().as_str(), &request.uri().to_string(), &host);
        if let Some(remote) = &remote
            && let Ok(value) = http::HeaderValue::from_str(&remote.header())
        {
            request.headers_mut().insert("x-amzn-trace-id", value);
        }
        Box::new(async move {
            let sent = async {
                let literal = host.trim_start_matches('[').trim_end_matches(']');
                if literal.parse::<IpAddr>().is_err()
                    && let Some(addr) = internal_address(&host, port).await?
                {
                    crate::log::emit(
                        crate::log::Level::Warn,
                        &format!(
                            "refused an HTTP request to `{scheme}://{host}:{port}`: the name resolves to `{addr}`, a loopback or link-local address (allow the address itself to reach it)"
                        ),
                        &[("component", &component)],
                    );
                    return Err(HttpError::DestinationIpProhibited);
                }
                wasmtime_wasi_http::default_send_request(request, options).await
            }
            .await;
            if let Some(remote) = remote {
                remote.end(match &sent {
                    Ok((response, _)) => Ok(response.status().as_u16()),
                    Err(err) => Err(err.to_string()),
                });
            }
            let (response, io) = sent?;
            Ok((
                response.map(http_body_util::BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = Result<(), HttpError>> + Send>,
            ))
        })
    }
}

/// The first loopback, link-local or unspecified address `host` resolves to. A name on the
/// allow-list must not lead to the machine itself: in Lambda, `127.0.0.1:9001` is the Runtime
/// API, which would let a guest fetch or answer other invocations, and link-local addresses
/// serve instance credentials. Private ranges (10/8, 172.16/12, 192.168/16) stay reachable:
/// a function in a VPC calls internal services by name. The check precedes the connection,
/// which resolves the name again, so a DNS server that changes its answer in between (DNS
/// rebinding) is not stopped here.
/// A name that does not resolve is refused here (the check fails closed): the connection
/// would resolve it again, and a second answer could be the first internal one.
async fn internal_address(host: &str, port: u16) -> Result<Option<IpAddr>, HttpError> {
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| HttpError::DnsError {
            rcode: Some("the name does not resolve".into()),
            info_code: None,
        })?;
    Ok(addrs.map(|a| a.ip()).find(|ip| is_internal(*ip)))
}

fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_link_local() || v4.is_unspecified(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(IpAddr::V4(v4)),
            None => v6.is_loopback() || v6.is_unspecified() || v6.is_unicast_link_local(),
        },
    }
}

/// The guest's request options, each timeout cut to what is left before `deadline`.
fn bounded(options: Option<RequestOptions>, deadline: Option<Instant>) -> Option<RequestOptions> {
    let Some(deadline) = deadline else {
        return options;
    };
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    let cut = |t: Option<Duration>| Some(t.map_or(left, |t| t.min(left)));
    let options = options.unwrap_or_default();
    Some(RequestOptions {
        connect_timeout: cut(options.connect_timeout),
        first_byte_timeout: cut(options.first_byte_timeout),
        between_bytes_timeout: cut(options.between_bytes_timeout),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(entries: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(&entries.iter().map(|e| e.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn nothing_is_allowed_by_default() {
        assert!(!AllowedHosts::default().allows("https", "example.com", 443));
    }

    #[test]
    fn allow_list_rules_match_host_port_and_scheme() {
        struct Case(&'static str, &'static str, &'static str, u16, bool);
        let cases = [
            Case("api.example.com", "https", "api.example.com", 443, true),
            Case("api.example.com", "http", "API.example.com", 8080, true),
            Case("api.example.com", "https", "example.com", 443, false),
            Case(
                "api.example.com",
                "https",
                "api.example.com.evil.io",
                443,
                false,
            ),
            Case("127.0.0.1:8080", "http", "127.0.0.1", 8080, true),
            Case("127.0.0.1:8080", "http", "127.0.0.1", 9001, false),
            Case(
                "https://api.example.com",
                "http",
                "api.example.com",
                80,
                false,
            ),
            Case(
                "https://api.example.com",
                "https",
                "api.example.com",
                443,
                true,
            ),
            Case("*.example.com", "https", "a.b.example.com", 443, true),
            Case("*.example.com", "https", "example.com", 443, false),
            Case("*.example.com", "https", "badexample.com", 443, false),
            Case("[::1]:8080", "http", "[::1]", 8080, true),
        ];
        for Case(rule, scheme, host, port, allowed) in cases {
            assert_eq!(
                hosts(&[rule]).allows(scheme, host, port),
                allowed,
                "{rule} vs {scheme}://{host}:{port}"
            );
        }
    }

    #[test]
    fn malformed_rules_are_refused_by_name() {
        for (entry, want) in [
            ("", HostRuleError::Empty(String::new())),
            ("ftp://x.com", HostRuleError::Scheme("ftp://x.com".into())),
            ("x.com/path", HostRuleError::Shape("x.com/path".into())),
            ("*", HostRuleError::Shape("*".into())),
            ("a.*.com", HostRuleError::Shape("a.*.com".into())),
            ("x.com:0", HostRuleError::Port("x.com:0".into())),
            ("x.com:http", HostRuleError::Port("x.com:http".into())),
        ] {
            assert_eq!(
                AllowedHosts::parse(&[entry.to_string()]).unwrap_err(),
                want,
                "{entry}"
            );
        }
    }

    #[test]
    fn the_allow_list_prints_as_written() {
        let list = hosts(&["https://API.example.com", "*.svc.local:8443", "10.0.0.1"]);
        assert_eq!(
            list.to_string(),
            "https://api.example.com,*.svc.local:8443,10.0.0.1"
        );
    }

    #[test]
    fn env_grants_never_hand_out_aws_credentials_by_prefix() {
        let host_env = [
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIA..."),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
            ("TABLE_NAME", "todos"),
            ("HOME", "/root"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let names = |grants: &[&str]| -> Vec<String> {
            let grants: Vec<String> = grants.iter().map(|g| g.to_string()).collect();
            env_grants(&grants, host_env.clone())
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        assert_eq!(names(&[]), Vec::<String>::new());
        assert_eq!(names(&["AWS_*"]), ["AWS_REGION"]);
        assert_eq!(names(&["*"]), ["AWS_REGION", "TABLE_NAME", "HOME"]);
        assert_eq!(
            names(&["TABLE_NAME", "AWS_SESSION_TOKEN", "UNSET"]),
            ["TABLE_NAME", "AWS_SESSION_TOKEN"]
        );
    }

    #[test]
    fn loopback_and_link_local_addresses_are_internal_and_private_ranges_are_not() {
        for (ip, internal) in [
            ("127.0.0.1", true),
            ("127.0.0.53", true),
            ("169.254.169.254", true),
            ("0.0.0.0", true),
            ("::1", true),
            ("fe80::1", true),
            ("::ffff:127.0.0.1", true),
            ("10.0.0.8", false),
            ("192.168.1.1", false),
            ("93.184.215.14", false),
            ("2001:db8::1", false),
        ] {
            assert_eq!(is_internal(ip.parse().unwrap()), internal, "{ip}");
        }
    }

    #[test]
    fn outbound_timeouts_never_outlive_the_call() {
        let deadline = Instant::now() + Duration::from_millis(200);
        let guest = RequestOptions {
            connect_timeout: Some(Duration::from_millis(50)),
            first_byte_timeout: Some(Duration::from_secs(600)),
            between_bytes_timeout: None,
        };
        let cut = bounded(Some(guest), Some(deadline)).unwrap();
        assert_eq!(cut.connect_timeout, Some(Duration::from_millis(50)));
        assert!(cut.first_byte_timeout.unwrap() <= Duration::from_millis(200));
        assert!(cut.between_bytes_timeout.unwrap() <= Duration::from_millis(200));
    }
}
