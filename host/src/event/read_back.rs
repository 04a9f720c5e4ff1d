//! A Lambda response read back as the client of the source's front door gets it. Each
//! source's file says which fields its front door reads ([`FrontDoor`]); this file reads
//! them: the status, header lines (`multiValueHeaders` winning for a name both carry, as in
//! API Gateway), `cookies` as `Set-Cookie` lines, and the body base64-decoded when
//! `isBase64Encoded`. A gzip body stays gzip: undoing it is the client's business. The dev
//! server sends this as HTTP and `switchyard::testing` reads it.

use base64::Engine as _;
use serde_json::Value;

/// A Lambda response that no front door can send; API Gateway answers these with a 502.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MalformedResponse {
    /// `statusCode` is missing or not a status.
    #[error("the Lambda response has no valid `statusCode`")]
    Status,
    /// `isBase64Encoded` is true and the body is not base64.
    #[error("the Lambda response body is flagged base64 but is not: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The response is not a JSON object.
    #[error("the Lambda response is not a JSON object")]
    NotAnObject,
}

/// Which fields of a Lambda response a source's front door reads; the rest it ignores.
#[derive(Debug, Clone, Copy)]
pub(super) struct FrontDoor {
    /// `headers`, one value per name.
    pub(super) headers: bool,
    /// `multiValueHeaders`, every value; it wins for a name `headers` carries too.
    pub(super) multi_value_headers: bool,
    /// `cookies`, each a `Set-Cookie` line (payload format 2.0).
    pub(super) cookies: bool,
    /// A response without `statusCode` is not refused: it is the body of a `200` JSON
    /// answer, a string as it is and any other value as its JSON text (payload format
    /// 2.0's "format inference").
    pub(super) infers_format: bool,
}

/// What the client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientResponse {
    /// The HTTP status, 100 to 999.
    pub(crate) status: u16,
    /// Every header line in order, names as the response wrote them.
    pub(crate) headers: Vec<(String, String)>,
    /// The body bytes, base64 undone.
    pub(crate) body: Vec<u8>,
}

impl ClientResponse {
    /// Every value of the header `name` (any case), in order.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `response` as `door` does; see the module's doc.
pub(super) fn read(response: &Value, door: FrontDoor) -> Result<ClientResponse, MalformedResponse> {
    let inferred = door.infers_format
        && response
            .as_object()
            .is_none_or(|obj| !obj.contains_key("statusCode"));
    if inferred {
        let body = match response {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        return Ok(ClientResponse {
            status: 200,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body: body.into_bytes(),
        });
    }
    let obj = response.as_object().ok_or(MalformedResponse::NotAnObject)?;
    let status = match obj.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .and_then(|code| u16::try_from(code).ok())
    .filter(|code| (100..=999).contains(code))
    .ok_or(MalformedResponse::Status)?;

    let field = |name: &str, read: bool| obj.get(name).and_then(Value::as_object).filter(|_| read);
    let multi = field("multiValueHeaders", door.multi_value_headers);
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in field("headers", door.headers).into_iter().flatten() {
        let shadowed = multi.is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(name)));
        if let (false, Some(value)) = (shadowed, value.as_str()) {
            headers.push((name.clone(), value.to_string()));
        }
    }
    for (name, values) in multi.into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            if let Some(value) = value.as_str() {
                headers.push((name.clone(), value.to_string()));
            }
        }
    }
    let cookies = obj
        .get("cookies")
        .and_then(Value::as_array)
        .filter(|_| door.cookies);
    for cookie in cookies.into_iter().flatten().filter_map(Value::as_str) {
        headers.push(("set-cookie".to_string(), cookie.to_string()));
    }

    let body = match obj.get("body") {
        Some(Value::String(text)) => match obj.get("isBase64Encoded").and_then(Value::as_bool) {
            Some(true) => base64::engine::general_purpose::STANDARD.decode(text.trim())?,
            _ => text.clone().into_bytes(),
        },
        _ => Vec::new(),
    };
    Ok(ClientResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A front door that reads every field and infers nothing.
    const EVERY_FIELD: FrontDoor = FrontDoor {
        headers: true,
        multi_value_headers: true,
        cookies: true,
        infers_format: false,
    };

    fn read_back(response: &Value) -> Result<ClientResponse, MalformedResponse> {
        read(response, EVERY_FIELD)
    }

    #[test]
    fn every_header_value_and_cookie_is_a_line_and_multi_value_wins() {
        let response = read_back(&json!({
            "statusCode": 201,
            "headers": {"X-One": "1", "X-Multi": "ignored"},
            "multiValueHeaders": {"X-Multi": ["a", "b"], "Set-Cookie": ["a=1"]},
            "cookies": ["b=2; Secure"],
            "body": "hi",
            "isBase64Encoded": false,
        }))
        .unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(response.values("x-one").collect::<Vec<_>>(), ["1"]);
        assert_eq!(response.values("x-multi").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            response.values("set-cookie").collect::<Vec<_>>(),
            ["a=1", "b=2; Secure"]
        );
        assert_eq!(response.body, b"hi");
    }

    #[test]
    fn a_base64_body_is_decoded_and_gzip_is_left_to_the_client() {
        let response = read_back(&json!({
            "statusCode": "200",
            "headers": {"Content-Encoding": "gzip"},
            "body": "H4sIAAAAAAAA/w==",
            "isBase64Encoded": true,
        }))
        .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"\x1f\x8b\x08\0\0\0\0\0\0\xff");
    }

    #[test]
    fn a_malformed_lambda_response_is_an_error_not_a_panic() {
        assert!(matches!(
            read_back(&json!({"body": "x"})),
            Err(MalformedResponse::Status)
        ));
        assert!(matches!(
            read_back(&json!({"statusCode": 42})),
            Err(MalformedResponse::Status)
        ));
        assert!(matches!(
            read_back(&json!({"statusCode": 200, "body": "%%%", "isBase64Encoded": true})),
            Err(MalformedResponse::Base64(_))
        ));
        assert!(matches!(
            read_back(&json!([1])),
            Err(MalformedResponse::NotAnObject)
        ));
    }

    #[test]
    fn a_front_door_reads_only_its_fields() {
        let response = json!({
            "statusCode": 200,
            "headers": {"X-Single": "1"},
            "multiValueHeaders": {"X-Multi": ["a"]},
            "cookies": ["c=1"],
        });
        let lines = |door| read(&response, door).unwrap().headers;
        let only_multi = FrontDoor {
            headers: false,
            cookies: false,
            ..EVERY_FIELD
        };
        assert_eq!(lines(only_multi), [("X-Multi".into(), "a".into())]);
        let single_and_cookies = FrontDoor {
            multi_value_headers: false,
            ..EVERY_FIELD
        };
        assert_eq!(
            lines(single_and_cookies),
            [
                ("X-Single".into(), "1".into()),
                ("set-cookie".into(), "c=1".into())
            ]
        );
    }

    #[test]
    fn payload_2_infers_a_json_answer_from_a_response_without_status_code() {
        let door = FrontDoor {
            infers_format: true,
            ..EVERY_FIELD
        };
        let object = read(&json!({"message": "hi"}), door).unwrap();
        assert_eq!(
            (object.status, object.body.as_slice()),
            (200, &br#"{"message":"hi"}"#[..])
        );
        assert_eq!(
            object.values("content-type").collect::<Vec<_>>(),
            ["application/json"]
        );
        let text = read(&json!("Hello from Lambda!"), door).unwrap();
        assert_eq!(text.body, b"Hello from Lambda!");
        // With a status code it is read as any response; without inference, refused.
        assert_eq!(read(&json!({"statusCode": 204}), door).unwrap().status, 204);
        assert!(matches!(
            read(&json!({"message": "hi"}), EVERY_FIELD),
            Err(MalformedResponse::Status)
        ));
    }
}
