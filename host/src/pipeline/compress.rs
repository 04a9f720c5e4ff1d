//! gzip, as Powertools decides it: only when `Accept-Encoding` contains `gzip` (a
//! case-sensitive substring test, so `gzip;q=0` compresses and `GZIP` does not), the
//! response's own flag winning over the route's, any content type, no minimum size; at
//! Powertools' level 9 unless the app or the route sets another.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::request::Request;

/// True when the request accepts gzip by Powertools' test.
pub(super) fn accepts_gzip(request: &Request) -> bool {
    request
        .header_values("accept-encoding")
        .any(|v| v.contains("gzip"))
}

/// Whether to compress: the response's flag if it has one, else the route's.
pub(super) fn should_compress(
    accepts: bool,
    response_flag: Option<bool>,
    route_flag: bool,
) -> bool {
    accepts && response_flag.unwrap_or(route_flag)
}

/// A gzip level, 0 (stored, not compressed) to 9 (the smallest); Powertools' 9 unless set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GzipLevel(u32);

impl Default for GzipLevel {
    fn default() -> Self {
        Self(9)
    }
}

impl GzipLevel {
    /// `level`, when gzip has it.
    pub(crate) fn new(level: u32) -> Result<Self, String> {
        match level {
            0..=9 => Ok(Self(level)),
            _ => Err(format!(
                "compression level {level} is not one of gzip's, 0 to 9"
            )),
        }
    }
}

/// gzip at `level`.
pub(super) fn gzip(data: &[u8], level: GzipLevel) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(data.len() / 2 + 32),
        Compression::new(level.0),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read as _;

    #[test]
    fn gzip_round_trips_at_every_level_and_a_higher_one_is_no_larger() {
        let text = "lorem ipsum dolor sit amet, consectetur ".repeat(200);
        let mut sizes = Vec::new();
        for level in [0, 1, 6, 9] {
            let gzipped = gzip(text.as_bytes(), GzipLevel::new(level).unwrap());
            let mut out = String::new();
            GzDecoder::new(&gzipped[..])
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text, "{level}");
            sizes.push(gzipped.len());
        }
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        assert!(sizes[0] > text.len(), "level 0 stores: {sizes:?}");
        assert_eq!(GzipLevel::default(), GzipLevel::new(9).unwrap());
        assert!(GzipLevel::new(10).is_err());
    }

    #[test]
    fn the_response_flag_wins_and_nothing_compresses_without_accept() {
        let rows = [
            (true, None, true, true),
            (true, Some(false), true, false), // test_override_route_compress_parameter
            (true, Some(true), false, true),  // test_response_with_compress_enabled
            (false, Some(true), true, false), // compress-no-accept
        ];
        for (accepts, response, route, want) in rows {
            assert_eq!(
                should_compress(accepts, response, route),
                want,
                "{accepts} {response:?} {route}"
            );
        }
    }
}
