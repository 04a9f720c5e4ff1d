//! Which front door an event came through.

/// The Lambda event sources Powertools' resolvers support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventSource {
    /// API Gateway REST API (payload 1.0).
    RestV1,
    /// API Gateway HTTP API (payload 2.0).
    HttpV2,
    /// ALB with single-value headers.
    Alb,
    /// ALB with multi-value headers on.
    #[serde(rename = "alb-multi", alias = "alb-multi-value")]
    AlbMultiValue,
    /// Lambda Function URL.
    FunctionUrl,
    /// VPC Lattice, event version 1.
    LatticeV1,
    /// VPC Lattice, event version 2.
    LatticeV2,
}

impl EventSource {
    /// Every source, in a fixed order.
    pub const ALL: [EventSource; 7] = [
        EventSource::RestV1,
        EventSource::HttpV2,
        EventSource::Alb,
        EventSource::AlbMultiValue,
        EventSource::FunctionUrl,
        EventSource::LatticeV1,
        EventSource::LatticeV2,
    ];

    /// The name used in bundle manifests and the CLI (`rest-v1`, `alb-multi`, ...).
    pub fn name(self) -> &'static str {
        match self {
            EventSource::RestV1 => "rest-v1",
            EventSource::HttpV2 => "http-v2",
            EventSource::Alb => "alb",
            EventSource::AlbMultiValue => "alb-multi",
            EventSource::FunctionUrl => "function-url",
            EventSource::LatticeV1 => "lattice-v1",
            EventSource::LatticeV2 => "lattice-v2",
        }
    }

    /// An Application Load Balancer, with or without multi-value headers.
    pub fn is_alb(self) -> bool {
        matches!(self, EventSource::Alb | EventSource::AlbMultiValue)
    }

    /// True where repeated headers arrive joined with commas in one value (Powertools splits
    /// those values for CORS and validation).
    pub fn joins_repeated_headers(self) -> bool {
        matches!(
            self,
            EventSource::HttpV2 | EventSource::FunctionUrl | EventSource::LatticeV1
        )
    }

    /// True where Powertools' REST resolver rules apply: rules lose their trailing slash and
    /// match any number of trailing slashes.
    pub fn tolerates_trailing_slash(self) -> bool {
        self == EventSource::RestV1
    }
}

impl std::fmt::Display for EventSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EventSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EventSource::ALL
            .into_iter()
            .find(|src| src.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = EventSource::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "unknown event source `{s}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}
