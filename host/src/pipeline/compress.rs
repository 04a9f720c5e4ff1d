//! gzip, as Powertools decides it: only when `Accept-Encoding` contains `gzip` (a
//! case-sensitive substring test, so `gzip;q=0` compresses and `GZIP` does not), the
//! response's own flag winning over the route's, any content type, no minimum size.

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

/// gzip at Powertools' level 9.
pub(super) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(data.len() / 2 + 32), Compression::best());
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
    fn gzip_round_trips() {
        let text = "lorem ipsum dolor sit amet ".repeat(50);
        let mut out = String::new();
        GzDecoder::new(&gzip(text.as_bytes())[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
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
