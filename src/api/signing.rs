//! Request authentication: the signature v2 scheme (spec §1.2–§1.4).
//!
//! ```text
//! stringToSign = METHOD + " " + REQUEST_URI + "\n" + TIMESTAMP + "\n" + ACCESS_KEY
//! signature    = Base64(HMAC-SHA256(key = SECRET_KEY, msg = stringToSign))
//! ```
//!
//! `REQUEST_URI` is the path with the `/api/v1` prefix plus `?` and the raw query when there
//! is one (see [`uri::request_uri`](crate::api::uri::request_uri)); the body and other
//! headers are not signed. Base64 is the standard alphabet with `=` padding. The client signs
//! every attempt; the emulator recomputes and compares with [`verify`] (constant time).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Header carrying the request time, Unix epoch milliseconds as a decimal string (§1.2).
pub const HEADER_TIMESTAMP: &str = "x-ncp-apigw-timestamp";
/// Header carrying the NCP access key ID (§1.2).
pub const HEADER_ACCESS_KEY: &str = "x-ncp-iam-access-key";
/// Header carrying the signature; the one the client sends (§1.2).
pub const HEADER_SIGNATURE_V2: &str = "x-ncp-apigw-signature-v2";
/// Alias under which NAVER's own generated client sends the same v2 signature (§1.2, A20);
/// the emulator may accept it, the client never sends it.
pub const HEADER_SIGNATURE_V1_ALIAS: &str = "x-ncp-apigw-signature-v1";
/// API Gateway key header seen only in Create OCSP examples (§1.2, A20): not sent by the
/// client, ignored by the emulator.
pub const HEADER_API_KEY: &str = "x-ncp-apigw-api-key";

/// The largest accepted difference between the request timestamp and the gateway clock:
/// 5 minutes, either direction (§1.4).
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// The string to sign (§1.3): `method + " " + request_uri + "\n" + timestamp_ms + "\n" +
/// access_key`, byte for byte as given (pass the upper-case method and the exact URI sent).
///
/// ```
/// use pca::api::signing::string_to_sign;
/// assert_eq!(
///     string_to_sign("GET", "/api/v1/ca?pageNo=1", "1700000000000", "NCPTESTACCESSKEY0001"),
///     "GET /api/v1/ca?pageNo=1\n1700000000000\nNCPTESTACCESSKEY0001"
/// );
/// ```
pub fn string_to_sign(
    method: &str,
    request_uri: &str,
    timestamp_ms: &str,
    access_key: &str,
) -> String {
    let mut s = String::with_capacity(
        method.len() + request_uri.len() + timestamp_ms.len() + access_key.len() + 3,
    );
    s.push_str(method);
    s.push(' ');
    s.push_str(request_uri);
    s.push('\n');
    s.push_str(timestamp_ms);
    s.push('\n');
    s.push_str(access_key);
    s
}

/// A fresh HMAC-SHA256 keyed with the secret key's UTF-8 bytes. HMAC accepts keys of any
/// length, so this never fails in practice; `None` keeps the code panic-free regardless.
fn mac(secret_key: &str) -> Option<Hmac<Sha256>> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret_key.as_bytes()).ok()
}

/// The signature (§1.3): standard Base64 (with padding) of HMAC-SHA256 over
/// `string_to_sign`, keyed with `secret_key`. Always 44 characters.
///
/// ```
/// use pca::api::signing::signature;
/// assert_eq!(
///     signature("NCPTESTSECRETKEY0000000000000000000000001",
///               "GET /api/v1/ca?pageNo=1\n1700000000000\nNCPTESTACCESSKEY0001"),
///     "5mrFxAFNKQZ2WTahIT287IvjYNKJQwLyI865bYqw//8="
/// );
/// ```
pub fn signature(secret_key: &str, string_to_sign: &str) -> String {
    match mac(secret_key) {
        Some(mut m) => {
            m.update(string_to_sign.as_bytes());
            STANDARD.encode(m.finalize().into_bytes())
        }
        // Unreachable (HMAC takes any key length); an empty signature never verifies.
        None => String::new(),
    }
}

/// Signs a request in one step: [`signature`] of [`string_to_sign`].
pub fn sign_request(
    secret_key: &str,
    method: &str,
    request_uri: &str,
    timestamp_ms: &str,
    access_key: &str,
) -> String {
    signature(
        secret_key,
        &string_to_sign(method, request_uri, timestamp_ms, access_key),
    )
}

/// Checks a received signature (the header value) against `string_to_sign` in constant
/// time with respect to the expected MAC. A signature that is not valid standard Base64 of
/// 32 bytes is rejected.
///
/// ```
/// use pca::api::signing::verify;
/// let sts = "GET /api/v1/ca?pageNo=1\n1700000000000\nNCPTESTACCESSKEY0001";
/// let key = "NCPTESTSECRETKEY0000000000000000000000001";
/// assert!(verify(key, sts, "5mrFxAFNKQZ2WTahIT287IvjYNKJQwLyI865bYqw//8="));
/// assert!(!verify(key, sts, "6mrFxAFNKQZ2WTahIT287IvjYNKJQwLyI865bYqw//8="));
/// ```
pub fn verify(secret_key: &str, string_to_sign: &str, provided_signature: &str) -> bool {
    let Ok(provided) = STANDARD.decode(provided_signature.trim().as_bytes()) else {
        return false;
    };
    let Some(mut m) = mac(secret_key) else {
        return false;
    };
    m.update(string_to_sign.as_bytes());
    m.verify_slice(&provided).is_ok()
}

/// Parses an `x-ncp-apigw-timestamp` value (decimal epoch milliseconds, optional
/// surrounding whitespace, no sign or fraction).
pub fn parse_timestamp(timestamp_ms: &str) -> Option<i64> {
    let t = timestamp_ms.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Whether a request timestamp is within `max_skew_ms` of `now_ms`, either direction
/// (§1.4: reject when `|now - ts| > 300000`; pass [`MAX_CLOCK_SKEW_MS`]). An unparsable
/// timestamp is never fresh.
///
/// ```
/// use pca::api::signing::{timestamp_is_fresh, MAX_CLOCK_SKEW_MS};
/// assert!(timestamp_is_fresh("1700000300000", 1_700_000_000_000, MAX_CLOCK_SKEW_MS));
/// assert!(!timestamp_is_fresh("1700000300001", 1_700_000_000_000, MAX_CLOCK_SKEW_MS));
/// ```
pub fn timestamp_is_fresh(timestamp_ms: &str, now_ms: i64, max_skew_ms: i64) -> bool {
    parse_timestamp(timestamp_ms)
        .is_some_and(|ts| ts.abs_diff(now_ms) <= max_skew_ms.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCESS_KEY: &str = "NCPTESTACCESSKEY0001";
    const SECRET_KEY: &str = "NCPTESTSECRETKEY0000000000000000000000001";
    const TIMESTAMP: &str = "1700000000000";

    /// The four test vectors of spec §1.3.
    const VECTORS: [(&str, &str, &str); 4] = [
        (
            "GET",
            "/api/v1/ca?pageNo=1",
            "5mrFxAFNKQZ2WTahIT287IvjYNKJQwLyI865bYqw//8=",
        ),
        (
            "POST",
            "/api/v1/ca?caType=PRIVATE_ROOT",
            "Ft28O9HhuMXWjBmUsQLSZEHBKAXlU18GJ8FKbT8HDgw=",
        ),
        (
            "GET",
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert/3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20",
            "h0CM1j9B5UD6dcP16UOoThN/UDaqrKgJVeORhNibqY8=",
        ),
        (
            "DELETE",
            "/api/v1/ca/1a2b3c4d-5e6f7a8b",
            "lTe9u6WhXTn3516S49AYBvN2ohGu9Y53Pq0oP6JHzXg=",
        ),
    ];

    #[test]
    fn spec_vectors() {
        for (method, uri, expected) in VECTORS {
            let sts = string_to_sign(method, uri, TIMESTAMP, ACCESS_KEY);
            assert_eq!(signature(SECRET_KEY, &sts), expected, "{method} {uri}");
            assert_eq!(
                sign_request(SECRET_KEY, method, uri, TIMESTAMP, ACCESS_KEY),
                expected
            );
            assert!(verify(SECRET_KEY, &sts, expected));
            assert!(!verify("wrong", &sts, expected));
            assert!(!verify(SECRET_KEY, &format!("{sts}\n"), expected));
        }
    }

    #[test]
    fn vector_one_string_to_sign_bytes() {
        let sts = string_to_sign("GET", "/api/v1/ca?pageNo=1", TIMESTAMP, ACCESS_KEY);
        assert_eq!(
            sts,
            "GET /api/v1/ca?pageNo=1\n1700000000000\nNCPTESTACCESSKEY0001"
        );
        let hex: String = sts.bytes().take(26).map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "474554202f6170692f76312f63613f706167654e6f3d310a3137");
    }

    #[test]
    fn vectors_through_the_operation_table() {
        use crate::api::ops::{CREATE_CA, DELETE_CA, GET_CA_LIST, GET_END_CERT};
        use crate::api::uri::{query_string, request_uri};
        let tag = "1a2b3c4d-5e6f7a8b";
        let serial = "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20";
        let built = [
            request_uri(
                &GET_CA_LIST.path_for(&[]).unwrap(),
                &query_string(&[("pageNo", "1")]),
            ),
            request_uri(
                &CREATE_CA.path_for(&[]).unwrap(),
                &query_string(&[("caType", "PRIVATE_ROOT")]),
            ),
            GET_END_CERT
                .path_for(&[("caTag", tag), ("serialNo", serial)])
                .unwrap(),
            DELETE_CA.path_for(&[("caTag", tag)]).unwrap(),
        ];
        for ((method, uri, _), got) in VECTORS.iter().zip(built) {
            assert_eq!(&got, uri, "{method}");
        }
    }

    #[test]
    fn verify_rejects_malformed_signatures() {
        let sts = string_to_sign("GET", "/api/v1/ca", TIMESTAMP, ACCESS_KEY);
        let good = signature(SECRET_KEY, &sts);
        assert_eq!(good.len(), 44);
        assert!(verify(SECRET_KEY, &sts, &good));
        assert!(verify(SECRET_KEY, &sts, &format!(" {good} ")));
        assert!(!verify(SECRET_KEY, &sts, ""));
        assert!(!verify(SECRET_KEY, &sts, "not base64!"));
        assert!(!verify(SECRET_KEY, &sts, &good[..43]));
        assert!(!verify(SECRET_KEY, &sts, &good.replace('=', "")));
        // Truncated MAC (valid Base64 of fewer bytes).
        assert!(!verify(SECRET_KEY, &sts, "AAAA"));
        assert!(!verify(SECRET_KEY, &sts, &STANDARD.encode([0u8; 32])));
    }

    #[test]
    fn empty_and_long_keys_work() {
        assert_eq!(signature("", "x").len(), 44);
        let long = "k".repeat(1000);
        let s = signature(&long, "x");
        assert!(verify(&long, "x", &s));
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp(" 1700000000000 "), Some(1_700_000_000_000));
        assert_eq!(parse_timestamp("-1"), None);
        assert_eq!(parse_timestamp("1.5"), None);
        assert_eq!(parse_timestamp(""), None);
        assert_eq!(parse_timestamp("99999999999999999999999"), None);
        let now = 1_700_000_000_000;
        assert!(timestamp_is_fresh("1700000000000", now, MAX_CLOCK_SKEW_MS));
        assert!(timestamp_is_fresh("1699999700000", now, MAX_CLOCK_SKEW_MS));
        assert!(!timestamp_is_fresh("1699999699999", now, MAX_CLOCK_SKEW_MS));
        assert!(!timestamp_is_fresh("1700000300001", now, MAX_CLOCK_SKEW_MS));
        assert!(!timestamp_is_fresh("soon", now, MAX_CLOCK_SKEW_MS));
    }
}
